// bot/engine.cc: runs the agent's conversations: receives partner lines from connectors,
// classifies them, asks the policy for a reply, sends it after a human-like delay through the
// guarded outbox (the only holder of the connectors), records every line in the transcript
// and the evidence ledger, keeps partner profiles and dashboard counters, and lets operators
// take over, hand back and end conversations.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "bot/bot.h"
#include "bot/outbox.h"
#include "bot/policy.h"
#include "bot/profiles.h"
#include "evidence/evidence.h"

namespace bantay::bot {

namespace {

constexpr std::string_view kSpeakerPartner = "partner";
constexpr std::string_view kSpeakerAgent = "agent";
constexpr std::string_view kSpeakerSystem = "system";

bool Terminal(State s) {
  return s == State::kClosed || s == State::kEndedByPartner || s == State::kDeterrence;
}

// Cuts `text` to at most `max` bytes at a UTF-8 character boundary.
bool CutUtf8(std::string* text, size_t max) {
  if (text->size() <= max) return false;
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>((*text)[n]) & 0xC0) == 0x80) --n;
  text->resize(n);
  return true;
}

std::string Day(int64_t ms) { return FormatRfc3339(ms).substr(0, 10); }

}  // namespace

struct Conversation {
  std::mutex mu;
  std::string id, network, partner, account_key, profile_id;
  std::string partner_recorded;  // the partner as ledger records carry it (Outbox::RecordedId)
  PolicyState ps;
  bool taken_over = false;
  std::string operator_id;
  int64_t started_ms = 0, last_ms = 0, last_partner_ms = 0, closed_ms = 0;
  uint64_t epoch = 0;          // bumped on takeover/end: pending agent replies are dropped
  int64_t next_send_ms = 0;    // keeps delayed replies in decision order
  std::vector<TranscriptLine> lines;
  std::vector<Detail> details;
};

// Everything the scheduler's tasks may touch; they hold it weakly so that a task that fires
// after the Engine is gone does nothing.
struct Core {
  Persona persona;
  std::shared_ptr<const Guard> guard;
  std::shared_ptr<const Classifier> classifier;
  EngineOptions options;
  std::unique_ptr<Policy> policy;
  std::unique_ptr<Outbox> outbox;
  std::unique_ptr<RealScheduler> own_scheduler;
  Scheduler* scheduler = nullptr;
  ProfileBook profiles;

  mutable std::mutex mu;  // conversations, partner index, counters, observer
  std::unordered_map<std::string, std::shared_ptr<Conversation>> conversations;
  std::vector<std::string> order;  // conversation ids in creation order
  std::unordered_map<std::string, std::string> by_partner;  // network \x1f nick -> id
  uint64_t next_id = 1;
  Dashboard dashboard;
  std::function<void(const ConversationSummary&, const TranscriptLine*)> observer;
  std::atomic<bool> stopped{false};

  mutable std::mutex idle_mu;
  mutable std::condition_variable idle_cv;
  int64_t busy = 0;  // deliveries in progress + replies scheduled

  void Busy(int delta) {
    std::lock_guard lock(idle_mu);
    busy += delta;
    if (busy == 0) idle_cv.notify_all();
  }

  template <class F>
  void Count(int64_t ms, F f) {
    std::lock_guard lock(mu);
    f(dashboard.total);
    f(dashboard.by_day[Day(ms)]);
  }

  ConversationSummary Summary(const Conversation& c) const {
    ConversationSummary s;
    s.id = c.id;
    s.network = c.network;
    s.partner = c.partner;
    s.state = std::string(StateName(c.ps.state));
    s.level = c.ps.level;
    s.taken_over = c.taken_over;
    s.operator_id = c.operator_id;
    s.started_ms = c.started_ms;
    s.last_ms = c.last_ms;
    s.lines = c.lines.size();
    return s;
  }

  void Notify(const Conversation& c, const TranscriptLine* line) {
    std::function<void(const ConversationSummary&, const TranscriptLine*)> obs;
    {
      std::lock_guard lock(mu);
      obs = observer;
    }
    if (obs) obs(Summary(c), line);
  }

