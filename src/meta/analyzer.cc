// meta/analyzer.cc: per-account sliding windows over call records, supply and demand scores.
//
// Every call becomes two half-edges, one per account. At the end, each account's half-edges
// are swept in time order with windows of `window_days` ending on each day the account was
// active (a window ending on a quiet day cannot score higher than one ending on an active
// day). Supply is scored for accounts whose home is a hotspot, demand for accounts whose
// home is a high-income country; then each side gains from flagged counterparts on the
// other (one round, linear in the number of half-edges), and hotspot accounts sharing an IP
// with a flagged hub are linked to it.
#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>
#include <absl/container/inlined_vector.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <charconv>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <functional>
#include <mutex>
#include <span>
#include <thread>
#include <tuple>

#include "meta/hash_slots.h"
#include "meta/interner.h"
#include "meta/meta.h"

namespace bantay::meta {

namespace {

constexpr int64_t kDayMs = 86400000;
constexpr int64_t kHourMs = 3600000;

// One half-edge, 12 bytes: the analysis holds two per call. Its start is kept in whole
// seconds since 1970 (calls starting outside 1970..2106 are rejected: AddResult::kOutOfRange):
// every feature reads starts by the minute, hour or day, and windows and blocks begin on
// whole days, so milliseconds change no result.
struct Edge {
  uint32_t start_s;
  uint32_t other;
  // Capped at kMaxEdgeDuration: every feature reads durations only up to 4 hours.
  uint16_t duration_s;
  // The other side's country (14 bits: an index into Impl::country_codes, 0 = unknown)
  // and the Media (2 bits) in one word, not bit-fields: assigned a field at a time where
  // the edge is stored, bit-fields made GCC load that word first (on a fresh page of the
  // ingest worker's buffer, a read fault and then a write-protect fault with a TLB
  // shootdown: 2.3% of a large run's samples were the shootdowns alone).
  uint16_t country_media;
  uint16_t other_country() const { return country_media & 0x3FFF; }
  uint8_t media() const { return static_cast<uint8_t>(country_media >> 14); }
  int64_t start_ms() const { return int64_t{start_s} * 1000; }
  static Edge Of(uint32_t start_s, uint32_t other, uint16_t duration_s, uint16_t other_country,
                 uint8_t media) {
    return {start_s, other, duration_s,
            static_cast<uint16_t>((other_country & 0x3FFFu) | (media & 3u) << 14)};
  }
};
static_assert(sizeof(Edge) == 12);
// The starts a half-edge can hold: [0, kEdgeStartLimitMs).
constexpr int64_t kEdgeStartLimitMs = (int64_t{1} << 32) * 1000;
bool EdgeStartInRange(int64_t start_ms) { return start_ms >= 0 && start_ms < kEdgeStartLimitMs; }
constexpr uint32_t kMaxEdgeDuration = 65535;

template <class Votes, class K>
void Vote(Votes* votes, K key) {
  for (auto& v : *votes) {
    if (v.first == key) {
      ++v.second;
      return;
    }
  }
  votes->emplace_back(key, 1);
}

// The most voted key; ties go to the smaller name, so that the winner does not depend on
// the order in which keys were first seen (members of a consumer group see other orders).
template <class Votes, class K>
K Winner(const Votes& votes, K none, const std::vector<std::string>& names) {
  K best = none;
  uint32_t best_n = 0;
  for (const auto& [k, n] : votes) {
    if (n > best_n || (n == best_n && names[k] < names[best])) {
      best = k;
      best_n = n;
    }
  }
  return best;
}

// What few accounts need: more IPs than one, more places than one. One cache line: the
// first IPs inline (the ingest worker prefetches the line, see WorkerLoop), the votes for
// further places, fewer still, behind a pointer.
struct AccountExtra {
  struct Votes {
    std::vector<std::pair<uint16_t, uint32_t>> country, region;  // other keys than inline
  };
  absl::InlinedVector<uint64_t, 6> ips;  // after AccountData::first_ip, in first-seen order
  std::unique_ptr<Votes> votes;
  Votes& MoreVotes() {
    if (!votes) votes = std::make_unique<Votes>();
    return *votes;
  }
};
static_assert(sizeof(AccountExtra) == 64);

// An account's half-edges and what they say about it, in one cache line: the ingest worker
// reads it per half-edge, at random over hundreds of thousands of accounts, and each further
// line read was a cache miss (120 bytes of inline vectors were two lines and, once an
// account had more than four IPs, a third in the heap on every half-edge). The first place
// and the first and last IPs stay inline, since most of an account's calls repeat them;
// the rest goes to `extra`.
struct alignas(64) AccountData {
  std::vector<Edge> edges;
  // Hashes of the account's IPs (IpHash): linking compares them, and nothing prints an IP.
  uint64_t first_ip = 0;  // the first kept, 0 for none yet
  uint64_t last_ip = 0;   // the last seen (kept, or over kMaxIps), 0 for none yet
  std::unique_ptr<AccountExtra> extra;
  uint16_t country = 0, region = 0;      // the first voted, 0 for none yet
  uint32_t country_n = 0, region_n = 0;  // their votes
  bool had_edges = false;                // counted in MetaStats::accounts

  static constexpr size_t kMaxIps = 64;
  // Whether AddIp(ip) would read `extra`.
  bool IpNeedsExtra(uint64_t ip) const {
    return ip != 0 && ip != last_ip && ip != first_ip && extra != nullptr;
  }
  // `ip` is an IpHash; 0 (no IP) is not kept. At most kMaxIps.
  void AddIp(uint64_t ip) {
    if (ip == 0 || ip == last_ip) return;
    last_ip = ip;
    if (ip == first_ip) return;
    if (first_ip == 0) {
      first_ip = ip;
      return;
    }
    AddMoreIp(ip);
  }
  template <class F>
  void ForEachIp(const F& f) const {
    if (first_ip == 0) return;
    f(first_ip);
    if (extra) {
      for (uint64_t ip : extra->ips) f(ip);
    }
  }
  void VoteCountry(uint16_t key) {
    if (!VoteInline(&country, &country_n, key)) Vote(&Extra().MoreVotes().country, key);
  }
  void VoteRegion(uint16_t key) {
    if (!VoteInline(&region, &region_n, key)) Vote(&Extra().MoreVotes().region, key);
  }
  // The most voted country (region), as Winner.
  uint16_t HomeCountry(const std::vector<std::string>& names) const {
    return WinnerOf(country, country_n, extra && extra->votes ? &extra->votes->country : nullptr,
                    names, [](uint16_t, uint32_t) { return true; });
  }
  // The most voted country besides `home` with at least `min_share` of the country votes, 0
  // for none (or when min_share is not positive).
  uint16_t OtherCountry(uint16_t home, double min_share,
                        const std::vector<std::string>& names) const {
    if (min_share <= 0) return 0;
    const auto* more = extra && extra->votes ? &extra->votes->country : nullptr;
    uint64_t total = country_n;
    if (more != nullptr) {
      for (const auto& v : *more) total += v.second;
    }
    return WinnerOf(country, country_n, more, names, [&](uint16_t k, uint32_t n) {
      return k != home && n >= min_share * static_cast<double>(total);
    });
  }
  // The most voted region of the home country `country` (a code such as "DE"): a foreigner's
  // calls from a hotspot while travelling make no hotspot account of him.
  uint16_t HomeRegion(const std::vector<std::string>& names, std::string_view country) const {
    return WinnerOf(region, region_n, extra && extra->votes ? &extra->votes->region : nullptr,
                    names, [&](uint16_t k, uint32_t) {
                      return names[k].size() > country.size() && names[k][country.size()] == '-' &&
                             names[k].compare(0, country.size(), country) == 0;
                    });
  }

