// Table resolution (sync/table_names.h) against a real local catalog: bindings win over names,
// unbound tables are adopted by path, then by name, new names avoid every existing table, and
// streams that would share a table or a path are refused.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "config/config.h"
#include "protocol/protocol.h"
#include "schema/schema.h"
#include "sync/lake_layout.h"
#include "sync/table_names.h"

namespace datalake::sync {
namespace {

namespace fs = std::filesystem;

class TableNamesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("table_names_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    catalog_ = catalog::NewLocalCatalog(dir_.string());
    config_.bucket_name = "bucket";
    config_.database = "db";
  }
  void TearDown() override { fs::remove_all(dir_); }

  static protocol::ConfiguredStream Stream(const std::string& name,
                                           std::optional<std::string> ns = std::nullopt) {
    protocol::ConfiguredStream s;
    s.descriptor.name = name;
    s.descriptor.ns = std::move(ns);
    return s;
  }

  // Put a table `name` at `location`, bound to (ns, stream) when `stream` is not empty.
  void PutTable(const std::string& database, const std::string& name, const std::string& location,
                const std::string& ns = "", const std::string& stream = "") {
    catalog::TableSpec spec;
    spec.name = name;
    spec.location = location;
    json::Value input = catalog::BuildTableInput(spec);
    if (!stream.empty()) {
      input.FindMutable("Parameters")->Set(kStreamNamespaceParameter, json::Value::String(ns));
      input.FindMutable("Parameters")->Set(kStreamNameParameter, json::Value::String(stream));
    }
    ASSERT_TRUE(catalog_->PutTable(database, input).ok());
  }

  std::vector<std::string> Tables(std::vector<protocol::ConfiguredStream> streams) {
    std::vector<std::string> out;
    for (const StreamTable& t : Resolve(std::move(streams))) {
      out.push_back(t.database + "." + t.table);
    }
    return out;
  }

  // "database.table at path" of each stream.
  std::vector<std::string> TablesAndPaths(std::vector<protocol::ConfiguredStream> streams) {
    std::vector<std::string> out;
    for (const StreamTable& t : Resolve(std::move(streams))) {
      out.push_back(t.database + "." + t.table + " at " + t.path);
    }
    return out;
  }

  std::vector<StreamTable> Resolve(std::vector<protocol::ConfiguredStream> streams) {
    protocol::ConfiguredCatalog c;
    c.streams = std::move(streams);
    auto resolved = ResolveTables(c, config_, catalog_.get());
    EXPECT_TRUE(resolved.ok()) << resolved.status().ToString();
    return resolved.ok() ? *resolved : std::vector<StreamTable>();
  }

  fs::path dir_;
  std::unique_ptr<catalog::Catalog> catalog_;
  config::Config config_;
};

TEST_F(TableNamesTest, BindingsWinOverNamesAndNewNamesAvoidExistingTables) {
  EXPECT_EQ(Tables({Stream("Users")}), std::vector<std::string>{"db.users"});
  PutTable("db", "users", "s3://bucket/db/Users/", "db", "Users");
  // `users` arrives: `Users` keeps its table, `users` gets a suffixed one, in either order.
  const auto both = Tables({Stream("users"), Stream("Users")});
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[1], "db.users");
  EXPECT_EQ(both[0], "db." + schema::UniqueNames({"users"}, {"users"})[0]);
  EXPECT_EQ(Tables({Stream("Users"), Stream("users")}),
            (std::vector<std::string>{both[1], both[0]}));
}

TEST_F(TableNamesTest, UnboundTablesAreAdoptedByPathThenByName) {
  // An earlier version gave stream `users` the suffixed table; its path says whose it is.
  PutTable("db", "users_586d6bd2", "s3://bucket/db/users/");
  PutTable("db", "orders", "s3://elsewhere/orders/");
  EXPECT_EQ(Tables({Stream("users"), Stream("Orders")}),
            (std::vector<std::string>{"db.users_586d6bd2", "db.orders"}));
  // A table switched into a generation directory is still at the stream's path.
  PutTable("db", "events_old", "s3://bucket/db/events/_airbyte_generation_4/");
  EXPECT_EQ(Tables({Stream("events")}), std::vector<std::string>{"db.events_old"});
}

// The listing that resolves the names is the sync's read of its tables: each stream carries its
// table's definition as listed, a new table none.
TEST_F(TableNamesTest, EachStreamCarriesItsTablesDefinitionAsListed) {
  PutTable("db", "users_586d6bd2", "s3://bucket/db/users/");
  PutTable("db", "orders", "s3://elsewhere/orders/", "db", "Orders");
  PutTable("other", "orders", "s3://bucket/other/orders/");
  const std::vector<StreamTable> resolved =
      Resolve({Stream("users"), Stream("Orders"), Stream("events"), Stream("orders", "other")});
  ASSERT_EQ(resolved.size(), 4u);
  for (size_t i : {0, 1, 3}) {
    ASSERT_TRUE(resolved[i].definition.has_value()) << resolved[i].table;
    auto stored = catalog_->GetTable(resolved[i].database, resolved[i].table);
    ASSERT_TRUE(stored.ok() && stored->has_value()) << resolved[i].table;
    EXPECT_EQ(*resolved[i].definition, **stored) << resolved[i].table;
  }
  EXPECT_EQ(resolved[0].definition->Find("Name")->text(), "users_586d6bd2");
  EXPECT_EQ(resolved[1].definition->Find("Name")->text(), "orders");
  EXPECT_EQ(resolved[3].definition->Find("StorageDescriptor")->Find("Location")->text(),
            "s3://bucket/other/orders/");
  EXPECT_FALSE(resolved[2].definition.has_value()) << "events is a new table";
}

