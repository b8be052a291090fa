// core/core.h: errors as values, UTC time, and chunked line input shared by every module.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <utility>
#include <vector>

namespace bantay {

enum class ErrorCode {
  kInvalidArgument,  // a caller passed something unusable (bad option, bad config)
  kParse,            // input data is malformed; `where` names file:line:field
  kIo,               // the operating system refused a read or write
  kNotFound,         // a named file or item does not exist
  kInternal,         // a library failed in a way that should not happen
  kPermissionDenied, // the acting user's role may not do this (refusal already audited)
};

// An error travels as a value. `where` locates bad input as "file:line:field" (parts may
// be empty), so a person can go straight to it.
struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  std::string where;

  // "where: message", or just the message when `where` is empty.
  std::string ToString() const;
};

template <class T>
using Result = tl::expected<T, Error>;
using Status = tl::expected<void, Error>;

inline tl::unexpected<Error> Fail(ErrorCode code, std::string message, std::string where = {}) {
  return tl::unexpected<Error>(Error{code, std::move(message), std::move(where)});
}

// "file:line:field" with empty parts left out.
std::string Where(std::string_view file, uint64_t line, std::string_view field = {});

namespace internal {
// The first and the last sizeof(Word) bytes of the n at p (n >= sizeof(Word)), as two
// overlapping loads: together they cover every byte of a short string.
template <class Word>
std::pair<Word, Word> EndWords(const char* p, size_t n) {
  Word first, last;
  std::memcpy(&first, p, sizeof first);
  std::memcpy(&last, p + n - sizeof last, sizeof last);
  return {first, last};
}
// The n bytes at p and q (sizeof(Word) <= n <= 2 * sizeof(Word)) agree.
template <class Word>
bool SameEnds(const char* p, const char* q, size_t n) {
  const auto [x, u] = EndWords<Word>(p, n);
  const auto [y, v] = EndWords<Word>(q, n);
  return ((x ^ y) | (u ^ v)) == 0;
}
}  // namespace internal

// Whether `a` and `b` hold the same bytes. Inline for up to 16 bytes (two overlapping
// loads a side), for the short names, ids and words that per-message code compares, where
// a call to memcmp cost more than the comparison itself.
inline bool SameBytes(std::string_view a, std::string_view b) {
  const size_t n = a.size();
  if (n != b.size()) return false;
  const char* p = a.data();
  const char* q = b.data();
  if (n > 16) return std::memcmp(p, q, n) == 0;
  if (n >= 8) return internal::SameEnds<uint64_t>(p, q, n);
  if (n >= 4) return internal::SameEnds<uint32_t>(p, q, n);
  for (size_t i = 0; i < n; ++i) {
    if (p[i] != q[i]) return false;
  }
  return true;
}

// ---- Time -------------------------------------------------------------------------------
// Times are UTC milliseconds since the Unix epoch; kNoTime marks an absent time.
inline constexpr int64_t kNoTime = INT64_MIN;

// Parses RFC 3339 ("2026-03-01T10:00:00Z", fractional seconds and +hh:mm offsets allowed;
// the result is converted to UTC).
Result<int64_t> ParseRfc3339(std::string_view text);
// Formats as "2026-03-01T10:00:00Z" (milliseconds shown only when non-zero).
std::string FormatRfc3339(int64_t utc_ms);
// The proleptic Gregorian date of a day number (days since 1970-01-01), for writers that
// format times themselves on a hot path (the simulators cache it per day).
void CivilFromDays(int64_t days, int64_t* year, unsigned* month, unsigned* day);

// ---- Chunked line input -------------------------------------------------------------------
// A block of whole lines from one input. `data` holds the lines; the buffer behind it has at
// least kChunkPadding readable bytes past the end so that SIMD parsers may over-read.
inline constexpr size_t kChunkPadding = 64;
// Files at least this large are mapped rather than read (LineChunkReader).
inline constexpr uint64_t kMapMinBytes = uint64_t{64} << 20;
// Mapped input leaves the mapping in steps of at least this many bytes as it is read.
inline constexpr uint64_t kMapReleaseBytes = uint64_t{16} << 20;

