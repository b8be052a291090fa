// cases/cases.h: the case store: leads into cases, workflow, authorisations, retention,
// users and roles, audit and referral reports, over SQLite (embedded) or PostgreSQL.
//
// Every call takes the acting user; permissions come from one table (PermissionTable) and are
// checked in one place; a refused call is itself written to the audit stream. Every change to a
// case appends a record to the case's evidence stream ("case/<id>") in the same transaction as
// the rows it describes; reads, exports, re-identifications, takeovers, deletions, logins and
// refusals go to the "audit" stream. See docs/cases.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/core.h"
#include "evidence/evidence.h"

namespace bantay::cases {

// ---- Roles and permissions ---------------------------------------------------------------

enum class Role { kAnalyst, kSupervisor, kAuditor, kAdmin, kSystem };
std::string_view RoleName(Role r);
Result<Role> ParseRole(std::string_view name);  // "analyst", "supervisor", "auditor", "admin"

// Every operation the store offers. Deny by default: an action is allowed only to the roles
// listed for it in PermissionTable().
enum class Action {
  kListCases,       // queue listing
  kReadCase,        // case detail (audited)
  kIngest,          // leads into cases
  kTriage,          // set-status new/triage/review, assign, link
  kRefer,           // set-status referred, build referral reports
  kDismiss,         // set-status dismissed, "no abuse found" (deletes recorded content)
  kAddNote,
  kManageAuthorisations,
  kRecordContent,   // identification phase (needs an authorisation as well)
  kReidentify,      // pseudonym -> account id (needs a reason; audited)
  kExport,          // evidence bundle export (audited)
  kTakeover,        // operator takeover of an agent conversation (audited)
  kReadAudit,       // audit stream view and verification
  kManageUsers,
  kRunRetention,
};
std::string_view ActionName(Action a);

// action -> roles allowed. The only place permissions are defined.
const std::vector<std::pair<Action, std::vector<Role>>>& PermissionTable();
bool Allowed(Role role, Action action);

// Refusals by role are ErrorCode::kPermissionDenied (the HTTP server answers 403) with this
// message prefix (the CLI prints it) and `where` = the user.
inline constexpr std::string_view kPermissionDenied = "permission denied";
bool IsPermissionDenied(const Error& e);  // e.code == ErrorCode::kPermissionDenied

// The person (or job) on whose behalf a call runs. `user` must name an existing user, except
// for Actor::System(), which the CLI's ingest and retention jobs use (role kSystem).
struct Actor {
  std::string user;
  std::string ip;  // for the audit log and login rate limiting; may be empty
  static Actor System(std::string job) { return Actor{"system:" + job, ""}; }
};

// ---- Options -----------------------------------------------------------------------------

struct Options {
  // Clock, UTC milliseconds since the epoch. Default: the system clock. Tests inject one.
  std::function<int64_t()> now_ms;
  // Keyed-hash key for pseudonyms (at least 16 bytes). Empty: read or create (mode 0600)
  // pseudonym_key_file; if that is empty too, "bantay-pseudonym.key" in an SQLite store's
  // directory. A PostgreSQL store needs one of the two.
  std::string pseudonym_key;
  std::filesystem::path pseudonym_key_file;
  // Ed25519 evidence signing key file (evidence::Signer::LoadOrCreate). Empty:
  // "bantay-signing.key" in an SQLite store's directory; required for PostgreSQL.
  std::filesystem::path signing_key_file;
  // Retention (RunRetention): days after dismissal at which a dismissed case's lead bodies
  // (flagged text, evidence snippets) are erased (30); days after which recorded content of
  // any case not referred is erased (90); referred cases keep their content (the referral
  // is the police's from then on) until referred_content_days (365).
  int dismissed_lead_days = 30;
  int unreferred_content_days = 90;
  int referred_content_days = 365;
  // Undercover agent conversations that never showed intent (assessment level below 3: only
  // small talk, an age question, a request to move app) lose their transcript text this many
  // hours after their last line (SAFETY.md 3); conversations with intent are kept for their
  // case.
  int bot_no_intent_hours = 24;
  // Login rate limiting: after max_failed_logins failures within login_window_s for one user
  // (or one IP), logins are refused for lockout_s.
  int max_failed_logins = 5;
  int login_window_s = 900;
  int lockout_s = 900;
  // Argon2id cost (libsodium crypto_pwhash_str). Defaults: libsodium's INTERACTIVE limits
  // (2 passes, 64 MiB). Tests lower them (e.g. 1 pass, 8 KiB is refused by libsodium; use
  // crypto_pwhash_OPSLIMIT_MIN and MEMLIMIT_MIN).
  uint64_t pwhash_opslimit = 2;
  size_t pwhash_memlimit = 64u << 20;
  // Evidence checkpoints: a signed checkpoint every this many records per stream.
  uint64_t checkpoint_every = 100;
};

// ---- Leads -------------------------------------------------------------------------------

enum class LeadKind { kConversation, kAccount, kMedia, kReport };
std::string_view LeadKindName(LeadKind k);  // "text", "meta", "media", "report"

// One parsed input line, before pseudonymisation.
struct Lead {
  LeadKind kind = LeadKind::kConversation;
  std::string content_hash;   // hex SHA-256 of the line's canonical JSON: the replay key
  double score = 0;
  bool flagged = false;
  std::string primary;        // account the lead is about (requester, scored account); may be empty
  std::string conversation;   // scan output only
  std::vector<std::string> subjects;  // every account named (primary first)
  std::vector<std::pair<std::string, std::string>> related;  // (account, reason) to link cases
  std::string country;        // the suspect's country when the lead states it ("country")
  std::string source_time;    // the lead's own time (window end), RFC 3339, may be empty
  nlohmann::json body;        // the line as parsed
};

// Detects the kind of one JSON line (scan output, account lead, media match lead) and parses
// it. Errors name `where` ("file:line") plus the bad field.
Result<Lead> ParseLead(std::string_view line, std::string_view where);

// ---- Cases -------------------------------------------------------------------------------

enum class CaseStatus { kNew, kTriage, kReview, kReferred, kDismissed };
std::string_view StatusName(CaseStatus s);
Result<CaseStatus> ParseStatus(std::string_view name);
// Allowed: new->triage, triage->review|dismissed, review->referred|dismissed|triage.
bool TransitionAllowed(CaseStatus from, CaseStatus to);

struct CaseSummary {
  std::string id;                     // "C-000001"
  CaseStatus status = CaseStatus::kNew;
  std::string kind;                   // "text", "meta", "media", "report" or "mixed"
  double score = 0;                   // max over its leads
  std::vector<std::string> subjects;  // pseudonyms
  std::string assignee;               // empty: unassigned
  std::string country;                // suspect's country, when known
  int64_t created_ms = 0, updated_ms = 0;
  int64_t leads = 0;
};

enum class SortBy { kScore, kUpdated, kCreated, kId };

struct CaseFilter {
  std::optional<CaseStatus> status;
  std::string kind;          // empty: any
  std::string assignee;      // empty: any
  std::string subject;       // a pseudonym: cases naming it
  double min_score = 0;
  SortBy sort = SortBy::kScore;
  bool descending = true;
  int64_t offset = 0;
  int64_t limit = 100;       // at most 1000
};

struct CasePage {
  std::vector<CaseSummary> cases;
  int64_t total = 0;         // matching cases, ignoring offset/limit
};

struct Note {
  int64_t id = 0;
  std::string author, text;
  int64_t created_ms = 0;
};

struct LeadRecord {
  std::string content_hash, kind;
  double score = 0;
  int64_t received_ms = 0;
  nlohmann::json body;       // pseudonymised; null once erased by retention
};

struct Authorisation {
  std::string id;                     // "A-000001"
  std::string case_id;
  std::string authority;              // the judge or authority who granted it
  std::string legal_reference;        // warrant / order number
  std::vector<std::string> scope;     // pseudonyms of the accounts covered
  int64_t start_ms = 0, expiry_ms = 0;
  std::string granted_by;             // the user who recorded it
  int64_t revoked_ms = 0;             // 0: not revoked
};

struct RecordedContent {
  std::string id;                     // "M-000001"
  std::string account;                // pseudonym
  std::optional<std::string> content; // nullopt once deleted
  std::string sha256;                 // of the content, kept after deletion
  std::string source_time;
  int64_t received_ms = 0;
  std::string authorisation_id;
};

struct CaseDetail {
  CaseSummary summary;
  std::vector<LeadRecord> leads;
  std::vector<Note> notes;
  std::vector<Authorisation> authorisations;
  std::vector<RecordedContent> contents;
  std::vector<std::pair<std::string, std::string>> links;  // (other case id, reason)
  std::vector<evidence::Record> timeline;  // the case's evidence stream: its history
};

struct IngestCounts {
  uint64_t ingested = 0;   // new cases opened
  uint64_t merged = 0;     // leads added to an existing case
  uint64_t duplicate = 0;  // leads already in the store (replay)
  uint64_t linked = 0;     // case links created
};

// The JSON shape of a case, shared by `bantay cases list/show` and the HTTP API: times as
// RFC 3339, status by name; the detail adds leads, notes, authorisations, contents (null once
// deleted), links and the timeline (evidence records).
nlohmann::json SummaryToJson(const CaseSummary& c);
nlohmann::json DetailToJson(const CaseDetail& d);

// ---- Users -------------------------------------------------------------------------------

struct UserInfo {
  std::string name;
  Role role = Role::kAnalyst;
  bool disabled = false;
};

// ---- Referral ----------------------------------------------------------------------------

// One row of data/referral/agencies.csv.
struct Agency {
  std::string country;   // ISO 3166-1 alpha-2, or "*" for the fallback
  std::string agency, channel, contact, source;
};
// Parses the routing table (CSV header: country,agency,channel,contact,source).
Result<std::vector<Agency>> ParseAgencies(std::string_view csv, std::string_view file_name);
// The routing table from `path`; if empty, the built-in data/referral/agencies.csv (when the
// build embeds it), else that file relative to the working directory.
Result<std::vector<Agency>> LoadAgencies(const std::string& path);
// The agency for a country: its own row(s) first, else the "*" rows.
std::vector<Agency> RouteAgencies(std::span<const Agency> table, std::string_view country);

struct ReferralReport {
  std::string xml, json, html;
  std::vector<Agency> agencies;
  // Subjects whose account ids the report names (identified referrals only).
  std::vector<std::string> identified;
};

// ---- Undercover agent: mirrored conversations and operator commands ---------------------
// The `bantay bot` process mirrors its conversations here and polls operator commands that
// `bantay serve` inserts (docs/bot-operators.md). Partners appear only as pseudonyms.

struct BotConversation {
  std::string id;            // the engine's conversation id
  std::string network;       // connector name, e.g. "irc:127.0.0.1:6667"
  std::string partner;       // as mirrored: the pseudonym of network + "/" + nick
  std::string state;         // dialogue state name
  int level = 0;             // assessment level (only ratchets up)
  bool taken_over = false;
  std::string operator_id;   // the operator holding it, when taken over
  int64_t started_ms = 0, last_ms = 0;
  int64_t lines = 0;
  int64_t erased_ms = 0;     // when retention erased its transcript text (0: not erased)
};

struct BotLine {
  int64_t seq = 0;           // 0, 1, 2, ... within a conversation
  int64_t time_ms = 0;
  std::string speaker;       // "partner" | "agent" | "operator:<user>" | "system"
  std::string text;
  std::string bank_entry;    // the response bank entry of an agent line
};

struct BotCommand {
  int64_t id = 0;
  std::string conversation_id;
  std::string kind;          // "takeover" | "say" | "handback" | "end"
  std::string operator_id;   // the user who issued it
  std::string text;          // for "say"
  int64_t created_ms = 0, done_ms = 0;  // done_ms 0: pending
  std::string result;        // "ok" or the engine's error
};

// A dashboard counter for one UTC day ("2026-03-01"), e.g. "conversations", "intent:payment",
// "identifications", "notices", "repeat_offenders".
struct BotCounter {
  std::string day, name;
  int64_t value = 0;
};

// ---- The store ---------------------------------------------------------------------------

// A case store. Open one per thread (connections are not shared); several stores may be open
// on one database at once (writers are serialised by the database).
class Store {
 public:
  virtual ~Store() = default;

