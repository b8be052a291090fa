// bot/classifier.cc: partner intents from the text module's lexicons (sexual, solicitation,
// payment, age questions) and the bot's own cue list (data/personas/intents.tsv: other apps,
// threats, doubts, self-disclosure), plus identifying details found by the extractor.
#include <algorithm>

#include "bot/bot.h"
#include "bot/lexicon_match.h"

namespace bantay::bot {

namespace {
constexpr std::string_view kIntentTerms = "data/personas/intents.tsv";
// Summed lexicon weight at which a message shows solicitation or payment: one clear term
// ("private show", "paypal") does, one weak cue ("pose", "rate") does not.
constexpr double kIntentWeight = 1.0;

bool WordAt(std::string_view s, size_t pos, size_t len) {
  auto word = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (pos > 0 && word(s[pos - 1])) return false;
  size_t end = pos + len;
  return end >= s.size() || !word(s[end]);
}
}  // namespace

struct Classifier::Impl {
  std::shared_ptr<const text::Matcher> matcher;
  struct Cue {
    std::string normalised;
    Intent intent;
  };
  std::vector<Cue> cues;
  double amount_weight = 0;  // the lexicon's "<amount>" term (0: none, amounts not read)
};

Classifier::~Classifier() = default;

Result<std::shared_ptr<const Classifier>> Classifier::Default() {
  auto matcher = DefaultMatcher();
  if (!matcher) return tl::unexpected(matcher.error());
  std::shared_ptr<Classifier> c(new Classifier());
  c->impl_ = std::make_unique<Impl>();
  c->impl_->matcher = *matcher;
  if (const int amount = (*matcher)->lexicon().Recogniser(text::kAmountRecogniser); amount >= 0) {
    c->impl_->amount_weight = (*matcher)->lexicon().terms()[static_cast<size_t>(amount)].weight;
  }
  bool found = false;
  for (const auto& file : EmbeddedFiles()) {
    // Named, not a structured binding: the lambda below uses it (clang 14 cannot capture one).
    const std::string_view path = file.first, content = file.second;
    if (path != kIntentTerms) continue;
    found = true;
    auto status = ForEachTsvRow(
        content, path, {"term", "intent"},
        [&](uint64_t line, const std::vector<std::string_view>& cols) -> Status {
          auto intent = ParseIntent(cols[1]);
          if (!intent) return Fail(ErrorCode::kParse, intent.error().message, Where(path, line, "intent"));
          std::string n;
          (*matcher)->normaliser().Normalise(cols[0], &n);
          if (n.empty()) return Fail(ErrorCode::kParse, "empty term", Where(path, line, "term"));
          c->impl_->cues.push_back({std::move(n), *intent});
          return {};
        });
    if (!status) return tl::unexpected(status.error());
  }
  if (!found) return Fail(ErrorCode::kInternal, "data/personas/intents.tsv not embedded");
  return std::shared_ptr<const Classifier>(std::move(c));
}

Classification Classifier::Classify(std::string_view line, const std::vector<Detail>* details) const {
  const text::Matcher& m = *impl_->matcher;
  LineMatch lm = MatchLine(m, line);
  const std::string& normalised = lm.normalised;
  Classification c;
  double solicitation = 0, payment = 0;
  for (const auto& h : lm.hits) {
    const text::Term& t = m.lexicon().terms()[h.term];
    switch (t.category) {
      case text::Category::kSexual:
        solicitation += kIntentWeight;
        break;
      case text::Category::kSolicitation:
        solicitation += t.weight;
        break;
      case text::Category::kPayment:
        payment += t.weight;
        break;
      case text::Category::kAgeProbe:
        c.intents[static_cast<size_t>(Intent::kAgeProbe)] = true;
        break;
      default:
        continue;
    }
    c.terms.push_back(t.term);
  }
  // Money written as an amount ("$20", "500php"), which the matcher does not see (the
  // normaliser drops currency signs): the scan's <amount> cue.
  if (impl_->amount_weight > 0) {
    thread_local std::vector<text::AmountSpan> amounts;
    text::FindAmounts(line, &amounts);
    if (!amounts.empty()) {
      payment += impl_->amount_weight;
      c.terms.emplace_back(text::kAmountRecogniser);
    }
  }
  if (solicitation >= kIntentWeight) c.intents[static_cast<size_t>(Intent::kSolicitation)] = true;
  if (payment >= kIntentWeight) c.intents[static_cast<size_t>(Intent::kPayment)] = true;
  for (const auto& cue : impl_->cues) {
    for (size_t pos = normalised.find(cue.normalised); pos != std::string::npos;
         pos = normalised.find(cue.normalised, pos + 1)) {
      if (WordAt(normalised, pos, cue.normalised.size())) {
        c.intents[static_cast<size_t>(cue.intent)] = true;
        c.terms.push_back(cue.normalised);
        break;
      }
    }
  }
  if (!c.Has(Intent::kIdentity) && (details ? !details->empty() : !ExtractDetails(line, 0).empty())) {
    c.intents[static_cast<size_t>(Intent::kIdentity)] = true;
  }
  // The strongest intent drives the reply; the level is what this message alone shows.
  static constexpr Intent kOrder[] = {Intent::kThreat,   Intent::kSolicitation, Intent::kPayment,
                                      Intent::kMoveApp,  Intent::kSuspicion,    Intent::kAgeProbe,
                                      Intent::kIdentity};
  for (Intent i : kOrder) {
    if (c.Has(i)) {
      c.primary = i;
      break;
    }
  }
  if (c.primary == Intent::kBenign) c.intents[static_cast<size_t>(Intent::kBenign)] = true;
  if (c.Has(Intent::kSolicitation) || c.Has(Intent::kPayment)) {
    c.level = kIntentShownLevel;
  } else if (c.Has(Intent::kMoveApp)) {
    c.level = 2;
  } else if (c.Has(Intent::kAgeProbe)) {
    c.level = 1;
  }
  return c;
}

}  // namespace bantay::bot
