// Tests for pictograph (emoji) terms: the lexicon's validation, Matcher::FindSymbols on
// text as written, and their part in a conversation's score (keyword level, SAFETY.md 1).
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "text/text.h"

namespace bantay::text {
namespace {

constexpr std::string_view kHeader = "term\tcategory\tweight\tlanguage\n";

std::shared_ptr<const Matcher> MatcherOf(const std::string& body) {
  auto lex = Lexicon::Parse(std::string(kHeader) + body, "p.tsv");
  EXPECT_TRUE(lex) << lex.error().ToString();
  auto m = Matcher::Create(*lex, *Normaliser::Create());
  EXPECT_TRUE(m) << m.error().ToString();
  return *m;
}

// Each hit as "term=quoted text".
std::vector<std::string> Found(const Matcher& m, std::string_view text) {
  std::vector<Hit> hits;
  m.FindSymbols(text, &hits);
  std::vector<std::string> out;
  for (const Hit& h : hits) {
    out.push_back(m.lexicon().terms()[h.term].term + "=" +
                  std::string(text.substr(h.begin, h.end - h.begin)));
  }
  return out;
}

TEST(PictographTerm, TellsPictographsFromLettersAndMixes) {
  std::u32string points;
  EXPECT_EQ(PictographTerm("\U0001F346", &points), 1);  // eggplant
  EXPECT_EQ(points, U"\U0001F346");
  // The presentation selector and the skin tone are no part of what is matched.
  EXPECT_EQ(PictographTerm("\U0001F449\U0001F3FD\U0001F44C\uFE0F", &points), 1);
  EXPECT_EQ(points, U"\U0001F449\U0001F44C");
  EXPECT_EQ(PictographTerm("\u2764"), 1);  // a BMP dingbat (heavy black heart)
  EXPECT_EQ(PictographTerm("western union"), 0);
  EXPECT_EQ(PictographTerm("18+"), 0);
  EXPECT_EQ(PictographTerm("caf\u00e9"), 0);
  EXPECT_EQ(PictographTerm("send \U0001F4B0"), -1);
  EXPECT_EQ(PictographTerm("\U0001F4B0\U0001F4B0 "), -1);
}

TEST(Lexicon, PictographTermsAreMarkedAndValidated) {
  auto lex = Lexicon::Parse(std::string(kHeader) +
                                "\U0001F4B3\tpayment\t1\tmul\n"
                                "gcash\tpayment\t2\tmul\n",
                            "p.tsv");
  ASSERT_TRUE(lex) << lex.error().ToString();
  EXPECT_TRUE(lex->terms()[0].symbol);
  EXPECT_FALSE(lex->terms()[1].symbol);
  for (const std::string bad : {"send \U0001F4B0\tpayment\t1\tmul\n",  // mixed
                                "\U0001F4B0*\tpayment\t1\tmul\n"}) {   // a prefix
    auto r = Lexicon::Parse(std::string(kHeader) + bad, "p.tsv");
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().where, "p.tsv:2:term") << r.error().ToString();
  }
  // Pictographs are never literals for Vectorscan, and alone they leave nothing to compile.
  auto m = MatcherOf("\U0001F4B3\tpayment\t1\tmul\ngcash\tpayment\t2\tmul\n");
  for (const auto& p : m->patterns()) EXPECT_EQ(p.term, 1u) << p.literal;
  EXPECT_TRUE(m->has_symbols());
  auto only = Lexicon::Parse(std::string(kHeader) + "\U0001F4B3\tpayment\t1\tmul\n", "q.tsv");
  ASSERT_TRUE(only);
  EXPECT_FALSE(Matcher::Create(*only, *Normaliser::Create()));
  // A pictograph the normaliser reads as a word is refused as a term: write the word.
  auto word = Lexicon::Parse(
      std::string(kHeader) + "gcash\tpayment\t2\tmul\n\U0001F4B0\tpayment\t1\tmul\n", "r.tsv");
  ASSERT_TRUE(word) << word.error().ToString();
  auto refused = Matcher::Create(*word, *Normaliser::Create());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().where, "r.tsv:3");
  EXPECT_NE(refused.error().message.find("'money'"), std::string::npos) << refused.error().message;
}

