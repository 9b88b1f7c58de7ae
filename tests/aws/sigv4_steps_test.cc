// Unit tests of the individual SigV4 steps (docs/AWS-WIRE.md#signing-sigv4) and the crypto
// primitives.

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "aws/sigv4.h"

namespace datalake::aws {
namespace {

using std::chrono::sys_days;
using namespace std::chrono_literals;

// ---- UriEncode (docs/AWS-WIRE.md#canonical-uri) ----

TEST(Sigv4StepsTest, UriEncodeKeepsOnlyUnreserved) {
  const std::string unreserved =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~";
  EXPECT_EQ(UriEncode(unreserved, true), unreserved);
  EXPECT_EQ(UriEncode(" !\"#$%&'()*+,:;<=>?@[\\]^`{|}", true),
            "%20%21%22%23%24%25%26%27%28%29%2A%2B%2C%3A%3B%3C%3D%3E%3F%40%5B%5C%5D%5E%60%7B%7C%7D");
}

TEST(Sigv4StepsTest, UriEncodeSlashOnlyWhenAsked) {
  EXPECT_EQ(UriEncode("a/b c", false), "a/b%20c");
  EXPECT_EQ(UriEncode("a/b c", true), "a%2Fb%20c");
}

TEST(Sigv4StepsTest, UriEncodeWritesUtf8BytesWithUppercaseHex) {
  EXPECT_EQ(UriEncode("\xE1\x88\xB4", true), "%E1%88%B4");  // U+1234
  EXPECT_EQ(UriEncode("\xC3\xBC", true), "%C3%BC");         // u-umlaut
  EXPECT_EQ(UriEncode("\xF0\x9F\x98\x80", true), "%F0%9F%98%80");
  EXPECT_EQ(UriEncode(std::string("\x00\x7F\xFF", 3), true), "%00%7F%FF");
  EXPECT_EQ(UriEncode("", true), "");
  EXPECT_EQ(UriEncode("%2B", true), "%252B");  // encoding is not idempotent: '%' itself encodes
}

// ---- Canonical URI (docs/AWS-WIRE.md#canonical-uri) ----

TEST(Sigv4StepsTest, NormalizeUriPathRemovesDotAndEmptySegments) {
  EXPECT_EQ(NormalizeUriPath(""), "/");
  EXPECT_EQ(NormalizeUriPath("/"), "/");
  EXPECT_EQ(NormalizeUriPath("//"), "/");
  EXPECT_EQ(NormalizeUriPath("/./"), "/");
  EXPECT_EQ(NormalizeUriPath("/example/.."), "/");
  EXPECT_EQ(NormalizeUriPath("/example1/example2/../.."), "/");
  EXPECT_EQ(NormalizeUriPath("/./example"), "/example");
  EXPECT_EQ(NormalizeUriPath("//example//"), "/example/");
  EXPECT_EQ(NormalizeUriPath("/a/b/../c/./d/"), "/a/c/d/");
  EXPECT_EQ(NormalizeUriPath("/../a"), "/a");           // cannot climb above the root
  EXPECT_EQ(NormalizeUriPath("/a/.../b"), "/a/.../b");  // "..." is an ordinary segment
}

TEST(Sigv4StepsTest, CanonicalUriForS3UsesThePathAsSent) {
  Result<std::string> uri = CanonicalUri("/bucket/dir/a%20b%2Bc%3Dd.json", false, false);
  ASSERT_TRUE(uri.ok());
  EXPECT_EQ(*uri, "/bucket/dir/a%20b%2Bc%3Dd.json");
  // Not normalized: dots and double slashes are part of S3 keys.
  uri = CanonicalUri("/bucket//a/./b/../c", false, false);
  ASSERT_TRUE(uri.ok());
  EXPECT_EQ(*uri, "/bucket//a/./b/../c");
  uri = CanonicalUri("", false, false);
  ASSERT_TRUE(uri.ok());
  EXPECT_EQ(*uri, "/");
}

TEST(Sigv4StepsTest, CanonicalUriForS3RejectsAPathThatIsNotEncoded) {
  for (const char* path : {"/a b", "/a+b", "/a=b", "/a%2bb", "/a%2", "/a%", "/\xC3\xBC"}) {
    Result<std::string> uri = CanonicalUri(path, false, false);
    EXPECT_FALSE(uri.ok()) << path;
    EXPECT_EQ(uri.status().code(), StatusCode::kInternal) << path;
  }
}

TEST(Sigv4StepsTest, CanonicalUriDoubleEncodesForOtherServices) {
  Result<std::string> uri = CanonicalUri("/a%20b/c d", false, true);
  ASSERT_TRUE(uri.ok());
  EXPECT_EQ(*uri, "/a%2520b/c%20d");
  uri = CanonicalUri("/a/../b%2Fc", true, true);
  ASSERT_TRUE(uri.ok());
  EXPECT_EQ(*uri, "/b%252Fc");
}

TEST(Sigv4StepsTest, CanonicalUriRejectsARelativePath) {
  EXPECT_FALSE(CanonicalUri("example", true, true).ok());
  EXPECT_FALSE(CanonicalUri("example", false, false).ok());
}

// ---- Canonical query string (docs/AWS-WIRE.md#canonical-query-string) ----

TEST(Sigv4StepsTest, QueryIsSortedByEncodedNameThenValue) {
  EXPECT_EQ(CanonicalQueryString({{"b", "2"}, {"a", "9"}, {"a", "1"}, {"A", "3"}}),
            "A=3&a=1&a=9&b=2");
  // Sorting happens after encoding: "%" (0x25) sorts before "-" (0x2D) and letters.
  EXPECT_EQ(CanonicalQueryString(
                {{"Param-3", "Value3"}, {"Param", "Value2"}, {"\xE1\x88\xB4", "Value1"}}),
            "%E1%88%B4=Value1&Param=Value2&Param-3=Value3");
  // Encoded bytes decide: '%' (0x25, from "a b") < '-' (0x2D) < '_' (0x5F) < '~' (0x7E).
  EXPECT_EQ(CanonicalQueryString({{"a~", ""}, {"a_", ""}, {"a-b", ""}, {"a b", ""}}),
            "a%20b=&a-b=&a_=&a~=");
}

TEST(Sigv4StepsTest, QueryRepeatedKeysKeepEveryValueSortedByValue) {
  EXPECT_EQ(CanonicalQueryString({{"k", "b"}, {"k", "a"}, {"k", "a"}, {"k", ""}}),
            "k=&k=a&k=a&k=b");
}

TEST(Sigv4StepsTest, QueryEmptyValuesKeepTheEqualsSign) {
  EXPECT_EQ(CanonicalQueryString({{"uploads", ""}}), "uploads=");
  EXPECT_EQ(CanonicalQueryString({{"delete", ""}, {"versionId", "3/L4kqtJl"}}),
            "delete=&versionId=3%2FL4kqtJl");
  EXPECT_EQ(CanonicalQueryString({}), "");
}

TEST(Sigv4StepsTest, QueryEncodesSlashPlusEqualsAndSpace) {
  EXPECT_EQ(CanonicalQueryString({{"prefix", "a/b c+d=e&f"}}), "prefix=a%2Fb%20c%2Bd%3De%26f");
}

// ---- Headers (docs/AWS-WIRE.md#canonical-headers) ----

TEST(Sigv4StepsTest, HeaderValueIsTrimmedAndSpacesCollapsed) {
  EXPECT_EQ(CanonicalHeaderValue(" value1"), "value1");
  EXPECT_EQ(CanonicalHeaderValue("  \"a   b   c\"  "), "\"a b c\"");
  EXPECT_EQ(CanonicalHeaderValue("value1  value2     value3"), "value1 value2 value3");
  EXPECT_EQ(CanonicalHeaderValue("\ta\t \tb\t"), "a b");
  EXPECT_EQ(CanonicalHeaderValue("   "), "");
  EXPECT_EQ(CanonicalHeaderValue(""), "");
  EXPECT_EQ(CanonicalHeaderValue("VALUE1"), "VALUE1");  // values keep their case
}

TEST(Sigv4StepsTest, CanonicalHeadersLowercaseSortAndJoinRepeats) {
  Result<CanonicalHeaderBlock> block = CanonicalHeaders({{"X-Amz-Date", "20150830T123600Z"},
                                                         {"My-Header1", "value4"},
                                                         {"Host", "example.amazonaws.com"},
                                                         {"my-header1", "  value1 "},
                                                         {"MY-HEADER1", "value3"}});
  ASSERT_TRUE(block.ok());
  EXPECT_EQ(block->canonical,
            "host:example.amazonaws.com\nmy-header1:value4,value1,value3\n"
            "x-amz-date:20150830T123600Z\n");
  EXPECT_EQ(block->signed_headers, "host;my-header1;x-amz-date");
}

TEST(Sigv4StepsTest, CanonicalHeadersSkipHeadersThatMayChangeInTransit) {
  Result<CanonicalHeaderBlock> block = CanonicalHeaders({{"Host", "h"},
                                                         {"Expect", "100-continue"},
                                                         {"Transfer-Encoding", "chunked"},
                                                         {"User-Agent", "x"},
                                                         {"Connection", "keep-alive"},
                                                         {"X-Amzn-Trace-Id", "Root=1"},
                                                         {"Content-Length", "5"}});
  ASSERT_TRUE(block.ok());
  EXPECT_EQ(block->signed_headers, "content-length;host");
  EXPECT_FALSE(IsSignableHeader("expect"));
  EXPECT_TRUE(IsSignableHeader("content-md5"));
}

TEST(Sigv4StepsTest, CanonicalHeadersRejectInvalidNamesAndLineBreaks) {
  EXPECT_FALSE(CanonicalHeaders({{"", "v"}}).ok());
  EXPECT_FALSE(CanonicalHeaders({{"Bad Name", "v"}}).ok());
  EXPECT_FALSE(CanonicalHeaders({{"Bad:Name", "v"}}).ok());
  EXPECT_FALSE(CanonicalHeaders({{"X-Injected", "v\r\nAuthorization: x"}}).ok());
  EXPECT_FALSE(CanonicalHeaders({{"X-Folded", "a\n b"}}).ok());
  EXPECT_FALSE(CanonicalHeaders({{"X-Nul", std::string("a\0b", 3)}}).ok());
  EXPECT_TRUE(CanonicalHeaders({{"X-Utf8", "\xC3\xBC"}}).ok());  // obs-text is fine
}

// ---- Request, dates, scope (docs/AWS-WIRE.md#signing-steps) ----

TEST(Sigv4StepsTest, CanonicalRequestJoinsSixParts) {
  EXPECT_EQ(CanonicalRequest("GET", "/", "a=1", "host:h\n", "host", "UNSIGNED-PAYLOAD"),
            "GET\n/\na=1\nhost:h\n\nhost\nUNSIGNED-PAYLOAD");
}

TEST(Sigv4StepsTest, FormatAmzDateIsUtcAndTruncatesSubseconds) {
  const auto t = sys_days{2015y / std::chrono::August / 30} + 12h + 36min;
  EXPECT_EQ(FormatAmzDate(t).value(), "20150830T123600Z");
  EXPECT_EQ(FormatAmzDate(t + 999ms).value(), "20150830T123600Z");
  EXPECT_EQ(FormatAmzDate(sys_days{2024y / std::chrono::February / 29} + 23h + 59min + 59s).value(),
            "20240229T235959Z");
  EXPECT_EQ(FormatAmzDate(std::chrono::system_clock::time_point{}).value(), "19700101T000000Z");
}

TEST(Sigv4StepsTest, CredentialScopeHasFourParts) {
  EXPECT_EQ(CredentialScope("20150830", "us-east-1", "glue"),
            "20150830/us-east-1/glue/aws4_request");
}

// ---- Crypto (FIPS 180-2, RFC 4231, and the AWS "derive a signing key" example) ----

TEST(Sigv4StepsTest, Sha256HexKnownAnswers) {
  EXPECT_EQ(Sha256Hex("").value(), kEmptyPayloadSha256);
  EXPECT_EQ(Sha256Hex("abc").value(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(std::string(1000000, 'a')).value(),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sigv4StepsTest, HmacSha256Rfc4231) {
  // Test case 1.
  EXPECT_EQ(HexEncode(HmacSha256(std::string(20, '\x0b'), "Hi There").value()),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  // Test case 2.
  EXPECT_EQ(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?").value()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Test case 6: a key longer than the block size is hashed first.
  EXPECT_EQ(HexEncode(HmacSha256(std::string(131, '\xaa'),
                                 "Test Using Larger Than Block-Size Key - Hash Key First")
                          .value()),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(Sigv4StepsTest, SigningKeyMatchesTheAwsDocumentationExample) {
  // AWS General Reference, "Examples of how to derive a signing key for Signature Version 4".
  Result<Sha256Digest> key =
      SigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(HexEncode(*key), "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

TEST(Sigv4StepsTest, SignatureOfTheSuiteGetVanillaStringToSign) {
  Result<Sha256Digest> key =
      SigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830", "us-east-1", "service");
  ASSERT_TRUE(key.ok());
  Result<std::string> sts = StringToSign(
      "20150830T123600Z", "20150830/us-east-1/service/aws4_request",
      "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  ASSERT_TRUE(sts.ok());
  EXPECT_EQ(*sts,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
  EXPECT_EQ(Signature(*key, *sts).value(),
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

}  // namespace
}  // namespace datalake::aws
