// core/core.cc: errors, UTC time parsing and formatting, chunked line input.
#include "core/core.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace bantay {

std::string Error::ToString() const {
  if (where.empty()) return message;
  return where + ": " + message;
}

std::string Where(std::string_view file, uint64_t line, std::string_view field) {
  std::string out(file);
  if (line > 0) {
    if (!out.empty()) out += ':';
    out += std::to_string(line);
  }
  if (!field.empty()) {
    if (!out.empty()) out += ':';
    out += field;
  }
  return out;
}

// ---- Time -------------------------------------------------------------------------------

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}


bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

}  // namespace

void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

Result<int64_t> ParseRfc3339(std::string_view s) {
  auto bad = [&](const char* why) {
    return Fail(ErrorCode::kParse, std::string("invalid RFC 3339 time '") +
                                       std::string(s.substr(0, 40)) + "': " + why);
  };
  // The fixed part YYYY-MM-DDTHH:MM:SS, checked eight bytes at a time (SWAR): this runs
  // once per chat message and per call record.
  if (s.size() < 19) return bad("expected YYYY-MM-DDTHH:MM:SS");
  uint64_t w[3];  // bytes 0-7, 8-15 and 16-18
  std::memcpy(&w[0], s.data(), 8);
  std::memcpy(&w[1], s.data() + 8, 8);
  // Bytes 16-18 as the top of one 8-byte load of bytes 11-18, shifted down: a 3-byte copy
  // into a zeroed word was stored in pieces and then read whole, which stalled store
  // forwarding (~40% of this function's samples).
  std::memcpy(&w[2], s.data() + 11, 8);
  w[2] >>= 40;
  // Per word, the bytes that must be digits (little-endian: byte i is bits 8i..8i+7) and the
  // separators: "YYYY-MM-", "DDTHH:MM" (T checked apart: t and space are allowed), ":SS".
  static constexpr uint64_t kDigitMask[3] = {0x00FFFF00FFFFFFFFull, 0xFFFF00FFFF00FFFFull,
                                             0x0000000000FFFF00ull};
  static constexpr uint64_t kSepMask[3] = {0xFF0000FF00000000ull, 0x0000FF0000000000ull,
                                           0x00000000000000FFull};
  static constexpr uint64_t kSep[3] = {0x2D00002D00000000ull, 0x00003A0000000000ull,
                                       0x000000000000003Aull};
  constexpr uint64_t kHigh = 0xF0F0F0F0F0F0F0F0ull, kThree = 0x3030303030303030ull;
  // Whether the bytes of word k under `keep` are as the format wants them. A digit byte is
  // 0x30-0x39: high nibble 3, and still 3 after adding 6 (no carry out of the low nibble).
  // A carry between bytes needs a byte >= 0xFA, which fails the first test.
  const auto word_ok = [&](int k, uint64_t keep) {
    const uint64_t m = kDigitMask[k] & keep & kHigh;
    const uint64_t sep = kSepMask[k] & keep;
    return ((w[k] & m) == (kThree & m)) & (((w[k] + 0x0606060606060606ull) & m) == (kThree & m)) &
           ((w[k] & sep) == (kSep[k] & sep));
  };
  auto digit = [&](int i) { return static_cast<int>((w[i >> 3] >> (8 * (i & 7))) & 0x0F); };
  auto two = [&](int i) { return digit(i) * 10 + digit(i + 1); };
  // Records arrive in time order: most share their hour, YYYY-MM-DDTHH (bytes 0-12), with
  // the record before, whose prefix was valid. Then only :MM:SS is checked here.
  struct Hour {
    uint64_t w0 = 0, w1 = 0;  // bytes 0-7 and 8-12 of a valid prefix (0: none yet)
    int64_t secs = 0;         // its start, in seconds since the epoch
  };
  thread_local Hour last_hour;
  constexpr uint64_t kHourBytes = 0x000000FFFFFFFFFFull;  // bytes 8-12 of word 1
  int64_t hour_secs;
  if (w[0] == last_hour.w0 && (w[1] & kHourBytes) == last_hour.w1) {
    if (!(word_ok(1, ~kHourBytes) & word_ok(2, ~uint64_t{0}))) {
      return bad("expected YYYY-MM-DDTHH:MM:SS");
    }
    hour_secs = last_hour.secs;
  } else {
    const bool fixed_ok = (s[10] == 'T' || s[10] == 't' || s[10] == ' ') &
                          word_ok(0, ~uint64_t{0}) & word_ok(1, ~uint64_t{0}) &
                          word_ok(2, ~uint64_t{0});
    if (!fixed_ok) return bad("expected YYYY-MM-DDTHH:MM:SS");
    const int year = two(0) * 100 + two(2);
    const int month = two(5), day = two(8), hour = two(11);
    static constexpr int kDaysIn[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12 || day < 1 || day > kDaysIn[month - 1] || hour > 23) {
      return bad("field out of range");
    }
    if (two(14) > 59 || two(17) > 60) return bad("field out of range");
    // The date rarely changes from one record to the next.
    thread_local int last_ymd = -1;
    thread_local int64_t last_days = 0;
    const int ymd = (year * 16 + month) * 32 + day;
    if (ymd != last_ymd) {
      last_days = DaysFromCivil(year, month, day);
      last_ymd = ymd;
    }
    hour_secs = last_days * 86400 + hour * 3600;
    last_hour = {w[0], w[1] & kHourBytes, hour_secs};
  }
  const int minute = two(14), second = two(17);
  if (minute > 59 || second > 60) return bad("field out of range");
  size_t pos = 19;
  int64_t millis = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int scale = 100;
    size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      millis += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return bad("empty fraction");
  }
  int64_t offset_min = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!Digits(s, pos + 1, 2, &oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !Digits(s, pos + 4, 2, &om) || oh > 23 || om > 59) {
      return bad("bad UTC offset");
    }
    offset_min = (s[pos] == '+' ? 1 : -1) * (oh * 60 + om);
    pos += 6;
  } else {
    return bad("missing time zone (Z or +hh:mm)");
  }
  if (pos != s.size()) return bad("trailing characters");
  const int64_t secs = hour_secs + minute * 60 + std::min(second, 59);
  return (secs - offset_min * 60) * 1000 + millis;
}

