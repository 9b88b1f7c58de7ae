// IcebergTable (sync/iceberg_table.h) on a real local lake and local catalog, at its commit
// point: a commit that loses the race to another writer is planned again on that writer's
// snapshot (both writers' files end up in the table, the lost attempt's objects are deleted); a
// swap whose outcome is unknown deletes nothing, and counts as done only when the catalog shows
// it; field ids another writer's schema change would contradict fail the commit.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "iceberg/iceberg.h"
#include "storage/storage.h"
#include "sync/counting_catalog.h"
#include "sync/iceberg_table.h"

namespace datalake::sync {
namespace {

namespace fs = std::filesystem;
using schema::DataType;
using schema::Field;
using schema::TypeKind;
using ::testing::HasSubstr;

// The local catalog, with a hook run in place of SwapTable when set.
class HookedCatalog : public testing::CountingCatalog {
 public:
  using CountingCatalog::CountingCatalog;
  using Swap = std::function<Result<bool>(const std::string&, const json::Value&,
                                          const std::string&, const std::optional<std::string>&)>;
  Result<bool> SwapTable(const std::string& database, const json::Value& table_input,
                         const std::string& key,
                         const std::optional<std::string>& expected) override {
    if (hook) return hook(database, table_input, key, expected);
    return CountingCatalog::SwapTable(database, table_input, key, expected);
  }
  Result<bool> RealSwap(const std::string& database, const json::Value& table_input,
                        const std::string& key, const std::optional<std::string>& expected) {
    return CountingCatalog::SwapTable(database, table_input, key, expected);
  }
  Swap hook;
};

class IcebergTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("iceberg_table_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    store_ = storage::NewLocalStore(root_.string(), "bucket");
    catalog_ =
        std::make_unique<HookedCatalog>(catalog::NewLocalCatalog((root_ / "_catalog").string()));
  }
  void TearDown() override { fs::remove_all(root_); }

  std::unique_ptr<IcebergTable> Table(bool truncate = false, int64_t generation = 1) {
    HiveTableOptions o;
    o.catalog = catalog_.get();
    o.store = store_.get();
    o.bucket = "bucket";
    o.database = "db";
    o.table = "t";
    o.stream = "t";
    o.base_prefix = "db/t/";
    o.truncate = truncate;
    o.min_generation = truncate ? generation : 0;
    o.origin = FileOrigin{generation, 1, "00000000000000aa"};
    auto table = std::make_unique<IcebergTable>(o);
    auto definition = catalog_->GetTable("db", "t");
    EXPECT_TRUE(definition.ok());
    table->Adopt(definition.ok() ? *definition : std::nullopt);
    return table;
  }

  static TableShape Shape(std::vector<std::string> columns) {
    TableShape shape;
    shape.format = format::FileFormat::kParquet;
    for (const std::string& name : columns) {
      shape.schema.columns.push_back(Field{name, name, DataType::Of(TypeKind::kInt64)});
      shape.columns.push_back({name, "bigint"});
    }
    return shape;
  }

  static std::vector<CommittedFile> Files(std::vector<std::string> names) {
    std::vector<CommittedFile> files;
    for (const std::string& name : names) {
      CommittedFile f;
      f.key = "db/t/data/" + name + ".parquet";
      f.summary.rows = 10;
      f.summary.bytes = 1000;
      files.push_back(std::move(f));
    }
    return files;
  }

  // The data files of the snapshot main names, by path.
  std::set<std::string> MainFiles() {
    auto definition = catalog_->GetTable("db", "t");
    EXPECT_TRUE(definition.ok() && definition->has_value());
    const std::string uri = (**definition).Find("Parameters")->Find("metadata_location")->text();
    auto metadata = iceberg::MetadataFromJson(*json::Parse(*store_->Get(Key(uri))));
    EXPECT_TRUE(metadata.ok()) << metadata.status().ToString();
    std::set<std::string> out;
    const iceberg::SnapshotRef* main = metadata->FindRef("main");
    if (main == nullptr) return out;
    const iceberg::Snapshot* snapshot = metadata->FindSnapshot(main->snapshot_id);
    auto list = iceberg::ReadManifestList(*store_->Get(Key(snapshot->manifest_list)));
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    for (const iceberg::ManifestFile& m : *list) {
      auto manifest = iceberg::ReadManifest(*store_->Get(Key(m.manifest_path)), m);
      EXPECT_TRUE(manifest.ok()) << manifest.status().ToString();
      for (const iceberg::ManifestEntry& e : manifest->entries) {
        if (e.status != iceberg::EntryStatus::kDeleted) out.insert(e.file.file_path);
      }
    }
    return out;
  }

  std::vector<std::string> MetadataObjects() {
    std::vector<std::string> keys;
    auto listed = store_->List("db/t/metadata/");
    EXPECT_TRUE(listed.ok()) << listed.status().ToString();
    if (!listed.ok()) return keys;
    const std::vector<storage::ObjectInfo> objects = std::move(listed).value();
    for (const storage::ObjectInfo& o : objects) keys.push_back(o.key);
    return keys;
  }

  static std::string Key(const std::string& uri) {
    return uri.substr(std::string("s3://bucket/").size());
  }

