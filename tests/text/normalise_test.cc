// Tests for text::Normaliser: each folding step, and offsets back to the original text.
#include <gtest/gtest.h>

#include <random>

#include "text/abbreviations.h"
#include "text/normalise_impl.h"
#include "text/scratch_impl.h"
#include "text/text.h"

namespace bantay::text {
namespace {

const Normaliser& Norm() {
  static auto n = *Normaliser::Create();
  return *n;
}

std::string N(std::string_view in) {
  std::string out;
  Norm().Normalise(in, &out);
  return out;
}

// The original text a normalised range maps back to.
std::string Back(std::string_view in, std::string_view needle) {
  std::string out;
  std::vector<uint32_t> offsets;
  Norm().Normalise(in, &out, &offsets);
  const size_t pos = out.find(needle);
  if (pos == std::string::npos) return "<not found in '" + out + "'>";
  auto [b, e] = Normaliser::OriginalSpan(in, offsets, static_cast<uint32_t>(pos),
                                         static_cast<uint32_t>(pos + needle.size()));
  return std::string(in.substr(b, e - b));
}

TEST(Normalise, LowercasesAndCollapsesPunctuation) {
  EXPECT_EQ(N("Hello,   WORLD!!  How are you?"), "hello world how are you");
  EXPECT_EQ(N(""), "");
  EXPECT_EQ(N("   "), "");
}

TEST(Normalise, FoldsLeetInsideWords) {
  EXPECT_EQ(N("w3stern un1on"), "western union");
  EXPECT_EQ(N("p0rn"), "porn");
  EXPECT_EQ(N("$ex"), "sex");
  EXPECT_EQ(N("n@ked"), "naked");
  EXPECT_EQ(N("c4m sh0w"), "cam show");
  EXPECT_EQ(N("b1tc0in"), "bitcoin");
  EXPECT_EQ(N("your a9e?"), "your age");
  EXPECT_EQ(N("maghu8ad"), "maghubad");
  // "|" draws an l or an I beside any letter (the matcher reads i as l); "!" only between
  // letters, and neither alone.
  EXPECT_EQ(N("sh|t g!rl gir| |ove"), "shit girl giri iove");
  EXPECT_EQ(N("hi! ok | bye !!"), "hi ok bye");
  EXPECT_EQ(N("p a y p a |"), "paypai");              // the one-pass path's spaced letters
  EXPECT_EQ(N("pr\u0456vate gir|"), "private giri");  // the general pass
}

TEST(Normalise, KeepsStandaloneNumbers) {
  EXPECT_EQ(N("i am 11"), "i am 11");
  EXPECT_EQ(N("grade 5"), "grade 5");
  EXPECT_EQ(N("12yo"), "12yo");
  EXPECT_EQ(N("$50"), "50");
  EXPECT_EQ(N("9pm or 8 am"), "9pm or 8 am");
  EXPECT_EQ(N("hi!"), "hi");
}

TEST(Normalise, JoinsSpacedLetters) {
  EXPECT_EQ(N("w e s t e r n union"), "western union");
  EXPECT_EQ(N("send via p.a.y.p.a.l ok"), "send via paypal ok");
  EXPECT_EQ(N("g-c-a-s-h"), "gcash");
  EXPECT_EQ(N("w 3 s t 3 r n"), "western");
  EXPECT_EQ(N("how much for a p.r.i.v.a.t.e show"), "how much for a private show");
  EXPECT_EQ(N("i want a p r i v a t e show"), "i want aprivate show");  // soft start
  // Two single letters are ordinary text, not a spaced word.
  EXPECT_EQ(N("s e x"), "sex");
  EXPECT_EQ(N("u r ok"), "you are ok");  // chat abbreviations are expanded
  EXPECT_EQ(N("u r a cutie"), "you are a cutie");  // chat letters, not a spaced word
  // Other punctuation between the letters, as long as it is no leetspeak.
  EXPECT_EQ(N("n^a^k^e^d"), "naked");
  EXPECT_EQ(N("p:a:y:p:a:l ok"), "paypal ok");
  EXPECT_EQ(N("[n][a][k][e][d] show"), "naked show");
  EXPECT_EQ(N("g#c#a#s#h"), "gcash");
  EXPECT_EQ(N("\"s\"h\"o\"w\""), "show");
  EXPECT_EQ(N("i <3 u"), "i 3 you");  // a heart, no spaced word
}

TEST(Normalise, SqueezesRepeatedLetters) {
  EXPECT_EQ(N("nakeddd"), "naked");
  EXPECT_EQ(N("cashhhh"), "cash");
  EXPECT_EQ(N("NAKEDDD"), "naked");
  EXPECT_EQ(N("100"), "100");
  // Doubles are kept: they tell words apart.
  EXPECT_EQ(N("but butt as ass"), "but butt as ass");
  EXPECT_EQ(N("soooo good"), "so good");
}

TEST(Normalise, RemovesZeroWidthAndFormatCharacters) {
  EXPECT_EQ(N("we\u200Bstern un\u200Cion"), "western union");
  EXPECT_EQ(N("pay\u2060pal"), "paypal");
  EXPECT_EQ(N("\uFEFFhello"), "hello");
}

TEST(Normalise, FoldsHomoglyphsAndCompatibilityForms) {
  EXPECT_EQ(N("раураl"), "paypal");           // Cyrillic р, а, у
  EXPECT_EQ(N("ѕех"), "sex");                 // Cyrillic ѕ, е, х
  EXPECT_EQ(N("ｐｒｉｖａｔｅ ｓｈｏｗ"), "private show");  // fullwidth
  EXPECT_EQ(N("𝐧𝐚𝐤𝐞𝐝"), "naked");              // mathematical bold
  EXPECT_EQ(N("naïve café"), "naive cafe");   // diacritics
  EXPECT_EQ(N("ΒΙΤCΟΙΝ"), "bitcoin");          // Greek capitals
}

TEST(Normalise, KeepsOtherScripts) {
  EXPECT_EQ(N("สวัสดี"), "สวัสดี");
}

TEST(Normalise, InvalidUtf8IsASeparator) {
  EXPECT_EQ(N("pay\xFFpal"), "pay pal");
  EXPECT_EQ(N("\xC3"), "");
}

TEST(Normalise, CurlyApostropheJoinsLikeAscii) {
  EXPECT_EQ(N("i\u2019m 12"), "im 12");
  EXPECT_EQ(N("i'm 12"), "im 12");
}

TEST(Normalise, EmojiBetweenLettersJoinEachWordApart) {
  // An emoji between every letter: each word's letters are joined, and the space between
  // words ends the run (a space there joined the whole sentence into one word).
  EXPECT_EQ(N("p\u2764r\u2764i\u2764v\u2764a\u2764t\u2764e s\u2764h\u2764o\u2764w"),
            "private show");
  EXPECT_EQ(Back("p\u2764r\u2764i\u2764v\u2764a\u2764t\u2764e s\u2764h\u2764o\u2764w", "show"),
            "s\u2764h\u2764o\u2764w");
  // Astral emoji too, even one read as a word elsewhere ("send money"); as separators
  // anywhere else they change nothing.
  EXPECT_EQ(N("send \U0001F4B0 via g\U0001F4B0c\U0001F4B0a\U0001F4B0s\U0001F4B0h"),
            "send money via gcash");
  EXPECT_EQ(N("i \u2764\uFE0F you\U0001F60A\U0001F60A"), "i you");
  EXPECT_EQ(N("hi\U0001F44B\U0001F3FD there"), "hi there");
}

TEST(Normalise, LetterSymbolsReadAsLettersButFlagsDoNot) {
  // Regional indicators apart (a space or zero-width space between) are letters; two in a
  // row are a flag, a separator (Benin's flag is not "bj", Clipperton's not "cp").
  EXPECT_EQ(N("\U0001F1F5\u200b\U0001F1E6\u200b\U0001F1FE"), "pay");
  EXPECT_EQ(N("\U0001F1F8 \U0001F1EA \U0001F1FD"), "sex");
  EXPECT_EQ(N("from \U0001F1F5\U0001F1ED to \U0001F1E7\U0001F1EF \U0001F1E8\U0001F1F5 ok"),
            "from to ok");
  // Negative squared and negative circled letters, which have no decomposition.
  const std::string squared = "\U0001F17F\U0001F170\U0001F188\U0001F17F\U0001F170\U0001F17B";
  EXPECT_EQ(N("send via " + squared), "send via paypal");
  EXPECT_EQ(Back("send via " + squared, "paypal"), squared);
  EXPECT_EQ(N("\U0001F15F\U0001F150\U0001F168"), "pay");
}

TEST(Normalise, OffsetsPointBackToOriginal) {
  EXPECT_EQ(Back("i send w3stern un1on now", "western union"), "w3stern un1on");
  EXPECT_EQ(Back("via p.a.y.p.a.l ok", "paypal"), "p.a.y.p.a.l");
  EXPECT_EQ(Back("so nakeddd!!", "naked"), "nakeddd");
  EXPECT_EQ(Back("use раураl pls", "paypal"), "раураl");
  EXPECT_EQ(Back("we\u200Bstern", "western"), "we\u200Bstern");
  EXPECT_EQ(Back("ｓｈｏｗ time", "show"), "ｓｈｏｗ");
}

// "@" and "$" leading a word read as letters ("@ss", "$ex"), and the word may also start
// after them (a handle, tag or cashtag: "@paypal", "$gcash"), on both paths.
TEST(Normalise, HandleSignsLeadingAWordGiveASoftWordStart) {
  for (const std::string prefix : {"", "\u0436 "}) {  // the one-pass path, the token pass
    std::string out;
    std::vector<uint32_t> soft;
    Norm().Normalise(prefix + "to @paypal or $gcash, p@yp@l", &out, nullptr, &soft);
    const uint32_t at = prefix.empty() ? 0 : 3;
    EXPECT_EQ(out.substr(at), "to apaypal or sgcash paypal");
    EXPECT_EQ(soft, (std::vector<uint32_t>{at + 4, at + 15})) << prefix;
  }
}

TEST(Normalise, OffsetsAreMonotoneAndComplete) {
  const std::string in = "Ｈｉ w3st3rn\u200B p a y p a l!! ѕех 12yo";
  std::string out;
  std::vector<uint32_t> offsets;
  Norm().Normalise(in, &out, &offsets);
  ASSERT_EQ(offsets.size(), out.size() + 1);
  for (size_t i = 1; i < offsets.size(); ++i) EXPECT_LE(offsets[i - 1], offsets[i]);
  EXPECT_EQ(offsets.back(), in.size());
  // The map is a pure addition: normalising with and without it gives the same text.
  EXPECT_EQ(out, N(in));
}

}  // namespace
}  // namespace bantay::text

