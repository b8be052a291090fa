// cli/simulate_calls.h: a synthetic month of video-platform call records with truth labels,
// for testing and benchmarking the metadata analysis (`bantay simulate calls`).
//
// The records are metadata only (ARCHITECTURE.md "Call records"): who called whom, when, for
// how long, by video, audio or text, from which IP. Every account belongs to one population:
// exploitation hubs in Philippine hotspot regions (supply), their foreign customers (demand),
// and the legitimate populations that make the literal rule ("a PH account with 3+ distinct
// high-income foreign contacts in a week") useless: families of overseas workers, call
// centres, online English tutors, freelancers, foreign friends, and the ordinary bulk.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/core.h"

namespace bantay::cli {

struct SimulateCallsOptions {
  uint64_t accounts = 60000;           // accounts in all populations and countries, >= 1000
  int days = 30;                       // length of the period, 1 to 3660
  uint64_t seed = 1;                   // same seed, same options: byte-identical output
  int64_t start_ms = 1772323200000;    // start of the period: 2026-03-01T00:00:00Z
  double hub_share = 0.0015;           // share of accounts that are supply hubs; the customer
                                       // populations scale with it (8x multi-hub, 2.7x loyal)
  double ordinary_rate = 0.45;         // mean calls an account starts per day with its own
                                       // friends (all populations; scales the record count)
  double late_rate = 0.01;             // share of records written late (out of order)
  int max_lateness_s = 3600;           // a late record comes at most this long after its start
  double duplicate_rate = 0.005;       // share of records written twice (same call_id, same line)
  double missing_country_rate = 0.05;  // share of records with empty country/region columns
  double ipv6_rate = 0.02;             // share of call sides with an IPv6 address
  double vpn_rate = 0.01;              // share of call sides from an anonymous-proxy range (their
                                       // country and region columns are empty), besides the
                                       // accounts always behind a VPN (CallTruth::always_vpn)
  double epoch_rate = 0;               // share of records whose start is epoch seconds
};

// The truth about one generated account.
struct CallTruth {
  std::string_view account;     // "u0000001", ...
  std::string_view role;        // "supply", "demand" or "none"
  std::string_view population;  // one of CallPopulations()
  std::string_view country;     // ISO 3166-1 alpha-2 of the account's home
  std::string_view region;      // ISO 3166-2 for Philippine accounts, else empty
  std::string_view ip_group;    // accounts sharing IPs: a facilitator running several hubs
                                // ("f3"), a call centre ("c2"), a tutoring centre ("t5");
                                // empty when none
  std::string_view trip;        // ISO 3166-2 region of a trip to the Philippines during the
                                // period (the account's calls come from there), else empty
  bool always_vpn = false;      // every call of the account goes through a VPN
};

// Every population name, supply first, then demand, then the legitimate ones ("none").
const std::vector<std::string>& CallPopulations();
// The role of a population name ("supply", "demand", "none"); empty when unknown.
std::string_view CallPopulationRole(std::string_view population);

// The CSV header line written first (ARCHITECTURE.md column order), without newline.
std::string_view CallRecordsHeader();

// Generates the accounts, then the records. Each account's truth goes to `on_truth`, in
// account order, before any record; then the header and each record go to `on_line` as one CSV
// line without newline (the view is valid only during the call). Records come in start order
// except the late ones (options.late_rate) and the repeated ones (options.duplicate_rate, a
// few minutes after the first copy).
// Returns kInvalidArgument for bad options, before calling either function.
// Thread-compatible: concurrent calls are safe; one call is single-threaded.
Status SimulateCalls(const SimulateCallsOptions& options,
                     const std::function<void(std::string_view line)>& on_line,
                     const std::function<void(const CallTruth&)>& on_truth);

}  // namespace bantay::cli
