// meta/call_fields.cc: call-record column names, value checks shared by the CSV and JSONL
// readers, the RFC 4180 line splitter and the IP address parser.
#include "meta/call_fields.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/utf8.h"

namespace bantay::meta::internal {

namespace {

constexpr std::string_view kColumnNames[kNumColumns] = {
    "call_id",   "start",     "duration_s",     "caller",         "callee",        "media",
    "caller_ip", "callee_ip", "caller_country", "callee_country", "caller_region",
    "callee_region"};

// 9999-12-31T23:59:59Z: later "epoch seconds" are not seconds (milliseconds, usually).
constexpr int64_t kMaxEpochSeconds = 253402300799;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
char Upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c; }

std::string_view Trim(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

bool EqualsLower(std::string_view v, std::string_view lower) {
  if (v.size() != lower.size()) return false;
  for (size_t i = 0; i < v.size(); ++i) {
    char c = v[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    if (c != lower[i]) return false;
  }
  return true;
}

}  // namespace

// Real addresses have octets of random lengths, which a digit-by-digit loop pays for in
// mispredicted branches (~21 ns an address, a seventh of a record's parse); these masks decide
// without a data-dependent branch (~4 ns), and agree with inet_pton (tested).
bool IsIpv4Text(std::string_view s) {
  const size_t n = s.size();
  if (n < 7 || n > 15) return false;
#if defined(__SSE2__)
  __m128i v;  // the text in the low n bytes, zeros above; loads stay inside it
  if (n >= 8) {
    uint64_t lo, hi;
    std::memcpy(&lo, s.data(), 8);
    std::memcpy(&hi, s.data() + n - 8, 8);
    hi = n == 8 ? 0 : hi >> (8 * (16 - n));
    v = _mm_set_epi64x(static_cast<long long>(hi), static_cast<long long>(lo));
  } else {
    uint32_t a, b;
    std::memcpy(&a, s.data(), 4);
    std::memcpy(&b, s.data() + 3, 4);
    v = _mm_set_epi64x(0, static_cast<long long>(a | (static_cast<uint64_t>(b >> 8) << 32)));
  }
  const unsigned len = (1u << n) - 1;
  const auto mask = [](__m128i m) { return static_cast<unsigned>(_mm_movemask_epi8(m)); };
  const unsigned dots = mask(_mm_cmpeq_epi8(v, _mm_set1_epi8('.'))) & len;
  const __m128i d = _mm_sub_epi8(v, _mm_set1_epi8('0'));
  const unsigned digits = mask(_mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d)) & len;
  const unsigned zeros = mask(_mm_cmpeq_epi8(v, _mm_set1_epi8('0'))) & len;
  // An octet above 255 starts with a digit above 2, or 2 then above 5, or 25 then above 5.
  const __m128i c1 = _mm_srli_si128(v, 1), c2 = _mm_srli_si128(v, 2);
  const __m128i two = _mm_set1_epi8('2'), five = _mm_set1_epi8('5');
  const unsigned over = mask(_mm_or_si128(
      _mm_cmpgt_epi8(v, two),
      _mm_and_si128(_mm_cmpeq_epi8(v, two),
                    _mm_or_si128(_mm_cmpgt_epi8(c1, five),
                                 _mm_and_si128(_mm_cmpeq_epi8(c1, five),
                                               _mm_cmpgt_epi8(c2, five))))));
#else
  const unsigned len = (1u << n) - 1;
  unsigned dots = 0, digits = 0, zeros = 0, over = 0;
  char t[18] = {};
  std::memcpy(t, s.data(), n);
  for (size_t i = 0; i < n; ++i) {
    dots |= static_cast<unsigned>(t[i] == '.') << i;
    digits |= static_cast<unsigned>(IsDigit(t[i])) << i;
    zeros |= static_cast<unsigned>(t[i] == '0') << i;
    over |= static_cast<unsigned>(t[i] > '2' ||
                                  (t[i] == '2' && (t[i + 1] > '5' ||
                                                   (t[i + 1] == '5' && t[i + 2] > '5'))))
            << i;
  }
#endif
  const unsigned r1 = dots & (dots - 1), r2 = r1 & (r1 - 1);
  const unsigned starts = ((dots << 1) | 1) & len;                  // first digit of each octet
  const unsigned three = starts & (digits >> 1) & (digits >> 2);  // octets of three digits
  return (dots | digits) == len && r2 != 0 && (r2 & (r2 - 1)) == 0 &&  // 3 dots, else digits
         (digits & 1) && (digits >> (n - 1) & 1) && (dots & (dots >> 1)) == 0 &&  // no empty
         (digits & (digits >> 1) & (digits >> 2) & (digits >> 3)) == 0 &&  // octet; <= 3 digits
         (starts & zeros & (digits >> 1)) == 0 &&  // no leading zero
         (three & over) == 0;                       // <= 255
}

std::string_view ColumnName(Column c) {
  const int i = static_cast<int>(c);
  return i < kNumColumns ? kColumnNames[i] : std::string_view("?");
}

Column ColumnFromName(std::string_view name) {
  for (int i = 0; i < kNumColumns; ++i) {
    if (kColumnNames[i] == name) return static_cast<Column>(i);
  }
  return Column::kIgnore;
}

namespace {

bool IsIpv6Chars(std::string_view text) {
  bool colon = false;
  for (char c : text) {
    if (!(IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' ||
          c == '.')) {
      return false;
    }
    colon |= c == ':';
  }
  return colon;
}

}  // namespace

bool ParseIp(std::string_view text, in6_addr* out) {
  if (text.empty() || text.size() > 45) return false;
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  // IPv4 text that IsIpv4Text accepts (what inet_pton accepts) is read here: inet_pton
  // wants a terminated copy and measures it, ~2% of a large meta run's time when every
  // IPv4 lookup went through it.
  if (IsIpv4Text(text)) {
    std::memcpy(out->s6_addr, kMapped, 12);
    unsigned octet = 0;
    size_t k = 12;
    for (const char c : text) {
      if (c == '.') {
        out->s6_addr[k++] = static_cast<uint8_t>(octet);
        octet = 0;
      } else {
        octet = octet * 10 + static_cast<unsigned>(c - '0');
      }
    }
    out->s6_addr[k] = static_cast<uint8_t>(octet);
    return true;
  }
  char buf[48];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  return IsIpv6Chars(text) && inet_pton(AF_INET6, buf, out) == 1;
}

bool IsIpText(std::string_view text) {
  if (IsIpv4Text(text)) return true;
  in6_addr addr;
  return text.find(':') != std::string_view::npos && ParseIp(text, &addr);
}

// ---- RecordBuilder --------------------------------------------------------------------------

void RecordBuilder::Reset(uint64_t line) {
  present_ = 0;
  bad_ = Column::kIgnore;
  // Constructed in place: assigned a temporary, the record was built on the stack with
  // 8-byte stores and copied with 16-byte loads of them, which stalled (no forwarding).
  std::destroy_at(&rec_);
  std::construct_at(&rec_);
  rec_.line = line;
}

bool RecordBuilder::Bad(Column c, std::string_view a, std::string_view b, std::string_view d,
                        std::string_view e) {
  bad_ = c;
  error_.assign(a).append(b).append(d).append(e);
  return false;
}

bool RecordBuilder::SetText(Column c, std::string_view value) {
  if (c == Column::kIgnore) return true;
  present_ |= 1u << static_cast<int>(c);
  const std::string_view v =
      !value.empty() && (value.front() <= ' ' || value.back() <= ' ') ? Trim(value) : value;
  switch (c) {
    case Column::kCallId:
      return SetIdText(c, &rec_.call_id, v);
    case Column::kStart:
      return SetStartText(v);
    case Column::kDuration:
      return SetDurationText(v);
    case Column::kCaller:
      return SetIdText(c, &rec_.caller, v);
    case Column::kCallee:
      return SetIdText(c, &rec_.callee, v);
    case Column::kMedia:
      if (EqualsLower(v, "video")) {
        rec_.media = Media::kVideo;
      } else if (EqualsLower(v, "audio")) {
        rec_.media = Media::kAudio;
      } else if (EqualsLower(v, "text")) {
        rec_.media = Media::kText;
      } else {
        if (v.empty()) return Bad(c, "empty media (expected video, audio or text)");
        return Bad(c, "unknown media '", v.substr(0, 40), "' (expected video, audio or text)");
      }
      return true;
    case Column::kCallerIp:
      return SetIp(c, &rec_.caller_ip, v);
    case Column::kCalleeIp:
      return SetIp(c, &rec_.callee_ip, v);
    case Column::kCallerCountry:
      return SetCountry(c, &rec_.caller_country, country_[0], v);
    case Column::kCalleeCountry:
      return SetCountry(c, &rec_.callee_country, country_[1], v);
    case Column::kCallerRegion:
      return SetRegion(c, &rec_.caller_region, region_[0], v);
    case Column::kCalleeRegion:
      return SetRegion(c, &rec_.callee_region, region_[1], v);
    case Column::kIgnore:
      break;
  }
  return true;
}

bool RecordBuilder::SetCleanTexts(const Column* columns, const std::string_view* values,
                                  size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (!SetCleanText(columns[i], values[i])) return false;
  }
  return true;
}

