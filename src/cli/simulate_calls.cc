// cli/simulate_calls.cc: the populations, country table and generator behind
// `bantay simulate calls`.
//
// The generator first builds every account (population, country, ISO 3166-2 region for
// Philippine accounts, UTC offset, home IP) and the relationships of each population (hub
// customers, overseas relatives, tutoring slots, ...), then walks the period one local
// calendar day at a time: on each day every process places its calls in the local time of
// the party whose clock rules it (a customer's evening, a tutor's student's weekly slot, a
// call centre's market's business hours). Calls are bucketed by UTC day and written in start
// order once no later day can add to a bucket, with the configured late and repeated records.
//
// The populations (kPops; role in brackets), all with their own friends at home besides:
// - hub [supply]: PH accounts in hotspot regions; foreign customers find them (some hubs far
//   more than others), mostly new ones each week; video shows of 8 to 45 minutes in the
//   customer's evening or the PH night, on no schedule. Some 40% run in a facilitator's
//   group of two to four hubs that share the facilitator's IP.
// - customer [demand]: high-income accounts meeting two to six hubs over one to three weeks,
//   new hubs now and then, old ones again; loyal_customer [demand]: one hub, three to eight
//   times. Customers use VPNs more than others.
// - ofw_family / ofw_worker: PH families and their relatives working in the Gulf, Hong Kong,
//   Singapore, the US, Italy...: the same few counterparts again and again, long video or
//   audio calls in the worker's evening, more on the worker's day off.
// - call_centre: agents in Cebu, Pampanga and Manila, centres of 15 to 60 behind two IPs,
//   8 to 20 short calls a shift (92% audio) with random accounts of one market (US, AU, GB)
//   in its business hours.
// - tutor / tutor_student: 25-minute video lessons in weekly slots (same weekday and hour),
//   students from JP, KR, CN, TW, US...; some students take trial lessons with several tutors
//   first; a quarter of the tutors work in centres sharing an IP.
// - freelancer / freelance_client: weekly meetings at a fixed business-hours slot and ad-hoc
//   calls with a few foreign clients.
// - foreign_traveller: foreigners calling one to four PH friends (ordinary PH accounts).
// - ordinary: the bulk, in 46 countries, calling friends mostly at home.
// Trips (kTrips): some foreigners spend four to fourteen days of the period in the
// Philippines, and their calls then come from there (record columns, IPs): customers in the
// hubs' regions (the travelling offender), overseas workers at home on leave, foreign
// travellers, and a few ordinary foreigners on holiday. The population stays the account's.
// Always behind a VPN (kAlwaysVpn): some customers hide every call, overseas workers where
// VoIP is blocked (the Gulf) reach their families only that way, and a few others; such an
// account's location is never known.
#include "cli/simulate_calls.h"
#include "cli/sim_rng.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <initializer_list>
#include <queue>
#include <random>
#include <string>
#include <unordered_set>

