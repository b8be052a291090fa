// cli/scan_cmd.cc: `bantay scan`: scores chat conversations and prints scan output JSONL.
#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>
#include <absl/hash/hash.h>
#include <absl/strings/string_view.h>
#include <fmt/core.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>

#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/scan_job.h"
#include "core/utf8.h"
#include "text/text.h"

namespace bantay::cli {

namespace {

using text::ConversationScore;
using text::Message;
using text::Scanner;

// Memory for packed conversations, which stay until the end of the scan: blocks of 4 MiB,
// filled one record after another. One exactly-sized block per chunk (~600 KB) took a slot
// of 1 MiB (the allocator rounds a large block up to 512 KiB), and the huge-page arena backed
// the unused rest of each slot too: 40% of the states' memory (peak RSS 420 -> ~300 MB).
// Not thread-safe; a worker owns one.
class PackArena {
 public:
  // Room for `n` contiguous bytes, valid until the arena is destroyed.
  char* Allocate(size_t n) {
    if (n > left_) {
      const size_t size = std::max(n, kBlockBytes);
      next_ = blocks_.emplace_back(new char[size]).get();
      left_ = size;
    }
    char* out = next_;
    next_ += n;
    left_ -= n;
    return out;
  }
  // Returns the last `n` bytes of the latest Allocate.
  void GiveBack(size_t n) {
    next_ -= n;
    left_ += n;
  }

 private:
  static constexpr size_t kBlockBytes = size_t{4} << 20;
  std::vector<std::unique_ptr<char[]>> blocks_;
  char* next_ = nullptr;
  size_t left_ = 0;
};

// A chunk's conversations, packed once the chunk is analysed: per conversation, in order
// of first appearance, the id's length and the frozen state's size (uint32 each), the id,
// then the state (Scanner::Freeze). The records lie one after another in runs (a run ends
// where an arena block does).
struct PackedChunk {
  std::vector<std::string_view> runs;
  size_t conversations = 0;
};

// A packed conversation as read back.
struct PackedRecord {
  std::string_view id;
  const char* state;  // for Scanner::Thaw
  const char* next;   // the next record
};

PackedRecord ReadRecord(const char* at) {
  uint32_t id_size, state_size;
  std::memcpy(&id_size, at, sizeof id_size);
  std::memcpy(&state_size, at + 4, sizeof state_size);
  const char* id = at + 8;
  return {std::string_view(id, id_size), id + id_size, id + id_size + state_size};
}

// Conversations in order of first appearance, with their accumulated state, while a chunk
// (or a PAN12 file) is analysed. A worker keeps one from chunk to chunk: the states' buffers
// are reused, so analysis touches no fresh memory once the first chunks are done.
class ConversationTable {
 public:
  Scanner::State& Get(std::string_view id) {
    // Messages of one conversation usually come together: skip the hash lookup then.
    if (last_ != nullptr && SameBytes(last_->id, id)) return last_->state;
    auto it = index_.find(absl::string_view(id.data(), id.size()));
    if (it != index_.end()) {
      last_ = &items_[it->second];
      return last_->state;
    }
    if (used_ == items_.size()) items_.emplace_back();
    Item& item = items_[used_];  // a deque: batches hold pointers to states
    item.id.assign(id);
    Reset(&item.state);
    index_.emplace(absl::string_view(item.id), used_++);
    last_ = &item;
    return item.state;
  }

  // Packs the conversations into `arena` and empties the table.
  PackedChunk Pack(PackArena* arena) {
    PackedChunk p;
    p.conversations = used_;
    for (size_t i = 0; i < used_; ++i) {
      const Item& item = items_[i];
      // Frozen straight into the arena, in room for the state's largest form, the rest given
      // back.
      const size_t room = 8 + item.id.size() + Scanner::FrozenSizeBound(item.state);
      char* const at = arena->Allocate(room);
      std::memcpy(at + 8, item.id.data(), item.id.size());
      char* const state = at + 8 + item.id.size();
      char* const end = Scanner::Freeze(item.state, state);
      const auto id_size = static_cast<uint32_t>(item.id.size());
      const auto state_size = static_cast<uint32_t>(end - state);
      std::memcpy(at, &id_size, 4);
      std::memcpy(at + 4, &state_size, 4);
      const auto size = static_cast<size_t>(end - at);
      arena->GiveBack(room - size);
      if (!p.runs.empty() && p.runs.back().data() + p.runs.back().size() == at) {
        p.runs.back() = std::string_view(p.runs.back().data(), p.runs.back().size() + size);
      } else {
        p.runs.emplace_back(at, size);
      }
    }
    // absl's clear() frees a table of more than 127 slots: keep room for as many
    // conversations as this chunk had, or the next one grows it again through every size.
    index_.clear();
    index_.reserve(used_);
    used_ = 0;
    last_ = nullptr;
    return p;
  }

