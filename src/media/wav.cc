// media/wav.cc: RIFF/WAVE reader (PCM 16-bit, mono or stereo) and resampling to the
// recogniser's 16 kHz.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
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


// Where the samples of a WAV file are.
struct WavLayout {
  int channels = 0;
  int rate = 0;
  uint64_t data_offset = 0;
  uint64_t frames = 0;
};

// Reads up to out.size() bytes at `offset`; fewer only at the end of the input.
using ReadAt = std::function<Result<size_t>(uint64_t offset, std::span<uint8_t> out)>;

// The RIFF chunk walk shared by the in-memory and the file reader.
Result<WavLayout> ReadLayout(const ReadAt& read, uint64_t file_size, const std::string& file,
                             WavInfo* info) {
  if (file_size == 0) return Fail(ErrorCode::kParse, "empty file (0 bytes)", file);
  uint8_t head[12];
  auto got = read(0, head);
  if (!got) return tl::unexpected(got.error());
  if (*got < 12 || std::memcmp(head, "RIFF", 4) != 0 || std::memcmp(head + 8, "WAVE", 4) != 0) {
    return Fail(ErrorCode::kParse, "not a RIFF/WAVE file", Where(file, 0, "header"));
  }
  bool have_format = false;
  WavLayout layout;
  uint64_t pos = 12;
  while (pos + 8 <= file_size) {
    uint8_t chunk[8];
    got = read(pos, chunk);
    if (!got) return tl::unexpected(got.error());
    if (*got < 8) break;
    const uint32_t size = Le32(chunk + 4);
    const uint64_t body = pos + 8;
    const uint64_t available = file_size - body;
    if (std::memcmp(chunk, "fmt ", 4) == 0) {
      if (size < 16 || available < 16) {
        return Fail(ErrorCode::kParse, "format chunk too short", Where(file, 0, "fmt"));
      }
      uint8_t f[40] = {};
      got = read(body, std::span<uint8_t>(f, std::min<uint64_t>({40, size, available})));
      if (!got) return tl::unexpected(got.error());
      uint16_t tag = Le16(f);
      const uint16_t channels = Le16(f + 2);
      const uint32_t rate = Le32(f + 4);
      const uint16_t bits = Le16(f + 14);
      if (tag == kFormatExtensible && *got >= 40) {
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
      layout.channels = channels;
      layout.rate = static_cast<int>(rate);
      have_format = true;
    } else if (std::memcmp(chunk, "data", 4) == 0) {
      if (!have_format) {
        return Fail(ErrorCode::kParse, "data chunk before the format chunk", Where(file, 0, "data"));
      }
      // 0xFFFFFFFF (or any size past the end) marks a stream or a cut file: read what is there.
      const bool cut = size > available;
      if (cut && size != 0xFFFFFFFFu && info != nullptr) info->truncated = true;
      layout.data_offset = body;
      layout.frames = std::min<uint64_t>(size, available) / (2u * layout.channels);
      if (layout.frames == 0) {
        return Fail(ErrorCode::kParse, "no audio samples", Where(file, 0, "data"));
      }
      return layout;
    }
    pos = body + size + (size & 1);
  }
  if (!have_format) return Fail(ErrorCode::kParse, "no format chunk", Where(file, 0, "fmt"));
  return Fail(ErrorCode::kParse, "no data chunk (file truncated?)", Where(file, 0, "data"));
}

// Splits interleaved little-endian frames into channel `channel`.
void Deinterleave(const uint8_t* p, size_t frames, int channels, int channel, int16_t* out) {
  p += 2 * channel;
  for (size_t i = 0; i < frames; ++i, p += 2 * channels) out[i] = static_cast<int16_t>(Le16(p));
}

class MemorySource final : public PcmSource {
 public:
  explicit MemorySource(const Audio& audio) : audio_(audio) {}
  int sample_rate() const override { return audio_.sample_rate; }
  int channel_count() const override { return static_cast<int>(audio_.channels.size()); }
  uint64_t frames() const override { return audio_.frames(); }
  Status Read(int channel, uint64_t first, std::span<int16_t> out) override {
    const auto& ch = audio_.channels[channel];
    std::copy(ch.begin() + first, ch.begin() + first + out.size(), out.begin());
    return {};
  }

 private:
  const Audio& audio_;
};

class WavFileSource final : public PcmSource {
 public:
  WavFileSource(int fd, std::string path, WavLayout layout)
      : fd_(fd), path_(std::move(path)), layout_(layout) {}
  ~WavFileSource() override { ::close(fd_); }
  int sample_rate() const override { return layout_.rate; }
  int channel_count() const override { return layout_.channels; }
  uint64_t frames() const override { return layout_.frames; }
  Status Read(int channel, uint64_t first, std::span<int16_t> out) override {
    const size_t frame_bytes = 2u * layout_.channels;
    constexpr size_t kPieceFrames = 16384;
    for (size_t done = 0; done < out.size();) {
      const size_t n = std::min(kPieceFrames, out.size() - done);
      bytes_.resize(n * frame_bytes);
      auto got = PreadAll(fd_, layout_.data_offset + (first + done) * frame_bytes, bytes_);
      if (!got) return tl::unexpected(Error{ErrorCode::kIo, got.error().message, path_});
      if (*got < bytes_.size()) {
        return Fail(ErrorCode::kIo, "file shrank while it was read", Where(path_, 0, "data"));
      }
      Deinterleave(bytes_.data(), n, layout_.channels, channel, out.data() + done);
      done += n;
    }
    return {};
  }

  static Result<size_t> PreadAll(int fd, uint64_t offset, std::span<uint8_t> out) {
    size_t done = 0;
    while (done < out.size()) {
      const ssize_t r = ::pread(fd, out.data() + done, out.size() - done,
                                static_cast<off_t>(offset + done));
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) return Fail(ErrorCode::kIo, std::string("read failed: ") + std::strerror(errno));
      if (r == 0) break;
      done += static_cast<size_t>(r);
    }
    return done;
  }

 private:
  int fd_;
  std::string path_;
  WavLayout layout_;
  std::vector<uint8_t> bytes_;
};

}  // namespace