namespace bantay::cli {
namespace {

// ---- Random numbers -------------------------------------------------------------------------

using Rng = SimRng;

// A distribution given by its values at the 0, 1/8, ..., 8/8 quantiles, linear in between.
using Quantiles = std::array<double, 9>;

double Sample(Rng& rng, const Quantiles& q) {
  const double u = rng.Unit() * 8;
  const int i = static_cast<int>(u);
  if (i >= 8) return q[8];
  return q[i] + (q[i + 1] - q[i]) * (u - i);
}

// Durations in seconds.
constexpr Quantiles kAudioDuration = {15, 40, 70, 110, 170, 260, 420, 800, 3000};
constexpr Quantiles kVideoDuration = {20, 90, 180, 300, 480, 720, 1100, 1900, 5400};
constexpr Quantiles kTextDuration = {10, 30, 60, 100, 150, 240, 400, 700, 1800};
constexpr Quantiles kShowDuration = {480, 660, 840, 1020, 1200, 1440, 1740, 2160, 2700};
constexpr Quantiles kFamilyDuration = {300, 900, 1500, 2100, 2700, 3600, 4800, 6600, 10800};
constexpr Quantiles kSupportDuration = {30, 90, 150, 210, 270, 360, 480, 720, 1800};
constexpr Quantiles kMeetingDuration = {600, 900, 1200, 1500, 1800, 2400, 2700, 3300, 4200};
constexpr Quantiles kFriendDuration = {120, 300, 480, 720, 900, 1200, 1800, 2700, 4800};
// Multipliers of an account's own-friends call rate: most people call little, a few a lot.
constexpr Quantiles kSociability = {0.05, 0.2, 0.4, 0.6, 0.85, 1.1, 1.5, 2.2, 4.0};

// Weights of the hours 0..27 of a local day (24..27: after midnight, still "that evening").
using HourProfile = std::array<double, 28>;
constexpr HourProfile kDayHours = {0.3, 0.15, 0.08, 0.05, 0.05, 0.1, 0.3, 0.6, 0.8, 0.9,
                                   0.9, 1.0,  1.2,  1.0,  0.9,  0.9, 1.0, 1.2, 1.5, 1.8,
                                   2.0, 2.0,  1.6,  0.9,  0,    0,   0,   0};
constexpr HourProfile kEveningHours = {0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
                                       0,   0,   0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.2, 0.6,
                                       1.2, 1.8, 2.0, 1.6, 1.0, 0.6, 0.3, 0.1};
constexpr HourProfile kPhNightHours = {0,   0,   0,   0,   0,   0,   0,   0,  0,   0,
                                       0,   0,   0,   0,   0,   0,   0,   0,  0.5, 1.0,
                                       1.5, 1.8, 1.8, 1.4, 1.0, 0.7, 0.4, 0.2};
constexpr HourProfile kWorkerEveningHours = {0,   0,   0,   0,   0,   0, 0.2, 0.3, 0,   0,
                                             0,   0,   0.3, 0.3, 0,   0, 0,   0,   0.8, 1.5,
                                             2.0, 2.0, 1.5, 0.8, 0.3, 0, 0,   0};
constexpr HourProfile kDayOffHours = {0, 0, 0, 0, 0, 0, 0, 0, 0, 1,   1, 1, 1, 1,
                                      1, 1, 1, 1, 1, 1, 1, 1, 1, 0.5, 0, 0, 0, 0};
constexpr HourProfile kBusinessHours = {0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0.5, 1,
                                        1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,   0};

// Second of the local day (may exceed 86400: after midnight) drawn from a profile.
int SampleSecond(Rng& rng, const HourProfile& hours) {
  double total = 0;
  for (double w : hours) total += w;
  double u = rng.Unit() * total;
  int h = 0;
  for (; h < 27; ++h) {
    if (u < hours[h]) break;
    u -= hours[h];
  }
  return h * 3600 + static_cast<int>(rng.Below(3600));
}

// ---- Countries, regions, IP ranges ----------------------------------------------------------

// IP ranges: a few IPv4 networks and IPv6 /32s per country, taken once from the libloc
// database Debian ships (libloc-database 0~20221029, IPFire Project, CC BY-SA 4.0) with
// `location list-networks-by-cc CC`: /11 to /18 networks outside cloud providers' ASes, each
// /24 of which looks up to that country without the anonymous-proxy, satellite or anycast
// flag (for the Philippines the largest such networks of PLDT, Globe, Sky, ComClark and ETPI,
// for room at scale); the IPv6 ones checked the same way on random addresses. The generator
// is self-contained: it never reads the database.
struct CountrySpec {
  std::string_view code;
  bool high_income;                    // World Bank FY2025 "High income"
  double ordinary_weight;              // relative share of the ordinary population
  std::array<int16_t, 4> offsets;      // UTC offsets in minutes; an account draws one
  std::array<std::string_view, 6> v4;  // IPv4 networks
  std::array<std::string_view, 2> v6;  // IPv6 /32s, as their first two groups
};

// clang-format off
constexpr CountrySpec kCountrySpecs[] = {
  {"PH", false, 28, {480, 480, 480, 480}, {"49.144.0.0/13", "121.96.0.0/15", "180.190.0.0/15", "1.37.0.0/16", "27.49.0.0/16", "49.157.0.0/16"}, {"2001:d18", "2400:6a80"}},
  {"US", true, 12, {-300, -300, -360, -480}, {"40.208.0.0/16", "64.176.0.0/15", "71.120.128.0/17", "98.72.0.0/17", "131.46.0.0/16", "139.85.128.0/17"}, {"2001:400", "2604:5300"}},
  {"GB", true, 4, {0, 0, 0, 0}, {"2.24.0.0/13", "51.71.0.0/16", "77.44.0.0/17", "81.104.0.0/14", "86.6.0.0/16", "91.84.0.0/15"}, {"2001:630", "2a01:5c20"}},
  {"AU", true, 2, {600, 600, 480, 570}, {"1.40.0.0/14", "49.198.0.0/16", "120.23.192.0/18", "129.78.0.0/16", "139.134.0.0/16", "150.173.0.0/16"}, {"2001:388", "2400:ec40"}},
  {"DE", true, 3, {60, 60, 60, 60}, {"2.160.0.0/12", "80.128.0.0/12", "91.136.128.0/17", "130.73.0.0/16", "137.226.0.0/16", "141.44.0.0/16"}, {"2001:608", "2a01:41e3"}},
  {"CA", true, 2, {-300, -300, -480, -420}, {"45.78.192.0/18", "69.70.0.0/18", "74.216.0.0/16", "99.251.128.0/18", "132.213.0.0/16", "142.40.0.0/16"}, {"2001:410", "2604:6400"}},
  {"SE", true, 0.5, {60, 60, 60, 60}, {"2.64.0.0/13", "62.181.192.0/18", "83.174.64.0/18", "128.87.0.0/16", "138.14.0.0/16", "147.14.0.0/16"}, {"2001:6b0", "2a01:e8"}},
  {"NO", true, 0.3, {60, 60, 60, 60}, {"2.148.0.0/14", "62.97.192.0/18", "82.134.0.0/17", "84.211.128.0/17", "86.62.128.0/18", "129.177.0.0/16"}, {"2001:700", "2a01:460"}},
  {"NL", true, 1, {60, 60, 60, 60}, {"62.238.0.0/16", "82.168.128.0/18", "85.150.0.0/16", "94.170.0.0/15", "141.93.0.0/16", "145.48.0.0/15"}, {"2001:610", "2a02:2770"}},
  {"JP", true, 3, {540, 540, 540, 540}, {"1.0.64.0/18", "59.166.0.0/17", "61.208.0.0/13", "116.222.0.0/16", "124.143.128.0/17", "126.119.0.0/16"}, {"2001:200", "2001:44a8"}},
  {"KR", true, 2, {540, 540, 540, 540}, {"1.11.0.0/16", "42.82.0.0/16", "61.98.0.0/16", "112.133.0.0/17", "116.255.64.0/18", "121.253.0.0/16"}, {"2001:220", "2001:e98"}},
  {"CN", false, 2, {480, 480, 480, 480}, {"1.2.64.0/18", "42.95.0.0/16", "60.252.0.0/16", "110.56.0.0/16", "111.213.128.0/18", "115.26.128.0/17"}, {"2001:250", "2405:5780"}},
  {"TW", true, 0.5, {480, 480, 480, 480}, {"1.34.0.0/15", "42.71.192.0/18", "59.126.128.0/17", "61.221.0.0/16", "111.250.0.0/16", "117.56.0.0/16"}, {"2001:238", "2400:61a0"}},
  {"HK", true, 0.5, {480, 480, 480, 480}, {"1.36.0.0/16", "61.10.128.0/17", "61.244.128.0/18", "116.49.0.0/16", "124.244.64.0/18", "159.151.128.0/18"}, {"2001:2e0", "2401:1100"}},
  {"SG", true, 0.5, {480, 480, 480, 480}, {"42.60.128.0/17", "58.182.0.0/16", "101.100.192.0/18", "115.66.0.0/17", "116.88.64.0/18", "128.106.0.0/18"}, {"2001:208", "2400:ed00"}},
  {"SA", true, 1, {180, 180, 180, 180}, {"2.88.0.0/14", "37.99.128.0/18", "46.230.0.0/17", "51.252.0.0/15", "77.90.192.0/18", "86.51.0.0/16"}, {"2001:1490", "2a00:8820"}},
  {"AE", true, 1, {240, 240, 240, 240}, {"2.48.0.0/14", "5.192.0.0/18", "5.195.128.0/18", "37.245.192.0/18", "86.96.0.0/17", "86.99.128.0/17"}, {"2001:8f8", "2a03:a960"}},
  {"QA", true, 0.2, {180, 180, 180, 180}, {"37.208.128.0/17", "37.210.0.0/15", "78.100.0.0/15", "86.36.0.0/18", "86.36.128.0/17", "86.37.0.0/16"}, {"2001:1a10", "2a00:f0e0"}},
  {"KW", true, 0.2, {180, 180, 180, 180}, {"31.203.0.0/16", "37.34.128.0/17", "37.37.0.0/18", "37.39.0.0/18", "37.231.128.0/18", "62.215.192.0/18"}, {"2a00:1850", "2a01:7f40"}},
  {"IT", true, 2, {60, 60, 60, 60}, {"2.32.0.0/12", "37.119.192.0/18", "79.8.0.0/15", "80.207.0.0/16", "82.143.0.0/18", "87.10.0.0/15"}, {"2001:6b8", "2a01:9840"}},
  {"FR", true, 2, {60, 60, 60, 60}, {"2.0.0.0/12", "80.8.192.0/18", "83.112.0.0/17", "86.211.0.0/16", "90.48.0.0/17", "90.121.0.0/17"}, {"2001:660", "2a01:6de0"}},
  {"DK", true, 0.3, {60, 60, 60, 60}, {"62.107.0.0/16", "80.160.0.0/13", "83.88.0.0/13", "85.191.128.0/17", "87.116.0.0/18", "93.176.64.0/18"}, {"2001:6c8", "2a00:fbe0"}},
  {"FI", true, 0.3, {120, 120, 120, 120}, {"37.33.0.0/16", "77.105.64.0/18", "83.102.0.0/17", "85.156.0.0/15", "89.166.0.0/17", "130.234.0.0/16"}, {"2001:670", "2a00:89e0"}},
  {"CH", true, 0.3, {60, 60, 60, 60}, {"31.10.128.0/17", "57.34.0.0/16", "57.231.0.0/16", "80.219.0.0/16", "85.4.0.0/15", "129.194.0.0/16"}, {"2001:618", "2a01:5d8"}},
  {"NZ", true, 0.3, {720, 720, 720, 720}, {"27.252.0.0/16", "118.92.0.0/15", "118.149.128.0/17", "121.98.0.0/15", "125.237.0.0/16", "138.211.0.0/16"}, {"2001:dce", "2400:e780"}},
  {"IE", true, 0.3, {0, 0, 0, 0}, {"31.13.64.0/18", "54.229.0.0/16", "77.107.192.0/18", "80.111.128.0/17", "89.125.0.0/16", "109.125.0.0/18"}, {"2001:770", "2a01:148"}},
  {"BE", true, 0.5, {60, 60, 60, 60}, {"5.23.128.0/17", "57.205.0.0/16", "62.205.64.0/18", "81.240.0.0/14", "88.197.128.0/17", "109.128.0.0/12"}, {"2001:6a8", "2a01:89c0"}},
  {"AT", true, 0.4, {60, 60, 60, 60}, {"62.178.0.0/17", "80.110.0.0/16", "83.64.0.0/15", "85.126.0.0/15", "91.118.0.0/16", "138.232.0.0/16"}, {"2001:628", "2a01:468"}},
  {"ES", true, 2, {60, 60, 60, 60}, {"2.136.0.0/13", "46.222.128.0/17", "78.30.0.0/18", "80.49.64.0/18", "82.158.0.0/15", "83.173.128.0/18"}, {"2001:720", "2a01:c50a"}},
  {"PL", true, 1, {60, 60, 60, 60}, {"5.57.128.0/18", "37.47.0.0/16", "46.239.128.0/18", "78.30.64.0/18", "82.160.0.0/16", "85.198.192.0/18"}, {"2001:6a0", "2a01:7400"}},
  {"IL", true, 0.5, {120, 120, 120, 120}, {"2.52.0.0/14", "37.142.0.0/17", "51.84.0.0/14", "77.126.64.0/18", "80.178.0.0/17", "82.102.128.0/18"}, {"2001:bf8", "2a01:73c0"}},
  {"IN", false, 6, {330, 330, 330, 330}, {"1.6.0.0/15", "47.31.0.0/16", "59.98.0.0/16", "61.246.0.0/16", "112.79.128.0/18", "117.195.0.0/16"}, {"2001:ca8", "2401:27c0"}},
  {"ID", false, 5, {420, 420, 480, 540}, {"36.37.64.0/18", "36.76.0.0/16", "36.86.192.0/18", "61.94.0.0/16", "111.94.0.0/16", "115.178.128.0/18"}, {"2001:d10", "2401:bfc0"}},
  {"BR", false, 4, {-180, -180, -180, -240}, {"54.20.0.0/16", "177.48.0.0/15", "177.199.0.0/17", "179.128.0.0/15", "179.236.128.0/18", "187.18.64.0/18"}, {"2001:1280", "2804:17a0"}},
  {"MX", false, 3, {-360, -360, -360, -420}, {"57.76.0.0/17", "148.213.0.0/18", "148.233.0.0/16", "158.97.0.0/18", "187.161.64.0/18", "187.206.0.0/17"}, {"2001:448", "2806:21d"}},
  {"NG", false, 2, {60, 60, 60, 60}, {"41.58.0.0/16", "41.71.128.0/17", "41.219.128.0/18", "102.88.0.0/13", "102.131.128.0/17", "129.18.0.0/18"}, {"2001:4270", "2c0f:3e80"}},
  {"VN", false, 2, {420, 420, 420, 420}, {"1.52.0.0/14", "14.176.0.0/16", "14.240.0.0/16", "27.68.192.0/18", "42.114.192.0/18", "58.186.128.0/18"}, {"2001:dc8", "2400:83a0"}},
  {"TH", false, 2, {420, 420, 420, 420}, {"1.0.128.0/17", "27.145.64.0/18", "58.11.128.0/18", "101.51.128.0/18", "110.169.192.0/18", "115.87.192.0/18"}, {"2001:3c8", "2400:b5c0"}},
  {"MY", false, 1.5, {480, 480, 480, 480}, {"1.9.0.0/16", "58.71.128.0/17", "60.51.0.0/17", "61.6.128.0/18", "115.134.0.0/16", "118.101.128.0/18"}, {"2001:c18", "2400:b2a0"}},
  {"PK", false, 2, {300, 300, 300, 300}, {"27.255.0.0/18", "39.36.0.0/16", "39.41.0.0/17", "39.44.192.0/18", "39.48.128.0/17", "39.53.192.0/18"}, {"2001:fe8", "2400:a0c0"}},
  {"EG", false, 1.5, {120, 120, 120, 120}, {"41.32.0.0/12", "45.96.0.0/16", "102.13.0.0/16", "105.46.0.0/16", "105.92.64.0/18", "154.128.0.0/13"}, {"2001:4220", "2001:4300"}},
  {"BD", false, 1.5, {360, 360, 360, 360}, {"27.147.128.0/17", "37.111.192.0/18", "113.11.0.0/17", "114.130.0.0/17", "114.130.128.0/18", "115.127.0.0/17"}, {"2400:1020", "2400:c640"}},
  {"ZA", false, 1, {120, 120, 120, 120}, {"16.154.0.0/16", "41.12.192.0/18", "41.31.64.0/18", "41.145.0.0/17", "66.8.0.0/17", "105.211.0.0/16"}, {"2001:4200", "2c0f:3a80"}},
  {"KE", false, 1, {180, 180, 180, 180}, {"41.80.0.0/15", "41.215.0.0/17", "102.3.128.0/17", "105.161.0.0/17", "105.231.64.0/18", "154.77.128.0/18"}, {"2001:4358", "2c0f:1e00"}},
  {"CO", false, 1, {-300, -300, -300, -300}, {"152.200.0.0/14", "181.48.0.0/16", "181.153.128.0/17", "181.242.128.0/17", "181.253.128.0/17", "186.112.128.0/18"}, {"2001:13f8", "2803:240"}},
  {"AR", false, 1, {-180, -180, -180, -180}, {"24.232.0.0/16", "168.101.0.0/17", "181.2.0.0/15", "181.88.0.0/15", "181.168.0.0/15", "186.56.0.0/18"}, {"2001:1318", "2803:11c0"}},
};
// clang-format on

// Anonymous-proxy (VPN) networks, from `location list-networks-by-flags --anonymous-proxy`.
constexpr std::string_view kVpnNetworks[] = {
    "2.57.171.0/24",   "45.120.200.0/24", "66.163.217.0/24",  "103.250.4.0/24",
    "128.90.235.0/24", "172.94.80.0/24",  "178.170.138.0/24", "193.150.9.0/24"};

// Philippine regions (ISO 3166-2:PH) with the general population's weights. Hotspots per
// the issue: NCR, Central Luzon, Western and Central Visayas, Northern Mindanao, Davao.
struct RegionSpec {
  std::string_view code;
  double weight;
};
constexpr RegionSpec kRegions[] = {
    {"PH-00", 13}, {"PH-01", 5}, {"PH-02", 3}, {"PH-03", 12}, {"PH-05", 6}, {"PH-06", 7},
    {"PH-07", 8},  {"PH-08", 4}, {"PH-09", 4}, {"PH-10", 5},  {"PH-11", 5}, {"PH-12", 4},
    {"PH-13", 3},  {"PH-14", 4}, {"PH-15", 2}, {"PH-40", 15}, {"PH-41", 3}};

struct Weighted {
  std::string_view code;  // a country or region code
  double weight;
};

constexpr Weighted kHubRegions[] = {{"PH-07", 30}, {"PH-03", 20}, {"PH-00", 20},
                                    {"PH-06", 12}, {"PH-10", 8},  {"PH-11", 10}};
constexpr Weighted kCallCentreRegions[] = {{"PH-07", 35}, {"PH-03", 30}, {"PH-00", 35}};
constexpr Weighted kTutorRegions[] = {{"PH-07", 30}, {"PH-11", 12}, {"PH-06", 15},
                                      {"PH-00", 15}, {"PH-03", 8},  {"PH-40", 8},
                                      {"PH-10", 4},  {"PH-08", 4},  {"PH-05", 4}};

constexpr Weighted kCustomerCountries[] = {
    {"US", 30}, {"GB", 12}, {"AU", 12}, {"DE", 7}, {"CA", 7}, {"SE", 3}, {"NO", 3},
    {"NL", 4},  {"JP", 5},  {"DK", 2},  {"FI", 1}, {"CH", 2}, {"NZ", 2}, {"IE", 2},
    {"BE", 1},  {"AT", 1},  {"FR", 2},  {"IT", 1}, {"ES", 1}, {"KR", 1}, {"SG", 1}};
constexpr Weighted kWorkerCountries[] = {{"SA", 22}, {"AE", 14}, {"KW", 6}, {"QA", 6},
                                         {"HK", 10}, {"SG", 8},  {"US", 9}, {"IT", 5},
                                         {"JP", 4},  {"TW", 6},  {"CA", 5}, {"GB", 3}};
constexpr Weighted kStudentCountries[] = {{"JP", 30}, {"KR", 20}, {"CN", 20}, {"TW", 6},
                                          {"US", 8},  {"GB", 4},  {"AU", 4},  {"ES", 2},
                                          {"FR", 2},  {"SA", 2},  {"BR", 2}};
constexpr Weighted kClientCountries[] = {{"US", 50}, {"AU", 14}, {"GB", 10}, {"CA", 8},
                                         {"DE", 4},  {"NL", 3},  {"SG", 3},  {"NZ", 3},
                                         {"IE", 2},  {"SE", 1},  {"JP", 2}};
constexpr Weighted kTravellerCountries[] = {
    {"US", 20}, {"AU", 15}, {"GB", 12}, {"KR", 12}, {"JP", 8}, {"DE", 8}, {"CA", 6},
    {"CN", 5},  {"NL", 3},  {"SE", 2},  {"NO", 2},  {"FR", 3}, {"CH", 2}, {"IT", 2}};
constexpr Weighted kCallCentreMarkets[] = {{"US", 60}, {"AU", 20}, {"GB", 20}};

// ---- Populations ----------------------------------------------------------------------------

enum Pop : uint8_t {
  kHub,
  kCustomer,
  kLoyalCustomer,
  kOfwFamily,
  kOfwWorker,
  kCallCentre,
  kTutor,
  kTutorStudent,
  kFreelancer,
  kFreelanceClient,
  kForeignTraveller,
  kOrdinary,
  kPopCount
};

struct PopSpec {
  std::string_view name;
  std::string_view role;
  double share;          // of all accounts (hub and customers: see SimulateCallsOptions)
  double friend_factor;  // multiplier of the own-friends call rate
  double vpn_users;      // share of the population that sometimes uses a VPN
};

// The shares give the literal rule (a PH account with video contact with >= 3 distinct
// high-income foreign accounts within 7 days) the precision of about 0.05 measured on realistic
// data: for each hub it fires on, it fires on about three call-centre agents, four tutors,
// eleven families of overseas workers and one or two freelancers (seed 2026, 60,000 accounts:
// precision 0.048, recall 1.0). `share` is of all accounts; hubs and customers follow
// SimulateCallsOptions::hub_share and ordinary accounts take the rest.
constexpr PopSpec kPops[kPopCount] = {
    {"hub", "supply", 0, 0.5, 0.04},
    {"customer", "demand", 0, 0.8, 0.15},
    {"loyal_customer", "demand", 0, 0.8, 0.15},
    {"ofw_family", "none", 0.05, 0.8, 0.04},
    {"ofw_worker", "none", 0.045, 0.6, 0.04},
    {"call_centre", "none", 0.005, 0.3, 0.02},
    {"tutor", "none", 0.006, 0.5, 0.04},
    {"tutor_student", "none", 0.06, 0.6, 0.04},
    {"freelancer", "none", 0.004, 0.8, 0.06},
    {"freelance_client", "none", 0.008, 0.8, 0.04},
    {"foreign_traveller", "none", 0.01, 1.0, 0.06},
    {"ordinary", "none", 0, 1.0, 0.04},
};
// Shares of populations that spend days of the period in the Philippines, and whether in
// the hubs' regions (else anywhere, as the general population lives).
struct TripSpec {
  Pop pop;
  double share;
  bool hub_regions;
};
constexpr TripSpec kTrips[] = {{kCustomer, 0.12, true},
                               {kLoyalCustomer, 0.12, true},
                               {kOfwWorker, 0.10, false},
                               {kForeignTraveller, 0.25, false},
                               {kOrdinary, 0.01, false}};
// Shares of populations whose every call goes through a VPN.
struct VpnSpec {
  Pop pop;
  double share;
};
constexpr VpnSpec kAlwaysVpn[] = {
    {kCustomer, 0.10}, {kLoyalCustomer, 0.10}, {kOfwWorker, 0.15}, {kOrdinary, 0.003}};
// Trips and the always-VPN accounts are drawn from their own stream: the other records are
// those of the same seed without them.
constexpr uint64_t kTripSeed = 0x7472697073000001ULL;

constexpr double kCustomersPerHub = 8.0;
constexpr double kLoyalPerHub = 2.67;

constexpr std::string_view kMediaNames[] = {"video", "audio", "text"};
enum Media : uint8_t { kVideo, kAudio, kText };

constexpr std::string_view kHeader =
    "call_id,start,duration_s,caller,callee,media,caller_ip,callee_ip,caller_country,"
    "callee_country,caller_region,callee_region";

struct Prefix4 {
  uint32_t base = 0, size = 0;
};

struct Country {
  std::string_view code;
  bool high_income = false;
  std::array<int16_t, 4> offsets{};
  std::array<Prefix4, 6> v4{};
  std::array<std::array<uint16_t, 2>, 2> v6{};
  double ordinary_weight = 0;
};

bool ParseIpv4Network(std::string_view text, Prefix4* out) {
  uint32_t value = 0;
  const char* p = text.data();
  const char* end = p + text.size();
  for (int i = 0; i < 4; ++i) {
    unsigned octet = 0;
    auto [q, ec] = std::from_chars(p, end, octet);
    if (ec != std::errc() || octet > 255) return false;
    value = value << 8 | octet;
    p = q;
    if (i < 3) {
      if (p == end || *p != '.') return false;
      ++p;
    }
  }
  if (p == end || *p != '/') return false;
  unsigned bits = 0;
  auto [q, ec] = std::from_chars(p + 1, end, bits);
  if (ec != std::errc() || q != end || bits < 8 || bits > 24) return false;
  out->size = 1u << (32 - bits);
  out->base = value & ~(out->size - 1);
  return true;
}

bool ParseIpv6Head(std::string_view text, std::array<uint16_t, 2>* out) {
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) return false;
  unsigned a = 0, b = 0;
  auto r1 = std::from_chars(text.data(), text.data() + colon, a, 16);
  auto r2 = std::from_chars(text.data() + colon + 1, text.data() + text.size(), b, 16);
  if (r1.ec != std::errc() || r2.ec != std::errc() || a > 0xffff || b > 0xffff) return false;
  (*out)[0] = static_cast<uint16_t>(a);
  (*out)[1] = static_cast<uint16_t>(b);
  return true;
}

// The parsed tables, built once.
struct Tables {
  std::string error;
  std::vector<Country> countries;
  std::vector<Prefix4> vpn;
  int ph = -1;  // index of the Philippines
};

const Tables& GetTables() {
  static const Tables tables = [] {
    Tables t;
    for (const CountrySpec& s : kCountrySpecs) {
      Country c;
      c.code = s.code;
      c.high_income = s.high_income;
      c.offsets = s.offsets;
      c.ordinary_weight = s.ordinary_weight;
      for (size_t i = 0; i < s.v4.size(); ++i) {
        if (!ParseIpv4Network(s.v4[i], &c.v4[i])) {
          t.error = "bad IPv4 network " + std::string(s.v4[i]);
        }
      }
      for (size_t i = 0; i < s.v6.size(); ++i) {
        if (!ParseIpv6Head(s.v6[i], &c.v6[i])) t.error = "bad IPv6 network " + std::string(s.v6[i]);
      }
      if (s.code == "PH") t.ph = static_cast<int>(t.countries.size());
      t.countries.push_back(c);
    }
    for (std::string_view v : kVpnNetworks) {
      Prefix4 p;
      if (!ParseIpv4Network(v, &p)) t.error = "bad VPN network " + std::string(v);
      t.vpn.push_back(p);
    }
    if (t.ph < 0) t.error = "no PH in the country table";
    return t;
  }();
  return tables;
}

// Picks an index by weight; built once, read-only afterwards.
class WeightedIndex {
 public:
  void Add(uint32_t index, double weight) {
    if (weight <= 0) return;
    total_ += weight;
    cumulative_.push_back(total_);
    index_.push_back(index);
  }
  bool empty() const { return index_.empty(); }
  uint32_t Pick(Rng& rng) const {
    const double u = rng.Unit() * total_;
    size_t i = std::upper_bound(cumulative_.begin(), cumulative_.end(), u) - cumulative_.begin();
    if (i >= index_.size()) i = index_.size() - 1;
    return index_[i];
  }