 private:
  struct Item {
    std::string id;
    Scanner::State state;
  };
  static void Reset(Scanner::State* s) {
    // Buffers a long conversation grew stay only up to a bound, so that a few of them cannot
    // pin much memory in every slot.
    constexpr size_t kKeepBytes = 64 << 10;
    if (s->text_arena.capacity() > kKeepBytes ||
        s->cues.capacity() > kKeepBytes / sizeof(Scanner::State::Cue)) {
      *s = Scanner::State();
      return;
    }
    s->Clear();
  }

  absl::flat_hash_map<absl::string_view, size_t> index_;  // keys view items_' ids
  std::deque<Item> items_;                                // [0, used_) in use
  size_t used_ = 0;
  Item* last_ = nullptr;
};

// What a worker borrows for a chunk.
struct WorkerState {
  text::Scratch scratch;
  ConversationTable table;
  PackArena packed;  // its records are read until the scan ends
};

struct ChunkWork {
  Chunk chunk;
  std::string file;
};
struct ChunkResult {
  PackedChunk packed;
  std::vector<text::Rejection> rejects;
  uint64_t messages = 0;
};

// A conversation of the scan, in order of first appearance.
struct ScanConversation {
  const char* record;            // in a packed chunk (ReadRecord)
  text::Scanner::State* merged;  // when later chunks added to it: the whole state, else null
};

// The index from conversation id to position in the list of conversations holds only the
// position (4 bytes a slot) and reads the id from the conversation's packed record to hash
// or compare it. A map keyed by the id's view took 24 bytes a slot: ~52 MB, every page of
// it touched, for the bench corpus's 810,000 conversations (2^21 slots).
absl::string_view IdAt(const std::vector<ScanConversation>& conversations, uint32_t i) {
  const std::string_view id = ReadRecord(conversations[i].record).id;
  return absl::string_view(id.data(), id.size());
}
struct ConversationIndexHash {
  using is_transparent = void;
  const std::vector<ScanConversation>* conversations;
  size_t operator()(absl::string_view id) const { return absl::Hash<absl::string_view>{}(id); }
  size_t operator()(uint32_t i) const { return (*this)(IdAt(*conversations, i)); }
};
struct ConversationIndexEq {
  using is_transparent = void;
  const std::vector<ScanConversation>* conversations;
  absl::string_view Id(absl::string_view id) const { return id; }
  absl::string_view Id(uint32_t i) const { return IdAt(*conversations, i); }
  template <class A, class B>
  bool operator()(const A& a, const B& b) const {
    return Id(a) == Id(b);
  }
};
using ConversationIndex = absl::flat_hash_set<uint32_t, ConversationIndexHash, ConversationIndexEq>;
constexpr size_t kMaxConversations = UINT32_MAX;

// The first byte of an input other than a byte-order mark and white space ('<': PAN12 XML,
// '[': a JSON array of records, '{': JSONL), or 0.
char FirstByte(const Chunk& chunk) {
  for (char c : WithoutByteOrderMark(chunk.data)) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    return c;
  }
  return 0;
}

}  // namespace

