// text/chat_jsonl_impl.h: the chat JSONL parser body, compiled once per instruction set
// (chat_jsonl.cc: portable; chat_jsonl_avx2.cc: AVX2), because simdjson's On-Demand API
// picks its SIMD kernel at compile time. Included only by those two files.
#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <span>
#ifdef __AVX2__
#include <immintrin.h>
#endif
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <simdjson.h>

#include "core/utf8.h"
#include "text/text.h"

namespace bantay::text {
namespace BANTAY_JSONL_VARIANT {

static_assert(kChunkPadding >= simdjson::SIMDJSON_PADDING);
static_assert(kChunkPadding >= 32);  // QuoteParseLine reads a 32-byte block past the chunk

namespace {

// Offset from `p` of the quote that closes a JSON string whose body starts at `p`, or -1 if
// a backslash or a control character comes first or no quote comes before `end`. Sets
// *non_ascii when the body has bytes >= 0x80. Reads in 16-byte blocks, up to 15 bytes past
// `end`: REQUIRES that many readable bytes (the chunk padding).
ptrdiff_t PlainStringEnd(const char* p, const char* end, bool* non_ascii) {
#ifdef __SSE2__
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i max_control = _mm_set1_epi8(0x1F);
  for (const char* q = p; q < end; q += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
    const __m128i special =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash)),
                     _mm_cmpeq_epi8(_mm_min_epu8(x, max_control), x));
    const unsigned special_mask = static_cast<unsigned>(_mm_movemask_epi8(special));
    unsigned high = static_cast<unsigned>(_mm_movemask_epi8(x));
    if (special_mask != 0) {
      const unsigned i = static_cast<unsigned>(__builtin_ctz(special_mask));
      if (q + i >= end || q[i] != '"') return -1;
      *non_ascii |= (high & ((1u << i) - 1)) != 0;
      return q + i - p;
    }
    *non_ascii |= high != 0;
  }
  return -1;
#else
  for (const char* q = p; q < end; ++q) {
    const auto c = static_cast<uint8_t>(*q);
    if (c == '"') return q - p;
    if (c == '\\' || c < 0x20) return -1;
    *non_ascii |= c >= 0x80;
  }
  return -1;
#endif
}

enum class Field { kConversation, kAuthor, kText, kTime, kOther };

Field Classify(std::string_view key) {
  if (key == "conversation") return Field::kConversation;
  if (key == "author") return Field::kAuthor;
  if (key == "text") return Field::kText;
  if (key == "time") return Field::kTime;
  return Field::kOther;
}

// One of the four fields when the key whose body starts at `p` is spelled plainly as its
// name (then no escape can be in it), with the body's length in *len; otherwise *len = -1
// and the general key scan decides. REQUIRES: readable bytes up to the chunk padding.
Field KnownKey(const char* p, const char* end, ptrdiff_t* len) {
  const auto is = [&](std::string_view key) {
    const auto n = static_cast<ptrdiff_t>(key.size());
    return end - p > n && std::memcmp(p, key.data(), key.size()) == 0 && p[n] == '"';
  };
  *len = -1;
  switch (*p) {
    case 'c':
      if (is("conversation")) *len = 12;
      return *len < 0 ? Field::kOther : Field::kConversation;
    case 'a':
      if (is("author")) *len = 6;
      return *len < 0 ? Field::kOther : Field::kAuthor;
    case 't':
      if (is("text")) {
        *len = 4;
        return Field::kText;
      }
      if (is("time")) *len = 4;
      return *len < 0 ? Field::kOther : Field::kTime;
    default:
      return Field::kOther;
  }
}

// Reads a string or integer id into `out`.
simdjson::error_code ReadId(simdjson::ondemand::value v, std::string* out) {
  std::string_view sv;
  if (v.get_string().get(sv) == simdjson::SUCCESS) {  // the usual case: a string id
    out->assign(sv);
    return simdjson::SUCCESS;
  }
  simdjson::ondemand::json_type type;
  if (auto e = v.type().get(type)) return e;
  if (type == simdjson::ondemand::json_type::number) {
    int64_t n;
    if (auto e = v.get_int64().get(n)) return e;
    out->assign(std::to_string(n));
    return simdjson::SUCCESS;
  }
  return simdjson::INCORRECT_TYPE;
}

