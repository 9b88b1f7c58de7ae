#include "sync/manifest_cache.h"

#include <gtest/gtest.h>

#include <string>

namespace datalake::sync {
namespace {

TEST(ManifestCacheTest, KeepsWithinItsBoundDroppingTheLeastRecentlyUsed) {
  ManifestCache cache(800);
  cache.Put("a", std::string(100, 'a'));
  cache.Put("b", std::string(100, 'b'));
  EXPECT_EQ(cache.Get("a"), std::string(100, 'a'));  // a is now the most recently used
  for (int i = 0; i < 7; ++i) cache.Put("c" + std::to_string(i), std::string(100, 'c'));
  EXPECT_LE(cache.bytes(), 800u);
  EXPECT_FALSE(cache.Get("b").has_value());  // the least recently used went first
  EXPECT_TRUE(cache.Get("a").has_value());
  // An object larger than an eighth of the bound is not kept.
  cache.Put("big", std::string(101, 'x'));
  EXPECT_FALSE(cache.Get("big").has_value());
  // Replacing and erasing keep the count of bytes right.
  cache.Put("a", std::string(50, 'z'));
  EXPECT_EQ(cache.Get("a"), std::string(50, 'z'));
  const size_t before = cache.bytes();
  cache.Erase("a");
  EXPECT_EQ(cache.bytes(), before - 50);
  EXPECT_FALSE(cache.Get("a").has_value());
}

}  // namespace
}  // namespace datalake::sync