namespace bantay::text {
namespace {

// Normalise(in) against the general token pass: a kept Cyrillic word in front ("zhe", not
// ASCII even after folding) forces that pass; its output and offsets past "zhe " must be
// in's. Returns false (with a gtest failure) on the first difference.
bool AgreesWithTokenPass(const std::string& in) {
  std::string direct, general;
  std::vector<uint32_t> direct_offsets, offsets, direct_soft, soft;
  Norm().Normalise(in, &direct, &direct_offsets, &direct_soft);
  Norm().Normalise("\u0436 " + in, &general, &offsets, &soft);
  if (direct.empty()) {
    EXPECT_EQ(general, "\u0436") << "input: '" << in << "'";
    return general == "\u0436";
  }
  // Soft word starts too, past the 3 bytes of "zhe ".
  for (uint32_t& s : soft) s -= 3;
  EXPECT_EQ(direct_soft, soft) << "input: '" << in << "'";
  if (direct_soft != soft) return false;
  EXPECT_EQ(general.substr(3), direct) << "input: '" << in << "'";
  EXPECT_EQ(direct_offsets.size() + 3, offsets.size()) << "input: '" << in << "'";
  if (general.substr(3) != direct || direct_offsets.size() + 3 != offsets.size()) return false;
  for (size_t k = 0; k < direct_offsets.size(); ++k) {
    EXPECT_EQ(direct_offsets[k] + 3, offsets[k + 3]) << "input: '" << in << "' at " << k;
    if (direct_offsets[k] + 3 != offsets[k + 3]) return false;
  }
  return true;
}

TEST(Normalise, AWordCutByAHyphenIsJoined) {
  EXPECT_EQ(N("send via pri-vate show"), "send via private show");
  EXPECT_EQ(Back("send via pri-vate show", "private"), "pri-vate");
  EXPECT_EQ(N("Bit-Coin or west-ern-union"), "bitcoin or westernunion");
  EXPECT_EQ(N("n4k-ed"), "naked");           // leetspeak in a cut word
  EXPECT_EQ(N("pr\u0456-vate"), "private");  // Cyrillic i: the general pass
  // Spaced single letters and numbers are not cut words.
  EXPECT_EQ(N("g-c-a-s-h or e-wallet"), "gcash or e wallet");
  EXPECT_EQ(N("11-year-old"), "11 yearold");
  // A number word stays apart, for the age that may follow.
  EXPECT_EQ(N("twelve-year-old"), "twelve yearold");
  EXPECT_EQ(N("Twenty-One"), "twenty one");
  EXPECT_EQ(N("well -paid and well- paid"), "well paid and well paid");  // not a cut
  // The one-pass paths leave cut words to the token pass, which all paths agree with.
  for (const char* in : {"pri-vate", "ab-cd ef", "x pri-vate show", "nag-aaral ka pa?"}) {
    EXPECT_TRUE(HasHyphenCut(in)) << in;
    std::string out;
    std::vector<uint32_t> offsets, soft;
    EXPECT_FALSE(FastAsciiPass(in, &out, &offsets, &soft)) << in;
    EXPECT_TRUE(AgreesWithTokenPass(in));
    TextBuffer buffer;
    std::vector<uint32_t> append_soft;
    Norm().NormaliseAppend(in, &buffer, &append_soft);
    EXPECT_EQ(std::string(buffer.view()), N(in)) << in;
  }
  for (const char* in : {"e-wallet", "g-c-a-s-h", "11-yo", "a-b", "ab-1c", "ab -cd", "-ab-"}) {
    EXPECT_FALSE(HasHyphenCut(in)) << in;
  }
}

// The batch path says what it learnt on the way: whether a word may mix digits and letters
// (then the leet digits are read), and whether the text was all ASCII (then it has no
// pictograph to look for).
TEST(Normalise, AppendTellsMixedWordsAndNonAscii) {
  const auto appended = [](std::string_view in) {
    TextBuffer buffer;
    std::vector<uint32_t> soft;
    return Norm().NormaliseAppend(in, &buffer, &soft);
  };
  for (const char* in : {"hello there po", "how old are you", "i am 12 yrs old", "c4n u"}) {
    EXPECT_TRUE(appended(in).ascii) << in;
  }
  EXPECT_TRUE(appended("c4n u d0 pr1v473 5h0w").mixed);
  for (const char* in :
       {"\uff53\uff48\uff4f\uff57 me", "send \U0001F351", "caf\u00e9", "c4n u \u2764"}) {
    const auto a = appended(in);
    EXPECT_FALSE(a.ascii) << in;
    EXPECT_TRUE(a.mixed) << in;  // the general path: no promise about its words
  }
}

// ASCII text may take the one-pass fast path; it must give the token pass's text and
// offsets.
TEST(Normalise, FastPathAgreesWithGeneralPathOnRandomText) {
  // Symbol-heavy text, and word-like text (letters with a digit, symbol or abbreviation
  // now and then: the leet forms the fast path folds itself).
  const char alphabet[] = "aaabcdeeilmnoopstuwxyzAEIOU  ..--_'$@!|0123456789,?\t";
  const char wordy[] = "aaaabcdeeeeilmnnoooprrsstuuwyyz          0134578$@!|'*?.";
  std::mt19937 rng(11);
  std::string in;
  for (int round = 0; round < 60000; ++round) {
    in.clear();
    const int n = static_cast<int>(rng() % 40);
    const bool symbols = round % 2 == 0;
    for (int k = 0; k < n; ++k) {
      in.push_back(symbols ? alphabet[rng() % (sizeof alphabet - 1)]
                           : wordy[rng() % (sizeof wordy - 1)]);
    }
    ASSERT_TRUE(AgreesWithTokenPass(in));
  }
}

// Text whose homoglyphs and invisible characters fold to ASCII takes the one-pass path after
// folding; it must give the token pass's text and offsets.
TEST(Normalise, FoldedToAsciiAgreesWithGeneralPath) {
  const std::string pieces[] = {"a", "e", "o", "p", "s", "x", "k", "m", "n", " ", " ", ".",
                                "1", "3", "@", "$", "!", "'",
                                "\u0430", "\u0435", "\u043E", "\u0440", "\u0455",  // Cyrillic
                                "\u200B", "\u00AD", "\u00A0", "\uFF21", "\uFF4B",  // ZW, fullwidth
                                "\u00E9", "\u0391", "\u03BF"};                      // accent, Greek
  std::mt19937 rng(13);
  for (int round = 0; round < 30000; ++round) {
    std::string in;
    const int n = static_cast<int>(rng() % 30);
    for (int k = 0; k < n; ++k) in += pieces[rng() % std::size(pieces)];
    ASSERT_TRUE(AgreesWithTokenPass(in));
  }
}

// Spaced-out single characters ("p a y p a l", "g-c-a-s-h", "a p r i v a t e") are joined
// by the one-pass ASCII path itself, not left to the general token pass; it must give that
// pass's text, offsets and soft word starts, whatever the gaps, digits, leet symbols,
// one-letter words and chat letters around them. The batch path (NormaliseAppend) too.
TEST(Normalise, SpacedLettersTakeTheOnePassPathAndAgreeWithTokenPass) {
  std::string out;
  std::vector<uint32_t> offsets, soft;
  ASSERT_TRUE(FastAsciiPass("i send p a y p a l now", &out, &offsets, &soft));
  EXPECT_EQ(out, "i send paypal now");
  ASSERT_TRUE(FastAsciiPass("a p r i v a t e show", &out, &offsets, &soft));
  EXPECT_EQ(out, "aprivate show");
  EXPECT_EQ(soft, std::vector<uint32_t>{1});
  const std::string singles = "abceinoprstuwyAPSX0134579$@!|2";
  const std::string words[] = {"hi", "show", "CAM", "u", "r", "pls", "n4ked", "12yo", "'", "?"};
  const std::string gaps[] = {" ", " ", " ", ".", "-", "_", "/", ",", "+", "~", "\t",
                              "  ", ". ", " - ", "--", "    ", "!", "*", "?"};
  std::mt19937 rng(19);
  TextBuffer buffer;
  std::vector<uint32_t> append_soft;
  std::string expected;
  for (int round = 0; round < 40000; ++round) {
    std::string in;
    const int pieces = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < pieces; ++k) {
      if (k > 0) in += gaps[rng() % 3];
      if (rng() % 3 == 0) {
        in += words[rng() % std::size(words)];
        continue;
      }
      const int run = 1 + static_cast<int>(rng() % 9);
      const std::string gap = gaps[rng() % std::size(gaps)];
      for (int c = 0; c < run; ++c) {
        // Now and then a different gap inside the run, which ends it.
        if (c > 0) in += rng() % 12 == 0 ? gaps[rng() % std::size(gaps)] : gap;
        in.push_back(singles[rng() % singles.size()]);
      }
    }
    soft.clear();
    // A word cut by a hyphen is left to the token pass.
    ASSERT_TRUE(FastAsciiPass(in, &out, &offsets, &soft) || HasHyphenCut(in))
        << "input: '" << in << "'";
    ASSERT_TRUE(AgreesWithTokenPass(in));
    buffer.size = 0;
    Norm().NormaliseAppend(in, &buffer, &append_soft);
    Norm().Normalise(in, &expected, nullptr, &soft);
    ASSERT_EQ(std::string(buffer.view()), expected) << "input: '" << in << "'";
    ASSERT_EQ(append_soft, soft) << "input: '" << in << "'";
  }
}

// Without offsets (the scan's batch path) short text of letter words, digit words and
// separators takes a vectorised path: it must give what Normalise gives (and that the
// general token pass's text and offsets), for words of every length up to the 64-byte limit
// and past it, abbreviations, single letters and digits, doubles and triples, and words
// that mix letters and digits (which leave the vectorised path).
TEST(Normalise, AppendAgreesWithNormaliseOnLettersAndSeparators) {
  const std::string words[] = {"u",  "r",   "ur",    "pls",  "i",    "a",  "o",   "show",
                               "Me", "CAM", "aa",    "aaa",  "sooo", "b",  "x",   "yes",
                               "p",  "priv", "abcdefghijklmnopq", "Naked", "vid", "LUV",
                               "12", "7",   "2026",  "1000", "0",    "12yo", "n4ked", "5pm",
                               "b4", "911"};
  const std::string seps[] = {" ", "  ", ".", ", ", "?", " - ", "\t", "/", "~", "...", "_"};
  std::mt19937 rng(12);
  TextBuffer buffer;
  std::vector<uint32_t> soft;
  std::string expected;
  for (int round = 0; round < 30000; ++round) {
    std::string in;
    if (rng() % 3 == 0) in += seps[rng() % std::size(seps)];
    const int n = static_cast<int>(rng() % 12);
    for (int k = 0; k < n; ++k) {
      if (k > 0) in += seps[rng() % std::size(seps)];
      in += words[rng() % std::size(words)];
    }
    if (rng() % 3 == 0) in += seps[rng() % std::size(seps)];
    buffer.size = 0;
    Norm().NormaliseAppend(in, &buffer, &soft);
    Norm().Normalise(in, &expected);
    ASSERT_EQ(std::string(buffer.view()), expected) << "input: '" << in << "'";
    ASSERT_TRUE(AgreesWithTokenPass(in));  // text and offsets, against the general pass
  }
}

}  // namespace
}  // namespace bantay::text