[[gnu::always_inline]] inline bool RecordBuilder::SetCleanText(Column c, std::string_view v) {
  const uint32_t bit = 1u << static_cast<int>(c);
  switch (c) {
    case Column::kCallId:
    case Column::kCaller:
    case Column::kCallee:
      if (v.empty()) break;  // no control or non-ASCII byte to check for
      present_ |= bit;
      (c == Column::kCallId ? rec_.call_id : c == Column::kCaller ? rec_.caller : rec_.callee) = v;
      return true;
    case Column::kStart:
      if (!SetStartSameDay(v)) break;
      present_ |= bit;
      return true;
    case Column::kDuration: {
      if (v.empty() || v.size() > 9) break;  // below UINT32_MAX
      uint32_t secs = 0;
      bool digits = true;
      for (char ch : v) {
        digits &= IsDigit(ch);
        secs = secs * 10 + static_cast<uint32_t>(ch - '0');
      }
      if (!digits) break;
      present_ |= bit;
      rec_.duration_s = secs;
      return true;
    }
    case Column::kMedia:
      if (v == "video") {
        rec_.media = Media::kVideo;
      } else if (v == "audio") {
        rec_.media = Media::kAudio;
      } else if (v == "text") {
        rec_.media = Media::kText;
      } else {
        break;
      }
      present_ |= bit;
      return true;
    case Column::kCallerIp:
    case Column::kCalleeIp:
      if (!v.empty() && !IsIpv4Text(v)) break;
      present_ |= bit;
      (c == Column::kCallerIp ? rec_.caller_ip : rec_.callee_ip) = v;
      return true;
    case Column::kCallerCountry:
    case Column::kCalleeCountry:
      // Already upper case: the view is what SetCountry would copy.
      if (!v.empty() && !(v.size() == 2 && IsUpper(v[0]) && IsUpper(v[1]))) break;
      present_ |= bit;
      (c == Column::kCallerCountry ? rec_.caller_country : rec_.callee_country) = v;
      return true;
    case Column::kCallerRegion:
    case Column::kCalleeRegion: {
      bool ok = v.empty() || (v.size() >= 4 && v.size() <= 6 && IsUpper(v[0]) &&
                              IsUpper(v[1]) && v[2] == '-');
      for (size_t i = 3; ok && i < v.size(); ++i) ok = IsUpper(v[i]) || IsDigit(v[i]);
      if (!ok) break;
      present_ |= bit;
      (c == Column::kCallerRegion ? rec_.caller_region : rec_.callee_region) = v;
      return true;
    }
    case Column::kIgnore:
      return true;
  }
  return SetText(c, v);
}

