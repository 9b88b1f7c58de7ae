// The original connector's unit-test scenarios (stream_writer_test.py:
// test_get_glue_dtypes_from_json_schema, test_get_glue_types_from_json_schema_camel_case and the
// integration test's schema), rebuilt as JSON schemas. Every Glue string the original pins is
// reproduced, except where docs/TYPES.md deliberately differs (commented at the spot).
#include <map>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "json/json.h"
#include "schema/schema.h"

namespace datalake::schema {
namespace {

TableSchema MapText(const std::string& text, const MappingOptions& options = {}) {
  Result<json::Value> parsed = json::Parse(text);
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  if (!parsed.ok()) return {};
  Result<TableSchema> mapped = MapJsonSchema(*parsed, options);
  EXPECT_TRUE(mapped.ok()) << mapped.status().ToString();
  return mapped.ok() ? *mapped : TableSchema{};
}

// Glue type string of each column, keyed by the raw property name (the original's dict keys).
std::map<std::string, std::string> GlueTypes(const TableSchema& table) {
  std::map<std::string, std::string> out;
  for (const Field& column : table.columns) out[column.source_name] = GlueTypeString(column.type);
  return out;
}

std::set<std::string> JsonColumns(const TableSchema& table) {
  std::set<std::string> out;
  for (const Field& column : table.columns) {
    if (column.type.kind == TypeKind::kJson) out.insert(column.source_name);
  }
  return out;
}

constexpr char kBigSchema[] = R"({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": ["null", "object"],
  "properties": {
    "appId": {"type": ["null", "integer"]},
    "appName": {"type": ["null", "string"]},
    "bounced": {"type": ["null", "boolean"]},
    "browser": {"type": ["null", "object"], "properties": {
      "family": {"type": ["null", "string"]}, "name": {"type": ["null", "string"]},
      "producer": {"type": ["null", "string"]}, "producerUrl": {"type": ["null", "string"]},
      "type": {"type": ["null", "string"]}, "url": {"type": ["null", "string"]},
      "version": {"type": ["null", "array"], "items": {"type": ["null", "string"]}}}},
    "causedBy": {"type": ["null", "object"], "properties": {
      "created": {"type": ["null", "integer"]}, "id": {"type": ["null", "string"]}}},
    "percentage": {"type": ["null", "number"]},
    "location": {"type": ["null", "object"], "properties": {
      "city": {"type": ["null", "string"]}, "country": {"type": ["null", "string"]},
      "latitude": {"type": ["null", "number"]}, "longitude": {"type": ["null", "number"]},
      "state": {"type": ["null", "string"]}, "zipcode": {"type": ["null", "string"]}}},
    "nestedJson": {"type": ["null", "object"], "properties": {
      "city": {"type": "object", "properties": {"name": {"type": "string"}}}}},
    "sentBy": {"type": ["null", "object"], "properties": {
      "created": {"type": ["null", "integer"]}, "id": {"type": ["null", "string"]}}},
    "sentAt": {"type": ["null", "string"], "format": "date-time"},
    "receivedAt": {"type": ["null", "string"], "format": "date"},
    "sourceId": {"type": "string"},
    "status": {"type": "integer"},
    "read": {"type": "boolean"},
    "questions": {"type": "array", "items": {"type": "object", "properties": {
      "id": {"type": ["null", "integer"]}, "question": {"type": "string"},
      "answer": {"type": "string"}}}},
    "questions_nested": {"type": "array", "items": {"type": "object", "properties": {
      "id": {"type": ["null", "integer"]},
      "questions": {"type": "object", "properties": {
        "title": {"type": "string"}, "option": {"type": "integer"}}},
      "answer": {"type": "string"}}}},
    "nested_mixed_types": {"type": ["null", "object"], "properties": {
      "city": {"type": ["string", "integer", "null"]}}},
    "nested_bad_object": {"type": ["null", "object"], "properties": {
      "city": {"type": "object", "properties": {}}}},
    "nested_nested_bad_object": {"type": ["null", "object"], "properties": {
      "city": {"type": "object", "properties": {
        "name": {"type": "object", "properties": {}}}}}},
    "answers": {"type": "array", "items": {"type": "string"}},
    "answers_nested_bad": {"type": "array", "items": {"type": "object", "properties": {
      "id": {"type": ["string", "integer"]}}}},
    "phone_number_ids": {"type": ["null", "array"], "items": {"type": ["string", "integer"]}},
    "mixed_type_simple": {"type": ["integer", "number"]},
    "empty_array": {"type": ["null", "array"]},
    "airbyte_type_object": {"type": "number", "airbyte_type": "integer"},
    "airbyte_type_array": {"type": "array", "items": {"type": "number", "airbyte_type": "integer"}},
    "airbyte_type_array_not_integer": {"type": "array", "items": {
      "type": "string", "format": "date-time", "airbyte_type": "timestamp_without_timezone"}},
    "airbyte_type_object_not_integer": {"type": "string", "format": "date-time",
      "airbyte_type": "timestamp_without_timezone"},
    "object_with_additional_properties": {"type": ["null", "object"], "properties": {
      "id": {"type": ["null", "integer"]}, "name": {"type": ["null", "string"]}},
      "additionalProperties": true},
    "object_no_additional_properties": {"type": ["null", "object"], "properties": {
      "id": {"type": ["null", "integer"]}, "name": {"type": ["null", "string"]}},
      "additionalProperties": false}
  }
})";

