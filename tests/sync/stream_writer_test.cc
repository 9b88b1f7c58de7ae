// StreamWriter (sync/stream_writer.h) alone, over the in-memory local lake: records stay
// invisible until CommitOpenFiles, the table appears at CommitTable, files rotate at the target
// size, and a partitioned stream registers the partitions it wrote.
#include "sync/stream_writer.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "sync/lake_harness.h"

namespace datalake::sync {
namespace {

using testing::FaultInjectionEnv;
using testing::ReadTable;
using testing::Row;

// A stream of its own, and "events", partitioned by its cursor (lake_harness.h).
const std::string kCatalog = R"({"streams":[
  {"stream":{"name":"users","json_schema":{"type":"object","properties":{"id":{"type":"integer"}}},
   "supported_sync_modes":["incremental"]},"sync_mode":"incremental",
   "destination_sync_mode":"append","generation_id":1,"minimum_generation_id":0,"sync_id":5},
)" + std::string(testing::kEventsStream) +
                             "]}";

class StreamWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::MakeLakeRoot(&env_);
    destination_ = testing::LakeDestination(&env_);
    context_.config = &config_;
    context_.store = destination_.store.get();
    context_.catalog = destination_.catalog.get();
    context_.run_id = "00000000000000aa";
  }

  // Return the prepared writer of stream `index` of kCatalog.
  std::unique_ptr<StreamWriter> Writer(size_t index) {
    auto catalog = protocol::ParseConfiguredCatalog(json::Parse(kCatalog).value());
    EXPECT_TRUE(catalog.ok());
    auto tables = ResolveTables(*catalog, config_, destination_.catalog.get());
    EXPECT_TRUE(tables.ok()) << tables.status().ToString();
    auto writer = StreamWriter::Create(catalog->streams[index], (*tables)[index], context_);
    EXPECT_TRUE(writer.ok()) << writer.status().ToString();
    EXPECT_TRUE((*writer)->Prepare().ok());
    return std::move(writer).value();
  }

  Status Append(StreamWriter* writer, const std::string& stream, const std::string& data) {
    data_ = data;
    protocol::Message m;
    m.type = protocol::MessageType::kRecord;
    m.line_number = ++lines_;
    m.line_bytes = data_.size();
    m.stream.name = stream;
    m.emitted_at_ms = 1700000000000;
    m.data_json = data_;
    return writer->Append(m);
  }

  // Data files below the stream's table, committed.
  size_t DataFiles(const std::string& table) {
    auto listed = destination_.store->List("db/" + table + "/");
    EXPECT_TRUE(listed.ok());
    return listed.ok() ? listed->size() : 0;
  }

  FaultInjectionEnv env_;
  config::Config config_ = testing::LakeConfig();
  Destination destination_;
  SyncContext context_;
  std::string data_;
  uint64_t lines_ = 0;
};

TEST_F(StreamWriterTest, RecordsShowOnlyAfterTheirFilesAndTheTableAreCommitted) {
  std::unique_ptr<StreamWriter> writer = Writer(0);
  ASSERT_TRUE(Append(writer.get(), "users", R"({"id":1})").ok());
  ASSERT_TRUE(Append(writer.get(), "users", R"({"id":2})").ok());
  EXPECT_EQ(DataFiles("users"), 0u);
  ASSERT_TRUE(writer->CommitOpenFiles().ok());
  EXPECT_EQ(writer->files_committed(), 1u);
  EXPECT_EQ(DataFiles("users"), 1u);
  EXPECT_TRUE(ReadTable(&env_, "users").empty()) << "no table in the catalog yet";
  ASSERT_TRUE(writer->CommitTable().ok());
  EXPECT_EQ(ReadTable(&env_, "users"), (std::vector<Row>{{1, 1}, {2, 1}}));
  EXPECT_EQ(writer->records(), 2u);
}

// A file's size is known as of the third batch before the last one its encoder got
// (sync/data_file.h): with a 1-byte target, batches of one row, a file closes at its fourth row.
TEST_F(StreamWriterTest, FileIsCommittedWhenItReachesTheTargetSize) {
  config_.target_file_size_bytes = 1;
  std::unique_ptr<StreamWriter> writer = Writer(0);
  for (int id = 1; id <= 9; ++id) {
    ASSERT_TRUE(Append(writer.get(), "users", "{\"id\":" + std::to_string(id) + "}").ok());
    EXPECT_EQ(writer->files_committed(), static_cast<uint64_t>(id / 4)) << id;
  }
  EXPECT_EQ(DataFiles("users"), 2u);
  ASSERT_TRUE(writer->CommitOpenFiles().ok());
  EXPECT_EQ(DataFiles("users"), 3u);
}

TEST_F(StreamWriterTest, PartitionedStreamRegistersThePartitionsItWrote) {
  std::unique_ptr<StreamWriter> writer = Writer(1);
  ASSERT_TRUE(writer->partitioning().partitioned());
  ASSERT_TRUE(
      Append(writer.get(), "events", R"({"id":1,"updated_at":"2024-05-01T10:00:00Z"})").ok());
  ASSERT_TRUE(
      Append(writer.get(), "events", R"({"id":2,"updated_at":"2024-05-02T10:00:00Z"})").ok());
  ASSERT_TRUE(
      Append(writer.get(), "events", R"({"id":3,"updated_at":"2024-05-01T11:00:00Z"})").ok());
  ASSERT_TRUE(writer->CommitOpenFiles().ok());
  EXPECT_EQ(writer->files_committed(), 2u) << "one file per partition";
  ASSERT_TRUE(writer->CommitTable().ok());
  auto partitions = destination_.catalog->ListPartitions("db", "events");
  ASSERT_TRUE(partitions.ok());
  EXPECT_EQ(partitions->size(), 2u);
  EXPECT_EQ(ReadTable(&env_, "events"), (std::vector<Row>{{1, 1}, {2, 1}, {3, 1}}));
}

TEST_F(StreamWriterTest, FailedFileCommitIsAnIOErrorNamingTheFile) {
  std::unique_ptr<StreamWriter> writer = Writer(0);
  ASSERT_TRUE(Append(writer.get(), "users", R"({"id":1})").ok());
  env_.FailPath("/lake/bucket/db/users/", Status::IOError("injected fault"));
  Status s = writer->CommitOpenFiles();
  EXPECT_EQ(s.code(), StatusCode::kIOError);
  EXPECT_NE(s.message().find("commit file:///lake/bucket/db/users/"), std::string::npos)
      << s.ToString();
}

}  // namespace
}  // namespace datalake::sync