 private:
  std::vector<double> cumulative_;
  std::vector<uint32_t> index_;
  double total_ = 0;
};

// ---- Accounts and processes -----------------------------------------------------------------

constexpr uint32_t kNone = UINT32_MAX;
constexpr uint8_t kNoRegion = 255;
constexpr int kMobilePool = 1024;  // CGNAT-like addresses shared by a country's mobile users

struct Account {
  uint32_t home_ip = 0;
  uint32_t group = kNone;   // shared IPs (IpGroup)
  uint32_t ip6_subnet = 0;  // the account's /64 inside its country's /32
  float friend_rate = 0;    // own-friends calls started per day
  int16_t offset_min = 0;
  uint8_t pop = kOrdinary;
  uint8_t country = 0;
  uint8_t region = kNoRegion;
  uint8_t ip6_prefix = 0;
  bool vpn_user = false;
  uint8_t trip_region = kNoRegion;  // a trip to the Philippines (kTrips), kNoRegion for none
  uint8_t trip_days = 0;
  int32_t trip_day = 0;  // its first UTC day, relative to the period
  bool always_vpn = false;  // every call through a VPN (kAlwaysVpn)
};

// IPs several accounts use: a facilitator's hubs (all their calls), a call centre's or a
// tutoring centre's staff (their work calls).
struct IpGroup {
  std::array<uint32_t, 2> ips{};
  uint8_t n = 1;
  bool always = false;  // every call of a member, not only work calls
  char kind = 'f';      // 'f' facilitator, 'c' call centre, 't' tutoring centre
  uint32_t number = 0;  // per kind, for the truth label
};

struct CustomerState {
  uint32_t account;
  int first_day, last_day;  // active days, relative to the period (may reach outside)
  float p;                  // chance of a session on an active day
  uint32_t hubs_begin;      // into customer_hubs_
  uint8_t n_hubs, used;
  bool met_in_period;  // a session inside the period so far
};

struct Relative {
  uint32_t family, worker;
  float p;          // chance of a call on an ordinary day
  uint8_t day_off;  // the worker's weekday off (0 Sunday)
};

struct Agent {
  uint32_t account;
  int16_t market_offset;  // the customers' UTC offset, minutes
  uint8_t market;         // the customers' country
  uint8_t shift_start;    // local hour of the market
  uint8_t off_mask;       // weekdays off (bit 0 Sunday)
};

struct Lesson {
  uint32_t tutor, student;
  int first_day, last_day;
  int16_t minute;  // of the student's local day
};

struct Trial {
  int day;
  uint32_t tutor, student;
  int16_t minute;  // of the student's local day
};

struct Engagement {
  uint32_t freelancer, client;
  int16_t minute;   // weekly meeting, client's local time
  uint8_t weekday;  // of the weekly meeting
  float adhoc;      // chance of an extra meeting on a working day
};

struct Friendship {
  uint32_t traveller;
  uint32_t friends_begin;
  uint8_t n;
};

struct Call {
  int64_t start_s;  // UTC epoch seconds
  int64_t key_s;    // written in order of (key_s, tie)
  uint64_t tie;     // random, so that the order of equal keys says nothing of the process
  uint32_t caller, callee;
  uint32_t duration_s;
  uint8_t media;
  uint8_t work;  // bit 0: the caller is at work, bit 1: the callee
};

struct PendingCopy {
  int64_t key_s;
  uint64_t id;  // of the call
  std::string line;
  bool operator>(const PendingCopy& o) const {
    return key_s != o.key_s ? key_s > o.key_s : id > o.id;
  }
};

int Weekday(int64_t epoch_day) {  // 0 Sunday
  return static_cast<int>(((epoch_day + 4) % 7 + 7) % 7);
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

class Generator {
 public:
  Generator(const SimulateCallsOptions& options, const Tables& tables,
            const std::function<void(std::string_view)>& on_line)
      : o_(options),
        t_(tables),
        on_line_(on_line),
        rng_(options.seed),
        out_rng_(options.seed ^ 0x9e3779b97f4a7c15ULL) {
    start_s_ = FloorDiv(o_.start_ms, 1000);
    end_s_ = start_s_ + static_cast<int64_t>(o_.days) * 86400;
    base_day_ = FloorDiv(start_s_, 86400);
    line_.reserve(512);
  }

  void Build(const std::function<void(const CallTruth&)>& on_truth);
  void Run();

 private:
  // ---- Setup ----
  // A home IP no other account has, while the country's ranges have room (past 64 draws the
  // IP is shared, as with carrier-grade NAT).
  uint32_t NewIp(uint8_t country) {
    const Country& c = t_.countries[country];
    for (int tries = 0;; ++tries) {
      const Prefix4& p = c.v4[rng_.Below(c.v4.size())];
      const uint32_t ip = p.base + static_cast<uint32_t>(rng_.Below(p.size));
      const uint32_t last = ip & 0xff;
      if (last == 0 || last == 255) continue;
      if (ip < p.base + kMobilePool + 256 && p.base == c.v4[0].base) continue;  // mobile pool
      if (!used_ips_.insert(ip).second && tries < 64) continue;
      return ip;
    }
  }

  uint8_t CountryIndex(std::string_view code) const {
    for (size_t i = 0; i < t_.countries.size(); ++i) {
      if (t_.countries[i].code == code) return static_cast<uint8_t>(i);
    }
    return 0;  // every code in the tables is checked in Build
  }
  static uint8_t RegionIndex(std::string_view code) {
    for (size_t i = 0; i < std::size(kRegions); ++i) {
      if (kRegions[i].code == code) return static_cast<uint8_t>(i);
    }
    return 0;
  }
  template <size_t N>
  WeightedIndex Countries(const Weighted (&list)[N]) const {
    WeightedIndex w;
    for (const Weighted& x : list) w.Add(CountryIndex(x.code), x.weight);
    return w;
  }
  template <size_t N>
  static WeightedIndex Regions(const Weighted (&list)[N]) {
    WeightedIndex w;
    for (const Weighted& x : list) w.Add(RegionIndex(x.code), x.weight);
    return w;
  }

  static WeightedIndex GeneralRegions() {
    WeightedIndex w;
    for (size_t i = 0; i < std::size(kRegions); ++i)
      w.Add(static_cast<uint32_t>(i), kRegions[i].weight);
    return w;
  }

  uint32_t RandomOf(const std::vector<uint32_t>& v) { return v[rng_.Below(v.size())]; }

  void BuildFriends();
  void BuildCustomers();
  void BuildFamilies();
  void BuildCallCentres();
  void BuildTutors();
  void BuildFreelancers();
  void BuildTravellers();
  void BuildTrips();

  // ---- Calls ----
  // A call at second `sec` of local day `day` (relative to the period) of a clock at
  // `offset_min` from UTC.
  // Returns whether the call falls inside the period (and so is written).
  bool AddCall(int day, int offset_min, int sec, uint32_t caller, uint32_t callee,
               uint32_t duration_s, Media media, uint8_t work = 0);
  bool AddCallOf(int day, uint32_t clock, int sec, uint32_t caller, uint32_t callee,
                 uint32_t duration_s, Media media, uint8_t work = 0) {
    return AddCall(day, accounts_[clock].offset_min, sec, caller, callee, duration_s, media, work);
  }
  uint32_t Duration(const Quantiles& q) { return static_cast<uint32_t>(Sample(rng_, q)); }
  void DayOfFriends(int day);
  void DayOfCustomers(int day);
  // The hub of a customer's next session: a new one now and then, else one met before.
  uint32_t NextHub(CustomerState& c) {
    if (c.used < c.n_hubs && (c.used == 0 || rng_.Chance(0.55))) {
      return customer_hubs_[c.hubs_begin + c.used++];
    }
    return customer_hubs_[c.hubs_begin + rng_.Below(c.used)];
  }
  void DayOfFamilies(int day);
  void DayOfCallCentres(int day);
  void DayOfTutors(int day);
  void DayOfFreelancers(int day);
  void DayOfTravellers(int day);

  // ---- Output ----
  void Flush(int64_t utc_day);  // writes the bucket of that day (relative to base_day_)
  void Write(const Call& c);
  void WritePendingUpTo(int64_t key_s);  // the copies due at or before key_s
  void AppendSide(uint32_t account, int64_t start_s, bool work, bool hide_country, std::string* ip,
                  std::string_view* country, std::string_view* region);
  // The side as at home; returns false when it goes through a VPN.
  bool AppendHomeSide(uint32_t account, bool work, bool hide_country, std::string* ip,
                      std::string_view* country, std::string_view* region);
  void AppendUint(uint64_t v, std::string* out);
  void AppendTime(int64_t s);
  void AppendIp4(uint32_t ip, std::string* out);

  const SimulateCallsOptions& o_;
  const Tables& t_;
  const std::function<void(std::string_view)>& on_line_;
  Rng rng_;      // accounts and calls
  Rng out_rng_;  // IPs, hidden columns and copies, drawn as records are written
  int64_t start_s_ = 0, end_s_ = 0, base_day_ = 0;

  std::vector<Account> accounts_;
  std::vector<IpGroup> groups_;
  std::vector<std::vector<uint32_t>> by_country_;  // accounts of each country
  std::vector<uint32_t> ph_ordinary_;
  std::vector<uint32_t> friend_begin_, friends_;  // CSR of the own-friends graph
  std::vector<uint32_t> hubs_;
  std::vector<CustomerState> customers_;
  std::vector<uint32_t> customer_hubs_;
  std::vector<Relative> relatives_;
  std::vector<Agent> agents_;
  std::array<std::vector<Lesson>, 7> lessons_;  // by the student's local weekday
  std::vector<Trial> trials_;                   // by day
  size_t next_trial_ = 0;
  std::vector<Engagement> engagements_;
  std::vector<Friendship> travellers_;
  std::vector<uint32_t> traveller_friends_;
  std::unordered_set<uint32_t> used_ips_;
  double vpn_use_ = 0;  // chance that a VPN user's call side goes through the VPN

  std::array<std::vector<Call>, 4> buckets_;  // by UTC day, modulo 4
  uint64_t next_id_ = 1;                      // call ids in the order records are first written
  std::priority_queue<PendingCopy, std::vector<PendingCopy>, std::greater<>> pending_;
  std::string line_, ip_a_, ip_b_;
  std::string id_arena_;
  int id_width_ = 7;
  int64_t cached_day_ = INT64_MIN;
  char day_text_[16] = {};
};

void Generator::Build(const std::function<void(const CallTruth&)>& on_truth) {
  const uint64_t n = o_.accounts;
  // Population counts; hubs and customers from hub_share, ordinary takes the rest.
  std::array<uint64_t, kPopCount> count{};
  auto at_least = [](double x, uint64_t min) {
    return std::max<uint64_t>(min, static_cast<uint64_t>(x + 0.5));
  };
  count[kHub] = at_least(o_.hub_share * n, 2);
  count[kCustomer] = at_least(o_.hub_share * kCustomersPerHub * n, 4);
  count[kLoyalCustomer] = at_least(o_.hub_share * kLoyalPerHub * n, 2);
  uint64_t assigned = count[kHub] + count[kCustomer] + count[kLoyalCustomer];
  for (int p = kOfwFamily; p < kOrdinary; ++p) {
    count[p] = at_least(kPops[p].share * n, 2);
    assigned += count[p];
  }
  count[kOrdinary] = n > assigned ? n - assigned : 0;

  std::vector<uint8_t> pops;
  pops.reserve(n);
  for (int p = 0; p < kPopCount; ++p) pops.insert(pops.end(), count[p], static_cast<uint8_t>(p));
  for (size_t i = pops.size(); i > 1; --i) std::swap(pops[i - 1], pops[rng_.Below(i)]);

  const uint8_t ph = static_cast<uint8_t>(t_.ph);
  WeightedIndex ordinary_countries;
  for (size_t i = 0; i < t_.countries.size(); ++i) {
    ordinary_countries.Add(static_cast<uint32_t>(i), t_.countries[i].ordinary_weight);
  }
  const WeightedIndex general_regions = GeneralRegions();
  const WeightedIndex hub_regions = Regions(kHubRegions);
  const WeightedIndex centre_regions = Regions(kCallCentreRegions);
  const WeightedIndex tutor_regions = Regions(kTutorRegions);
  const WeightedIndex customer_countries = Countries(kCustomerCountries);
  const WeightedIndex worker_countries = Countries(kWorkerCountries);
  const WeightedIndex student_countries = Countries(kStudentCountries);
  const WeightedIndex client_countries = Countries(kClientCountries);
  const WeightedIndex traveller_countries = Countries(kTravellerCountries);

  accounts_.resize(n);
  by_country_.assign(t_.countries.size(), {});
  for (uint64_t i = 0; i < n; ++i) {
    Account& a = accounts_[i];
    a.pop = pops[i];
    switch (a.pop) {
      case kHub:
        a.country = ph;
        a.region = static_cast<uint8_t>(hub_regions.Pick(rng_));
        break;
      case kCallCentre:
        a.country = ph;  // the centre's region is set in BuildCallCentres
        a.region = static_cast<uint8_t>(centre_regions.Pick(rng_));
        break;
      case kTutor:
        a.country = ph;
        a.region = static_cast<uint8_t>(tutor_regions.Pick(rng_));
        break;
      case kOfwFamily:
      case kFreelancer:
        a.country = ph;
        a.region = static_cast<uint8_t>(general_regions.Pick(rng_));
        break;
      case kCustomer:
      case kLoyalCustomer:
        a.country = static_cast<uint8_t>(customer_countries.Pick(rng_));
        break;
      case kOfwWorker:
        a.country = static_cast<uint8_t>(worker_countries.Pick(rng_));
        break;
      case kTutorStudent:
        a.country = static_cast<uint8_t>(student_countries.Pick(rng_));
        break;
      case kFreelanceClient:
        a.country = static_cast<uint8_t>(client_countries.Pick(rng_));
        break;
      case kForeignTraveller:
        a.country = static_cast<uint8_t>(traveller_countries.Pick(rng_));
        break;
      default:
        a.country = static_cast<uint8_t>(ordinary_countries.Pick(rng_));
        if (a.country == ph) {
          a.region = static_cast<uint8_t>(general_regions.Pick(rng_));
          ph_ordinary_.push_back(static_cast<uint32_t>(i));
        }
        break;
    }
    const Country& c = t_.countries[a.country];
    a.offset_min = c.offsets[rng_.Below(c.offsets.size())];
    a.home_ip = NewIp(a.country);
    a.ip6_prefix = static_cast<uint8_t>(rng_.Below(2));
    a.ip6_subnet = static_cast<uint32_t>(rng_.Next());
    a.friend_rate = static_cast<float>(o_.ordinary_rate * kPops[a.pop].friend_factor *
                                       Sample(rng_, kSociability));
    a.vpn_user = rng_.Chance(kPops[a.pop].vpn_users);
    by_country_[a.country].push_back(static_cast<uint32_t>(i));
    if (a.pop == kHub) hubs_.push_back(static_cast<uint32_t>(i));
  }
  if (ph_ordinary_.empty()) ph_ordinary_ = by_country_[ph];

  BuildFriends();
  BuildCustomers();
  BuildFamilies();
  BuildCallCentres();
  BuildTutors();
  BuildFreelancers();
  BuildTravellers();
  BuildTrips();

  // A VPN user's call side goes through the VPN often enough that vpn_rate of all sides do.
  uint64_t vpn_users = 0;
  for (const Account& a : accounts_) vpn_users += a.vpn_user;
  vpn_use_ = vpn_users == 0 ? 0 : std::min(1.0, o_.vpn_rate * n / vpn_users);

  // Account ids and the truth.
  for (uint64_t limit = 10000000; n >= limit && id_width_ < 18; limit *= 10) ++id_width_;
  id_arena_.resize(n * (id_width_ + 1));
  for (uint64_t i = 0; i < n; ++i) {
    char* p = id_arena_.data() + i * (id_width_ + 1);
    p[0] = 'u';
    uint64_t v = i + 1;
    for (int k = id_width_; k >= 1; --k) {
      p[k] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
  }
  std::string group_label;
  for (uint64_t i = 0; i < n; ++i) {
    const Account& a = accounts_[i];
    CallTruth truth;
    truth.account = std::string_view(id_arena_.data() + i * (id_width_ + 1), id_width_ + 1);
    truth.role = kPops[a.pop].role;
    truth.population = kPops[a.pop].name;
    truth.country = t_.countries[a.country].code;
    truth.region = a.region == kNoRegion ? std::string_view() : kRegions[a.region].code;
    group_label.clear();
    if (a.group != kNone) {
      group_label.push_back(groups_[a.group].kind);
      group_label += std::to_string(groups_[a.group].number);
    }
    truth.ip_group = group_label;
    truth.trip = a.trip_days == 0 ? std::string_view() : kRegions[a.trip_region].code;
    truth.always_vpn = a.always_vpn;
    on_truth(truth);
  }
}

void Generator::BuildFriends() {
  // Each account names one to five friends, mostly in its own country; friendship is mutual.
  const uint32_t n = static_cast<uint32_t>(accounts_.size());
  std::vector<std::pair<uint32_t, uint32_t>> edges;
  edges.reserve(static_cast<size_t>(n) * 3);
  for (uint32_t a = 0; a < n; ++a) {
    const int k = rng_.Range(1, 5);
    const std::vector<uint32_t>& home = by_country_[accounts_[a].country];
    for (int j = 0; j < k; ++j) {
      const uint32_t b = rng_.Chance(0.03) ? static_cast<uint32_t>(rng_.Below(n)) : RandomOf(home);
      if (b != a) edges.emplace_back(a, b);
    }
  }
  friend_begin_.assign(n + 1, 0);
  for (const auto& [a, b] : edges) {
    ++friend_begin_[a + 1];
    ++friend_begin_[b + 1];
  }
  for (uint32_t i = 0; i < n; ++i) friend_begin_[i + 1] += friend_begin_[i];
  friends_.resize(friend_begin_[n]);
  std::vector<uint32_t> fill(friend_begin_.begin(), friend_begin_.end() - 1);
  for (const auto& [a, b] : edges) {
    friends_[fill[a]++] = b;
    friends_[fill[b]++] = a;
  }
}

void Generator::BuildCustomers() {
  // Hubs differ in how many customers find them; a facilitator runs two to four of them from
  // one IP.
  WeightedIndex popularity;
  for (uint32_t h : hubs_) {
    const double u = rng_.Unit();
    popularity.Add(h, 0.8 + 2.7 * u * u);
  }
  uint32_t facilitators = 0;
  for (size_t i = 0; i < hubs_.size();) {
    const size_t size = rng_.Chance(0.2) ? static_cast<size_t>(rng_.Range(2, 4)) : 1;
    if (size > 1 && i + 1 < hubs_.size()) {
      IpGroup g;
      g.ips[0] = accounts_[hubs_[i]].home_ip;
      g.always = true;
      g.kind = 'f';
      g.number = ++facilitators;
      const uint8_t region = accounts_[hubs_[i]].region;
      for (size_t k = 0; k < size && i < hubs_.size(); ++k, ++i) {
        accounts_[hubs_[i]].group = static_cast<uint32_t>(groups_.size());
        accounts_[hubs_[i]].region = region;  // one facilitator, one place
      }
      groups_.push_back(g);
    } else {
      ++i;
    }
  }
  const int days = o_.days;
  for (uint32_t a = 0; a < accounts_.size(); ++a) {
    const uint8_t pop = accounts_[a].pop;
    if (pop != kCustomer && pop != kLoyalCustomer) continue;
    CustomerState c;
    c.account = a;
    c.hubs_begin = static_cast<uint32_t>(customer_hubs_.size());
    c.used = 0;
    c.met_in_period = false;
    if (pop == kCustomer) {
      static constexpr uint8_t kHubCounts[] = {2, 2, 3, 3, 4, 4, 5, 6};
      c.n_hubs = kHubCounts[rng_.Below(std::size(kHubCounts))];
      c.first_day = rng_.Range(-5, std::max(-5, days - 7));
      c.last_day = c.first_day + rng_.Range(7, 24);
      const int span = c.last_day - c.first_day + 1;
      c.p = static_cast<float>(std::min(0.8, c.n_hubs * 1.7 / span));
    } else {
      c.n_hubs = 1;
      c.first_day = rng_.Range(-5, std::max(-5, days - 10));
      c.last_day = c.first_day + rng_.Range(10, 28);
      const int span = c.last_day - c.first_day + 1;
      c.p = static_cast<float>(std::min(0.8, rng_.Range(3, 8) / static_cast<double>(span)));
    }
    for (int k = 0; k < c.n_hubs; ++k) {
      uint32_t h = popularity.Pick(rng_);
      for (int tries = 0; tries < 8; ++tries) {
        bool seen = false;
        for (uint32_t j = c.hubs_begin; j < customer_hubs_.size(); ++j) {
          seen |= customer_hubs_[j] == h;
        }
        if (!seen) break;
        h = popularity.Pick(rng_);
      }
      customer_hubs_.push_back(h);
    }
    // Sessions before the period: the hubs met then are recurring contacts inside it.
    for (int d = c.first_day; d < -1; ++d) {
      if (rng_.Chance(c.p)) NextHub(c);
    }
    customers_.push_back(c);
  }
}

void Generator::BuildFamilies() {
  // Each family account in the Philippines has one to five relatives working abroad: one
  // called nearly daily, the others weekly or so, more on the worker's day off.
  std::vector<uint32_t> workers;
  for (uint32_t a = 0; a < accounts_.size(); ++a) {
    if (accounts_[a].pop == kOfwWorker) workers.push_back(a);
  }
  if (workers.empty()) return;
  static constexpr uint8_t kRelatives[] = {1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 4, 5};
  const uint8_t gulf[] = {CountryIndex("SA"), CountryIndex("AE"), CountryIndex("QA"),
                          CountryIndex("KW")};
  std::vector<uint32_t> chosen;
  for (uint32_t a = 0; a < accounts_.size(); ++a) {
    if (accounts_[a].pop != kOfwFamily) continue;
    const int k = kRelatives[rng_.Below(std::size(kRelatives))];
    chosen.clear();
    for (int j = 0; j < k; ++j) {
      const uint32_t w = RandomOf(workers);
      if (std::find(chosen.begin(), chosen.end(), w) != chosen.end()) continue;
      chosen.push_back(w);
      Relative r;
      r.family = a;
      r.worker = w;
      r.p = j == 0 ? 0.55f : static_cast<float>(0.12 + 0.1 * rng_.Unit());
      const uint8_t wc = accounts_[w].country;
      r.day_off = std::find(std::begin(gulf), std::end(gulf), wc) != std::end(gulf) ? 5 : 0;
      relatives_.push_back(r);
    }
  }
}

void Generator::BuildCallCentres() {
  // Agents sit in centres of 15 to 60 behind two shared IPs, each centre serving one market
  // in that market's business hours.
  const WeightedIndex markets = Countries(kCallCentreMarkets);
  std::vector<uint32_t> agents;
  for (uint32_t a = 0; a < accounts_.size(); ++a) {
    if (accounts_[a].pop == kCallCentre) agents.push_back(a);
  }
  uint32_t centres = 0;
  for (size_t i = 0; i < agents.size();) {
    const size_t size = static_cast<size_t>(rng_.Range(15, 60));
    IpGroup g;
    g.kind = 'c';
    g.number = ++centres;
    g.n = 2;
    g.ips[0] = NewIp(static_cast<uint8_t>(t_.ph));
    g.ips[1] = NewIp(static_cast<uint8_t>(t_.ph));
    const uint8_t region = accounts_[agents[i]].region;
    const uint8_t market = static_cast<uint8_t>(markets.Pick(rng_));
    const Country& mc = t_.countries[market];
    const int16_t market_offset = mc.offsets[rng_.Below(mc.offsets.size())];
    for (size_t k = 0; k < size && i < agents.size(); ++k, ++i) {
      Account& acc = accounts_[agents[i]];
      acc.group = static_cast<uint32_t>(groups_.size());
      acc.region = region;
      Agent ag;
      ag.account = agents[i];
      ag.market = market;
      ag.market_offset = market_offset;
      static constexpr uint8_t kShifts[] = {8, 9, 10, 11, 12};
      ag.shift_start = kShifts[rng_.Below(std::size(kShifts))];
      if (rng_.Chance(0.7)) {
        ag.off_mask = 1 | 1 << 6;  // weekends
      } else {
        const int first = rng_.Range(0, 6);
        ag.off_mask = static_cast<uint8_t>(1 << first | 1 << ((first + 1) % 7));
      }
      agents_.push_back(ag);
    }
    groups_.push_back(g);
  }
}

void Generator::BuildTutors() {
  // Students book weekly 25-minute slots with one to three tutors; a tutor never teaches two
  // slots at once. Some students hop through trial lessons with several tutors first.
  std::vector<uint32_t> tutors, students;
  for (uint32_t a = 0; a < accounts_.size(); ++a) {
    if (accounts_[a].pop == kTutor) tutors.push_back(a);
    if (accounts_[a].pop == kTutorStudent) students.push_back(a);
  }
  if (tutors.empty()) return;
  // A quarter of the tutors work in centres of 4 to 12 that share one IP (a centre starts at
  // 4% of the tutors and takes the next 4 to 12).
  uint32_t centres = 0;
  for (size_t i = 0; i < tutors.size();) {
    if (!rng_.Chance(0.04)) {
      ++i;
      continue;
    }
    const size_t size = static_cast<size_t>(rng_.Range(4, 12));
    IpGroup g;
    g.kind = 't';
    g.number = ++centres;
    g.ips[0] = NewIp(static_cast<uint8_t>(t_.ph));
    const uint8_t region = accounts_[tutors[i]].region;
    for (size_t k = 0; k < size && i < tutors.size(); ++k, ++i) {
      accounts_[tutors[i]].group = static_cast<uint32_t>(groups_.size());
      accounts_[tutors[i]].region = region;
    }
    groups_.push_back(g);
  }
  WeightedIndex popularity;
  for (uint32_t t : tutors) popularity.Add(t, 0.5 + rng_.Unit());
  // Booked half hours of the UTC week, per tutor.
  std::vector<std::array<uint64_t, 6>> booked(tutors.size());
  std::vector<uint32_t> tutor_slot(accounts_.size(), kNone);
  for (size_t i = 0; i < tutors.size(); ++i) tutor_slot[tutors[i]] = static_cast<uint32_t>(i);
  const int days = o_.days;
  auto draw_time = [&](uint32_t student, int* weekday, int* minute) {
    const std::string_view code = t_.countries[accounts_[student].country].code;
    const bool asia = code == "JP" || code == "KR" || code == "CN" || code == "TW";
    if (rng_.Chance(0.7)) {
      *weekday = rng_.Range(1, 5);
      *minute = (asia ? rng_.Range(17, 21) : rng_.Range(15, 18)) * 60 + 30 * rng_.Range(0, 1);
    } else {
      *weekday = rng_.Chance(0.5) ? 0 : 6;
      static constexpr int kWeekendHours[] = {9, 10, 11, 14, 15, 16};
      *minute = kWeekendHours[rng_.Below(std::size(kWeekendHours))] * 60 + 30 * rng_.Range(0, 1);
    }
  };
  auto book = [&](uint32_t tutor, uint32_t student, int weekday, int minute) {
    int64_t utc = weekday * 1440 + minute - accounts_[student].offset_min;
    utc = ((utc % 10080) + 10080) % 10080;
    const int half = static_cast<int>(utc / 30);
    std::array<uint64_t, 6>& bits = booked[tutor_slot[tutor]];
    if (bits[half >> 6] >> (half & 63) & 1) return false;
    bits[half >> 6] |= uint64_t{1} << (half & 63);
    return true;
  };
  for (uint32_t s : students) {
    static constexpr uint8_t kTutorCounts[] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                                               1, 1, 1, 1, 1, 2, 2, 2, 2, 3};
    const int n_tutors = kTutorCounts[rng_.Below(std::size(kTutorCounts))];
    int first_day = rng_.Chance(0.1) ? rng_.Range(1, std::max(1, days - 1)) : -1000;
    const int last_day = rng_.Chance(0.06) ? rng_.Range(5, std::max(5, days)) : 100000;
    if (rng_.Chance(0.12)) {  // trial lessons first
      const int start = rng_.Range(0, std::max(0, days - 5));
      const int n_trials = rng_.Range(2, 4);
      for (int k = 0; k < n_trials; ++k) {
        Trial tr;
        tr.day = start + rng_.Range(0, 3);
        tr.tutor = popularity.Pick(rng_);
        tr.student = s;
        int weekday = 0, minute = 0;
        draw_time(s, &weekday, &minute);
        tr.minute = static_cast<int16_t>(minute);
        trials_.push_back(tr);
      }
      first_day = start + 4;
    }
    for (int k = 0; k < n_tutors; ++k) {
      const uint32_t tutor = popularity.Pick(rng_);
      const int slots = rng_.Chance(0.5) ? 1 : (rng_.Chance(0.7) ? 2 : 3);
      for (int j = 0; j < slots; ++j) {
        for (int tries = 0; tries < 8; ++tries) {
          int weekday = 0, minute = 0;
          draw_time(s, &weekday, &minute);
          if (!book(tutor, s, weekday, minute)) continue;
          Lesson l;
          l.tutor = tutor;
          l.student = s;
          l.first_day = first_day;
          l.last_day = last_day;
          l.minute = static_cast<int16_t>(minute);
          lessons_[weekday].push_back(l);
          break;
        }
      }
    }
  }
  std::stable_sort(trials_.begin(), trials_.end(),
                   [](const Trial& a, const Trial& b) { return a.day < b.day; });
}

void Generator::BuildFreelancers() {
  // Clients (mostly one freelancer each, some a small team) meet weekly at a fixed slot in
  // their business hours, plus ad-hoc calls.
  std::vector<uint32_t> freelancers;
  for (uint32_t a = 0; a < accounts_.size(); ++a) {
    if (accounts_[a].pop == kFreelancer) freelancers.push_back(a);
  }
  if (freelancers.empty()) return;
  for (uint32_t a = 0; a < accounts_.size(); ++a) {
    if (accounts_[a].pop != kFreelanceClient) continue;
    const int n = rng_.Chance(0.7) ? 1 : (rng_.Chance(0.67) ? 2 : rng_.Range(3, 4));
    for (int k = 0; k < n; ++k) {
      Engagement e;
      e.freelancer = RandomOf(freelancers);
      e.client = a;
      e.weekday = static_cast<uint8_t>(rng_.Range(1, 5));
      e.minute = static_cast<int16_t>(rng_.Range(9, 16) * 60 + 30 * rng_.Range(0, 1));
      e.adhoc = static_cast<float>(0.08 + 0.15 * rng_.Unit());
      engagements_.push_back(e);
    }
  }
}

void Generator::BuildTravellers() {
  // Foreigners who met one to four Philippine friends on a trip and keep calling them.
  for (uint32_t a = 0; a < accounts_.size(); ++a) {
    if (accounts_[a].pop != kForeignTraveller || ph_ordinary_.empty()) continue;
    Friendship f;
    f.traveller = a;
    f.friends_begin = static_cast<uint32_t>(traveller_friends_.size());
    f.n = static_cast<uint8_t>(rng_.Range(1, 4));
    for (int k = 0; k < f.n; ++k) traveller_friends_.push_back(RandomOf(ph_ordinary_));
    travellers_.push_back(f);
  }
}

void Generator::BuildTrips() {
  Rng rng(o_.seed ^ kTripSeed);
  const WeightedIndex general = GeneralRegions(), hub = Regions(kHubRegions);
  for (Account& a : accounts_) {
    if (a.country == t_.ph) continue;
    for (const TripSpec& t : kTrips) {
      if (t.pop != a.pop || !rng.Chance(t.share)) continue;
      a.trip_days = static_cast<uint8_t>(rng.Range(4, 14));
      a.trip_day = rng.Range(1 - a.trip_days, std::max(1, o_.days) - 1);
      a.trip_region = static_cast<uint8_t>((t.hub_regions ? hub : general).Pick(rng));
    }
  }
  for (Account& a : accounts_) {
    for (const VpnSpec& v : kAlwaysVpn) a.always_vpn |= v.pop == a.pop && rng.Chance(v.share);
  }
}

// ---- Calls ------------------------------------------------------------------------------------

bool Generator::AddCall(int day, int offset_min, int sec, uint32_t caller, uint32_t callee,
                        uint32_t duration_s, Media media, uint8_t work) {
  if (caller == callee) return false;
  const int64_t start = (base_day_ + day) * 86400 + sec - static_cast<int64_t>(offset_min) * 60;
  if (start < start_s_ || start >= end_s_) return false;
  Call c;
  c.start_s = start;
  c.key_s = start;
  if (rng_.Chance(o_.late_rate)) {
    c.key_s += rng_.Range(std::min(60, o_.max_lateness_s), o_.max_lateness_s);
  }
  c.tie = rng_.Next();
  c.caller = caller;
  c.callee = callee;
  c.duration_s = std::max<uint32_t>(1, duration_s);
  c.media = media;
  c.work = work;
  const int64_t bucket_day = FloorDiv(c.key_s, 86400) - base_day_;
  buckets_[static_cast<size_t>(bucket_day & 3)].push_back(c);
  return true;
}

void Generator::DayOfFriends(int day) {
  const bool weekend = Weekday(base_day_ + day) == 0 || Weekday(base_day_ + day) == 6;
  const uint32_t n = static_cast<uint32_t>(accounts_.size());
  for (uint32_t a = 0; a < n; ++a) {
    const uint32_t begin = friend_begin_[a], end = friend_begin_[a + 1];
    if (begin == end) continue;
    const int calls = rng_.Count(accounts_[a].friend_rate * (weekend ? 1.25 : 1.0));
    for (int k = 0; k < calls; ++k) {
      const uint32_t f = friends_[begin + rng_.Below(end - begin)];
      const double u = rng_.Unit();
      const Media media = u < 0.55 ? kAudio : (u < 0.92 ? kVideo : kText);
      const uint32_t duration = Duration(media == kAudio   ? kAudioDuration
                                         : media == kVideo ? kVideoDuration
                                                           : kTextDuration);
      AddCallOf(day, a, SampleSecond(rng_, kDayHours), a, f, duration, media);
    }
  }
}

void Generator::DayOfCustomers(int day) {
  for (CustomerState& c : customers_) {
    if (day < c.first_day || day > c.last_day) continue;
    // Every customer meets a hub inside the period at least once: the label is about it.
    const bool last_chance = !c.met_in_period && day >= std::min(c.last_day, o_.days - 1) - 1;
    if (!rng_.Chance(c.p) && !last_chance) continue;
    const uint32_t hub = NextHub(c);
    const bool customer_clock = rng_.Chance(0.7);
    int sec = SampleSecond(rng_, customer_clock ? kEveningHours : kPhNightHours);
    const uint32_t clock = customer_clock ? c.account : hub;
    const Media media = rng_.Chance(0.94) ? kVideo : kAudio;
    const bool from_customer = rng_.Chance(0.75);
    const uint32_t caller = from_customer ? c.account : hub;
    const uint32_t callee = from_customer ? hub : c.account;
    if (rng_.Chance(0.08)) {  // a dropped connection first
      AddCallOf(day, clock, sec, caller, callee, static_cast<uint32_t>(rng_.Range(5, 90)), media);
      sec += rng_.Range(120, 400);
    }
    c.met_in_period |= AddCallOf(day, clock, sec, caller, callee, Duration(kShowDuration), media);
  }
}

void Generator::DayOfFamilies(int day) {
  for (const Relative& r : relatives_) {
    const bool day_off = Weekday(base_day_ + day) == r.day_off;
    if (!rng_.Chance(day_off ? std::min(0.95, r.p * 2.2) : r.p)) continue;
    const int sec = SampleSecond(rng_, day_off ? kDayOffHours : kWorkerEveningHours);
    const Media media = rng_.Chance(0.65) ? kVideo : kAudio;
    const bool from_worker = rng_.Chance(0.5);
    AddCallOf(day, r.worker, sec, from_worker ? r.worker : r.family,
              from_worker ? r.family : r.worker, Duration(kFamilyDuration), media);
  }
}

void Generator::DayOfCallCentres(int day) {
  const int weekday = Weekday(base_day_ + day);
  for (const Agent& ag : agents_) {
    if (ag.off_mask >> weekday & 1) continue;
    const std::vector<uint32_t>& market = by_country_[ag.market];
    if (market.empty()) continue;
    const int calls = rng_.Range(8, 20);
    for (int k = 0; k < calls; ++k) {
      const uint32_t customer = RandomOf(market);
      const int sec = ag.shift_start * 3600 + static_cast<int>(rng_.Below(9 * 3600));
      const double u = rng_.Unit();
      const Media media = u < 0.92 ? kAudio : (u < 0.98 ? kVideo : kText);
      const bool inbound = rng_.Chance(0.8);
      AddCall(day, ag.market_offset, sec, inbound ? customer : ag.account,
              inbound ? ag.account : customer, Duration(kSupportDuration), media, inbound ? 2 : 1);
    }
  }
}

void Generator::DayOfTutors(int day) {
  auto lesson = [&](uint32_t tutor, uint32_t student, int minute) {
    const int sec = minute * 60 + rng_.Range(-120, 180);
    const uint32_t duration = rng_.Chance(0.05) ? static_cast<uint32_t>(rng_.Range(900, 1440))
                                                : static_cast<uint32_t>(rng_.Range(1440, 1560));
    const Media media = rng_.Chance(0.97) ? kVideo : kAudio;
    const bool from_tutor = rng_.Chance(0.7);
    AddCallOf(day, student, sec, from_tutor ? tutor : student, from_tutor ? student : tutor,
              duration, media, from_tutor ? 1 : 2);
  };
  for (const Lesson& l : lessons_[Weekday(base_day_ + day)]) {
    if (day < l.first_day || day > l.last_day || rng_.Chance(0.08)) continue;
    lesson(l.tutor, l.student, l.minute);
  }
  while (next_trial_ < trials_.size() && trials_[next_trial_].day < day) ++next_trial_;
  for (; next_trial_ < trials_.size() && trials_[next_trial_].day == day; ++next_trial_) {
    lesson(trials_[next_trial_].tutor, trials_[next_trial_].student, trials_[next_trial_].minute);
  }
}

void Generator::DayOfFreelancers(int day) {
  const int weekday = Weekday(base_day_ + day);
  if (weekday == 0 || weekday == 6) return;
  for (const Engagement& e : engagements_) {
    const int meetings = (weekday == e.weekday && !rng_.Chance(0.1)) + rng_.Chance(e.adhoc);
    for (int k = 0; k < meetings; ++k) {
      const int sec = k == 0 && weekday == e.weekday ? e.minute * 60 + rng_.Range(-60, 300)
                                                     : SampleSecond(rng_, kBusinessHours);
      const Media media = rng_.Chance(0.7) ? kVideo : kAudio;
      const bool from_client = rng_.Chance(0.6);
      AddCallOf(day, e.client, sec, from_client ? e.client : e.freelancer,
                from_client ? e.freelancer : e.client, Duration(kMeetingDuration), media);
    }
  }
}

void Generator::DayOfTravellers(int day) {
  for (const Friendship& f : travellers_) {
    if (!rng_.Chance(0.25)) continue;
    const uint32_t friend_ = traveller_friends_[f.friends_begin + rng_.Below(f.n)];
    const bool own_clock = rng_.Chance(0.5);
    const int sec = SampleSecond(rng_, kDayHours);
    const Media media = rng_.Chance(0.6) ? kVideo : kAudio;
    const bool from_traveller = rng_.Chance(0.6);
    AddCallOf(day, own_clock ? f.traveller : friend_, sec, from_traveller ? f.traveller : friend_,
              from_traveller ? friend_ : f.traveller, Duration(kFriendDuration), media);
  }
}

void Generator::Run() {
  on_line_(kHeader);
  // Local day d covers UTC [d - 14 h, d + 28 h + 12 h]: after day d, UTC day d - 1 (keys
  // included: a key is at most an hour past its start) is complete.
  for (int day = -1; day <= o_.days; ++day) {
    DayOfFriends(day);
    DayOfCustomers(day);
    DayOfFamilies(day);
    DayOfCallCentres(day);
    DayOfTutors(day);
    DayOfFreelancers(day);
    DayOfTravellers(day);
    if (day >= 1) Flush(day - 1);
  }
  for (int64_t d = o_.days; d <= o_.days + 2; ++d) Flush(d);
  WritePendingUpTo(INT64_MAX);
}

// ---- Output -----------------------------------------------------------------------------------

void Generator::Flush(int64_t utc_day) {
  std::vector<Call>& bucket = buckets_[static_cast<size_t>(utc_day & 3)];
  std::sort(bucket.begin(), bucket.end(), [](const Call& a, const Call& b) {
    return a.key_s != b.key_s ? a.key_s < b.key_s : a.tie < b.tie;
  });
  for (const Call& c : bucket) {
    WritePendingUpTo(c.key_s);
    Write(c);
  }
  bucket.clear();
}

void Generator::WritePendingUpTo(int64_t key_s) {
  while (!pending_.empty() && pending_.top().key_s <= key_s) {
    on_line_(pending_.top().line);
    pending_.pop();
  }
}

void Generator::AppendUint(uint64_t v, std::string* out) {
  char buf[24];
  auto [p, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, p - buf);
}

void Generator::AppendIp4(uint32_t ip, std::string* out) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    AppendUint(ip >> shift & 0xff, out);
    if (shift > 0) out->push_back('.');
  }
}

