// Sign() behaviour beyond the known answers: what it rejects, what it leaves unsigned, that it
// is deterministic in the injected time, and that no error message carries a secret.

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "aws/sigv4.h"

namespace datalake::aws {
namespace {

using std::chrono::sys_days;
using namespace std::chrono_literals;

constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr char kToken[] = "SESSIONTOKENEXAMPLE/abc+def==";

std::chrono::system_clock::time_point Time() {
  return sys_days{2015y / std::chrono::August / 30} + 12h + 36min;
}

SigningConfig GlueConfig() {
  return ServiceSigningConfig(
      "glue", "us-east-1",
      {.access_key_id = "AKIDEXAMPLE", .secret_access_key = kSecret, .session_token = kToken},
      Time());
}

SigningConfig S3Config() {
  return S3SigningConfig(
      "us-east-1",
      {.access_key_id = "AKIDEXAMPLE", .secret_access_key = kSecret, .session_token = kToken},
      Time());
}

SignableRequest Request() {
  return {.method = "GET",
          .path = "/",
          .headers = {{"Host", "glue.us-east-1.amazonaws.com"}},
          .payload_hash = std::string(kEmptyPayloadSha256)};
}

// Sign, expect failure with `code`, and check the message leaks no secret.
void ExpectRejected(const SignableRequest& request, const SigningConfig& config, StatusCode code,
                    const std::string& why) {
  Result<SigningResult> result = Sign(request, config);
  ASSERT_FALSE(result.ok()) << why;
  EXPECT_EQ(result.status().code(), code) << why << ": " << result.status().ToString();
  EXPECT_EQ(result.status().message().find(kSecret), std::string::npos) << why;
  EXPECT_EQ(result.status().message().find(kToken), std::string::npos) << why;
}

TEST(Sigv4SignTest, S3ConfigSetsTheS3Quirks) {
  const SigningConfig s3 = S3Config();
  EXPECT_EQ(s3.service, "s3");
  EXPECT_FALSE(s3.double_uri_encode);
  EXPECT_FALSE(s3.normalize_uri_path);
  EXPECT_TRUE(s3.add_content_sha256_header);
  const SigningConfig glue = GlueConfig();
  EXPECT_TRUE(glue.double_uri_encode);
  EXPECT_TRUE(glue.normalize_uri_path);
  EXPECT_FALSE(glue.add_content_sha256_header);
  EXPECT_EQ(glue.session_token_mode, SessionTokenMode::kSigned);
}

TEST(Sigv4SignTest, RequiresExactlyOneNonEmptyHost) {
  SignableRequest request = Request();
  request.headers.clear();
  ExpectRejected(request, GlueConfig(), StatusCode::kInternal, "no host");
  request.headers = {{"Host", "a"}, {"host", "b"}};
  ExpectRejected(request, GlueConfig(), StatusCode::kInternal, "two hosts");
  request.headers = {{"Host", "  "}};
  ExpectRejected(request, GlueConfig(), StatusCode::kInternal, "empty host");
}

TEST(Sigv4SignTest, RejectsHeadersTheSignerOwns) {
  for (const char* name :
       {"Authorization", "x-amz-date", "X-Amz-Security-Token", "X-AMZ-CONTENT-SHA256"}) {
    SignableRequest request = Request();
    request.headers.push_back({name, "x"});
    ExpectRejected(request, GlueConfig(), StatusCode::kInternal, name);
  }
}

TEST(Sigv4SignTest, RejectsBadMethodPathAndPayloadHash) {
  SignableRequest request = Request();
  request.method = "get";
  ExpectRejected(request, GlueConfig(), StatusCode::kInternal, "lowercase method");
  request = Request();
  request.path = "relative";
  ExpectRejected(request, GlueConfig(), StatusCode::kInternal, "relative path");
  request = Request();
  request.path = "/bucket/a b";  // S3 wants the path already encoded
  ExpectRejected(request, S3Config(), StatusCode::kInternal, "unencoded S3 path");
  for (const char* hash : {"", "abc", "UNSIGNED",
                           "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"}) {
    request = Request();
    request.payload_hash = hash;
    ExpectRejected(request, GlueConfig(), StatusCode::kInternal, std::string("hash ") + hash);
  }
}

TEST(Sigv4SignTest, AcceptsEveryDocumentedPayloadLiteral) {
  for (std::string_view hash : {kUnsignedPayload, kStreamingSignedPayload,
                                kStreamingSignedPayloadTrailer, kStreamingUnsignedPayloadTrailer}) {
    SignableRequest request = Request();
    request.payload_hash = std::string(hash);
    Result<SigningResult> result = Sign(request, S3Config());
    ASSERT_TRUE(result.ok()) << hash;
    EXPECT_EQ(result->canonical_request.substr(result->canonical_request.rfind('\n') + 1), hash);
  }
}

TEST(Sigv4SignTest, RejectsUnusableConfigAsConfigError) {
  SigningConfig config = GlueConfig();
  config.credentials.access_key_id = "";
  ExpectRejected(Request(), config, StatusCode::kConfigError, "empty access key id");
  config = GlueConfig();
  config.credentials.access_key_id = "AKID/EXAMPLE";
  ExpectRejected(Request(), config, StatusCode::kConfigError, "slash in access key id");
  config = GlueConfig();
  config.credentials.secret_access_key = "";
  ExpectRejected(Request(), config, StatusCode::kConfigError, "empty secret");
  config = GlueConfig();
  config.credentials.session_token = std::string(kToken) + "\r\nX-Injected: 1";
  ExpectRejected(Request(), config, StatusCode::kConfigError, "token with CRLF");
  config = GlueConfig();
  config.region = "us-east-1/evil";
  ExpectRejected(Request(), config, StatusCode::kConfigError, "slash in region");
  config = GlueConfig();
  config.service = "";
  ExpectRejected(Request(), config, StatusCode::kConfigError, "empty service");
}

TEST(Sigv4SignTest, RejectsHeaderInjection) {
  SignableRequest request = Request();
  request.headers.push_back({"X-Amz-Target", "AWSGlue.GetTable\r\nX-Evil: 1"});
  ExpectRejected(request, GlueConfig(), StatusCode::kInternal, "CRLF in value");
}

TEST(Sigv4SignTest, LeavesTransportHeadersUnsignedButSignsTheRest) {
  SignableRequest request = Request();
  request.headers.push_back({"Expect", "100-continue"});
  request.headers.push_back({"User-Agent", "destination-aws-datalake/0.1.0"});
  request.headers.push_back({"Transfer-Encoding", "chunked"});
  request.headers.push_back({"Content-MD5", "1B2M2Y8AsgTpgAmY7PhCfg=="});
  Result<SigningResult> result = Sign(request, S3Config());
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->signed_headers,
            "content-md5;host;x-amz-content-sha256;x-amz-date;x-amz-security-token");
}

TEST(Sigv4SignTest, AddsHeadersInTheDocumentedOrder) {
  Result<SigningResult> result = Sign(Request(), S3Config());
  ASSERT_TRUE(result.ok());
  std::vector<std::string> names;
  for (const Header& h : result->headers) names.push_back(h.name);
  EXPECT_EQ(names, (std::vector<std::string>{"X-Amz-Date", "X-Amz-Security-Token",
                                             "X-Amz-Content-SHA256", "Authorization"}));
  EXPECT_EQ(result->headers[2].value, kEmptyPayloadSha256);
}

TEST(Sigv4SignTest, IsDeterministicInTheInjectedTime) {
  const Result<SigningResult> a = Sign(Request(), GlueConfig());
  const Result<SigningResult> b = Sign(Request(), GlueConfig());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->signature, b->signature);
  SigningConfig later = GlueConfig();
  later.signing_time += 999ms;  // same second: same signature
  const Result<SigningResult> c = Sign(Request(), later);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->signature, a->signature);
  later.signing_time += 1s;
  const Result<SigningResult> d = Sign(Request(), later);
  ASSERT_TRUE(d.ok());
  EXPECT_NE(d->signature, a->signature);
}

