// The test env itself (fault_injection_env.h): what a crash keeps, and how faults strike. The
// crash tests of the store and the pipeline are only as strict as these rules.
#include "storage/fault_injection_env.h"

#include <gtest/gtest.h>

namespace datalake::storage::testing {
namespace {

class FaultInjectionEnvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(env_.CreateDir("/d").ok());
    ASSERT_TRUE(env_.SyncDir("/").ok());
  }
  FaultInjectionEnv env_;
};

TEST_F(FaultInjectionEnvTest, CrashKeepsFileBytesUpToTheirSync) {
  ASSERT_TRUE(env_.AppendToFile("/d/f", "synced").ok());
  ASSERT_TRUE(env_.SyncFile("/d/f").ok());
  ASSERT_TRUE(env_.SyncDir("/d").ok());
  ASSERT_TRUE(env_.AppendToFile("/d/f", " lost").ok());
  EXPECT_EQ(env_.Contents("/d/f"), "synced lost");
  env_.Crash();
  EXPECT_EQ(env_.Contents("/d/f"), "synced");
}

TEST_F(FaultInjectionEnvTest, CrashDropsEntriesOfUnsyncedDirectories) {
  ASSERT_TRUE(env_.AppendToFile("/d/f", "x").ok());
  ASSERT_TRUE(env_.SyncFile("/d/f").ok());
  ASSERT_TRUE(env_.CreateDir("/d/sub").ok());
  env_.Crash();
  EXPECT_EQ(env_.Contents("/d/f"), std::nullopt);
  EXPECT_TRUE(env_.Stat("/d/sub").status().IsNotFound());
  EXPECT_TRUE(env_.Stat("/d").ok());
}

TEST_F(FaultInjectionEnvTest, RenameIsDurableOnlyOnceTheTargetDirectoryIsSynced) {
  ASSERT_TRUE(env_.AppendToFile("/d/tmp", "new").ok());
  ASSERT_TRUE(env_.SyncFile("/d/tmp").ok());
  ASSERT_TRUE(env_.SyncDir("/d").ok());
  ASSERT_TRUE(env_.RenameFile("/d/tmp", "/d/final").ok());
  env_.Crash();
  EXPECT_EQ(env_.Contents("/d/final"), std::nullopt);
  EXPECT_EQ(env_.Contents("/d/tmp"), "new");

  ASSERT_TRUE(env_.RenameFile("/d/tmp", "/d/final").ok());
  ASSERT_TRUE(env_.SyncDir("/d").ok());
  env_.Crash();
  EXPECT_EQ(env_.Contents("/d/final"), "new");
  EXPECT_EQ(env_.Contents("/d/tmp"), std::nullopt);
}

TEST_F(FaultInjectionEnvTest, RemovedDirectoryTakesItsDurableEntriesAlong) {
  ASSERT_TRUE(env_.CreateDir("/d/sub").ok());
  ASSERT_TRUE(env_.AppendToFile("/d/sub/f", "x").ok());
  ASSERT_TRUE(env_.SyncFile("/d/sub/f").ok());
  ASSERT_TRUE(env_.SyncDir("/d/sub").ok());
  ASSERT_TRUE(env_.SyncDir("/d").ok());
  EXPECT_FALSE(env_.RemoveDir("/d/sub").ok()) << "not empty";
  ASSERT_TRUE(env_.RemoveFile("/d/sub/f").ok());
  ASSERT_TRUE(env_.RemoveDir("/d/sub").ok());
  ASSERT_TRUE(env_.SyncDir("/d").ok());
  ASSERT_TRUE(env_.CreateDir("/d/sub").ok());
  ASSERT_TRUE(env_.SyncDir("/d").ok());
  env_.Crash();
  auto listed = env_.ListDir("/d/sub");
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
}

TEST_F(FaultInjectionEnvTest, FailedOperationHasNoEffect) {
  env_.FailOperation(2, Status::IOError("disk full"));
  ASSERT_TRUE(env_.AppendToFile("/d/f", "a").ok());
  Status failed = env_.AppendToFile("/d/f", "b");
  EXPECT_EQ(failed.code(), StatusCode::kIOError);
  EXPECT_EQ(failed.message(), "disk full");
  EXPECT_EQ(env_.Contents("/d/f"), "a");
  EXPECT_TRUE(env_.AppendToFile("/d/f", "c").ok()) << "only the n-th fails";
}

TEST_F(FaultInjectionEnvTest, FailPathStrikesEveryOperationOnMatchingPaths) {
  env_.FailPath("/bad", Status::IOError("bad sector"));
  EXPECT_FALSE(env_.AppendToFile("/d/bad", "x").ok());
  EXPECT_FALSE(env_.Stat("/d/bad").ok());
  EXPECT_TRUE(env_.AppendToFile("/d/good", "x").ok());
}

TEST_F(FaultInjectionEnvTest, DeadProcessChangesNothing) {
  env_.CrashAfterMutation(1);
  ASSERT_TRUE(env_.AppendToFile("/d/f", "a").ok());
  EXPECT_TRUE(env_.dead());
  EXPECT_FALSE(env_.AppendToFile("/d/f", "b").ok());
  std::string out;
  EXPECT_FALSE(env_.ReadFile("/d/f", &out).ok());
  EXPECT_EQ(env_.Contents("/d/f"), "a");
}

TEST_F(FaultInjectionEnvTest, LocksExcludeEachOtherUntilReleasedOrCrashed) {
  auto first = env_.LockFile("/d/l", {.create = true, .wait = false});
  ASSERT_TRUE(first.ok());
  ASSERT_NE(*first, nullptr);
  auto second = env_.LockFile("/d/l", {.create = true, .wait = false});
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, nullptr);
  first->reset();
  auto third = env_.LockFile("/d/l", {.create = false, .wait = false});
  ASSERT_TRUE(third.ok());
  EXPECT_NE(*third, nullptr);
  ASSERT_TRUE(env_.SyncFile("/d/l").ok());
  ASSERT_TRUE(env_.SyncDir("/d").ok());
  env_.Crash();  // the holder died
  auto after = env_.LockFile("/d/l", {.create = false, .wait = false});
  ASSERT_TRUE(after.ok());
  EXPECT_NE(*after, nullptr);
  third->reset();  // a dead holder's lock object, released late, frees nothing of the new one
  EXPECT_EQ(*env_.LockFile("/d/l", {.create = false, .wait = false}), nullptr);
}

TEST_F(FaultInjectionEnvTest, ClocksMoveOnlyWhenTold) {
  const auto wall = env_.Now();
  const auto mono = env_.NowMonotonic();
  EXPECT_EQ(env_.NowMonotonic(), mono);
  env_.AdvanceClock(std::chrono::seconds(90));
  EXPECT_EQ(env_.Now() - wall, std::chrono::seconds(90));
  EXPECT_EQ(env_.NowMonotonic() - mono, std::chrono::seconds(90));
}

}  // namespace
}  // namespace datalake::storage::testing
