// DefinitionHolds: whether an existing table definition already says what a commit would put.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "catalog/catalog.h"

namespace datalake::catalog {
namespace {

using json::Value;

Value Definition(const std::vector<Column>& columns, const std::string& location = "s3://b/db/t/",
                 format::FileFormat format = format::FileFormat::kParquet) {
  TableSpec spec;
  spec.name = "t";
  spec.columns = columns;
  spec.partition_keys = {{"day", "string"}};
  spec.location = location;
  spec.format = format;
  spec.compression = format::Compression::kSnappy;
  return BuildTableInput(spec);
}

const std::vector<Column> kColumns = {{"id", "bigint"}, {"name", "string"}};

Value* StorageOf(Value* table) { return table->FindMutable("StorageDescriptor"); }

TEST(DefinitionHoldsTest, TheSameDefinitionHolds) {
  EXPECT_TRUE(DefinitionHolds(Definition(kColumns), Definition(kColumns)));
}

TEST(DefinitionHoldsTest, DescriptionsCommentsAndEmptyMembersChangeNothing) {
  Value existing = Definition(kColumns);
  existing.Set("Description", Value::String("orders, synced nightly"));
  existing.Set("Owner", Value::String("data-eng"));
  existing.Set("Retention", Value::Int(0));
  Value* columns = StorageOf(&existing)->FindMutable("Columns");
  columns->mutable_items()[0].Set("Comment", Value::String("primary key"));
  // What a catalog may return empty or leave out: the same as what is sent empty.
  StorageOf(&existing)->Set("SkewedInfo",
                            Value::Object({{"SkewedColumnNames", Value::Array()},
                                           {"SkewedColumnValueLocationMaps", Value::Object()}}));
  StorageOf(&existing)->mutable_members().erase(
      std::find_if(StorageOf(&existing)->mutable_members().begin(),
                   StorageOf(&existing)->mutable_members().end(),
                   [](const Value::Member& m) { return m.first == "BucketColumns"; }));
  EXPECT_TRUE(DefinitionHolds(existing, Definition(kColumns)));
}

TEST(DefinitionHoldsTest, ColumnsAddedRetypedOrDroppedDoNotHold) {
  const Value existing = Definition(kColumns);
  EXPECT_FALSE(DefinitionHolds(
      existing, Definition({{"id", "bigint"}, {"name", "string"}, {"added", "double"}})));
  EXPECT_FALSE(DefinitionHolds(existing, Definition({{"id", "int"}, {"name", "string"}})));
  EXPECT_FALSE(DefinitionHolds(existing, Definition({{"id", "bigint"}})));
  EXPECT_FALSE(DefinitionHolds(existing, Definition({{"name", "string"}, {"id", "bigint"}})));
}

TEST(DefinitionHoldsTest, AnotherLocationFormatOrParameterDoesNotHold) {
  const Value existing = Definition(kColumns);
  EXPECT_FALSE(
      DefinitionHolds(existing, Definition(kColumns, "s3://b/db/t/_airbyte_generation_2/")));
  EXPECT_FALSE(
      DefinitionHolds(existing, Definition(kColumns, "s3://b/db/t/", format::FileFormat::kJsonl)));
  Value bound = Definition(kColumns);
  bound.FindMutable("Parameters")->Set("airbyte_stream", Value::String("t"));
  EXPECT_FALSE(DefinitionHolds(existing, bound));
  // A parameter the commit would drop is a change; a commit keeps others' parameters, so what
  // it wants then holds.
  EXPECT_FALSE(DefinitionHolds(bound, Definition(kColumns)));
  EXPECT_TRUE(DefinitionHolds(bound, bound));
}

TEST(DefinitionHoldsTest, WhatElseChangesHowTablesAreReadDoesNotHold) {
  const Value wanted = Definition(kColumns);
  Value bucketed = Definition(kColumns);
  StorageOf(&bucketed)->Set("NumberOfBuckets", Value::Int(8));
  EXPECT_FALSE(DefinitionHolds(bucketed, wanted));
  Value registry = Definition(kColumns);
  StorageOf(&registry)->Set("SchemaReference",
                            Value::Object({{"SchemaVersionId", Value::String("x")}}));
  EXPECT_FALSE(DefinitionHolds(registry, wanted));
  Value serde = Definition(kColumns);
  StorageOf(&serde)
      ->FindMutable("SerdeInfo")
      ->FindMutable("Parameters")
      ->Set("parquet.column.index.access", Value::String("true"));
  EXPECT_FALSE(DefinitionHolds(serde, wanted));
  Value view = Definition(kColumns);
  view.Set("ViewOriginalText", Value::String("/* Presto View */"));
  EXPECT_FALSE(DefinitionHolds(view, wanted));
  Value extra_column = Definition(kColumns);
  StorageOf(&extra_column)
      ->FindMutable("Columns")
      ->mutable_items()[1]
      .Set("Type", Value::String("int"));
  EXPECT_FALSE(DefinitionHolds(extra_column, wanted));
}

}  // namespace
}  // namespace datalake::catalog