std::string FormatRfc3339(int64_t utc_ms) {
  int64_t secs = utc_ms >= 0 ? utc_ms / 1000 : (utc_ms - 999) / 1000;
  const int64_t ms = utc_ms - secs * 1000;
  int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  int64_t rem = secs - days * 86400;
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[96];  // room for any int64 fields: no truncation possible
  if (ms != 0) {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ",
                  static_cast<long long>(y), m, d, static_cast<long long>(rem / 3600),
                  static_cast<long long>(rem / 60 % 60), static_cast<long long>(rem % 60),
                  static_cast<long long>(ms));
  } else {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ",
                  static_cast<long long>(y), m, d, static_cast<long long>(rem / 3600),
                  static_cast<long long>(rem / 60 % 60), static_cast<long long>(rem % 60));
  }
  return buf;
}

// ---- Input ------------------------------------------------------------------------------

namespace {

uint64_t CountNewlines(std::string_view s) {
  uint64_t n = 0;
  size_t i = 0;
#ifdef __SSE2__
  // Per byte lane, minus the line ends seen (a compare gives -1 per match), summed across
  // lanes every 255 blocks before a lane can wrap: three instructions per 16 bytes.
  const __m128i nl = _mm_set1_epi8('\n');
  while (i + 16 <= s.size()) {
    const size_t blocks = std::min<size_t>(255, (s.size() - i) / 16);
    __m128i lanes = _mm_setzero_si128();
    for (size_t b = 0; b < blocks; ++b, i += 16) {
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
      lanes = _mm_sub_epi8(lanes, _mm_cmpeq_epi8(x, nl));
    }
    const __m128i sums = _mm_sad_epu8(lanes, _mm_setzero_si128());
    n += static_cast<uint64_t>(_mm_cvtsi128_si64(sums)) +
         static_cast<uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums)));
  }
#endif
  for (; i < s.size(); ++i) n += s[i] == '\n';
  return n;
}

// Mapped inputs, for MappedInputAt: slots are claimed under a mutex and read, lock-free,
// from a signal handler.
struct MappedInput {
  std::atomic<uintptr_t> begin{0}, end{0};
  std::atomic<const char*> name{nullptr};
};
constexpr size_t kMaxMappedInputs = 64;
MappedInput g_mapped[kMaxMappedInputs];
std::mutex g_mapped_mu;
std::atomic<bool> g_map_inputs{true};

