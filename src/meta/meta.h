// meta/meta.h: metadata analysis of call records: readers, IP location, country profiles,
// per-account sliding windows and supply/demand scoring.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/core.h"

namespace bantay::meta {

// ---- Call records (ARCHITECTURE.md "Call records") --------------------------------------

enum class Media : uint8_t { kVideo, kAudio, kText };

struct CallRecord {
  std::string call_id;
  int64_t start_ms = 0;          // UTC ms (RFC 3339 or epoch seconds in the input)
  uint32_t duration_s = 0;
  std::string caller, callee;    // account ids as given (pseudonymised downstream)
  Media media = Media::kVideo;
  std::string caller_ip, callee_ip;            // textual IPv4/IPv6, may be empty
  std::string caller_country, callee_country;  // ISO 3166-1 alpha-2, upper case, may be empty
  std::string caller_region, callee_region;    // ISO 3166-2 ("PH-07"), may be empty
  uint64_t line = 0;             // line of the record in its input
};

// A call record whose texts are views into memory owned elsewhere (the input chunk, or the
// reader for normalised codes): what the readers check before anything is copied.
struct CallRecordView {
  std::string_view call_id;
  int64_t start_ms = 0;
  uint32_t duration_s = 0;
  std::string_view caller, callee;
  Media media = Media::kVideo;
  std::string_view caller_ip, callee_ip;
  std::string_view caller_country, callee_country;
  std::string_view caller_region, callee_region;
  uint64_t line = 0;

  CallRecordView() = default;
  explicit CallRecordView(const CallRecord& r);
  CallRecord ToRecord() const;
};

// Reads call records from CSV with a header (column order free, unknown columns ignored,
// location columns optional) or JSONL with the same names. The format and the CSV column
// map are taken from the first chunk of an input. Parse is thread-safe.
class CallRecordReader {
 public:
  // REQUIRES: `first` is the first chunk of the input `file_name`.
  static Result<CallRecordReader> Create(const Chunk& first, std::string_view file_name);

  // Parses the records of one chunk (the header line is skipped when the chunk holds it).
  // Good records go to `on_record`, bad ones to `rejects` with file:line:field.
  void Parse(const Chunk& chunk, const std::function<void(CallRecord&&)>& on_record,
             std::vector<Rejection>* rejects) const;
  // The same, without copying: each record's views are valid only during its `on_record`
  // call, and those of texts as they stand in the input point into `chunk`.
  void Parse(const Chunk& chunk, const std::function<void(const CallRecordView&)>& on_record,
             std::vector<Rejection>* rejects) const;

  bool is_csv() const { return csv_; }

  struct Columns;  // CSV column indexes, defined in the reader

 private:
  CallRecordReader() = default;
  std::string file_;
  bool csv_ = true;
  std::shared_ptr<const Columns> columns_;
};

// ---- Countries and location ---------------------------------------------------------------

enum class IncomeGroup : uint8_t { kUnknown, kLow, kLowerMiddle, kUpperMiddle, kHigh };
std::string_view IncomeGroupName(IncomeGroup g);  // "unknown", "L", "LM", "UM", "H"

struct CountryProfile {
  std::string code;   // ISO 3166-1 alpha-2
  std::string name;
  IncomeGroup income = IncomeGroup::kUnknown;
  int utc_offset_min = 0;  // a representative offset, for local hour of day
};

// Country profiles (data/countries/*.csv, built in) and the hotspot list (countries and
// ISO 3166-2 regions, data/countries/hotspots.tsv). Immutable, thread-safe.
class CountryTable {
 public:
  static Result<CountryTable> Default();
  static Result<CountryTable> Load(std::string_view countries_csv, std::string_view hotspots_tsv,
                                   std::string_view file_name);
  // nullptr when the code is unknown.
  const CountryProfile* Find(std::string_view code) const;
  // A hotspot: the whole country is listed, or the ISO 3166-2 region is, or the region is
  // unknown (or of another country) and the country has listed regions.
  bool IsHotspot(std::string_view country, std::string_view region) const;

