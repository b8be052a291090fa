// vPDQ: frame sampling rate, de-duplication, the two-sided match rule, bad video files.
#include "media/media.h"
#include "media_test_util.h"

namespace bantay::media {
namespace {

class Video : public testing::TempDirTest {};

TEST_F(Video, FramesAreSampledAtTheRequestedRate) {
  ASSERT_TRUE(MakeVideo("t.mp4", "testsrc=size=160x120:rate=10", 3));
  PdqHasher hasher;
  auto one = HashVideoFile(Path("t.mp4"), VideoOptions{}, hasher);
  ASSERT_TRUE(one) << one.error().ToString();
  EXPECT_EQ(one->frames_sampled, 3u);
  ASSERT_EQ(one->frames.size(), 3u);
  EXPECT_NEAR(one->frames[0].time_s, 0.0, 1e-6);
  EXPECT_NEAR(one->frames[2].time_s, 2.0, 0.11);
  EXPECT_EQ(one->width, 160);
  auto two = HashVideoFile(Path("t.mp4"), VideoOptions{.fps = 2, .limits = {}}, hasher);
  ASSERT_TRUE(two);
  EXPECT_EQ(two->frames_sampled, 6u);
}

TEST_F(Video, ConsecutiveIdenticalFramesAreKeptOnce) {
  ASSERT_TRUE(MakeVideo("still.mp4", "color=c=0x336699:size=96x96:rate=5", 3));
  PdqHasher hasher;
  auto v = HashVideoFile(Path("still.mp4"), VideoOptions{}, hasher);
  ASSERT_TRUE(v) << v.error().ToString();
  EXPECT_EQ(v->frames_sampled, 3u);
  EXPECT_EQ(v->frames.size(), 1u);
}

std::vector<PdqHash> Hashes(const VideoHash& v) {
  std::vector<PdqHash> out;
  for (const FrameHash& f : v.frames) out.push_back(f.pdq);
  return out;
}

TEST_F(Video, TwoSidedRuleNeedsBothSharesOverThreshold) {
  ASSERT_TRUE(MakeVideo("long.mp4", "testsrc2=size=160x120:rate=5", 5));
  ASSERT_TRUE(MakeVideo("other.mp4", "mandelbrot=size=160x120:rate=5", 5));
  ASSERT_TRUE(Run("ffmpeg -nostdin -y -i " + Path("long.mp4") + " -t 1 " + Path("clip.mp4")));
  PdqHasher hasher;
  auto a = HashVideoFile(Path("long.mp4"), {}, hasher);
  auto b = HashVideoFile(Path("other.mp4"), {}, hasher);
  auto c = HashVideoFile(Path("clip.mp4"), {}, hasher);
  ASSERT_TRUE(a && b && c);
  const auto self = MatchVideos(Hashes(*a), Hashes(*a));
  EXPECT_TRUE(self.matched);
  EXPECT_DOUBLE_EQ(self.query, 1.0);
  EXPECT_FALSE(MatchVideos(Hashes(*a), Hashes(*b)).matched);
  // The clip is all in the long video, but covers a fifth of it.
  const auto part = MatchVideos(Hashes(*c), Hashes(*a));
  EXPECT_DOUBLE_EQ(part.query, 1.0);
  EXPECT_LT(part.candidate, 0.5);
  EXPECT_FALSE(part.matched);
  EXPECT_TRUE(MatchVideos(Hashes(*c), Hashes(*a), {.candidate_share = 0.1}).matched);
}

TEST_F(Video, EmptyGarbageAndTruncatedFilesAreErrorsNotCrashes) {
  PdqHasher hasher;
  testing::WriteBytes(Path("empty.mp4"), {});
  auto r = HashVideoFile(Path("empty.mp4"), {}, hasher);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().where, Path("empty.mp4"));
  std::vector<uint8_t> junk(5000);
  for (size_t i = 0; i < junk.size(); ++i) junk[i] = static_cast<uint8_t>(i * 7919 >> 3);
  testing::WriteBytes(Path("junk.mp4"), junk);
  EXPECT_FALSE(HashVideoFile(Path("junk.mp4"), {}, hasher));
  EXPECT_FALSE(HashVideoFile(Path("missing.mp4"), {}, hasher));
  ASSERT_TRUE(MakeVideo("t.mkv", "testsrc=size=128x96:rate=10", 3));
  auto bytes = testing::ReadBytes(Path("t.mkv"));
  bytes.resize(bytes.size() / 2);
  testing::WriteBytes(Path("half.mkv"), bytes);
  auto half = HashVideoFile(Path("half.mkv"), {}, hasher);  // what is there, or an error
  if (half) {
    EXPECT_LE(half->frames_sampled, 3u);
  }
  EXPECT_FALSE(HashVideoFile(Path("t.mkv"), VideoOptions{.fps = 0, .limits = {}}, hasher));
}

}  // namespace
}  // namespace bantay::media
