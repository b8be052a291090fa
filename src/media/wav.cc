// media/wav.cc: RIFF/WAVE reader (PCM 16-bit, mono or stereo) and resampling to the
// recogniser's 16 kHz.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "media/media.h"

namespace bantay::media {

namespace {

uint32_t Le32(const uint8_t* p) {
  return p[0] | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
}
uint16_t Le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }

constexpr uint16_t kFormatPcm = 1;
constexpr uint16_t kFormatExtensible = 0xFFFE;

}  // namespace

Result<Audio> ParseWav(std::span<const uint8_t> data, std::string_view name, WavInfo* info) {
  const std::string file(name);
  if (data.empty()) return Fail(ErrorCode::kParse, "empty file (0 bytes)", file);
  if (data.size() < 12 || std::memcmp(data.data(), "RIFF", 4) != 0 ||
      std::memcmp(data.data() + 8, "WAVE", 4) != 0) {
    return Fail(ErrorCode::kParse, "not a RIFF/WAVE file", Where(file, 0, "header"));
  }
  bool have_format = false;
  uint16_t channels = 0, bits = 0;
  uint32_t rate = 0;
  size_t pos = 12;
  while (pos + 8 <= data.size()) {
    const uint8_t* chunk = data.data() + pos;
    const uint32_t size = Le32(chunk + 4);
    const size_t body = pos + 8;
    const size_t available = data.size() - body;
    if (std::memcmp(chunk, "fmt ", 4) == 0) {
      if (size < 16 || available < 16) {
        return Fail(ErrorCode::kParse, "format chunk too short", Where(file, 0, "fmt"));
      }
      const uint8_t* f = data.data() + body;
      uint16_t tag = Le16(f);
      channels = Le16(f + 2);
      rate = Le32(f + 4);
      bits = Le16(f + 14);
      if (tag == kFormatExtensible && size >= 40 && available >= 40) {
        tag = Le16(f + 24);  // the sub-format GUID starts with the format code
      }
      if (tag != kFormatPcm) {
        return Fail(ErrorCode::kParse,
                    "unsupported encoding (format code " + std::to_string(tag) +
                        "); only PCM is read",
                    Where(file, 0, "fmt.format"));
      }
      if (bits != 16) {
        return Fail(ErrorCode::kParse,
                    std::to_string(bits) + "-bit samples; only 16-bit PCM is read",
                    Where(file, 0, "fmt.bits_per_sample"));
      }
      if (channels != 1 && channels != 2) {
        return Fail(ErrorCode::kParse,
                    std::to_string(channels) + " channels; only mono or stereo is read",
                    Where(file, 0, "fmt.channels"));
      }
      if (rate < 8000 || rate > 192000) {
        return Fail(ErrorCode::kParse, "sample rate " + std::to_string(rate) + " Hz out of range",
                    Where(file, 0, "fmt.sample_rate"));
      }
      have_format = true;
    } else if (std::memcmp(chunk, "data", 4) == 0) {
      if (!have_format) {
        return Fail(ErrorCode::kParse, "data chunk before the format chunk", Where(file, 0, "data"));
      }
      // 0xFFFFFFFF (or any size past the end) marks a stream or a cut file: read what is there.
      const bool cut = size > available;
      if (cut && size != 0xFFFFFFFFu && info != nullptr) info->truncated = true;
      const size_t bytes = std::min<size_t>(size, available);
      const size_t frame_bytes = 2u * channels;
      const size_t frames = bytes / frame_bytes;
      if (frames == 0) return Fail(ErrorCode::kParse, "no audio samples", Where(file, 0, "data"));
      Audio audio;
      audio.sample_rate = static_cast<int>(rate);
      audio.channels.assign(channels, std::vector<int16_t>(frames));
      const uint8_t* p = data.data() + body;
      for (size_t i = 0; i < frames; ++i) {
        for (int c = 0; c < channels; ++c, p += 2) {
          audio.channels[c][i] = static_cast<int16_t>(Le16(p));
        }
      }
      return audio;
    }
    const uint64_t next = static_cast<uint64_t>(body) + size + (size & 1);
    if (next > data.size()) break;
    pos = static_cast<size_t>(next);
  }
  if (!have_format) return Fail(ErrorCode::kParse, "no format chunk", Where(file, 0, "fmt"));
  return Fail(ErrorCode::kParse, "no data chunk (file truncated?)", Where(file, 0, "data"));
}

std::vector<int16_t> Resample(std::span<const int16_t> in, int from_rate, int to_rate) {
  if (from_rate == to_rate || in.empty() || from_rate <= 0 || to_rate <= 0) {
    return std::vector<int16_t>(in.begin(), in.end());
  }
  const double ratio = static_cast<double>(from_rate) / to_rate;
  const size_t out_size = static_cast<size_t>(std::floor(in.size() / ratio));
  std::vector<int16_t> out(out_size);
  // Downsampling averages the input over one output period first (a box low-pass), so that
  // content above the new Nyquist frequency folds back less.
  const int half = ratio > 1 ? static_cast<int>(std::ceil(ratio / 2)) : 0;
  auto sample = [&](int64_t i) -> double {
    i = std::clamp<int64_t>(i, 0, static_cast<int64_t>(in.size()) - 1);
    if (half == 0) return in[i];
    double sum = 0;
    int n = 0;
    for (int64_t k = i - half + 1; k <= i + half - 1; ++k) {
      if (k < 0 || k >= static_cast<int64_t>(in.size())) continue;
      sum += in[k];
      ++n;
    }
    return n > 0 ? sum / n : 0;
  };
  for (size_t j = 0; j < out_size; ++j) {
    const double x = j * ratio;
    const int64_t i = static_cast<int64_t>(x);
    const double frac = x - i;
    const double v = sample(i) * (1 - frac) + sample(i + 1) * frac;
    out[j] = static_cast<int16_t>(std::clamp(std::lround(v), -32768L, 32767L));
  }
  return out;
}

}  // namespace bantay::media
