// HiveTable (sync/hive_table.h) on a real local lake and local catalog: where a truncate writes
// (next to the old files, or apart), what its completion keeps and removes, and that appends
// follow a switched table.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "storage/storage.h"
#include "sync/counting_catalog.h"
#include "sync/hive_table.h"
#include "sync/lake_layout.h"

namespace datalake::sync {
namespace {

using testing::CountingCatalog;

namespace fs = std::filesystem;
using Partitions = std::map<std::string, std::vector<std::string>>;

// The committed files of a sync that wrote one file into each partition (subdirectory ->
// values); HiveTable reads only their partitions.
std::vector<CommittedFile> Files(const Partitions& parts) {
  std::vector<CommittedFile> files;
  for (const auto& [subdirectory, values] : parts) {
    files.push_back(CommittedFile{.subdirectory = subdirectory, .values = values});
  }
  return files;
}
using ::testing::HasSubstr;

constexpr char kRun[] = "00000000000000aa";
constexpr char kOtherRun[] = "00000000000000bb";
const std::string kBase = "db/t/";

class HiveTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("hive_table_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    store_ = storage::NewLocalStore(root_.string(), "bucket");
    catalog_ = catalog::NewLocalCatalog((root_ / "_catalog").string());
    counting_ = std::make_unique<CountingCatalog>(catalog_.get());
  }
  void TearDown() override { fs::remove_all(root_); }

  HiveTable Table(bool truncate, int64_t generation, int64_t min_generation,
                  const std::string& run = kRun, const std::string& base = kBase) {
    HiveTableOptions o;
    o.catalog = counting_.get();
    o.store = store_.get();
    o.bucket = "bucket";
    o.database = "db";
    o.table = "t";
    o.stream = "t";
    o.base_prefix = base;
    o.truncate = truncate;
    o.min_generation = min_generation;
    o.origin = FileOrigin{generation, 1, run};
    return HiveTable(o);
  }

  static TableShape Shape(std::vector<catalog::Column> columns,
                          std::vector<catalog::Column> keys = {}) {
    TableShape shape;
    shape.columns = std::move(columns);
    shape.partition_keys = std::move(keys);
    return shape;
  }

  // Write one committed data file of `generation` by `run` below the table's data prefix.
  std::string Put(const HiveTable& table, int64_t generation, const std::string& run,
                  const std::string& subdirectory = "") {
    const std::string key = table.data_prefix() + subdirectory +
                            DataFileName({generation, 1, run}, ++sequence_, ".json");
    EXPECT_TRUE(store_->Put(key, "{}\n").ok());
    return key;
  }

  std::vector<std::string> Keys() {
    auto listed = store_->List(kBase);
    EXPECT_TRUE(listed.ok());
    std::vector<std::string> out;
    if (!listed.ok()) return out;
    for (const storage::ObjectInfo& o : listed.value()) out.push_back(o.key);
    return out;
  }

  std::string Location() {
    auto table = catalog_->GetTable("db", "t");
    return (**table).Find("StorageDescriptor")->Find("Location")->text();
  }

  // One complete sync: load, plan, write files per (subdirectory -> values), commit, finish.
  void Sync(HiveTable table, const TableShape& shape, int64_t generation, const Partitions& parts,
            const std::string& run = kRun) {
    ASSERT_TRUE(table.Load().ok());
    ASSERT_TRUE(table.Plan(shape).ok());
    for (const auto& [subdirectory, values] : parts) Put(table, generation, run, subdirectory);
    ASSERT_TRUE(table.Commit(Files(parts)).ok());
    ASSERT_TRUE(table.Finish().ok());
  }

