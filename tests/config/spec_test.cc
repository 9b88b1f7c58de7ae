// The SPEC payload must be a strict superset of the original connector's spec, so saved configs,
// the Airbyte UI and API clients keep working; extensions must be optional and come after.

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "config/config.h"

namespace datalake::config {
namespace {

const json::Value& ConnectionSpec() { return *Spec().Find("connectionSpecification"); }
const json::Value& Property(std::string_view name) {
  return *ConnectionSpec().Find("properties")->Find(name);
}

std::vector<std::string> Strings(const json::Value& array) {
  std::vector<std::string> out;
  for (const json::Value& item : array.items()) out.push_back(item.text());
  return out;
}

std::string Text(const json::Value& object, std::string_view key) {
  const json::Value* v = object.Find(key);
  return v != nullptr && (v->is_string() || v->is_number()) ? v->text() : "<missing>";
}

// The upstream spec.json (commit 0f165a56), kept verbatim in testdata.
json::Value OriginalSpec() {
  std::ifstream in(std::string(DATALAKE_SOURCE_DIR) + "/tests/config/testdata/original_spec.json");
  std::stringstream buffer;
  buffer << in.rdbuf();
  Result<json::Value> parsed = json::Parse(buffer.str());
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  return parsed.ok() ? std::move(parsed).value() : json::Value();
}

// Check that `ours` contains everything in `original`: objects member by member (in the same
// relative order), arrays element by element as a prefix. Paths where `ours` has extra array
// elements go to `extended`.
void ExpectSuperset(const json::Value& original, const json::Value& ours, const std::string& path,
                    std::vector<std::string>* extended) {
  ASSERT_EQ(original.kind(), ours.kind()) << path;
  if (original.is_object()) {
    size_t last_index = 0;
    for (const auto& [key, value] : original.members()) {
      const json::Value* mine = ours.Find(key);
      ASSERT_NE(mine, nullptr) << path << "." << key << " is missing";
      auto index = static_cast<size_t>(
          std::find_if(ours.members().begin(), ours.members().end(),
                       [&name = key](const auto& m) { return m.first == name; }) -
          ours.members().begin());
      EXPECT_GE(index, last_index) << path << "." << key << " moved";
      last_index = index;
      ExpectSuperset(value, *mine, path + "." + key, extended);
    }
  } else if (original.is_array() && path == "spec.connectionSpecification.required") {
    // The one array that shrinks: credentials and region are required through `else` instead
    // (see ConditionalRequirements), so that a local lake needs neither.
    EXPECT_EQ(Strings(ours),
              (std::vector<std::string>{"bucket_name", "lakeformation_database_name"}));
  } else if (original.is_array()) {
    ASSERT_GE(ours.items().size(), original.items().size()) << path;
    for (size_t i = 0; i < original.items().size(); ++i) {
      ExpectSuperset(original.items()[i], ours.items()[i], path + "[" + std::to_string(i) + "]",
                     extended);
    }
    if (ours.items().size() > original.items().size()) extended->push_back(path);
  } else {
    EXPECT_EQ(original, ours) << path;
  }
}

TEST(SpecTest, IsStrictSupersetOfTheOriginalSpec) {
  json::Value original = OriginalSpec();
  ASSERT_TRUE(original.is_object());
  std::vector<std::string> extended;
  ExpectSuperset(original, Spec(), "spec", &extended);
  // Arrays may grow only where the extensions are documented to go.
  EXPECT_EQ(extended, (std::vector<std::string>{
                          "spec.connectionSpecification.properties.credentials.oneOf",
                          "spec.connectionSpecification.properties.format.oneOf[0].properties."
                          "compression_codec.enum",
                      }));
}

TEST(SpecTest, TopLevelPayload) {
  const json::Value& spec = Spec();
  EXPECT_EQ(Text(spec, "documentationUrl"),
            "https://docs.airbyte.com/integrations/destinations/aws-datalake");
  EXPECT_EQ(*spec.Find("supportsIncremental"), json::Value::Bool(true));
  EXPECT_EQ(*spec.Find("supportsNormalization"), json::Value::Bool(false));
  EXPECT_EQ(*spec.Find("supportsDBT"), json::Value::Bool(false));
  EXPECT_EQ(Strings(*spec.Find("supported_destination_sync_modes")),
            (std::vector<std::string>{"overwrite", "append"}));
  EXPECT_EQ(&Spec(), &spec) << "parsed once";
}

TEST(SpecTest, ConnectionSpecificationHeader) {
  const json::Value& cs = ConnectionSpec();
  EXPECT_EQ(Text(cs, "$schema"), "http://json-schema.org/draft-07/schema#");
  EXPECT_EQ(Text(cs, "title"), "AWS Datalake Destination Spec");
  EXPECT_EQ(Text(cs, "type"), "object");
  EXPECT_EQ(*cs.Find("additionalProperties"), json::Value::Bool(false));
  EXPECT_EQ(Strings(*cs.Find("required")),
            (std::vector<std::string>{"bucket_name", "lakeformation_database_name"}));
}

// credentials and region are required unless local_lake_path is set and not empty (what
// ParseConfig accepts); the UI, which reads only `required`, is told to show them anyway.
TEST(SpecTest, ConditionalRequirements) {
  const json::Value& cs = ConnectionSpec();
  ASSERT_NE(cs.Find("if"), nullptr);
  EXPECT_EQ(json::Serialize(*cs.Find("if")),
            R"({"required":["local_lake_path"],"properties":{"local_lake_path":{"minLength":1}}})");
  ASSERT_NE(cs.Find("else"), nullptr);
  EXPECT_EQ(json::Serialize(*cs.Find("else")), R"({"required":["credentials","region"]})");
  EXPECT_EQ(cs.Find("then"), nullptr);
  for (const char* name : {"credentials", "region"}) {
    ASSERT_NE(Property(name).Find("always_show"), nullptr) << name;
    EXPECT_EQ(*Property(name).Find("always_show"), json::Value::Bool(true)) << name;
  }
}

// The Airbyte UI renders a oneOf as a selector only when the parent and every option are typed
// objects.
TEST(SpecTest, EveryOneOfOptionIsAnObject) {
  int options = 0;
  for (const auto& [name, property] : ConnectionSpec().Find("properties")->members()) {
    const json::Value* one_of = property.Find("oneOf");
    if (one_of == nullptr) continue;
    EXPECT_EQ(Text(property, "type"), "object") << name;
    for (const json::Value& option : one_of->items()) {
      EXPECT_EQ(Text(option, "type"), "object") << name << ": " << Text(option, "title");
      ++options;
    }
  }
  EXPECT_EQ(options, 5) << "3 credentials options and 2 formats";
}

TEST(SpecTest, PropertiesInOriginalOrderThenExtensions) {
  const std::vector<std::string> expected = {
      "aws_account_id", "credentials", "region", "bucket_name", "bucket_prefix",
      "lakeformation_database_name", "lakeformation_database_default_tag_key",
      "lakeformation_database_default_tag_values", "lakeformation_governed_tables", "format",
      "partitioning", "glue_catalog_float_as_decimal",
      // Extensions.
      "local_lake_path", "s3_endpoint", "glue_endpoint", "sts_endpoint", "lakeformation_endpoint",
      "commit_interval_seconds", "target_file_size_mb", "airbyte_meta_columns",
      "s3_server_side_encryption", "s3_kms_key_id", "parquet_timestamp_int96", "memory_budget_mb",
      "table_format", "partition_by"};
  const auto& members = ConnectionSpec().Find("properties")->members();
  ASSERT_EQ(members.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(members[i].first, expected[i]);
    EXPECT_EQ(Text(members[i].second, "order"), std::to_string(i + 1)) << expected[i];
  }
}

struct PropertyExpectation {
  const char* name;
  const char* type;
  const char* title;
  const char* default_value;  // serialized JSON, or nullptr for none
};

TEST(SpecTest, OriginalPropertyAttributes) {
  const PropertyExpectation kExpected[] = {
      {"aws_account_id", "string", "AWS Account Id", nullptr},
      {"credentials", "object", "Authentication mode", nullptr},
      {"region", "string", "S3 Bucket Region", R"("")"},
      {"bucket_name", "string", "S3 Bucket Name", nullptr},
      {"bucket_prefix", "string", "Target S3 Bucket Prefix", nullptr},
      {"lakeformation_database_name", "string", "Lake Formation Database Name", nullptr},
      {"lakeformation_database_default_tag_key", "string", "Lake Formation Database Tag Key",
       nullptr},
      {"lakeformation_database_default_tag_values", "string", "Lake Formation Database Tag Values",
       nullptr},
      {"lakeformation_governed_tables", "boolean", "Lake Formation Governed Tables", "false"},
      {"format", "object", "Output Format *", nullptr},
      {"partitioning", "string", "Choose how to partition data", R"("NO PARTITIONING")"},
      {"glue_catalog_float_as_decimal", "boolean", "Glue Catalog: Float as Decimal", "false"},
  };
  for (const PropertyExpectation& e : kExpected) {
    const json::Value& p = Property(e.name);
    EXPECT_EQ(Text(p, "type"), e.type) << e.name;
    EXPECT_EQ(Text(p, "title"), e.title) << e.name;
    EXPECT_NE(p.Find("description"), nullptr) << e.name;
    const json::Value* def = p.Find("default");
    if (e.default_value == nullptr) {
      EXPECT_EQ(def, nullptr) << e.name;
    } else {
      ASSERT_NE(def, nullptr) << e.name;
      EXPECT_EQ(json::Serialize(*def), e.default_value) << e.name;
    }
  }
  EXPECT_EQ(Text(Property("bucket_prefix"), "description"), "S3 prefix");
  EXPECT_EQ(json::Serialize(*Property("aws_account_id").Find("examples")), R"(["111111111111"])");
  EXPECT_EQ(json::Serialize(*Property("lakeformation_database_default_tag_key").Find("examples")),
            R"(["pii_level"])");
  EXPECT_EQ(
      json::Serialize(*Property("lakeformation_database_default_tag_values").Find("examples")),
      R"(["private,public"])");
}

TEST(SpecTest, RegionEnumExactOrder) {
  EXPECT_EQ(Strings(*Property("region").Find("enum")), (std::vector<std::string>{"",
                                                                                 "af-south-1",
                                                                                 "ap-east-1",
                                                                                 "ap-northeast-1",
                                                                                 "ap-northeast-2",
                                                                                 "ap-northeast-3",
                                                                                 "ap-south-1",
                                                                                 "ap-south-2",
                                                                                 "ap-southeast-1",
                                                                                 "ap-southeast-2",
                                                                                 "ap-southeast-3",
                                                                                 "ap-southeast-4",
                                                                                 "ca-central-1",
                                                                                 "ca-west-1",
                                                                                 "cn-north-1",
                                                                                 "cn-northwest-1",
                                                                                 "eu-central-1",
                                                                                 "eu-central-2",
                                                                                 "eu-north-1",
                                                                                 "eu-south-1",
                                                                                 "eu-south-2",
                                                                                 "eu-west-1",
                                                                                 "eu-west-2",
                                                                                 "eu-west-3",
                                                                                 "il-central-1",
                                                                                 "me-central-1",
                                                                                 "me-south-1",
                                                                                 "sa-east-1",
                                                                                 "us-east-1",
                                                                                 "us-east-2",
                                                                                 "us-gov-east-1",
                                                                                 "us-gov-west-1",
                                                                                 "us-west-1",
                                                                                 "us-west-2"}));
}

TEST(SpecTest, PartitioningEnumExactOrder) {
  EXPECT_EQ(Strings(*Property("partitioning").Find("enum")),
            (std::vector<std::string>{"NO PARTITIONING", "DATE", "YEAR", "MONTH", "DAY",
                                      "YEAR/MONTH", "YEAR/MONTH/DAY"}));
}

const json::Value& Option(std::string_view property, size_t index) {
  return Property(property).Find("oneOf")->items()[index];
}

// Check the discriminator member of a oneOf option: single-value enum, default and (for the
// credentials options only, as in the original) const.
void ExpectDiscriminator(const json::Value& option, std::string_view key, std::string_view value,
                         bool with_const) {
  const json::Value& d = *option.Find("properties")->Find(key);
  EXPECT_EQ(Text(d, "type"), "string");
  EXPECT_EQ(Text(d, "const"), with_const ? std::string(value) : "<missing>");
  EXPECT_EQ(Strings(*d.Find("enum")), std::vector<std::string>{std::string(value)});
  EXPECT_EQ(Text(d, "default"), value);
}

TEST(SpecTest, CredentialsOptions) {
  const json::Value& one_of = *Property("credentials").Find("oneOf");
  ASSERT_EQ(one_of.items().size(), 3u);

  const json::Value& role = Option("credentials", 0);
  EXPECT_EQ(Text(role, "title"), "IAM Role");
  EXPECT_EQ(Strings(*role.Find("required")),
            (std::vector<std::string>{"role_arn", "credentials_title"}));
  ExpectDiscriminator(role, "credentials_title", "IAM Role", true);
  EXPECT_EQ(Text(*role.Find("properties")->Find("credentials_title"), "order"), "0");
  const json::Value& arn = *role.Find("properties")->Find("role_arn");
  EXPECT_EQ(Text(arn, "title"), "Target Role Arn");
  EXPECT_EQ(Text(arn, "description"), "Will assume this role to write data to s3");
  EXPECT_EQ(*arn.Find("airbyte_secret"), json::Value::Bool(false));
  EXPECT_EQ(Text(*role.Find("properties")->Find("external_id"), "type"), "string");

  const json::Value& user = Option("credentials", 1);
  EXPECT_EQ(Text(user, "title"), "IAM User");
  EXPECT_EQ(Strings(*user.Find("required")),
            (std::vector<std::string>{"credentials_title", "aws_access_key_id",
                                      "aws_secret_access_key"}));
  ExpectDiscriminator(user, "credentials_title", "IAM User", true);
  const json::Value& props = *user.Find("properties");
  EXPECT_EQ(Text(*props.Find("aws_access_key_id"), "title"), "Access Key Id");
  EXPECT_EQ(Text(*props.Find("aws_secret_access_key"), "title"), "Secret Access Key");
  for (const char* secret : {"aws_access_key_id", "aws_secret_access_key", "aws_session_token"}) {
    EXPECT_EQ(*props.Find(secret)->Find("airbyte_secret"), json::Value::Bool(true)) << secret;
  }

  const json::Value& chain = Option("credentials", 2);
  EXPECT_EQ(Text(chain, "title"), "Default Credentials Chain");
  EXPECT_EQ(Text(chain, "type"), "object");
  EXPECT_EQ(Strings(*chain.Find("required")), std::vector<std::string>{"credentials_title"});
  ExpectDiscriminator(chain, "credentials_title", "Default Credentials Chain", true);
}

TEST(SpecTest, FormatOptions) {
  ASSERT_EQ(Property("format").Find("oneOf")->items().size(), 2u);
  const json::Value& jsonl = Option("format", 0);
  EXPECT_EQ(Text(jsonl, "title"), "JSON Lines: Newline-delimited JSON");
  EXPECT_EQ(Strings(*jsonl.Find("required")), std::vector<std::string>{"format_type"});
  ExpectDiscriminator(jsonl, "format_type", "JSONL", false);
  EXPECT_EQ(Text(*jsonl.Find("properties")->Find("format_type"), "title"), "Format Type *");
  const json::Value& jsonl_codec = *jsonl.Find("properties")->Find("compression_codec");
  EXPECT_EQ(Text(jsonl_codec, "title"), "Compression Codec (Optional)");
  EXPECT_EQ(Strings(*jsonl_codec.Find("enum")),
            (std::vector<std::string>{"UNCOMPRESSED", "GZIP", "ZSTD"}));
  EXPECT_EQ(Text(jsonl_codec, "default"), "UNCOMPRESSED");

  const json::Value& parquet = Option("format", 1);
  EXPECT_EQ(Text(parquet, "title"), "Parquet: Columnar Storage");
  EXPECT_EQ(Strings(*parquet.Find("required")), std::vector<std::string>{"format_type"});
  ExpectDiscriminator(parquet, "format_type", "Parquet", false);
  const json::Value& parquet_codec = *parquet.Find("properties")->Find("compression_codec");
  EXPECT_EQ(Strings(*parquet_codec.Find("enum")),
            (std::vector<std::string>{"UNCOMPRESSED", "SNAPPY", "GZIP", "ZSTD"}));
  EXPECT_EQ(Text(parquet_codec, "default"), "SNAPPY");
}

TEST(SpecTest, ExtensionsAreOptionalTypedAndDocumented) {
  struct Extension {
    const char* name;
    const char* type;
    const char* default_value;  // serialized JSON, or nullptr
  };
  const Extension kExtensions[] = {
      {"local_lake_path", "string", nullptr},
      {"s3_endpoint", "string", nullptr},
      {"glue_endpoint", "string", nullptr},
      {"sts_endpoint", "string", nullptr},
      {"lakeformation_endpoint", "string", nullptr},
      {"commit_interval_seconds", "number", "300"},
      {"target_file_size_mb", "integer", "128"},
      {"airbyte_meta_columns", "boolean", "true"},
      {"s3_server_side_encryption", "string", "\"NONE\""},
      {"s3_kms_key_id", "string", nullptr},
      {"parquet_timestamp_int96", "boolean", "false"},
  };
  std::vector<std::string> required = Strings(*ConnectionSpec().Find("required"));
  for (const Extension& e : kExtensions) {
    const json::Value& p = Property(e.name);
    EXPECT_EQ(Text(p, "type"), e.type) << e.name;
    EXPECT_NE(Text(p, "title"), "<missing>") << e.name;
    EXPECT_GT(Text(p, "description").size(), 20u) << e.name;
    EXPECT_EQ(std::count(required.begin(), required.end(), e.name), 0) << e.name;
    const json::Value* def = p.Find("default");
    EXPECT_EQ(def != nullptr ? json::Serialize(*def) : "", e.default_value ? e.default_value : "");
  }
  EXPECT_EQ(Text(Property("commit_interval_seconds"), "minimum"), "0");
  EXPECT_EQ(Text(Property("target_file_size_mb"), "minimum"), "1");
  EXPECT_EQ(Text(Property("target_file_size_mb"), "maximum"), "5000");
  // The new credentials members are optional too.
  EXPECT_EQ(Strings(*Option("credentials", 0).Find("required")).size(), 2u);
  EXPECT_EQ(Strings(*Option("credentials", 1).Find("required")).size(), 3u);
}

// Every value the spec offers in a selector must be accepted by ParseConfig.
TEST(SpecTest, ParseConfigAcceptsEveryEnumValueOfTheSpec) {
  auto base = [] {
    return json::Parse(R"({"credentials":{"credentials_title":"Default Credentials Chain"},
        "region":"","bucket_name":"bucket","lakeformation_database_name":"db"})")
        .value();
  };
  for (const json::Value& region : Property("region").Find("enum")->items()) {
    json::Value doc = base();
    doc.Set("region", region);
    EXPECT_TRUE(ParseConfig(doc).ok()) << region.text();
  }
  for (const json::Value& partitioning : Property("partitioning").Find("enum")->items()) {
    json::Value doc = base();
    doc.Set("partitioning", partitioning);
    EXPECT_TRUE(ParseConfig(doc).ok()) << partitioning.text();
  }
  for (size_t i = 0; i < 2; ++i) {
    const json::Value& props = *Option("format", i).Find("properties");
    for (const json::Value& codec : props.Find("compression_codec")->Find("enum")->items()) {
      json::Value doc = base();
      doc.Set("format",
              json::Value::Object({{"format_type", *props.Find("format_type")->Find("default")},
                                   {"compression_codec", codec}}));
      EXPECT_TRUE(ParseConfig(doc).ok()) << codec.text();
    }
  }
  for (const json::Value& option : Property("credentials").Find("oneOf")->items()) {
    const json::Value& title = *option.Find("properties")->Find("credentials_title");
    json::Value doc = base();
    doc.Set("credentials",
            json::Value::Object({{"credentials_title", *title.Find("default")},
                                 {"role_arn", json::Value::String("arn:aws:iam::1:role/r")},
                                 {"aws_access_key_id", json::Value::String("id")},
                                 {"aws_secret_access_key", json::Value::String("key")}}));
    EXPECT_TRUE(ParseConfig(doc).ok()) << title.Find("default")->text();
  }
}

}  // namespace
}  // namespace datalake::config