// Maps `size` bytes of `fd` for reading; null when it cannot (the reader then reads).
std::shared_ptr<const char> MapInput(int fd, size_t size, const std::string& name) {
  MappedInput* slot = nullptr;
  {
    std::lock_guard lock(g_mapped_mu);
    for (MappedInput& m : g_mapped) {
      if (m.name.load() == nullptr) {
        slot = &m;
        slot->name.store(strdup(name.c_str()));
        break;
      }
    }
  }
  if (slot == nullptr) return nullptr;
  void* p = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (p == MAP_FAILED) {
    std::lock_guard lock(g_mapped_mu);
    std::free(const_cast<char*>(slot->name.exchange(nullptr)));
    return nullptr;
  }
  const auto begin = reinterpret_cast<uintptr_t>(p);
  slot->end.store(begin + size, std::memory_order_release);
  slot->begin.store(begin, std::memory_order_release);
  return std::shared_ptr<const char>(static_cast<const char*>(p), [slot, size](const char* q) {
    std::lock_guard lock(g_mapped_mu);
    slot->begin.store(0, std::memory_order_release);
    munmap(const_cast<char*>(q), size);
    std::free(const_cast<char*>(slot->name.exchange(nullptr)));
  });
}

}  // namespace

const char* MappedInputAt(const void* address) {
  const auto at = reinterpret_cast<uintptr_t>(address);
  for (const MappedInput& m : g_mapped) {
    const uintptr_t begin = m.begin.load(std::memory_order_acquire);
    if (begin != 0 && at >= begin && at < m.end.load(std::memory_order_acquire)) {
      return m.name.load(std::memory_order_acquire);
    }
  }
  return nullptr;
}

void LineChunkReader::SetMapping(bool enabled) { g_map_inputs.store(enabled); }

Result<std::unique_ptr<LineChunkReader>> LineChunkReader::Open(const std::string& path,
                                                               size_t target_chunk_bytes,
                                                               uint64_t map_min_bytes) {
  std::unique_ptr<LineChunkReader> r(new LineChunkReader());
  r->name_ = path == "-" ? "<stdin>" : path;
  r->target_ = target_chunk_bytes < 4096 ? 4096 : target_chunk_bytes;
  if (path == "-") {
    r->file_ = stdin;
  } else {
    r->file_ = std::fopen(path.c_str(), "rb");
    if (r->file_ == nullptr) {
      return Fail(errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                  std::string("cannot open: ") + std::strerror(errno), path);
    }
    r->owns_file_ = true;
    struct stat st;
    if (fstat(fileno(r->file_), &st) == 0 && S_ISREG(st.st_mode)) {
      r->size_hint_ = static_cast<uint64_t>(st.st_size);
      if (r->size_hint_ > 0 && r->size_hint_ >= map_min_bytes && g_map_inputs.load()) {
        r->map_ = MapInput(fileno(r->file_), static_cast<size_t>(r->size_hint_), r->name_);
      }
    }
  }
  return r;
}

std::shared_ptr<std::string> LineChunkReader::FreeBuffer(size_t bytes) {
  std::shared_ptr<std::string> storage;
  for (auto& b : buffers_) {
    if (b.use_count() == 1) {  // only this reader holds it: its chunk is done
      storage = b;
      break;
    }
  }
  if (storage == nullptr) {
    storage = std::make_shared<std::string>();
    if (buffers_.size() < 16) buffers_.push_back(storage);
  }
  // The buffer's size() stays at its high-water mark, so reusing it never zero-fills 4 MB
  // again; the chunk is a view of its first bytes.
  if (storage->size() < bytes + kChunkPadding) storage->resize(bytes + kChunkPadding);
  return storage;
}

Result<bool> LineChunkReader::NextMapped(Chunk* chunk) {
  const uint64_t size = size_hint_;
  if (map_pos_ >= size) return false;
  const char* base = map_.get();
  const char* begin = base + map_pos_;
  const size_t left = static_cast<size_t>(size - map_pos_);
  size_t len = left;
  if (left > target_) {  // up to the last line end within the target, else to the line's end
    if (const void* nl = memrchr(begin, '\n', target_); nl != nullptr) {
      len = static_cast<size_t>(static_cast<const char*>(nl) - begin) + 1;
    } else if (const void* far = std::memchr(begin + target_, '\n', left - target_)) {
      len = static_cast<size_t>(static_cast<const char*>(far) - begin) + 1;
    }
  }
  chunk->sequence = sequence_++;
  if (map_pos_ + len + kChunkPadding > size) {
    // The file ends within the padding: a copy, so that parsers may over-read.
    std::shared_ptr<std::string> buf = FreeBuffer(len);
    std::memcpy(buf->data(), begin, len);
    chunk->data = std::string_view(buf->data(), len);
    chunk->storage = std::move(buf);
  } else {
    chunk->data = std::string_view(begin, len);
    // When a chunk is done, the whole pages before its end leave the mapping (they stay in
    // the page cache): without that, every page of the file stays mapped, and counted in
    // RSS, to the end of the run. In steps of kMapReleaseBytes or more: each madvise
    // flushes the other cores' TLBs (an interrupt each), ~1.5% of a scan's samples when
    // every 1 MB chunk made one. A chunk still being read in the range (chunks finish out
    // of order) faults its pages in again from the page cache, unchanged: the mapping is
    // read-only.
    const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
    if (map_released_ == nullptr) {
      map_released_ =
          std::make_shared<std::atomic<uintptr_t>>(reinterpret_cast<uintptr_t>(base) & ~(page - 1));
    }
    chunk->storage = std::shared_ptr<const void>(
        begin, [map = map_, released = map_released_, page, len](const void* p) {
          const uintptr_t to = (reinterpret_cast<uintptr_t>(p) + len) & ~(page - 1);
          uintptr_t from = released->load();
          if (to >= from + kMapReleaseBytes && released->compare_exchange_strong(from, to)) {
            madvise(reinterpret_cast<void*>(from), to - from, MADV_DONTNEED);
          }
        });
  }
  NumberLines(chunk);
  map_pos_ += len;
  bytes_read_ += len;
  return true;
}