TEST(OriginalConnectorTest, BigSchemaGlueTypes) {
  const TableSchema table = MapText(kBigSchema);
  const std::map<std::string, std::string> expected = {
      {"airbyte_type_array", "array<bigint>"},
      {"airbyte_type_object", "bigint"},
      // The original ignores item formats and declares array<string>; docs/TYPES.md maps the
      // item schema like any other, so an array of date-times is array<timestamp>.
      {"airbyte_type_array_not_integer", "array<timestamp>"},
      {"airbyte_type_object_not_integer", "timestamp"},
      {"answers", "array<string>"},
      {"answers_nested_bad", "string"},
      {"appId", "bigint"},
      {"appName", "string"},
      {"bounced", "boolean"},
      {"browser",
       "struct<family:string,name:string,producer:string,producerUrl:string,type:string,"
       "url:string,version:array<string>>"},
      {"causedBy", "struct<created:bigint,id:string>"},
      {"empty_array", "string"},
      {"location",
       "struct<city:string,country:string,latitude:double,longitude:double,state:string,"
       "zipcode:string>"},
      {"mixed_type_simple", "string"},
      {"nestedJson", "struct<city:struct<name:string>>"},
      {"nested_bad_object", "string"},
      {"nested_mixed_types", "string"},
      {"nested_nested_bad_object", "string"},
      {"object_with_additional_properties", "string"},
      {"object_no_additional_properties", "struct<id:bigint,name:string>"},
      {"percentage", "double"},
      {"phone_number_ids", "string"},
      {"questions", "array<struct<id:bigint,question:string,answer:string>>"},
      {"questions_nested",
       "array<struct<id:bigint,questions:struct<title:string,option:bigint>,answer:string>>"},
      {"read", "boolean"},
      {"receivedAt", "date"},
      {"sentAt", "timestamp"},
      {"sentBy", "struct<created:bigint,id:string>"},
      {"sourceId", "string"},
      {"status", "bigint"},
  };
  EXPECT_EQ(GlueTypes(table), expected);
}

TEST(OriginalConnectorTest, BigSchemaJsonColumns) {
  const TableSchema table = MapText(kBigSchema);
  // The original's json_casts, plus mixed_type_simple: a union is JSON here (Glue "string" in
  // both), where the original stored Python's str() of the value.
  const std::set<std::string> expected = {"answers_nested_bad",
                                          "empty_array",
                                          "nested_bad_object",
                                          "nested_mixed_types",
                                          "nested_nested_bad_object",
                                          "phone_number_ids",
                                          "object_with_additional_properties",
                                          "mixed_type_simple"};
  EXPECT_EQ(JsonColumns(table), expected);
}

