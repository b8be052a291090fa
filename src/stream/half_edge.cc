// stream/half_edge.cc: the message format of half-edges and close markers.
#include <charconv>

#include "stream/stream.h"

namespace bantay::stream {

namespace {

constexpr char kMediaCodes[] = {'v', 'a', 't'};  // meta::Media order
constexpr std::string_view kFieldNames[] = {
    "kind",      "side",      "call_id",        "start_ms",       "duration_s",
    "media",     "caller",    "callee",         "caller_ip",      "callee_ip",
    "caller_country", "callee_country", "caller_region", "callee_region", "line"};
constexpr size_t kFields = std::size(kFieldNames);

template <class T>
bool ParseInt(std::string_view s, T* out) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size() && !s.empty();
}

}  // namespace

std::string EncodeHalfEdge(const meta::CallRecord& r, bool caller_side) {
  std::string out = caller_side ? "h\tc\t" : "h\te\t";
  auto field = [&](std::string_view s) {
    out.append(s);
    out.push_back('\t');
  };
  field(r.call_id);
  field(std::to_string(r.start_ms));
  field(std::to_string(r.duration_s));
  out.push_back(kMediaCodes[static_cast<int>(r.media)]);
  out.push_back('\t');
  for (const std::string* s : {&r.caller, &r.callee, &r.caller_ip, &r.callee_ip,
                               &r.caller_country, &r.callee_country, &r.caller_region,
                               &r.callee_region}) {
    field(*s);
  }
  out += std::to_string(r.line);
  return out;
}

std::string EncodeClose(int64_t epoch) { return "close\t" + std::to_string(epoch); }

Result<Message> DecodeMessage(std::string_view value, std::string_view where) {
  std::string_view f[kFields];
  size_t n = 0;
  for (size_t pos = 0;;) {
    const size_t tab = value.find('\t', pos);
    if (n == kFields) return Fail(ErrorCode::kParse, "too many fields", Where(where, 0));
    f[n++] = value.substr(pos, tab == std::string_view::npos ? std::string_view::npos : tab - pos);
    if (tab == std::string_view::npos) break;
    pos = tab + 1;
  }
  auto bad = [&](size_t i, std::string message) {
    return Fail(ErrorCode::kParse, std::move(message), Where(where, 0, kFieldNames[i]));
  };
  Message m;
  if (f[0] == "close") {
    if (n != 2 || !ParseInt(f[1], &m.epoch) || m.epoch < 1) {
      return bad(1, "a close marker needs an epoch >= 1");
    }
    m.close = true;
    return m;
  }
  if (f[0] != "h") return bad(0, "not a half-edge or close marker");
  if (n != kFields) {
    return bad(0, "expected " + std::to_string(kFields) + " fields, got " + std::to_string(n));
  }
  if (f[1] != "c" && f[1] != "e") return bad(1, "side must be c (caller) or e (callee)");
  m.caller_side = f[1] == "c";
  meta::CallRecord& r = m.record;
  if (f[2].empty()) return bad(2, "empty call_id");
  r.call_id = f[2];
  if (!ParseInt(f[3], &r.start_ms)) return bad(3, "not an integer");
  if (!ParseInt(f[4], &r.duration_s)) return bad(4, "not an integer");
  if (f[5].size() != 1) return bad(5, "media must be v, a or t");
  switch (f[5][0]) {
    case 'v': r.media = meta::Media::kVideo; break;
    case 'a': r.media = meta::Media::kAudio; break;
    case 't': r.media = meta::Media::kText; break;
    default: return bad(5, "media must be v, a or t");
  }
  if (f[6].empty()) return bad(6, "empty account");
  if (f[7].empty()) return bad(7, "empty account");
  std::string* dest[] = {&r.caller, &r.callee, &r.caller_ip, &r.callee_ip,
                         &r.caller_country, &r.callee_country, &r.caller_region,
                         &r.callee_region};
  for (size_t i = 0; i < std::size(dest); ++i) dest[i]->assign(f[6 + i]);
  if (!ParseInt(f[14], &r.line)) return bad(14, "not an integer");
  return m;
}

}  // namespace bantay::stream
