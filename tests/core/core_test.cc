// Tests for core: time parsing and formatting, chunked line input, ordered parallel map.
#include "core/core.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <thread>

namespace bantay {
namespace {

TEST(Time, ParsesRfc3339VariantsToUtc) {
  EXPECT_EQ(*ParseRfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*ParseRfc3339("2026-03-01T10:00:00Z"), 1772359200000);
  EXPECT_EQ(*ParseRfc3339("2026-03-01T18:00:00+08:00"), 1772359200000);
  EXPECT_EQ(*ParseRfc3339("2026-03-01T10:00:00.250Z"), 1772359200250);
  EXPECT_EQ(FormatRfc3339(1772359200000), "2026-03-01T10:00:00Z");
  EXPECT_EQ(FormatRfc3339(1772359200250), "2026-03-01T10:00:00.250Z");
}

TEST(Time, RejectsMalformedTimes) {
  for (const char* bad : {"", "2026-03-01", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
                          "2026-03-01T10:00:00", "2026-03-01T25:00:00Z", "yesterday",
                          "2026-03-01T10:00:00Zjunk"}) {
    EXPECT_FALSE(ParseRfc3339(bad)) << bad;
  }
}

// Every byte value at every position of the fixed part YYYY-MM-DDTHH:MM:SS: accepted exactly
// when a plain per-character reading accepts it, with the same value (the parser checks
// eight bytes at a time).
TEST(Time, FixedPartAcceptsExactlyDigitsAndSeparators) {
  const std::string base = "2024-11-28T19:47:36Z";
  auto reference = [](const std::string& s) -> std::optional<int64_t> {
    for (int i = 0; i < 19; ++i) {
      const char c = s[i];
      const bool sep = i == 4 || i == 7 || i == 10 || i == 13 || i == 16;
      if (!sep && !(c >= '0' && c <= '9')) return std::nullopt;
    }
    if (s[4] != '-' || s[7] != '-' || s[13] != ':' || s[16] != ':') return std::nullopt;
    if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return std::nullopt;
    const int year = std::stoi(s.substr(0, 4)), month = std::stoi(s.substr(5, 2));
    const int day = std::stoi(s.substr(8, 2)), hour = std::stoi(s.substr(11, 2));
    const int minute = std::stoi(s.substr(14, 2)), second = std::stoi(s.substr(17, 2));
    static constexpr int kDaysIn[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12 || day < 1 || day > kDaysIn[month - 1] || hour > 23 ||
        minute > 59 || second > 60) {
      return std::nullopt;
    }
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = std::min(second, 59);
    return static_cast<int64_t>(timegm(&tm)) * 1000;
  };
  int accepted = 0;
  for (int pos = 0; pos < 19; ++pos) {
    for (int b = 0; b < 256; ++b) {
      std::string s = base;
      s[pos] = static_cast<char>(b);
      const auto want = reference(s);
      const auto got = ParseRfc3339(s);
      ASSERT_EQ(got.has_value(), want.has_value()) << "position " << pos << " byte " << b;
      if (want) {
        EXPECT_EQ(*got, *want) << s;
        ++accepted;
      }
    }
  }
  EXPECT_GT(accepted, 19 * 3);  // the test really ran valid variants too
}

// A time in the same hour as the one before takes a shorter path (only :MM:SS and the rest
// are read); it must give what the full parse gives: the same value, or the same error, for
// valid and broken minutes, seconds, fractions, zones and trailing bytes.
TEST(Time, SameHourAsBeforeParsesAsTheFullPath) {
  const std::string hours[] = {"2026-03-01T10", "2026-03-01t10", "2026-03-01 23",
                               "2024-02-29T00", "1999-12-31T23"};
  const std::string fields[] = {":00", ":59", ":60", ":61", ":7", ":a0", "-00", ":0:", ":05"};
  const std::string fractions[] = {"", "", ".250", ".5", "."};
  const std::string zones[] = {"Z", "z", "+08:00", "-05:30", "+24:00", "", "x"};
  const std::string trailers[] = {"", "", "", "x", "0"};
  std::mt19937 rng(3339);
  int valid = 0;
  for (int round = 0; round < 50000; ++round) {
    const std::string& hour = hours[rng() % std::size(hours)];
    const std::string s = hour + fields[rng() % std::size(fields)] +
                          fields[rng() % std::size(fields)] +
                          fractions[rng() % std::size(fractions)] +
                          zones[rng() % std::size(zones)] + trailers[rng() % std::size(trailers)];
    ASSERT_TRUE(ParseRfc3339(hour + ":30:00Z"));  // the same hour, parsed before
    const auto same_hour = ParseRfc3339(s);
    ASSERT_TRUE(ParseRfc3339("1970-01-01T00:00:00Z"));  // another hour before
    const auto full = ParseRfc3339(s);
    ASSERT_EQ(same_hour.has_value(), full.has_value()) << s;
    if (full) {
      EXPECT_EQ(*same_hour, *full) << s;
      ++valid;
    } else {
      EXPECT_EQ(same_hour.error().message, full.error().message) << s;
    }
  }
  EXPECT_GT(valid, 1000);  // valid times were compared too
}

class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    path_ = std::filesystem::temp_directory_path() /
            ("bantay_core_test_" + std::to_string(::getpid()) + "_" + std::to_string(n_++));
    std::ofstream(path_, std::ios::binary) << content;
  }
  ~TempFile() { std::filesystem::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
  static inline int n_ = 0;
};

// Mapped input for every file, and for none.
constexpr uint64_t kAlwaysMap = 0, kNeverMap = UINT64_MAX;

// Calls `fn(chunk)` for each chunk that `next` (a reader's or a read-ahead's Next) gives, to
// the end; each must succeed.
template <class NextFn, class Fn>
void ForEachChunk(const NextFn& next, const Fn& fn) {
  Chunk c;
  for (;;) {
    auto more = next(&c);
    ASSERT_TRUE(more);
    if (!*more) return;
    fn(c);
  }
}

// The chunks that `next` gives, to the end, checking that each chunk's first line number
// follows the line ends before it.
template <class NextFn>
std::vector<std::string> ChunksCheckingLines(const NextFn& next) {
  std::vector<std::string> out;
  uint64_t expected_line = 1;
  ForEachChunk(next, [&](const Chunk& c) {
    EXPECT_EQ(c.first_line, expected_line);
    expected_line += static_cast<uint64_t>(std::count(c.data.begin(), c.data.end(), '\n'));
    out.emplace_back(c.data);
  });
  return out;
}

// Reads `content` back in chunks of about `target` bytes (ChunksCheckingLines).
std::vector<std::string> ReadChunksCheckingLines(const std::string& content,
                                                 uint64_t map_min = kNeverMap,
                                                 size_t target = 4096) {
  TempFile f(content);
  auto r = LineChunkReader::Open(f.path(), target, map_min);
  EXPECT_TRUE(r);
  if (!r) return {};
  return ChunksCheckingLines([&](Chunk* c) { return (*r)->Next(c); });
}

// Line numbers come from counting line ends 16 bytes at a time in lanes summed every 255
// blocks: dense runs of empty lines (more than 255 line ends per lane), lines of every
// length around the block edges and long lines must all count right.
TEST(LineChunkReader, NumbersLinesInDenseAndSparseRuns) {
  std::string content;
  for (int i = 0; i < 9000; ++i) content += "\n";  // empty lines: a line end per byte
  for (int len = 0; len < 70; ++len) content += std::string(len, 'x') + "\n";
  content += std::string(5000, 'y') + "\n";
  for (int i = 0; i < 3000; ++i) content += "ab\n";
  for (uint64_t map_min : {kNeverMap, kAlwaysMap}) {
    const std::vector<std::string> chunks = ReadChunksCheckingLines(content, map_min);
    EXPECT_GT(chunks.size(), 3u);
    uint64_t lines = 0;
    for (const std::string& c : chunks) lines += std::count(c.begin(), c.end(), '\n');
    EXPECT_EQ(lines, 9000u + 70 + 1 + 3000) << map_min;
  }
}

TEST(LineChunkReader, CutsAtLineEndsAndNumbersLines) {
  std::string content;
  for (int i = 1; i <= 5000; ++i) content += "line " + std::to_string(i) + "\n";
  content += "last line without newline";
  for (uint64_t map_min : {kNeverMap, kAlwaysMap}) {
    const std::vector<std::string> chunks = ReadChunksCheckingLines(content, map_min);
    std::string joined;
    for (const std::string& c : chunks) {
      EXPECT_TRUE(c.back() == '\n' || c.back() == 'e');
      joined += c;
    }
    EXPECT_GT(chunks.size(), 5u);
    EXPECT_EQ(joined, content) << map_min;
  }
}

TEST(LineChunkReader, ReadsALineLongerThanTheBlock) {
  const std::string longline(100000, 'x');
  TempFile f("a\n" + longline + "\nb\n");
  for (uint64_t map_min : {kNeverMap, kAlwaysMap}) {
    auto r = LineChunkReader::Open(f.path(), 4096, map_min);
    ASSERT_TRUE(r);
    std::string joined;
    ForEachChunk([&](Chunk* c) { return (*r)->Next(c); },
                 [&](const Chunk& c) { joined.append(c.data); });
    EXPECT_EQ(joined, "a\n" + longline + "\nb\n") << map_min;
  }
}

// A mapped file is cut into whole lines with the right line numbers (ReadChunksCheckingLines),
// each chunk at most the block size unless it is one longer line, and, while no line is
// longer than the block (a read grows its block for good after one), into the same chunks
// as a read file: lines of random lengths, empty ones, with and without a last line end,
// at several block sizes.
TEST(LineChunkReader, MappedInputGivesTheChunksOfReadInput) {
  std::mt19937 rng(20261207);
  for (int trial = 0; trial < 60; ++trial) {
    const bool long_lines = trial % 2 == 1;
    std::string content;
    const int lines = std::uniform_int_distribution<int>(0, 400)(rng);
    for (int i = 0; i < lines; ++i) {
      const int len = long_lines && rng() % 10 == 0
                          ? std::uniform_int_distribution<int>(0, 20000)(rng)
                          : std::uniform_int_distribution<int>(0, 120)(rng);
      content += std::string(static_cast<size_t>(len), static_cast<char>('a' + i % 26)) + "\n";
    }
    if (trial % 3 == 0) content += "no line end";
    const size_t target = 4096 << (trial % 3);
    SCOPED_TRACE("trial " + std::to_string(trial) + ", " + std::to_string(content.size()) +
                 " bytes");
    const auto mapped = ReadChunksCheckingLines(content, kAlwaysMap, target);
    std::string joined;
    for (size_t i = 0; i < mapped.size(); ++i) {
      joined += mapped[i];
      if (i + 1 < mapped.size()) {
        EXPECT_EQ(mapped[i].back(), '\n');
      }
      if (mapped[i].size() > target) {  // one line, longer than the block
        EXPECT_EQ(std::count(mapped[i].begin(), mapped[i].end(), '\n'), 1);
      }
    }
    EXPECT_EQ(joined, content);
    if (!long_lines) {
      EXPECT_EQ(mapped, ReadChunksCheckingLines(content, kNeverMap, target));
    }
  }
}

// Where this process maps `path` (from /proc/self/maps): [first, last) of its first mapping.
std::pair<uintptr_t, uintptr_t> MappingOf(const std::string& path) {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    if (line.size() < path.size() ||
        line.compare(line.size() - path.size(), path.size(), path) != 0) {
      continue;
    }
    const size_t dash = line.find('-');
    return {std::stoull(line.substr(0, dash), nullptr, 16),
            std::stoull(line.substr(dash + 1), nullptr, 16)};
  }
  return {0, 0};
}