TEST(OriginalConnectorTest, BigSchemaKindsAndNames) {
  const TableSchema table = MapText(kBigSchema);
  ASSERT_EQ(table.columns.size(), 30u);
  // Property order is column order; top-level names are sanitised, nested ones keep case.
  EXPECT_EQ(table.columns[0].name, "appid");
  EXPECT_EQ(table.columns[0].source_name, "appId");
  EXPECT_EQ(table.columns[3].name, "browser");
  EXPECT_EQ(table.columns[3].type.fields[3].name, "producerUrl");
  EXPECT_EQ(table.columns[3].type.fields[3].source_name, "producerUrl");

  const Field& ntz = table.columns[table.FindBySource("airbyte_type_object_not_integer")];
  EXPECT_EQ(ntz.type.kind, TypeKind::kTimestampNtz);
  const Field& sent_at = table.columns[table.FindBySource("sentAt")];
  EXPECT_EQ(sent_at.name, "sentat");
  EXPECT_EQ(sent_at.type.kind, TypeKind::kTimestamp);
  const Field& ntz_array = table.columns[table.FindBySource("airbyte_type_array_not_integer")];
  ASSERT_EQ(ntz_array.type.kind, TypeKind::kList);
  EXPECT_EQ(ntz_array.type.element->kind, TypeKind::kTimestampNtz);
  EXPECT_EQ(table.columns[table.FindBySource("receivedAt")].type.kind, TypeKind::kDate);
}

constexpr char kCamelCaseSchema[] = R"({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": ["null", "object"],
  "properties": {
    "TaxRateRef": {"properties": {"name": {"type": ["null", "string"]},
      "value": {"type": ["null", "string"]}}, "type": ["null", "object"]},
    "DocNumber": {"type": ["null", "string"]},
    "CurrencyRef": {"properties": {"name": {"type": ["null", "string"]},
      "value": {"type": ["null", "string"]}}, "type": ["null", "object"]},
    "Id": {"type": ["null", "string"]},
    "domain": {"type": ["null", "string"]},
    "SyncToken": {"type": ["null", "string"]},
    "Line": {"type": ["null", "array"], "items": {"type": ["null", "object"], "properties": {
      "Id": {"type": ["null", "string"]},
      "Amount": {"type": ["null", "number"]},
      "JournalEntryLineDetail": {"type": ["null", "object"], "properties": {
        "AccountRef": {"type": ["null", "object"], "properties": {
          "name": {"type": ["null", "string"]}, "value": {"type": ["null", "string"]}}},
        "PostingType": {"type": ["null", "string"]}}},
      "DetailType": {"type": ["null", "string"]},
      "Description": {"type": ["null", "string"]}}}},
    "TxnDate": {"format": "date", "type": ["null", "string"]},
    "TxnTaxDetail": {"type": ["null", "object"], "properties": {
      "TotalTax": {"type": ["null", "number"]},
      "TxnTaxCodeRef": {"type": ["null", "object"], "properties": {
        "value": {"type": ["null", "string"]}, "name": {"type": ["null", "string"]}}},
      "TaxLine": {"type": ["null", "array"], "items": {"type": ["null", "object"], "properties": {
        "DetailType": {"type": ["null", "string"]},
        "Amount": {"type": ["null", "number"]},
        "TaxLineDetail": {"type": ["null", "object"], "properties": {
          "TaxPercent": {"type": ["null", "number"]},
          "OverrideDeltaAmount": {"type": ["null", "number"]},
          "TaxInclusiveAmount": {"type": ["null", "number"]},
          "PercentBased": {"type": ["null", "boolean"]},
          "NetAmountTaxable": {"type": ["null", "number"]},
          "TaxRateRef": {"type": ["null", "object"], "properties": {
            "name": {"type": ["null", "string"]}, "value": {"type": ["null", "string"]}}}}}}}}}},
    "PrivateNote": {"type": ["null", "string"]},
    "ExchangeRate": {"type": ["null", "number"]},
    "MetaData": {"properties": {
      "CreateTime": {"format": "date-time", "type": ["null", "string"]},
      "LastUpdatedTime": {"format": "date-time", "type": ["null", "string"]}},
      "type": ["null", "object"]},
    "Adjustment": {"type": ["null", "boolean"]},
    "sparse": {"type": ["null", "boolean"]},
    "airbyte_cursor": {"type": ["null", "string"]}
  }
})";

