// Tests for meta::internal::Interner: one id per name whatever its hash, names that share a
// hash (forced here) kept apart, for short names (compared by length and NameHead) and long
// ones (compared in full).
#include "meta/interner.h"

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <string>

namespace bantay::meta::internal {
namespace {

TEST(Interner, NamesThatShareAHashGetTheirOwnIds) {
  Interner ids;
  // Sixteen bytes differing in the last, a seventeenth byte, a prefix, and long names that
  // share their first sixteen bytes: all under one hash.
  const std::string names[] = {"abcdefghijklmnop",
                               "abcdefghijklmnoq",
                               "abcdefghijklmnopq",
                               "abcdefghijklmno",
                               "abcdefghijklmnopqrstuvwxyz-1",
                               "abcdefghijklmnopqrstuvwxyz-2",
                               ""};
  for (const std::string& name : names) ids.Id(42, name);
  ASSERT_EQ(ids.size(), std::size(names));
  for (size_t i = 0; i < std::size(names); ++i) {
    EXPECT_EQ(ids.names()[i], names[i]);
    // Met again, in either form, under the shared hash or one of its own.
    EXPECT_EQ(ids.Id(42, names[i]), i) << names[i];
    EXPECT_EQ(ids.Id(42, names[i], NameHead(names[i])), i) << names[i];
  }
  EXPECT_EQ(ids.Id(7, names[0]), std::size(names));  // another hash is another slot
  EXPECT_EQ(ids.Id(7, names[0]), std::size(names));
}

TEST(Interner, NameHeadIsTheFirstSixteenBytesZeroPadded) {
  EXPECT_EQ(NameHead(""), (std::array<uint64_t, 2>{0, 0}));
  std::array<uint64_t, 2> want{};
  std::memcpy(want.data(), "u12", 3);
  EXPECT_EQ(NameHead("u12"), want);
  EXPECT_EQ(NameHead("0123456789abcdefXYZ"), NameHead("0123456789abcdef"));
  EXPECT_NE(NameHead("0123456789abcdef"), NameHead("0123456789abcdeg"));
}

}  // namespace
}  // namespace bantay::meta::internal
