#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

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

TEST_F(LocalStoreTest, AbandonedObjectLeavesNothingVisibleAndCleanupRemovesStaging) {
  {
    auto pending = store_->Create("db/t/b.json");
    ASSERT_TRUE(pending.ok());
    ASSERT_TRUE((*pending)->Write("partial").ok());
    // Simulate a crash: the staging file exists, the final file does not.
    EXPECT_TRUE(fs::exists(root_ / ".staging/bucket/db/t"));
    EXPECT_FALSE(fs::exists(root_ / "bucket/db/t/b.json"));
  }
  ASSERT_TRUE(store_->CleanupStaging("db/t/").ok());
  EXPECT_FALSE(fs::exists(root_ / ".staging/bucket/db/t"));
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
  for (const char* key : {"../x", "a/../../x", "/abs", "a//b", "./a", ""}) {
    EXPECT_FALSE(store_->Create(key).ok()) << key;
    EXPECT_FALSE(store_->Put(key, "x").ok()) << key;
  }
}

TEST(FileUtilTest, SafeRelativeKeys) {
  EXPECT_TRUE(IsSafeRelativeKey("a/b/c.json"));
  EXPECT_TRUE(IsSafeRelativeKey("a/b/"));
  EXPECT_TRUE(IsSafeRelativeKey("a/.hidden/..x"));
  EXPECT_FALSE(IsSafeRelativeKey("a/./b"));
  EXPECT_FALSE(IsSafeRelativeKey(std::string("a\0b", 3)));
}

}  // namespace
}  // namespace datalake::storage
