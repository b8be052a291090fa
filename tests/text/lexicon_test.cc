// Tests for text::Lexicon loading and validation.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "text/text.h"

namespace bantay::text {
namespace {

constexpr std::string_view kHeader = "term\tcategory\tweight\tlanguage\n";

TEST(Lexicon, ParsesTermsCommentsAndPrefixes) {
  const std::string tsv = std::string(kHeader) +
                          "# comment\n\nwestern union\tpayment\t2\tmul\nmasturbat*\tsexual\t2.5\ten\n";
  auto lex = Lexicon::Parse(tsv, "x.tsv");
  ASSERT_TRUE(lex) << lex.error().ToString();
  ASSERT_EQ(lex->terms().size(), 2u);
  EXPECT_EQ(lex->terms()[0].term, "western union");
  EXPECT_EQ(lex->terms()[0].category, Category::kPayment);
  EXPECT_FALSE(lex->terms()[0].prefix);
  EXPECT_EQ(lex->terms()[1].term, "masturbat");
  EXPECT_TRUE(lex->terms()[1].prefix);
  EXPECT_DOUBLE_EQ(lex->terms()[1].weight, 2.5);
  EXPECT_EQ(lex->terms()[1].where, "x.tsv:5");
}

struct BadCase {
  std::string body;
  std::string where;
};

TEST(Lexicon, RejectsBadLinesWithFileLineAndField) {
  const BadCase cases[] = {
      {"a\tsexual\t1\n", "x.tsv:2"},                               // 3 columns
      {"a\tsexy\t1\ten\n", "x.tsv:2:category"},                    // unknown category
      {"a\tsexual\tlots\ten\n", "x.tsv:2:weight"},                 // not a number
      {"a\tsexual\t0\ten\n", "x.tsv:2:weight"},                    // not > 0
      {"a\tsexual\t11\ten\n", "x.tsv:2:weight"},                   // above 10
      {"a\tsexual\t1\tenglish\n", "x.tsv:2:language"},             // not ISO 639
      {"\tsexual\t1\ten\n", "x.tsv:2:term"},                       // empty term
      {"ok\tsexual\t1\ten\nok\tsexual\t1\ten\n", "x.tsv:3:term"},  // duplicate
      {"a\xff\tsexual\t1\ten\n", "x.tsv:2"},                       // invalid UTF-8
      {"a\xc0\xaf\tsexual\t1\ten\n", "x.tsv:2"},                   // overlong form (strict UTF-8)
      {"a\xed\xa0\x80\tsexual\t1\ten\n", "x.tsv:2"},               // surrogate
      {"<price>\tpayment\t1\tmul\n", "x.tsv:2:term"},              // unknown recogniser
      {"<amount>\tsexual\t1\tmul\n", "x.tsv:2:category"},          // an amount is a payment
      {"<amount>*\tpayment\t1\tmul\n", "x.tsv:2:term"},            // and no prefix
  };
  for (const auto& c : cases) {
    auto lex = Lexicon::Parse(std::string(kHeader) + c.body, "x.tsv");
    ASSERT_FALSE(lex) << c.body;
    EXPECT_EQ(lex.error().where, c.where) << c.body << " -> " << lex.error().ToString();
  }
  auto no_header = Lexicon::Parse("a\tsexual\t1\ten\n", "y.tsv");
  ASSERT_FALSE(no_header);
  EXPECT_EQ(no_header.error().where, "y.tsv:1");
  EXPECT_FALSE(Lexicon::Parse("", "z.tsv"));
}

// "<amount>" names the amount parser: a term of its own, never a literal for the matcher.
TEST(Lexicon, AmountIsARecogniserNotALiteral) {
  auto lex = Lexicon::Parse(
      std::string(kHeader) + "<amount>\tpayment\t1.2\tmul\ngcash\tpayment\t2\tmul\n", "x.tsv");
  ASSERT_TRUE(lex) << lex.error().ToString();
  EXPECT_TRUE(lex->terms()[0].recogniser);
  EXPECT_FALSE(lex->terms()[1].recogniser);
  EXPECT_EQ(lex->Recogniser("<amount>"), 0);
  EXPECT_EQ(lex->Recogniser("gcash"), -1);  // a literal, no recogniser
  auto matcher = Matcher::Create(*lex, *Normaliser::Create());
  ASSERT_TRUE(matcher) << matcher.error().ToString();
  EXPECT_FALSE((*matcher)->patterns().empty());
  for (const auto& p : (*matcher)->patterns()) EXPECT_EQ(p.term, 1u) << p.literal;
  auto only = Lexicon::Parse(std::string(kHeader) + "<amount>\tpayment\t1\tmul\n", "y.tsv");
  ASSERT_TRUE(only);
  EXPECT_FALSE(Matcher::Create(*only, *Normaliser::Create()));  // nothing to match
  auto def = Lexicon::Default();
  ASSERT_TRUE(def);
  EXPECT_GE(def->Recogniser("<amount>"), 0);
  EXPECT_EQ(std::count_if(def->terms().begin(), def->terms().end(),
                          [](const Term& t) { return t.recogniser && t.term == "<amount>"; }),
            1);
}

TEST(Lexicon, DefaultCoversEveryCategoryAndLanguage) {
  auto lex = Lexicon::Default();
  ASSERT_TRUE(lex) << lex.error().ToString();
  std::array<int, kCategoryCount> per_category{};
  std::set<std::string> languages;
  for (const auto& t : lex->terms()) {
    per_category[static_cast<size_t>(t.category)]++;
    languages.insert(t.language);
  }
  for (size_t c = 0; c < kCategoryCount; ++c) {
    EXPECT_GT(per_category[c], 5) << CategoryName(static_cast<Category>(c));
  }
  EXPECT_TRUE(languages.count("en"));
  EXPECT_TRUE(languages.count("tl"));
  EXPECT_TRUE(languages.count("ceb"));
}

TEST(Lexicon, LoadDirReportsMissingDirectory) {
  auto lex = Lexicon::LoadDir("/nonexistent/bantay-lexicons");
  ASSERT_FALSE(lex);
  EXPECT_EQ(lex.error().code, ErrorCode::kNotFound);
}

TEST(ScoringWeights, DefaultParsesAndRejectsUnknownNames) {
  auto w = ScoringWeights::Default();
  ASSERT_TRUE(w) << w.error().ToString();
  EXPECT_GT(w->flag_threshold, 0);
  auto bad = ScoringWeights::Parse("name\tvalue\nbais\t1\n", "w.tsv");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().where, "w.tsv:2:name");
  auto bad_value = ScoringWeights::Parse("name\tvalue\nbias\tx\n", "w.tsv");
  ASSERT_FALSE(bad_value);
  EXPECT_EQ(bad_value.error().where, "w.tsv:2:value");
}

}  // namespace
}  // namespace bantay::text