Result<Audio> ParseWav(std::span<const uint8_t> data, std::string_view name, WavInfo* info) {
  const std::string file(name);
  auto layout = ReadLayout(
      [&](uint64_t offset, std::span<uint8_t> out) -> Result<size_t> {
        const size_t n = offset >= data.size() ? 0 : std::min<size_t>(out.size(), data.size() - offset);
        if (n > 0) std::memcpy(out.data(), data.data() + offset, n);
        return n;
      },
      data.size(), file, info);
  if (!layout) return tl::unexpected(layout.error());
  Audio audio;
  audio.sample_rate = layout->rate;
  audio.channels.assign(layout->channels, std::vector<int16_t>(layout->frames));
  for (int c = 0; c < layout->channels; ++c) {
    Deinterleave(data.data() + layout->data_offset, layout->frames, layout->channels, c,
                 audio.channels[c].data());
  }
  return audio;
}

std::unique_ptr<PcmSource> MemoryPcmSource(const Audio& audio) {
  return std::make_unique<MemorySource>(audio);
}

Result<std::unique_ptr<PcmSource>> OpenWav(const std::string& path, WavInfo* info) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Fail(errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                std::string("cannot open: ") + std::strerror(errno), path);
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Fail(ErrorCode::kIo, "not a regular file", path);
  }
  auto layout = ReadLayout(
      [&](uint64_t offset, std::span<uint8_t> out) -> Result<size_t> {
        auto n = WavFileSource::PreadAll(fd, offset, out);
        if (!n) return Fail(ErrorCode::kIo, n.error().message, path);
        return n;
      },
      static_cast<uint64_t>(st.st_size), path, info);
  if (!layout) {
    ::close(fd);
    return tl::unexpected(layout.error());
  }
  return std::make_unique<WavFileSource>(fd, path, *layout);
}