  // "sqlite" or "postgresql".
  virtual std::string_view Backend() const = 0;
  virtual int SchemaVersion() const = 0;

  // -- Users and login --
  // Creates the first admin; refused once any user exists.
  virtual Status Bootstrap(std::string_view name, std::string_view password) = 0;
  virtual Status CreateUser(const Actor& actor, std::string_view name, Role role,
                            std::string_view password) = 0;
  virtual Status SetUserDisabled(const Actor& actor, std::string_view name, bool disabled) = 0;
  virtual Result<std::vector<UserInfo>> ListUsers(const Actor& actor) = 0;
  // Checks a password. Refused (kInvalidArgument, same message for unknown user and wrong
  // password) while the user or IP is locked out; every attempt is audited.
  virtual Result<UserInfo> Login(std::string_view name, std::string_view password,
                                 std::string_view ip) = 0;
  // The role of a user (no permission needed: the server uses it to build sessions).
  virtual Result<UserInfo> GetUser(std::string_view name) = 0;

  // -- Ingest --
  // Pseudonymises, merges and links a batch of leads in one transaction: all or nothing.
  virtual Result<IngestCounts> Ingest(const Actor& actor, std::span<const Lead> leads) = 0;
  // Keyed pseudonym of an account id ("p_" + 32 hex characters).
  virtual std::string Pseudonym(std::string_view account_id) const = 0;
  // Pseudonym(account_id), with the id kept (encrypted) so that a supervisor can re-identify
  // it: for a writer that puts pseudonyms into the store itself (the undercover agent's ledger
  // records). kIngest.
  virtual Result<std::string> RememberPseudonym(const Actor& actor,
                                                std::string_view account_id) = 0;
  // Supervisor only, with a non-empty reason; audited.
  virtual Result<std::string> Reidentify(const Actor& actor, std::string_view pseudonym,
                                         std::string_view reason) = 0;