void Generator::AppendSide(uint32_t account, int64_t start_s, bool work, bool hide_country,
                           std::string* ip, std::string_view* country, std::string_view* region) {
  // The side as at home first, so that the output stream draws the same numbers with trips
  // as without.
  const bool direct = AppendHomeSide(account, work, hide_country, ip, country, region);
  const Account& a = accounts_[account];
  if (!direct || (!a.always_vpn && a.trip_days == 0)) return;
  const int64_t day = FloorDiv(start_s, 86400) - base_day_;
  const uint64_t mix = (uint64_t{account} * 0x9e3779b97f4a7c15ULL) ^ static_cast<uint64_t>(day);
  if (a.always_vpn) {  // a VPN exit (the same one for the day), no location columns
    const Prefix4& p = t_.vpn[mix % t_.vpn.size()];
    ip->clear();
    AppendIp4(p.base + 1 + static_cast<uint32_t>((mix >> 20) % (p.size - 2)), ip);
    *country = {};
    *region = {};
    return;
  }
  if (day < a.trip_day || day >= a.trip_day + a.trip_days) return;
  // In the Philippines: a mobile address there (the same one for the day), and its columns.
  const Country& ph = t_.countries[t_.ph];
  ip->clear();
  AppendIp4(ph.v4[0].base + 256 + static_cast<uint32_t>(mix % kMobilePool), ip);
  if (!country->empty()) {  // not hidden
    *country = ph.code;
    *region = kRegions[a.trip_region].code;
  }
}

