// tests/core/utf8_test.cc: the shared UTF-8 validation and repair: overlong forms,
// surrogates, truncated sequences, code points above U+10FFFF and stray bytes are caught and
// each bad byte becomes one U+FFFD; well-formed text of every length passes unchanged.
#include <gtest/gtest.h>

#include <string>

#include "core/utf8.h"

namespace bantay {
namespace {

const std::string kFffd = "\xEF\xBF\xBD";

TEST(Utf8, SequenceLengthOfWellFormedSequences) {
  EXPECT_EQ(Utf8SequenceLength("a", 0), 1u);
  EXPECT_EQ(Utf8SequenceLength("\xC3\xA9", 0), 2u);              // U+00E9
  EXPECT_EQ(Utf8SequenceLength("\xE0\xA0\x80", 0), 3u);          // U+0800, smallest 3-byte
  EXPECT_EQ(Utf8SequenceLength("\xEF\xBF\xBF", 0), 3u);          // U+FFFF
  EXPECT_EQ(Utf8SequenceLength("\xF0\x9F\x98\x80", 0), 4u);      // U+1F600
  EXPECT_EQ(Utf8SequenceLength("\xF4\x8F\xBF\xBF", 0), 4u);      // U+10FFFF, the last
  EXPECT_EQ(Utf8SequenceLength("x\xF0\x90\x80\x80", 1), 4u);     // U+10000, smallest 4-byte
}

TEST(Utf8, SequenceLengthRejectsMalformedSequences) {
  for (const std::string& bad : {
           std::string("\x80"),                  // stray continuation
           std::string("\xC0\xAF"),              // overlong '/'
           std::string("\xC1\xBF"),              // overlong two-byte
           std::string("\xE0\x80\xAF"),          // overlong three-byte
           std::string("\xF0\x80\x80\xAF"),      // overlong four-byte
           std::string("\xED\xA0\x80"),          // U+D800 (surrogate)
           std::string("\xED\xBF\xBF"),          // U+DFFF (surrogate)
           std::string("\xF4\x90\x80\x80"),      // U+110000
           std::string("\xF5\x80\x80\x80"),      // lead byte beyond U+10FFFF
           std::string("\xFF"),                  //
           std::string("\xC3"),                  // truncated two-byte
           std::string("\xE2\x82"),              // truncated three-byte
           std::string("\xF0\x9F\x98"),          // truncated four-byte
           std::string("\xE2\x28\xA1"),          // bad continuation
       }) {
    EXPECT_EQ(Utf8SequenceLength(bad, 0), 0u) << testing::PrintToString(bad);
    EXPECT_FALSE(IsValidUtf8(bad)) << testing::PrintToString(bad);
    EXPECT_FALSE(IsValidUtf8("plain ascii text " + bad)) << testing::PrintToString(bad);
  }
}

TEST(Utf8, IsValidAcceptsWellFormedTextOfAnyLength) {
  EXPECT_TRUE(IsValidUtf8(""));
  std::string s;
  for (int i = 0; i < 40; ++i) {
    s += i % 5 == 0 ? "\xF0\x9F\x98\x80" : i % 3 == 0 ? "\xC3\xA9" : "ab";
    EXPECT_TRUE(IsValidUtf8(s)) << s.size();
  }
  // A bad byte anywhere, also after a long ASCII run (the eight-byte fast path) and at the end.
  for (size_t at = 0; at <= 20; ++at) {
    std::string t(20, 'a');
    t.insert(at, "\xC0");
    EXPECT_FALSE(IsValidUtf8(t)) << at;
  }
}

TEST(Utf8, RepairReplacesEachBadByteAndCounts) {
  std::string out;
  EXPECT_EQ(RepairUtf8("hello \xC3\xA9 \xF0\x9F\x98\x80", &out), 0u);
  EXPECT_EQ(out, "hello \xC3\xA9 \xF0\x9F\x98\x80");
  out.clear();
  EXPECT_EQ(RepairUtf8("a\xC0\xAF" "b", &out), 2u);  // overlong: both bytes bad
  EXPECT_EQ(out, "a" + kFffd + kFffd + "b");
  EXPECT_EQ(RepairUtf8("\xED\xA0\x80"), kFffd + kFffd + kFffd);  // surrogate
  EXPECT_EQ(RepairUtf8("x\xF0\x9F\x98"), "x" + kFffd + kFffd + kFffd);  // truncated at the end
  EXPECT_EQ(RepairUtf8("\xF4\x90\x80\x80!"), kFffd + kFffd + kFffd + kFffd + "!");
  // Appends rather than overwrites.
  out = "pre:";
  EXPECT_EQ(RepairUtf8("\xFF" "ok", &out), 1u);
  EXPECT_EQ(out, "pre:" + kFffd + "ok");
  // The result is always valid, and repairing it again changes nothing.
  const std::string messy = "abcdefghij\x80\xC3\xA9\xE2\x82\xACklmnopqrstu\xF8\xED\xBF\xBF";
  const std::string fixed = RepairUtf8(messy);
  EXPECT_TRUE(IsValidUtf8(fixed));
  out.clear();
  EXPECT_EQ(RepairUtf8(fixed, &out), 0u);
  EXPECT_EQ(out, fixed);
}

}  // namespace
}  // namespace bantay