// Parsers over-read up to kChunkPadding bytes past a chunk: a chunk that lies in the mapping
// must end at least that far before the file does (a mapping may have nothing readable
// past its last page), and those that cannot, the last one at least, are copies; whatever
// the file's size against the page size.
TEST(LineChunkReader, MappedChunksCanBeOverReadByThePadding) {
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  for (size_t size : {page, 2 * page, 3 * page, 2 * page + 100, 2 * page - 30}) {
    std::string content;
    while (content.size() < size) content += "0123456789abcdef\n";
    content.resize(size - 1);
    content += "\n";
    TempFile f(content);
    auto r = LineChunkReader::Open(f.path(), 4096, kAlwaysMap);
    ASSERT_TRUE(r);
    const std::pair<uintptr_t, uintptr_t> mapping = MappingOf(f.path());
    const uintptr_t first = mapping.first, last = mapping.second;  // captured below
    ASSERT_NE(first, 0u) << "not mapped";
    std::string joined;
    int copies = 0;
    ForEachChunk([&](Chunk* c) { return (*r)->Next(c); },
                 [&](const Chunk& c) {
                   const auto at = reinterpret_cast<uintptr_t>(c.data.data());
                   if (at >= first && at < last) {
                     EXPECT_LE(at + c.data.size() + kChunkPadding, first + content.size()) << size;
                   } else {
                     ++copies;
                   }
                   joined.append(c.data);
                 });
    // The last chunk, and one before it that ends within the padding of the file's end.
    EXPECT_GE(copies, 1) << size;
    EXPECT_LE(copies, 2) << size;
    EXPECT_EQ(joined, content);
  }
}

