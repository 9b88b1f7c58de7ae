// DataFile (sync/data_file.h) over the in-memory local lake: rows are encoded into a pending
// object that nothing shows until Commit; a failed commit discards the object, staging included.
#include "sync/data_file.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "storage/fault_injection_env.h"
#include "storage/storage.h"

namespace datalake::sync {
namespace {

using storage::testing::FaultInjectionEnv;

constexpr char kKey[] = "db/t/f.json";

class DataFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(env_.CreateDir("/lake").ok());
    ASSERT_TRUE(env_.SyncDir("/").ok());
    store_ = storage::NewLocalStore("/lake", "bucket", &env_);
    schema_.columns.push_back({"id", "id", schema::DataType::Of(schema::TypeKind::kInt64)});
    schema_.columns.push_back({"name", "name", schema::DataType::Of(schema::TypeKind::kString)});
  }

  std::unique_ptr<DataFile> Open() {
    DataFileOptions options;
    options.jsonl.chunk_bytes = 1;  // every row goes to the store at once
    auto file = DataFile::Open(store_.get(), kKey, schema_, options);
    EXPECT_TRUE(file.ok()) << file.status().ToString();
    return file.ok() ? std::move(file).value() : nullptr;
  }

  void Append(DataFile* file, int64_t id, const std::string& name) {
    row_.Clear();
    row_.AppendInt64(id);
    row_.AppendString(name);
    file->Append(row_);
  }

  bool HasStaging() const {
    for (const std::string& path : env_.Files()) {
      if (path.ends_with(".inprogress")) return true;
    }
    return false;
  }

  FaultInjectionEnv env_;
  std::unique_ptr<storage::ObjectStore> store_;
  schema::TableSchema schema_;
  format::Row row_;
};

TEST_F(DataFileTest, RowsAreVisibleOnlyAfterCommit) {
  std::unique_ptr<DataFile> file = Open();
  ASSERT_NE(file, nullptr);
  Append(file.get(), 1, "a");
  Append(file.get(), 2, "b");
  auto listed = store_->List("db/");
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
  ASSERT_TRUE(file->Commit().ok());
  auto text = store_->Get(kKey);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(*text, "{\"id\":1,\"name\":\"a\"}\n{\"id\":2,\"name\":\"b\"}\n");
  EXPECT_EQ(file->size(), text->size());
  EXPECT_FALSE(HasStaging());
}

TEST_F(DataFileTest, CommittedFileSurvivesACrash) {
  std::unique_ptr<DataFile> file = Open();
  ASSERT_NE(file, nullptr);
  Append(file.get(), 1, "a");
  ASSERT_TRUE(file->Commit().ok());
  file.reset();
  store_.reset();
  env_.Crash();
  auto text = storage::NewLocalStore("/lake", "bucket", &env_)->Get(kKey);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(*text, "{\"id\":1,\"name\":\"a\"}\n");
}

TEST_F(DataFileTest, FailedCommitDiscardsTheObject) {
  std::unique_ptr<DataFile> file = Open();
  ASSERT_NE(file, nullptr);
  Append(file.get(), 1, "a");
  // The rename into place fails (its path names the final file).
  env_.FailPath("/lake/bucket/db/t/f.json", Status::IOError("injected fault"));
  Status s = file->Commit();
  EXPECT_EQ(s.code(), StatusCode::kIOError);
  EXPECT_NE(s.message().find("injected fault"), std::string::npos);
  EXPECT_FALSE(HasStaging()) << "the staging file is removed";
  EXPECT_EQ(env_.Contents("/lake/bucket/db/t/f.json"), std::nullopt);
}

TEST_F(DataFileTest, AbortedFileLeavesTheCommittedOneAsItWas) {
  std::unique_ptr<DataFile> file = Open();
  ASSERT_NE(file, nullptr);
  Append(file.get(), 1, "a");
  ASSERT_TRUE(file->Commit().ok());
  file = Open();
  ASSERT_NE(file, nullptr);
  Append(file.get(), 7, "z");
  EXPECT_TRUE(HasStaging()) << "rows were written to staging";
  file->Abort();
  EXPECT_FALSE(HasStaging());
  auto text = store_->Get(kKey);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "{\"id\":1,\"name\":\"a\"}\n");
}

}  // namespace
}  // namespace datalake::sync