// Pictographs written for a plain word are read as it, so that they take part in phrases;
// the offsets lead back to the pictograph.
TEST(Normaliser, ReadsPictographsWrittenForAWordAsTheWord) {
  auto norm = *Normaliser::Create();
  const std::string text = "\U0001F4F7 show, send \U0001F4B8\U0001F4B8 or \U0001F4F8";
  std::string out;
  std::vector<uint32_t> offsets;
  norm->Normalise(text, &out, &offsets);
  EXPECT_EQ(out, "cam show send money money or pic");
  ASSERT_EQ(offsets.size(), out.size() + 1);
  EXPECT_EQ(offsets[0], 0u);  // "cam" is the camera
  EXPECT_EQ(offsets[out.find("money")], text.find("\U0001F4B8"));
  norm->Normalise(
      "\U0001F4F7"
      "2\U0001F4F7 tonight",
      &out);
  EXPECT_EQ(out, "cam 2 cam tonight");
  // Other pictographs still separate letters, not words.
  norm->Normalise("p\u2764r\u2764i\u2764v\u2764a\u2764t\u2764e show", &out);
  EXPECT_EQ(out, "private show");
}

TEST(Matcher, FindSymbolsReadsTheTextAsWritten) {
  auto m = MatcherOf(
      "\U0001F346\tsexual\t1.5\tmul\n"            // eggplant
      "\U0001F449\tsolicitation\t0.5\tmul\n"      // pointing right
      "\U0001F449\U0001F44C\tsexual\t1.5\tmul\n"  // pointing right, OK hand
      "\U0001F4B3\tpayment\t1\tmul\n"             // credit card
      "gcash\tpayment\t2\tmul\n");
  const std::string eggplant = "\U0001F346", money = "\U0001F4B3";
  EXPECT_EQ(Found(*m, "send " + money + " via gcash"),
            (std::vector<std::string>{money + "=" + money}));
  // A run of one pictograph is one hit over the run; apart, two hits.
  EXPECT_EQ(Found(*m, "ok " + eggplant + eggplant + eggplant + "?"),
            (std::vector<std::string>{eggplant + "=" + eggplant + eggplant + eggplant}));
  EXPECT_EQ(Found(*m, eggplant + " " + eggplant).size(), 2u);
  // The longest term at a position wins, modifiers inside and after it included in the span.
  const std::string gesture = "\U0001F449\U0001F3FD\U0001F44C\uFE0F";
  EXPECT_EQ(Found(*m, "u " + gesture + " ok"),
            (std::vector<std::string>{"\U0001F449\U0001F44C=" + gesture}));
  EXPECT_EQ(Found(*m, "\U0001F449 here"), (std::vector<std::string>{"\U0001F449=\U0001F449"}));
  // Text presentation, a joiner between two: each is still the pictograph.
  EXPECT_EQ(Found(*m, money + "\uFE0E\u200D" + eggplant).size(), 2u);
  // Nothing in ASCII, letters or other symbols; bad UTF-8 is read past.
  EXPECT_TRUE(Found(*m, "send money via gcash").empty());
  EXPECT_TRUE(Found(*m, "\u00e9t\u00e9 \u2764 \U0001F600").empty());
  EXPECT_EQ(Found(*m, "\xff\xfe" + money + "\xf0\x9f"),
            (std::vector<std::string>{money + "=" + money}));
  EXPECT_TRUE(Found(*m, "").empty());
}

