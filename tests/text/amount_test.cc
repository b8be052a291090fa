// Tests for text::FindAmounts: money amounts that normalisation cannot see (currency signs)
// or cannot split (codes written against their number).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "text/text.h"

namespace bantay::text {
namespace {

std::vector<std::string> Amounts(std::string_view text) {
  std::vector<AmountSpan> spans;
  FindAmounts(text, &spans);
  std::vector<std::string> out;
  for (const AmountSpan& a : spans) {
    EXPECT_LT(a.begin, a.end) << text;
    EXPECT_LE(a.end, text.size()) << text;
    out.emplace_back(text.substr(a.begin, a.end - a.begin));
  }
  return out;
}

using Strings = std::vector<std::string>;

TEST(Amounts, CurrencySignsBeforeOrAfterTheNumber) {
  EXPECT_EQ(Amounts("i send $50 ok"), Strings{"$50"});
  EXPECT_EQ(Amounts("\u20b1500 for 10 mins"), Strings{"\u20b1500"});
  EXPECT_EQ(Amounts("give \u20b11,000 or \u20ac 30.50"), (Strings{"\u20b11,000", "\u20ac 30.50"}));
  EXPECT_EQ(Amounts("50$ ok, 20 \u00a3?"), (Strings{"50$", "20 \u00a3"}));
  EXPECT_EQ(Amounts("US$20"), Strings{"$20"});
  EXPECT_EQ(Amounts("\uff045k"), Strings{"\uff045k"});  // fullwidth dollar, thousands
  EXPECT_EQ(Amounts("\u00a55000 \u20a910000"), (Strings{"\u00a55000", "\u20a910000"}));
}

TEST(Amounts, CodesWrittenAgainstTheNumber) {
  EXPECT_EQ(Amounts("500php lang"), Strings{"500php"});
  EXPECT_EQ(Amounts("PHP500"), Strings{"PHP500"});
  EXPECT_EQ(Amounts("usd50, 20bucks, 0.5btc, 2kphp"),
            (Strings{"usd50", "20bucks", "0.5btc", "2kphp"}));
  EXPECT_EQ(Amounts("P500 P1,000 p300"), (Strings{"P500", "P1,000", "p300"}));
}

TEST(Amounts, NumbersThatAreNoAmounts) {
  for (const char* text :
       {"1k",      "500",   "im 13",    "5pm", "1080p", "mp3",     "p2",   "P5",   "p20",
        "covid19", "5kids", "50pounds", "$ex", "$$$",   "500 php", "2x50", "a1b2", "php500abc",
        "x500php", "$",     "12yo",     "18+", "usd",   "3:00",    ""}) {
    EXPECT_EQ(Amounts(text), Strings{}) << text;
  }
}

TEST(Amounts, EveryByteStringGivesSpansInsideIt) {
  // Cut signs, numbers at both ends, separators in every place: spans stay inside the text.
  const std::string_view pieces[] = {"$", "\u20b1", "\xe2\x82", "1", "1,000", ",",   ".",
                                     " ", "php",    "P",        "k", "a",     "\xc2"};
  std::string text;
  for (int n = 0; n < 20000; ++n) {
    text.clear();
    for (int i = 0, k = n; i < 6; ++i, k /= 7) text += pieces[(k + i * n) % std::size(pieces)];
    (void)Amounts(text);
  }
}

}  // namespace
}  // namespace bantay::text