 private:
  AccountExtra& Extra() {
    if (!extra) extra = std::make_unique<AccountExtra>();
    return *extra;
  }
  [[gnu::noinline]] void AddMoreIp(uint64_t ip) {
    auto& more = Extra().ips;
    if (std::find(more.begin(), more.end(), ip) == more.end() && more.size() + 1 < kMaxIps) {
      more.push_back(ip);
    }
  }
  // Counts a vote for `key` inline when it is the inline key or none is set yet.
  static bool VoteInline(uint16_t* inline_key, uint32_t* n, uint16_t key) {
    if (*inline_key == key) {
      ++*n;
    } else if (*inline_key == 0) {
      *inline_key = key;
      *n = 1;
    } else {
      return false;
    }
    return true;
  }
  // Winner among the inline key and `more`, of the keys `keep(key, votes)` accepts.
  template <class Keep>
  static uint16_t WinnerOf(uint16_t key, uint32_t n,
                           const std::vector<std::pair<uint16_t, uint32_t>>* more,
                           const std::vector<std::string>& names, const Keep& keep) {
    absl::InlinedVector<std::pair<uint16_t, uint32_t>, 4> all;
    if (key != 0 && keep(key, n)) all.emplace_back(key, n);
    if (more != nullptr) {
      for (const auto& v : *more) {
        if (keep(v.first, v.second)) all.push_back(v);
      }
    }
    return Winner(all, uint16_t{0}, names);
  }
};
static_assert(sizeof(AccountData) == 64);

// Features of one window of one account.
struct WindowFeatures {
  int64_t start_ms = 0, end_ms = 0;
  uint32_t calls = 0, video = 0, audio = 0;
  uint32_t q_calls = 0, q_video = 0, q_audio = 0;  // calls with qualifying counterparts
  uint32_t flagged_calls = 0;  // video calls with counterparts flagged on the other side
  uint32_t distinct = 0;       // qualifying counterparts (see Sweep)
  uint32_t unscheduled = 0;    // of those, neither in a repeated weekly slot nor regulars
  uint32_t new_contacts = 0;   // qualifying counterparts first met inside the window
  uint32_t flagged = 0;        // qualifying counterparts flagged on the other side
  double flagged_score = 0;    // sum of their scores
  double weekly_repeat = 0;    // share of qualifying counterparts met in a repeated weekly slot
  double mid_duration = 0;     // share of qualifying video calls of 5 to 60 minutes
  double long_recurring = 0;   // share of qualifying counterparts with 3+ calls over 60 min
  double calls_per_day = 0;
  double evening_share = 0;    // qualifying calls in the counterpart's evening or night
  double fixed_duration = 0;   // share of qualifying video calls of the modal length (+-1 min)
  double median_minutes = 0;
  std::vector<std::pair<uint16_t, uint32_t>> countries;  // of qualifying counterparts
};


double Sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }

// How many of a window's qualifying counterparts in its most common country exceed what a
// clientele spread over countries gives: at most `share` of them in one country, plus two
// standard deviations of a binomial draw. A call centre serves one market (a US client's
// line takes US callers only); a hub's customers come from many high-income countries.
double OneCountryExcess(const WindowFeatures& f, double share) {
  uint32_t top = 0;
  for (const auto& c : f.countries) top = std::max(top, c.second);
  const double d = f.distinct;
  const double expected = share * d + 2 * std::sqrt(d * share * (1 - share));
  return std::max(0.0, top - expected);
}

// One side's weights, looked up once rather than by name per account.
struct SideWeights {
  double bias, distinct, new_share, video_share, mid_duration, weekly_repeat, volume, audio_share,
      long_recurring, evening_share, flagged, flagged_calls, fixed_duration, too_few, one_country;
  static SideWeights Of(const MetaWeights& w, const std::string& prefix) {
    auto get = [&](const char* name) { return w.Get(prefix + name); };
    return {get("bias"),           get("distinct"),      get("new_share"),  get("video_share"),
            get("mid_duration"),   get("weekly_repeat"), get("volume"),     get("audio_share"),
            get("long_recurring"), get("evening_share"), get("flagged"),    get("flagged_calls"),
            get("fixed_duration"), get("too_few"),       get("one_country")};
  }
};

// An account's best window on one side: its logit, features and contributions.
struct Scored {
  double z = -1e9;
  WindowFeatures f;
  std::vector<std::pair<const char*, double>> parts;
};
// Per account, null when no window of the account was scored on that side (most accounts:
// a full Scored for each of hundreds of thousands of accounts was 180 bytes of memory
// written and first touched per account and round).
using ScoredPtr = std::unique_ptr<Scored>;
double ZOf(const ScoredPtr& s) { return s ? s->z : -1e9; }

// Which windows a scoring pass scores and which half-edges it sees (bounded state): windows
// ending on days that start in [from_day_ms, to_day_ms), half-edges before context_end_ms;
// the ones before context_start_ms were released.
// How many calls ahead the ingest threads start loading table slots and accounts: their
// tables are far larger than the cache on large inputs.
constexpr size_t kAhead = 8;

// A call as the ingest tables resolved it: what its two half-edges need.
struct ResolvedCall {
  int64_t start_ms;
  uint32_t account[2];  // caller, callee ids
  uint64_t ip[2];        // IpHash, 0 for none
  uint16_t country[2];  // CountrySlot, 0 unknown
  uint16_t region[2];   // index into Impl::region_codes, 0 unknown
  uint16_t duration_s;  // capped at kMaxEdgeDuration
  uint8_t media;
  bool defer_votes;  // bounded state: the sides' places vote only once scoring reaches it
};

struct SweepRange {
  int64_t from_day_ms = INT64_MIN, to_day_ms = INT64_MAX;
  int64_t context_start_ms = INT64_MIN, context_end_ms = INT64_MAX;
};

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

// Indices are handed out in blocks: one shared counter per index was a cache line bouncing
// between the cores for each of hundreds of thousands of accounts, four times a pass.
void ParallelFor(size_t n, int threads, const std::function<void(size_t)>& fn) {
  constexpr size_t kBlock = 64;
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t first; (first = next.fetch_add(kBlock)) < n;) {
      const size_t end = std::min(n, first + kBlock);
      for (size_t i = first; i < end; ++i) fn(i);
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads && n > 256; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
}

}  // namespace

std::string_view RoleName(Role r) { return r == Role::kSupply ? "supply" : "demand"; }

// ---- Weights ------------------------------------------------------------------------------

double MetaWeights::Get(std::string_view name) const {
  for (const auto& [k, v] : values) {
    if (k == name) return v;
  }
  return 0;
}

Result<MetaWeights> MetaWeights::Parse(std::string_view content, std::string_view file_name) {
  MetaWeights w;
  auto st = ForEachTsvRow(
      content, file_name, {"name", "value"},
      [&](uint64_t line_no, const std::vector<std::string_view>& cols) -> Status {
        if (cols.size() != 2) {
          return Fail(ErrorCode::kParse, "expected name<TAB>value", Where(file_name, line_no));
        }
        double v = 0;
        auto [ptr, ec] = std::from_chars(cols[1].data(), cols[1].data() + cols[1].size(), v);
        if (ec != std::errc() || ptr != cols[1].data() + cols[1].size()) {
          return Fail(ErrorCode::kParse, "value is not a number: '" + std::string(cols[1]) + "'",
                      Where(file_name, line_no, "value"));
        }
        w.values.emplace_back(std::string(cols[0]), v);
        return {};
      });
  if (!st) return tl::unexpected(st.error());
  static constexpr std::string_view kRequired[] = {
      "flag_threshold",  "window_min_distinct", "supply.bias",   "supply.distinct",
      "demand.bias",     "demand.distinct",     "demand.flagged"};
  for (auto r : kRequired) {
    if (std::none_of(w.values.begin(), w.values.end(),
                     [&](const auto& kv) { return kv.first == r; })) {
      return Fail(ErrorCode::kParse, "missing weight '" + std::string(r) + "'",
                  Where(file_name, 0));
    }
  }
  return w;
}

Result<MetaWeights> MetaWeights::Default() {
  for (const auto& [path, content] : EmbeddedFiles()) {
    if (path == "data/meta/weights.tsv") return Parse(content, path);
  }
  return Fail(ErrorCode::kInternal, "no metadata weights embedded in this build");
}

// ---- Analyzer -----------------------------------------------------------------------------

namespace {

// 64x64 -> 128-bit multiply, folded: wyhash's mixing step.
inline uint64_t Mix(uint64_t a, uint64_t b) {
  const unsigned __int128 r = static_cast<unsigned __int128>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

// The hash of an account id, IP or call id as the ingest tables key it (a duplicate call is
// one with the same call-id hash). Names are short: wyhash's construction, two overlapping
// loads and two multiplications up to 16 bytes, instead of a general byte hash (~4x fewer
// instructions).
uint64_t HashName(std::string_view s) {
  constexpr uint64_t k0 = 0xa0761d6478bd642f, k1 = 0xe7037ed1a0b428db;
  const char* p = s.data();
  const size_t n = s.size();
  uint64_t a = 0, b = 0, seed = k0;
  if (n >= 8 && n <= 16) {
    std::tie(a, b) = bantay::internal::EndWords<uint64_t>(p, n);
  } else if (n >= 4 && n < 8) {
    std::tie(a, b) = bantay::internal::EndWords<uint32_t>(p, n);
  } else if (n > 0 && n < 4) {
    a = static_cast<uint64_t>(static_cast<uint8_t>(p[0])) << 16 |
        static_cast<uint64_t>(static_cast<uint8_t>(p[n / 2])) << 8 | static_cast<uint8_t>(p[n - 1]);
  } else if (n > 16) {
    for (size_t i = 0; i + 16 < n; i += 16) {
      std::memcpy(&a, p + i, 8);
      std::memcpy(&b, p + i + 8, 8);
      seed = Mix(a ^ k1, b ^ seed);
    }
    std::memcpy(&a, p + n - 16, 8);
    std::memcpy(&b, p + n - 8, 8);
  }
  return Mix(k1 ^ n, Mix(a ^ k1, b ^ seed));
}

// An IP as accounts keep it: its 64-bit hash, never 0 (0 is "no IP"). Linking accounts
// compares these (two addresses share one with probability 2^-63); no table of IP texts is
// kept, as nothing prints an IP.
uint64_t IpHash(std::string_view ip) { return ip.empty() ? 0 : HashName(ip) | 1; }

using internal::Interner;
using internal::NameHead;
using internal::TaggedHashSet;

// An ISO 3166-2 code ("PH-07", at most 6 bytes) packed into an integer; 0 for none or for
// a longer text, which no ISO 3166-2 code is.
uint64_t PackRegion(std::string_view code) {
  if (code.empty() || code.size() > 8) return 0;
  uint64_t v = 0;
  std::memcpy(&v, code.data(), code.size());
  return v;
}

std::string UnpackRegion(uint64_t v) {
  char buf[8];
  std::memcpy(buf, &v, 8);
  return std::string(buf, strnlen(buf, 8));
}

// Index of a two-letter country code (either case) in Impl::country_codes, 0 for anything
// else: every alpha-2 code has its slot from the start, so the lookup is read-only.
uint16_t CountrySlot(std::string_view code) {
  if (code.size() != 2) return 0;
  const int a = (code[0] | 0x20) - 'a', b = (code[1] | 0x20) - 'a';
  if (a < 0 || a >= 26 || b < 0 || b >= 26) return 0;
  return static_cast<uint16_t>(a * 26 + b + 1);
}

}  // namespace

// Analyzer::Impl::Sweep's working memory, one per thread.
struct SweepScratch {
  struct PerOther {
    uint32_t calls = 0, video = 0, long_calls = 0;
    uint16_t country = 0;
    bool qualifies = false;
  };
  std::vector<uint8_t> q;
  absl::flat_hash_map<uint32_t, uint32_t> index;  // counterpart -> dense index
  std::vector<uint32_t> at;                       // half-edge -> its counterpart's index
  // By index: the counterpart, its first contact, whether it is met in a repeated weekly
  // slot, its part of the window, whether it is in `active`.
  std::vector<uint32_t> others;
  std::vector<int64_t> first_seen;
  std::vector<uint8_t> scheduled;
  std::vector<uint8_t> regular;               // explained as a relationship (MarkRegulars)
  std::vector<uint32_t> days_met;  // MarkRegulars' days per counterpart, and the last one
  std::vector<int64_t> last_day;
  std::vector<PerOther> in_window;
  std::vector<uint8_t> listed;
  std::vector<uint32_t> active;
  absl::flat_hash_map<uint64_t, std::pair<int64_t, uint8_t>> slot_weeks;  // slot -> week, n
  std::deque<std::pair<int64_t, uint32_t>> active_days;
};

struct Analyzer::Impl {
  const CountryTable* countries = nullptr;
  const Locator* locator = nullptr;
  MetaWeights w;
  MetaOptions opt;
  MetaStats stats;
  absl::flat_hash_set<std::string_view> known;  // MetaOptions::known_accounts, into `opt`