TEST_F(TableNamesTest, APrefixWithExtraSlashesFindsTheOriginalsTablesAndKeepsTheirLayout) {
  config_.bucket_prefix = "data/";
  // Without tables, new tables take the normalised path.
  EXPECT_EQ(TablesAndPaths({Stream("orders")}),
            std::vector<std::string>{"db.orders at data/db/orders/"});
  // The original connector's table (no binding) at "data//db/orders/" is the stream's.
  PutTable("db", "orders", "s3://bucket/data//db/orders/");
  PutTable("db", "users", "s3://bucket/data//db/users/", "db", "users");
  EXPECT_EQ(
      TablesAndPaths({Stream("orders"), Stream("users"), Stream("new"), Stream("x", "fresh")}),
      (std::vector<std::string>{"db.orders at data//db/orders/", "db.users at data//db/users/",
                                // A new table joins its database's layout...
                                "db.new at data//db/new/",
                                // ...and one in a database without tables is normalised.
                                "fresh.x at data/fresh/x/"}));
  // A database that also holds a table at the normalised path puts new tables there.
  PutTable("fresh", "y", "s3://bucket/data//fresh/y/");
  PutTable("fresh", "z", "s3://bucket/data/fresh/z/");
  EXPECT_EQ(TablesAndPaths({Stream("y", "fresh"), Stream("z", "fresh"), Stream("w", "fresh")}),
            (std::vector<std::string>{"fresh.y at data//fresh/y/", "fresh.z at data/fresh/z/",
                                      "fresh.w at data/fresh/w/"}));
  // A leading '/': the original wrote "/data/db/t/".
  config_.bucket_prefix = "/data";
  PutTable("lead", "t", "s3://bucket//data/lead/t/");
  EXPECT_EQ(TablesAndPaths({Stream("t", "lead"), Stream("u", "lead")}),
            (std::vector<std::string>{"lead.t at /data/lead/t/", "lead.u at /data/lead/u/"}));
  // A table bound to another stream holds either spelling of the path.
  PutTable("lead", "v", "s3://bucket/data/lead/v/", "other", "thing");
  protocol::ConfiguredCatalog c;
  c.streams = {Stream("v", "lead")};
  auto resolved = ResolveTables(c, config_, catalog_.get());
  ASSERT_FALSE(resolved.ok());
  EXPECT_NE(resolved.status().message().find("would write to s3://bucket/data/lead/v/, which holds "
                                             "table lead.v of stream 'other.thing'"),
            std::string::npos)
      << resolved.status().message();
}

TEST_F(TableNamesTest, StreamsSharingATableOrAPathAreRefused) {
  protocol::ConfiguredCatalog c;
  c.streams = {Stream("a"), Stream("a", "")};
  auto resolved = ResolveTables(c, config_, catalog_.get());
  ASSERT_FALSE(resolved.ok());
  EXPECT_EQ(resolved.status().code(), StatusCode::kConfigError);
  EXPECT_NE(resolved.status().message().find("'a' and '"), std::string::npos)
      << resolved.status().message();
  c.streams = {Stream("a"), Stream("a", "db")};
  EXPECT_FALSE(ResolveTables(c, config_, catalog_.get()).ok());
  // A path held by a table bound to another stream.
  PutTable("db", "x", "s3://bucket/db/a/", "other", "thing");
  c.streams = {Stream("a")};
  resolved = ResolveTables(c, config_, catalog_.get());
  ASSERT_FALSE(resolved.ok());
  EXPECT_NE(resolved.status().message().find("of stream 'other.thing'"), std::string::npos);
}

TEST_F(TableNamesTest, DatabaseNamesAreLowercaseAndWithinGluesLimit) {
  EXPECT_EQ(GlueDatabaseName("Sales_EU"), "sales_eu");
  const std::string long_name(300, 'N');
  const std::string glue = GlueDatabaseName(long_name);
  EXPECT_EQ(glue.size(), schema::kMaxNameBytes);
  EXPECT_EQ(glue.substr(0, 10), "nnnnnnnnnn");
  EXPECT_NE(GlueDatabaseName(long_name + "x"), glue);
  EXPECT_EQ(Tables({Stream("a", "DB2"), Stream("a", "db2")}),
            (std::vector<std::string>{"db2.a", "db2." + schema::UniqueNames({"a"}, {"a"})[0]}));
}

TEST(ShortenedNameTest, KeepsShortNamesAndCutsLongOnesAtCharacterBoundaries) {
  EXPECT_EQ(schema::ShortenedName("abc", 10), "abc");
  const std::string cut = schema::ShortenedName(std::string(40, 'a'), 30);
  EXPECT_EQ(cut.size(), 30u);
  EXPECT_EQ(cut.substr(0, 13), std::string(13, 'a'));
  // "é" is two bytes: the cut never splits it.
  std::string accents;
  for (int i = 0; i < 20; ++i) accents += "\xC3\xA9";
  const std::string short_accents = schema::ShortenedName(accents, 30);
  EXPECT_LE(short_accents.size(), 30u);
  EXPECT_EQ(short_accents.substr(0, 12), accents.substr(0, 12));
  EXPECT_EQ(short_accents[12], '_');
  EXPECT_EQ(schema::SanitizeName(std::string(300, 'x')).size(), schema::kMaxNameBytes);
}

}  // namespace
}  // namespace datalake::sync
