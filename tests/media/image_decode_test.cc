// Image decoding: JPEG and PNG, and clear errors for empty, truncated, corrupt and huge input.
#include "media/media.h"
#include "media_test_util.h"

namespace bantay::media {
namespace {

using testing::DataDir;
using testing::ReadBytes;

class ImageDecode : public testing::TempDirTest {};

TEST_F(ImageDecode, JpegDecodesToRgbOfItsSize) {
  auto bytes = ReadBytes(DataDir() + "/bridge-shrink-a-lot.jpg");
  auto image = DecodeImage(bytes, "b.jpg");
  ASSERT_TRUE(image) << image.error().ToString();
  EXPECT_EQ(image->width, 160);
  EXPECT_EQ(image->height, 100);
  EXPECT_EQ(image->channels, 3);
  EXPECT_EQ(image->pixels.size(), 160u * 100 * 3);
}

TEST_F(ImageDecode, PngAndJpegOfTheSameFrameHashAlike) {
  ASSERT_TRUE(Run("ffmpeg -nostdin -y -f lavfi -i testsrc=size=200x150:rate=1 -frames:v 1 " +
                  Path("a.png")));
  ASSERT_TRUE(Run("ffmpeg -nostdin -y -i " + Path("a.png") + " -q:v 2 " + Path("a.jpg")));
  auto png = DecodeImage(ReadBytes(Path("a.png")), "a.png");
  auto jpg = DecodeImage(ReadBytes(Path("a.jpg")), "a.jpg");
  ASSERT_TRUE(png) << png.error().ToString();
  ASSERT_TRUE(jpg) << jpg.error().ToString();
  EXPECT_EQ(png->width, 200);
  EXPECT_EQ(png->height, 150);
  PdqHasher hasher;
  EXPECT_LE(Distance(hasher.Hash(*png).hash, hasher.Hash(*jpg).hash), 16);
}

TEST_F(ImageDecode, GreyPngIsOneChannel) {
  ASSERT_TRUE(Run("ffmpeg -nostdin -y -f lavfi -i testsrc=size=64x48:rate=1 -frames:v 1 "
                  "-pix_fmt gray " + Path("g.png")));
  auto png = DecodeImage(ReadBytes(Path("g.png")), "g.png");
  ASSERT_TRUE(png) << png.error().ToString();
  EXPECT_EQ(png->channels, 1);
}

TEST_F(ImageDecode, EmptyInputIsAnErrorNamingTheFile) {
  auto r = DecodeImage({}, "empty.jpg");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().where, "empty.jpg");
  EXPECT_NE(r.error().message.find("empty"), std::string::npos);
}

TEST_F(ImageDecode, UnknownFormatIsAnError) {
  const std::vector<uint8_t> text{'h', 'e', 'l', 'l', 'o'};
  auto r = DecodeImage(text, "x.txt");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("not a JPEG or PNG"), std::string::npos);
}

TEST_F(ImageDecode, TruncatedJpegAtAnyCutIsAnErrorNotACrash) {
  const auto bytes = ReadBytes(DataDir() + "/bridge-square-128x128.jpg");
  for (size_t cut : {size_t{3}, size_t{20}, size_t{200}, bytes.size() / 2, bytes.size() - 10}) {
    std::vector<uint8_t> part(bytes.begin(), bytes.begin() + cut);
    auto r = DecodeImage(part, "cut.jpg");
    EXPECT_FALSE(r) << "cut at " << cut;
    if (!r) {
      EXPECT_EQ(r.error().code, ErrorCode::kParse);
    }
  }
}

TEST_F(ImageDecode, TruncatedPngIsAnError) {
  ASSERT_TRUE(Run("ffmpeg -nostdin -y -f lavfi -i testsrc=size=100x80:rate=1 -frames:v 1 " +
                  Path("a.png")));
  const auto bytes = ReadBytes(Path("a.png"));
  for (size_t cut : {size_t{8}, size_t{30}, bytes.size() / 2, bytes.size() - 13}) {
    std::vector<uint8_t> part(bytes.begin(), bytes.begin() + cut);
    EXPECT_FALSE(DecodeImage(part, "cut.png")) << "cut at " << cut;
  }
}

