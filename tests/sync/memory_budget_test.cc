// MemoryBudget (sync/memory_budget.h): past its limit, the biggest holders are flushed first,
// and committed when a flush cannot free them, until three quarters of the limit remain.
#include "sync/memory_budget.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace datalake::sync {
namespace {

// A holder whose flush leaves `after_flush` bytes; it logs what the budget did to it.
struct FakeHolder {
  uint64_t id = 0;
  uint64_t after_flush = 0;
};

class MemoryBudgetTest : public ::testing::Test {
 protected:
  uint64_t Add(const std::string& name, uint64_t bytes, uint64_t after_flush) {
    holders_[name].after_flush = after_flush;
    const uint64_t id = budget_.Add(
        [this, name] {
          log_.push_back("flush " + name);
          return holders_[name].after_flush;
        },
        [this, name] {
          log_.push_back("close " + name);
          budget_.Remove(holders_[name].id);  // a committed file leaves the budget
          return Status::Ok();
        });
    holders_[name].id = id;
    budget_.Report(id, bytes);
    return id;
  }

  MemoryBudget budget_{1000};
  std::map<std::string, FakeHolder> holders_;
  std::vector<std::string> log_;
};

TEST_F(MemoryBudgetTest, NothingHappensUnderThreeQuartersOfTheLimit) {
  Add("a", 600, 0);
  Add("b", 400, 0);
  EXPECT_FALSE(budget_.over());  // at the limit: the pipeline does not call Relieve
  EXPECT_EQ(budget_.total(), 1000u);
  budget_.Report(holders_["b"].id, 150);
  ASSERT_TRUE(budget_.Relieve().ok());
  EXPECT_TRUE(log_.empty());
  EXPECT_EQ(budget_.total(), 750u);
}

TEST_F(MemoryBudgetTest, FlushesTheBiggestFirstUntilThreeQuartersRemain) {
  Add("small", 100, 0);
  Add("big", 500, 10);
  Add("middle", 450, 20);
  ASSERT_TRUE(budget_.over());
  ASSERT_TRUE(budget_.Relieve().ok());
  // 1050 -> flush big (560) -> done: at most 750.
  EXPECT_EQ(log_, (std::vector<std::string>{"flush big"}));
  EXPECT_EQ(budget_.total(), 100u + 10 + 450);
  EXPECT_EQ(budget_.flushes(), 1u);
  EXPECT_EQ(budget_.closes(), 0u);
}

TEST_F(MemoryBudgetTest, CommitsAHolderThatAFlushCannotFree) {
  Add("s3", 900, 800);  // an S3 part below the minimum: flushing frees little
  Add("other", 200, 0);
  ASSERT_TRUE(budget_.Relieve().ok());
  EXPECT_EQ(log_, (std::vector<std::string>{"flush s3", "close s3"}));
  EXPECT_EQ(budget_.total(), 200u);
  EXPECT_EQ(budget_.closes(), 1u);
}

TEST_F(MemoryBudgetTest, TiesGoToTheOlderHolderAndRemovedHoldersLeaveTheTotal) {
  Add("first", 500, 0);
  Add("second", 500, 0);
  const uint64_t third = Add("third", 100, 0);
  budget_.Remove(third);
  EXPECT_EQ(budget_.total(), 1000u);
  budget_.Report(third, 999);  // a report after removal is ignored
  EXPECT_EQ(budget_.total(), 1000u);
  Add("fourth", 1, 0);
  ASSERT_TRUE(budget_.Relieve().ok());
  EXPECT_EQ(log_, (std::vector<std::string>{"flush first"}));
}

TEST_F(MemoryBudgetTest, BatchesShrinkWithMoreHolders) {
  MemoryBudget budget(160 << 20);
  EXPECT_EQ(budget.BatchBytes(128 << 10), size_t{128} << 10);
  for (int i = 0; i < 200; ++i) budget.Add([] { return uint64_t{0}; }, [] { return Status::Ok(); });
  EXPECT_EQ(budget.BatchBytes(128 << 10), (size_t{160} << 20) / 8 / 200);
  for (int i = 0; i < 2000; ++i)
    budget.Add([] { return uint64_t{0}; }, [] { return Status::Ok(); });
  EXPECT_EQ(budget.BatchBytes(128 << 10), size_t{16} << 10);  // never below 16 KiB
}

}  // namespace
}  // namespace datalake::sync
