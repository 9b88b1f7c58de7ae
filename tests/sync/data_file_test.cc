// DataFile (sync/data_file.h) over the in-memory local lake: rows are encoded into a pending
// object that nothing shows until Commit; a failed commit discards the object, staging included.
#include "sync/data_file.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "common/cancel.h"
#include "common/task_pool.h"

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

  std::unique_ptr<DataFile> Open(size_t batch_bytes = 1, TaskPool* pool = nullptr,
                                 const std::string& key = kKey) {
    DataFileOptions options;
    options.jsonl.chunk_bytes = 1;  // every row goes to the store once encoded
    options.batch_bytes = batch_bytes;
    options.encode_pool = pool;
    auto file = DataFile::Open(store_.get(), key, schema_, options);
    EXPECT_TRUE(file.ok()) << file.status().ToString();
    return file.ok() ? std::move(file).value() : nullptr;
  }

  void Append(DataFile* file, int64_t id, const std::string& name) {
    row_.Clear();
    row_.AppendInt64(id);
    row_.AppendString(name);
    file->Append(&row_);
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

// A commit of many files starts them all on the pool and then waits for each: every file is
// committed with its own rows, and one that fails (its rename) is discarded alone.
TEST_F(DataFileTest, FilesStartedTogetherCommitSideBySideAndFailAlone) {
  for (format::FileFormat format : {format::FileFormat::kJsonl, format::FileFormat::kParquet}) {
    TaskPool pool(2, 2);
    std::vector<std::unique_ptr<DataFile>> files;
    const std::string dir = format == format::FileFormat::kJsonl ? "db/j/" : "db/p/";
    for (int f = 0; f < 8; ++f) {
      DataFileOptions options;
      options.format = format;
      options.batch_bytes = 256;
      options.encode_pool = &pool;
      auto file = DataFile::Open(store_.get(), dir + std::to_string(f), schema_, options);
      ASSERT_TRUE(file.ok());
      files.push_back(std::move(file).value());
    }
    for (int i = 0; i < 800; ++i)
      Append(files[static_cast<size_t>(i % 8)].get(), i, "n" + std::to_string(i));
    env_.FailPath("/lake/bucket/" + dir + "5", Status::IOError("injected fault"));
    for (auto& file : files) file->StartCommit();
    for (size_t f = 0; f < files.size(); ++f) {
      Status s = files[f]->FinishCommit();
      if (f == 5) {
        EXPECT_EQ(s.code(), StatusCode::kIOError) << s.ToString();
        EXPECT_EQ(env_.Contents("/lake/bucket/" + dir + "5"), std::nullopt);
        continue;
      }
      ASSERT_TRUE(s.ok()) << s.ToString();
      auto bytes = store_->Get(dir + std::to_string(f));
      ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
      EXPECT_EQ(files[f]->size(), bytes->size());
      if (format == format::FileFormat::kJsonl) {
        std::string expected;
        for (int i = static_cast<int>(f); i < 800; i += 8) {
          expected +=
              "{\"id\":" + std::to_string(i) + ",\"name\":\"n" + std::to_string(i) + "\"}\n";
        }
        EXPECT_EQ(*bytes, expected) << f;
      } else {
        EXPECT_EQ(bytes->substr(0, 4), "PAR1");
        EXPECT_EQ(bytes->substr(bytes->size() - 4), "PAR1");
      }
    }
    EXPECT_FALSE(HasStaging());
  }
}

// A cancel that comes before a file's commit has begun drops the file: nothing of it is
// acknowledged, and the cancel need not wait for it.
TEST_F(DataFileTest, ACommitNotBegunWhenACancelComesDropsTheFile) {
  TaskPool pool(1, 1);
  std::unique_ptr<DataFile> file = Open(/*batch_bytes=*/1, &pool);
  ASSERT_NE(file, nullptr);
  Append(file.get(), 1, "a");
  RequestCancel();
  file->StartCommit();
  Status s = file->FinishCommit();
  ResetCancelForTesting();
  EXPECT_EQ(s.code(), StatusCode::kCancelled) << s.ToString();
  EXPECT_EQ(env_.Contents("/lake/bucket/db/t/f.json"), std::nullopt);
  EXPECT_FALSE(HasStaging());
}

// Rows reach the encoder a batch at a time, and the size the file reports is as of the third
// batch before the last one handed over (up to three wait for the encoder): the same points
// whether a pool or the caller encodes.
TEST_F(DataFileTest, SizeIsKnownAsOfTheThirdBatchBeforeTheLastHandedOver) {
  std::unique_ptr<DataFile> file = Open(/*batch_bytes=*/200);
  ASSERT_NE(file, nullptr);
  const size_t row_bytes = 2 * sizeof(format::Cell) + 5;  // an id and a 5-byte name
  std::vector<uint64_t> sizes;
  for (int i = 0; i < 40; ++i) {
    Append(file.get(), i, "abcde");
    sizes.push_back(file->EstimatedSize());
  }
  const size_t rows_a_batch = (200 + row_bytes - 1) / row_bytes;
  const uint64_t line = std::string("{\"id\":1,\"name\":\"abcde\"}\n").size();
  for (size_t i = 0; i < sizes.size(); ++i) {
    const size_t batches_handed_over = (i + 1) / rows_a_batch;
    const size_t rows_known =
        batches_handed_over <= 3 ? 0 : (batches_handed_over - 3) * rows_a_batch;
    EXPECT_EQ(sizes[i], rows_known * line + (rows_known > 10 ? rows_known - 10 : 0)) << i;
  }
  EXPECT_GT(sizes.back(), 0u);
  ASSERT_TRUE(file->Commit().ok());
}

TEST_F(DataFileTest, APoolEncodesTheSameBytesAsTheCaller) {
  schema::DataType tags = schema::DataType::Of(schema::TypeKind::kList);
  tags.element =
      std::make_shared<schema::DataType>(schema::DataType::Of(schema::TypeKind::kString));
  schema_.columns.push_back({"tags", "tags", tags});
  for (format::FileFormat format : {format::FileFormat::kJsonl, format::FileFormat::kParquet}) {
    std::vector<std::string> contents;
    std::vector<std::vector<uint64_t>> sizes;
    TaskPool pool(2, 2);
    for (TaskPool* p : {static_cast<TaskPool*>(nullptr), &pool}) {
      DataFileOptions options;
      options.format = format;
      options.batch_bytes = 4096;
      options.encode_pool = p;
      options.parquet.page_rows = 100;
      const std::string key = std::string("db/t/") + (p ? "pool" : "caller");
      auto file = DataFile::Open(store_.get(), key, schema_, options);
      ASSERT_TRUE(file.ok());
      sizes.emplace_back();
      for (int i = 0; i < 5000; ++i) {
        row_.Clear();
        row_.AppendInt64(i);
        row_.AppendString(std::string(static_cast<size_t>(i % 97), 'x'));
        const size_t list = row_.BeginList();
        for (int t = 0; t < i % 4; ++t) row_.AppendString("t" + std::to_string(t));
        row_.EndList(list, static_cast<uint32_t>(i % 4));
        (*file)->Append(&row_);
        sizes.back().push_back((*file)->EstimatedSize());
      }
      ASSERT_TRUE((*file)->Commit().ok());
      auto text = store_->Get(key);
      ASSERT_TRUE(text.ok());
      contents.push_back(*text);
    }
    EXPECT_EQ(contents[0], contents[1]);
    EXPECT_EQ(sizes[0], sizes[1]);
    EXPECT_GT(sizes[0].back(), 0u);
  }
}

// Rows decoded one after another into one Row (as a chunk of input is, on a decoding thread)
// go to the file by span; bytes a rolled-back value left in the arena go nowhere.
TEST_F(DataFileTest, RowsAreAppendedBySpanFromARowOfRows) {
  std::unique_ptr<DataFile> file = Open(/*batch_bytes=*/1 << 20);
  ASSERT_NE(file, nullptr);
  format::Row rows;
  std::vector<format::RowSpan> spans;
  auto add = [&](int64_t id, const std::string& name) {
    format::RowSpan span{rows.size(), 0, rows.arena_size(), 0};
    rows.AppendInt64(id);
    const size_t rolled_back = rows.size();
    rows.AppendString("a value rolled back");
    rows.Truncate(rolled_back);
    rows.AppendString(name);
    span.cell_end = rows.size();
    span.byte_end = rows.arena_size();
    spans.push_back(span);
  };
  add(1, "first");
  add(2, "second");
  add(3, "third");
  file->Append(rows, spans[2]);
  file->Append(rows, spans[0]);
  format::Row whole;
  whole.AppendInt64(4);
  whole.AppendString("whole");
  file->Append(&whole);
  ASSERT_TRUE(file->Commit().ok());
  auto text = store_->Get(kKey);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text,
            "{\"id\":3,\"name\":\"third\"}\n{\"id\":1,\"name\":\"first\"}\n"
            "{\"id\":4,\"name\":\"whole\"}\n");
}

}  // namespace
}  // namespace datalake::sync
