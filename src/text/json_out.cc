// text/json_out.cc: scan output lines (ARCHITECTURE.md "Scan output"), written by hand:
// one line per conversation is a hot path when many are printed (--all).
#include <charconv>
#include <cmath>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "text/text.h"

namespace bantay::text {

namespace {

// Appends `s` as a JSON string; invalid UTF-8 becomes U+FFFD.
void AppendString(std::string* out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b >= 0x20 && b < 0x80 && b != '"' && b != '\\') {
      size_t j = i + 1;
#ifdef __SSE2__
      // Sixteen bytes at a time while none needs escaping or is non-ASCII.
      const __m128i quote = _mm_set1_epi8('"');
      const __m128i backslash = _mm_set1_epi8('\\');
      const __m128i max_control = _mm_set1_epi8(0x1F);
      while (j + 16 <= s.size()) {
        const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + j));
        const __m128i special = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash)),
            _mm_cmpeq_epi8(_mm_min_epu8(x, max_control), x));
        const unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(special)) |
                              static_cast<unsigned>(_mm_movemask_epi8(x));  // bytes >= 0x80
        if (mask != 0) {
          j += static_cast<size_t>(__builtin_ctz(mask));
          break;
        }
        j += 16;
      }
#endif
      while (j < s.size()) {
        const auto c = static_cast<unsigned char>(s[j]);
        if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') break;
        ++j;
      }
      out->append(s.substr(i, j - i));
      i = j;
      continue;
    }
    if (b < 0x80) {
      switch (b) {
        case '"': out->append("\\\""); break;
        case '\\': out->append("\\\\"); break;
        case '\n': out->append("\\n"); break;
        case '\r': out->append("\\r"); break;
        case '\t': out->append("\\t"); break;
        default:
          out->append("\\u00");
          out->push_back(kHex[b >> 4]);
          out->push_back(kHex[b & 15]);
      }
      ++i;
      continue;
    }
    size_t n = (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
    bool ok = n > 0 && i + n <= s.size() && !(n == 2 && b < 0xC2) && !(n == 4 && b > 0xF4);
    for (size_t k = 1; ok && k < n; ++k) {
      ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    }
    if (ok && n == 3) {
      const auto c1 = static_cast<unsigned char>(s[i + 1]);
      ok = !((b == 0xE0 && c1 < 0xA0) || (b == 0xED && c1 >= 0xA0));
    }
    if (ok && n == 4) {
      const auto c1 = static_cast<unsigned char>(s[i + 1]);
      ok = !((b == 0xF0 && c1 < 0x90) || (b == 0xF4 && c1 >= 0x90));
    }
    if (ok) {
      out->append(s.substr(i, n));
      i += n;
    } else {
      out->append("\xEF\xBF\xBD");
      ++i;
    }
  }
  out->push_back('"');
}

// Appends `v`, which the caller rounded to at most four decimals, as std::to_chars's
// shortest form would. For 0.001 <= |v| < 10000 that is plain decimal notation of the
// (at most eight-digit) decimal that `v` is the nearest double to, written here by integer
// arithmetic (to_chars's shortest search costs ~500 instructions); anything else, or a
// value that is not such a decimal, goes to to_chars.
void AppendNumber(std::string* out, double v) {
  const double scaled = std::abs(v) * 10000.0;
  if (scaled >= 10.0 && scaled < 1e8) {
    const auto k = static_cast<uint64_t>(std::llround(scaled));
    if (static_cast<double>(k) / 10000.0 == std::abs(v)) {
      char buf[24];
      char* p = buf;
      if (v < 0) *p++ = '-';
      auto [end, ec] = std::to_chars(p, buf + sizeof buf, k / 10000);
      p = end;
      uint64_t frac = k % 10000;
      if (frac != 0) {
        int digits = 4;
        while (frac % 10 == 0) {
          frac /= 10;
          --digits;
        }
        *p++ = '.';
        for (int d = digits - 1; d >= 0; --d) {
          p[d] = static_cast<char>('0' + frac % 10);
          frac /= 10;
        }
        p += digits;
      }
      out->append(buf, p);
      return;
    }
  }
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, ec == std::errc() ? end : buf);
}

void AppendUint(std::string* out, uint64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, end);
}

}  // namespace

std::string ScoreToJson(const ConversationScore& score, const Lexicon& /*lexicon*/) {
  std::string out;
  out.reserve(256 + score.evidence.size() * 96);
  out.append("{\"conversation\":");
  AppendString(&out, score.conversation);
  out.append(",\"score\":");
  AppendNumber(&out, std::round(score.score * 10000.0) / 10000.0);
  out.append(score.flagged ? ",\"flagged\":true" : ",\"flagged\":false");
  out.append(",\"signals\":{");
  bool first = true;
  for (size_t c = 0; c < kCategoryCount; ++c) {
    if (score.signals[c] == 0) continue;
    if (!first) out.push_back(',');
    first = false;
    AppendString(&out, CategoryName(static_cast<Category>(c)));
    out.push_back(':');
    AppendUint(&out, score.signals[c]);
  }
  out.append("},\"evidence\":[");
  for (size_t i = 0; i < score.evidence.size(); ++i) {
    const Evidence& e = score.evidence[i];
    if (i > 0) out.push_back(',');
    out.append("{\"message\":");
    AppendUint(&out, e.message);
    out.append(",\"category\":");
    AppendString(&out, CategoryName(e.category));
    out.append(",\"term\":");
    AppendString(&out, e.term);
    if (i < score.texts.size() && !score.texts[i].empty()) {
      out.append(",\"text\":");
      AppendString(&out, score.texts[i]);
      out.append(",\"span\":[");
      AppendUint(&out, e.span_begin);
      out.push_back(',');
      AppendUint(&out, e.span_end);
      out.push_back(']');
    }
    out.append(",\"weight\":");
    AppendNumber(&out, std::round(e.weight * 100.0) / 100.0);
    out.append(static_cast<int>(e.author) == score.requester ? ",\"role\":\"requester\"}"
                                                              : ",\"role\":\"other\"}");
  }
  out.append("],\"reasons\":[");
  for (size_t i = 0; i < score.reasons.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendString(&out, score.reasons[i]);
  }
  out.append("]");
  if (!score.authors.empty()) {
    out.append(",\"participants\":[");
    for (size_t i = 0; i < score.authors.size(); ++i) {
      if (i > 0) out.push_back(',');
      out.append("{\"author\":");
      AppendString(&out, score.authors[i]);
      out.append(static_cast<int>(i) == score.requester ? ",\"role\":\"requester\"}"
                                                        : ",\"role\":\"other\"}");
    }
    out.push_back(']');
  }
  out.append(",\"messages\":");
  AppendUint(&out, score.messages);
  out.push_back('}');
  return out;
}

}  // namespace bantay::text