  Interner account_ids;  // index into `accounts`
  std::vector<AccountData> accounts;
  TaggedHashSet seen_calls;  // call-id hashes, tagged with their block (bounded state)
  // Index 0 is "unknown", then every alpha-2 code (CountrySlot).
  std::vector<std::string> country_codes;
  std::vector<IncomeGroup> income;
  std::vector<int> utc_offset_min;
  absl::flat_hash_map<uint64_t, uint16_t> region_idx;  // PackRegion -> index
  std::vector<std::string> region_codes{""};

  double threshold = 0.5;
  // Sweep (MarkRegulars): the days a hotspot account meets a counterpart on video from
  // which it is a supply regular (weights.tsv regular_min_days; 0: never).
  uint32_t regular_min_days = 0;
  int64_t data_start_ms = 0;  // earliest call: contacts are "new" only with history before
  int64_t earliest_ms = INT64_MAX;  // earliest half-edge added
  uint64_t half_edges = 0;          // held now

  // Best results of the passes so far (one pass without bounded state): per account, the
  // best supply window (final round, with the shared-IP bonus), the best demand window, the
  // best first-round supply logit, and the accounts linked by shared IPs.
  std::vector<ScoredPtr> best_supply, best_demand;
  std::vector<double> best_supply1;
  std::vector<std::vector<uint32_t>> best_linked;

  // Bounded state (MetaOptions::horizon_days > 0, docs/meta.md "Bounded state"): blocks of
  // horizon_ms from anchor_ms (the first record's day, less the lateness).
  int64_t horizon_ms = 0;
  bool anchored = false, scored_any = false;
  int64_t anchor_ms = 0;
  int64_t next_block = 0;                  // once scored_any: the first unscored block
  int64_t max_start_ms = INT64_MIN;
  int64_t future_limit_ms = INT64_MAX;     // MetaOptions::now_ms plus a day
  int64_t released_before_ms = INT64_MIN;  // half-edges before this were released
  // A pass places accounts by the calls up to its context's end, whichever later calls came
  // early (within the lateness). A pass starts when the input's time less the lateness
  // enters a new block, and reads the calls before that block: the places of calls from
  // the block after (vote_limit_ms) wait here until a pass reaches them.
  struct PendingVote {
    uint32_t account, start_s;
    uint16_t country, region;
  };
  std::deque<PendingVote> pending_votes;
  int64_t vote_limit_ms = INT64_MAX;

  int64_t BlockOf(int64_t t) const { return FloorDiv(t - anchor_ms, horizon_ms); }
  int64_t BlockStart(int64_t b) const { return anchor_ms + b * horizon_ms; }

  // One scoring pass over the half-edges held (Analyzer::Finish, and blocks as they close),
  // merged into the best results so far.
  Status Score(int threads, ScoreExchange* exchange, const SweepRange& range);
  // Scores the blocks that the input has moved `lateness` past the block after, then
  // releases what the next blocks no longer need.
  // The first unscored block and the last one that can be scored now.
  std::pair<int64_t, int64_t> UnscoredBlocks() const;
  bool BlocksReady() const;
  void ScoreClosedBlocks();
  void Release(int64_t before_ms);
  std::vector<AccountLead> Leads();

  const std::vector<std::string>& account_names() const { return account_ids.names(); }

  void InitCountries() {
    country_codes.assign(1, "");
    income.assign(1, IncomeGroup::kUnknown);
    utc_offset_min.assign(1, 0);
    for (char a = 'A'; a <= 'Z'; ++a) {
      for (char b = 'A'; b <= 'Z'; ++b) {
        const std::string code{a, b};
        const CountryProfile* p = countries->Find(code);
        country_codes.push_back(code);
        income.push_back(p ? p->income : IncomeGroup::kUnknown);
        utc_offset_min.push_back(p ? p->utc_offset_min : 0);
      }
    }
  }

  uint32_t Account(uint64_t hash, std::string_view name) {
    const uint32_t id = account_ids.Id(hash, name);
    if (id == accounts.size()) accounts.emplace_back();
    return id;
  }
  uint32_t Account(std::string_view name) { return Account(HashName(name), name); }

  uint16_t Region(uint64_t packed) {
    if (packed == 0) return 0;
    auto [it, inserted] = region_idx.try_emplace(packed, static_cast<uint16_t>(region_codes.size()));
    if (inserted) region_codes.push_back(UnpackRegion(packed));
    return it->second;
  }

  // The side's location: record columns win; otherwise the IP, unless it is anonymous.
  // Thread-safe (the locator is).
  void PrepareSide(std::string_view account, std::string_view country, std::string_view region,
                   std::string_view ip, PreparedCall::Side* s) const {
    s->account = account;
    s->account_hash = HashName(account);
    s->account_head = NameHead(account);
    s->ip_hash = IpHash(ip);
    s->country = CountrySlot(country);
    s->region = PackRegion(region);
    s->ip_lookup = s->anonymous = 0;
    if (s->country != 0 || ip.empty() || locator == nullptr) return;
    s->ip_lookup = 1;
    GeoResult g = locator->Lookup(ip);
    if (g.anonymous) {
      s->anonymous = 1;
      return;
    }
    s->country = CountrySlot(g.country);
    if (s->region == 0) s->region = PackRegion(g.region);
  }

  // Counts the sides' location outcomes (once per call kept).
  void CountLocation(const PreparedCall::Side& s) {
    stats.ip_lookups += s.ip_lookup;
    stats.anonymous_ip += s.anonymous;
    stats.unknown_location += s.country == 0;
  }

  // Admits a call (bounded state's lateness and future starts, duplicates) and resolves it
  // for AddEdges: account ids, location, stats. Sets `*due` when blocks are now ready to be
  // scored (ScoreClosedBlocks), after the call's half-edges are added.
  AddResult Admit(const PreparedCall& p, ResolvedCall* c, bool* due) {
    ++stats.records;
    *due = false;
    if (!EdgeStartInRange(p.start_ms)) {
      ++stats.out_of_range;
      return AddResult::kOutOfRange;
    }
    int64_t block = 0;
    if (horizon_ms > 0) {
      if (!anchored) {
        anchored = true;
        anchor_ms = FloorDiv(p.start_ms - opt.lateness_ms, kDayMs) * kDayMs;
      }
      if (p.start_ms > future_limit_ms) {
        ++stats.future;
        return AddResult::kFuture;
      }
      block = BlockOf(p.start_ms);
      if (scored_any && block < next_block) {
        ++stats.late;
        return AddResult::kLate;
      }
    }
    if (!seen_calls.Insert(p.call_hash, static_cast<uint8_t>(block))) {
      ++stats.duplicates;
      return AddResult::kDuplicate;
    }
    Resolve(p, c);
    for (int k = 0; k < 2; ++k) {
      c->account[k] =
          account_ids.Id(p.side[k].account_hash, p.side[k].account, p.side[k].account_head);
    }
    if (horizon_ms > 0) {
      // Decided before the call moves the input's time: a call that closes blocks is
      // after the context of the pass it starts.
      c->defer_votes = p.start_ms >= vote_limit_ms;
      if (p.start_ms > max_start_ms) {
        max_start_ms = p.start_ms;
        *due = BlocksReady();
        vote_limit_ms = BlockStart(BlockOf(max_start_ms - opt.lateness_ms) + 1);
      }
    }
    return AddResult::kAdded;
  }

  // What a kept call's half-edges need besides account ids (Admit, AddHalf); counts its
  // location outcomes.
  void Resolve(const PreparedCall& p, ResolvedCall* c) {
    for (int k = 0; k < 2; ++k) {
      CountLocation(p.side[k]);
      c->ip[k] = p.side[k].ip_hash;
      c->country[k] = p.side[k].country;
      c->region[k] = Region(p.side[k].region);
    }
    c->start_ms = p.start_ms;
    c->duration_s = static_cast<uint16_t>(std::min(p.duration_s, kMaxEdgeDuration));
    c->media = static_cast<uint8_t>(p.media);
    c->defer_votes = false;
    earliest_ms = std::min(earliest_ms, p.start_ms);
  }

  static void VotePlace(AccountData* a, uint16_t country, uint16_t region) {
    if (country != 0) a->VoteCountry(country);
    if (region != 0) a->VoteRegion(region);
  }
  // Counts the pending votes of calls before `before_ms`.
  void CountPendingVotes(int64_t before_ms) {
    auto keep =
        std::remove_if(pending_votes.begin(), pending_votes.end(), [&](const PendingVote& v) {
          if (int64_t{v.start_s} * 1000 >= before_ms) return false;
          VotePlace(&accounts[v.account], v.country, v.region);
          return true;
        });
    pending_votes.erase(keep, pending_votes.end());
  }

  // Both half-edges of a resolved call, added at once (Analyzer::Add, and AddBatch on one
  // thread).
  void AddEdges(const ResolvedCall& c) {
    const uint32_t top = std::max(c.account[0], c.account[1]);
    if (top >= accounts.size()) accounts.resize(top + 1);
    AddEdge(HalfOf(c, 0));
    AddEdge(HalfOf(c, 1));
  }

  // A half-edge as AddEdge takes it: the account, its place and IP, the edge.
  struct HalfEdge {
    uint64_t ip;
    uint32_t account;
    Edge edge;
    uint16_t country, region;
    bool defer_votes;
  };
  static_assert(sizeof(HalfEdge) == 32);
  // The half-edge of side `own`. Admit and AddHalf keep the start in range.
  static HalfEdge HalfOf(const ResolvedCall& c, int own) {
    return {c.ip[own],
            c.account[own],
            Edge::Of(static_cast<uint32_t>(c.start_ms / 1000), c.account[1 - own], c.duration_s,
                     c.country[1 - own], static_cast<uint8_t>(c.media)),
            c.country[own],
            c.region[own],
            c.defer_votes};
  }

