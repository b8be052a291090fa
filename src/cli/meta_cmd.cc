// cli/meta_cmd.cc: `bantay meta`: scores accounts in call records for supply (exploitation
// hubs) and demand (their customers) and prints account leads JSONL.
#include <fmt/core.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <thread>
#include <vector>

#include "cli/commands.h"
#include "cli/progress.h"
#include "core/utf8.h"
#include "meta/meta.h"
#include "stream/stream.h"

namespace bantay::cli {

namespace {

// Keeps `analyzer` alive until the process exits. Freeing a large run's analyzer block by
// block took ~0.12 s (3% of the bench's 1.1 GB run) just before the process ended and the
// kernel took all of its memory back at once, as compilers skip freeing their ASTs. Held
// from a static, so that leak checkers see reachable memory, not a leak; each call keeps
// one more, so only a command's last step calls it.
void KeepUntilExit(std::unique_ptr<meta::Analyzer> analyzer) {
  static auto* kept = new std::vector<std::unique_ptr<meta::Analyzer>>();
  kept->push_back(std::move(analyzer));
}

struct MetaJobOptions {
  std::vector<std::string> files;
  std::string geo;              // libloc database or .mmdb; empty: libloc's default
  std::string weights_file;
  std::string known_accounts;  // file of listed business accounts, one a line
  int window_days = 7;
  int horizon_days = meta::kFileModeHorizonDays;  // bounded state; 0 keeps everything
  int64_t lateness_s = 86400;
  bool all = false;
  double min_score = -1;
  int threads = 0;
  // Scale-out (docs/stream.md).
  std::string kafka;            // brokers; empty: file mode
  std::string topic, group, state_dir = "bantay-meta-state", output_topic, exchange_topic;
  std::vector<std::string> kafka_options;  // key=value librdkafka properties
  bool produce = false;         // produce FILEs as half-edges instead of consuming
  int64_t epoch = 1;            // --produce: the epoch the close markers end
  bool no_close = false;        // --produce: no close markers
  int64_t epochs = 0;           // member: return after this many epochs (0: until stopped)
  int64_t keep_epochs = 0;      // member: score over this many epochs, delete older (0: all)
  int64_t read_leads = 0;       // print the leads of this epoch from the output topic
  uint64_t crash_after = 0;     // test hook: SIGKILL self after this many messages
};

// The accounts of --known-accounts: one a line, blanks and '#' comments skipped, spaces
// around a name trimmed.
Result<std::vector<std::string>> ReadKnownAccounts(const std::string& path) {
  auto content = ReadFile(path);
  if (!content) return tl::unexpected(content.error());
  std::vector<std::string> out;
  std::string_view rest = *content;
  uint64_t line = 0;
  while (!rest.empty()) {
    const size_t end = rest.find('\n');
    std::string_view name = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    ++line;
    while (!name.empty() && (name.back() == '\r' || name.back() == ' ' || name.back() == '\t')) {
      name.remove_suffix(1);
    }
    while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.remove_prefix(1);
    if (name.empty() || name.front() == '#') continue;
    if (!IsValidUtf8(name)) {
      return Fail(ErrorCode::kParse, "account name is not valid UTF-8",
                  path + ":" + std::to_string(line));
    }
    out.emplace_back(name);
  }
  return out;
}

std::atomic<bool> g_stop{false};
extern "C" void StopOnSignal(int) { g_stop.store(true); }

struct ParsedChunk {
  Chunk chunk;
};
struct ParsedRecords {
  std::vector<meta::CallRecord> records;
  meta::PreparedBatch prepared;  // instead of `records`, when reading into an Analyzer
  std::vector<Rejection> rejects;
};

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Reads call records from `files` (CSV or JSONL; "-" is stdin) in input order, parsing on
// `threads` threads. Bad records go to `report`; a kParse error from `on_record` rejects
// the record, any other ends the read. With `analyzer`, records go to it instead of
// `on_record`, prepared (hashes, IP lookups) on the parse threads. Returns the bytes read.
Result<uint64_t> ReadCalls(const std::vector<std::string>& files, int threads,
                           const std::function<void(const Rejection&)>& report,
                           const std::function<Status(const meta::CallRecord&, const std::string& file)>& on_record,
                           meta::Analyzer* analyzer = nullptr) {
  uint64_t bytes = 0, records_read = 0, total = 0;
  Progress progress(isatty(STDERR_FILENO) != 0, "meta", "records");
  Status failed;
  for (const std::string& path : files) {
    auto reader_or = LineChunkReader::Open(path);
    if (!reader_or) return tl::unexpected(reader_or.error());
    LineChunkReader& reader = **reader_or;
    total += reader.size_hint();
    // Into an Analyzer, the parse threads count the lines, not the reader (a pass over the
    // input on the read-ahead thread: 2.4% of a large run's CPU); the records' lines are
    // then counted from their chunk's start (Consume below names them).
    if (analyzer != nullptr) reader.DeferLineNumbers();
    Chunk first;
    auto more = reader.Next(&first);
    if (!more) return tl::unexpected(more.error());
    if (!*more) continue;
    auto records = meta::CallRecordReader::Create(first, reader.name());
    if (!records) return tl::unexpected(records.error());
    if (analyzer != nullptr) {
      // A CSV call record with IPs and countries is ~100 bytes, a JSONL one about twice
      // that (its keys on every line): a hint, an error only costs table growth or room.
      analyzer->ExpectRecords(reader.size_hint() / (records->is_csv() ? 100 : 200));
    }
    // The chunks after the first come from a thread of their own: this one admits calls
    // (AddBatch), which bounds reading, and no longer counts line ends between batches.
    ChunkReadAhead ahead(&reader, 4);
    bool have_first = true;
    std::function<bool(ParsedChunk*)> produce = [&](ParsedChunk* c) {
      if (!failed) return false;
      if (have_first) {
        c->chunk = std::move(first);
        have_first = false;
        return true;
      }
      auto m = ahead.Next(&c->chunk);
      if (!m) {
        report({reader.name(), m.error().ToString(), false});
        return false;
      }
      return *m;
    };
    std::function<void(ParsedChunk&, ParsedRecords*)> work = [&](ParsedChunk& c,
                                                                 ParsedRecords* out) {
      if (analyzer != nullptr) {
        records->Parse(c.chunk,
                       [&](const meta::CallRecordView& r) {
                         out->prepared.Add(*analyzer, r, c.chunk);
                       },
                       &out->rejects);
      } else {
        records->Parse(c.chunk,
                       [&](meta::CallRecord&& r) { out->records.push_back(std::move(r)); },
                       &out->rejects);
      }
    };
    const std::string file_name = reader.name();
    std::function<void(ParsedChunk&, ParsedRecords&)> consume = [&](ParsedChunk& c,
                                                                    ParsedRecords& r) {
      bytes += c.chunk.data.size();
      for (const auto& rej : r.rejects) report(rej);
      if (analyzer != nullptr) {
        const std::vector<meta::PreparedCall>& calls = r.prepared.calls();
        records_read += calls.size();
        // The chunks are consumed in order, each parsed before: its first line is known.
        const uint64_t first_line =
            c.chunk.lines != nullptr ? c.chunk.lines->FirstLine(c.chunk.sequence) : 1;
        for (const auto& [j, why] : analyzer->AddBatch(calls)) {
          report({Where(file_name, first_line + calls[j].line - 1, "start"),
                  why == meta::AddResult::kFuture
                      ? "more than a day in the future (it would close every block before it)"
                  : why == meta::AddResult::kOutOfRange
                      ? "before 1970-01-01 or from 2106-02-07T06:28:16Z on (out of range)"
                      : "later than --lateness behind the latest start, and the days it falls "
                        "in are already scored",
                  false});
        }
      }
      for (size_t k = 0; k < r.records.size() && analyzer == nullptr; ++k) {
        if (!failed) break;
        if (auto st = on_record(r.records[k], file_name); !st) {
          if (st.error().code == ErrorCode::kParse) {
            report({st.error().where, st.error().message, false});
          } else {
            failed = st;
          }
        }
      }
      records_read += r.records.size();
      progress.Update(bytes, total, records_read);
    };
    OrderedParallelMap<ParsedChunk, ParsedRecords>(threads, produce, work, consume);
    if (!failed) return tl::unexpected(failed.error());
  }
  progress.Done();
  return bytes;
}

// `bantay meta --kafka ...`: produce half-edges, read leads, or run as a group member.
int RunKafka(const MetaJobOptions& o, int threads, const meta::CountryTable* countries,
             const meta::Locator* locator, const meta::MetaWeights& weights,
             const meta::MetaOptions& mo, const std::function<void(const Rejection&)>& report,
             bool print_stats, const std::function<int(const Error&)>& fail) {
  stream::KafkaOptions k;
  k.brokers = o.kafka;
  k.topic = o.topic;
  k.group = o.group.empty() ? "bantay-meta" : o.group;
  k.output_topic = o.output_topic;
  k.exchange_topic = o.exchange_topic;
  for (const std::string& kv : o.kafka_options) {
    const size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      return fail(Error{ErrorCode::kInvalidArgument, "--kafka-option needs KEY=VALUE: " + kv, {}});
    }
    k.properties.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
  }
  if (k.topic.empty()) return fail(Error{ErrorCode::kInvalidArgument, "--kafka needs --topic", {}});
  if (o.read_leads > 0) {
    auto leads = stream::ReadLeads(k, o.read_leads);
    if (!leads) return fail(leads.error());
    for (const auto& line : *leads) fmt::print("{}\n", line);
    return kExitOk;
  }
  if (o.produce) {
    auto producer = stream::CallProducer::Create(k);
    if (!producer) return fail(producer.error());
    auto read = ReadCalls(o.files, threads, report,
                          [&](const meta::CallRecord& rec, const std::string& file) {
                            return (*producer)->Produce(rec, file);
                          });
    if (!read) return fail(read.error());
    auto st = o.no_close ? (*producer)->Flush() : (*producer)->Close(o.epoch);
    if (!st) return fail(st.error());
    const stream::ProducerStats& s = (*producer)->stats();
    if (print_stats) {
      fmt::print(stderr, "meta: produced {} records as {} messages ({} duplicates, {} rejected)\n",
                 s.records, s.messages, s.duplicates, s.rejected);
    }
    return kExitOk;
  }
  std::error_code ec;
  std::filesystem::create_directories(o.state_dir, ec);
  if (ec) {
    return fail(Error{ErrorCode::kIo, "cannot create the state directory: " + ec.message(),
                      o.state_dir});
  }
  stream::MemberOptions mopt;
  mopt.state_dir = o.state_dir;
  mopt.epochs = o.epochs;
  mopt.keep_epochs = o.keep_epochs;
  mopt.threads = threads;
  mopt.crash_after_messages = o.crash_after;
  auto member = stream::MetaMember::Create(k, mopt, countries, locator, weights, mo);
  if (!member) return fail(member.error());
  std::signal(SIGINT, StopOnSignal);
  std::signal(SIGTERM, StopOnSignal);
  auto st = (*member)->Run(g_stop, report);
  if ((*member)->crashed()) std::raise(SIGKILL);  // the test hook: die without any cleanup
  if (!st) return fail(st.error());
  const stream::MemberStats& s = (*member)->stats();
  if (print_stats) {
    fmt::print(stderr,
               "meta: member took {} messages ({} half-edges, {} rejected), {} rebalances, "
               "{} scoring attempts, {} epochs scored, {} leads produced\n",
               s.messages, s.half_edges, s.rejected, s.rebalances, s.scoring_attempts,
               s.epochs_scored, s.leads);
  }
  return kExitOk;
}

}  // namespace