namespace bantay::text {
namespace {

TEST(Normalise, ExpandsChatAbbreviationsWithOffsets) {
  EXPECT_EQ(N("show me ur body pls"), "show me your body please");
  EXPECT_EQ(N("U R so cute"), "you are so cute");
  EXPECT_EQ(Back("touch urself now", "yourself"), "urself");
}

// Words are looked up as abbreviations only after inline tests of their length and first two
// letters; every abbreviation must still expand, on each path (letters only, the one-pass
// ASCII path, the token pass), and words that share its first letters must not.
TEST(Normalise, ExpandsEveryChatAbbreviationOnEveryPath) {
  TextBuffer buffer;
  std::vector<uint32_t> soft;
  for (const Abbreviation& a : kAbbreviations) {
    const std::string from(a.from), to(a.to);
    for (const std::string& in : {"ok " + from + " now", "ok " + from + "! 7", "\u0436 " + from}) {
      buffer.size = 0;
      Norm().NormaliseAppend(in, &buffer, &soft);
      const std::string want = in[0] == 'o' ? "ok " + to + (in.back() == 'w' ? " now" : " 7")
                                            : "\u0436 " + to;
      EXPECT_EQ(std::string(buffer.view()), want) << "input: '" << in << "'";
      EXPECT_EQ(N(in), want) << "input: '" << in << "'";
    }
    // The same first letters, another word: not expanded.
    const std::string longer = from + "x";
    EXPECT_EQ(N(longer), longer) << longer;
  }
}

// Finish maps spans of a message that normalises to itself without normalising it again:
// its offsets must be the identity, and SameTextSpan must give OriginalSpan's range for
// every span, on random texts (those that do not normalise to themselves are skipped).
TEST(Normalise, TextThatNormalisesToItselfMapsSpansAsTheOffsetsDo) {
  const char alphabet[] = "abcdeilmnoprstuwy  aeo0123456789";
  std::mt19937 rng(17);
  std::string out;
  std::vector<uint32_t> offsets;
  int same = 0;
  for (int round = 0; round < 40000; ++round) {
    std::string in;
    const int n = 1 + static_cast<int>(rng() % 30);
    for (int k = 0; k < n; ++k) in.push_back(alphabet[rng() % (sizeof alphabet - 1)]);
    Norm().Normalise(in, &out, &offsets);
    if (out != in) continue;
    ++same;
    for (uint32_t k = 0; k < offsets.size(); ++k) ASSERT_EQ(offsets[k], k) << "input: '" << in << "'";
    for (int span = 0; span < 8; ++span) {
      const auto b = static_cast<uint32_t>(rng() % (in.size() + 2));
      const auto e = static_cast<uint32_t>(rng() % (in.size() + 2));
      ASSERT_EQ(Normaliser::SameTextSpan(in, b, e), Normaliser::OriginalSpan(in, offsets, b, e))
          << "input: '" << in << "' span " << b << ", " << e;
    }
  }
  EXPECT_GT(same, 1000);
}

TEST(Normalise, DropsMaskingStarsInsideWords) {
  EXPECT_EQ(N("n*ked"), "nked");
  EXPECT_EQ(N("p*a*y*p*a*l"), "paypal");
  EXPECT_EQ(N("*hugs*"), "hugs");
}

// UTF-8 of one code point.
std::string Utf8Of(uint32_t cp) {
  std::string out;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += {static_cast<char>(0xC0 | (cp >> 6)), static_cast<char>(0x80 | (cp & 0x3F))};
  } else if (cp < 0x10000) {
    out += {static_cast<char>(0xE0 | (cp >> 12)), static_cast<char>(0x80 | ((cp >> 6) & 0x3F)),
            static_cast<char>(0x80 | (cp & 0x3F))};
  } else {
    out += {static_cast<char>(0xF0 | (cp >> 18)), static_cast<char>(0x80 | ((cp >> 12) & 0x3F)),
            static_cast<char>(0x80 | ((cp >> 6) & 0x3F)), static_cast<char>(0x80 | (cp & 0x3F))};
  }
  return out;
}

TEST(Normaliser, Create_UsesPrebuiltTablesMadeWithTheSameIcu) {
  auto built = *Normaliser::Create();
  EXPECT_FALSE(built->used_prebuilt());
  const std::string bytes = built->Serialized();
  auto loaded = Normaliser::Create(bytes);
  ASSERT_TRUE(loaded) << loaded.error().ToString();
  EXPECT_TRUE((*loaded)->used_prebuilt());
  EXPECT_EQ((*loaded)->Serialized(), bytes);
  // Every code point of the BMP (but surrogates) and of the astral blocks folds the same.
  std::string a, b;
  for (uint32_t cp = 0x80; cp < 0x1F200; ++cp) {
    if ((cp >= 0xD800 && cp < 0xE000) || (cp >= 0x10000 && cp < 0x1D400)) continue;
    const std::string text = "x" + Utf8Of(cp) + "y";
    built->Normalise(text, &a);
    (*loaded)->Normalise(text, &b);
    ASSERT_EQ(a, b) << std::hex << cp;
  }
}

TEST(Normaliser, Create_BuildsTheTablesWhenPrebuiltOnesDoNotFit) {
  auto built = *Normaliser::Create();
  const std::string bytes = built->Serialized();
  std::string other_icu = bytes;
  other_icu.replace(other_icu.find("icu "), 4, "icu 9");  // another ICU version
  std::string bad_kind = bytes;
  bad_kind[bad_kind.find('\n', bad_kind.find("icu ")) + 1] = 9;  // not a kind
  for (const std::string& bad :
       {other_icu, bad_kind, bytes.substr(0, bytes.size() - 1), bytes + "x", std::string("junk")}) {
    auto n = Normaliser::Create(bad);
    ASSERT_TRUE(n) << n.error().ToString();
    EXPECT_FALSE((*n)->used_prebuilt());
    EXPECT_EQ((*n)->Serialized(), bytes);
  }
}

}  // namespace
}  // namespace bantay::text