TEST_F(ImageDecode, CorruptJpegBodyDoesNotCrash) {
  auto bytes = ReadBytes(DataDir() + "/bridge-square-256x256.jpg");
  for (size_t i = bytes.size() / 3; i < bytes.size() - 2; i += 7) bytes[i] ^= 0x5a;
  auto r = DecodeImage(bytes, "corrupt.jpg");  // an error, or garbage pixels: never a crash
  if (r) {
    EXPECT_EQ(r->pixels.size(), 256u * 256 * 3);
  }
}

// Rewrites the frame size in a JPEG's SOF0 marker.
std::vector<uint8_t> WithJpegSize(std::vector<uint8_t> bytes, uint16_t w, uint16_t h) {
  for (size_t i = 2; i + 9 < bytes.size(); ++i) {
    if (bytes[i] == 0xFF && (bytes[i + 1] == 0xC0 || bytes[i + 1] == 0xC2)) {
      bytes[i + 5] = h >> 8;
      bytes[i + 6] = h & 0xFF;
      bytes[i + 7] = w >> 8;
      bytes[i + 8] = w & 0xFF;
      return bytes;
    }
  }
  ADD_FAILURE() << "no SOF marker";
  return bytes;
}

TEST_F(ImageDecode, HugeDimensionsAreRefusedBeforeDecoding) {
  const auto bytes = ReadBytes(DataDir() + "/bridge-square-128x128.jpg");
  auto r = DecodeImage(WithJpegSize(bytes, 65000, 65000), "huge.jpg");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("65000x65000"), std::string::npos) << r.error().message;
  // Within each side's limit but over the pixel budget.
  auto r2 = DecodeImage(WithJpegSize(bytes, 20000, 20000), "big.jpg");
  ASSERT_FALSE(r2);
  EXPECT_NE(r2.error().message.find("limit"), std::string::npos);
  // Limits are options.
  auto r3 = DecodeImage(bytes, "small-limit.jpg", DecodeLimits{.max_side = 100});
  EXPECT_FALSE(r3);
}

uint32_t Crc32(const uint8_t* p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; ++i) {
    c ^= p[i];
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
  }
  return ~c;
}

TEST_F(ImageDecode, HugePngIsRefusedBeforeDecoding) {
  // Signature and an IHDR claiming 100000 x 100000 RGB, with a valid CRC, then no pixels.
  std::vector<uint8_t> png{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13,
                           'I', 'H', 'D', 'R', 0, 1, 0x86, 0xA0, 0, 1, 0x86, 0xA0, 8, 2, 0, 0, 0};
  const uint32_t crc = Crc32(png.data() + 12, 17);
  for (int s = 24; s >= 0; s -= 8) png.push_back(static_cast<uint8_t>(crc >> s));
  // An empty IDAT: the header is read up to the first image data.
  const std::vector<uint8_t> idat{0, 0, 0, 0, 'I', 'D', 'A', 'T'};
  png.insert(png.end(), idat.begin(), idat.end());
  const uint32_t idat_crc = Crc32(idat.data() + 4, 4);
  for (int s = 24; s >= 0; s -= 8) png.push_back(static_cast<uint8_t>(idat_crc >> s));
  auto r = DecodeImage(png, "huge.png");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("100000x100000"), std::string::npos) << r.error().ToString();
}

TEST_F(ImageDecode, SniffRecognisesMagicNumbers) {
  const std::vector<uint8_t> wav{'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'A', 'V', 'E'};
  EXPECT_EQ(SniffMedia(wav), MediaKind::kWav);
  EXPECT_EQ(SniffMedia(ReadBytes(DataDir() + "/wee.jpg")), MediaKind::kJpeg);
  EXPECT_EQ(SniffMedia({}), MediaKind::kOther);
}

}  // namespace
}  // namespace bantay::media
