// bot/bot.h: the undercover chat agent (SAFETY.md 2): persona and response bank, outgoing
// guard, intent classification, dialogue policy, detail extraction, partner profiles, and the
// Engine that runs thousands of conversations over Connectors with operator takeover.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bot/connector.h"
#include "core/core.h"

namespace bantay::evidence {
class Ledger;
}
namespace bantay::text {
class Matcher;
}

namespace bantay::bot {

// ---- Dialogue states and partner intents --------------------------------------------------

enum class State : uint8_t {
  kWaiting,        // nothing said yet; the agent never speaks first
  kSmallTalk,      // ordinary chat, no intent shown
  kAssessment,     // weak signals (age probe, move to another app): still neutral
  kIdentification, // intent shown: the agent asks for identifying details
  kDeterrence,     // the deterrence notice is being sent
  kClosed,         // the agent said its last line
  kEndedByPartner, // the partner left
  kTakenOver,      // an operator writes; the agent is silent
  kCount
};
std::string_view StateName(State s);
Result<State> ParseState(std::string_view name);

enum class Intent : uint8_t {
  kBenign,
  kSolicitation,  // asks for a show, pictures, to be alone, secrecy
  kPayment,       // offers or talks of money, remittance, e-wallets
  kAgeProbe,      // asks the age
  kMoveApp,       // asks to move to another app or to video
  kIdentity,      // discloses something identifying (name, email, phone, place, handle)
  kThreat,        // threatens
  kSuspicion,     // doubts the persona ("are you a bot", "are you police")
  kCount
};
inline constexpr size_t kIntentCount = static_cast<size_t>(Intent::kCount);
std::string_view IntentName(Intent i);
Result<Intent> ParseIntent(std::string_view name);

// ---- Persona and response bank ----------------------------------------------------------

// How fast the persona types: delay = base_ms + per_char_ms * length, times a random factor
// in [1 - jitter, 1 + jitter].
struct TypingModel {
  int64_t base_ms = 2000;
  int64_t per_char_ms = 250;
  double jitter = 0.3;
};

// One reviewed reply: the agent only ever sends texts from here (or the deterrence notice).
struct BankEntry {
  std::string id;                // stable id recorded in the transcript ("greet.hello")
  std::vector<State> states;     // dialogue states in which it may be used
  std::vector<Intent> intents;   // partner intents it answers
  std::string asks;              // identification slot it asks for ("name", "location",
                                 // "accounts", "email", "contact"), empty otherwise
  std::vector<std::string> variants;  // texts; one is chosen deterministically
  std::string where;             // file:line of the entry, for errors and review
};

struct Persona {
  std::string name;
  int age = 0;
  std::string country;             // ISO 3166 alpha-2
  std::string language_style;      // e.g. "simple English with Taglish"
  TypingModel typing;
  std::vector<std::string> glitch_excuses;   // sent as bank entries "glitch.<n>"
  std::string deterrence_notice;             // default notice (EngineOptions may override)
  std::vector<BankEntry> replies;
  std::string source;              // file name it came from
};

class Guard;

// Parses a persona JSON file. Every reply variant, excuse and the notice are checked by
// `guard`: one it would block is refused with file:line:field (SAFETY.md 2).
Result<Persona> ParsePersona(std::string_view json, std::string_view file_name, const Guard& guard);
Result<Persona> LoadPersona(const std::string& path, const Guard& guard);
// data/personas/sweetie.json, built into the binary.
Result<Persona> DefaultPersona(const Guard& guard);

// ---- Outgoing guard -----------------------------------------------------------------------

struct GuardVerdict {
  bool allowed = true;
  std::string category;  // lexicon category of the first blocking term
  std::string term;      // the blocking term as written in the lexicon
};

// Checks every outgoing line after normalisation (leetspeak, spacing, homoglyphs folded)
// against the sexual, solicitation and payment lexicon categories (a money amount, "$20",
// included) plus the meeting and media terms of data/personas/guard.tsv. Immutable;
// thread-safe.
class Guard {
 public:
  // The built-in lexicons and guard terms.
  static Result<std::shared_ptr<const Guard>> Default();
  // `matcher` must hold every term that should block (its sexual, solicitation and payment
  // categories block).
  static Result<std::shared_ptr<const Guard>> Create(std::shared_ptr<const text::Matcher> matcher);
  GuardVerdict Check(std::string_view text) const;
  const text::Matcher& matcher() const { return *matcher_; }

