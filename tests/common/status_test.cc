#include "common/status.h"

#include <gtest/gtest.h>

namespace datalake {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return Status::InvalidInput("odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  ASSIGN_OR_RETURN(int h, Half(x));
  ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

TEST(StatusTest, FailureTypesMapFromCodes) {
  EXPECT_EQ(FailureTypeOf(StatusCode::kConfigError), "config_error");
  EXPECT_EQ(FailureTypeOf(StatusCode::kTransient), "transient_error");
  EXPECT_EQ(FailureTypeOf(StatusCode::kIOError), "system_error");
  EXPECT_EQ(FailureTypeOf(StatusCode::kInvalidInput), "system_error");
  EXPECT_EQ(FailureTypeOf(StatusCode::kCancelled), "transient_error");
}

TEST(StatusTest, ResultPropagatesErrors) {
  EXPECT_EQ(*Quarter(8), 2);
  auto r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "odd");
  EXPECT_EQ(Status::IOError("x").WithContext("open f").message(), "open f: x");
}

}  // namespace
}  // namespace datalake