  // -- Queue and case detail --
  virtual Result<CasePage> ListCases(const Actor& actor, const CaseFilter& filter) = 0;
  // Audited read.
  virtual Result<CaseDetail> GetCase(const Actor& actor, std::string_view case_id) = 0;

  // -- Workflow --
  virtual Status SetStatus(const Actor& actor, std::string_view case_id, CaseStatus status,
                           std::string_view note) = 0;
  virtual Status Assign(const Actor& actor, std::string_view case_id,
                        std::string_view assignee) = 0;
  virtual Result<int64_t> AddNote(const Actor& actor, std::string_view case_id,
                                  std::string_view text) = 0;
  virtual Status SetCountry(const Actor& actor, std::string_view case_id,
                            std::string_view country) = 0;
  // "No abuse found": dismisses the case and deletes all content recorded for it (the ledger
  // keeps a deletion record with each content's SHA-256).
  virtual Status CloseNoAbuse(const Actor& actor, std::string_view case_id,
                              std::string_view reason) = 0;

  // -- Authorisations and the identification phase --
  // REQUIRES: start < expiry; scope non-empty (pseudonyms of the case's subjects or others).
  virtual Result<std::string> AddAuthorisation(const Actor& actor, const Authorisation& a) = 0;
  virtual Status RevokeAuthorisation(const Actor& actor, std::string_view authorisation_id) = 0;
  // Records one message of a covered account. Refused (kInvalidArgument) unless an
  // authorisation of the case covering `account` (a pseudonym) is active now.
  virtual Result<std::string> RecordContent(const Actor& actor, std::string_view case_id,
                                            std::string_view account, std::string_view content,
                                            std::string_view source_time) = 0;
  // Audits an operator takeover of an agent conversation (the bot module calls this).
  virtual Status RecordTakeover(const Actor& actor, std::string_view case_id,
                                std::string_view conversation, std::string_view reason) = 0;

