#include <gtest/gtest.h>

#include <string>
#include <unordered_set>

#include "json/json.h"
#include "protocol/protocol.h"

namespace datalake::protocol {
namespace {

json::Value MustParse(std::string_view text) {
  Result<json::Value> v = json::Parse(text);
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  return v.ok() ? std::move(v).value() : json::Value();
}

Result<ConfiguredCatalog> ParseText(std::string_view text) {
  return ParseConfiguredCatalog(MustParse(text));
}

// A one-stream catalog whose configured-stream object is `entry`.
std::string OneStream(std::string_view entry) {
  return std::string(R"({"streams":[)") + std::string(entry) + "]}";
}

void ExpectConfigError(std::string_view text, std::string_view needle) {
  Result<ConfiguredCatalog> c = ParseText(text);
  ASSERT_FALSE(c.ok()) << text;
  EXPECT_EQ(c.status().code(), StatusCode::kConfigError);
  EXPECT_NE(c.status().message().find(needle), std::string::npos) << c.status().message();
}

TEST(StreamDescriptorTest, ToStringAndToJson) {
  StreamDescriptor plain{std::nullopt, "users"};
  StreamDescriptor with_ns{"public", "users"};
  EXPECT_EQ(plain.ToString(), "users");
  EXPECT_EQ(with_ns.ToString(), "public.users");
  EXPECT_EQ(json::Serialize(plain.ToJson()), R"({"name":"users"})");
  EXPECT_EQ(json::Serialize(with_ns.ToJson()), R"({"name":"users","namespace":"public"})");
}

TEST(StreamDescriptorTest, HashAndEqualityTellNullAndEmptyNamespaceApart) {
  StreamDescriptor none{std::nullopt, "s"};
  StreamDescriptor empty{"", "s"};
  StreamDescriptor other{"a", "s"};
  EXPECT_NE(none, empty);
  std::unordered_set<StreamDescriptor, StreamDescriptorHash> set = {none, empty, other};
  EXPECT_EQ(set.size(), 3u);
  EXPECT_TRUE(set.count(StreamDescriptor{std::nullopt, "s"}));
  EXPECT_EQ(StreamDescriptorHash()(other), StreamDescriptorHash()(StreamDescriptor{"a", "s"}));
}

TEST(CatalogTest, ParsesAFullStream) {
  auto c = ParseText(OneStream(R"({
    "stream": {"name": "users", "namespace": "public", "json_schema": {"type": "object"},
               "supported_sync_modes": ["full_refresh"], "unknown": 1},
    "sync_mode": "incremental", "destination_sync_mode": "append_dedup",
    "cursor_field": ["updated_at"], "primary_key": [["id"], ["org", "id"]],
    "generation_id": 12, "minimum_generation_id": 12, "sync_id": 99, "extra": {"x": 1}})"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->streams.size(), 1u);
  const ConfiguredStream& s = c->streams[0];
  EXPECT_EQ(s.descriptor, (StreamDescriptor{"public", "users"}));
  EXPECT_EQ(json::Serialize(s.json_schema), R"({"type":"object"})");
  EXPECT_EQ(s.destination_sync_mode, DestinationSyncMode::kAppendDedup);
  EXPECT_EQ(s.cursor_field, std::vector<std::string>{"updated_at"});
  ASSERT_EQ(s.primary_key.size(), 2u);
  EXPECT_EQ(s.primary_key[1], (std::vector<std::string>{"org", "id"}));
  EXPECT_EQ(s.generation_id, 12);
  EXPECT_EQ(s.minimum_generation_id, 12);
  EXPECT_EQ(s.sync_id, 99);
}

TEST(CatalogTest, DefaultsAndNullNamespace) {
  auto c = ParseText(R"({"streams":[
    {"stream":{"name":"a","json_schema":{}}},
    {"stream":{"name":"b","namespace":null,"json_schema":{}},"destination_sync_mode":null,
     "cursor_field":null,"primary_key":null,"generation_id":null,"minimum_generation_id":null,
     "sync_id":null}]})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->streams.size(), 2u);
  for (const ConfiguredStream& s : c->streams) {
    EXPECT_FALSE(s.descriptor.ns.has_value());
    EXPECT_EQ(s.destination_sync_mode, DestinationSyncMode::kAppend);
    EXPECT_TRUE(s.cursor_field.empty());
    EXPECT_TRUE(s.primary_key.empty());
    EXPECT_EQ(s.generation_id, 0);
    EXPECT_EQ(s.minimum_generation_id, 0);
    EXPECT_EQ(s.sync_id, 0);
  }
}