bool RecordBuilder::SetStartSameDay(std::string_view v) {
  if (v.size() != 20 || day_ms_ == INT64_MIN) return false;
  uint64_t date, time;
  uint16_t date_end;
  std::memcpy(&date, v.data(), 8);
  std::memcpy(&date_end, v.data() + 8, 2);
  std::memcpy(&time, v.data() + 11, 8);  // HH:MM:SS
  if (date != day_lo_ || date_end != day_hi_ || v[10] != 'T' || v[19] != 'Z') return false;
  // Every byte 0x30-0x3F, the colons in place, and the digits 0-9 (+6 stays below 0x40).
  constexpr uint64_t kHigh = 0xF0F0F0F0F0F0F0F0, kThrees = 0x3030303030303030;
  constexpr uint64_t kColons = 0x0000FF0000FF0000, kDigits = ~kColons;
  if ((time & kHigh) != kThrees || (time & kColons) != 0x00003A00003A0000 ||
      ((time + 0x0606060606060606) & kHigh & kDigits) != (kThrees & kDigits)) {
    return false;
  }
  const auto digit = [&](int k) { return static_cast<int>(time >> (8 * k) & 15); };
  const int hour = digit(0) * 10 + digit(1), minute = digit(3) * 10 + digit(4),
            second = digit(6) * 10 + digit(7);
  // The bounds ParseRfc3339 checks; a leap second counts as :59, as there.
  if (hour > 23 || minute > 59 || second > 60) return false;
  rec_.start_ms = day_ms_ + (hour * 3600 + minute * 60 + std::min(second, 59)) * int64_t{1000};
  return true;
}

