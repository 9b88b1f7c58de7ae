// The shared-file INI dialect and how config and credentials sections become profiles.

#include <gtest/gtest.h>

#include <string>

#include "aws/credentials_fakes.h"
#include "aws/credentials_internal.h"

namespace datalake::aws {
namespace {

TEST(CredentialsIniTest, SectionsKeysCommentsAndWhitespace) {
  const IniSections ini = ParseIni(
      "# a comment\n"
      "; another\n"
      "[default]\r\n"
      "aws_access_key_id=AKID\n"
      "AWS_Secret_Access_Key \t=  se/cr+et==   \n"
      "\n"
      "region: us-west-2\n"
      "role_arn = arn:aws:iam::1:role/x # trailing comment\n"
      "external_id = a#b;c\n"
      "   # indented comment\n"
      "[ spaced ]  ; comment after header\n"
      "key = value\n");
  ASSERT_EQ(ini.size(), 2u);
  const auto& d = ini.at("default");
  EXPECT_EQ(d.at("aws_access_key_id"), "AKID");
  EXPECT_EQ(d.at("aws_secret_access_key"), "se/cr+et==");
  EXPECT_EQ(d.at("region"), "us-west-2");
  EXPECT_EQ(d.at("role_arn"), "arn:aws:iam::1:role/x");
  EXPECT_EQ(d.at("external_id"), "a#b;c");  // no whitespace before '#': part of the value
  EXPECT_EQ(ini.at("spaced").at("key"), "value");
}

TEST(CredentialsIniTest, NestedSectionsAndContinuationsAreSkipped) {
  const IniSections ini = ParseIni(
      "[profile dev]\n"
      "s3 =\n"
      "  addressing_style = path\n"
      "  aws_access_key_id = NOT-THIS\n"
      "aws_access_key_id = AKID\n"
      "  indented_continuation = ignored\n");
  const auto& dev = ini.at("profile dev");
  EXPECT_EQ(dev.at("s3"), "");
  EXPECT_EQ(dev.at("aws_access_key_id"), "AKID");
  EXPECT_FALSE(dev.contains("addressing_style"));
  EXPECT_FALSE(dev.contains("indented_continuation"));
}

TEST(CredentialsIniTest, IndentedKeysRightAfterAHeaderCount) {
  const IniSections ini = ParseIni("[a]\n  k1 = v1\n  k2 = v2\n");
  EXPECT_EQ(ini.at("a").at("k1"), "v1");
  EXPECT_EQ(ini.at("a").at("k2"), "v2");
}

TEST(CredentialsIniTest, MalformedLinesAndHeadersAreSkipped) {
  const IniSections ini = ParseIni(
      "orphan = before any section\n"
      "[good]\n"
      "k = 1\n"
      "this line has no delimiter\n"
      "[broken\n"
      "k = 2\n"
      "[x] trailing junk\n"
      "k = 3\n"
      "[]\n"
      "k = 4\n"
      "[good]\n"
      "k2 = 5\n");
  ASSERT_EQ(ini.size(), 1u);
  EXPECT_EQ(ini.at("good").at("k"), "1");   // not overwritten by keys under broken headers
  EXPECT_EQ(ini.at("good").at("k2"), "5");  // duplicate sections merge
}

TEST(CredentialsIniTest, LaterDuplicateKeysWin) {
  EXPECT_EQ(ParseIni("[a]\nk = 1\nK = 2\n").at("a").at("k"), "2");
}

TEST(CredentialsIniTest, ConfigSectionsBecomeProfiles) {
  credentials_testing::TempDir dir;
  const std::string config = dir.Write("config",
                                       "[default]\nregion = a\nk = from-default\n"
                                       "[profile default]\nk = from-profile-default\n"
                                       "[profile dev]\nregion = b\n"
                                       "[profile   \"quoted\"]\nregion = c\n"
                                       "[sso-session s]\nx = 1\n"
                                       "[profiledev]\nregion = no\n"
                                       "[services x]\ny = 2\n"
                                       "[plain]\nregion = no\n");
  const std::string credentials = dir.Write("credentials",
                                            "[default]\nk = from-credentials\n"
                                            "[profile odd]\nregion = literal\n");
  const ProfileFiles files = LoadProfileFiles(credentials_testing::FakeEnv(
      {{"AWS_CONFIG_FILE", config}, {"AWS_SHARED_CREDENTIALS_FILE", credentials}}));
  EXPECT_EQ(files.config.size(), 3u);
  EXPECT_EQ(files.config.at("default").at("region"), "a");
  EXPECT_EQ(files.config.at("default").at("k"), "from-profile-default");
  EXPECT_EQ(files.config.at("dev").at("region"), "b");
  EXPECT_EQ(files.config.at("quoted").at("region"), "c");
  // The credentials file takes names literally and wins over the config file.
  EXPECT_EQ(files.Find("default")->at("k"), "from-credentials");
  EXPECT_EQ(files.Find("default")->at("region"), "a");
  EXPECT_EQ(files.Find("profile odd")->at("region"), "literal");
  EXPECT_FALSE(files.Find("plain").has_value());
  EXPECT_TRUE(files.problems.empty()) << files.problems;
}

TEST(CredentialsIniTest, MissingFilesAreEmptyAndNoted) {
  const ProfileFiles files =
      LoadProfileFiles(credentials_testing::FakeEnv({{"HOME", "/nonexistent-home"}}));
  EXPECT_EQ(files.config_path, "/nonexistent-home/.aws/config");
  EXPECT_EQ(files.credentials_path, "/nonexistent-home/.aws/credentials");
  EXPECT_TRUE(files.config.empty());
  EXPECT_NE(files.problems.find("/nonexistent-home/.aws/config"), std::string::npos);
}

}  // namespace
}  // namespace datalake::aws