// The built-in pictographs are cues like the words they stand for: a request written with
// them is flagged, the same conversation without them is not, and families using them for
// their plain meaning are not flagged.
TEST(Scanner, PictographsAreCuesOfTheirCategory) {
  auto norm = *Normaliser::Create();
  ScanOptions o;
  o.keep_unflagged = true;
  auto scanner =
      *Scanner::Create(*Matcher::Create(*Lexicon::Default(), norm), *ScoringWeights::Default(), o);
  const auto score = [&](std::initializer_list<std::string_view> lines) {
    std::vector<Message> msgs;
    for (auto l : lines)
      msgs.push_back({"c", std::string(l.substr(0, 1)), std::string(l.substr(3))});
    Scratch scratch;
    return scanner->ScoreConversation(msgs, scratch);
  };
  const auto with =
      score({"A: how old r u", "B: 12 po", "A: show \U0001F351\U0001F351 on \U0001F4F7 for me",
             "A: i send \U0001F4B0 tonight"});
  EXPECT_TRUE(with.flagged) << with.score;
  std::vector<std::string> quoted;
  for (size_t i = 0; i < with.evidence.size(); ++i) {
    const Evidence& e = with.evidence[i];
    if (PictographTerm(e.term) == 1) {
      quoted.push_back(e.term + "=" +
                       with.texts[i].substr(e.span_begin, e.span_end - e.span_begin));
    }
  }
  EXPECT_EQ(quoted, (std::vector<std::string>{"\U0001F351=\U0001F351\U0001F351"}));
  // The camera and the money bag are read as "cam" and "money", in phrases.
  std::set<std::string> words;
  for (size_t i = 0; i < with.evidence.size(); ++i) {
    const Evidence& e = with.evidence[i];
    words.insert(e.term + "=" + with.texts[i].substr(e.span_begin, e.span_end - e.span_begin));
  }
  EXPECT_TRUE(words.count("show on cam=show \U0001F351\U0001F351 on \U0001F4F7"))
      << ::testing::PrintToString(words);
  EXPECT_TRUE(words.count("send money=send \U0001F4B0")) << ::testing::PrintToString(words);
  const auto without =
      score({"A: how old r u", "B: 12 po", "A: show on for me", "A: i send tonight"});
  EXPECT_FALSE(without.flagged) << without.score;
  // A daughter in the heat, a mother sending her allowance: no request.
  const auto family = score({"A: how old is ur classmate now", "B: 12 po same as me",
                             "B: so hot here \U0001F975\U0001F4A6",
                             "A: i send \U0001F4B0 for ur fare", "B: thank u ma \U0001F618"});
  EXPECT_FALSE(family.flagged) << family.score;
  // The fruit and the vegetable in their plain sense: the market and the kilo are benign
  // context, which discounts the pictographs of their message.
  const auto market = score({"A: anak i bought \U0001F346 and \U0001F351 at the market",
                             "B: yum ma! im hungry", "A: you are 12 na, cook it for your brother",
                             "A: i send \U0001F4B0 via gcash for school"});
  EXPECT_FALSE(market.flagged) << market.score;
  const auto fruit = score({"A: fresh \U0001F351 and \U0001F352 for sale, 100 pesos per kilo",
                            "B: my son is 10 he loves peaches", "A: gcash ok"});
  EXPECT_FALSE(fruit.flagged) << fruit.score;
  // A request made with the eggplant is one.
  const auto eggplant = score({"A: hi baby how old", "B: 11",
                               "A: u want see my \U0001F346? show me urs", "A: i pay gcash"});
  EXPECT_TRUE(eggplant.flagged) << eggplant.score;
  // An adult performer's mark is an adult cue from her, as "18+" is.
  const auto adult = score({"A: show me \U0001F351 how much", "B: \U0001F51E only, 20 usd"});
  bool adult_cue = false;
  for (const Evidence& e : adult.evidence) adult_cue = adult_cue || e.term == "\U0001F51E";
  EXPECT_TRUE(adult_cue);
  EXPECT_FALSE(adult.flagged) << adult.score;
}

}  // namespace
}  // namespace bantay::text