Result<ScanSummary> RunScan(const ScanJobOptions& opt,
                            const std::function<void(std::string_view)>& emit,
                            const std::function<void(const text::Rejection&)>& on_reject) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  auto norm = text::Normaliser::Create(PrebuiltFoldTables());
  if (!norm) return tl::unexpected(norm.error());
  auto lexicon = opt.lexicon_dir.empty() ? text::Lexicon::Default()
                                         : text::Lexicon::LoadDir(opt.lexicon_dir);
  if (!lexicon) return tl::unexpected(lexicon.error());
  Result<text::ScoringWeights> weights = text::ScoringWeights::Default();
  if (!opt.weights_file.empty()) {
    auto content = ReadFile(opt.weights_file);
    if (!content) return tl::unexpected(content.error());
    weights = text::ScoringWeights::Parse(*content, opt.weights_file);
  }
  if (!weights) return tl::unexpected(weights.error());
  auto matcher = text::Matcher::Create(*lexicon, *norm, PrebuiltMatcherDb());
  if (!matcher) return tl::unexpected(matcher.error());
  text::ScanOptions scan_options;
  scan_options.min_score = opt.min_score;
  scan_options.keep_unflagged = opt.all;
  auto scanner = Scanner::Create(*matcher, *weights, scan_options);
  if (!scanner) return tl::unexpected(scanner.error());
  const Scanner& sc = **scanner;

  ScanSummary summary;
  // Every conversation in order of first appearance. The states stay packed where the
  // workers wrote them (their arenas, in the worker pool below), so the main thread only indexes
  // them: moving each state into one global table cost it more than a quarter of its time, mostly
  // in first touches of fresh pages. A conversation that goes on in a later chunk is thawed
  // once and merged into a state of its own.
  std::vector<ScanConversation> conversations;
  // Indices into `conversations`, found by conversation id.
  ConversationIndex first_seen(0, ConversationIndexHash{&conversations},
                               ConversationIndexEq{&conversations});
  std::deque<Scanner::State> merged_states;
  const int threads = std::max(1, opt.threads);
  // Scratch space and the conversation table are per thread: workers borrow them per chunk
  // from this pool.
  std::mutex pool_mu;
  std::vector<std::unique_ptr<WorkerState>> worker_pool;
  auto acquire = [&] {
    std::lock_guard lock(pool_mu);
    if (worker_pool.empty()) return std::make_unique<WorkerState>();
    auto s = std::move(worker_pool.back());
    worker_pool.pop_back();
    return s;
  };
  auto release = [&](std::unique_ptr<WorkerState> s) {
    std::lock_guard lock(pool_mu);
    worker_pool.push_back(std::move(s));
  };
  Progress progress(opt.progress, "scan", "messages");
  uint64_t total_size = 0;
  uint64_t bytes_done = 0;

  bool index_full = false;  // more conversations than the index can number
  auto merge_packed = [&](const PackedChunk& packed) {
    Scanner::State later;
    for (const std::string_view run : packed.runs) {
      const char* at = run.data();
      const char* const end = at + run.size();
      // The index's slots for the id a few records on are fetched while this one is
      // inserted: each insert into a table of every conversation so far is otherwise a
      // cache miss or two.
      constexpr int kAhead = 4;
      const char* ahead = at;
      for (int k = 0; k < kAhead && ahead < end; ++k) {
        const PackedRecord a = ReadRecord(ahead);
        first_seen.prefetch(absl::string_view(a.id.data(), a.id.size()));
        ahead = a.next;
      }
      while (at < end) {
        if (ahead < end) {
          const PackedRecord a = ReadRecord(ahead);
          first_seen.prefetch(absl::string_view(a.id.data(), a.id.size()));
          ahead = a.next;
        }
        const PackedRecord r = ReadRecord(at);
        if (conversations.size() >= kMaxConversations) {
          index_full = true;
          return;
        }
        // Listed first, so that the index can read the id of the entry it adds.
        const auto index = static_cast<uint32_t>(conversations.size());
        conversations.push_back({at, nullptr});
        bool inserted = false;
        const auto it = first_seen.lazy_emplace(absl::string_view(r.id.data(), r.id.size()),
                                                [&](const auto& construct) {
                                                  inserted = true;
                                                  construct(index);
                                                });
        if (!inserted) {
          conversations.pop_back();
          ScanConversation& c = conversations[*it];
          if (c.merged == nullptr) {
            c.merged = &merged_states.emplace_back();
            Scanner::Thaw(ReadRecord(c.record).state, c.merged);
          }
          Scanner::Thaw(r.state, &later);
          sc.Merge(c.merged, std::move(later));
        }
        at = r.next;
      }
    }
  };

  // Room in the index for a file's conversations at its first chunk's density, so that it
  // does not grow by doubling: each growth rehashed every id and left the old table behind
  // (~26 MB on the bench's corpus). At most one slot per 64 bytes of input, so that a first
  // chunk of tiny conversations cannot make it reserve much more than the input's size; the
  // index grows as before when the guess is short.
  auto reserve_index = [&](const PackedChunk& first, uint64_t file_bytes, size_t chunk_bytes) {
    if (chunk_bytes == 0) return;
    const double per_byte =
        static_cast<double>(first.conversations) / static_cast<double>(chunk_bytes);
    const double expect = std::min(per_byte * 1.125, 1.0 / 64) * static_cast<double>(file_bytes);
    const size_t want = conversations.size() + static_cast<size_t>(expect);
    conversations.reserve(want);
    first_seen.reserve(want);
  };

  for (const std::string& path : opt.files) {
    // Chunks of 1 MB rather than the reader's default 4: a chunk's conversation table (each
    // state a worker touches per message) stays small enough for the core's cache. On the
    // bench corpus, alternating runs: CPU 1.7-3% lower than with 4 MB (16 MB: 8% higher),
    // peak RSS 94 instead of 111 MiB on a 1% corpus; output identical.
    constexpr size_t kScanChunkBytes = size_t{1} << 20;
    auto reader_or = LineChunkReader::Open(path, kScanChunkBytes);
    if (!reader_or) return tl::unexpected(reader_or.error());
    LineChunkReader& reader = **reader_or;
    // The JSONL parser counts the lines (the workers report every chunk); the XML path
    // numbers its own.
    reader.DeferLineNumbers();
    total_size += reader.size_hint();
    ++summary.files;
    Chunk first;
    auto more = reader.Next(&first);
    if (!more) return tl::unexpected(more.error());
    if (!*more) continue;  // empty input: nothing to do, not an error
    const char first_byte = opt.format == "auto" ? FirstByte(first) : 0;
    const bool xml = opt.format == "pan12" || first_byte == '<';
    const bool array = opt.format == "json" || first_byte == '[';
    if (xml || array) {
      // Read whole: an XML document or a JSON array is one value, not a line per record.
      std::string content(first.data);
      Chunk c;
      for (;;) {
        auto m = reader.Next(&c);
        if (!m) return tl::unexpected(m.error());
        if (!*m) break;
        content.append(c.data);
      }
      summary.bytes += content.size();
      std::vector<text::Rejection> rejects;
      auto ws = acquire();
      if (xml) {
        text::ParsePan12(
            content, reader.name(),
            [&](Message&& m) {
              ++summary.messages;
              sc.Add(m, ws->scratch, &ws->table.Get(m.conversation));
            },
            &rejects);
      } else {
        const size_t size = content.size();
        content.append(kChunkPadding, '\0');
        std::vector<Scanner::State*> states;
        text::ParseChatJsonArray(
            std::string_view(content.data(), size), reader.name(),
            [&](std::span<const text::MessageRef> batch) {
              summary.messages += batch.size();
              states.clear();
              for (const text::MessageRef& m : batch) {
                states.push_back(&ws->table.Get(m.conversation));
              }
              sc.AddBatch(batch, states, ws->scratch);
            },
            &rejects);
      }
      PackedChunk packed = ws->table.Pack(&ws->packed);
      release(std::move(ws));
      for (const auto& r : rejects) {
        (r.repaired ? summary.repaired : summary.rejected)++;
        on_reject(r);
      }
      merge_packed(packed);
      continue;
    }
    bool have_first = true;
    const std::string file_name = reader.name();
    std::function<bool(ChunkWork*)> produce = [&](ChunkWork* w) {
      if (have_first) {
        w->chunk = std::move(first);
        have_first = false;
      } else {
        auto m = reader.Next(&w->chunk);
        if (!m) {
          on_reject({reader.name(), m.error().ToString(), false});
          ++summary.rejected;
          return false;
        }
        if (!*m) return false;
      }
      w->file = file_name;
      return true;
    };
    std::function<void(ChunkWork&, ChunkResult*)> work = [&](ChunkWork& w, ChunkResult* r) {
      auto ws = acquire();
      // Messages are analysed in the parser's batches: one Vectorscan pass per batch.
      std::vector<Scanner::State*> states;
      text::ParseChatJsonlRefs(
          w.chunk, w.file, opt.max_line_bytes,
          [&](std::span<const text::MessageRef> batch) {
            r->messages += batch.size();
            states.clear();
            for (const text::MessageRef& m : batch) {
              states.push_back(&ws->table.Get(m.conversation));
            }
            sc.AddBatch(batch, states, ws->scratch);
          },
          &r->rejects);
      r->packed = ws->table.Pack(&ws->packed);
      release(std::move(ws));
    };
    std::function<void(ChunkWork&, ChunkResult&)> consume = [&](ChunkWork& w, ChunkResult& r) {
      summary.bytes += w.chunk.data.size();
      bytes_done += w.chunk.data.size();
      summary.messages += r.messages;
      for (const auto& rej : r.rejects) {
        (rej.repaired ? summary.repaired : summary.rejected)++;
        on_reject(rej);
      }
      if (w.chunk.sequence == 0 && reader.size_hint() > 0) {
        reserve_index(r.packed, reader.size_hint(), w.chunk.data.size());
      }
      merge_packed(r.packed);
      progress.Update(bytes_done, total_size, summary.messages);
    };
    OrderedParallelMap<ChunkWork, ChunkResult>(threads, produce, work, consume);
  }
  progress.Done();
  if (index_full) {
    return Fail(ErrorCode::kInternal,
                "more than " + std::to_string(kMaxConversations) + " conversations in one scan");
  }

  // Score every conversation in parallel, block by block: workers finish blocks while this
  // thread prints the ones before them in first-appearance order, freeing each state as it
  // goes; at most 2 * threads blocks are in flight, so memory for output stays bounded.
  summary.conversations = conversations.size();
  ConversationIndex(0, first_seen.hash_function(), first_seen.key_eq()).swap(first_seen);
  struct FinishBlock {
    size_t begin = 0, end = 0;
  };
  struct FinishResult {
    text::TextBuffer lines;  // the block's output lines, each ending in '\n'
    uint64_t flagged = 0;
  };
  constexpr size_t kBlock = 2048;
  size_t next_block = 0;
  std::function<bool(FinishBlock*)> produce_block = [&](FinishBlock* b) {
    if (next_block >= conversations.size()) return false;
    b->begin = next_block;
    b->end = std::min(conversations.size(), next_block + kBlock);
    next_block = b->end;
    return true;
  };
  std::function<void(FinishBlock&, FinishResult*)> finish_block = [&](FinishBlock& b,
                                                                      FinishResult* r) {
    Scanner::State thawed;  // its buffers serve the whole block
    // Room for about what this thread's block before wrote (+1/8), where the lines grew by
    // doubling and were copied once more on the way (up to ~1.8 MB a block on the bench).
    thread_local size_t last_block_bytes = 0;
    r->lines.Room(last_block_bytes + last_block_bytes / 8);
    for (size_t i = b.begin; i < b.end; ++i) {
      const ScanConversation& c = conversations[i];
      const PackedRecord record = ReadRecord(c.record);
      // Flagged lines, or all with --all (the scanner's keep_unflagged).
      if (c.merged != nullptr) {
        r->flagged += sc.FinishJson(record.id, std::move(*c.merged), &r->lines);
        *c.merged = Scanner::State();  // free it now
      } else {
        r->flagged += sc.FinishFrozenJson(record.id, record.state, &thawed, &r->lines);
      }
    }
    last_block_bytes = r->lines.size;
  };
  std::function<void(FinishBlock&, FinishResult&)> print_block = [&](FinishBlock&,
                                                                     FinishResult& r) {
    summary.flagged += r.flagged;
    if (r.lines.size > 0) emit(r.lines.view());
  };
  OrderedParallelMap<FinishBlock, FinishResult>(threads, produce_block, finish_block,
                                                print_block);
  summary.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return summary;
}

