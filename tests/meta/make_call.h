// tests/meta/make_call.h: synthetic call records, for the meta and stream tests.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "meta/meta.h"

namespace bantay::meta {

// A call between two accounts; a Philippine side without a region is in PH-07 (a hotspot).
inline CallRecord MakeCall(std::string call_id, const std::string& caller,
                           const std::string& caller_cc, const std::string& callee,
                           const std::string& callee_cc, int64_t start, uint32_t minutes,
                           Media media, const std::string& caller_ip = {},
                           const std::string& caller_region = {},
                           const std::string& callee_region = {}) {
  CallRecord r;
  r.call_id = std::move(call_id);
  r.start_ms = start;
  r.duration_s = minutes * 60;
  r.caller = caller;
  r.callee = callee;
  r.media = media;
  r.caller_country = caller_cc;
  r.callee_country = callee_cc;
  r.caller_region = caller_region.empty() && caller_cc == "PH" ? "PH-07" : caller_region;
  r.callee_region = callee_region.empty() && callee_cc == "PH" ? "PH-07" : callee_region;
  r.caller_ip = caller_ip;
  return r;
}

constexpr int64_t kMonthStart = 1772323200000;  // 2026-03-01T00:00:00Z
constexpr int64_t kCallDay = 86400000;
constexpr int64_t kCallHour = 3600000;

// A month of calls: hubs in a hotspot region with many foreign night-time customers (some
// customers of several hubs), hubs and helpers sharing IPs, families with long calls,
// accounts seen equally often in two countries, and random bulk.
inline std::vector<CallRecord> MakeCalls(uint32_t seed) {
  std::mt19937 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint32_t>(n)); };
  static const char* const kRich[] = {"US", "GB", "AU", "DE", "CA", "SE", "NO", "NL"};
  std::vector<CallRecord> out;
  auto add = [&](const std::string& a, const std::string& acc, const std::string& b,
                 const std::string& bcc, int64_t start, uint32_t minutes, Media media,
                 const std::string& aip = {}) {
    CallRecord r = MakeCall("c" + std::to_string(out.size()), a, acc, b, bcc, start, minutes,
                            media, aip);
    r.line = out.size() + 1;
    out.push_back(r);
  };
  for (int h = 0; h < 8; ++h) {
    const std::string hub = "hub" + std::to_string(h);
    const std::string ip = "10.9." + std::to_string(h / 2) + ".1";  // two hubs per address
    add(hub, "PH", "helper" + std::to_string(h), "PH", kMonthStart + 2 * kCallDay, 3, Media::kAudio, ip);
    add("helper" + std::to_string(h), "PH", hub, "PH", kMonthStart + 3 * kCallDay, 4, Media::kAudio, ip);
    for (int k = 0; k < 14; ++k) {
      const std::string customer = "cust" + std::to_string(pick(60));
      add(customer, kRich[pick(8)], hub, "PH",
          kMonthStart + (8 + k / 2) * kCallDay + (12 + pick(8)) * kCallHour, 15 + pick(20), Media::kVideo);
    }
  }
  for (int f = 0; f < 20; ++f) {  // overseas-worker families: long recurring calls
    const std::string home = "fam" + std::to_string(f);
    for (int d = 0; d < 30; d += 3) {
      add("ofw" + std::to_string(f), kRich[f % 8], home, "PH", kMonthStart + d * kCallDay + 11 * kCallHour,
          70 + pick(30), Media::kVideo);
    }
  }
  for (int t = 0; t < 6; ++t) {  // travellers: as often in one country as in another
    add("trav" + std::to_string(t), "PH", "cust" + std::to_string(t), "US",
        kMonthStart + (9 + t) * kCallDay, 20, Media::kVideo);
    add("trav" + std::to_string(t), "GB", "bulk" + std::to_string(t), "GB",
        kMonthStart + (10 + t) * kCallDay, 20, Media::kVideo);
  }
  // Accounts the location rules place: a customer always behind a VPN (no location), one
  // with a few calls from a hotspot on a trip, and one who lives mostly in a hotspot with
  // the US as his second country, each calling three hubs by video; and an overseas worker
  // at home on leave, video-calling colleagues in the UAE.
  for (int d = 0; d < 4; ++d) {
    add("vpncust", "", "friend" + std::to_string(d), "US", kMonthStart + (2 + d) * kCallDay, 10,
        Media::kAudio);
    add("tourist", "DE", "friend" + std::to_string(d), "DE", kMonthStart + (1 + d) * kCallDay, 10,
        Media::kAudio);
    add("tourist", "PH", "friend" + std::to_string(d), "DE", kMonthStart + (20 + d) * kCallDay, 10,
        Media::kAudio);
    add("expat", "US", "friend" + std::to_string(d), "US", kMonthStart + (1 + d) * kCallDay, 10,
        Media::kAudio);
    add("onleave", "AE", "mate" + std::to_string(d), "AE", kMonthStart + (1 + d) * kCallDay, 30,
        Media::kAudio);
  }
  for (int d = 5; d < 15; ++d) {
    add("expat", "PH", "pinoy" + std::to_string(d), "PH", kMonthStart + d * kCallDay, 10,
        Media::kAudio);
    add("onleave", "PH", "mate" + std::to_string(d % 6), "AE",
        kMonthStart + (10 + d / 2) * kCallDay + (12 + d % 5) * kCallHour, 20, Media::kVideo);
  }
  for (int h = 0; h < 3; ++h) {
    for (const char* who : {"vpncust", "tourist", "expat"}) {
      add(who,
          std::string(who) == "vpncust"   ? ""
          : std::string(who) == "tourist" ? "DE"
                                          : "PH",
          "hub" + std::to_string(2 * h), "PH",
          kMonthStart + (9 + h) * kCallDay + (13 + h) * kCallHour, 20, Media::kVideo);
    }
  }
  for (int i = 0; i < 1500; ++i) {
    add("bulk" + std::to_string(pick(300)), pick(3) ? "PH" : kRich[pick(8)],
        "bulk" + std::to_string(pick(300)), pick(2) ? "PH" : kRich[pick(8)],
        kMonthStart + pick(30) * kCallDay + pick(24) * kCallHour, 1 + pick(90),
        static_cast<Media>(pick(3)));
  }
  out.push_back(out[17]);  // a duplicate
  return out;
}

}  // namespace bantay::meta