LineChunkReader::~LineChunkReader() {
  if (owns_file_ && file_ != nullptr) std::fclose(file_);
}

Result<bool> LineChunkReader::Next(Chunk* chunk) {
  if (map_ != nullptr) return NextMapped(chunk);
  if (eof_ && carry_.empty()) return false;
  std::shared_ptr<std::string> storage = FreeBuffer(std::max(target_, carry_.size()));
  // `used` is the logical length of the buffer.
  std::string& buf = *storage;
  size_t used = carry_.size();
  if (used > 0) std::memcpy(buf.data(), carry_.data(), used);
  carry_.clear();
  // Read until the buffer holds at least one line end past the target, or EOF.
  const char* last_newline = nullptr;
  for (;;) {
    if (!eof_ && used < target_) {
      const size_t got = std::fread(buf.data() + used, 1, target_ - used, file_);
      used += got;
      bytes_read_ += got;
      if (got == 0) {
        if (std::ferror(file_)) {
          return Fail(ErrorCode::kIo, std::string("read failed: ") + std::strerror(errno),
                      name_);
        }
        eof_ = true;
      }
      if (got > 0 && used < target_) continue;  // short read from a pipe: keep reading
    }
    last_newline = static_cast<const char*>(memrchr(buf.data(), '\n', used));
    if (last_newline != nullptr || eof_) break;
    // One line longer than the block: grow and keep reading.
    target_ = used * 2;
    buf.resize(target_ + kChunkPadding);
  }
  if (used == 0) return false;
  size_t keep = used;
  if (!eof_ && last_newline != nullptr) keep = static_cast<size_t>(last_newline - buf.data()) + 1;
  carry_.assign(buf.data() + keep, used - keep);
  chunk->sequence = sequence_++;
  chunk->data = std::string_view(buf.data(), keep);
  chunk->storage = std::move(storage);
  NumberLines(chunk);
  return true;
}

void LineChunkReader::DeferLineNumbers() {
  if (ledger_ == nullptr) ledger_ = std::make_shared<LineLedger>();
}

void LineChunkReader::NumberLines(Chunk* chunk) {
  chunk->lines = ledger_;
  if (ledger_ != nullptr) {
    chunk->first_line = 0;
    return;
  }
  chunk->first_line = next_line_;
  next_line_ += CountNewlines(chunk->data);
}

struct LineLedger::State {
  std::mutex mu;
  std::condition_variable resolved;
  std::vector<uint64_t> counts;       // per chunk, kUnknown until it reports
  std::vector<uint64_t> first = {1};  // first lines of chunks 0..first.size()-1
  static constexpr uint64_t kUnknown = ~uint64_t{0};
};

LineLedger::LineLedger() : state_(std::make_unique<State>()) {}
LineLedger::~LineLedger() = default;

void LineLedger::Report(uint64_t sequence, uint64_t lines) {
  State& s = *state_;
  std::lock_guard lock(s.mu);
  if (s.counts.size() <= sequence) s.counts.resize(sequence + 1, State::kUnknown);
  s.counts[sequence] = lines;
  const size_t before = s.first.size();
  while (s.first.size() <= s.counts.size() && s.counts[s.first.size() - 1] != State::kUnknown) {
    s.first.push_back(s.first.back() + s.counts[s.first.size() - 1]);
  }
  if (s.first.size() != before) s.resolved.notify_all();
}

