// cli/sim_rng.h: the random numbers of the simulators (private to src/cli).
#pragma once

#include <cstdint>
#include <random>

namespace bantay::cli {

// std::mt19937_64 is specified bit-exactly by the standard; the std::*_distribution classes
// are not, so these helpers are our own, built with + - * / only, and a simulator's output
// for a seed is the same on every toolchain. Not thread-safe; one per generator.
class SimRng {
 public:
  explicit SimRng(uint64_t seed) : engine_(seed) {}
  uint64_t Next() { return engine_(); }
  // Uniform in [0, n). REQUIRES: n > 0.
  uint64_t Below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64);
  }
  // Uniform in [lo, hi]. REQUIRES: lo <= hi.
  int Range(int lo, int hi) {
    return lo + static_cast<int>(Below(static_cast<uint64_t>(hi - lo) + 1));
  }
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Unit() < p; }
  // A count with mean `mean` (binomial, close to Poisson for small means).
  int Count(double mean) {
    if (mean <= 0) return 0;
    const int trials = 2 * static_cast<int>(mean) + 4;
    const double p = mean / trials;
    int n = 0;
    for (int i = 0; i < trials; ++i) n += Chance(p);
    return n;
  }

 private:
  std::mt19937_64 engine_;
};

}  // namespace bantay::cli
