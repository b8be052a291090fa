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

}  // namespace
}  // namespace bantay::media