// MappedInputAt names the file whose mapping holds an address (what the CLI's SIGBUS
// handler prints), for as long as a chunk of it lives; nothing else; and SetMapping(false)
// makes readers read.
TEST(LineChunkReader, MappedInputAtNamesTheFileOfAnAddressInItsMapping) {
  std::string content;
  while (content.size() < (size_t{64} << 10)) content += "a line of some thirty bytes..\n";
  TempFile f(content);
  const int local = 0;
  const char* first_byte = nullptr;
  {
    auto r = LineChunkReader::Open(f.path(), 4096, kAlwaysMap);
    ASSERT_TRUE(r);
    Chunk c;
    ASSERT_TRUE((*r)->Next(&c));
    first_byte = c.data.data();
    ASSERT_NE(MappedInputAt(first_byte), nullptr);
    EXPECT_EQ(std::string(MappedInputAt(first_byte)), f.path());
    EXPECT_EQ(std::string(MappedInputAt(first_byte + 5000)), f.path());  // not yet a chunk
    EXPECT_EQ(MappedInputAt(&local), nullptr);
    r->reset();  // the reader goes first; the chunk keeps the mapping
    EXPECT_EQ(std::string(MappedInputAt(first_byte)), f.path());
  }
  EXPECT_EQ(MappedInputAt(first_byte), nullptr);  // unmapped with its last chunk

  LineChunkReader::SetMapping(false);
  auto r = LineChunkReader::Open(f.path(), 4096, kAlwaysMap);
  LineChunkReader::SetMapping(true);
  ASSERT_TRUE(r);
  std::string joined;
  ForEachChunk([&](Chunk* c) { return (*r)->Next(c); },
               [&](const Chunk& c) {
                 EXPECT_EQ(MappedInputAt(c.data.data()), nullptr);
                 joined.append(c.data);
               });
  EXPECT_EQ(joined, content);
}

