// PDQ: reference test vectors, dihedral variants, hex form, degenerate images.
#include <fstream>
#include <random>

#include "media/media.h"
#include "media_test_util.h"

namespace bantay::media {
namespace {

using testing::DataDir;
using testing::ReadBytes;

struct Expected {
  std::string file, hash;
  int quality;
  bool exact;
};

std::vector<Expected> ReadExpected(const std::string& csv) {
  std::vector<Expected> out;
  std::ifstream in(csv);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string x; std::getline(ss, x, ',');) f.push_back(x);
    if (f.size() != 6) continue;
    out.push_back({f[0], f[3], std::stoi(f[4]), f[5] == "exact"});
  }
  return out;
}

PdqHash HashFile(const std::string& path, PdqHasher& hasher) {
  auto bytes = ReadBytes(path);
  auto image = DecodeImage(bytes, path);
  EXPECT_TRUE(image.has_value()) << (image ? "" : image.error().ToString());
  return image ? hasher.Hash(*image) : PdqHash{};
}

TEST(Pdq, HexRoundTripsAndPutsBitZeroInTheLastDigit) {
  Hash256 h;
  h.SetBit(0);
  h.SetBit(255);
  EXPECT_EQ(h.ToHex(), "8" + std::string(62, '0') + "1");
  auto back = Hash256::FromHex(h.ToHex());
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, h);
  auto upper = Hash256::FromHex("F" + std::string(63, '0'));
  ASSERT_TRUE(upper);
  EXPECT_TRUE(upper->Bit(255) && upper->Bit(252) && !upper->Bit(251));
  EXPECT_FALSE(Hash256::FromHex("abc"));
  EXPECT_FALSE(Hash256::FromHex(std::string(63, '0') + "g"));
}

TEST(Pdq, ReferenceImagesHashExactlyAsExpectedWithTheirQuality) {
  PdqHasher hasher;
  const auto expected = ReadExpected(DataDir() + "/expected.csv");
  ASSERT_EQ(expected.size(), 14u);
  int checked = 0;
  for (const Expected& e : expected) {
    if (!e.exact) continue;
    ++checked;
    const PdqHash got = HashFile(DataDir() + "/" + e.file, hasher);
    EXPECT_EQ(got.hash.ToHex(), e.hash) << e.file;
    EXPECT_EQ(got.quality, e.quality) << e.file;
  }
  EXPECT_EQ(checked, 6);
}

// The reference C++ hasher
// squashes them to 512x512 first; with the same squash the hashes should be equal, and the
// reference's own tolerance for a conforming port is 10 bits.
TEST(Pdq, LargeReferenceImagesWithinTheReferenceToleranceOfTenBits) {
  const std::string dir = DataDir();
  PdqHasher squash;
  PdqHasher full(PdqOptions{.reference_resize = false});
  int checked = 0;
  for (const Expected& e : ReadExpected(dir + "/expected.csv")) {
    if (e.exact) continue;
    auto want = Hash256::FromHex(e.hash);
    ASSERT_TRUE(want);
    const PdqHash a = HashFile(dir + "/" + e.file, squash);
    const PdqHash b = HashFile(dir + "/" + e.file, full);
    EXPECT_LE(Distance(a.hash, *want), 10) << e.file;
    EXPECT_LE(Distance(b.hash, *want), 10) << e.file << " at full resolution";
    EXPECT_EQ(a.quality, e.quality) << e.file;
    ++checked;
  }
  EXPECT_EQ(checked, 8);
}

Image Synthetic(int w, int h, uint32_t seed) {
  Image img{w, h, 3, std::vector<uint8_t>(static_cast<size_t>(w) * h * 3)};
  std::mt19937 rng(seed);
  // Smooth blobs plus a gradient: structure at the scales PDQ keeps.
  std::vector<std::array<double, 4>> blobs(6);
  for (auto& b : blobs) {
    b = {rng() % w * 1.0, rng() % h * 1.0, 4.0 + rng() % (w / 3), (rng() % 200) - 100.0};
  }
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      double v = 128 + 40.0 * x / w - 30.0 * y / h;
      for (auto& b : blobs) {
        const double dx = x - b[0], dy = y - b[1];
        v += b[3] * std::exp(-(dx * dx + dy * dy) / (2 * b[2] * b[2]));
      }
      const uint8_t g = static_cast<uint8_t>(std::clamp(v, 0.0, 255.0));
      for (int c = 0; c < 3; ++c) img.pixels[(static_cast<size_t>(y) * w + x) * 3 + c] = g;
    }
  }
  return img;
}