bool RecordBuilder::SetIdText(Column c, std::string_view* out, std::string_view v) {
  if (v.empty()) return Bad(c, "empty ", ColumnName(c));
  bool ascii = true;
  for (char ch : v) {
    const auto b = static_cast<uint8_t>(ch);
    if (b < 0x20 || b == 0x7F) return Bad(c, "control character in ", ColumnName(c));
    ascii &= b < 0x80;
  }
  if (!ascii && !IsValidUtf8(v)) return Bad(c, "invalid UTF-8 in ", ColumnName(c));
  *out = v;
  return true;
}

bool RecordBuilder::SetId(Column c, int64_t id) {
  const int k = c == Column::kCallId ? 0 : c == Column::kCaller ? 1 : 2;
  char* buf = id_[k];
  const int n = std::snprintf(buf, sizeof id_[k], "%lld", static_cast<long long>(id));
  present_ |= 1u << static_cast<int>(c);
  std::string_view* out = k == 0 ? &rec_.call_id : k == 1 ? &rec_.caller : &rec_.callee;
  *out = std::string_view(buf, static_cast<size_t>(n));
  return true;
}

bool RecordBuilder::SetStartText(std::string_view v) {
  if (v.empty()) return Bad(Column::kStart, "empty start time");
  // Epoch seconds: digits with an optional fraction. Anything else is RFC 3339.
  size_t pos = 0;
  int64_t secs = 0;
  while (pos < v.size() && IsDigit(v[pos])) {
    if (secs > kMaxEpochSeconds) break;  // keeps the sum in range; rejected below
    secs = secs * 10 + (v[pos] - '0');
    ++pos;
  }
  if (pos > 0 && (pos == v.size() || v[pos] == '.')) {
    int64_t millis = 0;
    if (pos < v.size()) {
      ++pos;
      const size_t frac = pos;
      int scale = 100;
      while (pos < v.size() && IsDigit(v[pos])) {
        millis += (v[pos] - '0') * scale;
        scale /= 10;
        ++pos;
      }
      if (pos == frac || pos != v.size()) {
        return Bad(Column::kStart, "invalid epoch seconds '", v.substr(0, 40), "'");
      }
    }
    if (secs > kMaxEpochSeconds) {
      return Bad(Column::kStart, "epoch seconds out of range '", v.substr(0, 40),
                 "' (milliseconds are not accepted)");
    }
    rec_.start_ms = secs * 1000 + millis;
    return true;
  }
  auto t = ParseRfc3339(v);
  if (!t) return Bad(Column::kStart, t.error().message);
  rec_.start_ms = *t;
  // Remember the day of the common form for SetStartSameDay: records come in time order.
  if (v.size() == 20 && v[10] == 'T' && v[19] == 'Z') {
    const int64_t time_ms =
        (((v[11] - '0') * 10 + (v[12] - '0')) * 3600 + ((v[14] - '0') * 10 + (v[15] - '0')) * 60 +
         std::min((v[17] - '0') * 10 + (v[18] - '0'), 59)) * int64_t{1000};
    std::memcpy(&day_lo_, v.data(), 8);
    std::memcpy(&day_hi_, v.data() + 8, 2);
    day_ms_ = *t - time_ms;
  }
  return true;
}