// The resident size, in KiB, of this process's mappings of `path` (from /proc/self/smaps).
uint64_t MappedRssKb(const std::string& path) {
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  bool in = false;
  uint64_t kb = 0;
  while (std::getline(smaps, line)) {
    if (!line.empty() && std::isxdigit(static_cast<unsigned char>(line[0])) &&
        line.find('-') < line.find(' ')) {
      in = line.size() >= path.size() &&
           line.compare(line.size() - path.size(), path.size(), path) == 0;
    } else if (in && line.rfind("Rss:", 0) == 0) {
      kb += std::stoull(line.substr(4));
    }
  }
  return kb;
}

// Released chunks' pages leave the mapping (they would otherwise all count in the
// process's RSS until the end of the run, 1.1 GB for the bench's file), in steps of
// kMapReleaseBytes; a chunk still held in a released range reads the same bytes again.
TEST(LineChunkReader, ReleasedMappedChunksLeaveTheMapping) {
  std::string content;
  while (content.size() < 2 * kMapReleaseBytes + (size_t{1} << 20)) {
    content += "a line of some thirty bytes " + std::to_string(content.size() % 10) + "\n";
  }
  TempFile f(content);
  auto r = LineChunkReader::Open(f.path(), 1 << 20, kAlwaysMap);
  ASSERT_TRUE(r);
  std::vector<Chunk> held;
  uint64_t sum = 0;
  ForEachChunk([&](Chunk* c) { return (*r)->Next(c); },
               [&](const Chunk& c) {
                 for (size_t i = 0; i < c.data.size(); i += 512) {
                   sum += static_cast<unsigned char>(c.data[i]);  // every page
                 }
                 held.push_back(c);
               });
  EXPECT_GT(sum, 0u);
  const uint64_t before = MappedRssKb(f.path());
  EXPECT_GT(before, 30000u);  // most of the 33 MiB
  const Chunk first = held.front();
  held.clear();
  const uint64_t after = MappedRssKb(f.path());
  EXPECT_LT(after * 8, before) << before << " KiB -> " << after << " KiB";
  EXPECT_EQ(first.data, std::string_view(content).substr(0, first.data.size()));
}