  struct Impl;

 private:
  std::shared_ptr<const Impl> impl_;
};

struct GeoResult {
  std::string country;    // ISO alpha-2, empty when unknown
  std::string region;     // ISO 3166-2 when the database has it
  bool anonymous = false; // anonymous proxy / VPN / satellite: location unknown, never foreign
};

// IP to country (and region) lookups. Implementations: libloc (Debian libloc-database, the
// default) and MaxMind-format .mmdb (libmaxminddb). Thread-safe after creation.
class Locator {
 public:
  virtual ~Locator() = default;
  virtual GeoResult Lookup(std::string_view ip) const = 0;
  // Where the data came from and its date, for --help and --stats.
  virtual std::string Describe() const = 0;

  // The libloc database (default: /var/lib/location/database.db).
  static Result<std::unique_ptr<Locator>> OpenLibloc(const std::string& path = {});
  static Result<std::unique_ptr<Locator>> OpenMmdb(const std::string& path);
};

// ---- Analysis ---------------------------------------------------------------------------

enum class Role : uint8_t { kSupply, kDemand };
std::string_view RoleName(Role r);

// Weights and thresholds of the account models (data/meta/weights.tsv, docs/meta.md).
struct MetaWeights {
  std::vector<std::pair<std::string, double>> values;  // name -> value, in file order
  double Get(std::string_view name) const;             // REQUIRES: a known name
  static Result<MetaWeights> Parse(std::string_view content, std::string_view file_name);
  static Result<MetaWeights> Default();
};

struct MetaOptions {
  int window_days = 7;             // sliding window length
  int step_days = 1;               // window step
  double min_score = -1;           // flag threshold; < 0: the weights' flag_threshold
  bool keep_unflagged = false;     // also report unflagged scored accounts
  // Bounded state (docs/meta.md "Bounded state"). With `horizon_days` > 0, time is cut into
  // blocks of that many days; the windows ending in a block are scored as soon as the
  // input has moved `lateness_ms` past the end of the block after it, and half-edges
  // before the block preceding the next unscored one are released. A record whose block is
  // already scored is rejected as late (Analyzer::Add). 0: everything is kept and scored
  // by Finish (Kafka members keep their epochs' state this way, docs/stream.md).
  int horizon_days = 0;            // 0, or at least window_days
  int64_t lateness_ms = 86400000;  // records this far out of order are always used
  int threads = 1;                 // threads that score blocks during Add
  // Bounded state: a record that starts more than a day after this time (UTC ms; 0: the
  // clock when the analyzer is created) is rejected (AddResult::kFuture): one start far
  // ahead would close every block before it and make the rest of the input late.
  int64_t now_ms = 0;
  // Accounts the platform knows as legitimate businesses (verified tutors, call-centre
  // lines, support desks): never scored, and never a qualifying counterpart of another
  // account (a student's calls with listed tutors are no demand, a Philippine agent's calls
  // with a listed foreign client no supply). Every member of a consumer group needs the
  // same list.
  std::vector<std::string> known_accounts;
};

// `bantay meta`'s default horizon in file mode (MetaOptions::horizon_days).
inline constexpr int kFileModeHorizonDays = 28;

enum class AddResult : uint8_t {
  kAdded,
  kDuplicate,   // a call_id seen before: counted once
  kLate,        // bounded state: the record's days were scored already (MetaStats::late)
  kFuture,      // bounded state: it starts more than a day after now (MetaStats::future)
  kOutOfRange,  // it starts before 1970 or from 2106-02-07T06:28:16Z on (half-edges keep
                // 32-bit seconds; MetaStats::out_of_range)
};

struct AccountLead {
  std::string account;
  Role role = Role::kSupply;
  double score = 0;
  bool flagged = false;
  int64_t window_start_ms = 0, window_end_ms = 0;  // the window that scored highest
  // Evidence of that window.
  uint32_t distinct_foreign = 0;   // supply: distinct high-income foreign video counterparts;
                                   // demand: distinct hotspot video counterparts
  std::vector<std::string> countries;  // of those counterparts, most frequent first
  double video_share = 0;
  uint32_t new_contacts = 0;
  uint32_t calls = 0;
  double weekly_repeat = 0;        // share of counterparts met in the same weekly slot
  double median_minutes = 0;
  uint32_t flagged_counterparts = 0;  // demand: counterparts flagged as supply (and vice versa)
  std::vector<std::string> linked;    // accounts sharing an IP with this one (hubs)
  std::vector<std::string> reasons;   // top contributing features, strongest first
};

struct MetaStats {
  uint64_t records = 0, duplicates = 0, accounts = 0, unknown_location = 0,
           anonymous_ip = 0, ip_lookups = 0;
  // Bounded state: records rejected as late, blocks scored before Finish, half-edges
  // released, and the most half-edges held at once.
  uint64_t late = 0, future = 0, blocks_scored = 0, released_half_edges = 0,
           peak_half_edges = 0;
  uint64_t out_of_range = 0;  // starts before 1970 or after 2106 (AddResult::kOutOfRange)
};

// What scoring needs to know about accounts held by other members of a consumer group
// (stream scale-out, docs/stream.md). Round 0: every account with half-edges here, `value` 1
// for a hotspot account and 0 otherwise, `ips` the IPs of a hotspot account (their hashes,
// in hexadecimal: linking compares hashes). Round 1: accounts flagged as supply in the
// first supply round, `value` their score. Round 2: accounts flagged as demand, `value`
// their score.
struct SharedAccount {
  std::string account;
  float value = 0;
  std::vector<std::string> ips;
};
struct SharedRound {
  int round = 0;
  int64_t data_start_ms = INT64_MAX;  // earliest half-edge (round 0)
  std::vector<SharedAccount> accounts;
};

// Exchanges one scoring round between the members that together hold all accounts.
class ScoreExchange {
 public:
  virtual ~ScoreExchange() = default;
  // Publishes this member's `mine` and returns the union over all members (`mine`
  // included; an account may appear more than once, with the same value), with the
  // minimum `data_start_ms`. Blocks until every member has published the round.
  virtual Result<SharedRound> Share(SharedRound mine) = 0;
};

// A call record reduced to what the analysis keeps: ids hashed and locations resolved (IP
// lookups included), so that this work runs on the parse threads (Analyzer::Prepare) and the
// single-threaded Analyzer::Add does only table updates. Views point into the CallRecord it
// was prepared from, which must outlive it.
struct PreparedCall {
  struct Side {
    std::string_view account;
    uint64_t account_hash = 0, ip_hash = 0;  // the IP is kept as its hash alone
    // The account's first 16 bytes, zero-padded: Add compares a short name by these, in the
    // prepared call, rather than reading the name where it lies.
    std::array<uint64_t, 2> account_head{};
    uint64_t region = 0;        // the ISO 3166-2 code's bytes packed, 0 when unknown
    uint16_t country = 0;       // 0 when unknown
    uint8_t ip_lookup = 0, anonymous = 0;  // for MetaStats
  };
  uint64_t call_hash = 0;
  int64_t start_ms = 0;
  uint32_t duration_s = 0;
  Media media = Media::kVideo;
  Side side[2];  // caller, callee
  uint64_t line = 0;  // of the record in its input, for a late record's rejection
};

class Analyzer;

// Calls prepared for Analyzer::Add that own the names they refer to (one buffer per batch,
// or the input chunk they were read from, kept alive), so that the records they came from
// can be dropped at once: a parse thread fills one per chunk without keeping CallRecords.
class PreparedBatch {
 public:
  // REQUIRES: `analyzer` outlives the batch's use. Thread-safe across batches.
  void Add(const Analyzer& analyzer, const CallRecord& record);
  // The same for a record read from `chunk`: names inside the chunk's bytes are not copied,
  // the batch keeps the chunk's storage instead.
  void Add(const Analyzer& analyzer, const CallRecordView& record, const Chunk& chunk);
  // The calls, views pointing into this batch. Invalidated by Add.
  const std::vector<PreparedCall>& calls();