bool Generator::AppendHomeSide(uint32_t account, bool work, bool hide_country, std::string* ip,
                               std::string_view* country, std::string_view* region) {
  const Account& a = accounts_[account];
  const Country& c = t_.countries[a.country];
  ip->clear();
  *country = c.code;
  *region = a.region == kNoRegion ? std::string_view() : kRegions[a.region].code;
  if (a.vpn_user && out_rng_.Chance(vpn_use_)) {
    const Prefix4& p = t_.vpn[out_rng_.Below(t_.vpn.size())];
    AppendIp4(p.base + 1 + static_cast<uint32_t>(out_rng_.Below(p.size - 2)), ip);
    *country = {};
    *region = {};
    return false;
  }
  if (hide_country) {
    *country = {};
    *region = {};
  }
  if (out_rng_.Chance(o_.ipv6_rate)) {
    static constexpr char kHex[] = "0123456789abcdef";
    const std::array<uint16_t, 2>& head = c.v6[a.ip6_prefix];
    const uint64_t iface = out_rng_.Next();
    const uint16_t groups[8] = {head[0],
                                head[1],
                                static_cast<uint16_t>(a.ip6_subnet >> 16),
                                static_cast<uint16_t>(a.ip6_subnet),
                                static_cast<uint16_t>(iface >> 48),
                                static_cast<uint16_t>(iface >> 32),
                                static_cast<uint16_t>(iface >> 16),
                                static_cast<uint16_t>(iface)};
    for (int i = 0; i < 8; ++i) {
      if (i > 0) ip->push_back(':');
      bool started = false;
      for (int shift = 12; shift >= 0; shift -= 4) {
        const int digit = groups[i] >> shift & 15;
        if (digit != 0 || started || shift == 0) {
          ip->push_back(kHex[digit]);
          started = true;
        }
      }
    }
    return true;
  }
  uint32_t v4 = a.home_ip;
  if (a.group != kNone && (groups_[a.group].always || work)) {
    const IpGroup& g = groups_[a.group];
    v4 = out_rng_.Chance(g.always ? 0.92 : 0.98)
             ? g.ips[out_rng_.Below(g.n)]
             : c.v4[0].base + 256 + static_cast<uint32_t>(out_rng_.Below(kMobilePool));
  } else if (out_rng_.Chance(0.15)) {
    v4 = c.v4[0].base + 256 + static_cast<uint32_t>(out_rng_.Below(kMobilePool));
  }
  AppendIp4(v4, ip);
  return true;
}

