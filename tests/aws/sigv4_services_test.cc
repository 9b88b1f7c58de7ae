// S3 and Glue requests signed the way the connector signs them, checked against values computed
// independently and OFFLINE by botocore 1.43.11 (S3SigV4Auth for S3, SigV4Auth for Glue, with
// botocore.auth.get_current_datetime patched to the fixed time). The script that printed them is
// tests/aws/testdata/botocore_sigv4_vectors.py; its output is pasted below as literals.

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "aws/sigv4.h"

namespace datalake::aws {
namespace {

using std::chrono::sys_days;
using namespace std::chrono_literals;

const Credentials kS3Keys = {.access_key_id = "AKIAIOSFODNN7EXAMPLE",
                             .secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"};
const Credentials kGlueKeys = {.access_key_id = "AKIDEXAMPLE",
                               .secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"};

std::chrono::system_clock::time_point LeapSecondBeforeMidnight() {
  return sys_days{2024y / std::chrono::February / 29} + 23h + 59min + 59s;
}

std::string HashLine(const SigningResult& r) {
  return r.string_to_sign.substr(r.string_to_sign.rfind('\n') + 1);
}

SigningResult SignOk(const SignableRequest& request, const SigningConfig& config) {
  Result<SigningResult> result = Sign(request, config);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return result.ok() ? *result : SigningResult{};
}

// A key with spaces, '+', '=' and UTF-8 is encoded once ('/' kept) and signed as sent
// (docs/AWS-WIRE.md#canonical-uri).
TEST(Sigv4ServicesTest, S3PutObjectUnsignedPayloadEncodesKeyOnce) {
  std::string path = "/";
  path += UriEncode("dir/a b+c=d \xC3\xBC.json", /*encode_slash=*/false);
  ASSERT_EQ(path, "/dir/a%20b%2Bc%3Dd%20%C3%BC.json");
  const SignableRequest request = {.method = "PUT",
                                   .path = path,
                                   .headers = {{"Host", "examplebucket.s3.us-east-1.amazonaws.com"},
                                               {"Content-Length", "5"},
                                               {"Content-MD5", "XUFAKrxLKna5cZ2REBfFkg=="},
                                               {"Content-Type", "application/octet-stream"}},
                                   .payload_hash = std::string(kUnsignedPayload)};
  const SigningResult r = SignOk(
      request, S3SigningConfig("us-east-1", kS3Keys, sys_days{2013y / std::chrono::May / 24}));
  EXPECT_EQ(r.canonical_request,
            "PUT\n/dir/a%20b%2Bc%3Dd%20%C3%BC.json\n\n"
            "content-length:5\ncontent-md5:XUFAKrxLKna5cZ2REBfFkg==\n"
            "content-type:application/octet-stream\nhost:examplebucket.s3.us-east-1.amazonaws.com\n"
            "x-amz-content-sha256:UNSIGNED-PAYLOAD\nx-amz-date:20130524T000000Z\n\n"
            "content-length;content-md5;content-type;host;x-amz-content-sha256;x-amz-date\n"
            "UNSIGNED-PAYLOAD");
  EXPECT_EQ(HashLine(r), "ffb3ae0e34f362dfc32f6a1966c8c700d4e49bfff6f1e5c754ac19275c032c96");
  EXPECT_EQ(r.signature, "c9336c97d64da1685d639498f668bf0244a0142c05b0c52d98e8b6fefc2e5c88");
  ASSERT_EQ(r.headers.size(), 3u);
  EXPECT_EQ(r.headers[0].name, "X-Amz-Date");
  EXPECT_EQ(r.headers[1].name, "X-Amz-Content-SHA256");
  EXPECT_EQ(r.headers[1].value, "UNSIGNED-PAYLOAD");
  EXPECT_EQ(
      r.headers[2].value,
      "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
      "SignedHeaders=content-length;content-md5;content-type;host;x-amz-content-sha256;"
      "x-amz-date, Signature=c9336c97d64da1685d639498f668bf0244a0142c05b0c52d98e8b6fefc2e5c88");
}

TEST(Sigv4ServicesTest, S3ListObjectsWithTokenEncodesQueryValues) {
  Credentials creds = kS3Keys;
  creds.session_token = "FQoGZXIvYXdzEXAMPLE/token+=";
  const SignableRequest request = {
      .method = "GET",
      .path = "/",
      .query = {{"list-type", "2"},
                {"prefix", "dir/a b+\xC3\xBC"},
                {"continuation-token", "a+b/c="},
                {"delimiter", "/"},
                {"encoding-type", "url"}},
      .headers = {{"Host", "examplebucket.s3.eu-west-1.amazonaws.com"}},
      .payload_hash = std::string(kEmptyPayloadSha256)};
  const SigningResult r =
      SignOk(request, S3SigningConfig("eu-west-1", creds, LeapSecondBeforeMidnight()));
  EXPECT_EQ(
      r.canonical_request,
      "GET\n/\n"
      "continuation-token=a%2Bb%2Fc%3D&delimiter=%2F&encoding-type=url&list-type=2&"
      "prefix=dir%2Fa%20b%2B%C3%BC\n"
      "host:examplebucket.s3.eu-west-1.amazonaws.com\n"
      "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
      "x-amz-date:20240229T235959Z\nx-amz-security-token:FQoGZXIvYXdzEXAMPLE/token+=\n\n"
      "host;x-amz-content-sha256;x-amz-date;x-amz-security-token\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(HashLine(r), "a827a369b957b59695f18e4428a89267e9f3fd7a1eb016e2621cb3f0981a00e7");
  EXPECT_EQ(r.signature, "bc665f1623425f97022dc44ede09a2b02d832ccbd9975d1202c82617a1eabf1f");
}

TEST(Sigv4ServicesTest, S3CreateMultipartUploadPathStyleWithPort) {
  const SignableRequest request = {.method = "POST",
                                   .path = "/examplebucket/data/part%20one.json",
                                   .query = {{"uploads", ""}},
                                   .headers = {{"Host", "127.0.0.1:5055"}},
                                   .payload_hash = std::string(kEmptyPayloadSha256)};
  const SigningResult r = SignOk(
      request, S3SigningConfig("us-east-1", kS3Keys, sys_days{2013y / std::chrono::May / 24}));
  EXPECT_EQ(
      r.canonical_request,
      "POST\n/examplebucket/data/part%20one.json\nuploads=\nhost:127.0.0.1:5055\n"
      "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
      "x-amz-date:20130524T000000Z\n\nhost;x-amz-content-sha256;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(HashLine(r), "6ba2547365c5ebce49955ee607cb927de0759752e089de91f56292eeffa3bf13");
  EXPECT_EQ(r.signature, "df7e0b8a49fc8805518fc2b86933e72515177635ee0323a12671b396aea65c5e");
}

// docs/AWS-WIRE.md#worked-glue-example, which botocore reproduces.
TEST(Sigv4ServicesTest, GlueGetDatabaseWorkedExample) {
  const std::string body = R"({"Name":"db1"})";
  Result<std::string> body_hash = Sha256Hex(body);
  ASSERT_TRUE(body_hash.ok());
  const SignableRequest request = {.method = "POST",
                                   .path = "/",
                                   .headers = {{"Content-Type", "application/x-amz-json-1.1"},
                                               {"Host", "glue.us-east-1.amazonaws.com"},
                                               {"X-Amz-Target", "AWSGlue.GetDatabase"}},
                                   .payload_hash = *body_hash};
  const SigningResult r = SignOk(
      request, ServiceSigningConfig("glue", "us-east-1", kGlueKeys,
                                    sys_days{2015y / std::chrono::August / 30} + 12h + 36min));
  EXPECT_EQ(r.canonical_request,
            "POST\n/\n\ncontent-type:application/x-amz-json-1.1\n"
            "host:glue.us-east-1.amazonaws.com\nx-amz-date:20150830T123600Z\n"
            "x-amz-target:AWSGlue.GetDatabase\n\ncontent-type;host;x-amz-date;x-amz-target\n"
            "100bfff4ad4323fff0cd15579b62fda568db0bede78f7fb44bf4fc7519de2729");
  EXPECT_EQ(r.string_to_sign,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/glue/aws4_request\n"
            "7de4c8d0d52f08ec521b12a174cf0b8bcbf8f0fe599686c83cd146b5a3ead4f6");
  EXPECT_EQ(r.signature, "c275440f46adc32922a4383805ec846ff86b20e0a4d67b1309c70d8e7dc29726");
  ASSERT_EQ(r.headers.size(), 2u);  // Glue gets no x-amz-content-sha256
}

TEST(Sigv4ServicesTest, GlueCreateTableWithTokenLeavesUserAgentUnsigned) {
  Credentials creds = kGlueKeys;
  creds.session_token = "IQoJb3JpZ2luX2VjEXAMPLETOKEN//==";
  Result<std::string> body_hash =
      Sha256Hex(R"({"DatabaseName":"db1","TableInput":{"Name":"t 1"}})");
  ASSERT_TRUE(body_hash.ok());
  const SignableRequest request = {.method = "POST",
                                   .path = "/",
                                   .headers = {{"Content-Type", "application/x-amz-json-1.1"},
                                               {"X-Amz-Target", "AWSGlue.CreateTable"},
                                               {"User-Agent", "destination-aws-datalake/0.1.0"},
                                               {"Host", "glue.eu-west-1.amazonaws.com"}},
                                   .payload_hash = *body_hash};
  const SigningResult r =
      SignOk(request, ServiceSigningConfig("glue", "eu-west-1", creds, LeapSecondBeforeMidnight()));
  EXPECT_EQ(*body_hash, "b851188357a30b80eb0635b8710651437232a5383900218fc7bce4314bb80384");
  EXPECT_EQ(r.signed_headers, "content-type;host;x-amz-date;x-amz-security-token;x-amz-target");
  EXPECT_EQ(HashLine(r), "a69c363e840f8579d8986b6925966456642122c1c1f4fbec8322f124d3ae5148");
  EXPECT_EQ(r.signature, "54f2d128e295441fbb8651613207fcad4d17d0c21571a19c5a726d65cc7282dd");
  ASSERT_EQ(r.headers.size(), 3u);
  EXPECT_EQ(r.headers[1].name, "X-Amz-Security-Token");
  EXPECT_EQ(r.headers[1].value, creds.session_token);
}

}  // namespace
}  // namespace datalake::aws
