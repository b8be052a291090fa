// cli/bot_control.h: the bridge between a running bot Engine and the case store, through which
// `bantay serve` operators watch and steer the agent (docs/bot-operators.md): conversation
// summaries and transcript lines are mirrored into the store as they happen, dashboard
// counters every few seconds, and operator commands (takeover, say, handback, end) are polled
// from the store and carried out on the Engine, each completed with "ok" or the error.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "bot/bot.h"
#include "cases/cases.h"
#include "core/core.h"

namespace bantay::cli {

struct BotControlOptions {
  int64_t poll_ms = 200;          // how often commands are polled and mirrors written
  int64_t counters_every_ms = 5000;  // how often the dashboard counters are written
  std::string job = "bot";        // the store actor is Actor::System(job)
};

struct BotControlStats {
  uint64_t conversations_mirrored = 0;  // summary writes
  uint64_t lines_mirrored = 0;
  uint64_t commands_done = 0;           // completed ok
  uint64_t commands_failed = 0;         // completed with the engine's error
  uint64_t store_errors = 0;            // failed writes (retried at the next poll)
  std::string last_error;
};

// Runs on a thread of its own. Thread-safe. Stop (or destruction) writes what is pending and
// joins the thread. The Engine's observer is taken by the bridge (one observer per Engine).
class BotControl {
 public:
  // `store` is the bridge's own connection (a Store is not shared between threads).
  // REQUIRES: `engine` outlives the BotControl.
  static Result<std::unique_ptr<BotControl>> Start(bot::Engine& engine,
                                                   std::unique_ptr<cases::Store> store,
                                                   BotControlOptions options = {});
  ~BotControl();
  // Mirrors what is pending, then carries out pending commands, once, on the caller's thread
  // (tests call this to step the bridge without waiting for the poll interval).
  Status PollOnce();
  void Stop();
  BotControlStats Stats() const;

  struct Impl;

 private:
  explicit BotControl(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The EngineOptions::first_conversation of a run on `store`: after every conversation the
// store already knows, by ledger stream ("bot/<id>") or by mirror row, so that no id is used
// twice.
Result<uint64_t> FirstConversationNumber(cases::Store& store);

}  // namespace bantay::cli
