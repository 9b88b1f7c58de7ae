// The pipeline's commit interval (commit_interval_seconds) measured on the env's clock: with a
// clock that stands still, a sync commits once, at the end; with one that runs past the interval
// at every reading, it commits at every STATE. Each commit closes the open files, so the number
// of data files tells the commits apart.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "sync/lake_harness.h"

namespace datalake::sync {
namespace {

using testing::FaultInjectionEnv;

constexpr char kCatalog[] = R"({"streams":[
  {"stream":{"name":"users","json_schema":{"type":"object","properties":{"id":{"type":"integer"}}},
   "supported_sync_modes":["incremental"]},"sync_mode":"incremental",
   "destination_sync_mode":"append","generation_id":1,"minimum_generation_id":0,"sync_id":5}]})";

std::string Input() {
  std::string out;
  for (int n = 1; n <= 3; ++n) {
    out += R"({"type":"RECORD","record":{"stream":"users","emitted_at":1,"data":{"id":)" +
           std::to_string(n) + "}}}\n";
    out += R"({"type":"STATE","state":{"type":"GLOBAL","global":{"shared_state":{"n":)" +
           std::to_string(n) + "}}}}\n";
  }
  return out;
}

size_t DataFiles(FaultInjectionEnv* env) {
  auto listed = testing::LakeDestination(env).store->List("db/users/");
  EXPECT_TRUE(listed.ok());
  return listed.ok() ? listed->size() : 0;
}

config::Config EveryMinute() {
  config::Config config = testing::LakeConfig();
  config.commit_interval_seconds = 60;
  return config;
}

TEST(PipelineClockTest, StandingClockCommitsOnceAtTheEnd) {
  FaultInjectionEnv env;
  testing::MakeLakeRoot(&env);
  auto sync = testing::RunSync(&env, kCatalog, Input(), EveryMinute());
  ASSERT_TRUE(sync.status.ok()) << sync.status.ToString();
  EXPECT_EQ(sync.states, (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(DataFiles(&env), 1u);
}

TEST(PipelineClockTest, ClockPastTheIntervalCommitsAtEveryState) {
  FaultInjectionEnv env;
  testing::MakeLakeRoot(&env);
  env.set_auto_advance(std::chrono::seconds(61));
  auto sync = testing::RunSync(&env, kCatalog, Input(), EveryMinute());
  ASSERT_TRUE(sync.status.ok()) << sync.status.ToString();
  EXPECT_EQ(sync.states, (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(DataFiles(&env), 3u);
}

TEST(PipelineClockTest, StandingClockAcknowledgesNothingBeforeACrashAtTheEnd) {
  FaultInjectionEnv env;
  testing::MakeLakeRoot(&env);
  // Every change below the table fails: the only commit, at the end, cannot happen.
  env.FailPath("/lake/bucket/db/users/", Status::IOError("injected fault"));
  auto sync = testing::RunSync(&env, kCatalog, Input(), EveryMinute());
  EXPECT_EQ(sync.status.code(), StatusCode::kIOError);
  EXPECT_TRUE(sync.states.empty()) << "no commit, no STATE";
}

}  // namespace
}  // namespace datalake::sync