// Read ahead on a thread of its own, the chunks come in the reader's order with its line
// numbers, mapped or read, whatever the depth; dropped before the end, it stops.
TEST(ChunkReadAhead, GivesTheReadersChunksInOrder) {
  std::string content;
  for (int i = 1; i <= 20000; ++i) content += "line " + std::to_string(i) + "\n";
  const std::vector<std::string> direct = ReadChunksCheckingLines(content);
  ASSERT_GT(direct.size(), 20u);
  TempFile f(content);
  for (uint64_t map_min : {kNeverMap, kAlwaysMap}) {
    for (size_t depth : {1, 3}) {
      auto r = LineChunkReader::Open(f.path(), 4096, map_min);
      ASSERT_TRUE(r);
      ChunkReadAhead ahead(r->get(), depth);
      EXPECT_EQ(ChunksCheckingLines([&](Chunk* c) { return ahead.Next(c); }), direct)
          << map_min << " " << depth;
      Chunk c;
      auto again = ahead.Next(&c);  // the end stays the end
      ASSERT_TRUE(again);
      EXPECT_FALSE(*again);
    }
    auto r = LineChunkReader::Open(f.path(), 4096, map_min);
    ASSERT_TRUE(r);
    {
      ChunkReadAhead ahead(r->get(), 2);
      Chunk c;
      ASSERT_TRUE(ahead.Next(&c));
      EXPECT_EQ(std::string(c.data), direct[0]);
    }  // dropped with chunks still to read: returns
  }
}

// Chunks report their line counts in any order; a chunk's first line is known once every
// earlier chunk has reported, and a thread that asks sooner waits for them.
TEST(LineLedger, GivesFirstLinesOnceEveryEarlierChunkHasReported) {
  LineLedger ledger;
  ledger.Report(2, 7);
  ledger.Report(0, 10);
  EXPECT_EQ(ledger.FirstLine(0), 1u);
  std::atomic<uint64_t> third{0};
  std::thread waiter([&] { third = ledger.FirstLine(2); });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(third.load(), 0u);  // chunk 1 has not reported
  ledger.Report(1, 0);          // an empty chunk
  waiter.join();
  EXPECT_EQ(third.load(), 11u);
  EXPECT_EQ(ledger.FirstLine(1), 11u);
  ledger.Report(3, 1);
  EXPECT_EQ(ledger.FirstLine(3), 18u);
}