// The line numbers of a reader's chunks when their parsers count the lines instead of the
// reader (LineChunkReader::DeferLineNumbers), which saves a pass over the input: each
// chunk's parser reports its chunk's line count once, and asks for the chunk's first line
// only when it needs it (to name a rejected line), after reporting. Thread-safe.
class LineLedger {
 public:
  LineLedger();
  ~LineLedger();
  LineLedger(const LineLedger&) = delete;
  LineLedger& operator=(const LineLedger&) = delete;
  // Chunk `sequence` holds `lines` lines (a last line without a line end counts).
  void Report(uint64_t sequence, uint64_t lines);
  // The 1-based number of chunk `sequence`'s first line; waits until every earlier chunk
  // has reported. REQUIRES: this chunk has reported, so that two parsers never wait for
  // each other, and every earlier chunk is being parsed or has been.
  uint64_t FirstLine(uint64_t sequence);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Starts loading the input two KB past `at`, a line parser's position in a chunk: the
// parser is the first to read the input, from memory, and the hardware's prefetcher stops
// at each 4 KB page (a third of the chat parser's samples were its first load of a line).
// Two cache lines: a record is ~100 bytes. A prefetch past the chunk's end cannot fault.
inline void PrefetchInputAhead(const char* at) {
  constexpr size_t kAhead = 2048;
  __builtin_prefetch(at + kAhead);
  __builtin_prefetch(at + kAhead + 64);
}

struct Chunk {
  uint64_t sequence = 0;      // 0, 1, 2, ... in input order
  uint64_t first_line = 1;    // 1-based number of the first line in `data`; 0 with `lines`
  std::string_view data;      // whole lines, each ending in '\n' except maybe the last
  std::shared_ptr<const void> storage;  // keeps the bytes behind `data` alive
  // Set when the reader defers line numbers: the chunk's parser must report its line count
  // here, and ask here for its first line.
  std::shared_ptr<LineLedger> lines;
};

// Reads a file, or stdin for "-", in large blocks cut at line ends. Lines longer than the
// block size are read whole (the block grows), so every chunk holds only whole lines.
// A regular file of kMapMinBytes or more is mapped instead of read (no copy out of the page
// cache); each chunk's pages leave the process's mapping when its storage is released, and
// a chunk that ends within kChunkPadding of the file's end, which has too few file bytes
// after it to over-read, is copied into a padded buffer. Not thread-safe; one reader per
// input.
class LineChunkReader {
 public:
  // Whether regular files of `map_min_bytes` or more are mapped (the default) or read, for
  // every reader opened after the call (the CLI: BANTAY_NO_MMAP=1).
  static void SetMapping(bool enabled);
  // `map_min_bytes`: regular files at least this large are mapped (tests set it).
  static Result<std::unique_ptr<LineChunkReader>> Open(const std::string& path,
                                                       size_t target_chunk_bytes = 4 << 20,
                                                       uint64_t map_min_bytes = kMapMinBytes);
  ~LineChunkReader();
  LineChunkReader(const LineChunkReader&) = delete;
  LineChunkReader& operator=(const LineChunkReader&) = delete;

  // Leaves line numbers to the chunks' parsers (Chunk::lines) from the next chunk on,
  // instead of counting each chunk's line ends: for callers whose parsers all report.
  void DeferLineNumbers();
  // Fills `chunk` with the next lines. Returns false at end of input.
  Result<bool> Next(Chunk* chunk);
  // Total bytes read so far and the size of the input when known (0 for pipes).
  uint64_t bytes_read() const { return bytes_read_; }
  uint64_t size_hint() const { return size_hint_; }
  const std::string& name() const { return name_; }