TEST(CatalogTest, SyncModes) {
  const std::pair<const char*, DestinationSyncMode> cases[] = {
      {"append", DestinationSyncMode::kAppend},
      {"overwrite", DestinationSyncMode::kOverwrite},
      {"append_dedup", DestinationSyncMode::kAppendDedup},
      {"update", DestinationSyncMode::kOther},
      {"soft_delete", DestinationSyncMode::kOther},
  };
  for (const auto& [text, mode] : cases) {
    auto c = ParseText(OneStream(std::string(R"({"stream":{"name":"a","json_schema":{}},)") +
                                 R"("destination_sync_mode":")" + text + "\"}"));
    ASSERT_TRUE(c.ok()) << text;
    EXPECT_EQ(c->streams[0].destination_sync_mode, mode) << text;
    EXPECT_EQ(c->streams[0].destination_sync_mode_name, text);
  }
  auto absent = ParseText(OneStream(R"({"stream":{"name":"a","json_schema":{}}})"));
  ASSERT_TRUE(absent.ok());
  EXPECT_EQ(absent->streams[0].destination_sync_mode_name, "append");
}

TEST(CatalogTest, RejectsBadShapes) {
  ExpectConfigError("[]", "not a JSON object");
  ExpectConfigError("{}", "'streams'");
  ExpectConfigError(R"({"streams":{}})", "'streams'");
  ExpectConfigError(R"({"streams":[]})", "Catalog must have at least one stream");
  ExpectConfigError(OneStream("1"), "streams[0]: not an object");
  ExpectConfigError(OneStream("{}"), "streams[0]: has no object 'stream'");
  ExpectConfigError(OneStream(R"({"stream":{"json_schema":{}}})"),
                    "streams[0]: 'stream' has no string 'name'");
  ExpectConfigError(OneStream(R"({"stream":{"name":7,"json_schema":{}}})"), "string 'name'");
  ExpectConfigError(OneStream(R"({"stream":{"name":"a","namespace":3,"json_schema":{}}})"),
                    "'namespace'");
  ExpectConfigError(OneStream(R"({"stream":{"name":"a"}})"),
                    "streams[0] (a): 'stream' has no object 'json_schema'");
  ExpectConfigError(OneStream(R"({"stream":{"name":"a","json_schema":true}})"), "json_schema");
}

TEST(CatalogTest, RejectsBadFieldsNamingTheStream) {
  const std::string prefix = R"({"stream":{"name":"users","namespace":"ns","json_schema":{}},)";
  const std::pair<const char*, const char*> cases[] = {
      {R"("destination_sync_mode":1})", "destination_sync_mode"},
      {R"("cursor_field":"a"})", "cursor_field"},
      {R"("cursor_field":[1]})", "cursor_field"},
      {R"("primary_key":["id"]})", "primary_key"},
      {R"("primary_key":[[1]]})", "primary_key"},
      {R"("primary_key":"id"})", "primary_key"},
      {R"("generation_id":"1"})", "generation_id"},
      {R"("generation_id":1.5})", "generation_id"},
      {R"("minimum_generation_id":true})", "minimum_generation_id"},
      {R"("sync_id":99999999999999999999})", "sync_id"},
  };
  for (const auto& [rest, needle] : cases) {
    std::string text = OneStream(prefix + rest);
    ExpectConfigError(text, needle);
    ExpectConfigError(text, "streams[0] (ns.users): ");
  }
}

TEST(CatalogTest, RejectsDuplicateStreams) {
  ExpectConfigError(R"({"streams":[
      {"stream":{"name":"a","namespace":"n","json_schema":{}}},
      {"stream":{"name":"b","json_schema":{}}},
      {"stream":{"name":"a","namespace":"n","json_schema":{}}}]})",
                    "streams[0] and streams[2] are the same stream n.a");
  // An absent and a null namespace are the same stream.
  ExpectConfigError(R"({"streams":[
      {"stream":{"name":"a","json_schema":{}}},
      {"stream":{"name":"a","namespace":null,"json_schema":{}}}]})",
                    "same stream a");
  // Same name, different namespaces (incl. empty vs none): distinct streams.
  auto c = ParseText(R"({"streams":[
      {"stream":{"name":"a","json_schema":{}}},
      {"stream":{"name":"a","namespace":"","json_schema":{}}},
      {"stream":{"name":"a","namespace":"x","json_schema":{}}}]})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->streams.size(), 3u);
}

}  // namespace
}  // namespace datalake::protocol