// A reader that defers line numbers hands every chunk the same ledger and no first line,
// mapped or read; counting each chunk's lines into the ledger gives the first lines the
// reader would have given.
TEST(LineChunkReader, DeferredLineNumbersComeFromTheLedger) {
  std::string content;
  for (int i = 1; i <= 3000; ++i) content += std::string(static_cast<size_t>(i % 50), 'x') + "\n";
  content += "last";
  TempFile f(content);
  for (uint64_t map_min : {kNeverMap, kAlwaysMap}) {
    auto counted = LineChunkReader::Open(f.path(), 4096, map_min);
    auto deferred = LineChunkReader::Open(f.path(), 4096, map_min);
    ASSERT_TRUE(counted && deferred);
    (*deferred)->DeferLineNumbers();
    std::vector<uint64_t> want;
    ForEachChunk([&](Chunk* c) { return (*counted)->Next(c); },
                 [&](const Chunk& c) {
                   EXPECT_EQ(c.lines, nullptr);
                   want.push_back(c.first_line);
                 });
    std::vector<Chunk> chunks;
    ForEachChunk([&](Chunk* c) { return (*deferred)->Next(c); },
                 [&](const Chunk& c) { chunks.push_back(c); });
    ASSERT_EQ(chunks.size(), want.size());
    ASSERT_GT(chunks.size(), 5u);
    for (size_t i = chunks.size(); i-- > 0;) {  // reported last to first
      const Chunk& c = chunks[i];
      EXPECT_EQ(c.first_line, 0u);
      ASSERT_NE(c.lines, nullptr);
      EXPECT_EQ(c.lines, chunks[0].lines);
      c.lines->Report(c.sequence,
                      static_cast<uint64_t>(std::count(c.data.begin(), c.data.end(), '\n')));
    }
    for (size_t i = 0; i < chunks.size(); ++i) {
      EXPECT_EQ(chunks[i].lines->FirstLine(chunks[i].sequence), want[i]) << i << " " << map_min;
    }
  }
}

TEST(LineChunkReader, MissingFileIsNotFound) {
  auto r = LineChunkReader::Open("/nonexistent/file.jsonl");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(r.error().where, "/nonexistent/file.jsonl");
}

TEST(OrderedParallelMap, DeliversResultsInProductionOrder) {
  for (int threads : {1, 2, 4}) {
    int next = 0;
    std::vector<int> got;
    OrderedParallelMap<int, long>(
        threads, [&](int* in) { return next < 1000 ? (*in = next++, true) : false; },
        [](int& in, long* out) { *out = static_cast<long>(in) * in; },
        [&](int& in, long& out) {
          EXPECT_EQ(out, static_cast<long>(in) * in);
          got.push_back(in);
        });
    ASSERT_EQ(got.size(), 1000u);
    for (int i = 0; i < 1000; ++i) EXPECT_EQ(got[i], i);
  }
}

// SameBytes reads short strings in overlapping words: every length around the word sizes,
// equal, and differing at each position (first, last, the overlap) or in length.
TEST(SameBytes, AgreesWithStringEqualityAtEveryLengthAndPosition) {
  for (size_t n = 0; n <= 40; ++n) {
    std::string a(n, 'a');
    for (size_t i = 0; i < n; ++i) a[i] = static_cast<char>('a' + (i * 7) % 26);
    const std::string b = a;
    EXPECT_TRUE(SameBytes(a, b)) << n;
    EXPECT_FALSE(SameBytes(a, b + "x")) << n;
    for (size_t i = 0; i < n; ++i) {
      std::string c = a;
      c[i] = static_cast<char>(c[i] ^ 0x20);
      EXPECT_FALSE(SameBytes(a, c)) << n << " at " << i;
    }
  }
  const std::string text = "author42 author43";  // views into one buffer, as the parsers use
  EXPECT_FALSE(SameBytes(std::string_view(text).substr(0, 8), std::string_view(text).substr(9)));
  EXPECT_TRUE(SameBytes(std::string_view(text).substr(0, 6), std::string_view(text).substr(9, 6)));
}

TEST(Error, ToStringNamesWhere) {
  Error e{ErrorCode::kParse, "bad field", Where("a.jsonl", 7, "text")};
  EXPECT_EQ(e.ToString(), "a.jsonl:7:text: bad field");
}

}  // namespace
}  // namespace bantay
