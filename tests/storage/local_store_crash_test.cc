// The local lake's store over the in-memory env, crashed after each file operation: a committed
// object is there whole after a restart, an uncommitted one never partially, an atomic write
// leaves the old or the new bytes; failures are I/O errors; staging ages follow the env's clock.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "storage/fault_injection_env.h"
#include "storage/storage.h"

namespace datalake::storage {
namespace {

using testing::FaultInjectionEnv;

constexpr char kKey[] = "db/t/part.json";

void MakeRoot(FaultInjectionEnv* env) {
  ASSERT_TRUE(env->CreateDir("/lake").ok());
  ASSERT_TRUE(env->SyncDir("/").ok());
}

// Create, write and commit kKey; return the commit's status (or the first failure).
Status WriteObject(ObjectStore* store) {
  ASSIGN_OR_RETURN(std::unique_ptr<PendingObject> object, store->Create(kKey));
  RETURN_IF_ERROR(object->Write("hello "));
  RETURN_IF_ERROR(object->Write("world"));
  return object->Commit();
}

bool HasStaging(const FaultInjectionEnv& env) {
  for (const std::string& path : env.Files()) {
    if (path.ends_with(".inprogress")) return true;
  }
  return false;
}

TEST(LocalStoreCrashTest, CommitIsAllOrNothingAtEveryCrashPoint) {
  int mutations = 0;
  {
    FaultInjectionEnv env;
    MakeRoot(&env);
    auto store = NewLocalStore("/lake", "bucket", &env);
    ASSERT_TRUE(WriteObject(store.get()).ok());
    mutations = env.mutations() - 2;
  }
  int visible = 0;
  for (int k = 1; k <= mutations; ++k) {
    SCOPED_TRACE("crash after step " + std::to_string(k));
    FaultInjectionEnv env;
    MakeRoot(&env);
    env.CrashAfterMutation(k);
    Status committed;
    {
      auto store = NewLocalStore("/lake", "bucket", &env);
      committed = WriteObject(store.get());
    }
    env.Crash();
    auto store = NewLocalStore("/lake", "bucket", &env);
    auto got = store->Get(kKey);
    if (committed.ok()) {
      ASSERT_TRUE(got.ok()) << "a committed object is lost: " << got.status().ToString();
    }
    if (got.ok()) {
      EXPECT_EQ(*got, "hello world");
      ++visible;
    } else {
      EXPECT_TRUE(got.status().IsNotFound()) << got.status().ToString();
    }
    // A restarted writer removes what the dead one left.
    auto removed = store->CleanupStaging("", StagingCleanup{});
    ASSERT_TRUE(removed.ok()) << removed.status().ToString();
    EXPECT_FALSE(HasStaging(env));
  }
  EXPECT_GT(visible, 0);
  EXPECT_LT(visible, mutations);
}

// Nothing in staging must survive a crash, so its directories are made without syncing their
// parents (a sync's start made and synced one per stream); the committed object's directory is
// synced where it is renamed to, and the crash test above holds with that.
TEST(LocalStoreCrashTest, StagingDirectoriesAreMadeWithoutSyncs) {
  FaultInjectionEnv env;
  MakeRoot(&env);
  auto store = NewLocalStore("/lake", "bucket", &env);
  ASSERT_TRUE(store->Create("first.json").ok());  // the owner's lock, once per store
  const size_t before = env.mutation_log().size();
  auto object = store->Create("db/stream/part.json");
  ASSERT_TRUE(object.ok());
  const std::vector<std::string> log = env.mutation_log();
  std::vector<std::string> made(log.begin() + static_cast<std::ptrdiff_t>(before), log.end());
  EXPECT_FALSE(made.empty());
  for (const std::string& step : made) EXPECT_FALSE(step.starts_with("syncdir")) << step;
  ASSERT_TRUE((*object)->Write("x").ok());
  ASSERT_TRUE((*object)->Commit().ok());
  const std::vector<std::string> after = env.mutation_log();
  EXPECT_NE(std::find(after.begin(), after.end(), "syncdir /lake/bucket/db/stream"), after.end());
}

TEST(LocalStoreCrashTest, PutLeavesTheOldOrTheNewBytesAtEveryCrashPoint) {
  for (int k = 1;; ++k) {
    SCOPED_TRACE("crash after step " + std::to_string(k));
    FaultInjectionEnv env;
    MakeRoot(&env);
    auto store = NewLocalStore("/lake", "bucket", &env);
    ASSERT_TRUE(store->Put(kKey, "old").ok());
    env.CrashAfterMutation(k);
    Status put = store->Put(kKey, "new");
    const bool reached = env.dead();
    store.reset();
    env.Crash();
    auto got = NewLocalStore("/lake", "bucket", &env)->Get(kKey);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    if (put.ok()) {
      EXPECT_EQ(*got, "new");
    } else {
      EXPECT_TRUE(*got == "old" || *got == "new") << *got;
    }
    if (!reached) break;  // the Put had fewer than k steps: all were tried
  }
}

// An Iceberg commit's objects: two in one directory, one in another.
const std::vector<std::pair<std::string, std::string_view>> kMany = {
    {"db/t/metadata/a.avro", "manifest"},
    {"db/t/metadata/b.avro", "manifest list"},
    {"db/t/other/c.json", "metadata"}};

TEST(LocalStoreCrashTest, PutManyLeavesEachObjectWholeOrAbsentAndAllOnceItReturns) {
  int all_there = 0;
  for (int k = 1;; ++k) {
    SCOPED_TRACE("crash after step " + std::to_string(k));
    FaultInjectionEnv env;
    MakeRoot(&env);
    auto store = NewLocalStore("/lake", "bucket", &env);
    env.CrashAfterMutation(k);
    Status put = store->PutMany(kMany);
    const bool reached = env.dead();
    store.reset();
    env.Crash();
    auto reopened = NewLocalStore("/lake", "bucket", &env);
    int found = 0;
    for (const auto& [key, bytes] : kMany) {
      auto got = reopened->Get(key);
      if (put.ok()) {
        ASSERT_TRUE(got.ok()) << key << " lost: " << got.status().ToString();
      }
      if (got.ok()) {
        EXPECT_EQ(*got, bytes);
        ++found;
      } else {
        EXPECT_TRUE(got.status().IsNotFound()) << got.status().ToString();
      }
    }
    if (found == 3) ++all_there;
    for (const std::string& path : env.Files()) EXPECT_FALSE(path.ends_with(".tmp")) << path;
    if (!reached) break;  // PutMany had fewer than k steps: all were tried
  }
  EXPECT_GT(all_there, 0);
}

TEST(LocalStoreCrashTest, PutManySyncsEachDirectoryOnce) {
  FaultInjectionEnv env;
  MakeRoot(&env);
  auto store = NewLocalStore("/lake", "bucket", &env);
  ASSERT_TRUE(store->PutMany(kMany).ok());
  const std::vector<std::string> log = env.mutation_log();
  EXPECT_EQ(std::count(log.begin(), log.end(), "syncdir /lake/bucket/db/t/metadata"), 1);
  EXPECT_EQ(std::count(log.begin(), log.end(), "syncdir /lake/bucket/db/t/other"), 1);
}

TEST(LocalStoreCrashTest, EveryFailedStepOfACommitIsAnIOError) {
  int operations = 0;
  {
    FaultInjectionEnv env;
    MakeRoot(&env);
    const int before = env.operations();
    ASSERT_TRUE(WriteObject(NewLocalStore("/lake", "bucket", &env).get()).ok());
    operations = env.operations() - before;
  }
  for (int n = 1; n <= operations; ++n) {
    SCOPED_TRACE("operation " + std::to_string(n) + " fails");
    FaultInjectionEnv env;
    MakeRoot(&env);
    env.FailOperation(n, Status::IOError("injected fault"));
    auto store = NewLocalStore("/lake", "bucket", &env);
    Status s = WriteObject(store.get());
    if (s.ok()) continue;  // a step whose failure the store rides out
    EXPECT_EQ(s.code(), StatusCode::kIOError) << s.ToString();
    EXPECT_NE(s.message().find("injected fault"), std::string::npos);
  }
}

TEST(LocalStoreCrashTest, StagingWithoutOwnerAgesByTheEnvClock) {
  FaultInjectionEnv env;
  MakeRoot(&env);
  auto store = NewLocalStore("/lake", "bucket", &env);
  // A staging file of a version that took no lock: only its age tells it is dead.
  ASSERT_TRUE(WriteFileAtomically(&env, "/lake/.staging/bucket/db/t/x.json.inprogress", "x").ok());
  StagingCleanup rule;
  rule.max_age = std::chrono::hours(24);
  auto kept = store->CleanupStaging("db/", rule);
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(*kept, 0u);
  env.AdvanceClock(std::chrono::hours(25));
  auto removed = store->CleanupStaging("db/", rule);
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 1u);
  EXPECT_FALSE(HasStaging(env));
}

}  // namespace
}  // namespace datalake::storage