bool RecordBuilder::SetStartSeconds(int64_t seconds) {
  present_ |= 1u << static_cast<int>(Column::kStart);
  if (seconds < 0 || seconds > kMaxEpochSeconds) {
    return Bad(Column::kStart, "epoch seconds out of range (milliseconds are not accepted)");
  }
  rec_.start_ms = seconds * 1000;
  return true;
}

bool RecordBuilder::SetStartSeconds(double seconds) {
  present_ |= 1u << static_cast<int>(Column::kStart);
  if (!(seconds >= 0 && seconds <= static_cast<double>(kMaxEpochSeconds))) {
    return Bad(Column::kStart, "epoch seconds out of range (milliseconds are not accepted)");
  }
  rec_.start_ms = static_cast<int64_t>(std::floor(seconds * 1000.0 + 0.5));
  return true;
}

bool RecordBuilder::SetDurationText(std::string_view v) {
  if (v.empty()) return Bad(Column::kDuration, "empty duration_s");
  size_t pos = 0;
  uint64_t secs = 0;
  while (pos < v.size() && IsDigit(v[pos]) && secs <= UINT32_MAX) {
    secs = secs * 10 + static_cast<uint64_t>(v[pos] - '0');
    ++pos;
  }
  if (pos < v.size() && v[pos] == '.' && pos > 0) {  // fractions of a second are dropped
    ++pos;
    const size_t frac = pos;
    while (pos < v.size() && IsDigit(v[pos])) ++pos;
    if (pos == frac) pos = 0;  // "12." is not a number
  }
  if (pos == 0 || pos != v.size()) {
    return Bad(Column::kDuration, "invalid duration_s '", v.substr(0, 40),
               "' (expected whole seconds, 0 or more)");
  }
  if (secs > UINT32_MAX) return Bad(Column::kDuration, "duration_s out of range");
  rec_.duration_s = static_cast<uint32_t>(secs);
  return true;
}

bool RecordBuilder::SetDuration(int64_t seconds) {
  present_ |= 1u << static_cast<int>(Column::kDuration);
  if (seconds < 0 || seconds > static_cast<int64_t>(UINT32_MAX)) {
    return Bad(Column::kDuration, "duration_s out of range (expected whole seconds, 0 or more)");
  }
  rec_.duration_s = static_cast<uint32_t>(seconds);
  return true;
}

bool RecordBuilder::SetDuration(double seconds) {
  present_ |= 1u << static_cast<int>(Column::kDuration);
  if (!(seconds >= 0 && seconds < 4294967296.0)) {
    return Bad(Column::kDuration, "duration_s out of range (expected whole seconds, 0 or more)");
  }
  rec_.duration_s = static_cast<uint32_t>(seconds);
  return true;
}

bool RecordBuilder::SetIp(Column c, std::string_view* out, std::string_view v) {
  if (v.empty()) return true;
  if (!IsIpText(v)) {
    return Bad(c, "not an IPv4 or IPv6 address: '", v.substr(0, 50), "'");
  }
  *out = v;
  return true;
}

