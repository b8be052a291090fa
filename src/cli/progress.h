// cli/progress.h: a one-line progress report on stderr for long runs (private to src/cli).
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

#include <fmt/core.h>

namespace bantay::cli {

// Rewrites one stderr line at most once a second, starting two seconds into the run, so
// short runs print nothing. Not thread-safe; call from the thread that consumes results.
class Progress {
 public:
  // `what` names the job ("scan"), `unit` what is counted ("messages", "records").
  Progress(bool enabled, std::string what, std::string unit)
      : enabled_(enabled), what_(std::move(what)), unit_(std::move(unit)), start_(Clock::now()) {}

  // `total` is the input size when known (0 for pipes).
  void Update(uint64_t bytes, uint64_t total, uint64_t items) {
    if (!enabled_) return;
    const auto now = Clock::now();
    if (now - start_ < std::chrono::seconds(2) || now - last_ < std::chrono::seconds(1)) return;
    last_ = now;
    const double secs = std::chrono::duration<double>(now - start_).count();
    if (total > 0) {
      fmt::print(stderr, "\r{}: {:.0f}% {:.0f} MB, {} {}, {:.0f} MB/s   ", what_,
                 100.0 * static_cast<double>(bytes) / static_cast<double>(total), bytes / 1e6,
                 items, unit_, bytes / 1e6 / secs);
    } else {
      fmt::print(stderr, "\r{}: {:.0f} MB, {} {}, {:.0f} MB/s   ", what_, bytes / 1e6, items,
                 unit_, bytes / 1e6 / secs);
    }
    shown_ = true;
  }
  void Done() {
    if (shown_) fmt::print(stderr, "\n");
  }

 private:
  using Clock = std::chrono::steady_clock;
  bool enabled_;
  std::string what_, unit_;
  bool shown_ = false;
  Clock::time_point start_, last_;
};

}  // namespace bantay::cli
