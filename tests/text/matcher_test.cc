// Tests for text::Matcher, including a differential test against a plain reference matcher.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "text/text.h"

namespace bantay::text {
namespace {

std::shared_ptr<const Normaliser> SharedNorm() {
  static auto n = *Normaliser::Create();
  return n;
}

std::shared_ptr<const Matcher> Make(const std::string& rows) {
  auto lex = Lexicon::Parse("term\tcategory\tweight\tlanguage\n" + rows, "t.tsv");
  EXPECT_TRUE(lex) << lex.error().ToString();
  auto m = Matcher::Create(*lex, SharedNorm());
  EXPECT_TRUE(m) << m.error().ToString();
  return *m;
}

// With `read_leet`, the normalised text goes through ReadLeetDigits, as in the scanner.
std::vector<std::string> Terms(const Matcher& m, std::string_view text, bool read_leet = false) {
  std::string norm;
  std::vector<uint32_t> soft;
  if (read_leet) {
    m.Normalise(text, &norm, &soft);
  } else {
    m.normaliser().Normalise(text, &norm, nullptr, &soft);
  }
  Scratch scratch;
  std::vector<Hit> hits;
  m.Match(norm, scratch, &hits, soft);
  std::vector<std::string> out;
  for (const auto& h : hits) out.push_back(m.lexicon().terms()[h.term].term);
  return out;
}

using Strings = std::vector<std::string>;

TEST(Matcher, RespectsWordBoundaries) {
  auto m = Make("cam\tsolicitation\t1\ten\nsex\tsexual\t1\ten\n");
  EXPECT_EQ(Terms(*m, "turn on cam please"), Strings{"cam"});
  EXPECT_EQ(Terms(*m, "camera and camping"), Strings{});
  EXPECT_EQ(Terms(*m, "essex and sussex"), Strings{});
}

TEST(Matcher, PrefixTermsMatchLongerWords) {
  auto m = Make("masturbat*\tsexual\t1\ten\n");
  EXPECT_EQ(Terms(*m, "masturbating now"), Strings{"masturbat"});
  EXPECT_EQ(Terms(*m, "masturbat"), Strings{"masturbat"});
}

TEST(Matcher, LongerHitSuppressesContainedHit) {
  auto m = Make("sex\tsexual\t1\ten\nsex education\tbenign\t1\ten\nschool fees\tbenign\t1\ten\n"
                "school\tminor\t1\ten\n");
  EXPECT_EQ(Terms(*m, "sex education class"), Strings{"sex education"});
  EXPECT_EQ(Terms(*m, "pay the school fees"), Strings{"school fees"});
  EXPECT_EQ(Terms(*m, "after school sex"), (Strings{"school", "sex"}));
}

TEST(Matcher, HyphenatedTermsAndWordsMatchEitherWay) {
  // A hyphenated term matches written with a hyphen, a space or neither; a term of three
  // or more words matches with two of its words joined by a hyphen.
  auto m = Make(
      "nag-eskwela pa\tminor\t1\ttl\npick up the money\tpayment\t1\ten\n"
      "private show\tsolicitation\t1\ten\n");
  for (const char* text : {"nag-eskwela pa ka?", "nag eskwela pa ka?", "nageskwela pa ka?"}) {
    EXPECT_EQ(Terms(*m, text), Strings{"nag-eskwela pa"}) << text;
  }
  for (const char* text : {"pick-up the money", "pick up the-money", "pick up the money"}) {
    EXPECT_EQ(Terms(*m, text), Strings{"pick up the money"}) << text;
  }
  for (const char* text : {"a pri-vate show", "private-show", "privateshow", "pri-vate-show"}) {
    EXPECT_EQ(Terms(*m, text), Strings{"private show"}) << text;
  }
}

TEST(Matcher, LongDisguisedTermsMatchCutByASpace) {
  // "pay pal", "bit coin": a long sexual, payment or solicitation term cut by a space
  // anywhere leaving two letters or more on each side; not short terms, not other
  // categories. In a phrase ("pak ita ka sa cam") each long word is cut so, one at a time,
  // and the phrase, not only the word, is found.
  auto m = Make(
      "paypal\tpayment\t1\ten\nbitcoin\tpayment\t1\ten\nnaked\tsexual\t1\ten\n"
      "cam\tsolicitation\t1\ten\nschool\tminor\t1\ten\n"
      "pakita ka sa cam\tsolicitation\t1.8\ttl\nwestern union\tpayment\t1\ten\n"
      "how old\tage_probe\t1\ten\n");
  const std::pair<const char*, Strings> cases[] = {
      {"send by pay pal", {"paypal"}},
      {"or bi tcoin", {"bitcoin"}},
      {"be nak ed", {"naked"}},
      {"p aypal or paypa l", {}},  // one letter on a side
      {"c am", {}},
      {"sch ool", {}},
      {"pak ita ka sa cam", {"pakita ka sa cam"}},
      {"via west ern union", {"western union"}},
      {"via western un ion", {"western union"}},
      {"pakita ka sa c am", {}},
      {"via we stern uni on", {}},  // one word at a time
      {"ho w old", {}},
  };
  for (const auto& [text, want] : cases) EXPECT_EQ(Terms(*m, text), want) << text;
}

TEST(Matcher, FindsObfuscatedTerms) {
  auto m = Make("western union\tpayment\t2\tmul\npaypal\tpayment\t2\tmul\n"
                "naked\tsexual\t2\ten\n");
  EXPECT_EQ(Terms(*m, "i send w3stern un1on"), Strings{"western union"});
  EXPECT_EQ(Terms(*m, "WESTERNUNION ok"), Strings{"western union"});
  EXPECT_EQ(Terms(*m, "w e s t e r n u n i o n"), Strings{"western union"});
  EXPECT_EQ(Terms(*m, "p a y p a l"), Strings{"paypal"});
  EXPECT_EQ(Terms(*m, "PaypaI"), Strings{"paypal"});  // capital I for l
  EXPECT_EQ(Terms(*m, "раураl"), Strings{"paypal"});
  EXPECT_EQ(Terms(*m, "n a k e d d d"), Strings{"naked"});
  EXPECT_EQ(Terms(*m, "na\u200Bked"), Strings{"naked"});
  // A one-letter word before a spaced-out word: both readings are tried.
  EXPECT_EQ(Terms(*m, "i send via a p a y p a l"), Strings{"paypal"});
  EXPECT_EQ(Terms(*m, "a n a k e d"), Strings{"naked"});
}

// Reference: every occurrence of every pattern literal at word boundaries (or beginning at
// a soft start), by plain search.
std::set<std::tuple<uint32_t, uint32_t, uint32_t>> Reference(const Matcher& m,
                                                             std::string_view text,
                                                             const std::set<uint32_t>& soft) {
  auto word = [](char c) {
    const auto b = static_cast<unsigned char>(c);
    return (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b >= 0x80;
  };
  std::set<std::tuple<uint32_t, uint32_t, uint32_t>> out;
  for (const auto& p : m.patterns()) {
    const bool prefix = m.lexicon().terms()[p.term].prefix;
    for (size_t pos = text.find(p.literal); pos != std::string_view::npos;
         pos = text.find(p.literal, pos + 1)) {
      size_t end = pos + p.literal.size();
      if (pos > 0 && word(text[pos - 1]) && soft.count(static_cast<uint32_t>(pos)) == 0) continue;
      if (end < text.size() && word(text[end])) {
        if (!prefix) continue;
        while (end < text.size() && word(text[end])) ++end;
      }
      out.emplace(p.term, pos, end);
    }
  }
  return out;
}

TEST(Matcher, AgreesWithReferenceMatcherOnRandomText) {
  auto lex = Lexicon::Default();
  ASSERT_TRUE(lex);
  auto m = *Matcher::Create(*lex, SharedNorm());
  // Random text built from lexicon literals, their fragments and filler, so that matches,
  // near-misses and overlaps are all frequent.
  std::vector<std::string> pieces;
  for (const auto& p : m->patterns()) {
    pieces.push_back(p.literal);
    if (p.literal.size() > 3) pieces.push_back(p.literal.substr(1));
    if (p.literal.size() > 3) pieces.push_back(p.literal.substr(0, p.literal.size() - 1));
  }
  const char* fillers[] = {" ", " ", "  ", "x", "s", "1", " and ", "ing"};
  std::mt19937 rng(20261123);
  Scratch scratch;
  std::vector<Hit> hits;
  size_t compared = 0, nonempty = 0, soft_hits = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    const int n = 1 + static_cast<int>(rng() % 12);
    // In every other text, a one-letter word joined to the next one ("aprivate"), as the
    // normaliser joins a spaced-out run, with a soft start after it: where a piece begins
    // (so that they lead to hits), and elsewhere at random.
    std::vector<uint32_t> soft;
    for (int k = 0; k < n; ++k) {
      const bool word_start = text.empty() || text.back() == ' ';
      if (round % 2 == 1 && word_start && rng() % 3 == 0) {
        text += 'a';
        soft.push_back(static_cast<uint32_t>(text.size()));
      }
      text += pieces[rng() % pieces.size()];
      text += fillers[rng() % std::size(fillers)];
    }
    for (uint32_t i = 2; round % 2 == 1 && i < text.size(); ++i) {
      const bool second_byte = text[i - 1] != ' ' && text[i - 2] == ' ';
      if (second_byte && text[i] != ' ' && rng() % 5 == 0) soft.push_back(i);
    }
    std::sort(soft.begin(), soft.end());
    soft.erase(std::unique(soft.begin(), soft.end()), soft.end());
    m->Match(text, scratch, &hits, soft);
    // The matcher removes hits contained in longer ones; apply the same rule to the reference.
    auto ref = Reference(*m, text, std::set<uint32_t>(soft.begin(), soft.end()));
    std::set<std::tuple<uint32_t, uint32_t, uint32_t>> expected;
    for (const auto& [t, b, e] : ref) {
      bool contained = false;
      for (const auto& [t2, b2, e2] : ref) {
        if (b2 <= b && e <= e2 && (e2 - b2) > (e - b)) contained = true;
      }
      if (!contained) expected.emplace(t, b, e);
    }
    std::set<std::tuple<uint32_t, uint32_t, uint32_t>> got;
    for (const auto& h : hits) {
      got.emplace(h.term, h.begin, h.end);
      soft_hits += h.begin > 0 && text[h.begin - 1] != ' ';
    }
    ASSERT_EQ(got, expected) << "text: '" << text << "'";
    ++compared;
    nonempty += !got.empty();
  }
  EXPECT_EQ(compared, 3000u);
  EXPECT_GT(nonempty, 1000u);  // most random texts contain a match
  EXPECT_GT(soft_hits, 50u);   // and hits at soft starts are common
}

// MatchPadded on a batch of padded texts finds in each what Match finds in it alone: no hit
// crosses from one text into the next, and soft starts count up to their own text's end.
TEST(Matcher, MatchPaddedFindsWhatMatchFindsInEachText) {
  auto m = *Matcher::Create(*Lexicon::Default(), SharedNorm());
  const char* messages[] = {"how much",  "for a private show", "",       "video",
                            "call now",  "i want aprivate",    "show",   "sex",
                            "education", "western union ok",   "paypal", "aprivate show"};
  std::mt19937 rng(7);
  Scratch scratch;
  std::vector<Hit> hits, alone;
  for (int round = 0; round < 200; ++round) {
    std::string batch;
    std::vector<uint32_t> starts, soft_all;
    std::vector<std::string> texts;
    for (int k = 0, n = 1 + static_cast<int>(rng() % 8); k < n; ++k) {
      texts.emplace_back(messages[rng() % std::size(messages)]);
      starts.push_back(static_cast<uint32_t>(batch.size()) + 1);
      // "aprivate": a soft start before "private", as the normaliser marks it.
      if (const size_t at = texts.back().find("aprivate"); at != std::string::npos) {
        soft_all.push_back(starts.back() + static_cast<uint32_t>(at) + 1);
      }
      batch += ' ' + texts.back() + ' ';
    }
    m->MatchPadded(batch, scratch, &hits, soft_all);
    std::vector<std::tuple<uint32_t, uint32_t, uint32_t>> want, got;
    for (size_t k = 0; k < texts.size(); ++k) {
      std::vector<uint32_t> soft;
      for (uint32_t at : soft_all) {
        if (at >= starts[k] && at < starts[k] + texts[k].size()) soft.push_back(at - starts[k]);
      }
      m->Match(texts[k], scratch, &alone, soft);
      for (const Hit& h : alone) want.emplace_back(h.term, h.begin + starts[k], h.end + starts[k]);
    }
    for (const Hit& h : hits) got.emplace_back(h.term, h.begin, h.end);
    ASSERT_EQ(got, want) << "batch: '" << batch << "'";
  }
  // The soft start is what finds "private show" in "aprivate show".
  std::vector<uint32_t> soft{1};
  m->Match("aprivate show", scratch, &alone, soft);
  ASSERT_FALSE(alone.empty());
  EXPECT_EQ(m->lexicon().terms()[alone[0].term].term, "private show");
  EXPECT_EQ(alone[0].begin, 1u);
  EXPECT_EQ(alone[0].end, 13u);
  m->Match("aprivate show", scratch, &alone);
  for (const Hit& h : alone) EXPECT_NE(h.begin, 1u);
}

}  // namespace
}  // namespace bantay::text