TEST(Sigv4SignTest, HeaderOrderAndQueryOrderDoNotChangeTheSignature) {
  SignableRequest a = Request();
  a.headers.push_back({"X-Amz-Target", "AWSGlue.GetTable"});
  a.query = {{"b", "2"}, {"a", "1"}};
  SignableRequest b = a;
  std::swap(b.headers[0], b.headers[1]);
  std::swap(b.query[0], b.query[1]);
  const Result<SigningResult> ra = Sign(a, GlueConfig());
  const Result<SigningResult> rb = Sign(b, GlueConfig());
  ASSERT_TRUE(ra.ok() && rb.ok());
  EXPECT_EQ(ra->signature, rb->signature);
}

TEST(Sigv4SignTest, EmptyPathSignsAsRoot) {
  SignableRequest empty = Request();
  empty.path = "";
  const Result<SigningResult> a = Sign(empty, S3Config());
  const Result<SigningResult> b = Sign(Request(), S3Config());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->signature, b->signature);
}

TEST(Sigv4SignTest, NoSecretInTheResultOutsideTheTokenHeader) {
  Result<SigningResult> result = Sign(Request(), GlueConfig());
  ASSERT_TRUE(result.ok());
  for (const Header& h : result->headers) EXPECT_EQ(h.value.find(kSecret), std::string::npos);
  EXPECT_EQ(result->canonical_request.find(kSecret), std::string::npos);
  EXPECT_EQ(result->string_to_sign.find(kSecret), std::string::npos);
}

}  // namespace
}  // namespace datalake::aws