  // REQUIRES: c.mu held.
  void Ledger(const Conversation& c, std::string_view kind, int64_t source_ms, nlohmann::json body) {
    outbox->Record("bot/" + c.id, kind, source_ms, std::move(body));
  }

  // Appends a transcript line (and its ledger record). REQUIRES: c.mu held.
  const TranscriptLine& Append(Conversation& c, std::string_view speaker, std::string text,
                               std::string bank_entry, int64_t time_ms,
                               int64_t source_ms = kNoTime) {
    TranscriptLine line;
    line.seq = c.lines.size();
    line.time_ms = time_ms;
    line.speaker = std::string(speaker);
    line.text = std::move(text);
    line.bank_entry = std::move(bank_entry);
    c.last_ms = std::max(c.last_ms, time_ms);
    if (outbox->recording()) {
      // The ledger keeps the line's digest, not its text (as the case store does for recorded
      // content): the text of a conversation that never shows intent must be erasable by
      // retention (SAFETY.md 3) without breaking the chain. The text is in the transcript
      // (the store's bot_lines, transcript files), checkable against this digest.
      nlohmann::json body = {{"conversation", c.id},
                             {"network", c.network},
                             {"partner", c.partner_recorded},
                             {"seq", line.seq},
                             {"speaker", line.speaker},
                             {"sha256", evidence::Sha256Hex(line.text)},
                             {"bytes", line.text.size()},
                             {"time", FormatRfc3339(time_ms)}};
      if (!line.bank_entry.empty()) body["bank_entry"] = line.bank_entry;
      Ledger(c, "message", source_ms, std::move(body));
    }
    c.lines.push_back(std::move(line));
    Notify(c, &c.lines.back());
    return c.lines.back();
  }

  void System(Conversation& c, std::string text, int64_t now) {
    Append(c, kSpeakerSystem, std::move(text), {}, now);
  }

  void SetState(Conversation& c, State s, int64_t now) {
    if (c.ps.state == s) return;
    c.ps.state = s;
    if (Terminal(s)) c.closed_ms = now;
    Notify(c, nullptr);
  }

  // Sends one agent line now, through the guard. REQUIRES: c.mu held.
  void SendAgentLine(Conversation& c, const std::string& text, const std::string& entry,
                     int64_t now) {
    auto sent = outbox->Send(c.network, c.partner, text, "agent", entry, "bot/" + c.id);
    if (!sent) {
      if (sent.error().code == ErrorCode::kInvalidArgument) {
        System(c, std::string(kEventBlockedAgent) + entry + "): " + sent.error().message, now);
        Count(now, [](Counters& k) { ++k.blocked; });
      } else {
        System(c, std::string(kEventNotSent) + entry + "): " + sent.error().message, now);
      }
      if (entry == "deterrence") SetState(c, State::kClosed, now);
      return;
    }
    Append(c, kSpeakerAgent, text, entry, now);
    Count(now, [&](Counters& k) {
      ++k.agent_lines;
      if (entry == "deterrence") ++k.notices;
    });
    if (entry == "deterrence") {
      profiles.Noticed(c.profile_id);
      SetState(c, State::kClosed, now);
    }
  }

