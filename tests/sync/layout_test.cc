#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>
#include <vector>

#include "sync/lake_layout.h"
#include "sync/uuid.h"

namespace datalake::sync {
namespace {

TEST(LakeLayoutTest, MatchesTheOriginalConnectorsPaths) {
  // The original's unit tests: s3://datalake-bucket/test/append_stream/ and with prefix.
  EXPECT_EQ(TableLocation("datalake-bucket", TablePrefix("", "test", "append_stream")),
            "s3://datalake-bucket/test/append_stream/");
  EXPECT_EQ(TableLocation("datalake-bucket", TablePrefix("prefix", "test", "append_stream")),
            "s3://datalake-bucket/prefix/test/append_stream/");
}

TEST(LakeLayoutTest, NormalisesPrefixSlashesAndEscapesUnsafeNames) {
  EXPECT_EQ(TablePrefix("/a//b/", "db", "s"), "a/b/db/s/");
  EXPECT_EQ(TablePrefix("", "db", "My Stream-1"), "db/My Stream-1/");
  EXPECT_EQ(TablePrefix("", "db", "a/b"), "db/a%2Fb/");
  EXPECT_EQ(TablePrefix("", "..", "."), "%2E./%2E/");
}

TEST(LakeLayoutTest, KnowsTheOriginalConnectorsSpellingOfAPrefixWithExtraSlashes) {
  // The original: "s3://<bucket>" + "/<bucket_prefix>" + "/<database>/<stream>/".
  EXPECT_EQ(OriginalDestinationPrefix("data/"), "data//");
  EXPECT_EQ(OriginalDestinationPrefix("/data"), "/data/");
  EXPECT_EQ(OriginalDestinationPrefix("data"), "data/");
  EXPECT_EQ(OriginalDestinationPrefix(""), "");
  EXPECT_EQ(TablePath("data//", "db", "a/b"), "data//db/a%2Fb/");
  // Staging clean-up covers both spellings, with one listing when one is below the other.
  EXPECT_EQ(DestinationPrefixes("data/"), std::vector<std::string>{"data/"});
  EXPECT_EQ(DestinationPrefixes("data"), std::vector<std::string>{"data/"});
  EXPECT_EQ(DestinationPrefixes("/data"), (std::vector<std::string>{"data/", "/data/"}));
  EXPECT_EQ(DestinationPrefixes("a//b"), (std::vector<std::string>{"a/b/", "a//b/"}));
  EXPECT_EQ(DestinationPrefixes("/"), std::vector<std::string>{""});
  // The bucket_prefix that puts a stream's path at a key prefix, in either spelling.
  EXPECT_EQ(BucketPrefixOf("p1/db/t/", "db/t/"), "p1");
  EXPECT_EQ(BucketPrefixOf("a/b/db/t", "db/t/"), "a/b");
  EXPECT_EQ(BucketPrefixOf("data//db/t/", "db/t/"), "data/");
  EXPECT_EQ(BucketPrefixOf("/data/db/t/", "db/t/"), "/data");
  EXPECT_EQ(BucketPrefixOf("db/t/", "db/t/"), "");
  EXPECT_EQ(BucketPrefixOf("p1/db/t/_airbyte_generation_3/", "db/t/"), "p1");
  EXPECT_FALSE(BucketPrefixOf("/db/t/", "db/t/").has_value());
  EXPECT_FALSE(BucketPrefixOf("p1/xdb/t/", "db/t/").has_value());
  EXPECT_FALSE(BucketPrefixOf("p1/db/u/", "db/t/").has_value());
  EXPECT_FALSE(BucketPrefixOf("p1/db/t/sub/", "db/t/").has_value());
}

TEST(LakeLayoutTest, DataFileNamesCarryTheirOrigin) {
  const FileOrigin origin{42, 7, "0123456789abcdef"};
  const std::string name = DataFileName(origin, 3, ".snappy.parquet");
  EXPECT_EQ(name, "gen42-sync7-0123456789abcdef-3.snappy.parquet");
  EXPECT_EQ(OriginOfKey("p/db/s/x=1/" + name), origin);
  EXPECT_EQ(OriginOfKey(DataFileName({0, 0, "ffffffffffffffff"}, 1, ".json")),
            (FileOrigin{0, 0, "ffffffffffffffff"}));
  EXPECT_EQ(DataFileName({-1, -2, "0123456789abcdef"}, 1, ""), "gen0-sync0-0123456789abcdef-1");
  // Files of the original connector and of earlier versions carry no origin.
  for (const char* key : {"db/s/0a1b2c3d4e5f60718293a4b5c6d7e8f9.snappy.parquet", "db/s/gen.json",
                          "db/s/gen1-sync2-0123.json", "db/s/gen1-sync2-0123456789ABCDEF-1.json",
                          "db/s/gen-1-sync2-0123456789abcdef-1.json",
                          "db/s/gen1-sync2-0123456789abcdef-.json", "gen1/sync2-x"}) {
    EXPECT_FALSE(OriginOfKey(key).has_value()) << key;
  }
  const std::string run = NewRunId();
  EXPECT_TRUE(std::regex_match(run, std::regex("^[0-9a-f]{16}$"))) << run;
  EXPECT_NE(run, NewRunId());
}

TEST(LakeLayoutTest, GenerationDirectoriesAreHiddenFromReadersOfTheTable) {
  EXPECT_EQ(GenerationDirectory({12, 3, "0123456789abcdef"}), "_airbyte_generation_12/");
  EXPECT_EQ(GenerationDirectory({0, 3, "0123456789abcdef"}), "_airbyte_run_0123456789abcdef/");
  EXPECT_TRUE(VisibleBelow("db/s/", "db/s/a.json"));
  EXPECT_TRUE(VisibleBelow("db/s/", "db/s/k=1/a.json"));
  EXPECT_FALSE(VisibleBelow("db/s/", "db/s/_airbyte_generation_12/a.json"));
  EXPECT_FALSE(VisibleBelow("db/s/", "db/s/k=1/.a.json"));
  EXPECT_FALSE(VisibleBelow("db/s/", "db/t/a.json"));
  EXPECT_TRUE(VisibleBelow("db/s/_airbyte_generation_12/", "db/s/_airbyte_generation_12/a.json"));
  EXPECT_EQ(SubdirectoryBelow("db/s/", "db/s/k=1/j=2/a.json"), "k=1/j=2/");
  EXPECT_EQ(SubdirectoryBelow("db/s/", "db/s/a.json"), "");
  EXPECT_EQ(PrefixOfLocation("b", "s3://b/db/s/_airbyte_generation_12/"),
            "db/s/_airbyte_generation_12/");
  EXPECT_EQ(PrefixOfLocation("b", "s3://b/db/s"), "db/s/");
  EXPECT_FALSE(PrefixOfLocation("b", "s3://other/db/s/").has_value());
}

TEST(LakeLayoutTest, StagingRuleKnowsEarlierAttemptsOfTheSameJob) {
  const std::string ours = "0123456789abcdef";
  storage::StagingCleanup rule = StagingRule(ours, {7, 0});
  ASSERT_TRUE(rule.finished_writer);
  EXPECT_TRUE(rule.finished_writer("db/s/" + DataFileName({1, 7, "fedcba9876543210"}, 1, ".json")));
  EXPECT_FALSE(rule.finished_writer("db/s/" + DataFileName({1, 7, ours}, 1, ".json")));
  EXPECT_FALSE(
      rule.finished_writer("db/s/" + DataFileName({1, 8, "fedcba9876543210"}, 1, ".json")));
  EXPECT_FALSE(rule.finished_writer("db/s/0a1b2c3d4e5f60718293a4b5c6d7e8f9.json"));
  // Without sync ids only age counts: a sync_id of 0 says nothing about the writer.
  EXPECT_FALSE(StagingRule(ours, {0}).finished_writer);
  EXPECT_EQ(DestinationPrefix("/a//b/"), "a/b/");
  EXPECT_EQ(DestinationPrefix(""), "");
}

TEST(UuidGeneratorTest, ProducesDistinctVersion4Uuids) {
  UuidGenerator g;
  std::regex v4("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    std::string id = g.V4();
    ASSERT_TRUE(std::regex_match(id, v4)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 10000u);
  std::string hex = g.Hex();
  EXPECT_TRUE(std::regex_match(hex, std::regex("^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$")));
}

TEST(UuidGeneratorTest, SeededGeneratorsAreDeterministic) {
  UuidGenerator a(42), b(42), c(43);
  EXPECT_EQ(a.V4(), b.V4());
  EXPECT_NE(a.V4(), c.V4());
}

}  // namespace
}  // namespace datalake::sync
