#include <gtest/gtest.h>

#include <regex>
#include <set>

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
  EXPECT_EQ(DataFileKey("db/s/", "abc", ".json.gz"), "db/s/abc.json.gz");
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
