#include "common/redact.h"

#include <gtest/gtest.h>

namespace datalake {
namespace {

TEST(MaskSecretTest, ALongSecretIsMaskedWhereverItOccurs) {
  EXPECT_EQ(MaskSecret("xSECRET/key+1y SECRET/key+1", "SECRET/key+1", "***"), "x***y ***");
  EXPECT_EQ(MaskSecret("SECRET/key+1SECRET/key+1", "SECRET/key+1", "***"), "******");
  EXPECT_EQ(MaskSecret("nothing here", "SECRET/key+1", "***"), "nothing here");
  EXPECT_EQ(MaskSecret("text", "", "***"), "text");
}

TEST(MaskSecretTest, AShortSecretIsMaskedOnlyWhereItStandsAlone) {
  // Words, numbers, request ids and UTF-8 letters around it keep it; punctuation does not.
  EXPECT_EQ(MaskSecret("35887178 bytes, bucket b1, tx0b4b-006b, éb", "b", "*"),
            "35887178 bytes, bucket b1, tx0b4b-006b, éb");
  EXPECT_EQ(MaskSecret("b 'b' \"b\" (b) b", "b", "*"), "* '*' \"*\" (*) *");
  EXPECT_EQ(MaskSecret("1234 12345 0123 1234", "1234", "*"), "* 12345 0123 *");
}

TEST(MaskSecretTest, TheLengthRuleStartsAtEightBytes) {
  const std::string seven(kMinSubstringSecretBytes - 1, 'k');
  const std::string eight(kMinSubstringSecretBytes, 'k');
  EXPECT_EQ(MaskSecret("x" + seven + "x", seven, "*"), "x" + seven + "x");
  EXPECT_EQ(MaskSecret("x" + eight + "x", eight, "*"), "x*x");
}

}  // namespace
}  // namespace datalake