 private:
  // A name of a call copied into `names_`: which call and side (0 caller, 1 callee), and
  // where.
  struct Copied {
    uint32_t call;
    uint32_t side;
    uint32_t offset, size;
  };
  // Copies `text`, the account of side `side` of the last call, unless it lies inside the
  // chunk `inside`.
  void Keep(std::string_view text, uint32_t side, std::string_view inside);

  std::vector<PreparedCall> calls_;
  std::vector<std::shared_ptr<const void>> kept_;   // chunks that uncopied names point into
  std::string names_;                               // the other names, back to back
  std::vector<Copied> copied_;
  bool views_ok_ = true;
};

// Accumulates call records, then scores every account over sliding windows. Prepare is
// thread-safe; Add is single-threaded (with bounded state it scores blocks as they close,
// on MetaOptions::threads threads); Finish scores accounts in parallel on `threads`
// threads.
class Analyzer {
 public:
  static Result<std::unique_ptr<Analyzer>> Create(const CountryTable* countries,
                                                  const Locator* locator,  // may be null
                                                  MetaWeights weights, MetaOptions options);
  ~Analyzer();
  AddResult Add(const CallRecord& record);
  // Add in two steps: Prepare (thread-safe, any thread) then Add (single-threaded).
  void Prepare(const CallRecord& record, PreparedCall* out) const;
  // Views in `out` point where the record's do.
  void Prepare(const CallRecordView& record, PreparedCall* out) const;
  AddResult Add(const PreparedCall& call);
  // Add for each call in order; returns the index and result of each call rejected
  // (kLate, kFuture). With MetaOptions::threads > 1 the half-edges are added on a worker
  // thread, a batch behind, from copies (the calls need not outlive the call); the result
  // is that of Add, and Finish and stats wait for the worker.
  std::vector<std::pair<size_t, AddResult>> AddBatch(std::span<const PreparedCall> calls);
  // Adds only one half-edge of a call: the caller's (`caller_side`) or the callee's. A
  // member of a consumer group holds the half-edges keyed by its accounts. Half-edges of
  // the same call and side count once; one starting out of range is counted
  // (MetaStats::out_of_range) and dropped.
  void AddHalf(const CallRecord& record, bool caller_side);
  // A hint that about `records` more calls are coming (an input file's size over a typical
  // record's): the duplicate check's table is sized for them at once (up to
  // kMaxExpectedCalls, a table of 2^24 slots: 128 MiB), instead of growing step by step,
  // each step moving every call id. Under bounded state the first block released sizes it
  // for the ids kept.
  void ExpectRecords(uint64_t records);
  static constexpr uint64_t kMaxExpectedCalls = 13'000'000;
  // Leads in a deterministic order (score descending, then account).
  std::vector<AccountLead> Finish(int threads);
  // Scores only the accounts that have half-edges here, learning about the others through
  // `exchange`: given the union of all members' half-edges, the members' leads together
  // equal Finish's on the same records.
  Result<std::vector<AccountLead>> Finish(int threads, ScoreExchange* exchange);
  const MetaStats& stats() const;
  double threshold() const;

  struct Impl;

 private:
  Analyzer() = default;
  std::unique_ptr<Impl> impl_;
};

// One account lead as a JSON line (ARCHITECTURE.md "Account leads"), without newline.
std::string LeadToJson(const AccountLead& lead);

}  // namespace bantay::meta