static void RegisterMeta(CLI::App& app, std::function<int()>* run) {
  auto opt = std::make_shared<MetaJobOptions>();
  auto stats = std::make_shared<bool>(false);
  auto strict = std::make_shared<bool>(false);
  auto max_errors = std::make_shared<size_t>(20);
  CLI::App* cmd = app.add_subcommand(
      "meta",
      "Score accounts in call records (CSV with header, comma, semicolon or tab separated; or "
      "JSONL): supply (a hotspot account in "
      "video contact with many foreign accounts) and demand (their customers).\n"
      "IP location: libloc (Debian libloc-database, /var/lib/location/database.db; its date is "
      "printed by --stats), or a MaxMind .mmdb with --geo. Record columns win over IPs.");
  cmd->add_option("files", opt->files, "Call record files; '-' is stdin (default)");
  cmd->add_option("--geo", opt->geo, "IP database: a libloc database.db or a MaxMind .mmdb")
      ->check(CLI::ExistingFile);
  cmd->add_option("--window-days", opt->window_days, "Sliding window length in days (7)")
      ->check(CLI::Range(1, 366));
  cmd->add_option("--horizon-days", opt->horizon_days,
                  "Bounded state: score the windows ending in each block of this many days once "
                  "the input is --lateness past the next block, then release the calls before "
                  "the block (memory holds about 3 blocks); 0 keeps every call until the end (28)")
      ->check(CLI::Range(0, 3660));
  cmd->add_option("--lateness", opt->lateness_s,
                  "Seconds a record may come after records that start later and still always "
                  "count; a later one whose days are already scored is rejected (86400)")
      ->check(CLI::Range(int64_t{0}, int64_t{366} * 86400));
  cmd->add_option("--weights", opt->weights_file,
                  "Weights TSV (default: the built-in data/meta/weights.tsv)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--known-accounts", opt->known_accounts,
                  "Accounts the platform knows as legitimate businesses (verified tutors, "
                  "call-centre lines), one a line, '#' comments: never scored, and no one's "
                  "counterpart")
      ->check(CLI::ExistingFile);
  cmd->add_flag("--all", opt->all, "Print every scored account, not only flagged ones");
  cmd->add_option("--min-score", opt->min_score, "Flag at or above this score (0.5)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--threads", opt->threads, "Worker threads (default: all cores)")
      ->check(CLI::Range(1, 1024));
  cmd->add_flag("--stats", *stats, "Print counts and throughput on stderr");
  cmd->add_flag("--strict", *strict, "Exit 1 if any input record was rejected");
  cmd->add_option("--max-errors", *max_errors, "Print at most this many input errors (20)");
  auto* kafka = cmd->add_option("--kafka", opt->kafka,
                                "Run as a member of a Kafka consumer group (docs/stream.md): "
                                "bootstrap brokers host:port,...");
  cmd->add_option("--topic", opt->topic, "--kafka: topic of call half-edges")->needs(kafka);
  cmd->add_option("--group", opt->group, "--kafka: consumer group")->needs(kafka);
  cmd->add_option("--state", opt->state_dir,
                  "--kafka: directory of the per-partition state (bantay-meta-state); share it "
                  "between members, or a new owner replays the partition")
      ->needs(kafka);
  cmd->add_option("--output-topic", opt->output_topic, "--kafka: leads topic (<topic>.leads)")
      ->needs(kafka);
  cmd->add_option("--exchange-topic", opt->exchange_topic,
                  "--kafka: scoring-round topic, one partition (<topic>.exchange)")
      ->needs(kafka);
  cmd->add_option("--kafka-option", opt->kafka_options,
                  "--kafka: a librdkafka property KEY=VALUE (repeatable)")
      ->needs(kafka);
  cmd->add_option("--epochs", opt->epochs,
                  "--kafka: exit after this many epochs are scored (default: run until SIGTERM)")
      ->needs(kafka)->check(CLI::NonNegativeNumber);
  cmd->add_option("--keep-epochs", opt->keep_epochs,
                  "--kafka: bounded state: score epoch E over epochs E-N+1..E and delete older "
                  "half-edges once E is scored (default 0: every epoch so far, file mode's leads)")
      ->needs(kafka)->check(CLI::NonNegativeNumber);
  cmd->add_flag("--produce", opt->produce,
                "--kafka: produce FILEs to --topic as half-edges keyed by account, then close "
                "the epoch in every partition")
      ->needs(kafka);
  cmd->add_option("--epoch", opt->epoch, "--produce: the epoch to close (1)")
      ->needs(kafka)->check(CLI::PositiveNumber);
  cmd->add_flag("--no-close", opt->no_close, "--produce: do not close the epoch")->needs(kafka);
  cmd->add_option("--read-leads", opt->read_leads,
                  "--kafka: print the leads of this epoch from the output topic, one copy each")
      ->needs(kafka)->check(CLI::PositiveNumber);
  cmd->add_option("--crash-after", opt->crash_after,
                  "Testing: SIGKILL this member after it takes N messages")
      ->needs(kafka)->group("");
  cmd->callback([=] {
    *run = [=]() -> int {
      using Clock = std::chrono::steady_clock;
      const auto start = Clock::now();
      MetaJobOptions o = *opt;
      if (o.files.empty()) o.files.push_back("-");
      const int threads =
          o.threads > 0 ? o.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
      auto fail = [](const Error& e) {
        fmt::print(stderr, "bantay meta: {}\n", e.ToString());
        return e.code == ErrorCode::kInvalidArgument ? kExitUsage : kExitFindings;
      };
      auto countries = meta::CountryTable::Default();
      if (!countries) return fail(countries.error());
      Result<meta::MetaWeights> weights = meta::MetaWeights::Default();
      if (!o.weights_file.empty()) {
        auto content = ReadFile(o.weights_file);
        if (!content) return fail(content.error());
        weights = meta::MetaWeights::Parse(*content, o.weights_file);
      }
      if (!weights) return fail(weights.error());
      std::unique_ptr<meta::Locator> locator;
      if (!o.geo.empty()) {
        auto l = EndsWith(o.geo, ".mmdb") ? meta::Locator::OpenMmdb(o.geo)
                                          : meta::Locator::OpenLibloc(o.geo);
        if (!l) return fail(l.error());
        locator = std::move(*l);
      } else if (auto l = meta::Locator::OpenLibloc(); l) {
        locator = std::move(*l);
      } else {
        fmt::print(stderr, "bantay meta: no IP database ({}); records without a country "
                           "column count as location unknown\n", l.error().ToString());
      }
      meta::MetaOptions mo;
      mo.window_days = o.window_days;
      mo.min_score = o.min_score;
      mo.keep_unflagged = o.all;
      if (o.horizon_days != 0 && o.horizon_days < o.window_days) {
        return fail(Error{ErrorCode::kInvalidArgument,
                          "--horizon-days must be 0 or at least --window-days", {}});
      }
      // A member of a consumer group keeps its epochs' state (docs/stream.md).
      mo.horizon_days = o.kafka.empty() ? o.horizon_days : 0;
      mo.lateness_ms = o.lateness_s * 1000;
      mo.threads = threads;
      if (!o.known_accounts.empty()) {
        auto listed = ReadKnownAccounts(o.known_accounts);
        if (!listed) return fail(listed.error());
        mo.known_accounts = std::move(*listed);
        if (*stats) {
          fmt::print(stderr, "meta: {} known business accounts listed ({})\n",
                     mo.known_accounts.size(), o.known_accounts);
        }
      }
      auto analyzer = meta::Analyzer::Create(&*countries, locator.get(), *weights, mo);
      if (!analyzer) return fail(analyzer.error());

      uint64_t rejected = 0, shown = 0;
      auto report = [&](const Rejection& r) {
        ++rejected;
        if (shown++ < *max_errors) {
          fmt::print(stderr, "bantay meta: {}: {} (rejected)\n", r.where, r.message);
        }
      };
      if (!o.kafka.empty()) {
        return RunKafka(o, threads, &*countries, locator.get(), *weights, mo, report, *stats, fail);
      }
      auto read = ReadCalls(o.files, threads, report, {}, analyzer->get());
      if (!read) return fail(read.error());
      const uint64_t bytes = *read;
      const auto read_done = Clock::now();
      if (shown > *max_errors) {
        fmt::print(stderr, "bantay meta: ... and {} more input errors\n", shown - *max_errors);
      }
      std::vector<meta::AccountLead> leads = (*analyzer)->Finish(threads);
      const double scoring_secs = std::chrono::duration<double>(Clock::now() - read_done).count();
      std::vector<char> outbuf(1 << 20);
      std::setvbuf(stdout, outbuf.data(), _IOFBF, outbuf.size());
      uint64_t flagged = 0;
      for (const auto& lead : leads) {
        flagged += lead.flagged;
        const std::string line = meta::LeadToJson(lead);
        std::fwrite(line.data(), 1, line.size(), stdout);
        std::fputc('\n', stdout);
      }
      std::fflush(stdout);
      std::setvbuf(stdout, nullptr, _IOFBF, BUFSIZ);
      const double secs = std::chrono::duration<double>(Clock::now() - start).count();
      const meta::MetaStats& s = (*analyzer)->stats();
      KeepUntilExit(std::move(*analyzer));
      if (*stats) {
        fmt::print(stderr,
                   "meta: {} records ({} duplicates, {} rejected, {} of them late, {} in the "
                   "future), {} accounts, "
                   "{} flagged leads; {} IP lookups, {} anonymous, {} sides without location; "
                   "{:.1f} MB in {:.2f} s ({:.2f} M records/s; reading {:.2f} s, scoring {:.2f} s); "
                   "{} blocks scored while reading, {} half-edges released, at most {} held; "
                   "IP data: {}\n",
                   s.records, s.duplicates, rejected, s.late, s.future, s.accounts, flagged,
                   s.ip_lookups,
                   s.anonymous_ip, s.unknown_location, bytes / 1e6, secs,
                   secs > 0 ? s.records / secs / 1e6 : 0.0,
                   std::chrono::duration<double>(read_done - start).count(), scoring_secs,
                   s.blocks_scored, s.released_half_edges,
                   s.peak_half_edges,
                   locator ? locator->Describe() : std::string("none"));
      } else if (rejected > 0) {
        fmt::print(stderr, "bantay meta: {} input records rejected\n", rejected);
      }
      if (s.late > 0) {
        fmt::print(stderr,
                   "bantay meta: {} records came after their days were scored (out of order by "
                   "more than --lateness); sort the input by start, raise --lateness, or keep "
                   "every call with --horizon-days 0\n",
                   s.late);
      }
      if (*strict && rejected > 0) return kExitFindings;
      return kExitOk;
    };
  });
}

const CommandRegistration kRegisterMeta{20, RegisterMeta};

}  // namespace bantay::cli
