// cli/scan_job.h: the scan job behind `bantay scan`, callable from tests and benchmarks.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/core.h"
#include "text/text.h"

namespace bantay::cli {

struct ScanJobOptions {
  std::vector<std::string> files;  // "-" is stdin
  std::string lexicon_dir;         // empty: built-in lexicons
  std::string weights_file;        // empty: built-in weights
  bool all = false;                // emit unflagged conversations too
  double min_score = -1;           // < 0: the weights' flag_threshold
  int threads = 0;                 // <= 0: all cores
  std::string format = "auto";     // auto, jsonl, json (an array of records), pan12
  size_t max_line_bytes = 1 << 20;
  bool progress = false;           // progress lines on stderr
};

struct ScanSummary {
  uint64_t files = 0, messages = 0, conversations = 0, flagged = 0;
  uint64_t rejected = 0, repaired = 0, bytes = 0;
  double seconds = 0;
};

// Runs a whole scan. `emit` receives the output in deterministic order, a block of one or
// more whole lines at a time, each line ending in '\n' (written with one call per block);
// `on_reject` each rejected or repaired record as it is found. Fails only for problems that
// stop the job (unreadable file, bad lexicon); bad records are reported, not fatal.
Result<ScanSummary> RunScan(const ScanJobOptions& options,
                            const std::function<void(std::string_view)>& emit,
                            const std::function<void(const text::Rejection&)>& on_reject);

// Made at build time (tools/scan_tables.cc): the normaliser's fold tables, for
// text::Normaliser::Create's `prebuilt`, and the built-in lexicons' matcher database, for
// text::Matcher::Create's.
std::string_view PrebuiltFoldTables();
std::string_view PrebuiltMatcherDb();

}  // namespace bantay::cli
