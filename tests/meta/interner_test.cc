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
  // Every length up to past 16, each byte distinct (so a byte in the wrong place shows),
  // against memcpy into zeroed words; views inside a longer buffer, so that reading
  // outside the name would show too.
  std::string text;
  for (int i = 0; i < 40; ++i) text += static_cast<char>(0x80 + i * 3);
  for (size_t at : {size_t{0}, size_t{5}}) {
    for (size_t n = 0; n <= 20; ++n) {
      const std::string_view name(text.data() + at, n);
      std::array<uint64_t, 2> memcpy_head{};
      std::memcpy(memcpy_head.data(), name.data(), std::min<size_t>(n, 16));
      EXPECT_EQ(NameHead(name), memcpy_head) << "length " << n << " at " << at;
    }
  }
}

}  // namespace
}  // namespace bantay::meta::internal