  // Adds a half-edge to its account: location votes, IP and edge.
  // REQUIRES: h.account < accounts.size().
  void AddEdge(const HalfEdge& h) {
    AccountData& a = accounts[h.account];
    if (!a.had_edges) {
      a.had_edges = true;
      ++stats.accounts;
    }
    ++half_edges;
    if (h.defer_votes) {
      if (h.country != 0 || h.region != 0) {
        pending_votes.push_back({h.account, h.edge.start_s, h.country, h.region});
      }
    } else {
      VotePlace(&a, h.country, h.region);
    }
    a.AddIp(h.ip);
    // Copied as bytes: constructed in place, the bit-fields made the compiler read the
    // vector's tail before writing it, a cache miss that stalled the worker (~85% of its
    // time here); plain stores do not wait for the line.
    a.edges.emplace_back();
    std::memcpy(&a.edges.back(), &h.edge, sizeof h.edge);
  }

  // The ingest worker (Analyzer::AddBatch with MetaOptions::threads > 1): resolving calls
  // (Admit: the call-id set, the account id table) and adding their half-edges (the
  // accounts, their edges and IPs) touch disjoint memory, so the second runs on its own
  // thread, behind the first. On large inputs each half-edge's account was a cache miss,
  // and another for the tail of its edges: the worker buffers half-edges (`held`), and
  // adds them (Flush) grouped by ranges of account ids (stable, so each account's
  // half-edges keep their order), each range's accounts few enough to stay in the cache
  // while its half-edges are added, the ranges in the order of the accounts' memory.
  std::thread worker;
  std::mutex worker_mu;
  std::condition_variable worker_cv;
  std::deque<std::vector<ResolvedCall>> worker_queue;
  bool worker_busy = false, worker_stop = false;
  bool flush_wanted = false;            // Drain waits for the held half-edges to be added
  std::vector<HalfEdge> held, grouped;  // the worker's own (while busy)
  uint32_t held_top = 0;                // the largest account id held

  static constexpr int kRangeBits = 10;                 // 1024 ranges of account ids
  static constexpr size_t kMinFlush = size_t{1} << 18;  // half-edges; 8 MB
  static constexpr size_t kMaxQueued = 12;              // batches waiting for the worker

  void Submit(std::vector<ResolvedCall>&& calls) {
    std::unique_lock lock(worker_mu);
    if (!worker.joinable()) worker = std::thread([this] { WorkerLoop(); });
    // Bounded look-ahead, long enough that this thread goes on while the worker flushes
    // (hundreds of thousands of half-edges): 12 batches of a 4 MiB chunk's calls are ~20 MB.
    worker_cv.wait(lock, [&] { return worker_queue.size() < kMaxQueued; });
    worker_queue.push_back(std::move(calls));
    worker_cv.notify_all();
  }
  // Returns once every submitted call is added (and its memory visible to this thread).
  void Drain() {
    if (!worker.joinable()) return;
    std::unique_lock lock(worker_mu);
    flush_wanted = true;
    worker_cv.notify_all();
    // `held` is read only while the worker is not busy: it changes it only while busy.
    worker_cv.wait(lock, [&] { return worker_queue.empty() && !worker_busy && held.empty(); });
    flush_wanted = false;
  }
  void WorkerLoop() {
    std::unique_lock lock(worker_mu);
    for (;;) {
      worker_cv.wait(lock, [&] {
        return !worker_queue.empty() || worker_stop || (flush_wanted && !held.empty());
      });
      if (worker_queue.empty() && worker_stop) return;
      std::vector<ResolvedCall> calls;
      if (!worker_queue.empty()) {
        calls = std::move(worker_queue.front());
        worker_queue.pop_front();
      }
      const bool drain = flush_wanted && worker_queue.empty();
      worker_busy = true;
      worker_cv.notify_all();
      lock.unlock();
      // Once the half-edges held outnumber the accounts, most accounts have more than one
      // in a flush.
      const size_t flush_at = std::max(kMinFlush, accounts.size());
      // Grown a quarter at a time, not to each new number of accounts: every new buffer is
      // fresh memory that the kernel clears on first touch (~4% of a large run's samples
      // when it was reallocated for nearly every batch).
      if (held.capacity() <= flush_at) {
        held.reserve(std::max(flush_at + 1, held.capacity() + held.capacity() / 4));
      }
      for (const ResolvedCall& c : calls) {
        held.push_back(HalfOf(c, 0));
        held.push_back(HalfOf(c, 1));
        held_top = std::max({held_top, c.account[0], c.account[1]});
        if (held.size() >= flush_at) Flush();
      }
      calls = {};  // freed outside the lock
      if (drain) Flush();
      lock.lock();
      worker_busy = false;
      worker_cv.notify_all();
    }
  }
  // Adds the held half-edges, grouped by ranges of account ids.
  void Flush() {
    if (held.empty()) return;
    if (held_top >= accounts.size()) accounts.resize(size_t{held_top} + 1);
    const int bits = std::bit_width(held_top);
    const int shift = bits > kRangeBits ? bits - kRangeBits : 0;
    std::array<uint32_t, (1 << kRangeBits) + 1> at{};
    for (const HalfEdge& h : held) ++at[(h.account >> shift) + 1];
    for (size_t r = 1; r < at.size(); ++r) at[r] += at[r - 1];
    grouped.resize(held.size());
    for (const HalfEdge& h : held) grouped[at[h.account >> shift]++] = h;
    held.clear();
    for (size_t j = 0; j < grouped.size(); ++j) {
      if (j + kAhead < grouped.size()) __builtin_prefetch(&accounts[grouped[j + kAhead].account]);
      // Half as far ahead, the account is loaded: start loading the line its half-edge goes
      // to (for writing), and its IPs when the IP is neither its first nor its last.
      if (j + kAhead / 2 < grouped.size()) {
        const HalfEdge& next = grouped[j + kAhead / 2];
        const AccountData& a = accounts[next.account];
        __builtin_prefetch(a.edges.data() + a.edges.size(), 1);
        if (a.IpNeedsExtra(next.ip)) __builtin_prefetch(a.extra.get());
      }
      AddEdge(grouped[j]);
    }
    held_top = 0;
  }
  ~Impl() {
    if (!worker.joinable()) return;
    {
      std::lock_guard lock(worker_mu);
      worker_stop = true;
    }
    worker_cv.notify_all();
    worker.join();
  }

  // ParallelFor over the accounts, for passes that read each account's half-edges: starts
  // loading the first lines of the half-edges of the account two ahead. Each account's
  // half-edges lie apart in the heap, so the first lines of each were a miss that no
  // hardware prefetcher foresaw, in every pass.
  void ForAccounts(size_t n, int threads, const std::function<void(size_t)>& fn) const {
    ParallelFor(n, threads, [&](size_t i) {
      if (i + 2 < accounts.size()) {
        const auto& edges = accounts[i + 2].edges;
        const char* at = reinterpret_cast<const char*>(edges.data());
        const size_t bytes = std::min(edges.size() * sizeof(Edge), size_t{256});
        for (size_t b = 0; b < bytes; b += 64) __builtin_prefetch(at + b);
      }
      fn(i);
    });
  }

  bool IsHigh(uint16_t c) const { return income[c] == IncomeGroup::kHigh; }

  // Supply regulars: a hotspot account's qualifying counterparts met on video on
  // regular_min_days different days or more, explained as a relationship (relatives
  // abroad, students who book lessons at any free hour, clients), as those met in a
  // repeated weekly slot are: Sweep leaves both out of the distinct count. A sampled log or
  // a long period can leave such counterparts without the weekly slot or the long calls
  // that clear them. A hub's customers mostly come on fewer days; its loyal ones no longer
  // add to its count, the others do. Sets s->regular[j] to 1 for each.
  void MarkRegulars(std::span<const Edge> edges, SweepScratch* s) const {
    if (regular_min_days == 0) return;
    s->days_met.assign(s->others.size(), 0);
    s->last_day.assign(s->others.size(), INT64_MIN);
    for (size_t k = 0; k < edges.size(); ++k) {
      if (!s->q[k] || edges[k].media() != static_cast<uint8_t>(Media::kVideo)) continue;
      const uint32_t j = s->at[k];
      const int64_t day = edges[k].start_ms() / kDayMs;
      if (day == s->last_day[j]) continue;
      s->last_day[j] = day;
      if (++s->days_met[j] >= regular_min_days) s->regular[j] = 1;
    }
  }