  // -- Retention --
  struct RetentionCounts {
    uint64_t lead_bodies_erased = 0, contents_deleted = 0;
    uint64_t bot_conversations_erased = 0, bot_lines_erased = 0;
  };
  // Enforces Options' retention periods at time `now_ms`; every deletion is ledgered. An
  // agent conversation without intent loses its transcript lines; its ledger stream
  // "bot/<id>" (which holds line digests, never text) gets a "deletion" record.
  virtual Result<RetentionCounts> RunRetention(const Actor& actor, int64_t now_ms) = 0;

  // -- Evidence, audit and referral --
  // The case's stream and checkpoints (audited as an export).
  virtual Result<std::pair<std::vector<evidence::Record>, std::vector<evidence::Checkpoint>>>
  ExportCase(const Actor& actor, std::string_view case_id) = 0;
  // Writes the evidence bundle of a case into `dir` (with `extra_files` already in `dir`
  // listed in its manifest by the evidence module).
  virtual Result<evidence::BundleSummary> WriteCaseBundle(const Actor& actor,
                                                          std::string_view case_id,
                                                          const std::filesystem::path& dir) = 0;
  virtual Result<std::vector<evidence::Record>> ReadAudit(const Actor& actor,
                                                          uint64_t from_seq = 0) = 0;
  // Verifies every stream (or only `stream`) against its checkpoints.
  virtual Result<evidence::VerifyReport> VerifyLedger(const Actor& actor,
                                                      std::string_view stream = {}) = 0;
  // Without `identify_reason` the report names subjects by pseudonym only. With one (needs
  // kRefer and kReidentify: supervisors), the report names each subject's account id as the
  // police need it, and every subject re-identified is audited as "reidentify" with the reason
  // and the case, in the same transaction as the report.
  virtual Result<ReferralReport> BuildReferral(const Actor& actor, std::string_view case_id,
                                               std::span<const Agency> agencies,
                                               std::string_view identify_reason) = 0;
  // Whether `actor` may export the case's referral with its evidence bundle (kExport and
  // kRefer), checked before anything is built or written; a refusal is audited.
  virtual Status AuthoriseReferralExport(const Actor& actor, std::string_view case_id) = 0;

