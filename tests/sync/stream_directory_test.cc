#include "sync/stream_directory.h"

#include <gtest/gtest.h>

#include <deque>
#include <string>

namespace datalake::sync {
namespace {

using protocol::StreamDescriptor;

TEST(StreamDirectoryTest, FindsEachStreamByNameAndNamespaceAndNothingElse) {
  // A null namespace, an empty one and a set one are three streams of one name.
  std::deque<StreamDescriptor> streams = {{std::nullopt, "users"},
                                          {"", "users"},
                                          {"crm", "users"},
                                          {"crm", "orders"},
                                          {std::nullopt, ""}};
  std::deque<int> values = {0, 1, 2, 3, 4};
  StreamDirectory<int> directory;
  EXPECT_EQ(directory.Find(streams[0]), nullptr);
  for (size_t i = 0; i < streams.size(); ++i) directory.Add(&streams[i], &values[i]);
  for (size_t i = 0; i < streams.size(); ++i) {
    const StreamDescriptor copy = streams[i];  // found by value, not by address
    EXPECT_EQ(directory.Find(copy), &values[i]) << i;
  }
  EXPECT_EQ(directory.Find({std::nullopt, "orders"}), nullptr);
  EXPECT_EQ(directory.Find({"CRM", "users"}), nullptr);
  EXPECT_EQ(directory.Find({"crm", "users "}), nullptr);
}

// Growing rehashes what is there: a thousand streams, found after every growth.
TEST(StreamDirectoryTest, KeepsEveryStreamThroughGrowth) {
  std::deque<StreamDescriptor> streams;
  std::deque<int> values;
  StreamDirectory<int> directory;
  for (int i = 0; i < 1000; ++i) {
    streams.push_back(
        {i % 3 == 0 ? std::optional<std::string>("ns") : std::nullopt, "s" + std::to_string(i)});
    values.push_back(i);
    directory.Add(&streams.back(), &values.back());
  }
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(directory.Find(streams[static_cast<size_t>(i)]), &values[static_cast<size_t>(i)]);
  }
  EXPECT_EQ(directory.Find({std::nullopt, "s0"}), nullptr);  // s0 has namespace "ns"
  EXPECT_EQ(directory.Find({std::nullopt, "s1000"}), nullptr);
}

}  // namespace
}  // namespace datalake::sync
