// Known-answer tests for Sign() with every expected value a literal, so they stand on their own
// (sigv4_suite_test.cc reads the whole suite from tests/aws/testdata):
// - cases of the official SigV4 suite (aws-c-auth tests/aws-signing-test-suite/v4, transcribed
//   from header-canonical-request.txt / header-string-to-sign.txt / header-signature.txt),
// - the S3 user guide "Example: GET Object" (docs/AWS-WIRE.md#test-vectors),
// - S3 and Glue requests signed OFFLINE by botocore 1.43.11 (S3SigV4Auth / SigV4Auth with
//   botocore.auth.get_current_datetime patched to a fixed time); the script is
//   tests/aws/testdata/botocore_sigv4_vectors.py and its output gave the literals below.

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "aws/sigv4.h"

namespace datalake::aws {
namespace {

using std::chrono::sys_days;
using namespace std::chrono_literals;

constexpr char kSuiteHost[] = "example.amazonaws.com";
constexpr char kSuiteScope[] = "AKIDEXAMPLE/20150830/us-east-1/service/aws4_request";

std::chrono::system_clock::time_point SuiteTime() {
  return sys_days{2015y / std::chrono::August / 30} + 12h + 36min;
}

// The suite's context.json: service "service", region us-east-1, normalize, double-encode.
SigningConfig SuiteConfig(std::string token = "") {
  return ServiceSigningConfig("service", "us-east-1",
                              {.access_key_id = "AKIDEXAMPLE",
                               .secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                               .session_token = std::move(token)},
                              SuiteTime());
}

SignableRequest SuiteRequest(std::string method, std::string path,
                             std::vector<QueryParam> query = {},
                             std::vector<Header> extra_headers = {}) {
  std::vector<Header> headers = {{"Host", kSuiteHost}};
  headers.insert(headers.end(), extra_headers.begin(), extra_headers.end());
  return {.method = std::move(method),
          .path = std::move(path),
          .query = std::move(query),
          .headers = std::move(headers),
          .payload_hash = std::string(kEmptyPayloadSha256)};
}

std::string FindHeader(const SigningResult& result, std::string_view name) {
  for (const Header& h : result.headers) {
    if (h.name == name) return h.value;
  }
  return "<absent>";
}

std::string SuiteAuthorization(std::string_view signed_headers, std::string_view signature) {
  return "AWS4-HMAC-SHA256 Credential=" + std::string(kSuiteScope) +
         ", SignedHeaders=" + std::string(signed_headers) + ", Signature=" + std::string(signature);
}

SigningResult SignOk(const SignableRequest& request, const SigningConfig& config) {
  Result<SigningResult> result = Sign(request, config);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return result.ok() ? *result : SigningResult{};
}

TEST(Sigv4VectorsTest, SuiteGetVanilla) {
  const SigningResult r = SignOk(SuiteRequest("GET", "/"), SuiteConfig());
  EXPECT_EQ(r.canonical_request,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
            "host;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(r.string_to_sign,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
  EXPECT_EQ(r.signature, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  EXPECT_EQ(FindHeader(r, "X-Amz-Date"), "20150830T123600Z");
  EXPECT_EQ(FindHeader(r, "Authorization"), SuiteAuthorization("host;x-amz-date", r.signature));
  ASSERT_EQ(r.headers.size(), 2u);  // no token, no content hash for a non-S3 service
}

TEST(Sigv4VectorsTest, SuiteGetVanillaQueryOrderKeyCase) {
  const SigningResult r =
      SignOk(SuiteRequest("GET", "/", {{"Param2", "value2"}, {"Param1", "value1"}}), SuiteConfig());
  EXPECT_EQ(r.canonical_request,
            "GET\n/\nParam1=value1&Param2=value2\nhost:example.amazonaws.com\n"
            "x-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(r.signature, "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
}

TEST(Sigv4VectorsTest, SuiteGetVanillaQueryOrderEncoded) {
  const SigningResult r =
      SignOk(SuiteRequest("GET", "/",
                          {{"Param-3", "Value3"}, {"Param", "Value2"}, {"\xE1\x88\xB4", "Value1"}}),
             SuiteConfig());
  EXPECT_NE(r.canonical_request.find("\n%E1%88%B4=Value1&Param=Value2&Param-3=Value3\n"),
            std::string::npos);
  EXPECT_EQ(r.signature, "371d3713e185cc334048618a97f809c9ffe339c62934c032af5a0e595648fcac");
}

TEST(Sigv4VectorsTest, SuiteGetHeaderValueTrim) {
  const SigningResult r = SignOk(
      SuiteRequest("GET", "/", {}, {{"My-Header1", " value1"}, {"My-Header2", " \"a   b   c\""}}),
      SuiteConfig());
  EXPECT_EQ(r.canonical_request,
            "GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value1\nmy-header2:\"a b c\"\n"
            "x-amz-date:20150830T123600Z\n\nhost;my-header1;my-header2;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(r.signature, "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736");
}

TEST(Sigv4VectorsTest, SuiteGetHeaderKeyDuplicate) {
  const SigningResult r = SignOk(
      SuiteRequest("GET", "/", {},
                   {{"My-Header1", "value2"}, {"My-Header1", "value2"}, {"My-Header1", "value1"}}),
      SuiteConfig());
  EXPECT_NE(r.canonical_request.find("\nmy-header1:value2,value2,value1\n"), std::string::npos);
  EXPECT_EQ(r.signature, "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea");
}

TEST(Sigv4VectorsTest, SuitePostVanilla) {
  const SigningResult r = SignOk(SuiteRequest("POST", "/"), SuiteConfig());
  EXPECT_EQ(r.signature, "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
}

TEST(Sigv4VectorsTest, SuiteGetUtf8) {
  const SigningResult r = SignOk(SuiteRequest("GET", "/\xE1\x88\xB4"), SuiteConfig());
  EXPECT_EQ(r.canonical_request.substr(0, 15), "GET\n/%E1%88%B4\n");
  EXPECT_EQ(r.signature, "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85");
}

TEST(Sigv4VectorsTest, SuiteGetSlashesNormalizedAndUnnormalized) {
  SigningConfig normalized = SuiteConfig();
  const SigningResult n = SignOk(SuiteRequest("GET", "//example//"), normalized);
  EXPECT_EQ(n.canonical_request.substr(0, 14), "GET\n/example/\n");
  EXPECT_EQ(n.signature, "9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84");

  SigningConfig unnormalized = SuiteConfig();
  unnormalized.normalize_uri_path = false;
  const SigningResult u = SignOk(SuiteRequest("GET", "//example//"), unnormalized);
  EXPECT_EQ(u.canonical_request.substr(0, 16), "GET\n//example//\n");
  EXPECT_EQ(u.signature, "87cca117541a147f6df867677d98a7d80dff226d2bfca9e4ffa899665623c7e5");
}

TEST(Sigv4VectorsTest, SuiteGetSpaceIsEncodedOnce) {
  const SigningResult r = SignOk(SuiteRequest("GET", "/example space/"), SuiteConfig());
  EXPECT_EQ(r.canonical_request.substr(0, 22), "GET\n/example%20space/\n");
  EXPECT_EQ(r.signature, "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741");
}

TEST(Sigv4VectorsTest, SuitePostXWwwFormUrlencoded) {
  SignableRequest request = SuiteRequest(
      "POST", "/", {},
      {{"Content-Type", "application/x-www-form-urlencoded"}, {"Content-Length", "13"}});
  Result<std::string> body_hash = Sha256Hex("Param1=value1");
  ASSERT_TRUE(body_hash.ok());
  EXPECT_EQ(*body_hash, "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e");
  request.payload_hash = *body_hash;
  SigningConfig config = SuiteConfig();
  config.add_content_sha256_header = true;  // the suite's "sign_body": true
  const SigningResult r = SignOk(request, config);
  EXPECT_EQ(
      r.canonical_request,
      "POST\n/\n\ncontent-length:13\ncontent-type:application/x-www-form-urlencoded\n"
      "host:example.amazonaws.com\n"
      "x-amz-content-sha256:9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e\n"
      "x-amz-date:20150830T123600Z\n\n"
      "content-length;content-type;host;x-amz-content-sha256;x-amz-date\n"
      "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e");
  EXPECT_EQ(r.signature, "d3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b");
  EXPECT_EQ(FindHeader(r, "X-Amz-Content-SHA256"), *body_hash);
}

TEST(Sigv4VectorsTest, SuiteGetVanillaWithSessionToken) {
  const std::string token = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267";
  const SigningResult r = SignOk(SuiteRequest("GET", "/"), SuiteConfig(token));
  EXPECT_NE(r.canonical_request.find("\nx-amz-security-token:" + token + "\n"), std::string::npos);
  EXPECT_EQ(r.signed_headers, "host;x-amz-date;x-amz-security-token");
  EXPECT_EQ(r.signature, "07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8");
  EXPECT_EQ(FindHeader(r, "X-Amz-Security-Token"), token);
}

// post-sts-header-before / -after: the same token signed, or added after signing (which then
// signs exactly like post-vanilla).
TEST(Sigv4VectorsTest, SuitePostStsHeaderBeforeAndAfter) {
  const std::string token =
      "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxf"
      "pSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPk"
      "yQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBA"
      "z+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";
  const SigningResult before = SignOk(SuiteRequest("POST", "/"), SuiteConfig(token));
  EXPECT_EQ(before.signature, "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead");

  SigningConfig after_config = SuiteConfig(token);
  after_config.session_token_mode = SessionTokenMode::kAppendedAfterSigning;
  const SigningResult after = SignOk(SuiteRequest("POST", "/"), after_config);
  EXPECT_EQ(after.signed_headers, "host;x-amz-date");
  EXPECT_EQ(after.signature, "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
  EXPECT_EQ(FindHeader(after, "X-Amz-Security-Token"), token);  // still sent
}

// S3 user guide, "Signature Calculations for the Authorization Header", Example: GET Object.
TEST(Sigv4VectorsTest, S3UserGuideGetObject) {
  const SigningConfig config =
      S3SigningConfig("us-east-1",
                      {.access_key_id = "AKIAIOSFODNN7EXAMPLE",
                       .secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"},
                      sys_days{2013y / std::chrono::May / 24});
  const SignableRequest request = {
      .method = "GET",
      .path = "/test.txt",
      .headers = {{"Host", "examplebucket.s3.amazonaws.com"}, {"Range", "bytes=0-9"}},
      .payload_hash = std::string(kEmptyPayloadSha256)};
  const SigningResult r = SignOk(request, config);
  EXPECT_EQ(r.string_to_sign.substr(r.string_to_sign.rfind('\n') + 1),
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  EXPECT_EQ(r.signature, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  EXPECT_EQ(r.signed_headers, "host;range;x-amz-content-sha256;x-amz-date");
}

}  // namespace
}  // namespace datalake::aws