static void RegisterScan(CLI::App& app, std::function<int()>* run) {
  auto opt = std::make_shared<ScanJobOptions>();
  auto strict = std::make_shared<bool>(false);
  auto fail_on_flag = std::make_shared<bool>(false);
  auto stats = std::make_shared<bool>(false);
  auto max_errors = std::make_shared<size_t>(20);
  auto no_progress = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "scan",
      "Score chat conversations (chat JSONL, a JSON array of such records, or PAN 2012 XML) "
      "for solicitation of minors.\n"
      "Prints one JSON line per flagged conversation (all with --all), in order of first "
      "appearance.");
  cmd->footer(
      "Output: one JSON object per line (conversation, score, flagged, signals, evidence with\n"
      "message index, category, term and, for flagged conversations only, the original text),\n"
      "so it pipes into jq. Bad records are reported on stderr as file:line:field and skipped.\n"
      "Exit codes: 0 ok; 1 input rejected (--strict), a conversation flagged (--fail-on-flag)\n"
      "or an unreadable input; 2 usage error.");
  cmd->add_option("files", opt->files, "Input files; '-' is stdin (default)");
  cmd->add_option("--lexicon", opt->lexicon_dir,
                  "Directory of lexicon *.tsv files (default: the built-in data/lexicons)")
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--weights", opt->weights_file,
                  "Scoring weights TSV (default: the built-in data/scoring/weights.tsv)")
      ->check(CLI::ExistingFile);
  cmd->add_flag("--all", opt->all, "Print every conversation, not only flagged ones");
  cmd->add_option("--min-score", opt->min_score,
                  "Flag at or above this score (default: flag_threshold in the weights, 0.5)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--threads", opt->threads, "Worker threads (default: all cores)")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--format", opt->format,
                  "Input format: auto, jsonl, json (one array of the same records) or pan12")
      ->check(CLI::IsMember({"auto", "jsonl", "json", "pan12"}));
  cmd->add_option("--max-line-bytes", opt->max_line_bytes,
                  "Reject JSONL lines longer than this (default 1048576)");
  cmd->add_flag("--stats", *stats, "Print counts, throughput and rejected lines on stderr");
  cmd->add_flag("--strict", *strict, "Exit 1 if any input record was rejected or repaired");
  cmd->add_flag("--fail-on-flag", *fail_on_flag, "Exit 1 if any conversation is flagged");
  cmd->add_option("--max-errors", *max_errors, "Print at most this many input errors (20)");
  cmd->add_flag("--no-progress", *no_progress, "Never print progress on stderr");
  *run = nullptr;
  cmd->callback([=] {
    *run = [=]() -> int {
      ScanJobOptions o = *opt;
      if (o.files.empty()) o.files.push_back("-");
      if (o.threads <= 0) o.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
      o.progress = !*no_progress && isatty(STDERR_FILENO);
      std::vector<char> outbuf(1 << 20);
      std::setvbuf(stdout, outbuf.data(), _IOFBF, outbuf.size());
      size_t errors_shown = 0;
      auto result = RunScan(
          o,
          [](std::string_view lines) { std::fwrite(lines.data(), 1, lines.size(), stdout); },
          [&](const text::Rejection& r) {
            if (errors_shown++ < *max_errors) {
              fmt::print(stderr, "bantay scan: {}: {}{}\n", r.where, r.message,
                         r.repaired ? " (repaired)" : " (rejected)");
            }
          });
      std::fflush(stdout);
      std::setvbuf(stdout, nullptr, _IOFBF, BUFSIZ);
      if (!result) {
        fmt::print(stderr, "bantay scan: {}\n", result.error().ToString());
        return result.error().code == ErrorCode::kInvalidArgument ? kExitUsage : kExitFindings;
      }
      const ScanSummary& s = *result;
      if (errors_shown > *max_errors) {
        fmt::print(stderr, "bantay scan: ... and {} more input errors\n",
                   errors_shown - *max_errors);
      }
      if (*stats) {
        fmt::print(stderr,
                   "scan: {} files, {} messages, {} conversations, {} flagged, {} rejected, "
                   "{} repaired, {:.1f} MB in {:.2f} s ({:.1f} MB/s, {} threads)\n",
                   s.files, s.messages, s.conversations, s.flagged, s.rejected, s.repaired,
                   s.bytes / 1e6, s.seconds, s.seconds > 0 ? s.bytes / 1e6 / s.seconds : 0.0,
                   o.threads);
      } else if (s.rejected > 0) {
        fmt::print(stderr, "bantay scan: {} input records rejected, {} repaired\n", s.rejected,
                   s.repaired);
      }
      if (*strict && (s.rejected > 0 || s.repaired > 0)) return kExitFindings;
      if (*fail_on_flag && s.flagged > 0) return kExitFindings;
      return kExitOk;
    };
  });
}

const CommandRegistration kRegisterScan{10, RegisterScan};

}  // namespace bantay::cli