  fs::path root_;
  std::unique_ptr<storage::ObjectStore> store_;
  std::unique_ptr<catalog::Catalog> catalog_;
  std::unique_ptr<CountingCatalog> counting_;  // what the tables use
  uint64_t sequence_ = 0;
};

const std::vector<catalog::Column> kIntX = {{"id", "bigint"}, {"x", "bigint"}};
const std::vector<catalog::Column> kStringX = {{"id", "bigint"}, {"x", "string"}};
const std::vector<catalog::Column> kYear = {{"at_year", "bigint"}};
const std::vector<catalog::Column> kDate = {{"at_date", "date"}};

TEST_F(HiveTableTest, CompatibleTruncateWritesNextToTheOldFilesAndKeepsTheMinimumGeneration) {
  Sync(Table(false, 1, 0), Shape(kIntX), 1, {{"", {}}});
  // Files the original connector wrote (no marker) count as generation 0.
  ASSERT_TRUE(store_->Put(kBase + "0123456789abcdef0123456789abcdef.json", "{}\n").ok());

  HiveTable truncate = Table(true, 3, 3);
  ASSERT_TRUE(truncate.Load().ok());
  ASSERT_TRUE(truncate.Plan(Shape({{"id", "bigint"}, {"x", "bigint"}, {"y", "string"}})).ok());
  EXPECT_FALSE(truncate.writes_apart());
  EXPECT_EQ(truncate.data_prefix(), kBase);
  const std::string mine = Put(truncate, 3, kRun);
  const std::string earlier_attempt = Put(truncate, 3, kOtherRun);
  const std::string newer = Put(truncate, 4, kOtherRun);
  ASSERT_TRUE(truncate.Commit({}).ok());
  EXPECT_EQ(Keys().size(), 5u) << "nothing is removed before the truncate completes";
  ASSERT_TRUE(truncate.Finish().ok());
  std::vector<std::string> want = {mine, earlier_attempt, newer};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(Keys(), want);
  EXPECT_EQ(Location(), "s3://bucket/db/t/");
}

TEST_F(HiveTableTest, IncompatibleTruncateWritesApartTouchesNothingAndSwitchesWhenItCompletes) {
  Sync(Table(false, 1, 0), Shape(kIntX, kYear), 1, {{"at_year=2020/", {"2020"}}});
  const auto old_table = catalog_->GetTable("db", "t");

  HiveTable truncate = Table(true, 2, 2);
  ASSERT_TRUE(truncate.Load().ok());
  ASSERT_TRUE(truncate.Plan(Shape(kIntX, kDate)).ok());
  EXPECT_TRUE(truncate.writes_apart());
  EXPECT_EQ(truncate.data_prefix(), kBase + "_airbyte_generation_2/");
  Put(truncate, 2, kRun, "at_date=2024-01-02/");
  ASSERT_TRUE(truncate.Commit(Files({{"at_date=2024-01-02/", {"2024-01-02"}}})).ok());
  EXPECT_EQ(*catalog_->GetTable("db", "t"), *old_table) << "readers keep the old definition";
  EXPECT_EQ(catalog_->ListPartitions("db", "t")->size(), 1u);

  // The retry of the generation (another run) continues apart, even if the shape alone would
  // not need it, and registers the first attempt's partition too.
  HiveTable retry = Table(true, 2, 2, kOtherRun);
  ASSERT_TRUE(retry.Load().ok());
  ASSERT_TRUE(retry.Plan(Shape(kIntX, kYear)).ok());
  EXPECT_TRUE(retry.writes_apart());
  ASSERT_TRUE(retry.Plan(Shape(kIntX, kDate)).ok());
  Put(retry, 2, kOtherRun, "at_date=2024-01-03/");
  ASSERT_TRUE(retry.Commit(Files({{"at_date=2024-01-03/", {"2024-01-03"}}})).ok());
  ASSERT_TRUE(retry.Finish().ok());
  EXPECT_EQ(Location(), "s3://bucket/db/t/_airbyte_generation_2/");
  auto partitions = *catalog_->ListPartitions("db", "t");
  std::sort(partitions.begin(), partitions.end());
  EXPECT_EQ(partitions, (std::vector<std::vector<std::string>>{{"2024-01-02"}, {"2024-01-03"}}));
  for (const std::string& key : Keys()) {
    EXPECT_EQ(key.rfind(kBase + "_airbyte_generation_2/at_date=", 0), 0u) << key;
  }

  // Later appends and compatible truncates follow the table to where it is.
  HiveTable append = Table(false, 2, 0);
  ASSERT_TRUE(append.Load().ok());
  ASSERT_TRUE(append.Plan(Shape(kIntX, kDate)).ok());
  EXPECT_EQ(append.data_prefix(), kBase + "_airbyte_generation_2/");
}

TEST_F(HiveTableTest, ChangedColumnTypeOrFormatIsWrittenApart) {
  Sync(Table(false, 1, 0), Shape(kIntX), 1, {{"", {}}});
  HiveTable type_change = Table(true, 2, 2);
  ASSERT_TRUE(type_change.Load().ok());
  ASSERT_TRUE(type_change.Plan(Shape(kStringX)).ok());
  EXPECT_TRUE(type_change.writes_apart());

  TableShape parquet = Shape(kIntX);
  parquet.format = format::FileFormat::kParquet;
  HiveTable format_change = Table(true, 2, 2);
  ASSERT_TRUE(format_change.Load().ok());
  ASSERT_TRUE(format_change.Plan(parquet).ok());
  EXPECT_TRUE(format_change.writes_apart());

  // A column the stream dropped does not prevent writing in place.
  HiveTable dropped = Table(true, 2, 2);
  ASSERT_TRUE(dropped.Load().ok());
  ASSERT_TRUE(dropped.Plan(Shape({{"id", "bigint"}})).ok());
  EXPECT_FALSE(dropped.writes_apart());
}

TEST_F(HiveTableTest, CompatibleTruncateDeregistersPartitionsLeftWithoutFiles) {
  Sync(Table(false, 1, 0), Shape(kIntX, kDate), 1,
       {{"at_date=2024-01-01/", {"2024-01-01"}}, {"at_date=2024-01-02/", {"2024-01-02"}}});
  Sync(Table(true, 2, 2), Shape(kIntX, kDate), 2,
       {{"at_date=2024-01-02/", {"2024-01-02"}}, {"at_date=2024-01-03/", {"2024-01-03"}}});
  auto partitions = *catalog_->ListPartitions("db", "t");
  std::sort(partitions.begin(), partitions.end());
  EXPECT_EQ(partitions, (std::vector<std::vector<std::string>>{{"2024-01-02"}, {"2024-01-03"}}));
  EXPECT_EQ(Keys().size(), 2u);
}

TEST_F(HiveTableTest, WithoutGenerationsATruncateKeepsOnlyItsOwnRunsFiles) {
  Sync(Table(true, 0, 0, kOtherRun), Shape(kIntX), 0, {{"", {}}}, kOtherRun);
  HiveTable overwrite = Table(true, 0, 0);
  ASSERT_TRUE(overwrite.Load().ok());
  ASSERT_TRUE(overwrite.Plan(Shape(kIntX)).ok());
  const std::string mine = Put(overwrite, 0, kRun);
  ASSERT_TRUE(overwrite.Commit({}).ok());
  ASSERT_TRUE(overwrite.Finish().ok());
  EXPECT_EQ(Keys(), std::vector<std::string>{mine});
}

TEST_F(HiveTableTest, ATableAtTheOriginalsSpellingOfItsPathIsWrittenWhereItIs) {
  // The original connector's table for bucket_prefix "data/", and its file.
  const std::string original = "data//db/t/";
  catalog::TableSpec spec;
  spec.name = "t";
  spec.columns = kIntX;
  spec.location = "s3://bucket/" + original;
  ASSERT_TRUE(catalog_->PutTable("db", catalog::BuildTableInput(spec)).ok());
  ASSERT_TRUE(store_->Put(original + "0123456789abcdef0123456789abcdef.json", "{}\n").ok());

  HiveTable append = Table(false, 1, 0, kRun, original);
  ASSERT_TRUE(append.Load().ok());
  ASSERT_TRUE(append.Plan(Shape(kIntX)).ok());
  EXPECT_EQ(append.data_prefix(), original);
  Sync(Table(true, 2, 2, kRun, original), Shape(kIntX), 2, {{"", {}}});
  EXPECT_EQ(Location(), "s3://bucket/" + original);
  auto listed = store_->List(original);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u) << "the truncate removed the original's file";
  EXPECT_EQ(OriginOfKey((*listed)[0].key)->generation, 2);
}

