// fuzz/fuzz_image_decode.cc: libFuzzer target for the JPEG and PNG readers and PDQ on what
// they decode.

#include <cstddef>
#include <cstdint>

#include "media/media.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Small limits keep each input fast; the checks are the same at any size.
  bantay::media::DecodeLimits limits;
  limits.max_side = 2048;
  limits.max_pixels = 1 << 21;
  auto image = bantay::media::DecodeImage({data, size}, "fuzz", limits);
  if (!image) {
    // Every refusal says why and where.
    if (image.error().message.empty() || image.error().where != "fuzz") __builtin_trap();
    return 0;
  }
  const auto& img = *image;
  if (img.width <= 0 || img.height <= 0 || (img.channels != 1 && img.channels != 3) ||
      img.pixels.size() != static_cast<size_t>(img.width) * img.height * img.channels) {
    __builtin_trap();
  }
  static bantay::media::PdqHasher hasher;
  const auto h = hasher.Hash(img);
  if (h.quality < 0 || h.quality > 100) __builtin_trap();
  return 0;
}
