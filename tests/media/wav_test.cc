// WAV reader and resampler: formats accepted and refused, truncation, rates.
#include <cmath>

#include "media/media.h"
#include "media_test_util.h"

namespace bantay::media {
namespace {

void Put32(std::vector<uint8_t>* b, uint32_t v) {
  for (int i = 0; i < 4; ++i) b->push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void Put16(std::vector<uint8_t>* b, uint16_t v) {
  b->push_back(static_cast<uint8_t>(v));
  b->push_back(static_cast<uint8_t>(v >> 8));
}

std::vector<uint8_t> Wav(const std::vector<int16_t>& interleaved, int channels, int rate,
                         uint16_t format = 1, uint16_t bits = 16) {
  std::vector<uint8_t> b{'R', 'I', 'F', 'F'};
  Put32(&b, 36 + interleaved.size() * 2);
  for (char c : std::string("WAVEfmt ")) b.push_back(c);
  Put32(&b, 16);
  Put16(&b, format);
  Put16(&b, channels);
  Put32(&b, rate);
  Put32(&b, rate * channels * bits / 8);
  Put16(&b, channels * bits / 8);
  Put16(&b, bits);
  for (char c : std::string("LIST")) b.push_back(c);  // an unrelated chunk to skip
  Put32(&b, 3);
  b.insert(b.end(), {'a', 'b', 'c', 0});               // odd size, padded
  for (char c : std::string("data")) b.push_back(c);
  Put32(&b, interleaved.size() * 2);
  for (int16_t s : interleaved) Put16(&b, static_cast<uint16_t>(s));
  return b;
}

TEST(Wav, MonoAndStereoPcmAreRead) {
  auto mono = ParseWav(Wav({1, -2, 3}, 1, 16000), "m.wav");
  ASSERT_TRUE(mono) << mono.error().ToString();
  EXPECT_EQ(mono->sample_rate, 16000);
  EXPECT_EQ(mono->channels.size(), 1u);
  EXPECT_EQ(mono->channels[0], (std::vector<int16_t>{1, -2, 3}));
  auto stereo = ParseWav(Wav({1, 10, 2, 20}, 2, 44100), "s.wav");
  ASSERT_TRUE(stereo);
  ASSERT_EQ(stereo->channels.size(), 2u);
  EXPECT_EQ(stereo->channels[0], (std::vector<int16_t>{1, 2}));
  EXPECT_EQ(stereo->channels[1], (std::vector<int16_t>{10, 20}));
}

TEST(Wav, UnsupportedFormatsNameTheField) {
  auto r = ParseWav(Wav({1, 2}, 1, 16000, 3), "f.wav");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().where, "f.wav:fmt.format");
  r = ParseWav(Wav({1, 2}, 1, 16000, 1, 8), "b.wav");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().where, "b.wav:fmt.bits_per_sample");
  r = ParseWav(Wav({1, 2, 3}, 3, 16000), "c.wav");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().where, "c.wav:fmt.channels");
  r = ParseWav(Wav({1, 2}, 1, 1000), "r.wav");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().where, "r.wav:fmt.sample_rate");
}

TEST(Wav, EmptyNotRiffAndHeaderCutsAreErrors) {
  EXPECT_FALSE(ParseWav({}, "e.wav"));
  const std::vector<uint8_t> text{'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd', '!'};
  EXPECT_FALSE(ParseWav(text, "t.wav"));
  const auto full = Wav({1, 2, 3, 4}, 1, 16000);
  for (size_t cut = 0; cut < 56; ++cut) {  // up to the first sample
    std::vector<uint8_t> part(full.begin(), full.begin() + cut);
    EXPECT_FALSE(ParseWav(part, "cut.wav")) << cut;
  }
}

TEST(Wav, DataCutShortIsReadUpToTheCutAndFlagged) {
  auto full = Wav({1, 2, 3, 4, 5}, 1, 16000);
  full.resize(full.size() - 5);  // two and a half samples lost
  WavInfo info;
  auto r = ParseWav(full, "t.wav", &info);
  ASSERT_TRUE(r);
  EXPECT_TRUE(info.truncated);
  EXPECT_EQ(r->channels[0], (std::vector<int16_t>{1, 2}));
}