void Generator::AppendTime(int64_t s) {
  const int64_t days = FloorDiv(s, 86400);
  const int64_t rem = s - days * 86400;
  if (days != cached_day_) {
    cached_day_ = days;
    int64_t y;
    unsigned m, d;
    CivilFromDays(days, &y, &m, &d);
    char* p = day_text_;
    auto two = [&](int64_t v) {
      *p++ = static_cast<char>('0' + v / 10);
      *p++ = static_cast<char>('0' + v % 10);
    };
    two(y / 100);
    two(y % 100);
    *p++ = '-';
    two(m);
    *p++ = '-';
    two(d);
    *p++ = 'T';
  }
  line_.append(day_text_, 11);
  const int h = static_cast<int>(rem / 3600), mi = static_cast<int>(rem / 60 % 60),
            sec = static_cast<int>(rem % 60);
  const char buf[9] = {static_cast<char>('0' + h / 10),   static_cast<char>('0' + h % 10),   ':',
                       static_cast<char>('0' + mi / 10),  static_cast<char>('0' + mi % 10),  ':',
                       static_cast<char>('0' + sec / 10), static_cast<char>('0' + sec % 10), 'Z'};
  line_.append(buf, 9);
}

void Generator::Write(const Call& c) {
  line_.clear();
  line_.push_back('c');
  char digits[24];
  const uint64_t id = next_id_++;
  auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), id);
  for (ptrdiff_t pad = 10 - (end - digits); pad > 0; --pad) line_.push_back('0');
  line_.append(digits, end - digits);
  line_.push_back(',');
  if (o_.epoch_rate > 0 && out_rng_.Chance(o_.epoch_rate)) {
    AppendUint(static_cast<uint64_t>(c.start_s), &line_);
  } else {
    AppendTime(c.start_s);
  }
  line_.push_back(',');
  AppendUint(c.duration_s, &line_);
  line_.push_back(',');
  const size_t id_len = static_cast<size_t>(id_width_ + 1);
  line_.append(id_arena_.data() + c.caller * id_len, id_len);
  line_.push_back(',');
  line_.append(id_arena_.data() + c.callee * id_len, id_len);
  line_.push_back(',');
  line_.append(kMediaNames[c.media]);
  const bool hide = out_rng_.Chance(o_.missing_country_rate);
  std::string_view caller_country, callee_country, caller_region, callee_region;
  AppendSide(c.caller, c.start_s, c.work & 1, hide, &ip_a_, &caller_country, &caller_region);
  AppendSide(c.callee, c.start_s, c.work & 2, hide, &ip_b_, &callee_country, &callee_region);
  for (std::string_view field : {std::string_view(ip_a_), std::string_view(ip_b_), caller_country,
                                 callee_country, caller_region, callee_region}) {
    line_.push_back(',');
    line_.append(field);
  }
  on_line_(line_);
  if (out_rng_.Chance(o_.duplicate_rate)) {
    pending_.push(PendingCopy{c.key_s + out_rng_.Range(1, 300), id, line_});
  }
}

}  // namespace