namespace {

double Ratio(int from_rate, int to_rate) { return static_cast<double>(from_rate) / to_rate; }
// Half-width of the box low-pass applied before downsampling (0: none).
int BoxHalf(double ratio) { return ratio > 1 ? static_cast<int>(std::ceil(ratio / 2)) : 0; }
// The input frame output sample `j` interpolates from (and the next one).
int64_t InputIndex(uint64_t j, double ratio) { return static_cast<int64_t>(j * ratio); }

// Output samples [first, first + out.size()) from `in`, which holds input frames
// [in_first, in_first + in.size()) of a channel of `total` frames: at least every frame the
// outputs depend on (see ResampleBlock).
void ResampleWindow(std::span<const int16_t> in, int64_t in_first, int64_t total, double ratio,
                    uint64_t first, std::span<int16_t> out) {
  // Downsampling averages the input over one output period first (a box low-pass), so that
  // content above the new Nyquist frequency folds back less.
  const int half = BoxHalf(ratio);
  auto sample = [&](int64_t i) -> double {
    i = std::clamp<int64_t>(i, 0, total - 1);
    if (half == 0) return in[i - in_first];
    double sum = 0;
    int n = 0;
    for (int64_t k = std::max<int64_t>(i - half + 1, 0); k <= std::min(i + half - 1, total - 1); ++k) {
      sum += in[k - in_first];
      ++n;
    }
    return n > 0 ? sum / n : 0;
  };
  for (size_t o = 0; o < out.size(); ++o) {
    const double x = (first + o) * ratio;
    const int64_t i = static_cast<int64_t>(x);
    const double frac = x - i;
    const double v = sample(i) * (1 - frac) + sample(i + 1) * frac;
    out[o] = static_cast<int16_t>(std::clamp(std::lround(v), -32768L, 32767L));
  }
}

}  // namespace

uint64_t ResampledLength(uint64_t frames, int from_rate, int to_rate) {
  if (from_rate == to_rate || from_rate <= 0 || to_rate <= 0) return frames;
  return static_cast<uint64_t>(std::floor(frames / Ratio(from_rate, to_rate)));
}

std::vector<int16_t> Resample(std::span<const int16_t> in, int from_rate, int to_rate) {
  if (from_rate == to_rate || in.empty() || from_rate <= 0 || to_rate <= 0) {
    return std::vector<int16_t>(in.begin(), in.end());
  }
  std::vector<int16_t> out(ResampledLength(in.size(), from_rate, to_rate));
  ResampleWindow(in, 0, static_cast<int64_t>(in.size()), Ratio(from_rate, to_rate), 0, out);
  return out;
}

Status ResampleBlock(PcmSource& source, int channel, int to_rate, uint64_t first,
                     std::span<int16_t> out, std::vector<int16_t>* scratch) {
  const int from_rate = source.sample_rate();
  if (out.empty()) return {};
  if (from_rate == to_rate || from_rate <= 0 || to_rate <= 0) {
    return source.Read(channel, first, out);
  }
  const double ratio = Ratio(from_rate, to_rate);
  const int64_t total = static_cast<int64_t>(source.frames());
  const int half = BoxHalf(ratio);
  // Every input frame the outputs read: the box around frames i and i + 1 for the first and
  // last output, clamped to the channel.
  const int64_t lo = std::clamp<int64_t>(InputIndex(first, ratio) - half, 0, total - 1);
  const int64_t hi =
      std::clamp<int64_t>(InputIndex(first + out.size() - 1, ratio) + 1 + half, 0, total - 1);
  scratch->resize(static_cast<size_t>(hi - lo + 1));
  if (auto st = source.Read(channel, static_cast<uint64_t>(lo), *scratch); !st) return st;
  ResampleWindow(*scratch, lo, total, ratio, first, out);
  return {};
}

}  // namespace bantay::media
