// The removal of what dead writers left runs before the sync writes anything (the local lake, or
// no commit pool) or beside its start on the commit pool (S3): what it removed is reported, and a
// sync whose removal failed commits nothing, whichever way it ran.
#include <gtest/gtest.h>
#include <memory>
#include <string>

#include "sync/lake_harness.h"

namespace datalake::sync {
namespace {

using testing::kEventsStream;
using testing::MakeLakeRoot;
using testing::ReadTable;
using testing::RunSync;

constexpr char kLeftoverDir[] = "/lake/.staging/bucket/db/leftover";
// A staging file named after a writer whose lock file is gone: a writer that died.
constexpr char kLeftover[] =
    "/lake/.staging/bucket/db/leftover/part.jsonl.o0123456789abcdef.inprogress";

std::string Catalog() { return std::string(R"({"streams":[)") + kEventsStream + "]}"; }

std::string Input() {
  return R"({"type":"RECORD","record":{"stream":"events","emitted_at":1700000000000,"data":{"id":1,"updated_at":"2026-01-02T03:04:05Z"}}}
{"type":"STATE","state":{"type":"GLOBAL","global":{"shared_state":{"n":1},"stream_states":[]}}}
)";
}

// How the removal runs: DATALAKE_ENCODE_THREADS for the life of the test ("0": everything on the
// pipeline thread, no commit pool; "2": the pipeline's pools), and whether the destination asks
// for it beside the sync's start (as S3 does).
struct Way {
  const char* threads;
  bool beside;
  const char* name;
};

class PipelineCleanupTest : public ::testing::TestWithParam<Way> {
 protected:
  void SetUp() override {
    threads_ = std::make_unique<testing::ScopedEncodeThreads>(GetParam().threads);
    MakeLakeRoot(&env_);
    for (const char* dir :
         {"/lake/.staging", "/lake/.staging/bucket", "/lake/.staging/bucket/db", kLeftoverDir}) {
      ASSERT_TRUE(env_.CreateDir(dir).ok()) << dir;
    }
    ASSERT_TRUE(env_.AppendToFile(kLeftover, "{\"id\":0}\n").ok());
  }

  testing::SyncResult Sync() {
    return RunSync(&env_, Catalog(), Input(), testing::LakeConfig(),
                   [](Destination* d) { d->staging_cleanup_beside = GetParam().beside; });
  }

  std::unique_ptr<testing::ScopedEncodeThreads> threads_;
  storage::testing::FaultInjectionEnv env_;
};

TEST_P(PipelineCleanupTest, WhatADeadWriterLeftIsRemovedAndReported) {
  auto sync = Sync();
  ASSERT_TRUE(sync.status.ok()) << sync.status.ToString();
  EXPECT_EQ(sync.states, (std::vector<int64_t>{1}));
  EXPECT_FALSE(env_.Contents(kLeftover).has_value());
  EXPECT_NE(sync.output.find("Removed 1 incomplete files of finished or failed earlier syncs"),
            std::string::npos)
      << sync.output;
  EXPECT_EQ(ReadTable(&env_, "events").size(), 1u);
}

TEST_P(PipelineCleanupTest, ASyncWhoseCleanupFailsCommitsNothing) {
  env_.FailPath("/leftover", Status::IOError("injected fault: listing refused"));
  auto sync = Sync();
  EXPECT_EQ(sync.status.code(), StatusCode::kIOError) << sync.status.ToString();
  EXPECT_NE(sync.status.message().find("listing refused"), std::string::npos)
      << sync.status.ToString();
  EXPECT_TRUE(sync.states.empty()) << sync.output;
  auto table = testing::LakeDestination(&env_).catalog->GetTable(testing::kDatabase, "events");
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_FALSE(table->has_value()) << "no table is defined by a sync that committed nothing";
  for (const std::string& file : env_.Files()) {
    EXPECT_EQ(file.find("/lake/bucket/"), std::string::npos) << "committed: " << file;
  }
}

INSTANTIATE_TEST_SUITE_P(Ways, PipelineCleanupTest,
                         ::testing::Values(Way{"0", true, "Serial"}, Way{"2", false, "Before"},
                                           Way{"2", true, "Beside"}),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace datalake::sync
