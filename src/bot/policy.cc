// bot/policy.cc: waiting -> small talk -> assessment -> identification -> deterrence ->
// closed. The agent answers only, never raises a topic, and once intent is shown asks for
// identifying details one slot at a time, then sends the deterrence notice.
#include "bot/policy.h"

#include <algorithm>

namespace bantay::bot {

namespace {

constexpr std::string_view kSlotNames[kSlotCount] = {"name", "location", "accounts", "email",
                                                     "contact"};

uint64_t Mix(uint64_t x) {  // splitmix64 finaliser
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t Fnv(std::string_view s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

constexpr std::string_view kDetailKinds[] = {"name",   "location", "handle", "url",
                                             "email",  "paypal",   "phone",  "age",
                                             "remittance", "bitcoin", "ethereum"};

bool Known(const PolicyState& s, std::string_view kind) {
  return (s.detail_kinds & DetailKindBit(kind)) != 0;
}

// A slot the partner already answered is not asked.
bool Answered(const PolicyState& s, Slot slot) {
  switch (slot) {
    case Slot::kName:
      return Known(s, "name");
    case Slot::kLocation:
      return Known(s, "location");
    case Slot::kAccounts:
      return Known(s, "handle") || Known(s, "url");
    case Slot::kEmail:
      return Known(s, "email") || Known(s, "paypal");
    case Slot::kContact:
      return Known(s, "phone") || Known(s, "email") || Known(s, "handle");
    case Slot::kCount:
      break;
  }
  return true;
}

}  // namespace

uint16_t DetailKindBit(std::string_view kind) {
  for (size_t i = 0; i < std::size(kDetailKinds); ++i) {
    if (kDetailKinds[i] == kind) return static_cast<uint16_t>(1u << i);
  }
  return 0;
}

Policy::Policy(const Persona& persona, PolicyOptions options)
    : persona_(persona), options_(std::move(options)) {
  if (options_.deterrence_notice.empty()) options_.deterrence_notice = persona_.deterrence_notice;
  for (size_t i = 0; i < persona_.replies.size(); ++i) {
    const BankEntry& e = persona_.replies[i];
    if (!e.asks.empty()) {
      for (size_t k = 0; k < kSlotCount; ++k) {
        if (kSlotNames[k] == e.asks) by_slot_[k].push_back(static_cast<uint16_t>(i));
      }
      continue;
    }
    for (State st : e.states) {
      for (Intent in : e.intents) {
        by_state_intent_[static_cast<size_t>(st)][static_cast<size_t>(in)].push_back(
            static_cast<uint16_t>(i));
      }
    }
  }
}

uint64_t Policy::Hash(std::string_view partner, uint64_t a, uint64_t b) const {
  return Mix(options_.seed ^ Mix(Fnv(partner) ^ Mix(a * 0x100000001b3ULL + b)));
}

void Policy::Observe(PolicyState* s, const Classification& c) {
  s->seen_solicitation = s->seen_solicitation || c.Has(Intent::kSolicitation);
  s->seen_payment = s->seen_payment || c.Has(Intent::kPayment);
  int level = std::max<int>(s->level, c.level);
  if (s->seen_solicitation && s->seen_payment) level = std::max(level, 4);
  if (c.Has(Intent::kThreat) && level >= kIntentShownLevel) level = 5;
  s->level = static_cast<uint8_t>(level);
}

Decision Policy::Reply(PolicyState* s, const std::vector<uint16_t>& candidates,
                       std::string_view partner) const {
  Decision d;
  if (candidates.empty()) return d;
  uint64_t h = Hash(partner, s->agent_lines, 1);
  const BankEntry& e = persona_.replies[candidates[h % candidates.size()]];
  d.entry = &e;
  d.variant = (h >> 20) % e.variants.size();
  d.text = e.variants[d.variant];
  d.bank_entry = e.id;
  ++s->agent_lines;
  return d;
}

Decision Policy::Notice(PolicyState* s) const {
  Decision d;
  d.notice = true;
  d.text = options_.deterrence_notice;
  d.bank_entry = "deterrence";
  s->state = State::kClosed;
  ++s->agent_lines;
  return d;
}

Decision Policy::OnPartnerLine(PolicyState* s, const Classification& c,
                               const std::vector<Detail>& details,
                               std::string_view partner) const {
  ++s->partner_lines;
  const State before = s->state;
  if (before == State::kClosed || before == State::kEndedByPartner ||
      before == State::kDeterrence || before == State::kTakenOver) {
    Observe(s, c);
    return {};
  }
  Observe(s, c);
  uint16_t fresh = 0;
  for (const Detail& d : details) {
    uint16_t bit = DetailKindBit(d.kind);
    if (bit == 0 || (s->detail_kinds & bit) || (fresh & bit)) continue;
    fresh |= bit;
    bool strong = d.kind == "email" || d.kind == "phone" || d.kind == "paypal";
    s->detail_points = static_cast<uint8_t>(std::min(255, s->detail_points + (strong ? 2 : 1)));
  }
  s->detail_kinds |= fresh;

  Decision d;
  if (s->level >= kIntentShownLevel) {
    if (before != State::kIdentification) {
      s->state = State::kIdentification;
      s->reached_identification = true;
      d.entered_identification = true;
      // Details volunteered before intent was shown count; stalling counts from here.
    } else if (fresh == 0) {
      ++s->stalled_turns;
    }
    if (s->detail_points >= options_.details_for_notice ||
        s->stalled_turns >= options_.max_identification_turns) {
      Decision n = Notice(s);
      n.entered_identification = d.entered_identification;
      return n;
    }
  } else if (s->level >= 1) {
    s->state = State::kAssessment;
  } else if (before == State::kWaiting) {
    s->state = State::kSmallTalk;
  }

  const size_t intent = static_cast<size_t>(c.primary);
  Decision r;
  if (before == State::kWaiting) {
    r = Reply(s, by_state_intent_[static_cast<size_t>(State::kWaiting)][intent], partner);
  } else if (s->state == State::kIdentification &&
             (c.primary == Intent::kSolicitation || c.primary == Intent::kPayment ||
              c.primary == Intent::kMoveApp || c.primary == Intent::kIdentity ||
              c.primary == Intent::kBenign)) {
    // Never plays along: whatever was asked, the answer is the next identification question.
    for (size_t k = 0; k < kSlotCount && !r.reply(); ++k) {
      if ((s->asked & (1u << k)) || Answered(*s, static_cast<Slot>(k))) continue;
      s->asked |= static_cast<uint8_t>(1u << k);
      r = Reply(s, by_slot_[k], partner);
    }
    if (!r.reply() && !s->glitch_used && !persona_.glitch_excuses.empty()) {
      s->glitch_used = true;
      size_t i = Hash(partner, s->agent_lines, 2) % persona_.glitch_excuses.size();
      r.text = persona_.glitch_excuses[i];
      r.bank_entry = "glitch." + std::to_string(i);
      ++s->agent_lines;
    }
  }
  if (!r.reply()) {
    r = Reply(s, by_state_intent_[static_cast<size_t>(s->state)][intent], partner);
  }
  r.entered_identification = d.entered_identification;
  return r;
}

void Policy::TakeOver(PolicyState* s) {
  s->before_takeover = s->state;
  s->state = State::kTakenOver;
}

void Policy::HandBack(PolicyState* s) {
  State back = s->before_takeover;
  if (back == State::kWaiting) back = State::kSmallTalk;
  if (s->level >= kIntentShownLevel && back != State::kIdentification) {
    back = State::kIdentification;
    s->reached_identification = true;
  }
  s->state = back;
}

Decision Policy::OnInactivity(PolicyState* s) const {
  Decision d;
  switch (s->state) {
    case State::kIdentification:
      return Notice(s);
    case State::kWaiting:
    case State::kSmallTalk:
    case State::kAssessment:
      s->state = State::kClosed;
      d.close = true;
      return d;
    default:
      return d;
  }
}

int64_t Policy::TypingDelayMs(std::string_view text, std::string_view partner, uint32_t n) const {
  const TypingModel& t = persona_.typing;
  double base = static_cast<double>(t.base_ms + t.per_char_ms * static_cast<int64_t>(text.size()));
  double u = static_cast<double>(Hash(partner, n, 3) >> 11) / 9007199254740992.0;  // [0,1)
  return static_cast<int64_t>(base * (1.0 - t.jitter + 2.0 * t.jitter * u));
}

}  // namespace bantay::bot