 private:
  Guard() = default;
  std::shared_ptr<const text::Matcher> matcher_;
  // The lexicon's "<amount>" term when it blocks (money written as an amount, which the
  // matcher does not match: text::FindAmounts reads the line); -1 when there is none.
  int amount_term_ = -1;
};

// ---- Detail extraction ----------------------------------------------------------------------

struct Detail {
  std::string kind;     // "email", "phone", "handle", "name", "age", "location", "paypal",
                        // "remittance", "bitcoin", "ethereum", "url"
  std::string value;    // normalised value (E.164 for phones, lower-case emails)
  std::string country;  // phones: region code of the number ("PH"); else empty
  std::string network;  // handles: "instagram", "telegram", ... when stated
  uint64_t message = 0; // transcript seq of the partner line
  uint32_t begin = 0;   // byte range in that line's text
  uint32_t end = 0;
};

// Finds identifying details in one partner line. `default_region` is the region used for
// phone numbers written without a country code. Thread-safe.
std::vector<Detail> ExtractDetails(std::string_view text, uint64_t message_seq,
                                   std::string_view default_region = "PH");

// ---- Intent classification ------------------------------------------------------------------

struct Classification {
  std::array<bool, kIntentCount> intents{};  // every intent seen in the message
  Intent primary = Intent::kBenign;           // the strongest one (drives the reply)
  int level = 0;                              // assessment level this message alone shows
  std::vector<std::string> terms;             // matched terms, for explanation
  bool Has(Intent i) const { return intents[static_cast<size_t>(i)]; }
};

// Assessment levels (Negobot-like; a conversation's level only ratchets up):
// 0 nothing, 1 age probe, 2 move to another app or video, 3 solicitation or payment,
// 4 solicitation and payment in one conversation, 5 threats after intent.
inline constexpr int kIntentShownLevel = 3;

// Classifies partner messages with the text module's lexicons and data/personas/intents.tsv.
// Immutable; thread-safe.
class Classifier {
 public:
  static Result<std::shared_ptr<const Classifier>> Default();
  // `details`: what ExtractDetails found in `text` (any of them shows identity); null to
  // extract here.
  Classification Classify(std::string_view text, const std::vector<Detail>* details = nullptr) const;

  struct Impl;
  ~Classifier();

 private:
  Classifier() = default;
  std::unique_ptr<Impl> impl_;
};

// ---- Clock and scheduler ------------------------------------------------------------------

// Where the engine gets time and runs delayed work (reply delays, inactivity timeouts).
// Tests use ManualScheduler and never sleep.
class Scheduler {
 public:
  virtual ~Scheduler() = default;
  virtual int64_t NowMs() const = 0;
  // Runs `task` once, at or after `at_ms`. Thread-safe.
  virtual void At(int64_t at_ms, std::function<void()> task) = 0;
};

// A scheduler with one thread of its own and the system clock.
class RealScheduler final : public Scheduler {
 public:
  RealScheduler();
  ~RealScheduler() override;  // drops tasks not yet due
  int64_t NowMs() const override;
  void At(int64_t at_ms, std::function<void()> task) override;
  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// Time stands still until the test advances it; due tasks run on the advancing thread.
class ManualScheduler final : public Scheduler {
 public:
  explicit ManualScheduler(int64_t start_ms = 1'790'000'000'000);
  ~ManualScheduler() override;
  int64_t NowMs() const override;
  void At(int64_t at_ms, std::function<void()> task) override;
  // Moves time forward to `to_ms`, running every task due by then (in time order).
  void AdvanceTo(int64_t to_ms);
  void Advance(int64_t ms) { AdvanceTo(NowMs() + ms); }
  // Runs every pending task, advancing time as far as needed. Returns tasks run.
  size_t RunAll();
  size_t pending() const;
  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// ---- Loopback connector ---------------------------------------------------------------------

// A connector without a network, for tests and load: Inject() delivers a partner line, and
// what the engine sends is handed to `on_sent` and (when `keep_sent`) kept per partner.
// Thread-safe.
class LoopbackConnector final : public Connector {
 public:
  explicit LoopbackConnector(std::string name = "loopback", bool keep_sent = true);
  ~LoopbackConnector() override;
  std::string Name() const override;
  Status Start(ConnectorCallbacks callbacks) override;
  Status Send(const std::string& partner, const std::string& text) override;
  void Stop() override;

