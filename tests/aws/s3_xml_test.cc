// S3 XML bodies and documents on literal samples (docs/AWS-WIRE.md#s3-operations), and
// Content-MD5 (docs/AWS-WIRE.md#content-md5).

#include "aws/s3_xml.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace datalake::aws {
namespace {

TEST(S3XmlTest, ContentMd5IsBase64OfTheBinaryDigest) {
  EXPECT_EQ(ContentMd5("").value(), "1B2M2Y8AsgTpgAmY7PhCfg==");
}

TEST(S3XmlTest, DeleteBodyEscapesKeysAndIsQuiet) {
  const std::vector<std::string> keys = {"a b&c", "d/<e>"};
  const std::string body = DeleteObjectsBody(keys.data(), keys.data() + keys.size());
  EXPECT_EQ(body,
            "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Quiet>true</Quiet>"
            "<Object><Key>a b&amp;c</Key></Object><Object><Key>d/&lt;e&gt;</Key></Object>"
            "</Delete>");
  // Precomputed with Python: base64.b64encode(hashlib.md5(body).digest()).
  EXPECT_EQ(ContentMd5(body).value(), "saWYWrclx0gqt7gV4nyPJQ==");
}

TEST(S3XmlTest, CompleteBodyKeepsQuotedEtags) {
  EXPECT_EQ(CompleteMultipartUploadBody({{1, "\"aa\""}, {2, "\"bb\""}}),
            "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<Part><PartNumber>1</PartNumber><ETag>&quot;aa&quot;</ETag></Part>"
            "<Part><PartNumber>2</PartNumber><ETag>&quot;bb&quot;</ETag></Part>"
            "</CompleteMultipartUpload>");
}

TEST(S3XmlTest, EscapesControlCharactersAsReferences) {
  EXPECT_EQ(XmlEscape("a\rb\tc'\""), "a&#13;b&#9;c&apos;&quot;");
}

TEST(S3XmlTest, ParsesAListObjectsPage) {
  auto page = ParseListObjectsPage(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<IsTruncated>true</IsTruncated><Contents><Key>big/obj.parquet</Key>"
      "<LastModified>2026-11-25T14:04:21.000Z</LastModified><ETag>\"a45f-2\"</ETag>"
      "<Size>5242884</Size><StorageClass>STANDARD</StorageClass></Contents>"
      "<Contents><Key>k2</Key><ETag>\"e\"</ETag><Size>0</Size></Contents>"
      "<Name>mybucket</Name><Prefix/><MaxKeys>1</MaxKeys><KeyCount>1</KeyCount>"
      "<NextContinuationToken>83c4==</NextContinuationToken></ListBucketResult>");
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->objects.size(), 2u);
  EXPECT_EQ(page->objects[0].key, "big/obj.parquet");
  EXPECT_EQ(page->objects[0].size, 5242884u);
  EXPECT_EQ(page->objects[0].etag, "\"a45f-2\"");
  EXPECT_EQ(page->objects[1].size, 0u);
  EXPECT_TRUE(page->truncated);
  EXPECT_EQ(page->next_continuation_token, "83c4==");
}

TEST(S3XmlTest, DecodesUrlEncodedKeys) {
  auto page = ParseListObjectsPage(
      "<ListBucketResult xmlns=\"http://doc.s3.amazonaws.com/2006-03-01/\">"
      "<EncodingType>url</EncodingType><IsTruncated>false</IsTruncated>"
      "<Contents><Key>dir/a+b%2Bc%3Dd/%C3%A9%0D.json</Key><Size>1</Size></Contents>"
      "</ListBucketResult>");
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->objects[0].key, "dir/a b+c=d/\xC3\xA9\r.json");
  EXPECT_FALSE(page->truncated);
  EXPECT_EQ(UrlDecodeS3("100%"), "100%");
  EXPECT_EQ(UrlDecodeS3("%zz%4"), "%zz%4");
}

TEST(S3XmlTest, KeepsWhitespaceKeysWithoutEncoding) {
  auto page = ParseListObjectsPage(
      "<ListBucketResult><Contents><Key> </Key><Size>1</Size></Contents>"
      "<Contents><Key>a\r\nb</Key><Size>2</Size></Contents></ListBucketResult>");
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->objects[0].key, " ");
  EXPECT_EQ(page->objects[1].key, "a\r\nb");
}

TEST(S3XmlTest, RejectsMalformedLists) {
  EXPECT_EQ(ParseListObjectsPage("<ListBucketResult><Contents>").status().code(),
            StatusCode::kIOError);
  EXPECT_EQ(ParseListObjectsPage("<Other/>").status().code(), StatusCode::kIOError);
  EXPECT_EQ(
      ParseListObjectsPage("<ListBucketResult><Contents><Key>k</Key><Size>-1</Size></Contents>"
                           "</ListBucketResult>")
          .status()
          .code(),
      StatusCode::kIOError);
}

TEST(S3XmlTest, ParsesAListUploadsPage) {
  auto page = ParseListUploadsPage(
      "<ListMultipartUploadsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<Bucket>b</Bucket><KeyMarker/><UploadIdMarker/><NextKeyMarker>k%202</NextKeyMarker>"
      "<NextUploadIdMarker>U2</NextUploadIdMarker><EncodingType>url</EncodingType>"
      "<MaxUploads>2</MaxUploads><IsTruncated>true</IsTruncated>"
      "<Upload><Key>k1</Key><UploadId>U1</UploadId><Initiated>2024-01-01T00:00:00.000Z"
      "</Initiated></Upload><Upload><Key>k%202</Key><UploadId>U2</UploadId></Upload>"
      "</ListMultipartUploadsResult>");
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->uploads.size(), 2u);
  EXPECT_EQ(page->uploads[0].key, "k1");
  EXPECT_EQ(page->uploads[0].upload_id, "U1");
  EXPECT_EQ(page->uploads[0].initiated, "2024-01-01T00:00:00.000Z");
  EXPECT_EQ(page->uploads[1].key, "k 2");
  EXPECT_TRUE(page->truncated);
  EXPECT_EQ(page->next_key_marker, "k 2");
  EXPECT_EQ(page->next_upload_id_marker, "U2");
}

TEST(S3XmlTest, ParsesUploadIdAndDeleteErrors) {
  EXPECT_EQ(ParseUploadId("<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key>"
                          "<UploadId>VXBsb2FkSUQ</UploadId></InitiateMultipartUploadResult>")
                .value(),
            "VXBsb2FkSUQ");
  EXPECT_FALSE(ParseUploadId("<InitiateMultipartUploadResult/>").ok());
  auto errors = ParseDeleteErrors(
      "<DeleteResult><Deleted><Key>ok</Key></Deleted><Error><Key>bad</Key>"
      "<Code>AccessDenied</Code><Message>Access Denied</Message></Error></DeleteResult>");
  ASSERT_TRUE(errors.ok());
  ASSERT_EQ(errors->size(), 1u);
  EXPECT_EQ((*errors)[0].key, "bad");
  EXPECT_EQ((*errors)[0].code, "AccessDenied");
  EXPECT_TRUE(ParseDeleteErrors("<DeleteResult/>")->empty());
}

}  // namespace
}  // namespace datalake::aws