  // Carries out a policy decision: the reply after the typing delay. REQUIRES: c.mu held.
  void Carry(const std::shared_ptr<Conversation>& cp, const Decision& d, int64_t now,
             const std::weak_ptr<Core>& self) {
    Conversation& c = *cp;
    if (d.entered_identification) {
      Count(now, [](Counters& k) { ++k.identifications; });
      profiles.Identified(c.profile_id, c.ps.level);
    }
    if (d.close) {
      System(c, "closed: partner inactive", now);
      SetState(c, State::kClosed, now);
      return;
    }
    if (!d.reply()) return;
    std::string text(d.text);
    if (d.notice) c.ps.state = State::kDeterrence;  // closes once the notice is sent
    const double scale = options.delay_scale;
    int64_t delay = scale <= 0 ? 0
                               : static_cast<int64_t>(
                                     static_cast<double>(policy->TypingDelayMs(
                                         text, c.partner, c.ps.agent_lines)) * scale);
    if (delay == 0 && c.next_send_ms <= now) {
      SendAgentLine(c, text, d.bank_entry, now);
      return;
    }
    int64_t at = std::max(now + delay, c.next_send_ms + 1);
    c.next_send_ms = at;
    uint64_t epoch = c.epoch;
    Busy(+1);
    std::string entry = d.bank_entry;
    scheduler->At(at, [self, cp, epoch, text = std::move(text), entry = std::move(entry)] {
      auto core = self.lock();
      if (!core) return;
      {
        std::lock_guard lock(cp->mu);
        if (cp->epoch == epoch && !cp->taken_over && !core->stopped) {
          core->SendAgentLine(*cp, text, entry, core->scheduler->NowMs());
        }
      }
      core->Busy(-1);
    });
  }

  void ScheduleInactivity(const std::shared_ptr<Conversation>& cp, int64_t now,
                          const std::weak_ptr<Core>& self) {
    if (options.inactivity_ms <= 0) return;
    scheduler->At(now + options.inactivity_ms, [self, cp, now] {
      auto core = self.lock();
      if (!core || core->stopped) return;
      std::lock_guard lock(cp->mu);
      if (cp->last_partner_ms != now || cp->taken_over || Terminal(cp->ps.state)) return;
      int64_t t = core->scheduler->NowMs();
      Decision d = core->policy->OnInactivity(&cp->ps);
      if (!d.close && !d.reply()) return;
      core->System(*cp, std::string(kEventInactivity), t);
      core->Carry(cp, d, t, self);
    });
  }

  std::shared_ptr<Conversation> Find(const std::string& id) const {
    std::lock_guard lock(mu);
    auto it = conversations.find(id);
    return it == conversations.end() ? nullptr : it->second;
  }

  // The conversation a partner line belongs to, created when needed. `fresh` is set for a
  // new one.
  std::shared_ptr<Conversation> ForLine(const InboundLine& line, int64_t now, bool* fresh) {
    std::string key = line.network + '\x1f' + line.partner;
    std::shared_ptr<Conversation> old;
    {
      std::lock_guard lock(mu);
      auto it = by_partner.find(key);
      if (it != by_partner.end()) old = conversations[it->second];
    }
    if (old) {
      std::lock_guard lock(old->mu);
      bool expired = Terminal(old->ps.state) && now - old->closed_ms >= options.new_session_gap_ms;
      if (!expired) return old;
    }
    auto c = std::make_shared<Conversation>();
    {
      std::lock_guard lock(mu);
      char id[32];
      std::snprintf(id, sizeof id, "B-%06llu", static_cast<unsigned long long>(next_id++));
      c->id = id;
      conversations[c->id] = c;
      order.push_back(c->id);
      by_partner[key] = c->id;
    }
    c->network = line.network;
    c->partner = line.partner;
    c->account_key = line.network + '|' + (line.account.empty() ? line.partner : line.account);
    c->started_ms = c->last_ms = now;
    *fresh = true;
    return c;
  }