bool RecordBuilder::SetCountry(Column c, std::string_view* out, char* buf, std::string_view v) {
  if (v.empty()) return true;
  if (v.size() != 2 || !IsAlpha(v[0]) || !IsAlpha(v[1])) {
    return Bad(c, "country must be an ISO 3166-1 alpha-2 code (two letters), not '",
               v.substr(0, 40), "'");
  }
  buf[0] = Upper(v[0]);
  buf[1] = Upper(v[1]);
  *out = std::string_view(buf, 2);
  return true;
}

bool RecordBuilder::SetRegion(Column c, std::string_view* out, char* buf, std::string_view v) {
  if (v.empty()) return true;
  // ISO 3166-2: country code, '-', one to three letters or digits.
  bool ok = v.size() >= 4 && v.size() <= 6 && IsAlpha(v[0]) && IsAlpha(v[1]) && v[2] == '-';
  for (size_t i = 3; ok && i < v.size(); ++i) ok = IsAlpha(v[i]) || IsDigit(v[i]);
  if (!ok) {
    return Bad(c, "region must be an ISO 3166-2 code such as PH-07, not '", v.substr(0, 40),
               "'");
  }
  for (size_t i = 0; i < v.size(); ++i) buf[i] = Upper(v[i]);
  *out = std::string_view(buf, v.size());
  return true;
}

bool RecordBuilder::CheckSide(Column country_col, std::string_view* country, Column region_col,
                              std::string_view region) {
  if (region.empty()) return true;
  if (country->empty()) {
    *country = region.substr(0, 2);  // the region names its country
    return true;
  }
  if (region.substr(0, 2) != *country) {
    return Bad(region_col, "region " + std::string(region) + " is not in " +
                               std::string(ColumnName(country_col)) + " " +
                               std::string(*country));
  }
  return true;
}

bool RecordBuilder::Finish() {
  if ((present_ & kRequiredColumns) != kRequiredColumns) {
    for (int i = 0; i < kNumColumns; ++i) {
      if ((kRequiredColumns >> i & 1) && !(present_ >> i & 1)) {
        const auto c = static_cast<Column>(i);
        return Bad(c, "missing required field '", ColumnName(c), "'");
      }
    }
  }
  // A JSON null for a required field.
  if (rec_.call_id.empty()) return Bad(Column::kCallId, "empty call_id");
  if (rec_.caller.empty()) return Bad(Column::kCaller, "empty caller");
  if (rec_.callee.empty()) return Bad(Column::kCallee, "empty callee");
  if (rec_.caller == rec_.callee) {
    return Bad(Column::kCallee, "caller and callee are the same account");
  }
  return CheckSide(Column::kCallerCountry, &rec_.caller_country, Column::kCallerRegion,
                   rec_.caller_region) &&
         CheckSide(Column::kCalleeCountry, &rec_.callee_country, Column::kCalleeRegion,
                   rec_.callee_region);
}

// ---- CSV line splitting ---------------------------------------------------------------------

namespace {

inline std::string_view TrimmedView(const char* b, const char* e) {
  while (b < e && (*b == ' ' || *b == '\t')) ++b;
  while (e > b && (e[-1] == ' ' || e[-1] == '\t')) --e;
  return std::string_view(b, static_cast<size_t>(e - b));
}

// Whether a byte is not printable ASCII, or is a space: a line without one needs no trimming
// and no character checks of its ids.
inline bool Unclean(char c) {
  const auto b = static_cast<uint8_t>(c);
  return b <= ' ' || b >= 0x7F;
}

// The common case, a line without quotes: commas found 16 bytes at a time (SSE2 is part of
// x86-64), reading up to 15 bytes past the line when `readable` allows. Fields are trimmed
// only when the line turns out not to be clean. Returns false, with `fields` in an
// unspecified state, when the line has a quote.
bool SplitUnquoted(std::string_view line, size_t readable, char sep,
                   std::vector<std::string_view>* fields, bool* clean) {
  const char* const p = line.data();
  const size_t n = line.size();
  size_t start = 0, i = 0;
  unsigned unclean = 0;
#if defined(__SSE2__)
  const __m128i comma = _mm_set1_epi8(sep);
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i printable = _mm_set1_epi8('!'), del = _mm_set1_epi8(0x7F);
  for (; i < n && i + 16 <= readable; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const unsigned in_line = n - i >= 16 ? 0xFFFF : (1u << (n - i)) - 1;
    if ((_mm_movemask_epi8(_mm_cmpeq_epi8(v, quote)) & in_line) != 0) return false;
    // Signed: bytes from 0x80 are below '!' too.
    unclean |= static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(
                   _mm_cmplt_epi8(v, printable), _mm_cmpeq_epi8(v, del)))) &
               in_line;
    auto commas = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, comma))) & in_line;
    while (commas != 0) {
      const size_t at = i + static_cast<size_t>(__builtin_ctz(commas));
      fields->emplace_back(p + start, at - start);
      start = at + 1;
      commas &= commas - 1;
    }
  }