  // Sweeps one account's windows. `qualifies(edge)` says which counterparts count;
  // `other_score[other]` (may be empty) is the other side's score of each account.
  // Calls `on_window` for each window ending on an active day (none when no counterpart
  // qualifies: such windows have nothing to score).
  // Only windows and half-edges in `range` (edges sorted by time).
  // A template, so that `qualifies` (asked per half-edge) and `on_window` are inlined.
  template <class Qualifies, class OnWindow>
  void Sweep(uint32_t account, bool supply_side, const Qualifies& qualifies,
             const std::vector<float>& other_score, const SweepRange& range,
             const OnWindow& on_window) const {
    const auto& held = accounts[account].edges;
    const std::span<const Edge> edges(
        held.data(),
        range.context_end_ms == INT64_MAX
            ? held.size()
            : static_cast<size_t>(
                  std::lower_bound(held.begin(), held.end(), range.context_end_ms,
                                   [](const Edge& e, int64_t t) { return e.start_ms() < t; }) -
                  held.begin()));
    if (edges.empty()) return;
    // Reused from account to account on this thread (a pass sweeps hundreds of thousands).
    thread_local SweepScratch s;
    auto& q = s.q;  // qualifies(edges[k]), asked once per edge
    q.resize(edges.size());
    bool any = false;
    for (size_t k = 0; k < edges.size(); ++k) any |= (q[k] = qualifies(edges[k])) != 0;
    // Without a qualifying counterpart no window has anything to score (see on_window).
    if (!any) return;
    // Counterparts get dense indices in order of first contact (`at`: each half-edge's), so
    // that what is kept per counterpart is in arrays. Lifetime facts per counterpart: first
    // contact, weekly slot repetition.
    s.index.clear();
    s.slot_weeks.clear();
    s.others.clear();
    s.first_seen.clear();
    s.scheduled.clear();
    s.regular.clear();
    s.at.resize(edges.size());
    for (size_t k = 0; k < edges.size(); ++k) {
      const Edge& e = edges[k];
      auto [at, is_new] = s.index.try_emplace(e.other, static_cast<uint32_t>(s.others.size()));
      if (is_new) {
        s.others.push_back(e.other);
        s.first_seen.push_back(e.start_ms());
        s.scheduled.push_back(0);
        s.regular.push_back(0);
      }
      const uint32_t j = s.at[k] = at->second;
      const int64_t hours = e.start_ms() / kHourMs;
      const uint64_t slot = (static_cast<uint64_t>(j) << 8) | static_cast<uint64_t>(hours % 168);
      const int64_t week = hours / 168;
      auto [it, inserted] = s.slot_weeks.try_emplace(slot, week, 1);
      if (!inserted && it->second.first != week) {
        it->second = {week, static_cast<uint8_t>(std::min(it->second.second + 1, 255))};
        if (it->second.second >= 2) s.scheduled[j] = 1;
      }
    }
    if (supply_side) MarkRegulars(edges, &s);
    const int64_t window_ms = static_cast<int64_t>(opt.window_days) * kDayMs;
    size_t lo = 0;
    size_t hi = 0;
    // The window's counterparts: what each has had since it last entered the window, and
    // which are in it (`active`, listed once; some may have left since).
    auto& in_window = s.in_window;
    in_window.assign(s.others.size(), SweepScratch::PerOther());
    s.listed.assign(s.others.size(), 0);
    s.active.clear();
    // Sums over the window's half-edges, kept up to date as half-edges enter and leave it
    // (each is counted twice, not once per window it lies in). `sign` is 1 or -1 (as
    // uint32_t: unsigned arithmetic wraps).
    WindowFeatures sums;  // its call counts only
    uint32_t q_video_calls = 0, q_mid = 0, q_evening = 0;
    // Qualifying video calls per minute of duration (capped at 240); the minutes listed
    // (some may have dropped back to zero), and by duration class.
    std::array<uint32_t, 242> minute_counts{};
    std::array<uint8_t, 242> minute_listed{};
    std::vector<uint32_t> minutes_used;
    uint32_t day_hist[8] = {};
    auto& active_days = s.active_days;  // (day, half-edges) in the window
    active_days.clear();
    auto count = [&](size_t k, uint32_t sign) {
      const Edge& e = edges[k];
      const bool is_video = e.media() == static_cast<uint8_t>(Media::kVideo);
      const bool is_audio = e.media() == static_cast<uint8_t>(Media::kAudio);
      sums.calls += sign;
      sums.video += is_video ? sign : 0;
      sums.audio += is_audio ? sign : 0;
      if (!q[k]) return;
      sums.q_calls += sign;
      sums.q_video += is_video ? sign : 0;
      sums.q_audio += is_audio ? sign : 0;
      if (is_video && !other_score.empty() && other_score[e.other] >= threshold) {
        sums.flagged_calls += sign;
      }
      if (!is_video) return;
      q_video_calls += sign;
      const uint32_t minutes = e.duration_s / 60;
      if (minutes >= 5 && minutes <= 60) q_mid += sign;
      const uint32_t capped = std::min<uint32_t>(minutes, 240);
      minute_counts[capped] += sign;
      if (!minute_listed[capped]) {
        minute_listed[capped] = 1;
        minutes_used.push_back(capped);
      }
      static constexpr uint32_t kBounds[] = {2, 5, 10, 20, 30, 45, 90};
      size_t b = 0;
      while (b < 7 && minutes >= kBounds[b]) ++b;
      day_hist[b] += sign;
      const int64_t local_hour =
          ((e.start_ms() / 60000 + utc_offset_min[e.other_country()]) / 60 % 24 + 24) % 24;
      if (local_hour >= 18 || local_hour < 3) q_evening += sign;
    };
    constexpr uint32_t kAdd = 1, kRemove = UINT32_MAX;
    WindowFeatures f;
    while (hi < edges.size()) {
      const int64_t day = edges[hi].start_ms() / kDayMs;
      if (day * kDayMs >= range.to_day_ms) break;
      const int64_t end_ms = (day + 1) * kDayMs;
      while (hi < edges.size() && edges[hi].start_ms() < end_ms) {
        const Edge& e = edges[hi];
        const uint32_t j = s.at[hi];
        auto& p = in_window[j];
        if (!s.listed[j]) {
          s.listed[j] = 1;
          s.active.push_back(j);
        }
        p.calls++;
        p.video += e.media() == static_cast<uint8_t>(Media::kVideo);
        p.long_calls += e.duration_s > 3600;
        p.country = e.other_country();
        p.qualifies = p.qualifies || q[hi];
        count(hi, kAdd);
        const int64_t edge_day = e.start_ms() / kDayMs;
        if (active_days.empty() || active_days.back().first != edge_day) {
          active_days.emplace_back(edge_day, 0);
        }
        ++active_days.back().second;
        ++hi;
      }
      const int64_t start_ms = end_ms - window_ms;
      while (lo < hi && edges[lo].start_ms() < start_ms) {
        count(lo, kRemove);
        if (--active_days.front().second == 0) active_days.pop_front();
        auto& p = in_window[s.at[lo++]];
        if (--p.calls == 0) p = SweepScratch::PerOther();
      }
      if (day * kDayMs < range.from_day_ms) continue;
      // Window [start_ms, end_ms): edges [lo, hi). New contacts mean something only when
      // the input (still held) reaches a whole window further back.
      const bool history =
          start_ms - std::max(data_start_ms, range.context_start_ms) >= window_ms;
      f = sums;
      f.start_ms = start_ms;
      f.end_ms = end_ms;
      uint32_t scheduled_n = 0, long_rec = 0;
      size_t still = 0;
      for (const uint32_t j : s.active) {
        const auto& p = in_window[j];
        if (p.calls == 0) {  // left the window
          s.listed[j] = 0;
          continue;
        }
        s.active[still++] = j;
        if (!p.qualifies || p.video == 0) continue;
        const uint32_t other = s.others[j];
        ++f.distinct;
        if (history && s.first_seen[j] >= start_ms) ++f.new_contacts;
        if (s.scheduled[j]) {
          ++scheduled_n;
        } else if (!s.regular[j]) {
          ++f.unscheduled;
        }
        if (p.calls >= 3 && p.long_calls >= 2) ++long_rec;
        if (!other_score.empty() && other_score[other] >= threshold) {
          ++f.flagged;
          f.flagged_score += other_score[other];
        }
        Vote(&f.countries, p.country);
      }
      s.active.resize(still);
      if (f.distinct > 0) {
        f.weekly_repeat = static_cast<double>(scheduled_n) / f.distinct;
        f.long_recurring = static_cast<double>(long_rec) / f.distinct;
      }
      if (q_video_calls > 0) {
        // Booked slots (lessons, meetings) all last the same: the modal minute +-1, over the
        // minutes still in the window (the others leave the list).
        size_t kept = 0;
        for (uint32_t minute : minutes_used) {
          if (minute_counts[minute] != 0) {
            minutes_used[kept++] = minute;
          } else {
            minute_listed[minute] = 0;
          }
        }
        minutes_used.resize(kept);
        uint32_t best = 0;
        for (uint32_t minute : minutes_used) {
          const uint32_t around = minute_counts[minute] + minute_counts[minute + 1] +
                                  (minute > 0 ? minute_counts[minute - 1] : 0);
          best = std::max(best, around);
        }
        f.fixed_duration = q_video_calls >= 3 ? static_cast<double>(best) / q_video_calls : 0;
        f.mid_duration = static_cast<double>(q_mid) / q_video_calls;
        f.evening_share = static_cast<double>(q_evening) / q_video_calls;
        static constexpr double kMid[] = {1, 3.5, 7.5, 15, 25, 37.5, 67.5, 120};
        uint32_t acc = 0;
        for (size_t b = 0; b < 8; ++b) {
          acc += day_hist[b];
          if (acc * 2 >= q_video_calls) {
            f.median_minutes = kMid[b];
            break;
          }
        }
      }
      // Calls per active day in the window.
      const auto days = static_cast<uint32_t>(active_days.size());
      f.calls_per_day = days == 0 ? 0 : static_cast<double>(f.calls) / days;
      on_window(f);
    }
  }
};

Analyzer::~Analyzer() = default;

Result<std::unique_ptr<Analyzer>> Analyzer::Create(const CountryTable* countries,
                                                   const Locator* locator, MetaWeights weights,
                                                   MetaOptions options) {
  if (countries == nullptr) return Fail(ErrorCode::kInvalidArgument, "no country table");
  if (options.window_days < 1 || options.window_days > 366 || options.step_days < 1) {
    return Fail(ErrorCode::kInvalidArgument, "window must be 1 to 366 days, step at least 1");
  }
  if (options.horizon_days != 0 &&
      (options.horizon_days < options.window_days || options.horizon_days > 3660)) {
    return Fail(ErrorCode::kInvalidArgument,
                "the horizon must be 0 (keep everything) or from the window length to 3660 days");
  }
  if (options.lateness_ms < 0 || options.lateness_ms > 366 * kDayMs) {
    return Fail(ErrorCode::kInvalidArgument, "the lateness must be 0 to 366 days");
  }
  std::unique_ptr<Analyzer> a(new Analyzer());
  a->impl_ = std::make_unique<Impl>();
  Impl& m = *a->impl_;
  m.countries = countries;
  m.locator = locator;
  m.w = std::move(weights);
  m.opt = options;  // a copy: `options` is read below
  m.known.insert(m.opt.known_accounts.begin(), m.opt.known_accounts.end());
  m.threshold = options.min_score >= 0 ? options.min_score : m.w.Get("flag_threshold");
  m.regular_min_days = static_cast<uint32_t>(std::clamp(m.w.Get("regular_min_days"), 0.0, 1e6));
  m.InitCountries();
  m.horizon_ms = static_cast<int64_t>(options.horizon_days) * kDayMs;
  m.future_limit_ms =
      (options.now_ms != 0 ? options.now_ms
                           : std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count()) +
      kDayMs;
  m.opt.threads = std::max(1, options.threads);
  return a;
}

const MetaStats& Analyzer::stats() const {
  impl_->Drain();
  return impl_->stats;
}
double Analyzer::threshold() const { return impl_->threshold; }

void Analyzer::Prepare(const CallRecord& r, PreparedCall* out) const {
  Prepare(CallRecordView(r), out);
}

void Analyzer::Prepare(const CallRecordView& r, PreparedCall* out) const {
  const Impl& m = *impl_;
  out->call_hash = HashName(r.call_id);
  out->start_ms = r.start_ms;
  out->duration_s = r.duration_s;
  out->media = r.media;
  out->line = r.line;
  m.PrepareSide(r.caller, r.caller_country, r.caller_region, r.caller_ip, &out->side[0]);
  m.PrepareSide(r.callee, r.callee_country, r.callee_region, r.callee_ip, &out->side[1]);
}

void PreparedBatch::Add(const Analyzer& analyzer, const CallRecord& record) {
  Add(analyzer, CallRecordView(record), Chunk());
}

void PreparedBatch::Add(const Analyzer& analyzer, const CallRecordView& record,
                        const Chunk& chunk) {
  std::string_view inside;
  if (chunk.storage != nullptr && !chunk.data.empty()) {
    inside = chunk.data;
    if (kept_.empty() || kept_.back() != chunk.storage) {
      kept_.push_back(chunk.storage);
      // Room for the chunk's records (~100 bytes each), not grown by doubling and copying.
      calls_.reserve(calls_.size() + chunk.data.size() / 96);
    }
  }
  PreparedCall& p = calls_.emplace_back();
  analyzer.Prepare(record, &p);
  Keep(record.caller, 0, inside);
  Keep(record.callee, 1, inside);
}

void PreparedBatch::Keep(std::string_view text, uint32_t side, std::string_view inside) {
  const auto at = reinterpret_cast<uintptr_t>(text.data());
  const auto begin = reinterpret_cast<uintptr_t>(inside.data());
  if (text.empty() || (at >= begin && at - begin + text.size() <= inside.size())) {
    return;  // the view stays valid: the batch keeps the chunk
  }
  copied_.push_back({static_cast<uint32_t>(calls_.size() - 1), side,
                     static_cast<uint32_t>(names_.size()), static_cast<uint32_t>(text.size())});
  names_ += text;
  views_ok_ = false;
}

const std::vector<PreparedCall>& PreparedBatch::calls() {
  if (!views_ok_) {
    for (const Copied& c : copied_) {
      calls_[c.call].side[c.side].account = std::string_view(names_.data() + c.offset, c.size);
    }
    views_ok_ = true;
  }
  return calls_;
}

AddResult Analyzer::Add(const CallRecord& r) {
  PreparedCall p;
  Prepare(r, &p);
  return Add(p);
}

AddResult Analyzer::Add(const PreparedCall& p) {
  Impl& m = *impl_;
  m.Drain();  // calls of AddBatch come first
  ResolvedCall c;
  bool due = false;
  const AddResult r = m.Admit(p, &c, &due);
  if (r != AddResult::kAdded) return r;
  m.AddEdges(c);
  if (due) m.ScoreClosedBlocks();
  return r;
}

std::vector<std::pair<size_t, AddResult>> Analyzer::AddBatch(std::span<const PreparedCall> calls) {
  Impl& m = *impl_;
  std::vector<std::pair<size_t, AddResult>> rejected;
  auto rejects = [](AddResult r) {
    return r == AddResult::kLate || r == AddResult::kFuture || r == AddResult::kOutOfRange;
  };
  if (m.opt.threads < 2) {
    for (size_t j = 0; j < calls.size(); ++j) {
      if (const AddResult r = Add(calls[j]); rejects(r)) rejected.emplace_back(j, r);
    }
    return rejected;
  }
  std::vector<ResolvedCall> resolved;
  resolved.reserve(calls.size());
  for (size_t j = 0; j < calls.size(); ++j) {
    // The prepared calls were written by a parse thread: each of their lines is a transfer
    // from the other core, which stalled this loop when the lookups below first read them.
    if (j + 2 * kAhead < calls.size()) {
      const char* later = reinterpret_cast<const char*>(&calls[j + 2 * kAhead]);
      for (size_t b = 0; b < sizeof(PreparedCall); b += 64) __builtin_prefetch(later + b);
      __builtin_prefetch(later + sizeof(PreparedCall) - 1);
    }
    if (j + kAhead < calls.size()) {
      const PreparedCall& next = calls[j + kAhead];
      m.seen_calls.Prefetch(next.call_hash);
      for (const PreparedCall::Side& side : next.side) m.account_ids.Prefetch(side.account_hash);
    }
    ResolvedCall c;
    bool due = false;
    const AddResult r = m.Admit(calls[j], &c, &due);
    if (rejects(r)) rejected.emplace_back(j, r);
    if (r != AddResult::kAdded) continue;
    resolved.push_back(c);
    if (due) {  // the blocks are scored after this call's half-edges are in, as in Add
      m.Submit(std::move(resolved));
      resolved = {};
      m.Drain();
      m.ScoreClosedBlocks();
    }
  }
  if (!resolved.empty()) m.Submit(std::move(resolved));
  return rejected;
}

void Analyzer::ExpectRecords(uint64_t records) {
  Impl& m = *impl_;
  m.seen_calls.Reserve(m.seen_calls.size() + std::min(records, kMaxExpectedCalls));
}

void Analyzer::AddHalf(const CallRecord& r, bool caller_side) {
  Impl& m = *impl_;
  ++m.stats.records;
  PreparedCall p;
  Prepare(r, &p);
  if (!EdgeStartInRange(p.start_ms)) {
    ++m.stats.out_of_range;
    return;
  }
  if (!m.seen_calls.Insert(p.call_hash * 2 + caller_side, 0)) {
    ++m.stats.duplicates;
    return;
  }
  const int own = caller_side ? 0 : 1;
  ResolvedCall c;
  m.Resolve(p, &c);
  c.account[own] = m.Account(p.side[own].account_hash, p.side[own].account);
  c.account[1 - own] = m.Account(p.side[1 - own].account_hash, p.side[1 - own].account);
  m.AddEdge(m.HalfOf(c, own));
}

std::pair<int64_t, int64_t> Analyzer::Impl::UnscoredBlocks() const {
  // The last block whose windows can be scored: the block after it (the future its
  // lifetime facts look at) ends before the input's time less the lateness.
  return {scored_any ? next_block : BlockOf(earliest_ms),
          BlockOf(max_start_ms - opt.lateness_ms) - 2};
}

bool Analyzer::Impl::BlocksReady() const {
  const auto [first, ready] = UnscoredBlocks();
  return ready >= first;
}

void Analyzer::Impl::ScoreClosedBlocks() {
  const auto [first, ready] = UnscoredBlocks();
  if (ready < first) return;
  SweepRange range;
  range.from_day_ms = BlockStart(first);
  range.to_day_ms = BlockStart(ready + 1);
  range.context_start_ms = released_before_ms;
  range.context_end_ms = BlockStart(ready + 2);
  (void)Score(opt.threads, nullptr, range);  // fails only with an exchange
  stats.blocks_scored += static_cast<uint64_t>(ready - first + 1);
  scored_any = true;
  next_block = ready + 1;
  Release(BlockStart(next_block - 1));
}

void Analyzer::Impl::Release(int64_t before_ms) {
  stats.peak_half_edges = std::max(stats.peak_half_edges, half_edges);
  std::atomic<uint64_t> released{0};
  // Score left every account's half-edges sorted by time.
  ParallelFor(accounts.size(), opt.threads, [&](size_t i) {
    auto& edges = accounts[i].edges;
    const auto cut = std::lower_bound(edges.begin(), edges.end(), before_ms,
                                      [](const Edge& e, int64_t t) { return e.start_ms() < t; });
    if (cut == edges.begin()) return;
    released += static_cast<uint64_t>(cut - edges.begin());
    edges.erase(edges.begin(), cut);
    if (edges.capacity() > 2 * edges.size() + 8) edges.shrink_to_fit();
  });
  half_edges -= released;
  stats.released_half_edges += released;
  released_before_ms = before_ms;
  // A record in a scored block is late and never reaches the duplicate check: the call ids
  // of those blocks are no longer needed. Tags are blocks modulo 256: with more unscored
  // blocks than that (a lateness of hundreds of blocks) the ids all stay.
  const int64_t unscored = BlockOf(max_start_ms) - next_block;
  if (unscored >= 0 && unscored < 256) {
    seen_calls.Keep([&](uint8_t tag) {
      return static_cast<uint8_t>(tag - static_cast<uint8_t>(next_block)) <= unscored;
    });
  }
}

std::vector<AccountLead> Analyzer::Finish(int threads) { return *Finish(threads, nullptr); }

Result<std::vector<AccountLead>> Analyzer::Finish(int threads, ScoreExchange* exchange) {
  Impl& m = *impl_;
  m.Drain();
  SweepRange range;
  if (m.scored_any) range.from_day_ms = m.BlockStart(m.next_block);
  range.context_start_ms = m.released_before_ms;
  m.stats.peak_half_edges = std::max(m.stats.peak_half_edges, m.half_edges);
  if (auto st = m.Score(threads, exchange, range); !st) return tl::unexpected(st.error());
  return m.Leads();
}

Status Analyzer::Impl::Score(int threads, ScoreExchange* exchange, const SweepRange& range) {
  Impl& m = *this;
  const MetaWeights& w = m.w;
  size_t n = m.accounts.size();
  m.CountPendingVotes(range.context_end_ms);
  // Home location, hotspot and income of every account with half-edges here (in file
  // mode, every account).
  std::vector<uint16_t> home(n, 0), abroad(n, 0);
  const double abroad_min_share = w.Get("second_country_min_share");
  std::vector<uint8_t> hotspot(n, 0), high(n, 0), local(n, 0), known(n, 0);
  m.data_start_ms = m.earliest_ms;
  // Whether a home is a hotspot, asked once per country (region unknown) and per region (of
  // its own country, as HomeRegion's are) rather than per account.
  std::vector<uint8_t> country_hot(m.country_codes.size()), region_hot(m.region_codes.size());
  for (size_t c = 1; c < country_hot.size(); ++c) {
    country_hot[c] = m.countries->IsHotspot(m.country_codes[c], {});
  }
  for (size_t r = 1; r < region_hot.size(); ++r) {
    const std::string& code = m.region_codes[r];
    region_hot[r] = m.countries->IsHotspot(std::string_view(code).substr(0, 2), code);
  }
  m.ForAccounts(n, threads, [&](size_t i) {
    auto& a = m.accounts[i];
    if (a.edges.empty()) return;
    local[i] = 1;
    home[i] = a.HomeCountry(m.country_codes);
    const uint16_t region = a.HomeRegion(m.region_codes, m.country_codes[home[i]]);
    hotspot[i] = home[i] != 0 && (region != 0 ? region_hot[region] : country_hot[home[i]]);
    high[i] = m.IsHigh(home[i]) && !hotspot[i];
    if (hotspot[i]) {
      // A second country: its counterparts there are no foreign customers (an overseas
      // worker on leave), and if it is high-income the account is scored as demand too (a
      // foreigner who spends most of his days in a hotspot).
      abroad[i] = a.OtherCountry(home[i], abroad_min_share, m.country_codes);
      high[i] = m.IsHigh(abroad[i]);
    }
    if (!m.known.empty() && m.known.contains(m.account_names()[i])) {
      known[i] = 1;  // a listed business: scored on neither side
      hotspot[i] = high[i] = 0;
    }
    // By time, ties by the other fields: one order whatever order the half-edges came in
    // (members of a consumer group, batches), and most accounts' edges arrive in it.
    auto before = [](const Edge& x, const Edge& y) {
      return std::tie(x.start_s, x.other, x.duration_s) <
                 std::tie(y.start_s, y.other, y.duration_s) ||
             (std::tie(x.start_s, x.other, x.duration_s) ==
                  std::tie(y.start_s, y.other, y.duration_s) &&
              (x.other_country() < y.other_country() ||
               (x.other_country() == y.other_country() && x.media() < y.media())));
    };
    if (!std::is_sorted(a.edges.begin(), a.edges.end(), before)) {
      std::sort(a.edges.begin(), a.edges.end(), before);
    }
  });
  const double min_distinct = w.Get("window_min_distinct");
  const double market_share = w.Get("one_country_share");
  // Scale-out: what other members know about their accounts (see ScoreExchange).
  std::vector<float> supply_score, demand_score;
  auto share = [&](int round, const std::function<bool(size_t, SharedAccount*)>& mine,
                   const std::function<void(uint32_t, const SharedAccount&)>& theirs) -> Status {
    SharedRound out;
    out.round = round;
    out.data_start_ms = m.data_start_ms;
    for (size_t i = 0; i < n; ++i) {
      SharedAccount a;
      if (local[i] && mine(i, &a)) {
        a.account = m.account_names()[i];
        out.accounts.push_back(std::move(a));
      }
    }
    auto all = exchange->Share(std::move(out));
    if (!all) return tl::unexpected(all.error());
    m.data_start_ms = all->data_start_ms;
    for (const SharedAccount& a : all->accounts) {
      const uint32_t i = m.Account(a.account);
      if (i >= n) {  // first heard of here: resize every per-account vector
        if (round > 0) {
          return Fail(ErrorCode::kInternal, "account '" + a.account + "' shared in round " +
                                                std::to_string(round) + " but not in round 0");
        }
        n = m.accounts.size();
        for (auto* v : {&hotspot, &high, &local, &known}) v->resize(n, 0);
        for (auto* v : {&home, &abroad}) v->resize(n, 0);
      }
      if (!local[i]) theirs(i, a);
    }
    return {};
  };
  if (exchange != nullptr) {
    auto st = share(
        0,
        [&](size_t i, SharedAccount* a) {
          a->value = hotspot[i];
          if (hotspot[i]) {
            m.accounts[i].ForEachIp([&](uint64_t ip) {  // as hexadecimal hashes
              char hex[16];
              const auto end = std::to_chars(hex, hex + sizeof hex, ip, 16).ptr;
              a->ips.emplace_back(hex, end);
            });
          }
          return true;
        },
        [&](uint32_t i, const SharedAccount& a) {
          hotspot[i] = a.value != 0;
          known[i] = m.known.contains(a.account);
          for (const auto& text : a.ips) {
            uint64_t ip = 0;
            std::from_chars(text.data(), text.data() + text.size(), ip, 16);
            m.accounts[i].AddIp(ip);
          }
        });
    if (!st) return tl::unexpected(st.error());
  }

  const SideWeights supply_weights = SideWeights::Of(w, "supply.");
  const SideWeights demand_weights = SideWeights::Of(w, "demand.");
  // Per-account flags that passes ask of every half-edge's other side, at random over the
  // accounts, as bits: a bit per account stays in the core's own cache on large inputs, a
  // byte per account did not (in the demand pass those loads were a third of its samples).
  auto bits_of = [n](const auto& flag) {
    std::vector<uint64_t> bits((n + 63) / 64, 0);
    for (size_t i = 0; i < n; ++i) bits[i / 64] |= uint64_t{flag(i)} << (i % 64);
    return bits;
  };
  auto bit = [](const std::vector<uint64_t>& bits, uint32_t i) {
    return (bits[i / 64] >> (i % 64) & 1) != 0;
  };
  const std::vector<uint64_t> hotspot_bits = bits_of([&](size_t i) { return hotspot[i] != 0; });
  // Listed businesses count as nobody's counterpart: demand asks hotspot_bits (they are off
  // there), supply asks these.
  const bool any_known = !m.known.empty();
  const std::vector<uint64_t> known_bits =
      any_known ? bits_of([&](size_t i) { return known[i] != 0; }) : std::vector<uint64_t>();
  auto score_side = [&](size_t i, bool supply, const std::vector<float>& other_score,
                        ScoredPtr* out) {
    Scored best_window;
    Scored* best = &best_window;
    const uint16_t own = home[i], own_abroad = abroad[i];
    auto qualifies = [&](const Edge& e) {
      if (supply) {
        return e.other_country() != own && e.other_country() != own_abroad &&
               m.IsHigh(e.other_country()) && !(any_known && bit(known_bits, e.other));
      }
      return bit(hotspot_bits, e.other);
    };
    const SideWeights& k = supply ? supply_weights : demand_weights;
    const double bias = k.bias, k_distinct = k.distinct, k_new = k.new_share,
                 k_video = k.video_share, k_mid = k.mid_duration, k_repeat = k.weekly_repeat,
                 k_volume = k.volume, k_audio = k.audio_share, k_long = k.long_recurring,
                 k_evening = k.evening_share, k_flagged = k.flagged,
                 k_flagged_calls = k.flagged_calls, k_fixed = k.fixed_duration, k_few = k.too_few,
                 k_one = k.one_country;
    m.Sweep(static_cast<uint32_t>(i), supply, qualifies, other_score, range,
            [&](const WindowFeatures& f) {
              if (f.distinct == 0 && f.flagged == 0) return;
              // The window's parts on the stack; copied out only when it beats the best so far.
              std::array<std::pair<const char*, double>, 16> parts;
              size_t n_parts = 0;
              auto add = [&](const char* name, double v) {
                if (v != 0) parts[n_parts++] = {name, v};
              };
              // Shares over the calls with qualifying counterparts: a call centre talks to its
              // foreign customers by audio, a hub's customers come on video.
              const double video_share = f.q_calls ? static_cast<double>(f.q_video) / f.q_calls : 0;
              const double audio_share = f.q_calls ? static_cast<double>(f.q_audio) / f.q_calls : 0;
              const double new_share =
                  f.distinct ? static_cast<double>(f.new_contacts) / f.distinct : 0;
              // Counterparts kept on a weekly schedule are explained (lessons, clients): only the
              // others count as many foreigners within days, and only as far as the contact with
              // such foreigners is on video.
              add("distinct counterparts", k_distinct * std::log1p(f.unscheduled) * video_share);
              add("new contacts", k_new * new_share);
              add("video share", k_video * video_share);
              add("5-60 minute video calls", k_mid * f.mid_duration);
              add("weekly schedule", k_repeat * f.weekly_repeat);
              add("call volume", k_volume * std::log1p(std::max(0.0, f.calls_per_day - 10)));
              add("audio share", k_audio * audio_share);
              add("long recurring calls", k_long * f.long_recurring);
              add("counterpart evening", k_evening * f.evening_share);
              add("calls of one fixed length", k_fixed * f.fixed_duration);
              if (k_one != 0) {  // supply only: the demand side has no such weight
                add("counterparts of one country",
                    k_one * std::log1p(OneCountryExcess(f, market_share)));
              }
              add("flagged counterparts", k_flagged * std::log1p(f.flagged_score));
              add("video calls with flagged counterparts",
                  k_flagged_calls * std::log1p(f.flagged_calls));
              // One contact is no pattern, unless that one is flagged on the other side: a foreign
              // account that keeps video-calling one flagged hub is that hub's customer.
              if (f.distinct < min_distinct && f.flagged == 0) add("too few counterparts", k_few);
              double z = bias;
              for (size_t j = 0; j < n_parts; ++j) z += parts[j].second;
              if (z > best->z) {
                best->z = z;
                best->f = f;
                best->parts.assign(parts.begin(), parts.begin() + n_parts);
              }
            });
    if (best->z > -1e9) *out = std::make_unique<Scored>(std::move(best_window));
  };

  // 1. Supply without counterparts' scores; 2. demand with supply scores; 3. supply again
  //    with demand scores (shared high-scoring customers).
  std::vector<ScoredPtr> supply(n), demand(n);
  supply_score.assign(n, 0);
  demand_score.assign(n, 0);
  const std::vector<float> none;
  m.ForAccounts(n, threads, [&](size_t i) {
    if (hotspot[i] && local[i]) score_side(i, true, none, &supply[i]);
  });
  // Counterparts' scores are their best so far (with bounded state, earlier blocks').
  auto before = [](const auto& best, size_t i, auto z) {
    return i < best.size() ? z(best[i]) : -1e9;
  };
  std::vector<double> z1(n);  // first-round supply logits (supply[i] moves on to round 3)
  for (size_t i = 0; i < n; ++i) {
    z1[i] = ZOf(supply[i]);
    const double z = std::max(z1[i], before(best_supply1, i, [](double v) { return v; }));
    if (local[i]) supply_score[i] = hotspot[i] ? Sigmoid(z) : 0;
  }
  // Only flagged scores of counterparts matter to the other side and to linking.
  auto share_flagged = [&](int round, std::vector<float>* score) -> Status {
    return share(
        round,
        [&](size_t i, SharedAccount* a) {
          a->value = (*score)[i];
          return a->value >= m.threshold;
        },
        [&](uint32_t i, const SharedAccount& a) { (*score)[i] = a.value; });
  };
  if (exchange != nullptr) {
    if (auto st = share_flagged(1, &supply_score); !st) return tl::unexpected(st.error());
  }
  // Shared infrastructure: a hotspot account on an IP of a flagged hub.
  absl::flat_hash_map<uint64_t, std::vector<uint32_t>> ip_accounts;
  for (size_t i = 0; i < n; ++i) {
    if (!hotspot[i]) continue;
    m.accounts[i].ForEachIp(
        [&](uint64_t ip) { ip_accounts[ip].push_back(static_cast<uint32_t>(i)); });
  }
  // An address many accounts use is a carrier's shared NAT or a café, not a household:
  // only addresses with few users link accounts.
  const size_t max_ip_accounts = static_cast<size_t>(std::max(2.0, w.Get("shared_ip_max_accounts")));
  std::vector<std::vector<uint32_t>> linked(n);
  for (size_t i = 0; i < n; ++i) {
    if (supply_score[i] < m.threshold) continue;
    auto& l = linked[i];
    m.accounts[i].ForEachIp([&](uint64_t ip) {
      const auto& users = ip_accounts[ip];
      if (users.size() > max_ip_accounts) return;
      for (uint32_t other : users) {
        if (other != i && std::find(l.begin(), l.end(), other) == l.end()) l.push_back(other);
      }
    });
    // At most 32, the same ones whatever the order accounts were first seen in.
    if (l.size() > 32) {
      std::sort(l.begin(), l.end(),
                [&](uint32_t a, uint32_t b) { return m.account_names()[a] < m.account_names()[b]; });
      l.resize(32);
    }
  }
  // An account whose location is never known (always behind a VPN: customers hide so, and
  // overseas workers where VoIP is blocked) is placed by whom it calls: it is scored as
  // demand unless most of its calls are with accounts in a hotspot country (one listed, or
  // with listed regions) not flagged as hubs: a local account, a worker's family. Hubs say
  // nothing about where a caller is, so a customer's account used for hubs alone is scored.
  m.ForAccounts(n, threads, [&](size_t i) {
    if (home[i] != 0 || !local[i] || known[i]) return;
    size_t near = 0;
    const auto& edges = m.accounts[i].edges;
    for (const Edge& e : edges) {
      near += country_hot[e.other_country()] && supply_score[e.other] < m.threshold;
    }
    high[i] = 2 * near <= edges.size();
  });
  m.ForAccounts(n, threads, [&](size_t i) {
    if (high[i] && local[i]) score_side(i, false, supply_score, &demand[i]);
  });
  for (size_t i = 0; i < n; ++i) {
    const double z =
        std::max(ZOf(demand[i]), before(best_demand, i, [](const ScoredPtr& v) { return ZOf(v); }));
    if (local[i]) demand_score[i] = high[i] ? Sigmoid(z) : 0;
  }
  if (exchange != nullptr) {
    if (auto st = share_flagged(2, &demand_score); !st) return tl::unexpected(st.error());
  }
  std::vector<ScoredPtr> supply2(n);
  const std::vector<uint64_t> demand_flagged =
      bits_of([&](size_t i) { return demand_score[i] >= m.threshold; });
  m.ForAccounts(n, threads, [&](size_t i) {
    if (!hotspot[i] || !local[i]) return;
    // Without a counterpart flagged as demand, every window is as in the first round.
    const auto& edges = m.accounts[i].edges;
    if (std::none_of(edges.begin(), edges.end(),
                     [&](const Edge& e) { return bit(demand_flagged, e.other); })) {
      supply2[i] = std::move(supply[i]);
      return;
    }
    score_side(i, true, demand_score, &supply2[i]);
    if (ZOf(supply2[i]) < z1[i]) supply2[i] = std::move(supply[i]);
  });
  const double k_shared_ip = w.Get("supply.shared_ip");
  std::vector<uint8_t> bonus_given(n, 0);
  for (size_t i = 0; i < n; ++i) {
    for (uint32_t other : linked[i]) {
      if (supply_score[other] >= m.threshold || !supply2[other]) continue;
      if (!bonus_given[other]) {  // once, however many hubs share the address
        bonus_given[other] = 1;
        supply2[other]->z += k_shared_ip;
        supply2[other]->parts.emplace_back("shares an IP with a flagged hub", k_shared_ip);
      }
      auto& back = linked[other];
      if (std::find(back.begin(), back.end(), i) == back.end()) {
        back.push_back(static_cast<uint32_t>(i));
      }
    }
  }

  // Into the best so far: the first pass (the only one without bounded state) moves.
  if (best_supply.empty()) {
    best_supply1 = std::move(z1);
    best_supply = std::move(supply2);
    best_demand = std::move(demand);
    best_linked = std::move(linked);
    return {};
  }
  best_supply.resize(n);
  best_demand.resize(n);
  best_supply1.resize(n, -1e9);
  best_linked.resize(n);
  for (size_t i = 0; i < n; ++i) {
    best_supply1[i] = std::max(best_supply1[i], z1[i]);
    if (ZOf(supply2[i]) > ZOf(best_supply[i])) best_supply[i] = std::move(supply2[i]);
    if (ZOf(demand[i]) > ZOf(best_demand[i])) best_demand[i] = std::move(demand[i]);
    auto& all = best_linked[i];
    for (uint32_t l : linked[i]) {
      if (std::find(all.begin(), all.end(), l) == all.end()) all.push_back(l);
    }
    if (all.size() > 32) {
      std::sort(all.begin(), all.end(),
                [&](uint32_t a, uint32_t b) { return account_names()[a] < account_names()[b]; });
      all.resize(32);
    }
  }
  return {};
}

std::vector<AccountLead> Analyzer::Impl::Leads() {
  Impl& m = *this;
  std::vector<AccountLead> leads;
  auto emit = [&](size_t i, Role role, const ScoredPtr& scored) {
    if (!scored) return;
    Scored& s = *scored;
    AccountLead lead;
    lead.account = m.account_names()[i];
    lead.role = role;
    lead.score = Sigmoid(s.z);
    lead.flagged = lead.score >= m.threshold;
    if (!lead.flagged && !m.opt.keep_unflagged) return;
    lead.window_start_ms = s.f.start_ms;
    lead.window_end_ms = s.f.end_ms;
    lead.distinct_foreign = s.f.distinct;
    std::sort(s.f.countries.begin(), s.f.countries.end(), [&](const auto& a, const auto& b) {
      return a.second != b.second ? a.second > b.second
                                  : m.country_codes[a.first] < m.country_codes[b.first];
    });
    for (const auto& [c, cnt] : s.f.countries) {
      if (c != 0) lead.countries.push_back(m.country_codes[c]);
    }
    lead.video_share = s.f.calls ? static_cast<double>(s.f.video) / s.f.calls : 0;
    lead.new_contacts = s.f.new_contacts;
    lead.calls = s.f.calls;
    lead.weekly_repeat = s.f.weekly_repeat;
    lead.median_minutes = s.f.median_minutes;
    lead.flagged_counterparts = s.f.flagged;
    for (uint32_t l : best_linked[i]) lead.linked.push_back(m.account_names()[l]);
    std::sort(lead.linked.begin(), lead.linked.end());
    std::stable_sort(s.parts.begin(), s.parts.end(), [](const auto& a, const auto& b) {
      return std::abs(a.second) > std::abs(b.second);
    });
    for (size_t k = 0; k < s.parts.size() && k < 5; ++k) {
      char buf[32];
      std::snprintf(buf, sizeof buf, " (%+.2f)", s.parts[k].second);
      lead.reasons.push_back(std::string(s.parts[k].first) + buf);
    }
    leads.push_back(std::move(lead));
  };
  // Only hotspot accounts have supply windows, only high-income ones demand windows.
  for (size_t i = 0; i < best_supply.size(); ++i) emit(i, Role::kSupply, best_supply[i]);
  for (size_t i = 0; i < best_demand.size(); ++i) emit(i, Role::kDemand, best_demand[i]);
  std::sort(leads.begin(), leads.end(), [](const AccountLead& a, const AccountLead& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.account != b.account) return a.account < b.account;
    return a.role < b.role;
  });
  return leads;
}