  fs::path root_;
  std::unique_ptr<storage::ObjectStore> store_;
  std::unique_ptr<HookedCatalog> catalog_;
};

// The pipeline preloads every stream's table side by side before planning them in turn:
// planning then reads nothing the preload read, and still reads what it could not.
TEST_F(IcebergTableTest, PlanReadsNoMetadataThePreloadRead) {
  auto first = Table();
  ASSERT_TRUE(first->Plan(Shape({"id"})).ok());
  ASSERT_TRUE(first->Commit(Files({"a"})).ok());
  auto definition = catalog_->GetTable("db", "t");
  ASSERT_TRUE(definition.ok() && definition->has_value());
  const std::string metadata_key =
      Key((**definition).Find("Parameters")->Find("metadata_location")->text());
  const std::string metadata = *store_->Get(metadata_key);

  auto preloaded = Table();
  preloaded->Preload();
  auto not_preloaded = Table();
  ASSERT_TRUE(store_->Delete({metadata_key}).ok());
  ASSERT_TRUE(preloaded->Plan(Shape({"id"})).ok()) << "the preloaded metadata is used";
  Status plan = not_preloaded->Plan(Shape({"id"}));
  EXPECT_FALSE(plan.ok()) << "without a preload Plan reads the metadata file itself";
  ASSERT_TRUE(store_->Put(metadata_key, metadata).ok());
  // A preload that failed leaves Plan to read, and to report what it finds.
  auto failed = Table();
  ASSERT_TRUE(store_->Delete({metadata_key}).ok());
  failed->Preload();
  ASSERT_TRUE(store_->Put(metadata_key, metadata).ok());
  ASSERT_TRUE(failed->Plan(Shape({"id"})).ok());
  ASSERT_TRUE(preloaded->Commit(Files({"b"})).ok());
  EXPECT_EQ(MainFiles(), (std::set<std::string>{"s3://bucket/db/t/data/a.parquet",
                                                "s3://bucket/db/t/data/b.parquet"}));
}

TEST_F(IcebergTableTest, ACommitLostToAnotherWriterIsPlannedAgainOnItsSnapshot) {
  auto first = Table();
  ASSERT_TRUE(first->Plan(Shape({"id"})).ok());
  ASSERT_TRUE(first->Commit(Files({"a"})).ok());
  // Two writers plan on the same version; one commits first.
  auto mine = Table();
  auto theirs = Table();
  ASSERT_TRUE(mine->Plan(Shape({"id"})).ok());
  ASSERT_TRUE(theirs->Plan(Shape({"id"})).ok());
  ASSERT_TRUE(theirs->Commit(Files({"b"})).ok());
  const size_t objects_before = MetadataObjects().size();
  int swaps = 0;
  catalog_->hook = [&](const std::string& db, const json::Value& input, const std::string& key,
                       const std::optional<std::string>& expected) {
    ++swaps;
    return catalog_->RealSwap(db, input, key, expected);
  };
  ASSERT_TRUE(mine->Commit(Files({"c"})).ok());
  EXPECT_EQ(swaps, 2);  // lost once, then planned on theirs
  EXPECT_EQ(MainFiles(), (std::set<std::string>{"s3://bucket/db/t/data/a.parquet",
                                                "s3://bucket/db/t/data/b.parquet",
                                                "s3://bucket/db/t/data/c.parquet"}));
  // The lost attempt's manifest, manifest list and metadata were deleted: one commit's worth.
  EXPECT_EQ(MetadataObjects().size(), objects_before + 3);
}

TEST_F(IcebergTableTest, ASwapWithAnUnknownOutcomeDeletesNothingAndCountsOnlyIfTheCatalogShowsIt) {
  auto table = Table();
  ASSERT_TRUE(table->Plan(Shape({"id"})).ok());
  ASSERT_TRUE(table->Commit(Files({"a"})).ok());
  // The request went through, the answer was lost: the table names the new metadata.
  catalog_->hook = [&](const std::string& db, const json::Value& input, const std::string& key,
                       const std::optional<std::string>& expected) -> Result<bool> {
    EXPECT_TRUE(catalog_->RealSwap(db, input, key, expected).ok());
    return Status::Transient("UpdateTable: timed out");
  };
  ASSERT_TRUE(table->Commit(Files({"b"})).ok());
  EXPECT_EQ(MainFiles().size(), 2u);
  // The request did not go through: the commit fails, and its objects stay (the catalog might
  // have named them).
  const size_t before = MetadataObjects().size();
  catalog_->hook = [](const std::string&, const json::Value&, const std::string&,
                      const std::optional<std::string>&) -> Result<bool> {
    return Status::Transient("UpdateTable: timed out");
  };
  Status failed = table->Commit(Files({"c"}));
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.code(), StatusCode::kTransient);
  EXPECT_THAT(failed.message(), HasSubstr("its files are kept"));
  EXPECT_EQ(MetadataObjects().size(), before + 3);
  catalog_->hook = nullptr;
  EXPECT_EQ(MainFiles().size(), 2u);
}

TEST_F(IcebergTableTest, FieldIdsAnotherWritersSchemaChangeContradictsFailTheCommit) {
  auto first = Table();
  ASSERT_TRUE(first->Plan(Shape({"id"})).ok());
  ASSERT_TRUE(first->Commit(Files({"a"})).ok());
  auto mine = Table();
  auto theirs = Table();
  ASSERT_TRUE(mine->Plan(Shape({"id", "x"})).ok());  // x gets id 2 in this sync's files
  ASSERT_EQ(mine->file_schema()->columns[1].field_id, 2);
  ASSERT_TRUE(theirs->Plan(Shape({"id", "y"})).ok());
  ASSERT_TRUE(theirs->Commit(Files({"b"})).ok());  // y took id 2 first
  Status failed = mine->Commit(Files({"c"}));
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.code(), StatusCode::kTransient);
  EXPECT_THAT(failed.message(), HasSubstr("field ids no longer hold"));
  EXPECT_EQ(MainFiles().size(), 2u);
}

}  // namespace
}  // namespace datalake::sync