 private:
  LineChunkReader() = default;
  // Mapped input (regular files of kMapMinBytes or more; BANTAY_NO_MMAP=1 turns it off).
  Result<bool> NextMapped(Chunk* chunk);
  // Sets the chunk's first line and counts its lines, or hands it the ledger.
  void NumberLines(Chunk* chunk);
  // A buffer of at least `bytes` + kChunkPadding that no chunk holds any more.
  std::shared_ptr<std::string> FreeBuffer(size_t bytes);
  std::shared_ptr<const char> map_;
  uint64_t map_pos_ = 0;
  // The mapping's pages below this address have left it (NextMapped).
  std::shared_ptr<std::atomic<uintptr_t>> map_released_;
  std::string name_;
  std::FILE* file_ = nullptr;
  bool owns_file_ = false;
  size_t target_ = 0;
  std::string carry_;  // partial line left over from the previous read
  // Buffers handed out in chunks; one no longer used elsewhere is refilled instead of
  // allocating (fresh pages cost the kernel a page clear each: ~15% of a scan).
  std::vector<std::shared_ptr<std::string>> buffers_;
  bool eof_ = false;
  uint64_t sequence_ = 0;
  uint64_t next_line_ = 1;
  std::shared_ptr<LineLedger> ledger_;  // set by DeferLineNumbers
  uint64_t bytes_read_ = 0;
  uint64_t size_hint_ = 0;
};

// The name of the mapped input file (LineChunkReader) whose mapping holds `address`, null
// when none does. Async-signal-safe: a file truncated while mapped, or a page the disk
// fails to read, raises SIGBUS on access, and the CLI's handler names the file with this.
const char* MappedInputAt(const void* address);

// Calls a LineChunkReader's Next on a thread of its own, up to `depth` chunks ahead, so that
// the thread that consumes the chunks does not also count their line ends or copy them
// (bantay meta: the thread that admits calls bounds reading). Not thread-safe; one
// consumer. The reader must outlive this.
class ChunkReadAhead {
 public:
  ChunkReadAhead(LineChunkReader* reader, size_t depth);
  ~ChunkReadAhead();  // stops the thread (chunks not taken are dropped)
  ChunkReadAhead(const ChunkReadAhead&) = delete;
  ChunkReadAhead& operator=(const ChunkReadAhead&) = delete;
  // As LineChunkReader::Next, in the same order.
  Result<bool> Next(Chunk* chunk);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Reads a whole file (or stdin for "-") into memory.
Result<std::string> ReadFile(const std::string& path);

// ---- Ordered parallel map --------------------------------------------------------------
// Runs `work` on items from `produce` on `threads` workers and hands results to `consume`
// in production order on the calling thread. `produce` returns false when done (or on error,
// which it reports itself). At most 2 * threads items are in flight, bounding memory.
template <class In, class Out>
void OrderedParallelMap(int threads, const std::function<bool(In*)>& produce,
                        const std::function<void(In&, Out*)>& work,
                        const std::function<void(In&, Out&)>& consume);

// ---- Tab-separated data files ------------------------------------------------------------
// Calls `on_row` for each data row of a TSV text whose first non-comment line must be
// exactly `header`. Blank lines and lines starting with '#' are skipped; a trailing '\r' is
// dropped. The first error (a wrong header, or one returned by `on_row`) ends the walk.
// Used for lexicons and weight files, which people edit by hand.
Status ForEachTsvRow(std::string_view content, std::string_view file_name,
                     const std::vector<std::string_view>& header,
                     const std::function<Status(uint64_t line, const std::vector<std::string_view>&
                                                                   cols)>& on_row);

// ---- Rejected input ---------------------------------------------------------------------
// A rejected or repaired input record: where (file:line:field) and why. Readers report
// every one; nothing is silently dropped.
struct Rejection {
  std::string where;
  std::string message;
  bool repaired = false;  // the record was kept after repair (counted, not dropped)
};

// The line numbers a chunk's parser gives its lines, and its rejections named by them,
// whether the reader counted the chunk's lines (Chunk::first_line) or left them to the
// parser (Chunk::lines, LineChunkReader::DeferLineNumbers). With deferred numbers the
// parser counts from 1 within the chunk, Reject keeps what it cannot name yet, and Finish
// reports the chunk's line count to the ledger and then names those rejections (waiting for
// the chunks before it, as LineLedger::FirstLine says).
class ChunkLines {
 public:
  ChunkLines(const Chunk& chunk, std::string_view file, std::vector<Rejection>* rejects)
      : chunk_(chunk), file_(file), rejects_(rejects) {}
  ChunkLines(const ChunkLines&) = delete;
  ChunkLines& operator=(const ChunkLines&) = delete;
  bool deferred() const { return chunk_.lines != nullptr; }
  // The number the parser gives the chunk's first line: the input's, or 1 when deferred.
  uint64_t first() const { return deferred() ? 1 : chunk_.first_line; }
  // Whether the chunk begins with the input's first line.
  bool at_input_start() const { return deferred() ? chunk_.sequence == 0 : chunk_.first_line == 1; }
  // Adds the rejection of line `line_no` (numbered from first()), named now or by Finish.
  void Reject(uint64_t line_no, std::string_view field, std::string message, bool repaired = false);
  // The parser is done with the chunk's `lines` lines (a last line without a line end
  // counts). REQUIRES: called once, after the last Reject.
  void Finish(uint64_t lines);

 private:
  const Chunk& chunk_;
  std::string_view file_;
  std::vector<Rejection>* rejects_;
  struct Unnamed {
    size_t index;  // into *rejects_
    uint64_t line;
    std::string field;
  };
  std::vector<Unnamed> unnamed_;
};

// ---- Embedded data ------------------------------------------------------------------------
// Data files built into the binary (data/lexicons/*.tsv, data/scoring/*.tsv) as
// {path relative to the source root, content}, in path order.
const std::vector<std::pair<std::string_view, std::string_view>>& EmbeddedFiles();

}  // namespace bantay

#include "core/parallel_impl.h"
