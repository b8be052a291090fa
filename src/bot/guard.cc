// bot/guard.cc: the outgoing guard (SAFETY.md 2): a line the agent or an operator would send
// is normalised (obfuscation folded) and refused if it holds a sexual, solicitation, payment,
// meeting or media term.
#include "bot/bot.h"
#include "bot/lexicon_match.h"

namespace bantay::bot {

namespace {
constexpr std::string_view kGuardTerms = "data/personas/guard.tsv";

bool Blocks(text::Category c) {
  return c == text::Category::kSexual || c == text::Category::kSolicitation ||
         c == text::Category::kPayment;
}
}  // namespace

Result<std::shared_ptr<const Guard>> Guard::Default() {
  auto matcher = DefaultMatcher(kGuardTerms);
  if (!matcher) return tl::unexpected(matcher.error());
  return Create(*matcher);
}

Result<std::shared_ptr<const Guard>> Guard::Create(std::shared_ptr<const text::Matcher> matcher) {
  if (!matcher) return Fail(ErrorCode::kInvalidArgument, "guard needs a matcher");
  bool any = false;
  for (const auto& t : matcher->lexicon().terms()) any = any || Blocks(t.category);
  if (!any) return Fail(ErrorCode::kInvalidArgument, "guard lexicon has no blocking terms");
  std::shared_ptr<Guard> g(new Guard());
  const int amount = matcher->lexicon().Recogniser(text::kAmountRecogniser);
  if (amount >= 0 && Blocks(matcher->lexicon().terms()[static_cast<size_t>(amount)].category)) {
    g->amount_term_ = amount;
  }
  g->matcher_ = std::move(matcher);
  return std::shared_ptr<const Guard>(std::move(g));
}

GuardVerdict Guard::Check(std::string_view line) const {
  LineMatch m = MatchLine(*matcher_, line);
  GuardVerdict v;
  for (const auto& h : m.hits) {
    const text::Term& t = matcher_->lexicon().terms()[h.term];
    if (!Blocks(t.category)) continue;
    v.allowed = false;
    v.category = std::string(text::CategoryName(t.category));
    v.term = t.term;
    return v;
  }
  // The payment lexicon's "<amount>" (money written as an amount, "$20"), which the matcher
  // does not match: its parser reads the line.
  if (amount_term_ >= 0) {
    std::vector<text::AmountSpan> amounts;
    text::FindAmounts(line, &amounts);
    if (!amounts.empty()) {
      const text::Term& t = matcher_->lexicon().terms()[static_cast<size_t>(amount_term_)];
      v.allowed = false;
      v.category = std::string(text::CategoryName(t.category));
      v.term = t.term;
    }
  }
  return v;
}

}  // namespace bantay::bot
