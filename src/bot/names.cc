// bot/names.cc: names of dialogue states and partner intents, as written in persona files,
// transcripts and the API.
#include <array>

#include "bot/bot.h"

namespace bantay::bot {

namespace {
constexpr std::array<std::string_view, static_cast<size_t>(State::kCount)> kStateNames = {
    "waiting", "small_talk", "assessment", "identification", "deterrence",
    "closed",  "ended_by_partner", "taken_over"};
constexpr std::array<std::string_view, kIntentCount> kIntentNames = {
    "benign", "solicitation", "payment", "age_probe", "move_app", "identity", "threat",
    "suspicion"};
}  // namespace

std::string_view StateName(State s) { return kStateNames[static_cast<size_t>(s)]; }
std::string_view IntentName(Intent i) { return kIntentNames[static_cast<size_t>(i)]; }

Result<State> ParseState(std::string_view name) {
  for (size_t i = 0; i < kStateNames.size(); ++i) {
    if (kStateNames[i] == name) return static_cast<State>(i);
  }
  return Fail(ErrorCode::kParse, "unknown dialogue state \"" + std::string(name) + "\"");
}

Result<Intent> ParseIntent(std::string_view name) {
  for (size_t i = 0; i < kIntentNames.size(); ++i) {
    if (kIntentNames[i] == name) return static_cast<Intent>(i);
  }
  return Fail(ErrorCode::kParse, "unknown intent \"" + std::string(name) + "\"");
}

}  // namespace bantay::bot