  void OnLine(InboundLine line, const std::weak_ptr<Core>& self) {
    if (stopped) return;
    Busy(+1);
    const int64_t now = scheduler->NowMs();
    bool fresh = false;
    auto cp = ForLine(line, now, &fresh);
    {
      std::lock_guard lock(cp->mu);
      Conversation& c = *cp;
      if (fresh) {
        ProfileBook::Opened opened = profiles.Open(c.account_key, c.partner, c.id, options);
        c.profile_id = opened.profile_id;
        Count(now, [&](Counters& k) {
          ++k.conversations;
          if (opened.returned_after_notice) ++k.repeat_offenders;
        });
        if (outbox->recording()) {
          c.partner_recorded = outbox->RecordedPartner(c.network, c.partner);
          // Pseudonymised, the account is the profile's account key, as account leads name it.
          Ledger(c, "opened", kNoTime,
                 {{"conversation", c.id}, {"network", c.network}, {"partner", c.partner_recorded},
                  {"account", options.pseudonymise ? outbox->RecordedId(c.account_key) : line.account},
                  {"profile", c.profile_id}});
        }
        Notify(c, nullptr);
        if (opened.returned_after_notice) {
          System(c, "repeat offender: partner returned after a deterrence notice" +
                        std::string(opened.referral ? "; raised for referral" : ""),
                 now);
        }
      }
      line.text = RepairUtf8(line.text);
      bool cut = CutUtf8(&line.text, options.max_line_bytes);
      const TranscriptLine& rec = Append(c, kSpeakerPartner, line.text, {}, now, line.source_ms);
      const uint64_t seq = rec.seq;
      if (cut) System(c, "partner line cut at " + std::to_string(options.max_line_bytes) + " bytes", now);
      c.last_partner_ms = now;
      std::vector<Detail> found = ExtractDetails(line.text, seq, persona.country);
      Classification cls = classifier->Classify(line.text, &found);
      c.details.insert(c.details.end(), found.begin(), found.end());
      profiles.AddLine(c.profile_id, line.text, found);
      Count(now, [&](Counters& k) {
        ++k.partner_lines;
        for (size_t i = 0; i < kIntentCount; ++i) k.intents[i] += cls.intents[i];
      });
      const State before = c.ps.state;
      const int level_before = c.ps.level;
      Decision d;
      if (c.taken_over) {
        Policy::Observe(&c.ps, cls);
      } else {
        d = policy->OnPartnerLine(&c.ps, cls, found, c.partner);
      }
      if (c.ps.level != level_before) profiles.Level(c.profile_id, c.ps.level);
      if (c.ps.state != before || c.ps.level != level_before) {
        if (Terminal(c.ps.state) && !Terminal(before)) c.closed_ms = now;
        Notify(c, nullptr);
      }
      Carry(cp, d, now, self);
      ScheduleInactivity(cp, now, self);
    }
    Busy(-1);
  }

  void OnEvent(const ConnectorEvent& e) {
    if (e.kind == ConnectorEvent::Kind::kConnected || e.kind == ConnectorEvent::Kind::kDisconnected ||
        e.kind == ConnectorEvent::Kind::kError) {
      outbox->Record("bot/network", "connector", kNoTime,
                     {{"network", e.network}, {"event", static_cast<int>(e.kind)}, {"detail", e.detail}});
      return;
    }
    std::string key = e.network + '\x1f' + e.partner;
    std::shared_ptr<Conversation> cp;
    {
      std::lock_guard lock(mu);
      auto it = by_partner.find(key);
      if (it == by_partner.end()) return;
      cp = conversations[it->second];
      if (e.kind == ConnectorEvent::Kind::kPartnerRenamed) {
        by_partner.erase(it);
        by_partner[e.network + '\x1f' + e.detail] = cp->id;
      }
    }
    const int64_t now = scheduler->NowMs();
    std::lock_guard lock(cp->mu);
    if (e.kind == ConnectorEvent::Kind::kPartnerRenamed) {
      // The transcript names the new nick as records name partners: by pseudonym when there
      // is a pseudonymiser (SAFETY.md 3), so the line does not undo it.
      const std::string recorded = outbox->RecordedPartner(cp->network, e.detail);
      System(*cp, "partner renamed to " + recorded, now);
      cp->partner = e.detail;
      if (outbox->recording()) cp->partner_recorded = recorded;
      profiles.Nick(cp->profile_id, e.detail);
      Notify(*cp, nullptr);
    } else if (e.kind == ConnectorEvent::Kind::kPartnerLeft && !Terminal(cp->ps.state)) {
      System(*cp, std::string(kEventPartnerLeft), now);
      ++cp->epoch;
      SetState(*cp, State::kEndedByPartner, now);
    }
  }
};

