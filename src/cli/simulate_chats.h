// cli/simulate_chats.h: a synthetic, template-generated chat corpus with truth labels, for
// testing and benchmarking the scanner (`bantay simulate chats`).
//
// Per SAFETY.md the corpus is keyword-level: short plain sentences with single detection
// terms ("private cam show", "western union") in them, never narratives.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/core.h"

namespace bantay::cli {

struct SimulateChatsOptions {
  uint64_t n = 1000;                      // conversations to generate
  uint64_t seed = 1;                      // same seed, same options: byte-identical output
  double positive_share = 0.3;            // share of positive conversations, in [0, 1]
  double obfuscation_rate = 0.6;          // share of conversations (positives and negatives) whose
                                          // keywords get an obfuscation, in [0, 1]
  std::vector<std::string> obfuscations;  // enabled kinds (ObfuscationKinds()); empty = all.
                                          // An obfuscated conversation draws its kind from
                                          // the enabled kinds other than "none".
  bool interleave = false;                // interleave messages of up to 8 concurrent conversations
  int64_t start_ms = 1772359200000;       // time of the first message: 2026-03-01T10:00:00Z
};

// The truth about one generated conversation.
struct ChatTruth {
  std::string conversation;  // "c000001", ...
  bool positive = false;     // an adult solicits a child (paid show or grooming)
  std::string family;        // the template family, e.g. "paid_show_minor", "remittance"
  std::string obfuscation;   // the obfuscation kind applied, "none" when none
  std::string language;      // "en", "tl" (Taglish) or "ceb" (Cebuano)
};

// Every kind name accepted in SimulateChatsOptions::obfuscations: "none", "leet", "spacing",
// "homoglyph", "repeat", "zero_width", "case", "mixed".
const std::vector<std::string>& ObfuscationKinds();

// Family names, positives first, then hard negatives.
const std::vector<std::string>& PositiveFamilies();
const std::vector<std::string>& NegativeFamilies();

// Generates options.n conversations. Each message goes to `on_line` as one chat JSONL line
// (ARCHITECTURE.md format, without the trailing newline; the view is valid only during the
// call). Each conversation's truth goes to `on_truth` once, before its first message.
// Returns kInvalidArgument for bad options, before calling either function.
// Thread-compatible: concurrent calls are safe; one call is single-threaded.
Status SimulateChats(const SimulateChatsOptions& options,
                     const std::function<void(std::string_view line)>& on_line,
                     const std::function<void(const ChatTruth&)>& on_truth);

}  // namespace bantay::cli