TEST_F(HiveTableTest, AnAppendToATableElsewhereNamesTheSettingsThatWriteThere) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"s3://bucket/p1/db/t/", "set bucket_prefix to \"p1\" to write there again, or run a full"},
      {"s3://bucket/data//db/t/_airbyte_generation_3/", "set bucket_prefix to \"data/\" to write"},
      {"s3://bucket/db/t/", "clear bucket_prefix to write there again"},
      {"s3://other/p1/db/t/", "set bucket_name to \"other\" and bucket_prefix to \"p1\" to write"},
      {"s3://bucket/warehouse/orders/",
       "no bucket_name and bucket_prefix write this stream there, so run a full refresh"},
  };
  for (const auto& [location, advice] : cases) {
    catalog::TableSpec spec;
    spec.name = "t";
    spec.columns = kIntX;
    spec.location = location;
    ASSERT_TRUE(catalog_->PutTable("db", catalog::BuildTableInput(spec)).ok());
    HiveTable append = Table(false, 1, 0, kRun, "p2/db/t/");
    ASSERT_TRUE(append.Load().ok());
    const Status s = append.Plan(Shape(kIntX));
    EXPECT_EQ(s.code(), StatusCode::kConfigError) << location;
    EXPECT_THAT(s.message(), HasSubstr("has its data at " + location +
                                       ", but this configuration writes the stream to "
                                       "s3://bucket/p2/db/t/. An append must go where the "
                                       "table's data is: " +
                                       advice));
    EXPECT_THAT(s.message(), HasSubstr("which moves the table to s3://bucket/p2/db/t/ and leaves "
                                       "the files at " +
                                       location + " in place."));
  }
}

TEST_F(HiveTableTest, AppendsRemoveNothing) {
  Sync(Table(false, 1, 0), Shape(kIntX), 1, {{"", {}}});
  Sync(Table(false, 5, 0, kOtherRun), Shape(kIntX), 5, {{"", {}}}, kOtherRun);
  EXPECT_EQ(Keys().size(), 2u);
}