uint64_t NextConversationNumber(std::span<const std::string> streams) {
  uint64_t next = 1;
  for (const std::string& s : streams) {
    constexpr std::string_view kPrefix = "bot/B-";
    if (!s.starts_with(kPrefix) || s.size() == kPrefix.size()) continue;
    uint64_t n = 0;
    bool digits = true;
    for (char ch : std::string_view(s).substr(kPrefix.size())) {
      if (ch < '0' || ch > '9' || n > (UINT64_MAX - 9) / 10) {
        digits = false;
        break;
      }
      n = n * 10 + static_cast<uint64_t>(ch - '0');
    }
    if (digits && n >= next) next = n + 1;
  }
  return next;
}

struct Engine::Impl {
  std::shared_ptr<Core> core;
};

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Engine::~Engine() {
  Stop();
  // The scheduler's tasks hold the core weakly; an own scheduler thread is joined first.
  std::unique_ptr<RealScheduler> own = std::move(impl_->core->own_scheduler);
  own.reset();
}

Result<std::unique_ptr<Engine>> Engine::Create(Persona persona, std::shared_ptr<const Guard> guard,
                                               std::shared_ptr<const Classifier> classifier,
                                               std::vector<std::shared_ptr<Connector>> connectors,
                                               EngineOptions options) {
  if (!guard || !classifier) return Fail(ErrorCode::kInvalidArgument, "engine needs a guard and a classifier");
  if (persona.replies.empty()) return Fail(ErrorCode::kInvalidArgument, "persona has no replies");
  if (options.delay_scale < 0) return Fail(ErrorCode::kInvalidArgument, "delay scale must be >= 0");
  if (options.first_conversation == 0) {
    return Fail(ErrorCode::kInvalidArgument, "conversation numbers start at 1");
  }
  auto core = std::make_shared<Core>();
  core->persona = std::move(persona);
  core->guard = guard;
  core->classifier = std::move(classifier);
  core->options = std::move(options);
  PolicyOptions po;
  po.seed = core->options.seed;
  po.max_identification_turns = core->options.max_identification_turns;
  po.details_for_notice = core->options.details_for_notice;
  po.deterrence_notice = core->options.deterrence_notice;
  core->policy = std::make_unique<Policy>(core->persona, po);
  const std::string& notice = core->policy->options().deterrence_notice;
  if (notice.empty()) return Fail(ErrorCode::kInvalidArgument, "no deterrence notice configured");
  if (GuardVerdict v = guard->Check(notice); !v.allowed) {
    return Fail(ErrorCode::kInvalidArgument, "the outgoing guard blocks the deterrence notice (" +
                                                 v.category + " term \"" + v.term + "\")");
  }
  if (core->options.scheduler) {
    core->scheduler = core->options.scheduler;
  } else {
    core->own_scheduler = std::make_unique<RealScheduler>();
    core->scheduler = core->own_scheduler.get();
  }
  Scheduler* sched = core->scheduler;
  core->outbox = std::make_unique<Outbox>(std::move(guard), std::move(connectors),
                                          core->options.ledger, [sched] { return sched->NowMs(); },
                                          core->options.pseudonymise);
  core->next_id = core->options.first_conversation;
  auto impl = std::make_unique<Impl>();
  impl->core = std::move(core);
  return std::unique_ptr<Engine>(new Engine(std::move(impl)));
}

Status Engine::Start() {
  std::weak_ptr<Core> weak = impl_->core;
  ConnectorCallbacks cb;
  cb.on_line = [weak](InboundLine line) {
    if (auto core = weak.lock()) core->OnLine(std::move(line), weak);
  };
  cb.on_event = [weak](ConnectorEvent e) {
    if (auto core = weak.lock()) core->OnEvent(e);
  };
  return impl_->core->outbox->Start(cb);
}

void Engine::Stop() {
  if (impl_->core->stopped.exchange(true)) return;
  impl_->core->outbox->Stop();
}

