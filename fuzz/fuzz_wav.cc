// fuzz/fuzz_wav.cc: libFuzzer target for the WAV reader and the resampler.

#include <cstddef>
#include <cstdint>

#include "media/media.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  bantay::media::WavInfo info;
  auto audio = bantay::media::ParseWav({data, size}, "fuzz", &info);
  if (!audio) {
    if (audio.error().message.empty() || audio.error().where.rfind("fuzz", 0) != 0) __builtin_trap();
    return 0;
  }
  if (audio->channels.empty() || audio->channels.size() > 2 || audio->frames() == 0 ||
      audio->frames() * 2 * audio->channels.size() > size) {
    __builtin_trap();
  }
  for (const auto& ch : audio->channels) {
    if (ch.size() != audio->frames()) __builtin_trap();
  }
  const auto resampled =
      bantay::media::Resample(audio->channels[0], audio->sample_rate, 16000);
  const double expect = audio->frames() * 16000.0 / audio->sample_rate;
  if (resampled.size() > expect + 1) __builtin_trap();
  return 0;
}
