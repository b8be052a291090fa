// tests/meta/make_call.h: one synthetic call record, for the meta tests.
#pragma once

#include <string>

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

}  // namespace bantay::meta
