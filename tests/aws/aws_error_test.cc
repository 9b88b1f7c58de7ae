// ParseAwsError on error bodies as S3, STS, Glue and proxies send them (docs/AWS-WIRE.md#s3-errors,
// docs/AWS-WIRE.md#glue-wire-format).

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "aws/aws_client.h"

namespace datalake::aws {
namespace {

HttpResponse Response(int status, std::string body, std::vector<Header> headers = {}) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.headers = std::move(headers);
  return response;
}

TEST(AwsErrorTest, ParsesS3ErrorXml) {
  const AwsError error = ParseAwsError(
      Protocol::kRestXml,
      Response(404,
               "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code>"
               "<Message>The specified key does not exist.</Message><Key>nokey</Key>"
               "<RequestId>4442587FB7D0A2F9</RequestId><HostId>abc</HostId></Error>"));
  EXPECT_EQ(error.http_status, 404);
  EXPECT_EQ(error.code, "NoSuchKey");
  EXPECT_EQ(error.message, "The specified key does not exist.");
  EXPECT_EQ(error.request_id, "4442587FB7D0A2F9");
}

TEST(AwsErrorTest, PrefersTheRequestIdHeader) {
  const AwsError error = ParseAwsError(
      Protocol::kRestXml,
      Response(403, "<Error><Code>AccessDenied</Code><RequestId>BODY</RequestId></Error>",
               {{"x-amz-request-id", "HEADER"}}));
  EXPECT_EQ(error.request_id, "HEADER");
}

TEST(AwsErrorTest, ReadsTheRegionOfAWrongRegionAnswer) {
  const AwsError body = ParseAwsError(
      Protocol::kRestXml,
      Response(400,
               "<Error><Code>AuthorizationHeaderMalformed</Code><Message>the region 'us-east-1' "
               "is wrong; expecting 'eu-west-1'</Message><Region>eu-west-1</Region></Error>"));
  EXPECT_EQ(body.region, "eu-west-1");
  const AwsError head =
      ParseAwsError(Protocol::kRestXml, Response(301, "", {{"X-Amz-Bucket-Region", "eu-west-2"}}));
  EXPECT_EQ(head.region, "eu-west-2");
  EXPECT_EQ(head.code, "");
}

TEST(AwsErrorTest, ParsesStsErrorResponse) {
  const AwsError error = ParseAwsError(
      Protocol::kQuery,
      Response(403,
               "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
               "  <Error>\n    <Type>Sender</Type>\n    <Code>AccessDenied</Code>\n"
               "    <Message>User is not authorized to perform: sts:AssumeRole</Message>\n"
               "  </Error>\n  <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>\n"
               "</ErrorResponse>"));
  EXPECT_EQ(error.code, "AccessDenied");
  EXPECT_EQ(error.message, "User is not authorized to perform: sts:AssumeRole");
  EXPECT_EQ(error.request_id, "c6104cbe-af31-11e0-8154-cbc7ccf896c7");
}

TEST(AwsErrorTest, ParsesNamespacePrefixedXml) {
  const AwsError error = ParseAwsError(
      Protocol::kRestXml,
      Response(500, "<s3:Error xmlns:s3=\"x\"><s3:Code>InternalError</s3:Code></s3:Error>"));
  EXPECT_EQ(error.code, "InternalError");
}

TEST(AwsErrorTest, ParsesGlueJson) {
  const AwsError error = ParseAwsError(
      Protocol::kJson,
      Response(400, R"({"__type":"EntityNotFoundException","message":"Database nodb not found."})",
               {{"x-amzn-RequestId", "7f5b"}}));
  EXPECT_EQ(error.code, "EntityNotFoundException");
  EXPECT_EQ(error.message, "Database nodb not found.");
  EXPECT_EQ(error.request_id, "7f5b");
}

TEST(AwsErrorTest, CutsQualifiedJsonTypes) {
  const AwsError error = ParseAwsError(
      Protocol::kJson,
      Response(400, R"({"__type":"com.amazonaws.glue#ThrottlingException:http://internal/",)"
                    R"("Message":"Rate exceeded"})"));
  EXPECT_EQ(error.code, "ThrottlingException");
  EXPECT_EQ(error.message, "Rate exceeded");
}

TEST(AwsErrorTest, PrefersTheErrorTypeHeader) {
  const AwsError error = ParseAwsError(
      Protocol::kRestJson,
      Response(403, R"({"message":"no"})",
               {{"X-Amzn-ErrorType",
                 "AccessDeniedException:http://internal.amazon.com/coral/com.amazon.coral/"}}));
  EXPECT_EQ(error.code, "AccessDeniedException");
  EXPECT_EQ(error.message, "no");
}

// A garbled code is cut at its first byte that no AWS code has, so that the failure is classified
// by the same word its message shows (found by fuzzing: a NotFound read as another error).
TEST(AwsErrorTest, AGarbledCodeIsCutToItsLeadingWord) {
  const AwsError error = ParseAwsError(
      Protocol::kJson,
      Response(409, "{not json",
               {{"X-Amzn-ErrorType", "ns#EntityNotFoundException\xff\xff:http://x"}}));
  EXPECT_EQ(error.code, "EntityNotFoundException");
  const AwsError xml =
      ParseAwsError(Protocol::kRestXml, Response(500, "<Error><Code>Slow Down</Code></Error>"));
  EXPECT_EQ(xml.code, "Slow");
  const AwsError digits =
      ParseAwsError(Protocol::kRestXml, Response(500, "<Error><Code>5xx</Code></Error>"));
  EXPECT_EQ(digits.code, "");
}

TEST(AwsErrorTest, SurvivesBodiesThatAreNotErrors) {
  for (Protocol protocol : {Protocol::kRestXml, Protocol::kJson}) {
    for (const char* body : {"", "<html><body>Bad Gateway</body></html>", "{not json", "<Err",
                             "[1,2]", R"({"__type": 5})"}) {
      const AwsError error = ParseAwsError(protocol, Response(502, body));
      EXPECT_EQ(error.http_status, 502);
      EXPECT_EQ(error.code, "") << body;
    }
  }
}

}  // namespace
}  // namespace datalake::aws
