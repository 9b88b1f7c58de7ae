#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "storage/file_util.h"
#include "storage/storage.h"

namespace datalake::storage {
namespace {

namespace fs = std::filesystem;

class LocalStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("local_store_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    store_ = NewLocalStore(root_.string(), "bucket");
  }
  void TearDown() override { fs::remove_all(root_); }

  fs::path root_;
  std::unique_ptr<ObjectStore> store_;
};

TEST_F(LocalStoreTest, PendingObjectIsInvisibleUntilCommitted) {
  auto pending = store_->Create("db/t/a.json");
  ASSERT_TRUE(pending.ok()) << pending.status().ToString();
  ASSERT_TRUE((*pending)->Write("hello ").ok());
  ASSERT_TRUE((*pending)->Write("world").ok());
  EXPECT_FALSE(fs::exists(root_ / "bucket/db/t/a.json"));
  auto listed = store_->List("db/t/");
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());

  ASSERT_TRUE((*pending)->Commit().ok());
  EXPECT_EQ((*pending)->size(), 11u);
  auto got = store_->Get("db/t/a.json");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, "hello world");
}

// Staging files below `dir` (recursively).
std::vector<fs::path> StagingFiles(const fs::path& dir) {
  std::vector<fs::path> out;
  if (!fs::exists(dir)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().string().ends_with(".inprogress")) out.push_back(e.path());
  }
  return out;
}

TEST_F(LocalStoreTest, CleanupRemovesADeadWritersStagingButNotALiveOnes) {
  // A writer that died (its store gone, its pending object never aborted).
  {
    auto dead = NewLocalStore(root_.string(), "bucket");
    auto pending = dead->Create("db/t/dead.json");
    ASSERT_TRUE(pending.ok());
    ASSERT_TRUE((*pending)->Write("partial").ok());
    // Kept forever, like a crashed process' object: nothing aborts it. (Reachable, so that
    // LeakSanitizer sees no leak.)
    static auto* crashed = new std::vector<std::unique_ptr<PendingObject>>;
    crashed->push_back(std::move(*pending));
  }
  // A live writer with an open object in the same table.
  auto live = NewLocalStore(root_.string(), "bucket");
  auto open = live->Create("db/t/live.json");
  ASSERT_TRUE(open.ok());
  ASSERT_TRUE((*open)->Write("still writing").ok());
  ASSERT_EQ(StagingFiles(root_ / ".staging/bucket").size(), 2u);
  EXPECT_FALSE(fs::exists(root_ / "bucket/db/t/dead.json"));

  auto removed = store_->CleanupStaging("db/t/", StagingCleanup{});
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_EQ(*removed, 1u);
  auto left = StagingFiles(root_ / ".staging/bucket");
  ASSERT_EQ(left.size(), 1u);
  EXPECT_NE(left[0].string().find("live.json"), std::string::npos);
  // The live writer is undisturbed: its object commits.
  ASSERT_TRUE((*open)->Commit().ok());
  EXPECT_EQ(*live->Get("db/t/live.json"), "still writing");
}

TEST_F(LocalStoreTest, CleanupRemovesTheStagingOfAKilledProcess) {
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto store = NewLocalStore(root_.string(), "bucket");
    auto pending = store->Create("db/t/killed.json");
    bool ok = pending.ok() && (*pending)->Write("partial").ok();
    (void)!::write(ready[1], ok ? "1" : "0", 1);
    ::pause();  // killed here
    ::_exit(0);
  }
  char c = 0;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  ASSERT_EQ(c, '1');
  // While the process lives, its file is kept.
  auto kept = store_->CleanupStaging("", StagingCleanup{});
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(*kept, 0u);
  ::kill(child, SIGKILL);
  int wstatus = 0;
  ::waitpid(child, &wstatus, 0);
  auto removed = store_->CleanupStaging("", StagingCleanup{});
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 1u);
  EXPECT_TRUE(StagingFiles(root_ / ".staging").empty());
  ::close(ready[0]);
  ::close(ready[1]);
}