void ChunkLines::Reject(uint64_t line_no, std::string_view field, std::string message,
                        bool repaired) {
  if (deferred()) {
    unnamed_.push_back({rejects_->size(), line_no, std::string(field)});
    rejects_->push_back({"", std::move(message), repaired});
    return;
  }
  rejects_->push_back({Where(file_, line_no, field), std::move(message), repaired});
}

void ChunkLines::Finish(uint64_t lines) {
  if (!deferred()) return;
  chunk_.lines->Report(chunk_.sequence, lines);
  if (unnamed_.empty()) return;
  const uint64_t first_line = chunk_.lines->FirstLine(chunk_.sequence);
  for (const Unnamed& u : unnamed_) {
    (*rejects_)[u.index].where = Where(file_, first_line + u.line - 1, u.field);
  }
  unnamed_.clear();
}

uint64_t LineLedger::FirstLine(uint64_t sequence) {
  State& s = *state_;
  std::unique_lock lock(s.mu);
  s.resolved.wait(lock, [&] { return s.first.size() > sequence; });
  return s.first[sequence];
}

struct ChunkReadAhead::State {
  LineChunkReader* reader;
  size_t depth;
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Chunk> ready;
  std::optional<Error> error;
  bool done = false, stop = false;
  std::thread thread;
};

ChunkReadAhead::ChunkReadAhead(LineChunkReader* reader, size_t depth)
    : state_(std::make_unique<State>()) {
  State& st = *state_;
  st.reader = reader;
  st.depth = std::max<size_t>(depth, 1);
  st.thread = std::thread([&st] {
    for (;;) {
      {
        std::unique_lock lock(st.mu);
        st.cv.wait(lock, [&] { return st.stop || st.ready.size() < st.depth; });
        if (st.stop) return;
      }
      Chunk chunk;
      Result<bool> more = st.reader->Next(&chunk);
      std::lock_guard lock(st.mu);
      if (!more) {
        st.error = more.error();
      } else if (*more) {
        st.ready.push_back(std::move(chunk));
      }
      if (!more || !*more) st.done = true;
      st.cv.notify_all();
      if (st.done) return;
    }
  });
}

ChunkReadAhead::~ChunkReadAhead() {
  {
    std::lock_guard lock(state_->mu);
    state_->stop = true;
  }
  state_->cv.notify_all();
  state_->thread.join();
}

Result<bool> ChunkReadAhead::Next(Chunk* chunk) {
  State& st = *state_;
  std::unique_lock lock(st.mu);
  st.cv.wait(lock, [&] { return !st.ready.empty() || st.done; });
  if (!st.ready.empty()) {
    *chunk = std::move(st.ready.front());
    st.ready.pop_front();
    st.cv.notify_all();
    return true;
  }
  if (st.error) return tl::unexpected(*st.error);
  return false;
}

Status ForEachTsvRow(std::string_view content, std::string_view file_name,
                     const std::vector<std::string_view>& header,
                     const std::function<Status(uint64_t line, const std::vector<std::string_view>&
                                                                   cols)>& on_row) {
  uint64_t line_no = 0;
  size_t pos = 0;
  bool header_seen = false;
  std::vector<std::string_view> cols;
  while (pos < content.size()) {
    size_t eol = content.find('\n', pos);
    if (eol == std::string_view::npos) eol = content.size();
    std::string_view line = content.substr(pos, eol - pos);
    pos = eol + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    cols.clear();
    for (size_t start = 0;;) {
      const size_t tab = line.find('\t', start);
      cols.push_back(line.substr(start, tab == std::string_view::npos ? tab : tab - start));
      if (tab == std::string_view::npos) break;
      start = tab + 1;
    }
    if (!header_seen) {
      if (cols != header) {
        std::string want;
        for (auto h : header) want += (want.empty() ? "" : "<TAB>") + std::string(h);
        return Fail(ErrorCode::kParse, "header must be: " + want, Where(file_name, line_no));
      }
      header_seen = true;
      continue;
    }
    if (auto st = on_row(line_no, cols); !st) return st;
  }
  if (!header_seen) {
    return Fail(ErrorCode::kParse, "empty file (no header)", Where(file_name, 0));
  }
  return {};
}

Result<std::string> ReadFile(const std::string& path) {
  auto reader = LineChunkReader::Open(path, 1 << 20);
  if (!reader) return tl::unexpected(reader.error());
  std::string out;
  Chunk chunk;
  for (;;) {
    auto more = (*reader)->Next(&chunk);
    if (!more) return tl::unexpected(more.error());
    if (!*more) break;
    out.append(chunk.data);
  }
  return out;
}

}  // namespace bantay