// Applies a dihedral transform to the pixels (the definition the DCT shortcut must agree with).
Image Transform(const Image& in, Dihedral d) {
  const bool swap = d == Dihedral::kRotate90 || d == Dihedral::kRotate270 ||
                    d == Dihedral::kFlipPlus1 || d == Dihedral::kFlipMinus1;
  Image out{swap ? in.height : in.width, swap ? in.width : in.height, in.channels, {}};
  out.pixels.resize(in.pixels.size());
  const int W = in.width, H = in.height;
  for (int y = 0; y < out.height; ++y) {
    for (int x = 0; x < out.width; ++x) {
      int sx = x, sy = y;
      switch (d) {
        case Dihedral::kOriginal: break;
        case Dihedral::kRotate90: sx = W - 1 - y; sy = x; break;      // counter-clockwise
        case Dihedral::kRotate180: sx = W - 1 - x; sy = H - 1 - y; break;
        case Dihedral::kRotate270: sx = y; sy = H - 1 - x; break;      // clockwise
        case Dihedral::kFlipX: sy = H - 1 - y; break;                  // about the x axis
        case Dihedral::kFlipY: sx = W - 1 - x; break;                  // about the y axis
        case Dihedral::kFlipPlus1: sx = y; sy = x; break;              // transpose
        case Dihedral::kFlipMinus1: sx = W - 1 - y; sy = H - 1 - x; break;
      }
      for (int c = 0; c < in.channels; ++c) {
        out.pixels[(static_cast<size_t>(y) * out.width + x) * in.channels + c] =
            in.pixels[(static_cast<size_t>(sy) * W + sx) * in.channels + c];
      }
    }
  }
  return out;
}

TEST(Pdq, DihedralVariantsFromTheDctEqualHashesOfTransformedImages) {
  PdqHasher hasher;
  // 64x64: the filter and decimation are the identity there, so transforms commute exactly
  // up to float rounding near the median.
  for (uint32_t seed = 1; seed <= 5; ++seed) {
    const Image img = Synthetic(64, 64, seed);
    const auto variants = hasher.HashDihedral(img);
    EXPECT_EQ(variants[0].hash, hasher.Hash(img).hash);
    for (int d = 0; d < 8; ++d) {
      const PdqHash direct = hasher.Hash(Transform(img, static_cast<Dihedral>(d)));
      EXPECT_LE(Distance(variants[d].hash, direct.hash), 2)
          << DihedralName(static_cast<Dihedral>(d)) << " seed " << seed;
      EXPECT_EQ(variants[d].quality, variants[0].quality);
    }
    // The variants are genuinely different hashes.
    EXPECT_GT(Distance(variants[0].hash, variants[2].hash), 64);
  }
  // A real photograph, not square: within the matching threshold.
  auto bytes = ReadBytes(DataDir() + "/bridge-shrink-a-lot.jpg");
  auto photo = DecodeImage(bytes, "bridge");
  ASSERT_TRUE(photo);
  const auto variants = hasher.HashDihedral(*photo);
  for (int d = 0; d < 8; ++d) {
    const PdqHash direct = hasher.Hash(Transform(*photo, static_cast<Dihedral>(d)));
    EXPECT_LE(Distance(variants[d].hash, direct.hash), 31) << DihedralName(static_cast<Dihedral>(d));
  }
}

TEST(Pdq, ImagesUnderFivePixelsHashToZeroWithQualityZero) {
  PdqHasher hasher;
  const PdqHash h = hasher.Hash(Synthetic(4, 40, 1));
  EXPECT_EQ(h.hash, Hash256{});
  EXPECT_EQ(h.quality, 0);
}

TEST(Pdq, FlatImageHasQualityZeroAndTexturedImageHigh) {
  PdqHasher hasher;
  Image flat{100, 80, 1, std::vector<uint8_t>(100 * 80, 77)};
  EXPECT_EQ(hasher.Hash(flat).quality, 0);
  EXPECT_GE(hasher.Hash(Synthetic(200, 150, 3)).quality, 1);
}

TEST(Pdq, GreyAndRgbOfTheSameLuminanceHashAlike) {
  PdqHasher hasher;
  const Image rgb = Synthetic(120, 90, 9);
  Image grey{rgb.width, rgb.height, 1, {}};
  for (size_t i = 0; i < rgb.pixels.size(); i += 3) grey.pixels.push_back(rgb.pixels[i]);
  EXPECT_LE(Distance(hasher.Hash(rgb).hash, hasher.Hash(grey).hash), 2);
}

}  // namespace
}  // namespace bantay::media