// An append whose definition the table already has writes none (no new table version, no race
// with another writer); one that changes it, or that finds the table changed by someone else in
// a way readers see, writes it.
TEST_F(HiveTableTest, AnAppendWritesTheDefinitionOnlyWhenItChanges) {
  Sync(Table(false, 1, 0), Shape(kIntX), 1, {{"", {}}});
  EXPECT_EQ(counting_->puts, 1) << "the table is created";
  Sync(Table(false, 2, 0), Shape(kIntX), 2, {{"", {}}});
  EXPECT_EQ(counting_->puts, 1);

  // Someone describes the table and its columns: still nothing to write, and theirs stays.
  json::Value described = **catalog_->GetTable("db", "t");
  described.Set("Description", json::Value::String("orders"));
  described.FindMutable("StorageDescriptor")
      ->FindMutable("Columns")
      ->mutable_items()[0]
      .Set("Comment", json::Value::String("key"));
  ASSERT_TRUE(catalog_->PutTable("db", described).ok());
  Sync(Table(false, 3, 0), Shape(kIntX), 3, {{"", {}}});
  EXPECT_EQ(counting_->puts, 1);
  EXPECT_EQ(**catalog_->GetTable("db", "t"), described);

  // A new column is a new definition.
  const std::vector<catalog::Column> with_y = {{"id", "bigint"}, {"x", "bigint"}, {"y", "string"}};
  Sync(Table(false, 4, 0), Shape(with_y), 4, {{"", {}}});
  EXPECT_EQ(counting_->puts, 2);
  auto columns = catalog::MergeColumns(**catalog_->GetTable("db", "t"), {});
  ASSERT_EQ(columns.size(), 3u);
  EXPECT_EQ(columns[2].name, "y");

  // Someone buckets the table: readers would expect bucketed files, so the definition is put back.
  json::Value bucketed = **catalog_->GetTable("db", "t");
  bucketed.FindMutable("StorageDescriptor")->Set("NumberOfBuckets", json::Value::Int(4));
  ASSERT_TRUE(catalog_->PutTable("db", bucketed).ok());
  Sync(Table(false, 5, 0), Shape(with_y), 5, {{"", {}}});
  EXPECT_EQ(counting_->puts, 3);
  EXPECT_EQ(
      (**catalog_->GetTable("db", "t")).Find("StorageDescriptor")->Find("NumberOfBuckets")->text(),
      "-1");
}

// The pipeline reads each table while the commit's files upload. A definition that holds then is
// not read again; one to put is merged from a read after the files, so columns another writer
// added in between stay.
TEST_F(HiveTableTest, AReadWhileTheFilesUploadIsRepeatedOnlyForAPut) {
  Sync(Table(false, 1, 0), Shape(kIntX), 1, {{"", {}}});

  HiveTable adds_y = Table(false, 2, 0);
  ASSERT_TRUE(adds_y.Load().ok());
  const std::vector<catalog::Column> with_y = {{"id", "bigint"}, {"x", "bigint"}, {"y", "string"}};
  ASSERT_TRUE(adds_y.Plan(Shape(with_y)).ok());
  Put(adds_y, 2, kRun);
  ASSERT_TRUE(adds_y.ReadForCommit().ok());
  // Another connection adds z while this sync's files upload.
  json::Value other = **catalog_->GetTable("db", "t");
  other.FindMutable("StorageDescriptor")
      ->FindMutable("Columns")
      ->mutable_items()
      .push_back(json::Value::Object(
          {{"Name", json::Value::String("z")}, {"Type", json::Value::String("double")}}));
  ASSERT_TRUE(catalog_->PutTable("db", other).ok());
  const int puts = counting_->puts;
  ASSERT_TRUE(adds_y.Commit({}).ok());
  EXPECT_EQ(counting_->puts, puts + 1);
  std::vector<std::string> names;
  for (const catalog::Column& c : catalog::MergeColumns(**catalog_->GetTable("db", "t"), {})) {
    names.push_back(c.name);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"id", "x", "z", "y"}));

  HiveTable same = Table(false, 3, 0);
  ASSERT_TRUE(same.Load().ok());
  ASSERT_TRUE(same.Plan(Shape(with_y)).ok());
  Put(same, 3, kRun);
  ASSERT_TRUE(same.ReadForCommit().ok());
  const int gets = counting_->gets;
  ASSERT_TRUE(same.Commit({}).ok());
  EXPECT_EQ(counting_->gets, gets) << "the read while the files uploaded decided it";
  EXPECT_EQ(counting_->puts, puts + 1);
}

}  // namespace
}  // namespace datalake::sync
