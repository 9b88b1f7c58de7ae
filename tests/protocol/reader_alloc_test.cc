// MessageReader: RECORD lines allocate nothing once buffers have warmed up.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>

#include "protocol/test_util.h"

// TSan's runtime defines the global operator new and delete itself (a second definition does not
// link): under TSan the counting is left out and these tests skip (make tsan-test filters them
// out too; every other build runs them).
#if defined(__SANITIZE_THREAD__)
#define DATALAKE_COUNTS_ALLOCATIONS 0
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define DATALAKE_COUNTS_ALLOCATIONS 0
#endif
#endif
#ifndef DATALAKE_COUNTS_ALLOCATIONS
#define DATALAKE_COUNTS_ALLOCATIONS 1
#endif

namespace {
std::atomic<uint64_t> allocations{0};
}  // namespace

#if DATALAKE_COUNTS_ALLOCATIONS
// Count every allocation in this test binary (gtest's included; tests measure deltas).
void* operator new(size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](size_t size) { return operator new(size); }
void* operator new(size_t size, const std::nothrow_t&) noexcept {
  allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](size_t size, const std::nothrow_t& tag) noexcept {
  return operator new(size, tag);
}
// g++ 12 does not see that operator new is replaced too when these are inlined (it happens in
// the sanitizer builds) and warns that free() gets memory from operator new.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop
#endif

namespace datalake::protocol {
namespace {

TEST(ReaderAllocationTest, RecordsDoNotAllocateInTheSteadyState) {
  if (!DATALAKE_COUNTS_ALLOCATIONS) GTEST_SKIP() << "allocations are not counted under TSan";
  std::string input;
  for (int i = 0; i < 8000; ++i) {  // ~3 MB: several read(2) blocks
    // Long stream and namespace names (beyond the small-string buffer), members in two orders,
    // meta changes on some lines.
    if (i % 2 == 0) {
      input += R"({"type":"RECORD","record":{"namespace":"a_namespace_longer_than_sso","stream":)"
               R"("a_stream_name_longer_than_sso","emitted_at":)" +
               std::to_string(i) + R"(,"data":{"id":)" + std::to_string(i) + R"(,"s":")" +
               std::string(static_cast<size_t>(i % 500), 'y') + R"("}}})" + "\n";
    } else {
      input +=
          R"({"record":{"data":{"id":1},"meta":{"changes":[]},"emitted_at":3,)"
          R"("stream":"another_stream_name_longer_than_sso","namespace":"a_namespace_longer_than_sso"},)"
          R"("type":"RECORD"})"
          "\n";
    }
  }
  testing::InputFd fd = testing::InputFd::FromFile(input);
  uint64_t start = allocations.load();
  MessageReader reader(fd.fd());
  Message m;
  for (int i = 0; i < 600; ++i) ASSERT_TRUE(*reader.Next(&m));  // warm up (longest lines seen)
  uint64_t before = allocations.load();
  EXPECT_GT(before, start);  // the counter works: warming up did allocate
  int records = 0;
  for (;;) {
    Result<bool> more = reader.Next(&m);
    if (!more.ok() || !*more) break;
    records += m.type == MessageType::kRecord;
  }
  uint64_t after = allocations.load();
  EXPECT_EQ(records, 7400);
  EXPECT_EQ(after - before, 0u);
}

TEST(ReaderAllocationTest, AStateIsNotBuiltIntoADocument) {
  if (!DATALAKE_COUNTS_ALLOCATIONS) GTEST_SKIP() << "allocations are not counted under TSan";
  // A million values, some nested 10,000 deep: reading and echoing the state allocates a few
  // buffers, not a node per value.
  std::string data = "[" + std::string(10'000, '[') + std::string(10'000, ']');
  for (int i = 0; i < 1'000'000; ++i) data += ",{\"k\":" + std::to_string(i) + "}";
  data += "]";
  const std::string line =
      R"({"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"s"},)"
      R"("stream_state":)" +
      data + "}}}\n";
  testing::InputFd fd = testing::InputFd::FromFile(line);
  MessageReader reader(fd.fd());
  Message m;
  uint64_t before = allocations.load();
  Result<bool> more = reader.Next(&m);
  ASSERT_TRUE(more.ok() && *more) << more.status().ToString();
  ASSERT_EQ(m.type, MessageType::kState);
  std::string echo = StateWithRecordCount(m, 1);
  uint64_t after = allocations.load();
  EXPECT_EQ(echo.size(), m.state_json.size() + 39);
  EXPECT_LT(after - before, 200u);
}

}  // namespace
}  // namespace datalake::protocol
