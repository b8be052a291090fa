// cli/bot_control.cc: BotControl: Engine observer -> pending mirror -> store, and store
// commands -> Engine, on one polling thread.
#include "cli/bot_control.h"

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace bantay::cli {

namespace {

// Dashboard counter names, as the console shows them.
void AddCounters(const std::string& day, const bot::Counters& c, std::vector<cases::BotCounter>* out) {
  auto add = [&](const std::string& name, uint64_t v) {
    out->push_back({day, name, static_cast<int64_t>(v)});
  };
  add("conversations", c.conversations);
  add("identifications", c.identifications);
  add("notices", c.notices);
  add("repeat_offenders", c.repeat_offenders);
  add("blocked", c.blocked);
  add("partner_lines", c.partner_lines);
  add("agent_lines", c.agent_lines);
  add("operator_lines", c.operator_lines);
  for (size_t i = 0; i < bot::kIntentCount; ++i) {
    add("intent:" + std::string(bot::IntentName(static_cast<bot::Intent>(i))), c.intents[i]);
  }
}

}  // namespace

struct BotControl::Impl {
  struct Pending {
    bot::ConversationSummary summary;
    std::vector<cases::BotLine> lines;
  };

  bot::Engine* engine = nullptr;
  std::unique_ptr<cases::Store> store;
  BotControlOptions options;
  cases::Actor actor;

  std::mutex mu;  // guards pending, stats, stopping
  std::condition_variable cv;
  std::map<std::string, Pending> pending;
  BotControlStats stats;
  bool stopping = false;
  std::mutex poll_mu;  // one PollOnce at a time (the thread or a test)
  std::chrono::steady_clock::time_point last_counters{};
  std::thread thread;

  void Observe(const bot::ConversationSummary& s, const bot::TranscriptLine* line) {
    std::lock_guard<std::mutex> lock(mu);
    Pending& p = pending[s.id];
    p.summary = s;
    if (line) {
      p.lines.push_back({static_cast<int64_t>(line->seq), line->time_ms, line->speaker, line->text,
                         line->bank_entry});
    }
  }

  void NoteError(const Error& e) {
    std::lock_guard<std::mutex> lock(mu);
    ++stats.store_errors;
    stats.last_error = e.ToString();
  }

  // Writes everything observed since the last poll in one transaction; on failure the batch
  // is put back ahead of what was observed since (lines stay in order) for the next poll.
  Status Mirror() {
    std::map<std::string, Pending> batch;
    {
      std::lock_guard<std::mutex> lock(mu);
      batch.swap(pending);
    }
    if (batch.empty()) return {};
    std::vector<cases::Store::BotMirror> mirrors;
    mirrors.reserve(batch.size());
    size_t lines = 0;
    for (const auto& entry : batch) {
      const bot::ConversationSummary& s = entry.second.summary;
      mirrors.push_back({{s.id, s.network, s.partner, s.state, s.level, s.taken_over, s.operator_id,
                          s.started_ms, s.last_ms, static_cast<int64_t>(s.lines), 0},
                         entry.second.lines});
      lines += entry.second.lines.size();
    }
    const Status st = store->MirrorBotConversations(actor, mirrors);
    std::lock_guard<std::mutex> lock(mu);
    if (st) {
      stats.conversations_mirrored += batch.size();
      stats.lines_mirrored += lines;
      return {};
    }
    for (auto& entry : batch) {
      Pending& again = pending[entry.first];
      again.lines.insert(again.lines.begin(), entry.second.lines.begin(), entry.second.lines.end());
      if (again.summary.id.empty()) again.summary = entry.second.summary;
    }
    ++stats.store_errors;
    stats.last_error = st.error().ToString();
    return st;
  }

  Status WriteCounters() {
    const bot::Dashboard d = engine->Counters();
    std::vector<cases::BotCounter> counters;
    for (const auto& [day, c] : d.by_day) AddCounters(day, c, &counters);
    return store->SetBotCounters(actor, counters);
  }

  Status Apply(const cases::BotCommand& cmd) {
    const std::string& id = cmd.conversation_id;
    if (cmd.kind == "takeover") return engine->TakeOver(id, cmd.operator_id);
    if (cmd.kind == "handback") return engine->HandBack(id, cmd.operator_id);
    if (cmd.kind == "say") return engine->OperatorSay(id, cmd.operator_id, cmd.text);
    if (cmd.kind == "end") return engine->End(id, cmd.operator_id);
    return Fail(ErrorCode::kInvalidArgument, "unknown command " + cmd.kind, "bot_commands:kind");
  }

  Status RunCommands() {
    auto cmds = store->PendingBotCommands(actor);
    if (!cmds) return tl::unexpected(cmds.error());
    for (const cases::BotCommand& cmd : *cmds) {
      const Status applied = Apply(cmd);
      auto done = store->CompleteBotCommand(actor, cmd.id, applied ? "ok" : applied.error().ToString());
      if (!done) return done;
      std::lock_guard<std::mutex> lock(mu);
      ++(applied ? stats.commands_done : stats.commands_failed);
    }
    return {};
  }

  Status PollOnce(bool force_counters) {
    std::lock_guard<std::mutex> lock(poll_mu);
    Status mirrored = Mirror();
    Status ran = RunCommands();
    // A command's effect (a takeover, an operator line) is mirrored in the same poll.
    Status mirrored_after = Mirror();
    const auto now = std::chrono::steady_clock::now();
    Status counted;
    if (force_counters || now - last_counters >= std::chrono::milliseconds(options.counters_every_ms)) {
      last_counters = now;
      counted = WriteCounters();
    }
    for (const Status* s : {&ran, &counted}) {
      if (!*s) NoteError(s->error());
    }
    for (const Status* s : {&mirrored, &ran, &mirrored_after, &counted}) {
      if (!*s) return *s;
    }
    return {};
  }

  void Loop() {
    std::unique_lock<std::mutex> lock(mu);
    while (!stopping) {
      cv.wait_for(lock, std::chrono::milliseconds(options.poll_ms), [&] { return stopping; });
      if (stopping) break;
      lock.unlock();
      (void)PollOnce(false);  // errors are counted in stats and retried next time
      lock.lock();
    }
  }
};

Result<std::unique_ptr<BotControl>> BotControl::Start(bot::Engine& engine,
                                                      std::unique_ptr<cases::Store> store,
                                                      BotControlOptions options) {
  if (!store) return Fail(ErrorCode::kInvalidArgument, "no store", "bot_control:store");
  if (options.poll_ms < 1 || options.counters_every_ms < 1) {
    return Fail(ErrorCode::kInvalidArgument, "poll intervals must be positive", "bot_control:poll_ms");
  }
  auto impl = std::make_unique<Impl>();
  impl->engine = &engine;
  impl->store = std::move(store);
  impl->options = std::move(options);
  impl->actor = cases::Actor::System(impl->options.job);
  Impl* raw = impl.get();
  engine.SetObserver([raw](const bot::ConversationSummary& s, const bot::TranscriptLine* line) {
    raw->Observe(s, line);
  });
  // What the engine already holds (a bridge started after the engine) is mirrored in full.
  for (const bot::ConversationSummary& s : engine.Conversations()) {
    auto lines = engine.Transcript(s.id);
    raw->Observe(s, nullptr);
    if (lines) {
      for (const bot::TranscriptLine& l : *lines) raw->Observe(s, &l);
    }
  }
  raw->thread = std::thread([raw] { raw->Loop(); });
  return std::unique_ptr<BotControl>(new BotControl(std::move(impl)));
}

BotControl::BotControl(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
BotControl::~BotControl() { Stop(); }

Status BotControl::PollOnce() { return impl_->PollOnce(true); }

void BotControl::Stop() {
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    if (impl_->stopping) return;
    impl_->stopping = true;
  }
  impl_->cv.notify_all();
  if (impl_->thread.joinable()) impl_->thread.join();
  impl_->engine->SetObserver(nullptr);
  (void)impl_->PollOnce(true);  // the last lines and counters
}

BotControlStats BotControl::Stats() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->stats;
}

Result<uint64_t> FirstConversationNumber(cases::Store& store) {
  auto names = store.ledger_storage().Streams();
  if (!names) return tl::unexpected(names.error());
  auto mirrored = store.BotConversationIds(cases::Actor::System("bot"));
  if (!mirrored) return tl::unexpected(mirrored.error());
  for (const std::string& id : *mirrored) names->push_back("bot/" + id);
  return bot::NextConversationNumber(*names);
}

}  // namespace bantay::cli