// ---- Output -------------------------------------------------------------------------------

namespace {

void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  for (char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (b < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", b);
      out->append(buf);
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

void AppendNumber(std::string* out, double v, double scale) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, std::round(v * scale) / scale);
  out->append(buf, ec == std::errc() ? end : buf);
}

}  // namespace

std::string LeadToJson(const AccountLead& l) {
  std::string out = "{\"account\":";
  AppendJsonString(&out, l.account);
  out += ",\"role\":";
  AppendJsonString(&out, RoleName(l.role));
  out += ",\"score\":";
  AppendNumber(&out, l.score, 10000);
  out += l.flagged ? ",\"flagged\":true" : ",\"flagged\":false";
  out += ",\"window\":{\"start\":";
  AppendJsonString(&out, FormatRfc3339(l.window_start_ms));
  out += ",\"end\":";
  AppendJsonString(&out, FormatRfc3339(l.window_end_ms));
  out += "},\"evidence\":{\"distinct_foreign\":" + std::to_string(l.distinct_foreign);
  out += ",\"countries\":[";
  for (size_t i = 0; i < l.countries.size() && i < 10; ++i) {
    if (i > 0) out += ',';
    AppendJsonString(&out, l.countries[i]);
  }
  out += "],\"video_share\":";
  AppendNumber(&out, l.video_share, 1000);
  out += ",\"new_contacts\":" + std::to_string(l.new_contacts);
  out += ",\"calls\":" + std::to_string(l.calls);
  out += ",\"weekly_repeat\":";
  AppendNumber(&out, l.weekly_repeat, 1000);
  out += ",\"median_minutes\":";
  AppendNumber(&out, l.median_minutes, 10);
  out += ",\"flagged_counterparts\":" + std::to_string(l.flagged_counterparts);
  out += ",\"linked\":[";
  for (size_t i = 0; i < l.linked.size(); ++i) {
    if (i > 0) out += ',';
    AppendJsonString(&out, l.linked[i]);
  }
  out += "]},\"reasons\":[";
  for (size_t i = 0; i < l.reasons.size(); ++i) {
    if (i > 0) out += ',';
    AppendJsonString(&out, l.reasons[i]);
  }
  out += "]}";
  return out;
}

}  // namespace bantay::meta