// Gathers delivered records into batches of kChatBatch for ParseChatJsonlRefs' callback:
// one call per batch, not per record. A record whose views would die with its delivery
// (decoded by simdjson into the parser's buffers) is copied into the batch's own strings.
class BatchSink {
 public:
  explicit BatchSink(const std::function<void(std::span<const MessageRef>)>& on_batch)
      : on_batch_(on_batch) {}
  void Add(const MessageRef& m) {
    MessageRef& slot = refs_[n_];
    slot = m;
    if (!m.stable) {
      std::string* owned = &owned_[3 * n_];
      slot.conversation = owned[0].assign(m.conversation);
      slot.author = owned[1].assign(m.author);
      slot.text = owned[2].assign(m.text);
    }
    if (++n_ == kChatBatch) Flush();
  }
  void Flush() {
    if (n_ == 0) return;
    on_batch_(std::span<const MessageRef>(refs_.data(), n_));
    n_ = 0;
  }

 private:
  const std::function<void(std::span<const MessageRef>)>& on_batch_;
  std::array<MessageRef, kChatBatch> refs_;
  std::array<std::string, 3 * kChatBatch> owned_;
  size_t n_ = 0;
};

class LineParser {
 public:
  LineParser(BatchSink* sink, ChunkLines* lines, bool fast_path)
      : sink_(sink), lines_(lines), fast_path_(fast_path) {}

  // `capacity`: readable bytes from line.data() (at least line.size() + padding).
  void Parse(std::string_view line, size_t capacity, uint64_t line_no) {
    if (fast_path_ && FastParse(line, line_no)) return;
    const simdjson::error_code e = TryParse(line, capacity, line_no);
    if (e == simdjson::UTF8_ERROR) {
      repaired_buf_.clear();  // keeps its capacity: no allocation per repaired line
      RepairUtf8(line, &repaired_buf_);
      const size_t n = repaired_buf_.size();
      repaired_buf_.resize(n + simdjson::SIMDJSON_PADDING);
      const std::string_view fixed(repaired_buf_.data(), n);
      if (TryParse(fixed, repaired_buf_.size(), line_no) == simdjson::SUCCESS) {
        Reject(line_no, "", "invalid UTF-8 replaced with U+FFFD", /*repaired=*/true);
        return;
      }
    }
    if (e != simdjson::SUCCESS) Reject(line_no, field_, simdjson::error_message(e));
  }

 private:
  simdjson::error_code TryParse(std::string_view line, size_t capacity, uint64_t line_no) {
    field_ = {};
    if (!pending_error_.empty()) pending_error_.clear();
    simdjson::ondemand::document doc;
    if (auto e = parser_.iterate(line.data(), line.size(), capacity).get(doc)) return e;
    simdjson::ondemand::object obj;
    if (auto e = doc.get_object().get(obj)) {
      if (e == simdjson::INCORRECT_TYPE || e == simdjson::TAPE_ERROR) {
        Reject(line_no, "", "record is not a JSON object");
        return simdjson::SUCCESS;
      }
      return e;
    }
    bool have_conv = false, have_author = false, have_text = false;
    ref_.time = kNoTime;
    std::string_view time_text;
    bool have_time = false;
    for (auto field_result : obj) {
      simdjson::ondemand::field field;
      if (auto e = std::move(field_result).get(field)) return e;
      std::string_view key;
      if (auto e = field.unescaped_key().get(key)) return e;
      const Field which = Classify(key);
      field_ = which == Field::kOther ? std::string_view() : key;
      simdjson::ondemand::value v = field.value();
      switch (which) {
        case Field::kConversation:
          if (auto e = ReadId(v, &msg_.conversation)) return TypeError(e, line_no, key);
          have_conv = true;
          break;
        case Field::kAuthor:
          if (auto e = ReadId(v, &msg_.author)) return TypeError(e, line_no, key);
          have_author = true;
          break;
        case Field::kText: {
          std::string_view sv;
          if (auto e = v.get_string().get(sv)) return TypeError(e, line_no, key);
          msg_.text.assign(sv);
          have_text = true;
          break;
        }
        case Field::kTime: {
          simdjson::ondemand::json_type type;
          if (auto e = v.type().get(type)) return e;
          if (type == simdjson::ondemand::json_type::null) break;
          if (type == simdjson::ondemand::json_type::number) {
            double secs;
            if (auto e = v.get_double().get(secs)) return e;
            // Epoch seconds; beyond year 9999 either way is not a time.
            if (!(secs > -62135596800.0 && secs < 253402300800.0)) {
              Reject(line_no, "time", "epoch seconds out of range; message kept without a time",
                     /*repaired=*/true);
              break;
            }
            ref_.time = static_cast<int64_t>(secs * 1000.0);
            break;
          }
          if (auto e = v.get_string().get(time_text)) return TypeError(e, line_no, key);
          time_copy_.assign(time_text);
          have_time = true;
          break;
        }
        case Field::kOther:
          break;  // ignored; On-Demand skips it
      }
    }
    field_ = {};
    if (!doc.current_location().error()) {
      Reject(line_no, "", "trailing characters after the JSON object");
      return simdjson::SUCCESS;
    }
    // The values live in this parser's strings: valid only during the callback.
    ref_.conversation = msg_.conversation;
    ref_.author = msg_.author;
    ref_.text = msg_.text;
    ref_.stable = false;
    Deliver(line_no, have_conv, have_author, have_text, have_time, time_copy_);
    return simdjson::SUCCESS;
  }