void Engine::Deliver(InboundLine line) { impl_->core->OnLine(std::move(line), impl_->core); }
void Engine::DeliverEvent(ConnectorEvent event) { impl_->core->OnEvent(event); }

bool Engine::WaitIdle(std::chrono::milliseconds timeout) const {
  Core& c = *impl_->core;
  std::unique_lock lock(c.idle_mu);
  return c.idle_cv.wait_for(lock, timeout, [&] { return c.busy == 0; });
}

std::vector<ConversationSummary> Engine::Conversations() const {
  Core& core = *impl_->core;
  std::vector<std::shared_ptr<Conversation>> all;
  {
    std::lock_guard lock(core.mu);
    all.reserve(core.order.size());
    for (const auto& id : core.order) all.push_back(core.conversations.at(id));
  }
  std::vector<ConversationSummary> out;
  out.reserve(all.size());
  for (const auto& c : all) {
    std::lock_guard lock(c->mu);
    out.push_back(core.Summary(*c));
  }
  return out;
}

namespace {
tl::unexpected<Error> NoSuch(const std::string& id) {
  return Fail(ErrorCode::kNotFound, "no conversation \"" + id + "\"");
}
// REQUIRES: c.mu held.
Status HeldBy(const Conversation& c, const std::string& operator_id) {
  if (c.taken_over && c.operator_id == operator_id) return {};
  return Fail(ErrorCode::kInvalidArgument,
              "conversation " + c.id + " is not held by operator " + operator_id);
}
}  // namespace

Result<std::vector<TranscriptLine>> Engine::Transcript(const std::string& id) const {
  auto c = impl_->core->Find(id);
  if (!c) return NoSuch(id);
  std::lock_guard lock(c->mu);
  return c->lines;
}

Result<std::vector<Detail>> Engine::Details(const std::string& id) const {
  auto c = impl_->core->Find(id);
  if (!c) return NoSuch(id);
  std::lock_guard lock(c->mu);
  return c->details;
}