  // -- Undercover agent (docs/bot-operators.md) --
  // The bot process (a system actor with kIngest) mirrors a conversation's summary and any
  // new transcript lines; lines already stored (same seq) are kept as they were. The partner
  // is stored as Pseudonym(network + "/" + nick), re-identifiable like any account.
  virtual Status MirrorBotConversation(const Actor& actor, BotConversation conversation,
                                       std::span<const BotLine> lines) = 0;
  // The same for many conversations in one transaction (the bridge's poll: one commit per
  // poll rather than one per conversation).
  struct BotMirror {
    BotConversation conversation;
    std::vector<BotLine> lines;
  };
  virtual Status MirrorBotConversations(const Actor& actor, std::span<const BotMirror> batch) = 0;
  // Sets dashboard counters (absolute values per day and name).
  virtual Status SetBotCounters(const Actor& actor, std::span<const BotCounter> counters) = 0;
  // The id of every mirrored conversation (the bot process, kIngest: a new run numbers its
  // conversations after them).
  virtual Result<std::vector<std::string>> BotConversationIds(const Actor& actor) = 0;
  // Most recently active first (at most `limit`).
  virtual Result<std::vector<BotConversation>> ListBotConversations(const Actor& actor,
                                                                    int64_t limit = 200) = 0;
  // Lines with seq > after_seq (-1: all; the engine numbers lines from 0). Opening a
  // transcript (after_seq < 0) is audited as "bot_read"; polls for newer lines are not.
  virtual Result<std::vector<BotLine>> ReadBotTranscript(const Actor& actor,
                                                         std::string_view conversation_id,
                                                         int64_t after_seq = -1) = 0;
  virtual Result<std::vector<BotCounter>> ListBotCounters(const Actor& actor) = 0;
  // An operator command (kTakeover: analyst or supervisor), audited as "bot_<kind>". "say"
  // needs text; the others take none. Returns the command id.
  virtual Result<int64_t> AddBotCommand(const Actor& actor, std::string_view conversation_id,
                                        std::string_view kind, std::string_view text) = 0;
  // Commands not yet done, oldest first (the bot process, kIngest).
  virtual Result<std::vector<BotCommand>> PendingBotCommands(const Actor& actor) = 0;
  virtual Status CompleteBotCommand(const Actor& actor, int64_t command_id,
                                    std::string_view result) = 0;
  virtual Result<BotCommand> GetBotCommand(const Actor& actor, int64_t command_id) = 0;

  // The ledger storage on this store's tables (records written in the store's transaction
  // when one is open). For the evidence module and tests.
  virtual evidence::LedgerStorage& ledger_storage() = 0;
};

// Opens a store: "postgresql://..." (or "postgres://...") is PostgreSQL, anything else is a
// path to an SQLite file (created if missing). Applies pending schema migrations.
Result<std::unique_ptr<Store>> OpenStore(std::string_view spec, Options options = {});

}  // namespace bantay::cases