  // Checks the required fields, parses the time and hands the message on (or rejects it).
  void Deliver(uint64_t line_no, bool have_conv, bool have_author, bool have_text,
               bool have_time, std::string_view time_text) {
    const char* missing = !have_conv ? "conversation" : !have_author ? "author" :
                          !have_text ? "text" : nullptr;
    if (missing != nullptr) {
      Reject(line_no, missing, std::string("missing required field '") + missing + "'");
      return;
    }
    if (ref_.conversation.empty()) {
      Reject(line_no, "conversation", "empty conversation id");
      return;
    }
    if (have_time) {
      auto t = ParseRfc3339(time_text);
      if (t) {
        ref_.time = *t;
      } else {
        Reject(line_no, "time", t.error().message + "; message kept without a time",
               /*repaired=*/true);
      }
    }
    ref_.line = lines_->deferred() ? 0 : line_no;
    sink_->Add(ref_);
  }

 public:
  // Records a rejected (or repaired) line (numbered as ChunkLines says).
  void Reject(uint64_t line_no, std::string_view field, std::string message,
              bool repaired = false) {
    lines_->Reject(line_no, field, std::move(message), repaired);
  }

  // The commonest record of all, from the positions of its quotes: a flat object of ASCII
  // string keys and values, without whitespace between tokens, escapes or control
  // characters ({"k":"v","k":"v"}), on a line of its own that starts at `p` (at most
  // `avail` bytes, to the chunk's end). One pass of 32-byte blocks (16 without AVX2) finds
  // the line's end and lists the quotes, so that the line is read once; then each field is
  // four quotes with ':' and ',' between. On success, delivers the record and returns the
  // line's length with its line end ("\n" or "\r\n"; none at the chunk's end). Otherwise
  // returns 0, having delivered nothing, and sets *no_line_end_before to how far the line
  // is known to have no '\n'; the caller finds the line's end and FastParse reads it.
  // REQUIRES: 32 readable bytes past `avail` (the chunk padding).
  size_t QuoteParseLine(const char* p, size_t avail, size_t max_line_bytes, uint64_t line_no,
                        size_t* no_line_end_before) {
    *no_line_end_before = 0;
#ifdef __SSE2__
    if (avail < 2 || p[0] != '{') return 0;
    constexpr size_t kMaxQuotes = 64;
#ifdef __AVX2__
    constexpr size_t kBlock = 32;
    const __m256i quote = _mm256_set1_epi8('"');
    const __m256i backslash = _mm256_set1_epi8('\\');
    const __m256i space = _mm256_set1_epi8(' ');  // below it: control characters
    const __m256i newline = _mm256_set1_epi8('\n');
#else
    constexpr size_t kBlock = 16;
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i space = _mm_set1_epi8(' ');
    const __m128i newline = _mm_set1_epi8('\n');
#endif
    // Room for one block's quotes past the limit: the count is checked once per block.
    uint32_t q[kMaxQuotes + kBlock];
    size_t nq = 0;
    size_t n = 0;     // the line's length without its line end
    size_t next = 0;  // the offset of the next line
    for (size_t b = 0;; b += kBlock) {
      if (b >= avail) {  // the chunk's last line, without a line end
        n = next = avail;
        break;
      }
      const uint32_t valid =
          avail - b >= kBlock ? ~uint32_t{0} >> (32 - kBlock) : (uint32_t{1} << (avail - b)) - 1;
      // Control characters, bytes >= 0x80 (negative as signed) and backslashes. Spaces may
      // be in strings; between tokens the position checks below catch them.
#ifdef __AVX2__
      const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + b));
      uint32_t other = static_cast<uint32_t>(_mm256_movemask_epi8(
          _mm256_or_si256(_mm256_cmpgt_epi8(space, x), _mm256_cmpeq_epi8(x, backslash))));
      const uint32_t line_end =
          static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, newline))) & valid;
      uint32_t m = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, quote)));