  // Delivers `text` from `partner` (received now, or at `received_ms` when given).
  // Returns false when not started.
  bool Inject(const std::string& partner, const std::string& text, int64_t received_ms = 0);
  bool InjectEvent(ConnectorEvent::Kind kind, const std::string& partner,
                   const std::string& detail = {});
  // Called for every line sent (from the sending thread). Set before Start.
  void SetOnSent(std::function<void(const std::string& partner, const std::string& text)> f);
  std::vector<std::string> SentTo(const std::string& partner) const;
  uint64_t sent_count() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// ---- Engine ---------------------------------------------------------------------------------

struct ConversationSummary {
  std::string id, network, partner, state;
  int level = 0;
  bool taken_over = false;
  std::string operator_id;
  int64_t started_ms = 0, last_ms = 0;
  size_t lines = 0;
};

struct TranscriptLine {
  uint64_t seq = 0;
  int64_t time_ms = 0;
  std::string speaker;     // "partner" | "agent" | "operator:<id>" | "system"
  std::string text;
  std::string bank_entry;  // set for agent lines
};

// Dashboard counters, in total and per UTC day ("2026-11-23").
struct Counters {
  uint64_t conversations = 0;
  std::array<uint64_t, kIntentCount> intents{};  // partner messages showing each intent
  uint64_t identifications = 0;   // conversations that reached identification
  uint64_t notices = 0;           // deterrence notices sent
  uint64_t repeat_offenders = 0;  // partners returning after a notice
  uint64_t blocked = 0;           // outgoing lines the guard refused
  uint64_t partner_lines = 0, agent_lines = 0, operator_lines = 0;
};
struct Dashboard {
  Counters total;
  std::map<std::string, Counters> by_day;
};

// A partner as the engine knows it across sessions and nicknames.
struct PartnerProfile {
  std::string id;                       // "P-000001"
  std::vector<std::string> accounts;    // "network|account" keys seen
  // The accounts after the first, each with why it is the same person ("shared email"):
  // profiles merged on a shared identifier.
  std::vector<std::pair<std::string, std::string>> same_person;
  std::vector<std::string> nicks;
  std::vector<std::string> conversations;
  std::vector<Detail> details;
  int max_level = 0;
  uint32_t notices = 0;                 // deterrence notices received
  bool repeat_offender = false;         // came back after a notice
  bool referral = false;                // raised for referral (EngineOptions thresholds)
  // Profiles whose phrasing resembles this one's (character 3-gram cosine similarity >=
  // EngineOptions::similar_phrasing): a weaker link than a shared identifier.
  std::vector<std::pair<std::string, double>> similar;
};

struct EngineOptions {
  uint64_t seed = 1;                 // variant choice and delays are a function of this
  double delay_scale = 1.0;          // multiplies every deliberate delay; 0 answers at once
  int64_t inactivity_ms = 15 * 60 * 1000;  // a silent partner: in identification the notice is
                                           // sent, otherwise the conversation closes
  int max_identification_turns = 6;  // partner lines in identification without new details
                                     // before the notice (stalling)
  int details_for_notice = 3;        // distinct identifying details that end identification
                                     // (an email or a phone counts double)
  int64_t new_session_gap_ms = 60 * 60 * 1000;  // after a closed conversation, a partner line
                                                // this much later starts a new conversation
  uint32_t referral_after_returns = 1;  // sessions after a notice that raise a referral
  double similar_phrasing = 0.6;     // 3-gram cosine similarity that links profiles weakly
  std::string deterrence_notice;     // empty: the persona's
  std::map<std::string, std::string> operator_templates;  // id -> text (guarded when sent)
  // Evidence: every line and guard event is appended to stream "bot/<conversation id>"
  // ("bot/guard" for events outside a conversation). May be null (benchmarks).
  evidence::Ledger* ledger = nullptr;
  // Conversation ids are "B-" + this number, counting up (zero-padded to six digits). 1 by
  // default; a run on a store that holds earlier conversations starts after them
  // (NextConversationNumber), so that ids and ledger streams never collide.
  uint64_t first_conversation = 1;
  // Pseudonymises account identifiers in ledger records (SAFETY.md 3): called with
  // network + "/" + nick for the partner and with the profile account key (network + "|" +
  // account, the account of account leads) for the account of an "opened" record. Null: the
  // records carry them as they are (benchmarks, store-less runs whose ledger stays in memory
  // or in a bundle). Called with ledger appends serialised, never concurrently. An error
  // leaves the field empty and counts as a ledger error: never the identifier in clear.
  std::function<Result<std::string>(const std::string& id)> pseudonymise;
  // Time and delayed work. Null: the engine owns a RealScheduler.
  Scheduler* scheduler = nullptr;
  size_t max_line_bytes = 4096;      // partner lines are cut here (marked in the transcript)
};

// The first conversation number after those already used in `streams` (ledger stream names;
// "bot/B-<number>" counts, any other name is ignored): what EngineOptions::first_conversation
// should be for a run on a store that holds them. 1 when there are none.
uint64_t NextConversationNumber(std::span<const std::string> streams);

// Runs every conversation of the agent. Thread-safe: connectors deliver lines from their own
// threads, operators call from theirs. Every outgoing line passes the Guard; the connectors
// are held only behind it.
class Engine {
 public:
  static Result<std::unique_ptr<Engine>> Create(Persona persona,
                                                std::shared_ptr<const Guard> guard,
                                                std::shared_ptr<const Classifier> classifier,
                                                std::vector<std::shared_ptr<Connector>> connectors,
                                                EngineOptions options = {});
  ~Engine();  // stops
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Starts every connector.
  Status Start();
  // Stops every connector; later lines are ignored.
  void Stop();