namespace bantay::text {
namespace {

TEST(Matcher, DoubledConsonantsMatchButSqueezeDoesNotMergeWords) {
  auto m = Make("butt\tsexual\t1\ten\nsex\tsexual\t1\ten\nson\tminor\t1\ten\n");
  EXPECT_EQ(Terms(*m, "shy but smart"), Strings{});
  EXPECT_EQ(Terms(*m, "sexx"), Strings{"sex"});
  EXPECT_EQ(Terms(*m, "sexxxxx"), Strings{"sex"});
  EXPECT_EQ(Terms(*m, "see you soon"), Strings{});
  EXPECT_EQ(Terms(*m, "my sonn"), Strings{"son"});
}

}  // namespace
}  // namespace bantay::text

namespace bantay::text {
namespace {

TEST(Matcher, MaskedVowelsMatchLongSexualAndPaymentTermsOnly) {
  auto m = Make("naked\tsexual\t2\ten\npaypal\tpayment\t2\tmul\ncam\tsolicitation\t1\ten\n"
                "student\tminor\t1\ten\n");
  EXPECT_EQ(Terms(*m, "send n*ked pix"), Strings{"naked"});
  EXPECT_EQ(Terms(*m, "p*ypal ok"), Strings{"paypal"});
  EXPECT_EQ(Terms(*m, "5 cm long"), Strings{});      // "cam" is too short to drop a vowel
  EXPECT_EQ(Terms(*m, "st*dent"), Strings{});        // minor terms are not masked
}

TEST(Matcher, VowelsLeftOutMatchTermsOfEveryCategory) {
  auto m = Make(
      "naked\tsexual\t2\ten\npaypal\tpayment\t2\tmul\nwestern union\tpayment\t2\tmul\n"
      "private show\tsolicitation\t2\ten\ncam\tsolicitation\t1\ten\nhubad\tsexual\t2\ttl\n"
      "student\tminor\t1\ten\npupil\tminor\t1\ten\ntuition\tbenign\t1\ten\n");
  EXPECT_EQ(Terms(*m, "send nkd pix"), Strings{"naked"});
  EXPECT_EQ(Terms(*m, "via pypl"), Strings{"paypal"});
  EXPECT_EQ(Terms(*m, "thru wstrn union"), Strings{"western union"});  // one word
  EXPECT_EQ(Terms(*m, "thru wstrn unn"), Strings{"western union"});    // or all
  EXPECT_EQ(Terms(*m, "a prvt shw"), Strings{"private show"});
  EXPECT_EQ(Terms(*m, "5 cm long"), Strings{});  // "cam" is too short to lose its vowel
  EXPECT_EQ(Terms(*m, "hbd po"), Strings{});     // happy birthday, not "hubad"
  EXPECT_EQ(Terms(*m, "stdnt pa"), Strings{"student"});
  EXPECT_EQ(Terms(*m, "for ttn"), Strings{"tuition"});
  EXPECT_EQ(Terms(*m, "so many ppl"), Strings{});  // people, not "pupil"
}

// The same hits, term, begin and end, from two matchers on texts made of `m`'s literals.
void ExpectSameHits(const Matcher& a, const Matcher& b) {
  Scratch sa, sb;
  std::vector<Hit> ha, hb;
  size_t nonempty = 0;
  for (size_t i = 0; i < a.patterns().size(); i += 7) {
    const std::string text = "so " + a.patterns()[i].literal + " ok " +
                             a.patterns()[(i * 13) % a.patterns().size()].literal + " x";
    a.Match(text, sa, &ha);
    b.Match(text, sb, &hb);
    ASSERT_EQ(ha.size(), hb.size()) << text;
    for (size_t k = 0; k < ha.size(); ++k) {
      EXPECT_EQ(std::tie(ha[k].term, ha[k].begin, ha[k].end),
                std::tie(hb[k].term, hb[k].begin, hb[k].end))
          << text;
    }
    nonempty += !ha.empty();
  }
  EXPECT_GT(nonempty, a.patterns().size() / 8);
}

// Normalise, then ReadLeetDigits, as the scanner does.
std::string ReadLeet(const Matcher& m, std::string_view text) {
  std::string norm;
  m.normaliser().Normalise(text, &norm);
  const size_t size = norm.size();
  m.ReadLeetDigits(&norm);
  EXPECT_EQ(norm.size(), size) << text;
  return norm;
}

TEST(Matcher, ReadLeetDigits_ReadsDigitsThatSpellALexiconOrAgeWord) {
  auto m = Make(
      "how old are you\tage_probe\t1\ten\nsex*\tsexual\t1\ten\n"
      "private show\tsolicitation\t1\ten\nescort\tsexual\t1\ten\n"
      "school\tminor\t1\ten\npila\tpayment\t1\ttl\n");
  // At a word's start or end, or beside other digits, where Normalise keeps them.
  EXPECT_EQ(ReadLeet(*m, "h0w 0ld r u"), "how old are you");
  EXPECT_EQ(ReadLeet(*m, "5exy"), "sexy");  // the prefix term's word starts it
  EXPECT_EQ(ReadLeet(*m, "pr1v473 5h0w"), "private show");
  EXPECT_EQ(ReadLeet(*m, "3sc0r7"), "escort");
  // A 1 as i, as between letters; the matcher reads an i as an l.
  EXPECT_EQ(ReadLeet(*m, "sch001"), "schooi");
  EXPECT_EQ(ReadLeet(*m, "p114"), "piia");
  EXPECT_EQ(Terms(*m, "sch001 p114 3sc0r7", true), (Strings{"school", "pila", "escort"}));
  // The age parser's words: "1m 13" is "im 13", "49e" is "age", "0n1y" is "only".
  EXPECT_EQ(ReadLeet(*m, "1m 13"), "im 13");
  EXPECT_EQ(ReadLeet(*m, "ur 49e"), "your age");
  EXPECT_EQ(ReadLeet(*m, "0n1y 12"), "oniy 12");
  EXPECT_EQ(Terms(*m, "h0w 0ld r u", true), Strings{"how old are you"});
  EXPECT_EQ(Terms(*m, "h0w 0ld r u"), Strings{});  // Match alone does not read them
}

TEST(Matcher, ReadLeetDigits_LeavesNumbersUnitsAndOtherWords) {
  auto m = Make(
      "look\tsolicitation\t1\ten\nam\tadult\t1\ten\nskids\tsexual\t1\ten\n"
      "syo\tpayment\t1\ten\nist\tminor\t1\ten\nmpe\tpayment\t1\ten\n"
      "au\tpayment\t1\ten\nba\tpayment\t1\ten\n");
  // Each of these would spell a lexicon word above, but is a number with its unit, a word of
  // two whose digit does not look like its letter, or has no letter.
  for (const std::string text :
       {"100k", "5yo", "1st", "4m", "5pm 12", "4u", "b4", "13yrs", "2024", "12", "a 5 b"}) {
    std::string norm;
    m->normaliser().Normalise(text, &norm);
    EXPECT_EQ(ReadLeet(*m, text), norm) << text;
  }
  // Words the lexicon does not have keep their digits.
  EXPECT_EQ(ReadLeet(*m, "5kid 3x mp4"), "5kid 3x mp4");
  // "skids" and "mpe" are lexicon words, and nothing makes "5kids" or "mp3" a unit.
  EXPECT_EQ(ReadLeet(*m, "5kids mp3"), "skids mpe");
}

// Payment and slang as offenders write them, each form with the term it must hit.
TEST(Matcher, DefaultLexiconKnowsFormsOffendersWrite) {
  auto m = *Matcher::Create(*Lexicon::Default(), SharedNorm());
  for (const auto& [text, term] :
       {std::pair{"loadan kita mamaya", "loadan"}, std::pair{"pasaload ka", "pasaload"},
        std::pair{"G_C_A_S_H", "gcash"}, std::pair{"mtcn is 123", "mtcn"},
        std::pair{"send n00dz", "noodz"}, std::pair{"get nekkid", "nekkid"},
        std::pair{"send to @paypal", "paypal"}, std::pair{"my $gcash", "gcash"},
        std::pair{"pkt mo na", "pakita mo"}, std::pair{"send mny", "send money"},
        std::pair{"trade cp", "trade cp"}, std::pair{"send seggs vid", "seggs"},
        std::pair{"any spicy pics?", "spicy pics"}, std::pair{"wala damit sa cam", "wala damit"},
        std::pair{"walay sanina", "walay sanina"}, std::pair{"via instapay", "instapay"},
        std::pair{"tanggal damit na", "tanggal damit"}, std::pair{"private tayo", "private tayo"},
        // Disclaimers and negated adult terms: the longer phrase is the term found.
        std::pair{"im 25, no minors", "no minors"}, std::pair{"bawal minor dito", "bawal minor"},
        std::pair{"wala pa sa legal age", "wala pa sa legal age"},
        std::pair{"are you a minor?", "are you a minor"}}) {
    const Strings terms = Terms(*m, text);
    EXPECT_TRUE(std::find(terms.begin(), terms.end(), term) != terms.end()) << text;
  }
  // Short forms that mean something else in family chat: "x" and "xx" are kisses (and "xxx"
  // normalises to "x"), "cp" a cellphone in Philippine texting.
  for (const char* text : {"love you lola x", "miss you xx", "bagong cp ko", "3 x a day"}) {
    for (const std::string& term : Terms(*m, text)) {
      for (const Term& t : m->lexicon().terms()) {
        if (t.term == term) {
          EXPECT_NE(t.category, Category::kSexual) << text << ": " << term;
        }
      }
    }
  }
}

TEST(Matcher, Create_UsesAPrebuiltDatabaseOfTheSameLexicon) {
  auto lex = Lexicon::Default();
  ASSERT_TRUE(lex);
  auto compiled = *Matcher::Create(*lex, SharedNorm());
  EXPECT_FALSE(compiled->used_prebuilt());
  auto bytes = compiled->SerializedDatabase();
  ASSERT_TRUE(bytes) << bytes.error().ToString();
  auto loaded = Matcher::Create(*lex, SharedNorm(), *bytes);
  ASSERT_TRUE(loaded) << loaded.error().ToString();
  EXPECT_TRUE((*loaded)->used_prebuilt());
  ExpectSameHits(*compiled, **loaded);
}

TEST(Matcher, Create_CompilesWhenThePrebuiltDatabaseDoesNotFit) {
  auto lex = Lexicon::Default();
  ASSERT_TRUE(lex);
  auto compiled = *Matcher::Create(*lex, SharedNorm());
  const std::string bytes = *compiled->SerializedDatabase();
  // Another lexicon (a single term): its literals are not the database's.
  Lexicon fewer =
      *Lexicon::Parse("term\tcategory\tweight\tlanguage\ncam show\tsolicitation\t1\ten\n", "t.tsv");
  auto other = *Matcher::Create(fewer, SharedNorm(), bytes);
  EXPECT_FALSE(other->used_prebuilt());
  EXPECT_EQ(Terms(*other, "a cam show now"), Strings{"cam show"});
  // Damaged: cut short, a literal changed, or not a database at all.
  std::string changed = bytes;
  changed[changed.find("western")] = 'W';
  for (const std::string& bad : {bytes.substr(0, bytes.size() / 2), changed,
                                 std::string("bantay-hsdb-1\n\x01"), std::string("junk")}) {
    auto m = Matcher::Create(*lex, SharedNorm(), bad);
    ASSERT_TRUE(m) << m.error().ToString();
    EXPECT_FALSE((*m)->used_prebuilt());
    ExpectSameHits(*compiled, **m);
  }
}

}  // namespace
}  // namespace bantay::text