std::vector<std::string> Engine::AccountLeads() const {
  Core& core = *impl_->core;
  std::vector<std::pair<double, std::string>> ranked;
  for (const PartnerProfile& p : core.profiles.All(core.options.similar_phrasing)) {
    if (p.max_level < kIntentShownLevel) continue;
    int64_t first = INT64_MAX, last = INT64_MIN;
    for (const auto& id : p.conversations) {
      auto c = core.Find(id);
      if (!c) continue;
      std::lock_guard lock(c->mu);
      first = std::min(first, c->started_ms);
      last = std::max(last, c->last_ms);
    }
    if (first > last) continue;
    ranked.emplace_back(EvidenceStrength(p), AccountLeadJson(p, first, last));
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<std::string> out;
  for (auto& r : ranked) out.push_back(std::move(r.second));
  return out;
}

Result<std::string> Engine::TranscriptFile(const std::string& id) const {
  Core& core = *impl_->core;
  auto c = core.Find(id);
  if (!c) return NoSuch(id);
  std::lock_guard lock(c->mu);
  return TranscriptJsonl(core.Summary(*c), c->lines, core.options, core.persona);
}

Status Engine::TakeOver(const std::string& id, const std::string& operator_id) {
  if (operator_id.empty()) return Fail(ErrorCode::kInvalidArgument, "operator id is empty");
  Core& core = *impl_->core;
  auto c = core.Find(id);
  if (!c) return NoSuch(id);
  std::lock_guard lock(c->mu);
  if (Terminal(c->ps.state)) {
    return Fail(ErrorCode::kInvalidArgument, "conversation " + id + " is " + std::string(StateName(c->ps.state)));
  }
  if (c->taken_over) {
    if (c->operator_id == operator_id) return {};
    return Fail(ErrorCode::kInvalidArgument, "conversation " + id + " is held by operator " + c->operator_id);
  }
  const int64_t now = core.scheduler->NowMs();
  ++c->epoch;  // pending agent replies are not sent
  c->taken_over = true;
  c->operator_id = operator_id;
  core.System(*c, std::string(kEventTakenOver) + operator_id, now);
  Policy::TakeOver(&c->ps);
  core.Notify(*c, nullptr);
  return {};
}

Status Engine::HandBack(const std::string& id, const std::string& operator_id) {
  Core& core = *impl_->core;
  auto c = core.Find(id);
  if (!c) return NoSuch(id);
  std::lock_guard lock(c->mu);
  if (auto held = HeldBy(*c, operator_id); !held) return held;
  const int64_t now = core.scheduler->NowMs();
  c->taken_over = false;
  c->operator_id.clear();
  core.System(*c, std::string(kEventHandedBack) + operator_id, now);
  Policy::HandBack(&c->ps);
  core.Notify(*c, nullptr);
  return {};
}

namespace {
Status OperatorLine(Core& core, const std::string& id, const std::string& operator_id,
                    const std::string& text, const std::string& template_id) {
  auto c = core.Find(id);
  if (!c) return NoSuch(id);
  std::lock_guard lock(c->mu);
  if (auto held = HeldBy(*c, operator_id); !held) return held;
  const int64_t now = core.scheduler->NowMs();
  std::string speaker = "operator:" + operator_id;
  auto sent = core.outbox->Send(c->network, c->partner, text, speaker, template_id, "bot/" + c->id);
  if (!sent) {
    core.System(*c, "guard: blocked line of " + speaker + ": " + sent.error().message, now);
    core.Count(now, [](Counters& k) { ++k.blocked; });
    return tl::unexpected(sent.error());
  }
  core.Append(*c, speaker, text, template_id, now);
  core.Count(now, [](Counters& k) { ++k.operator_lines; });
  return {};
}
}  // namespace

Status Engine::OperatorSay(const std::string& id, const std::string& operator_id,
                           const std::string& text) {
  return OperatorLine(*impl_->core, id, operator_id, text, {});
}

Status Engine::OperatorSayTemplate(const std::string& id, const std::string& operator_id,
                                   const std::string& template_id) {
  const auto& templates = impl_->core->options.operator_templates;
  auto it = templates.find(template_id);
  if (it == templates.end()) {
    return Fail(ErrorCode::kNotFound, "no operator template \"" + template_id + "\"");
  }
  return OperatorLine(*impl_->core, id, operator_id, it->second, "template:" + template_id);
}

Status Engine::End(const std::string& id, const std::string& operator_id) {
  if (operator_id.empty()) return Fail(ErrorCode::kInvalidArgument, "operator id is empty");
  Core& core = *impl_->core;
  auto c = core.Find(id);
  if (!c) return NoSuch(id);
  std::lock_guard lock(c->mu);
  if (c->taken_over && c->operator_id != operator_id) {
    return Fail(ErrorCode::kInvalidArgument, "conversation " + id + " is held by operator " + c->operator_id);
  }
  if (Terminal(c->ps.state)) return {};
  const int64_t now = core.scheduler->NowMs();
  ++c->epoch;
  c->taken_over = false;
  core.System(*c, std::string(kEventEnded) + operator_id, now);
  core.SetState(*c, State::kClosed, now);
  return {};
}

void Engine::SetObserver(std::function<void(const ConversationSummary&, const TranscriptLine*)> f) {
  std::lock_guard lock(impl_->core->mu);
  impl_->core->observer = std::move(f);
}

Dashboard Engine::Counters() const {
  std::lock_guard lock(impl_->core->mu);
  return impl_->core->dashboard;
}

std::vector<PartnerProfile> Engine::Profiles() const {
  return impl_->core->profiles.All(impl_->core->options.similar_phrasing);
}

Result<PartnerProfile> Engine::ProfileOf(const std::string& id) const {
  auto c = impl_->core->Find(id);
  if (!c) return NoSuch(id);
  std::string pid;
  {
    std::lock_guard lock(c->mu);
    pid = c->profile_id;
  }
  return impl_->core->profiles.Get(pid, impl_->core->options.similar_phrasing);
}

}  // namespace bantay::bot