#endif
  for (; i < n; ++i) {
    if (p[i] == sep) {
      fields->emplace_back(p + start, i - start);
      start = i + 1;
    } else if (p[i] == '"') {
      return false;
    }
    unclean |= Unclean(p[i]);
  }
  fields->emplace_back(p + start, n - start);
  *clean = unclean == 0;
  if (unclean != 0) {
    for (std::string_view& f : *fields) f = TrimmedView(f.data(), f.data() + f.size());
  }
  return true;
}

}  // namespace

char CsvSeparator(std::string_view header) {
  size_t count[3] = {0, 0, 0};  // ',', ';', '\t' outside quotes
  bool quoted = false;
  for (char c : header) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    count[0] += c == ',';
    count[1] += c == ';';
    count[2] += c == '\t';
  }
  if (count[0] > 0) return ',';
  if (count[1] > 0 && count[1] >= count[2]) return ';';
  return count[2] > 0 ? '\t' : ',';
}

bool SplitCsvLine(std::string_view line, std::vector<std::string_view>* fields,
                  std::string* scratch, const char** error, bool* clean, size_t readable,
                  char sep) {
  fields->clear();
  bool is_clean = false;
  if (SplitUnquoted(line, std::max(readable, line.size()), sep, fields, &is_clean)) {
    if (clean != nullptr) *clean = is_clean;
    return true;
  }
  if (clean != nullptr) *clean = false;
  fields->clear();
  scratch->clear();
  const char* p = line.data();
  const char* const end = p + line.size();
  // Spaces and tabs around a field are trimmed, but a tab that separates fields is kept.
  const auto blank = [&](char c) { return c == ' ' || (c == '\t' && sep != '\t'); };
  while (true) {
    while (p < end && blank(*p)) ++p;
    if (p < end && *p == '"') {
      const char* const start = ++p;
      bool escaped = false;
      const char* q;
      while (true) {
        q = static_cast<const char*>(std::memchr(p, '"', static_cast<size_t>(end - p)));
        if (q == nullptr) {
          *error = "unterminated quoted field";
          return false;
        }
        if (q + 1 < end && q[1] == '"') {
          escaped = true;
          p = q + 2;
          continue;
        }
        break;
      }
      if (!escaped) {
        fields->emplace_back(start, static_cast<size_t>(q - start));
      } else {
        const size_t begin = scratch->size();
        for (const char* s = start; s < q; ++s) {
          scratch->push_back(*s);
          if (*s == '"') ++s;  // "" -> "
        }
        fields->emplace_back(scratch->data() + begin, scratch->size() - begin);
      }
      p = q + 1;
      while (p < end && blank(*p)) ++p;
      if (p < end && *p != sep) {
        *error = "unexpected text after a closing quote";
        return false;
      }
    } else {
      const char* q = p;
      while (q < end && *q != sep) ++q;
      const char* e = q;
      while (e > p && (e[-1] == ' ' || e[-1] == '\t')) --e;
      fields->emplace_back(p, static_cast<size_t>(e - p));
      p = q;
    }
    if (p == end) return true;
    ++p;  // the separator; one at the very end leaves one more, empty, field
  }
}

}  // namespace bantay::meta::internal
