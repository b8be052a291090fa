// fuzz/fuzz_normalise.cc: libFuzzer target for the normaliser and its offset map.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "text/text.h"

namespace {

const bantay::text::Normaliser& SharedNormaliser() {
  static const std::shared_ptr<const bantay::text::Normaliser> normaliser = [] {
    auto created = bantay::text::Normaliser::Create();
    if (!created) {
      std::fprintf(stderr, "Normaliser::Create failed: %s\n",
                   created.error().ToString().c_str());
      __builtin_trap();
    }
    return *created;
  }();
  return *normaliser;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const bantay::text::Normaliser& normaliser = SharedNormaliser();
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string out;
  std::vector<uint32_t> offsets;
  normaliser.Normalise(in, &out, &offsets);

  // One offset per output byte plus the final in.size(), never decreasing, never past the end.
  if (offsets.size() != out.size() + 1) __builtin_trap();
  for (size_t i = 0; i < offsets.size(); ++i) {
    if (offsets[i] > in.size()) __builtin_trap();
    if (i > 0 && offsets[i] < offsets[i - 1]) __builtin_trap();
  }

  // Without offsets the text is the same.
  std::string plain;
  normaliser.Normalise(in, &plain);
  if (plain != out) __builtin_trap();
  return 0;
}