  std::vector<ConversationSummary> Conversations() const;
  Result<std::vector<TranscriptLine>> Transcript(const std::string& conversation_id) const;
  // The agent stops replying; the operator's lines are attributed to them.
  Status TakeOver(const std::string& conversation_id, const std::string& operator_id);
  // REQUIRES: taken over by `operator_id`.
  Status HandBack(const std::string& conversation_id, const std::string& operator_id);
  // REQUIRES: taken over by `operator_id`. Goes through the guard (blocked: error, logged).
  Status OperatorSay(const std::string& conversation_id, const std::string& operator_id,
                     const std::string& text);
  // An operator template (EngineOptions::operator_templates), through the guard.
  Status OperatorSayTemplate(const std::string& conversation_id, const std::string& operator_id,
                             const std::string& template_id);
  // Closes the conversation without a further line from the agent.
  Status End(const std::string& conversation_id, const std::string& operator_id);
  // Observer for persistence/console mirroring: called after every transcript line (with the
  // line) and state change (line null), from engine threads, in order per conversation, while
  // that conversation is locked: it must be cheap and must not call back into the Engine.
  void SetObserver(std::function<void(const ConversationSummary&, const TranscriptLine*)>);

  Dashboard Counters() const;
  std::vector<PartnerProfile> Profiles() const;
  Result<PartnerProfile> ProfileOf(const std::string& conversation_id) const;
  Result<std::vector<Detail>> Details(const std::string& conversation_id) const;
  // One account lead (JSONL line, the ARCHITECTURE.md account-lead format `bantay ingest`
  // reads) per person who showed intent, strongest evidence first.
  std::vector<std::string> AccountLeads() const;
  // The conversation as TranscriptJsonl, for `bantay bot replay` and for the record.
  Result<std::string> TranscriptFile(const std::string& conversation_id) const;

  // Feeds a line or event as if a connector delivered it (tests, replay, stdin mode).
  void Deliver(InboundLine line);
  void DeliverEvent(ConnectorEvent event);
  // Waits until no delivery is being processed and no reply is pending, or `timeout`.
  // With a ManualScheduler, pending delayed replies count until the test advances time.
  bool WaitIdle(std::chrono::milliseconds timeout) const;

  struct Impl;

 private:
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// ---- Leads --------------------------------------------------------------------------------

// An account lead for `bantay ingest`: {"account","role":"demand","score","flagged":true,
// "window":{"start","end"},"country"?,"evidence":{"source":"bot","profile","level",
// "conversations","details":[...],"notices","repeat_offender","referral","similar_phrasing"}}.
// The score ranks evidence strength: level shown, identifying details, repeat offending.
std::string AccountLeadJson(const PartnerProfile& profile, int64_t first_ms, int64_t last_ms);
double EvidenceStrength(const PartnerProfile& profile);

// ---- Replay ---------------------------------------------------------------------------------

struct ReplayResult {
  bool identical = true;
  size_t agent_lines = 0;       // agent lines compared
  std::string first_difference; // "line 7: recorded 'x' (entry a), replayed 'y' (entry b)"
};

// Re-runs the dialogue policy on a recorded transcript (the JSONL of Engine::TranscriptFile)
// and compares the agent lines it produces with the recorded ones, in order.
Result<ReplayResult> Replay(std::string_view transcript_jsonl, std::string_view file_name,
                            const Persona& persona, std::shared_ptr<const Classifier> classifier);

// Writes a transcript as JSONL: a header line {"conversation","network","partner","persona",
// "seed","max_identification_turns","details_for_notice","deterrence_notice"} and then one
// line per TranscriptLine {"seq","time","speaker","text","bank_entry"}.
std::string TranscriptJsonl(const ConversationSummary& summary,
                            const std::vector<TranscriptLine>& lines, const EngineOptions& options,
                            const Persona& persona);

}  // namespace bantay::bot
