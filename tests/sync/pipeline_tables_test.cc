// A commit makes its tables current side by side on the commit pool (or one after the other
// without it): every table that got files is defined, a failure of one fails the commit after the
// others finished, and no STATE is echoed for it, whichever way it ran.
#include <gtest/gtest.h>
#include <memory>
#include <string>

#include "sync/counting_catalog.h"
#include "sync/lake_harness.h"

namespace datalake::sync {
namespace {

using testing::kEventsStream;
using testing::MakeLakeRoot;
using testing::ReadTable;
using testing::RunSync;

constexpr char kUsersStream[] = R"(
  {"stream":{"name":"users","json_schema":{"type":"object","properties":{
   "id":{"type":"integer"}}},"supported_sync_modes":["full_refresh"]},
   "sync_mode":"full_refresh","destination_sync_mode":"append","generation_id":1,
   "minimum_generation_id":0,"sync_id":5})";

// Three more streams like `users`: with `events`, five tables in one database.
std::string ManyStreams() {
  std::string streams = std::string(kUsersStream) + "," + kEventsStream;
  for (const char* name : {"a", "b", "c"}) {
    std::string stream = kUsersStream;
    stream.replace(stream.find("\"users\""), 7, std::string("\"") + name + "\"");
    streams += "," + stream;
  }
  return R"({"streams":[)" + streams + "]}";
}

std::string Catalog() {
  return std::string(R"({"streams":[)") + kUsersStream + "," + kEventsStream + "]}";
}

std::string Input() {
  return R"({"type":"RECORD","record":{"stream":"users","emitted_at":1700000000000,"data":{"id":1}}}
{"type":"RECORD","record":{"stream":"events","emitted_at":1700000000000,"data":{"id":2,"updated_at":"2026-01-02T03:04:05Z"}}}
{"type":"RECORD","record":{"stream":"events","emitted_at":1700000000000,"data":{"id":3,"updated_at":"2026-01-03T03:04:05Z"}}}
{"type":"STATE","state":{"type":"GLOBAL","global":{"shared_state":{"n":1},"stream_states":[]}}}
)";
}

// DATALAKE_ENCODE_THREADS for the life of the test: "0" commits on the pipeline thread, "2"
// gives the pipeline its commit pool.
class PipelineTablesTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    threads_ = std::make_unique<testing::ScopedEncodeThreads>(GetParam());
    MakeLakeRoot(&env_);
  }

  bool Defined(const std::string& table) {
    auto got = testing::LakeDestination(&env_).catalog->GetTable(testing::kDatabase, table);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    return got.ok() && got->has_value();
  }

  std::unique_ptr<testing::ScopedEncodeThreads> threads_;
  storage::testing::FaultInjectionEnv env_;
};

TEST_P(PipelineTablesTest, EveryTableWithFilesIsDefinedWithItsPartitions) {
  auto sync = RunSync(&env_, Catalog(), Input());
  ASSERT_TRUE(sync.status.ok()) << sync.status.ToString();
  EXPECT_EQ(sync.states, (std::vector<int64_t>{1}));
  EXPECT_EQ(ReadTable(&env_, "users").size(), 1u);
  EXPECT_EQ(ReadTable(&env_, "events").size(), 2u) << "both partitions registered";
}

TEST_P(PipelineTablesTest, ATableThatCannotBeDefinedFailsTheCommitAfterTheOthers) {
  // Its definition cannot be written (the atomic write of _catalog/db/users.json).
  env_.FailPath("_catalog/db/.users.json.", Status::IOError("injected fault: users refused"));
  auto sync = RunSync(&env_, Catalog(), Input());
  EXPECT_EQ(sync.status.code(), StatusCode::kIOError) << sync.status.ToString();
  EXPECT_NE(sync.status.message().find("users refused"), std::string::npos)
      << sync.status.ToString();
  EXPECT_TRUE(sync.states.empty()) << sync.output;
  EXPECT_FALSE(Defined("users"));
  // The other table's commit ran to its end (it does not depend on the failed one): its files
  // are visible and registered, but unacknowledged; the next attempt's records go next to them.
  EXPECT_EQ(ReadTable(&env_, "events").size(), 2u);
}

// Where a commit reads more tables of a database than a listing of it takes pages, it lists the
// database once instead of reading each table; a definition that holds is then not touched.
TEST_P(PipelineTablesTest, ACommitOfManyTablesListsTheirDatabaseOnce) {
  std::string input;
  for (const char* name : {"users", "a", "b", "c"}) {
    input += std::string(R"({"type":"RECORD","record":{"stream":")") + name +
             R"(","emitted_at":1700000000000,"data":{"id":1}}})" + "\n";
  }
  input += Input();
  const config::Config config = testing::LakeConfig();  // the pipeline keeps a reference
  for (int sync = 1; sync <= 2; ++sync) {
    auto parsed = protocol::ParseConfiguredCatalog(json::Parse(ManyStreams()).value());
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    testing::MemFd in(input);
    testing::MemFd out;
    Destination destination = testing::LakeDestination(&env_);
    auto counting = std::make_unique<testing::CountingCatalog>(std::move(destination.catalog));
    testing::CountingCatalog* counts = counting.get();
    destination.catalog = std::move(counting);
    Status status;
    {
      protocol::MessageWriter writer(out.fd());
      Pipeline pipeline(config, &destination, &writer);
      status = pipeline.Open(*parsed);
      if (status.ok()) status = pipeline.Run(in.fd());
    }
    ASSERT_TRUE(status.ok()) << status.ToString();
    EXPECT_EQ(testing::EchoedStates(out.Contents()), (std::vector<int64_t>{1}));
    // One listing resolves the names, one reads the five tables while their files upload.
    EXPECT_EQ(counts->lists.load(), 2) << "sync " << sync;
    if (sync == 1) {
      // New tables: each definition is put, merged from a read after its files.
      EXPECT_EQ(counts->gets.load(), 5);
      EXPECT_EQ(counts->puts.load(), 5);
    } else {
      EXPECT_EQ(counts->gets.load(), 0);
      EXPECT_EQ(counts->puts.load(), 0);
    }
  }
  for (const char* name : {"a", "b", "c"}) EXPECT_EQ(ReadTable(&env_, name).size(), 2u) << name;
  EXPECT_EQ(ReadTable(&env_, "users").size(), 4u);  // Input() has one more
  EXPECT_EQ(ReadTable(&env_, "events").size(), 4u);
}

INSTANTIATE_TEST_SUITE_P(Threads, PipelineTablesTest, ::testing::Values("0", "2"),
                         [](const auto& info) {
                           return std::string(info.param) == "0" ? "Serial" : "CommitPool";
                         });

}  // namespace
}  // namespace datalake::sync
