#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "storage/env.h"

namespace datalake::storage {
namespace {

namespace fs = std::filesystem;

class PosixEnvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("posix_env_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  std::string Path(const std::string& name) const { return (root_ / name).string(); }
  std::string Read(const std::string& name) {
    std::string out;
    Status s = env_->ReadFile(Path(name), &out);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }
  static size_t OpenDescriptors() {
    size_t n = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator("/proc/self/fd")) ++n;
    return n;
  }

  Env* env_ = Env::Default();
  fs::path root_;
};

TEST_F(PosixEnvTest, InterleavedAppendsToManyFilesKeepEveryByteAndFewDescriptors) {
  const size_t before = OpenDescriptors();
  constexpr int kFiles = 200;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < kFiles; ++i) {
      const std::string bytes = std::to_string(i) + ":" + std::to_string(round) + ";";
      ASSERT_TRUE(env_->AppendToFile(Path("f" + std::to_string(i)), bytes).ok());
    }
  }
  // A few files stay open between appends, never one per file.
  EXPECT_LE(OpenDescriptors(), before + 16);
  for (int i = 0; i < kFiles; ++i) {
    const std::string n = std::to_string(i);
    EXPECT_EQ(Read("f" + n), n + ":0;" + n + ":1;" + n + ":2;");
  }
}

TEST_F(PosixEnvTest, AnAppendAfterARenameStartsANewFileAtTheOldPath) {
  ASSERT_TRUE(env_->AppendToFile(Path("staged"), "first").ok());
  ASSERT_TRUE(env_->RenameFile(Path("staged"), Path("final")).ok());
  ASSERT_TRUE(env_->AppendToFile(Path("staged"), "second").ok());
  EXPECT_EQ(Read("final"), "first");
  EXPECT_EQ(Read("staged"), "second");
}

TEST_F(PosixEnvTest, AnAppendAfterARenameOntoAFileGoesToTheFileNowThere) {
  ASSERT_TRUE(env_->AppendToFile(Path("target"), "old").ok());
  ASSERT_TRUE(env_->AppendToFile(Path("staged"), "new").ok());
  ASSERT_TRUE(env_->RenameFile(Path("staged"), Path("target")).ok());
  ASSERT_TRUE(env_->AppendToFile(Path("target"), "+more").ok());
  EXPECT_EQ(Read("target"), "new+more");
}

TEST_F(PosixEnvTest, AnAppendAfterARemoveStartsAfresh) {
  ASSERT_TRUE(env_->AppendToFile(Path("f"), "gone").ok());
  ASSERT_TRUE(env_->RemoveFile(Path("f")).ok());
  EXPECT_FALSE(fs::exists(root_ / "f"));
  ASSERT_TRUE(env_->AppendToFile(Path("f"), "fresh").ok());
  EXPECT_EQ(Read("f"), "fresh");
}

TEST_F(PosixEnvTest, SyncFileSyncsKeptAndClosedFilesAndReportsMissingOnes) {
  ASSERT_TRUE(env_->AppendToFile(Path("kept"), "a").ok());
  EXPECT_TRUE(env_->SyncFile(Path("kept")).ok());
  for (int i = 0; i < 40; ++i)
    ASSERT_TRUE(env_->AppendToFile(Path("o" + std::to_string(i)), "x").ok());
  EXPECT_TRUE(env_->SyncFile(Path("kept")).ok());  // no longer kept open: opened again
  EXPECT_TRUE(env_->SyncFile(Path("missing")).IsNotFound());
}

}  // namespace
}  // namespace datalake::storage
