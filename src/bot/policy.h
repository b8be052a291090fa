// bot/policy.h: the dialogue policy (private to the module): given the persona, the options,
// a conversation's state and one classified partner line, which bank entry the agent answers
// with. Pure and deterministic given the seed, so that `bantay bot replay` can show why the
// agent said each line.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "bot/bot.h"

namespace bantay::bot {

// Identification slots, asked in this order.
enum class Slot : uint8_t { kName, kLocation, kAccounts, kEmail, kContact, kCount };
inline constexpr size_t kSlotCount = static_cast<size_t>(Slot::kCount);

// Everything the policy remembers about one conversation (small: kept per conversation).
struct PolicyState {
  State state = State::kWaiting;
  State before_takeover = State::kWaiting;  // restored by HandBack
  uint8_t level = 0;            // only ratchets up
  bool seen_solicitation = false;
  bool seen_payment = false;
  bool glitch_used = false;
  bool reached_identification = false;
  uint8_t asked = 0;            // bit per Slot already asked
  uint8_t detail_points = 0;    // distinct identifying details (email, phone count double)
  uint16_t detail_kinds = 0;    // bit per detail kind already known
  uint16_t stalled_turns = 0;   // partner lines in identification without a new detail
  uint32_t partner_lines = 0;
  uint32_t agent_lines = 0;     // replies decided so far (variant choice input)
};

// What to do after a partner line or a timeout.
struct Decision {
  const BankEntry* entry = nullptr;  // reply from the bank (null: none)
  size_t variant = 0;
  std::string_view text;             // the chosen text (entry variant, excuse or notice)
  std::string bank_entry;            // id recorded in the transcript
  bool notice = false;               // the deterrence notice; the conversation then closes
  bool close = false;                // close without a line (inactivity before intent)
  bool entered_identification = false;
  bool reply() const { return !text.empty(); }
};

// Bit of a detail kind in PolicyState::detail_kinds; 0 for kinds that do not identify.
uint16_t DetailKindBit(std::string_view kind);

struct PolicyOptions {
  uint64_t seed = 1;
  int max_identification_turns = 6;
  int details_for_notice = 3;
  std::string deterrence_notice;
};

// System lines of the transcript that replay reads back as events (prefixes).
inline constexpr std::string_view kEventTakenOver = "taken over by operator ";
inline constexpr std::string_view kEventHandedBack = "handed back by operator ";
inline constexpr std::string_view kEventEnded = "ended by operator ";
inline constexpr std::string_view kEventInactivity = "inactivity";
inline constexpr std::string_view kEventPartnerLeft = "partner left";
inline constexpr std::string_view kEventBlockedAgent = "guard: blocked agent line (";
inline constexpr std::string_view kEventNotSent = "not sent (";

class Policy {
 public:
  Policy(const Persona& persona, PolicyOptions options);

  // A partner line, classified, with the identifying details found in it.
  // REQUIRES: state not taken over (the engine records, but does not answer).
  Decision OnPartnerLine(PolicyState* s, const Classification& c,
                         const std::vector<Detail>& details, std::string_view partner) const;
  // Ratchets the level for a line read while an operator has the conversation.
  static void Observe(PolicyState* s, const Classification& c);
  // An operator takes the conversation; HandBack returns it to the agent (to identification
  // if intent was shown meanwhile).
  static void TakeOver(PolicyState* s);
  static void HandBack(PolicyState* s);
  // The partner has been silent for the inactivity timeout.
  Decision OnInactivity(PolicyState* s) const;
  // Human-like typing delay for `text`, before delay scaling.
  int64_t TypingDelayMs(std::string_view text, std::string_view partner, uint32_t n) const;

  const Persona& persona() const { return persona_; }
  const PolicyOptions& options() const { return options_; }

 private:
  Decision Reply(PolicyState* s, const std::vector<uint16_t>& candidates,
                 std::string_view partner) const;
  Decision Notice(PolicyState* s) const;
  uint64_t Hash(std::string_view partner, uint64_t a, uint64_t b) const;

  const Persona& persona_;
  PolicyOptions options_;
  // Entry indices per state and intent (entries without `asks`), and per slot.
  std::array<std::array<std::vector<uint16_t>, kIntentCount>, static_cast<size_t>(State::kCount)>
      by_state_intent_;
  std::array<std::vector<uint16_t>, kSlotCount> by_slot_;
};

}  // namespace bantay::bot
