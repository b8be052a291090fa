// fuzz/fuzz_bot_extract.cc: libFuzzer target for the bot's detail extractor and intent
// classifier on arbitrary partner lines (any bytes: the engine repairs UTF-8 first, but the
// extractor must not depend on it).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string_view>

#include "bot/bot.h"

namespace {
const bantay::bot::Classifier& SharedClassifier() {
  static const auto classifier = [] {
    auto c = bantay::bot::Classifier::Default();
    if (!c) {
      std::fprintf(stderr, "Classifier::Default failed: %s\n", c.error().ToString().c_str());
      __builtin_trap();
    }
    return *c;
  }();
  return *classifier;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  for (const auto& d : bantay::bot::ExtractDetails(in, 3)) {
    // Every detail quotes a non-empty range of the input.
    if (d.begin >= d.end || d.end > in.size() || d.message != 3 || d.kind.empty()) __builtin_trap();
  }
  auto c = SharedClassifier().Classify(in);
  if (c.level < 0 || c.level > 5 || !c.Has(c.primary)) __builtin_trap();
  return 0;
}