#else
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + b));
      uint32_t other = static_cast<uint32_t>(
          _mm_movemask_epi8(_mm_or_si128(_mm_cmpgt_epi8(space, x), _mm_cmpeq_epi8(x, backslash))));
      const uint32_t line_end =
          static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, newline))) & valid;
      uint32_t m = static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, quote)));
#endif
      uint32_t in_line = valid;
      if (line_end != 0) {
        const unsigned at = static_cast<unsigned>(__builtin_ctz(line_end));
        in_line = (uint32_t{1} << at) - 1;
        n = b + at;
        next = n + 1;
        // A "\r" before the line end is part of it.
        if (n > 0 && p[n - 1] == '\r') {
          --n;
          if (at > 0) in_line &= ~(uint32_t{1} << (at - 1));
        }
      }
      if ((other & in_line) != 0) {
        *no_line_end_before = line_end != 0 ? b : b + kBlock;
        if (*no_line_end_before > avail) *no_line_end_before = avail;
        return 0;
      }
      for (m &= in_line; m != 0; m &= m - 1) {
        q[nq++] = static_cast<uint32_t>(b + static_cast<size_t>(__builtin_ctz(m)));
      }
      if (line_end != 0) break;
      if (nq > kMaxQuotes) {
        *no_line_end_before = std::min(b + kBlock, avail);
        return 0;
      }
    }
    // The caller settles an overlong line, and FastParse reads any line the checks below
    // refuse (and one whose "\r" ends a block before its line end).
    if (nq == 0 || nq > kMaxQuotes || nq % 4 != 0 || q[0] != 1 || n > max_line_bytes ||
        p[n - 1] != '}') {
      *no_line_end_before = n;
      return 0;
    }
    std::string_view values[4];
    bool seen[4] = {false, false, false, false};
    for (size_t f = 0; f < nq; f += 4) {
      const uint32_t key_open = q[f], key_close = q[f + 1];
      const uint32_t value_open = q[f + 2], value_close = q[f + 3];
      const uint32_t after = value_close + 1;
      if (value_open != key_close + 2 || p[key_close + 1] != ':' ||
          (f + 4 < nq ? p[after] != ',' || q[f + 4] != after + 1 : after != n - 1)) {
        *no_line_end_before = n;
        return 0;
      }
      const Field which = Classify(std::string_view(p + key_open + 1, key_close - key_open - 1));
      if (which == Field::kOther) continue;
      const auto slot = static_cast<size_t>(which);
      if (seen[slot]) {
        *no_line_end_before = n;
        return 0;
      }
      seen[slot] = true;
      values[slot] = std::string_view(p + value_open + 1, value_close - value_open - 1);
    }
    DeliverViews(line_no, values, seen, /*time_null=*/false);
    return next;
#else
    (void)p;
    (void)avail;
    (void)max_line_bytes;
    (void)line_no;
    return 0;