const std::vector<std::string>& CallPopulations() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const PopSpec& p : kPops) v.emplace_back(p.name);
    return v;
  }();
  return names;
}

std::string_view CallPopulationRole(std::string_view population) {
  for (const PopSpec& p : kPops) {
    if (p.name == population) return p.role;
  }
  return {};
}

std::string_view CallRecordsHeader() { return kHeader; }

Status SimulateCalls(const SimulateCallsOptions& options,
                     const std::function<void(std::string_view line)>& on_line,
                     const std::function<void(const CallTruth&)>& on_truth) {
  auto rate = [](double x) { return x >= 0 && x <= 1; };
  if (options.accounts < 1000 || options.accounts > 100000000) {
    return Fail(ErrorCode::kInvalidArgument, "accounts must be between 1000 and 100000000",
                "--accounts");
  }
  if (options.days < 1 || options.days > 3660) {
    return Fail(ErrorCode::kInvalidArgument, "days must be between 1 and 3660", "--days");
  }
  if (!(options.hub_share > 0 && options.hub_share <= 0.05)) {
    return Fail(ErrorCode::kInvalidArgument, "hub share must be in (0, 0.05]", "--hub-share");
  }
  if (!(options.ordinary_rate >= 0 && options.ordinary_rate <= 50)) {
    return Fail(ErrorCode::kInvalidArgument, "ordinary rate must be between 0 and 50",
                "--ordinary-rate");
  }
  const std::pair<double, const char*> rates[] = {
      {options.late_rate, "--late-rate"},
      {options.duplicate_rate, "--duplicate-rate"},
      {options.missing_country_rate, "--missing-country-rate"},
      {options.ipv6_rate, "--ipv6-rate"},
      {options.vpn_rate, "--vpn-rate"},
      {options.epoch_rate, "--epoch-rate"}};
  for (const auto& [value, name] : rates) {
    if (!rate(value)) {
      return Fail(ErrorCode::kInvalidArgument, "rate must be between 0 and 1", name);
    }
  }
  if (options.max_lateness_s < 1 || options.max_lateness_s > 86400) {
    return Fail(ErrorCode::kInvalidArgument, "max lateness must be between 1 and 86400 seconds",
                "--max-lateness");
  }
  const Tables& tables = GetTables();
  if (!tables.error.empty()) return Fail(ErrorCode::kInternal, tables.error);
  Generator gen(options, tables, on_line);
  gen.Build(on_truth);
  gen.Run();
  return {};
}

}  // namespace bantay::cli