TEST_F(LocalStoreTest, StagingFilesThatNameNoWriterAreRemovedByAge) {
  // Left by a version that took no lock.
  ASSERT_TRUE(
      WriteFileAtomically(Env::Default(),
                          (root_ / ".staging/bucket/db/t/old.json.0123.inprogress").string(), "x")
          .ok());
  StagingCleanup rule;
  auto young = store_->CleanupStaging("db/", rule);
  ASSERT_TRUE(young.ok());
  EXPECT_EQ(*young, 0u);
  rule.clock = [] { return std::chrono::system_clock::now() + std::chrono::hours(25); };
  auto old = store_->CleanupStaging("db/", rule);
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(*old, 1u);
}

TEST_F(LocalStoreTest, ListFiltersByPrefixRecursivelyInKeyOrder) {
  ASSERT_TRUE(store_->Put("db/t/x=1/b.json", "1").ok());
  ASSERT_TRUE(store_->Put("db/t/a.json", "22").ok());
  ASSERT_TRUE(store_->Put("db/tt/c.json", "333").ok());
  auto listed = store_->List("db/t/");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].key, "db/t/a.json");
  EXPECT_EQ((*listed)[0].size, 2u);
  EXPECT_EQ((*listed)[1].key, "db/t/x=1/b.json");
  auto all = store_->List("db/t");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 3u);
}

TEST_F(LocalStoreTest, DeleteRemovesAndIgnoresMissing) {
  ASSERT_TRUE(store_->Put("db/t/a.json", "1").ok());
  ASSERT_TRUE(store_->Delete({"db/t/a.json", "db/t/missing.json"}).ok());
  EXPECT_FALSE(fs::exists(root_ / "bucket/db/t/a.json"));
}

TEST_F(LocalStoreTest, RejectsKeysThatEscapeTheLake) {
  for (const char* key : {"../x", "a/../../x", "/../x", "a//../../x", "./a", ""}) {
    EXPECT_FALSE(store_->Create(key).ok()) << key;
    EXPECT_FALSE(store_->Put(key, "x").ok()) << key;
  }
}

// The original connector's keys under a bucket_prefix with extra '/' ("data/" gave
// "data//db/t/..."): the local lake holds them as the file system reads them, one '/'.
TEST_F(LocalStoreTest, KeysWithEmptySegmentsNameTheFileOfOneSlash) {
  ASSERT_TRUE(store_->Put("data//db/t/a.json", "x").ok());
  ASSERT_TRUE(store_->Put("/lead/db/t/b.json", "y").ok());
  EXPECT_EQ(*store_->Get("data/db/t/a.json"), "x");
  EXPECT_EQ(*store_->Get("lead/db/t/b.json"), "y");
  auto listed = store_->List("data//db/t/");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].key, "data//db/t/a.json");
  ASSERT_TRUE(store_->Delete({"data//db/t/a.json"}).ok());
  EXPECT_TRUE(store_->List("data/")->empty());
}

TEST(FileUtilTest, SafeRelativeKeys) {
  EXPECT_TRUE(IsSafeRelativeKey("a/b/c.json"));
  EXPECT_TRUE(IsSafeRelativeKey("a/b/"));
  EXPECT_TRUE(IsSafeRelativeKey("a/.hidden/..x"));
  EXPECT_FALSE(IsSafeRelativeKey("a/./b"));
  EXPECT_FALSE(IsSafeRelativeKey("a//../b"));
  EXPECT_FALSE(IsSafeRelativeKey("/.."));
  EXPECT_FALSE(IsSafeRelativeKey(""));
  EXPECT_FALSE(IsSafeRelativeKey(std::string("a\0b", 3)));
  // The original connector's keys under a bucket_prefix with extra '/'.
  EXPECT_TRUE(IsSafeRelativeKey("data//db/t/x.json"));
  EXPECT_TRUE(IsSafeRelativeKey("/data/db/t/x.json"));
}

}  // namespace
}  // namespace datalake::storage