#endif
  }

 private:
  // The common record shape without simdjson: one flat object whose values are strings
  // without escapes (time may be null). Returns false, having delivered nothing, for
  // anything else (numbers, escapes, nested values, a repeated field, control characters,
  // invalid UTF-8, bad syntax), which the simdjson path then parses or rejects with its
  // message. Accepts only valid JSON, with the meaning simdjson would give it.
  // REQUIRES: 16 readable bytes past the line (the chunk padding).
  bool FastParse(std::string_view line, uint64_t line_no) {
    const char* p = line.data();
    const char* const end = p + line.size();
    auto skip_ws = [&] {
      // Records rarely have whitespace between tokens: one comparison settles most calls.
      if (p < end && static_cast<uint8_t>(*p) > ' ') return;
      while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) ++p;
    };
    skip_ws();
    if (p == end || *p != '{') return false;
    ++p;
    skip_ws();
    std::string_view values[4];
    bool seen[4] = {false, false, false, false};
    bool time_null = false;
    while (true) {
      if (p == end || *p != '"') return false;
      bool non_ascii = false;
      ptrdiff_t key_len;
      Field which = KnownKey(++p, end, &key_len);
      if (key_len < 0) {
        key_len = PlainStringEnd(p, end, &non_ascii);
        if (key_len < 0) return false;
        // A key must be valid UTF-8 too: simdjson repairs (and reports) the line otherwise.
        if (non_ascii && !IsValidUtf8(std::string_view(p, key_len))) return false;
        which = non_ascii ? Field::kOther : Classify(std::string_view(p, key_len));
      }
      p += key_len + 1;
      skip_ws();
      if (p == end || *p != ':') return false;
      ++p;
      skip_ws();
      if (p == end) return false;
      const auto slot = static_cast<size_t>(which);
      if (which != Field::kOther && seen[slot]) return false;
      if (*p == '"') {
        non_ascii = false;
        const ptrdiff_t len = PlainStringEnd(++p, end, &non_ascii);
        if (len < 0) return false;
        const std::string_view value(p, len);
        if (non_ascii && !IsValidUtf8(value)) return false;
        if (which != Field::kOther) {
          values[slot] = value;
          seen[slot] = true;
        }
        p += len + 1;
      } else if (which == Field::kTime && end - p >= 4 && std::memcmp(p, "null", 4) == 0) {
        seen[slot] = time_null = true;
        p += 4;
      } else {
        return false;
      }
      skip_ws();
      if (p == end) return false;
      if (*p == '}') break;
      if (*p != ',') return false;
      ++p;
      skip_ws();
    }
    ++p;
    skip_ws();
    if (p != end) return false;
    DeliverViews(line_no, values, seen, time_null);
    return true;
  }

  // Hands on the four fields of a hand-parsed line: views into the chunk, no copy.
  void DeliverViews(uint64_t line_no, const std::string_view (&values)[4], const bool (&seen)[4],
                    bool time_null) {
    const auto conv = static_cast<size_t>(Field::kConversation);
    const auto author = static_cast<size_t>(Field::kAuthor);
    const auto text = static_cast<size_t>(Field::kText);
    const auto time = static_cast<size_t>(Field::kTime);
    ref_.time = kNoTime;
    ref_.conversation = values[conv];
    ref_.author = values[author];
    ref_.text = values[text];
    ref_.stable = true;
    Deliver(line_no, seen[conv], seen[author], seen[text], seen[time] && !time_null,
            values[time]);
  }

  simdjson::error_code TypeError(simdjson::error_code e, uint64_t line_no,
                                 std::string_view key) {
    if (e == simdjson::INCORRECT_TYPE) {
      Reject(line_no, key, "wrong type (expected a string" +
                               std::string(key == "text" ? "" : " or integer") + ")");
      return simdjson::SUCCESS;
    }
    return e;
  }

  BatchSink* sink_;
  ChunkLines* lines_;
  bool fast_path_;
  simdjson::ondemand::parser parser_;
  Message msg_;     // the simdjson path's decoded values
  MessageRef ref_;  // what is delivered
  std::string time_copy_;
  std::string repaired_buf_;
  std::string pending_error_;
  std::string_view field_;
};

}  // namespace

