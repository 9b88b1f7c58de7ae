#include "common/machine.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace datalake {
namespace {

TEST(CpusTest, CgroupV2QuotaRoundsUp) {
  EXPECT_EQ(CpusOfCgroupV2("200000 100000\n"), 2u);
  EXPECT_EQ(CpusOfCgroupV2("150000 100000\n"), 2u);
  EXPECT_EQ(CpusOfCgroupV2("50000 100000"), 1u);
  EXPECT_EQ(CpusOfCgroupV2("400000 100000"), 4u);
}

TEST(CpusTest, CgroupV2WithoutQuotaOrGarbledIsNone) {
  EXPECT_EQ(CpusOfCgroupV2("max 100000\n"), std::nullopt);
  EXPECT_EQ(CpusOfCgroupV2(""), std::nullopt);
  EXPECT_EQ(CpusOfCgroupV2("100000"), std::nullopt);
  EXPECT_EQ(CpusOfCgroupV2("1x 100000"), std::nullopt);
  EXPECT_EQ(CpusOfCgroupV2("100000 0"), std::nullopt);
}

TEST(CpusTest, CgroupV1Quota) {
  EXPECT_EQ(CpusOfCgroupV1(-1, 100000), std::nullopt);
  EXPECT_EQ(CpusOfCgroupV1(300000, 100000), 3u);
  EXPECT_EQ(CpusOfCgroupV1(10000, 100000), 1u);
}

TEST(MemoryLimitTest, CgroupTexts) {
  EXPECT_EQ(MemoryLimitOfCgroupText("max\n"), std::nullopt);
  EXPECT_EQ(MemoryLimitOfCgroupText("536870912\n"), 536870912u);
  EXPECT_EQ(MemoryLimitOfCgroupText("9223372036854771712\n"), std::nullopt);  // v1: none
  EXPECT_EQ(MemoryLimitOfCgroupText(""), std::nullopt);
  EXPECT_EQ(MemoryLimitOfCgroupText("12ab"), std::nullopt);
}

TEST(EnvironmentTest, NonNegativeIntegersOnly) {
  const char* name = "DATALAKE_MACHINE_TEST_KNOB";
  unsetenv(name);
  EXPECT_EQ(NonNegativeIntegerFromEnvironment(name), std::nullopt);
  for (const char* bad : {"", "-1", "1x", " 2", "+3", "99999999999999999999"}) {
    setenv(name, bad, 1);
    EXPECT_EQ(NonNegativeIntegerFromEnvironment(name), std::nullopt) << bad;
  }
  setenv(name, "0", 1);
  EXPECT_EQ(NonNegativeIntegerFromEnvironment(name), 0);
  setenv(name, "250", 1);
  EXPECT_EQ(NonNegativeIntegerFromEnvironment(name), 250);
  unsetenv(name);
}

TEST(CpusTest, AvailableIsAtLeastOne) { EXPECT_GE(AvailableCpus(), 1u); }

}  // namespace
}  // namespace datalake