TEST(OriginalConnectorTest, CamelCaseGlueTypes) {
  const std::map<std::string, std::string> expected = {
      {"Adjustment", "boolean"},
      {"CurrencyRef", "struct<name:string,value:string>"},
      {"DocNumber", "string"},
      {"ExchangeRate", "double"},
      {"Id", "string"},
      {"Line",
       "array<struct<Id:string,Amount:double,JournalEntryLineDetail:struct<AccountRef:struct<"
       "name:string,value:string>,PostingType:string>,DetailType:string,Description:string>>"},
      {"MetaData", "struct<CreateTime:timestamp,LastUpdatedTime:timestamp>"},
      {"PrivateNote", "string"},
      {"SyncToken", "string"},
      {"TaxRateRef", "struct<name:string,value:string>"},
      {"TxnDate", "date"},
      {"TxnTaxDetail",
       "struct<TotalTax:double,TxnTaxCodeRef:struct<value:string,name:string>,TaxLine:array<"
       "struct<DetailType:string,Amount:double,TaxLineDetail:struct<TaxPercent:double,"
       "OverrideDeltaAmount:double,TaxInclusiveAmount:double,PercentBased:boolean,"
       "NetAmountTaxable:double,TaxRateRef:struct<name:string,value:string>>>>>"},
      {"airbyte_cursor", "string"},
      {"domain", "string"},
      {"sparse", "boolean"},
  };
  const TableSchema table = MapText(kCamelCaseSchema);
  EXPECT_EQ(GlueTypes(table), expected);
  EXPECT_TRUE(JsonColumns(table).empty());
  EXPECT_EQ(table.columns[table.FindBySource("MetaData")].name, "metadata");
  EXPECT_EQ(table.columns[table.FindBySource("TxnDate")].name, "txndate");
}

TEST(OriginalConnectorTest, CamelCaseInDecimalMode) {
  MappingOptions options;
  options.number_as_decimal = true;
  const std::map<std::string, std::string> types = GlueTypes(MapText(kCamelCaseSchema, options));
  // decimal(38,18), not the original's decimal(38,25) (docs/TYPES.md, last difference).
  EXPECT_EQ(types.at("ExchangeRate"), "decimal(38,18)");
  EXPECT_EQ(types.at("Line"),
            "array<struct<Id:string,Amount:decimal(38,18),JournalEntryLineDetail:struct<"
            "AccountRef:struct<name:string,value:string>,PostingType:string>,DetailType:string,"
            "Description:string>>");
}

TEST(OriginalConnectorTest, IntegrationTestSchema) {
  // integration_test.py expects {"string_col": "string", "int_col": "bigint",
  // "date_col": "timestamp"}; "str" is not a JSON-schema type, so string_col is JSON text here.
  const TableSchema table = MapText(R"({"type": "object", "properties": {
      "string_col": {"type": "str"}, "int_col": {"type": "integer"},
      "date_col": {"type": "string", "format": "date-time"}}})");
  EXPECT_EQ(GlueTypes(table),
            (std::map<std::string, std::string>{
                {"string_col", "string"}, {"int_col", "bigint"}, {"date_col", "timestamp"}}));
  EXPECT_EQ(table.columns[0].type.kind, TypeKind::kJson);
}

}  // namespace
}  // namespace datalake::schema
