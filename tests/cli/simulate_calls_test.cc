// Tests for the synthetic call records behind `bantay simulate calls`.
#include "cli/simulate_calls.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/core.h"

namespace bantay::cli {
namespace {

struct Truth {
  std::string role, population, country, region, ip_group, trip;
  bool always_vpn = false;
};

struct Corpus {
  std::vector<std::string> lines;      // header first
  std::vector<std::string> accounts;   // in truth order
  std::map<std::string, Truth> truth;  // by account
};

Corpus Generate(const SimulateCallsOptions& options) {
  Corpus c;
  Status s = SimulateCalls(
      options, [&](std::string_view line) { c.lines.emplace_back(line); },
      [&](const CallTruth& t) {
        c.accounts.emplace_back(t.account);
        c.truth[std::string(t.account)] = {
            std::string(t.role),   std::string(t.population), std::string(t.country),
            std::string(t.region), std::string(t.ip_group),   std::string(t.trip),
            t.always_vpn};
      });
  EXPECT_TRUE(s.has_value()) << (s ? "" : s.error().ToString());
  return c;
}

SimulateCallsOptions Options(uint64_t accounts, int days, uint64_t seed) {
  SimulateCallsOptions o;
  o.accounts = accounts;
  o.days = days;
  o.seed = seed;
  return o;
}

std::vector<std::string> Split(const std::string& line) {
  std::vector<std::string> fields;
  size_t begin = 0;
  for (;;) {
    const size_t comma = line.find(',', begin);
    fields.push_back(line.substr(begin, comma - begin));
    if (comma == std::string::npos) break;
    begin = comma + 1;
  }
  return fields;
}

enum Column {
  kCallId,
  kStart,
  kDuration,
  kCaller,
  kCallee,
  kMedia,
  kCallerIp,
  kCalleeIp,
  kCallerCountry,
  kCalleeCountry,
  kCallerRegion,
  kCalleeRegion,
  kColumns
};

struct Record {
  std::string id;
  int64_t start_s = 0;
  std::vector<std::string> f;
};

int64_t ParseStart(const std::string& s) {
  if (!s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::stoll(s);
  }
  Result<int64_t> ms = ParseRfc3339(s);
  EXPECT_TRUE(ms.has_value()) << s;
  return ms ? *ms / 1000 : 0;
}

// Records in output order, header excluded.
std::vector<Record> Records(const Corpus& c) {
  std::vector<Record> out;
  out.reserve(c.lines.size());
  for (size_t i = 1; i < c.lines.size(); ++i) {
    Record r;
    r.f = Split(c.lines[i]);
    if (r.f.size() != kColumns) {
      ADD_FAILURE() << "line " << i + 1 << ": " << r.f.size() << " columns: " << c.lines[i];
      continue;
    }
    r.id = r.f[kCallId];
    r.start_s = ParseStart(r.f[kStart]);
    out.push_back(std::move(r));
  }
  return out;
}

bool InVpnRange(const std::string& ip) {
  static const char* kVpn[] = {"2.57.171.",   "45.120.200.", "66.163.217.",  "103.250.4.",
                               "128.90.235.", "172.94.80.",  "178.170.138.", "193.150.9."};
  for (const char* p : kVpn) {
    if (ip.rfind(p, 0) == 0) return true;
  }
  return false;
}

bool ValidIpv4(const std::string& ip) {
  int parts = 0;
  size_t begin = 0;
  for (;;) {
    const size_t dot = ip.find('.', begin);
    const std::string part = ip.substr(begin, dot - begin);
    if (part.empty() || part.size() > 3 ||
        !std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        std::stoi(part) > 255) {
      return false;
    }
    ++parts;
    if (dot == std::string::npos) break;
    begin = dot + 1;
  }
  return parts == 4;
}

bool ValidIpv6(const std::string& ip) {
  int groups = 0;
  size_t begin = 0;
  for (;;) {
    const size_t colon = ip.find(':', begin);
    const std::string g = ip.substr(begin, colon - begin);
    if (g.empty() || g.size() > 4 || !std::all_of(g.begin(), g.end(), [](char c) {
          return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
        })) {
      return false;
    }
    ++groups;
    if (colon == std::string::npos) break;
    begin = colon + 1;
  }
  return groups == 8;
}

TEST(SimulateCallsTest, SameSeedGivesSameOutput) {
  const SimulateCallsOptions o = Options(2000, 10, 42);
  const Corpus a = Generate(o);
  const Corpus b = Generate(o);
  EXPECT_EQ(a.lines, b.lines);
  EXPECT_EQ(a.accounts, b.accounts);
  for (const auto& [account, t] : a.truth) {
    EXPECT_EQ(t.population, b.truth.at(account).population);
  }
}

TEST(SimulateCallsTest, DifferentSeedsGiveDifferentOutput) {
  EXPECT_NE(Generate(Options(2000, 5, 1)).lines, Generate(Options(2000, 5, 2)).lines);
}

TEST(SimulateCallsTest, TruthHasOneRecordPerAccountWithKnownPopulations) {
  const Corpus c = Generate(Options(3456, 7, 5));
  ASSERT_EQ(c.accounts.size(), 3456u);
  EXPECT_EQ(c.truth.size(), 3456u);  // ids are unique
  std::map<std::string, int> count;
  const std::set<std::string> hotspots = {"PH-00", "PH-03", "PH-06", "PH-07", "PH-10", "PH-11"};
  for (const auto& [account, t] : c.truth) {
    ++count[t.population];
    EXPECT_EQ(t.role, CallPopulationRole(t.population)) << t.population;
    EXPECT_EQ(t.country.size(), 2u);
    EXPECT_EQ(!t.region.empty(), t.country == "PH") << account;
    if (t.population == "hub") {
      EXPECT_EQ(t.role, "supply");
      EXPECT_TRUE(hotspots.count(t.region)) << t.region;
    }
    if (t.population == "call_centre") {
      EXPECT_TRUE(t.region == "PH-07" || t.region == "PH-03" || t.region == "PH-00");
      EXPECT_EQ(t.ip_group.substr(0, 1), "c");
    }
    if (t.population == "customer" || t.population == "loyal_customer") {
      EXPECT_EQ(t.role, "demand");
      EXPECT_NE(t.country, "PH");
    }
  }
  for (const std::string& pop : CallPopulations()) {
    EXPECT_GT(count[pop], 0) << pop;
  }
  EXPECT_EQ(count.size(), CallPopulations().size());
  // Ordinary accounts are the bulk; the hubs are rare.
  EXPECT_GT(count["ordinary"], 3456 / 2);
  EXPECT_LT(count["hub"], 3456 / 100);
}

TEST(SimulateCallsTest, CsvHasHeaderAndValidRecords) {
  const SimulateCallsOptions o = Options(3000, 10, 11);
  const Corpus c = Generate(o);
  ASSERT_FALSE(c.lines.empty());
  EXPECT_EQ(c.lines[0], CallRecordsHeader());
  EXPECT_EQ(c.lines[0],
            "call_id,start,duration_s,caller,callee,media,caller_ip,callee_ip,caller_country,"
            "callee_country,caller_region,callee_region");
  const std::vector<Record> records = Records(c);
  ASSERT_EQ(records.size() + 1, c.lines.size());
  EXPECT_GT(records.size(), 3000u * 10 / 2);  // a month-scale population calls a lot
  const int64_t start = o.start_ms / 1000, end = start + 10 * 86400;
  std::set<std::string> media_seen, populations_seen;
  for (const Record& r : records) {
    const auto& f = r.f;
    EXPECT_EQ(f[kCallId].size(), 11u) << f[kCallId];
    EXPECT_GE(r.start_s, start);
    EXPECT_LT(r.start_s, end);
    EXPECT_FALSE(f[kDuration].empty());
    EXPECT_GT(std::stoll(f[kDuration]), 0);
    EXPECT_TRUE(c.truth.count(f[kCaller])) << f[kCaller];
    EXPECT_TRUE(c.truth.count(f[kCallee])) << f[kCallee];
    EXPECT_NE(f[kCaller], f[kCallee]);
    EXPECT_TRUE(f[kMedia] == "video" || f[kMedia] == "audio" || f[kMedia] == "text");
    media_seen.insert(f[kMedia]);
    for (int side = 0; side < 2; ++side) {
      const std::string& ip = f[kCallerIp + side];
      const std::string& country = f[kCallerCountry + side];
      const std::string& region = f[kCallerRegion + side];
      const std::string& account = f[kCaller + side];
      EXPECT_TRUE(ValidIpv4(ip) || ValidIpv6(ip)) << ip;
      const Truth& t = c.truth.at(account);
      if (!country.empty() && !(country == "PH" && region == t.trip)) {  // else on a trip
        EXPECT_EQ(country, t.country);
        EXPECT_EQ(region, t.region);
      } else if (country.empty()) {
        EXPECT_TRUE(region.empty());
      }
      populations_seen.insert(c.truth.at(account).population);
    }
  }
  EXPECT_EQ(media_seen.size(), 3u);
  EXPECT_EQ(populations_seen.size(), CallPopulations().size());  // every population calls
}

// Some foreigners spend four to fourteen days in the Philippines: their calls of those days
// come from their trip's region, the others from home. Customers travel to the hubs'
// regions; Philippine accounts take no trips.
TEST(SimulateCallsTest, TripsPlaceAForeignersCallsInThePhilippinesForAFewDays) {
  const SimulateCallsOptions o = Options(6000, 30, 11);
  const Corpus c = Generate(o);
  std::map<std::string, std::set<int64_t>> trip_days;  // account -> UTC days seen in PH
  std::map<std::string, std::set<int64_t>> home_days;
  for (const Record& r : Records(c)) {
    for (int side = 0; side < 2; ++side) {
      const std::string& account = r.f[kCaller + side];
      const std::string& country = r.f[kCallerCountry + side];
      const Truth& t = c.truth.at(account);
      if (country.empty() || t.country == "PH") continue;
      (country == "PH" ? trip_days : home_days)[account].insert(r.start_s / 86400);
      if (country == "PH") {
        EXPECT_EQ(r.f[kCallerRegion + side], t.trip) << account;
      }
    }
  }
  std::map<std::string, int> travellers;  // population -> accounts seen on their trip
  for (const auto& [account, t] : c.truth) {
    if (t.country == "PH") {
      EXPECT_TRUE(t.trip.empty()) << account;
    }
    if (t.trip.empty()) {
      EXPECT_FALSE(trip_days.count(account)) << account;
      continue;
    }
    EXPECT_EQ(t.trip.rfind("PH-", 0), 0u) << t.trip;
    if (t.role == "demand") {
      static const std::set<std::string> kHubRegions = {"PH-07", "PH-03", "PH-00",
                                                        "PH-06", "PH-10", "PH-11"};
      EXPECT_TRUE(kHubRegions.count(t.trip)) << t.trip;
    }
    auto it = trip_days.find(account);
    if (it == trip_days.end()) continue;
    ++travellers[t.population];
    const std::set<int64_t>& days = it->second;
    EXPECT_LE(*days.rbegin() - *days.begin(), 13) << account;
    for (int64_t d : home_days[account]) {  // home before or after, never during
      EXPECT_TRUE(d < *days.begin() || d > *days.rbegin()) << account << " day " << d;
    }
  }
  for (const char* pop : {"customer", "ofw_worker", "foreign_traveller", "ordinary"}) {
    EXPECT_GT(travellers[pop], 0) << pop;
  }
}

// Some accounts call only through a VPN: no side of theirs has a location column, and their
// addresses are not their home's. Customers and overseas workers are among them.
TEST(SimulateCallsTest, AlwaysVpnAccountsNeverShowTheirLocation) {
  const Corpus c = Generate(Options(6000, 14, 12));
  std::map<std::string, int> hidden_sides;           // population -> sides of always-VPN accounts
  std::map<std::string, std::set<std::string>> ips;  // account -> addresses
  for (const Record& r : Records(c)) {
    for (int side = 0; side < 2; ++side) {
      const std::string& account = r.f[kCaller + side];
      const Truth& t = c.truth.at(account);
      ips[account].insert(r.f[kCallerIp + side]);
      if (!t.always_vpn) continue;
      ++hidden_sides[t.population];
      EXPECT_TRUE(r.f[kCallerCountry + side].empty()) << account;
      EXPECT_TRUE(r.f[kCallerRegion + side].empty()) << account;
    }
  }
  for (const char* pop : {"customer", "ofw_worker", "ordinary"}) {
    EXPECT_GT(hidden_sides[pop], 0) << pop;
  }
  // Their addresses are VPN exits, none of which another account uses as its home address.
  std::set<std::string> visible;
  for (const auto& [account, set] : ips) {
    if (!c.truth.at(account).always_vpn) visible.insert(set.begin(), set.end());
  }
  size_t vpn_ips = 0, shared = 0;
  for (const auto& [account, set] : ips) {
    if (!c.truth.at(account).always_vpn) continue;
    for (const auto& ip : set) {
      ++vpn_ips;
      shared += visible.count(ip);
    }
  }
  EXPECT_GT(vpn_ips, 0u);
  EXPECT_LT(shared * 2, vpn_ips);  // other accounts' VPN calls share some exits, not most
}

TEST(SimulateCallsTest, StartOptionMovesThePeriodAndEpochTimesParse) {
  SimulateCallsOptions o = Options(1500, 3, 4);
  Result<int64_t> start = ParseRfc3339("2025-11-30T13:30:00Z");
  ASSERT_TRUE(start.has_value());
  o.start_ms = *start;
  o.epoch_rate = 0.3;
  const Corpus c = Generate(o);
  const std::vector<Record> records = Records(c);
  ASSERT_FALSE(records.empty());
  size_t epoch = 0;
  for (const Record& r : records) {
    EXPECT_GE(r.start_s, *start / 1000);
    EXPECT_LT(r.start_s, *start / 1000 + 3 * 86400);
    epoch += r.f[kStart].find('T') == std::string::npos;
  }
  EXPECT_NEAR(static_cast<double>(epoch) / records.size(), 0.3, 0.05);
}

// Second copies (same call_id) excluded, how many records start before one already written,
// and by how much at most.
struct Order {
  size_t distinct = 0, copies = 0, copies_differing = 0, late = 0;
  int64_t max_lateness_s = 0;
};

Order MeasureOrder(const std::vector<Record>& records, const std::vector<std::string>& lines) {
  Order o;
  std::unordered_map<std::string, size_t> first;  // call_id -> line index
  int64_t max_start = INT64_MIN;
  for (size_t i = 0; i < records.size(); ++i) {
    const Record& r = records[i];
    auto [it, inserted] = first.emplace(r.id, i);
    if (!inserted) {
      ++o.copies;
      o.copies_differing += lines[it->second + 1] != lines[i + 1];
      continue;
    }
    ++o.distinct;
    if (r.start_s < max_start) {
      ++o.late;
      o.max_lateness_s = std::max(o.max_lateness_s, max_start - r.start_s);
    }
    max_start = std::max(max_start, r.start_s);
  }
  return o;
}

TEST(SimulateCallsTest, DuplicatesAndLateRecordsComeAtTheConfiguredRates) {
  SimulateCallsOptions o = Options(4000, 30, 8);
  o.late_rate = 0.02;
  o.duplicate_rate = 0.01;
  o.max_lateness_s = 1800;
  const Corpus c = Generate(o);
  const Order order = MeasureOrder(Records(c), c.lines);
  ASSERT_GT(order.distinct, 50000u);
  const double dup_rate = static_cast<double>(order.copies) / order.distinct;
  const double late_rate = static_cast<double>(order.late) / order.distinct;
  EXPECT_NEAR(dup_rate, 0.01, 0.003);
  EXPECT_EQ(order.copies_differing, 0u);  // exact duplicates
  // A late record is out of order unless no call started in its delay; at this density
  // nearly all are.
  EXPECT_NEAR(late_rate, 0.02, 0.005);
  EXPECT_LE(order.max_lateness_s, 1800);
  EXPECT_GT(order.max_lateness_s, 600);
}

TEST(SimulateCallsTest, WithoutLatenessOrDuplicatesRecordsAreInStartOrder) {
  SimulateCallsOptions o = Options(2000, 5, 8);
  o.late_rate = 0;
  o.duplicate_rate = 0;
  const Corpus c = Generate(o);
  const Order order = MeasureOrder(Records(c), c.lines);
  EXPECT_GT(order.distinct, 1000u);
  EXPECT_EQ(order.copies, 0u);
  EXPECT_EQ(order.late, 0u);
}

TEST(SimulateCallsTest, LocationColumnsAreMissingOrAnonymousAtTheConfiguredRates) {
  SimulateCallsOptions o = Options(4000, 14, 21);
  const Corpus c = Generate(o);
  const std::vector<Record> records = Records(c);
  size_t sides = 0, v6 = 0, vpn = 0, both_empty = 0, vpn_with_country = 0;
  for (const Record& r : records) {
    both_empty += r.f[kCallerCountry].empty() && r.f[kCalleeCountry].empty();
    for (int side = 0; side < 2; ++side) {
      const std::string& ip = r.f[kCallerIp + side];
      // The rates are of the other accounts' sides (AlwaysVpnAccountsNeverShowTheirLocation).
      if (c.truth.at(r.f[kCaller + side]).always_vpn) {
        EXPECT_TRUE(InVpnRange(ip)) << ip;
        continue;
      }
      ++sides;
      v6 += ip.find(':') != std::string::npos;
      if (InVpnRange(ip)) {
        ++vpn;
        vpn_with_country += !r.f[kCallerCountry + side].empty();
      }
    }
  }
  ASSERT_GT(records.size(), 30000u);
  EXPECT_NEAR(static_cast<double>(both_empty) / records.size(), 0.05, 0.01);
  EXPECT_NEAR(static_cast<double>(v6) / sides, 0.02, 0.006);
  EXPECT_NEAR(static_cast<double>(vpn) / sides, 0.01, 0.005);
  EXPECT_EQ(vpn_with_country, 0u);  // a VPN's location is unknown, never "foreign"
}

TEST(SimulateCallsTest, HubsShareIpsWithinAFacilitatorGroup) {
  const Corpus c = Generate(Options(8000, 14, 3));
  std::map<std::string, std::set<std::string>> group_ips;  // facilitator group -> IPs used
  std::map<std::string, int> group_members;
  for (const auto& [account, t] : c.truth) {
    if (t.population == "hub" && !t.ip_group.empty()) ++group_members[t.ip_group];
  }
  ASSERT_FALSE(group_members.empty());
  std::map<std::string, std::set<std::string>> ip_accounts;
  for (const Record& r : Records(c)) {
    for (int side = 0; side < 2; ++side) {
      const std::string& account = r.f[kCaller + side];
      const Truth& t = c.truth.at(account);
      if (t.population == "hub" && !t.ip_group.empty()) {
        ip_accounts[r.f[kCallerIp + side]].insert(account);
      }
    }
  }
  // Some IP is used by every member of some group of two or more.
  size_t best = 0;
  for (const auto& [ip, accounts] : ip_accounts) best = std::max(best, accounts.size());
  EXPECT_GE(best, 2u);
}

// The literal rule of the published idea: a Philippine account with video contact with at
// least three distinct accounts of other, high-income countries within some 7-day window.
TEST(SimulateCallsTest, LiteralRuleHasPoorPrecision) {
  static const std::unordered_set<std::string> kHighIncome = {
      "US", "GB", "AU", "DE", "CA", "SE", "NO", "NL", "JP", "KR", "TW", "HK", "SG", "SA", "AE",
      "QA", "KW", "IT", "FR", "DK", "FI", "CH", "NZ", "IE", "BE", "AT", "ES", "PL", "IL"};
  const Corpus c = Generate(Options(12000, 30, 17));
  std::map<std::string, std::vector<std::pair<int64_t, std::string>>> edges;
  std::unordered_set<std::string> seen;
  for (const Record& r : Records(c)) {
    if (!seen.insert(r.id).second || r.f[kMedia] != "video") continue;
    for (int side = 0; side < 2; ++side) {
      const std::string& a = r.f[kCaller + side];
      const std::string& b = r.f[kCaller + 1 - side];
      const std::string& ca = c.truth.at(a).country;
      const std::string& cb = c.truth.at(b).country;
      if (ca == "PH" && cb != "PH" && kHighIncome.count(cb)) edges[a].emplace_back(r.start_s, b);
    }
  }
  std::set<std::string> fired;
  for (auto& [account, list] : edges) {
    std::sort(list.begin(), list.end());
    std::map<std::string, int> window;
    size_t left = 0;
    for (size_t right = 0; right < list.size(); ++right) {
      ++window[list[right].second];
      while (list[right].first - list[left].first >= 7 * 86400) {
        if (--window[list[left].second] == 0) window.erase(list[left].second);
        ++left;
      }
      if (window.size() >= 3) {
        fired.insert(account);
        break;
      }
    }
  }
  size_t tp = 0, hubs = 0;
  std::map<std::string, int> fired_by_population;
  for (const auto& [account, t] : c.truth) hubs += t.role == "supply";
  for (const std::string& a : fired) {
    tp += c.truth.at(a).role == "supply";
    ++fired_by_population[c.truth.at(a).population];
  }
  ASSERT_GT(hubs, 10u);
  const double precision = static_cast<double>(tp) / fired.size();
  const double recall = static_cast<double>(tp) / hubs;
  EXPECT_LT(precision, 0.2);
  EXPECT_GT(recall, 0.8);  // the hubs do show the published signal
  // Each of the PH-side look-alike populations fires it.
  for (const char* pop : {"ofw_family", "call_centre", "tutor", "freelancer"}) {
    EXPECT_GT(fired_by_population[pop], 0) << pop;
  }
  std::cout << "literal rule: precision " << precision << ", recall " << recall << " ("
            << fired.size() << " fired, " << hubs << " hubs)\n";
}

TEST(SimulateCallsTest, BadOptionsAreRejectedBeforeAnyOutput) {
  auto rejects = [](SimulateCallsOptions o) {
    bool called = false;
    Status s = SimulateCalls(
        o, [&](std::string_view) { called = true; }, [&](const CallTruth&) { called = true; });
    EXPECT_FALSE(called);
    return !s.has_value() && s.error().code == ErrorCode::kInvalidArgument;
  };
  SimulateCallsOptions o = Options(999, 5, 1);
  EXPECT_TRUE(rejects(o));
  o = Options(2000, 0, 1);
  EXPECT_TRUE(rejects(o));
  o = Options(2000, 5, 1);
  o.late_rate = 1.5;
  EXPECT_TRUE(rejects(o));
  o = Options(2000, 5, 1);
  o.hub_share = 0;
  EXPECT_TRUE(rejects(o));
  o = Options(2000, 5, 1);
  o.max_lateness_s = 0;
  EXPECT_TRUE(rejects(o));
}

// ---- The command line ----

class SimulateCallsCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("bantay_simulate_calls_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static int Run(const std::string& args) {
    const std::string cmd = std::string(BANTAY_BINARY) + " " + args + " 2>/dev/null";
    const int status = std::system(cmd.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  static std::vector<std::string> ReadLines(const std::filesystem::path& p) {
    std::vector<std::string> lines;
    std::ifstream in(p);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

  std::filesystem::path dir_;
};

TEST_F(SimulateCallsCommandTest, WritesRecordsAndTruthFiles) {
  const auto out = dir_ / "calls.csv";
  const auto truth = dir_ / "truth.jsonl";
  ASSERT_EQ(Run("simulate calls --accounts 1500 --days 4 --seed 9 --start "
                "2026-04-01T00:00:00Z --out " +
                out.string() + " --truth " + truth.string()),
            0);
  const auto truth_lines = ReadLines(truth);
  ASSERT_EQ(truth_lines.size(), 1500u);
  for (const std::string& s : truth_lines) {
    const auto j = nlohmann::json::parse(s);
    EXPECT_TRUE(j.at("account").is_string());
    const std::string role = j.at("role").get<std::string>();
    EXPECT_TRUE(role == "supply" || role == "demand" || role == "none") << role;
    EXPECT_EQ(CallPopulationRole(j.at("population").get<std::string>()), role);
    EXPECT_EQ(j.at("country").get<std::string>().size(), 2u);
  }
  // Same as the library call with the same options.
  SimulateCallsOptions o = Options(1500, 4, 9);
  o.start_ms = *ParseRfc3339("2026-04-01T00:00:00Z");
  EXPECT_EQ(ReadLines(out), Generate(o).lines);
}

TEST_F(SimulateCallsCommandTest, BadUsageExitsWithTwo) {
  EXPECT_EQ(Run("simulate calls --accounts 10"), 2);
  EXPECT_EQ(Run("simulate calls --accounts 2000 --late-rate 2"), 2);
  EXPECT_EQ(Run("simulate calls --accounts 2000 --start yesterday"), 2);
}

TEST_F(SimulateCallsCommandTest, UnwritableOutputExitsWithOne) {
  EXPECT_EQ(
      Run("simulate calls --accounts 1000 --days 1 --out " + (dir_ / "missing" / "x.csv").string()),
      1);
}

}  // namespace
}  // namespace bantay::cli