void ParseChatJsonlImpl(const Chunk& chunk, std::string_view file_name, size_t max_line_bytes,
                        const std::function<void(std::span<const MessageRef>)>& on_batch,
                        std::vector<Rejection>* rejects, bool fast_path) {
  // Heap-allocated: the batch's refs and strings are ~26 KB.
  const auto sink = std::make_unique<BatchSink>(on_batch);
  ChunkLines lines(chunk, file_name, rejects);
  LineParser parser(sink.get(), &lines, fast_path);
  const char* data = chunk.data.data();
  const size_t size = chunk.data.size();
  const size_t capacity_end = size + kChunkPadding;
  uint64_t line_no = lines.first();
  size_t pos = 0;
  // A UTF-8 byte-order mark, as Windows tools write one, before the first record.
  if (lines.at_input_start()) pos = size - WithoutByteOrderMark(chunk.data).size();
  while (pos < size) {
    size_t known = 0;  // no line end before data + pos + known
    PrefetchInputAhead(data + pos);  // alternating runs: CPU -2.7%, wall -2.6%
    if (fast_path) {
      if (const size_t len =
              parser.QuoteParseLine(data + pos, size - pos, max_line_bytes, line_no, &known)) {
        pos += len;
        ++line_no;
        continue;
      }
    }
    const void* nl = std::memchr(data + pos + known, '\n', size - pos - known);
    const size_t end = nl ? static_cast<const char*>(nl) - data : size;
    std::string_view line(data + pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t first = 0;
    while (first < line.size() && (line[first] == ' ' || line[first] == '\t')) ++first;
    if (first < line.size()) {
      if (line.size() > max_line_bytes) {
        parser.Reject(line_no, "",
                      "line of " + std::to_string(line.size()) +
                          " bytes is longer than the limit of " + std::to_string(max_line_bytes) +
                          " (--max-line-bytes)");
      } else {
        parser.Parse(line, capacity_end - pos, line_no);
      }
    }
    pos = end + 1;
    ++line_no;
  }
  sink->Flush();
  lines.Finish(line_no - lines.first());
}

// A JSON array of chat records, as exports often write them ("[{...},\n{...}]"): each element
// is read as a JSONL line would be, and rejections name the line where it starts. The
// content must be all of an input, with kChunkPadding readable bytes after it.
void ParseChatJsonArrayImpl(std::string_view content, std::string_view file_name,
                            const std::function<void(std::span<const MessageRef>)>& on_batch,
                            std::vector<Rejection>* rejects, bool salvage = true) {
  Chunk whole;
  whole.data = content;
  whole.first_line = 1;
  const auto sink = std::make_unique<BatchSink>(on_batch);
  ChunkLines lines(whole, file_name, rejects);
  LineParser parser(sink.get(), &lines, /*fast_path=*/true);
  // Line numbers of offsets met in increasing order.
  size_t counted = 0;
  uint64_t line_no = 1;
  const auto line_at = [&](const char* at) {
    const auto offset = static_cast<size_t>(at - content.data());
    if (offset > counted) {
      line_no += static_cast<uint64_t>(
          std::count(content.begin() + counted, content.begin() + offset, '\n'));
      counted = offset;
    }
    return line_no;
  };
  const size_t capacity = content.size() + kChunkPadding;
  simdjson::ondemand::parser outer;
  simdjson::ondemand::document doc;
  simdjson::ondemand::array array;
  simdjson::error_code e = outer.iterate(content.data(), content.size(), capacity).get(doc);
  if (!e) e = doc.get_array().get(array);
  if (e) {
    // Not even the document's structure: a file cut inside a string or an element, say.
    // The records before the last '}' are read as an array closed there, and the cut is
    // reported.
    const size_t cut = content.rfind('}');
    if (salvage && cut != std::string_view::npos) {
      std::string closed(content.substr(0, cut + 1));
      closed += ']';
      const size_t size = closed.size();
      closed.append(kChunkPadding, '\0');
      ParseChatJsonArrayImpl(std::string_view(closed.data(), size), file_name, on_batch, rejects,
                             /*salvage=*/false);
    }
    const auto last = static_cast<uint64_t>(1 + std::count(content.begin(), content.end(), '\n'));
    parser.Reject(last, "",
                  std::string("JSON array: ") + simdjson::error_message(e) +
                      (salvage && cut != std::string_view::npos
                           ? " (the file looks cut; the records before its last '}' "
                             "were read)"
                           : ""));
    lines.Finish(last);
    return;
  }
  for (auto element : array) {
    simdjson::ondemand::value value;
    if ((e = std::move(element).get(value))) break;
    simdjson::ondemand::object object;
    std::string_view raw;
    if (value.get_object().get(object) || (e = object.raw_json().get(raw))) {
      if (e) break;
      // Named by where the parser stands, or else by the last element's line.
      const char* at = nullptr;
      parser.Reject(doc.current_location().get(at) ? line_no : line_at(at), "",
                    "array element is not a JSON object");
      continue;
    }
    parser.Parse(raw, capacity - static_cast<size_t>(raw.data() - content.data()),
                 line_at(raw.data()));
  }
  if (e) {
    const char* at = nullptr;
    const uint64_t where =
        doc.current_location().get(at) ? line_at(content.data() + content.size()) : line_at(at);
    parser.Reject(where, "",
                  std::string("JSON array: ") + simdjson::error_message(e) +
                      " (the records before it were read)");
  }
  sink->Flush();
  lines.Finish(line_at(content.data() + content.size()));
}

}  // namespace BANTAY_JSONL_VARIANT
}  // namespace bantay::text