TEST(Wav, ResampleKeepsDurationAndPitch) {
  std::vector<int16_t> tone(22050);
  for (size_t i = 0; i < tone.size(); ++i) {
    tone[i] = static_cast<int16_t>(10000 * std::sin(2 * M_PI * 440 * i / 22050.0));
  }
  const auto out = Resample(tone, 22050, 16000);
  EXPECT_NEAR(static_cast<double>(out.size()), 16000, 1);
  int crossings = 0;
  for (size_t i = 1; i < out.size(); ++i) crossings += (out[i - 1] < 0) != (out[i] < 0);
  EXPECT_NEAR(crossings, 880, 4);
  EXPECT_EQ(Resample(tone, 16000, 16000).size(), tone.size());
}

// Resampling block by block from a source equals resampling the whole channel, for down- and
// upsampling and blocks of every size (the transcriber streams long files this way).
TEST(Wav, ResampleBlockEqualsWholeChannel) {
  for (int rate : {44100, 22050, 16000, 8000}) {
    Audio audio;
    audio.sample_rate = rate;
    audio.channels.assign(2, std::vector<int16_t>(rate / 3 + 17));
    uint32_t x = 12345;
    for (auto& ch : audio.channels) {
      for (int16_t& v : ch) v = static_cast<int16_t>((x = x * 1103515245u + 12345u) >> 16);
    }
    auto source = MemoryPcmSource(audio);
    for (int c = 0; c < 2; ++c) {
      const std::vector<int16_t> whole = Resample(audio.channels[c], rate, 16000);
      ASSERT_EQ(whole.size(), ResampledLength(audio.frames(), rate, 16000));
      for (size_t block : {1u, 7u, 160u, 4096u}) {
        std::vector<int16_t> streamed(whole.size()), scratch;
        for (size_t first = 0; first < whole.size(); first += block) {
          const size_t n = std::min(block, whole.size() - first);
          ASSERT_TRUE(ResampleBlock(*source, c, 16000, first,
                                    std::span<int16_t>(streamed.data() + first, n), &scratch));
        }
        EXPECT_EQ(streamed, whole) << rate << " Hz, channel " << c << ", block " << block;
      }
    }
  }
}

class WavFile : public testing::TempDirTest {};

// The file reader finds the same samples as the in-memory parser, reading only what is asked.
TEST_F(WavFile, OpenWavReadsWhatParseWavReads) {
  std::vector<int16_t> interleaved(2 * 50000);
  for (size_t i = 0; i < interleaved.size(); ++i) interleaved[i] = static_cast<int16_t>(i * 7);
  const auto bytes = Wav(interleaved, 2, 22050);
  testing::WriteBytes(Path("s.wav"), bytes);
  auto parsed = ParseWav(bytes, "s.wav");
  auto file = OpenWav(Path("s.wav"));
  ASSERT_TRUE(parsed && file) << (file ? "" : file.error().ToString());
  EXPECT_EQ((*file)->sample_rate(), 22050);
  EXPECT_EQ((*file)->channel_count(), 2);
  ASSERT_EQ((*file)->frames(), parsed->frames());
  for (int c = 0; c < 2; ++c) {
    std::vector<int16_t> got(parsed->frames());
    // In three uneven reads, the middle one crossing the reader's internal piece size.
    ASSERT_TRUE((*file)->Read(c, 0, std::span<int16_t>(got.data(), 3)));
    ASSERT_TRUE((*file)->Read(c, 3, std::span<int16_t>(got.data() + 3, 40000)));
    ASSERT_TRUE((*file)->Read(c, 40003, std::span<int16_t>(got.data() + 40003, got.size() - 40003)));
    EXPECT_EQ(got, parsed->channels[c]) << "channel " << c;
  }
}

TEST_F(WavFile, OpenWavRefusesWhatParseWavRefusesAndFlagsTruncation) {
  EXPECT_EQ(OpenWav(Path("missing.wav")).error().code, ErrorCode::kNotFound);
  testing::WriteBytes(Path("empty.wav"), {});
  auto r = OpenWav(Path("empty.wav"));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().ToString().find("empty.wav"), std::string::npos);
  testing::WriteBytes(Path("f.wav"), Wav({1, 2}, 1, 16000, 3));
  r = OpenWav(Path("f.wav"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().where, Where(Path("f.wav"), 0, "fmt.format"));
  auto cut = Wav({1, 2, 3, 4, 5}, 1, 16000);
  cut.resize(cut.size() - 5);
  testing::WriteBytes(Path("cut.wav"), cut);
  WavInfo info;
  auto file = OpenWav(Path("cut.wav"), &info);
  ASSERT_TRUE(file);
  EXPECT_TRUE(info.truncated);
  EXPECT_EQ((*file)->frames(), 2u);
}

}  // namespace
}  // namespace bantay::media
