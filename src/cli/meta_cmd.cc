// cli/meta_cmd.cc: `bantay meta`: scores accounts in call records for supply (exploitation
// hubs) and demand (their customers) and prints account leads JSONL.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include <fmt/core.h>

#include "cli/commands.h"
#include "cli/progress.h"
#include "meta/meta.h"

namespace bantay::cli {

namespace {

struct MetaJobOptions {
  std::vector<std::string> files;
  std::string geo;              // libloc database or .mmdb; empty: libloc's default
  std::string weights_file;
  int window_days = 7;
  bool all = false;
  double min_score = -1;
  int threads = 0;
};

struct ParsedChunk {
  Chunk chunk;
};
struct ParsedRecords {
  std::vector<meta::CallRecord> records;
  std::vector<Rejection> rejects;
};

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

static void RegisterMeta(CLI::App& app, std::function<int()>* run) {
  auto opt = std::make_shared<MetaJobOptions>();
  auto stats = std::make_shared<bool>(false);
  auto strict = std::make_shared<bool>(false);
  auto max_errors = std::make_shared<size_t>(20);
  CLI::App* cmd = app.add_subcommand(
      "meta",
      "Score accounts in call records (CSV with header, or JSONL): supply (a hotspot account in "
      "video contact with many foreign accounts) and demand (their customers).\n"
      "IP location: libloc (Debian libloc-database, /var/lib/location/database.db; its date is "
      "printed by --stats), or a MaxMind .mmdb with --geo. Record columns win over IPs.");
  cmd->add_option("files", opt->files, "Call record files; '-' is stdin (default)");
  cmd->add_option("--geo", opt->geo, "IP database: a libloc database.db or a MaxMind .mmdb")
      ->check(CLI::ExistingFile);
  cmd->add_option("--window-days", opt->window_days, "Sliding window length in days (7)")
      ->check(CLI::Range(1, 366));
  cmd->add_option("--weights", opt->weights_file,
                  "Weights TSV (default: the built-in data/meta/weights.tsv)")
      ->check(CLI::ExistingFile);
  cmd->add_flag("--all", opt->all, "Print every scored account, not only flagged ones");
  cmd->add_option("--min-score", opt->min_score, "Flag at or above this score (0.5)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--threads", opt->threads, "Worker threads (default: all cores)")
      ->check(CLI::Range(1, 1024));
  cmd->add_flag("--stats", *stats, "Print counts and throughput on stderr");
  cmd->add_flag("--strict", *strict, "Exit 1 if any input record was rejected");
  cmd->add_option("--max-errors", *max_errors, "Print at most this many input errors (20)");
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
      auto analyzer = meta::Analyzer::Create(&*countries, locator.get(), *weights, mo);
      if (!analyzer) return fail(analyzer.error());

      uint64_t rejected = 0, bytes = 0, shown = 0, records_read = 0, total = 0;
      Progress progress(isatty(STDERR_FILENO) != 0, "meta", "records");
      auto report = [&](const Rejection& r) {
        ++rejected;
        if (shown++ < *max_errors) {
          fmt::print(stderr, "bantay meta: {}: {} (rejected)\n", r.where, r.message);
        }
      };
      for (const std::string& path : o.files) {
        auto reader_or = LineChunkReader::Open(path);
        if (!reader_or) return fail(reader_or.error());
        LineChunkReader& reader = **reader_or;
        total += reader.size_hint();
        Chunk first;
        auto more = reader.Next(&first);
        if (!more) return fail(more.error());
        if (!*more) continue;
        auto records = meta::CallRecordReader::Create(first, reader.name());
        if (!records) return fail(records.error());
        bool have_first = true;
        std::function<bool(ParsedChunk*)> produce = [&](ParsedChunk* c) {
          if (have_first) {
            c->chunk = std::move(first);
            have_first = false;
            return true;
          }
          auto m = reader.Next(&c->chunk);
          if (!m) {
            report({reader.name(), m.error().ToString(), false});
            return false;
          }
          return *m;
        };
        std::function<void(ParsedChunk&, ParsedRecords*)> work = [&](ParsedChunk& c,
                                                                     ParsedRecords* out) {
          records->Parse(c.chunk, [&](meta::CallRecord&& r) { out->records.push_back(std::move(r)); },
                         &out->rejects);
        };
        std::function<void(ParsedChunk&, ParsedRecords&)> consume = [&](ParsedChunk& c,
                                                                        ParsedRecords& r) {
          bytes += c.chunk.data.size();
          for (const auto& rej : r.rejects) report(rej);
          for (const auto& rec : r.records) (*analyzer)->Add(rec);
          records_read += r.records.size();
          progress.Update(bytes, total, records_read);
        };
        OrderedParallelMap<ParsedChunk, ParsedRecords>(threads, produce, work, consume);
      }
      progress.Done();
      if (shown > *max_errors) {
        fmt::print(stderr, "bantay meta: ... and {} more input errors\n", shown - *max_errors);
      }
      std::vector<meta::AccountLead> leads = (*analyzer)->Finish(threads);
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
      if (*stats) {
        fmt::print(stderr,
                   "meta: {} records ({} duplicates, {} rejected), {} accounts, {} flagged "
                   "leads; {} IP lookups, {} anonymous, {} sides without location; "
                   "{:.1f} MB in {:.2f} s ({:.2f} M records/s); IP data: {}\n",
                   s.records, s.duplicates, rejected, s.accounts, flagged, s.ip_lookups,
                   s.anonymous_ip, s.unknown_location, bytes / 1e6, secs,
                   secs > 0 ? s.records / secs / 1e6 : 0.0,
                   locator ? locator->Describe() : std::string("none"));
      } else if (rejected > 0) {
        fmt::print(stderr, "bantay meta: {} input records rejected\n", rejected);
      }
      if (*strict && rejected > 0) return kExitFindings;
      return kExitOk;
    };
  });
}

const CommandRegistration kRegisterMeta{20, RegisterMeta};

}  // namespace bantay::cli
