// media/pdq.cc: PDQ image hashing after Meta ThreatExchange's published algorithm
// (pdq/README and hashing.pdf): luminance, Jarosz filter, 64x64 decimation, 16x16 DCT,
// median threshold, quality, and the dihedral variants taken from the DCT.
#include <algorithm>
#include <cmath>
#include <numbers>

#include "media/media.h"

namespace bantay::media {

namespace {

constexpr int kMinHashableSide = 5;
constexpr int kReferenceResize = 512;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Window of the box filter: the reference's ceil(old / (2 * 64)).
int JaroszWindow(int old_size) { return (old_size + 2 * 64 - 1) / (2 * 64); }

// One box-filter pass over a vector with stride, windows shrinking at both ends (reference
// box1DFloat: the window is centred, half = (w + 2) / 2).
void Box1D(const float* in, float* out, int length, int stride, int window) {
  const int half = (window + 2) / 2;
  const int phase1 = half - 1;
  const int phase2 = window - half + 1;
  const int phase3 = length - window;
  const int phase4 = half - 1;
  int li = 0, ri = 0, oi = 0, count = 0;
  float sum = 0;
  for (int i = 0; i < phase1; ++i, ri += stride) {
    sum += in[ri];
    ++count;
  }
  for (int i = 0; i < phase2; ++i, ri += stride, oi += stride) {
    sum += in[ri];
    ++count;
    out[oi] = sum / count;
  }
  for (int i = 0; i < phase3; ++i, li += stride, ri += stride, oi += stride) {
    sum += in[ri];
    sum -= in[li];
    out[oi] = sum / count;
  }
  for (int i = 0; i < phase4; ++i, li += stride, oi += stride) {
    sum -= in[li];
    --count;
    out[oi] = sum / count;
  }
}

// 16x64 DCT-II basis rows 1..16 (the constant row 0 is left out), scaled by sqrt(2/64).
const std::array<float, 16 * 64>& DctMatrix() {
  static const std::array<float, 16 * 64> matrix = [] {
    std::array<float, 16 * 64> m{};
    const double scale = std::sqrt(2.0 / 64.0);
    for (int i = 0; i < 16; ++i) {
      for (int j = 0; j < 64; ++j) {
        m[i * 64 + j] =
            static_cast<float>(scale * std::cos((std::numbers::pi / 2 / 64.0) * (i + 1) * (2 * j + 1)));
      }
    }
    return m;
  }();
  return matrix;
}

// The 128th smallest of 256 values (what the reference's Torben median returns).
float Median256(const std::array<float, 256>& values) {
  std::array<float, 256> copy = values;
  std::nth_element(copy.begin(), copy.begin() + 127, copy.end());
  return copy[127];
}

Hash256 Threshold(const std::array<float, 256>& dct) {
  const float median = Median256(dct);
  Hash256 h;
  for (int k = 0; k < 256; ++k) {
    if (dct[k] > median) h.SetBit(k);
  }
  return h;
}

// The DCT of a transformed image from the original's. Coefficient (i, j) stands for basis
// (i + 1, j + 1): mirroring an axis negates the coefficients whose basis index along it is
// odd (i even), and a transpose swaps i and j.
std::array<float, 256> TransformDct(const std::array<float, 256>& a, Dihedral d) {
  std::array<float, 256> b{};
  for (int i = 0; i < 16; ++i) {
    for (int j = 0; j < 16; ++j) {
      const float v = a[i * 16 + j];
      const float neg_i = (i & 1) ? v : -v;       // mirrored vertically (rows reversed)
      const float neg_j = (j & 1) ? v : -v;       // mirrored horizontally (columns reversed)
      const float neg_ij = ((i + j) & 1) ? -v : v;  // both
      switch (d) {
        case Dihedral::kOriginal: b[i * 16 + j] = v; break;
        case Dihedral::kRotate90: b[j * 16 + i] = neg_j; break;
        case Dihedral::kRotate180: b[i * 16 + j] = neg_ij; break;
        case Dihedral::kRotate270: b[j * 16 + i] = neg_i; break;
        case Dihedral::kFlipX: b[i * 16 + j] = neg_i; break;
        case Dihedral::kFlipY: b[i * 16 + j] = neg_j; break;
        case Dihedral::kFlipPlus1: b[j * 16 + i] = v; break;
        case Dihedral::kFlipMinus1: b[j * 16 + i] = neg_ij; break;
      }
    }
  }
  return b;
}

}  // namespace

Result<Hash256> Hash256::FromHex(std::string_view hex) {
  if (hex.size() != 64) {
    return Fail(ErrorCode::kParse,
                "a PDQ hash is 64 hex digits, got " + std::to_string(hex.size()) + " characters");
  }
  Hash256 h;
  for (int c = 0; c < 64; ++c) {
    const int v = HexValue(hex[c]);
    if (v < 0) {
      return Fail(ErrorCode::kParse, "not a hex digit at position " + std::to_string(c + 1));
    }
    const int bit = (63 - c) * 4;  // lowest bit of this digit
    h.w[bit >> 6] |= static_cast<uint64_t>(v) << (bit & 63);
  }
  return h;
}

std::string Hash256::ToHex() const {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(64, '0');
  for (int c = 0; c < 64; ++c) {
    const int bit = (63 - c) * 4;
    out[c] = kDigits[(w[bit >> 6] >> (bit & 63)) & 15];
  }
  return out;
}

std::string_view DihedralName(Dihedral d) {
  static constexpr std::string_view kNames[] = {"original", "rotate90", "rotate180",
                                                "rotate270", "flipx",    "flipy",
                                                "flipplus1", "flipminus1"};
  return kNames[static_cast<int>(d)];
}

bool PdqHasher::Dct(const Image& image, int* quality) {
  int cols = image.width, rows = image.height;
  if (rows < kMinHashableSide || cols < kMinHashableSide) return false;
  // Source pixel of each output pixel: identity, or the reference loader's nearest-neighbour
  // squash to 512x512.
  const bool squash =
      options_.reference_resize && (cols > kReferenceResize || rows > kReferenceResize);
  const int out_cols = squash ? kReferenceResize : cols;
  const int out_rows = squash ? kReferenceResize : rows;
  buf1_.resize(static_cast<size_t>(out_rows) * out_cols);
  const int ch = image.channels;
  const size_t stride = static_cast<size_t>(image.width) * ch;
  for (int y = 0; y < out_rows; ++y) {
    const int sy = squash ? static_cast<int>(static_cast<int64_t>(y) * rows / out_rows) : y;
    const uint8_t* row = image.pixels.data() + sy * stride;
    float* out = buf1_.data() + static_cast<size_t>(y) * out_cols;
    for (int x = 0; x < out_cols; ++x) {
      const int sx = squash ? static_cast<int>(static_cast<int64_t>(x) * cols / out_cols) : x;
      const uint8_t* p = row + static_cast<size_t>(sx) * ch;
      out[x] = ch >= 3 ? 0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2] : static_cast<float>(p[0]);
    }
  }
  return DctOfLuma(out_rows, out_cols, quality);
}

bool PdqHasher::DctOfLuma(int rows, int cols, int* quality) {
  if (rows < kMinHashableSide || cols < kMinHashableSide) return false;
  buf2_.resize(buf1_.size());
  const int window_along_rows = JaroszWindow(cols);
  const int window_along_cols = JaroszWindow(rows);
  for (int pass = 0; pass < 2; ++pass) {
    for (int i = 0; i < rows; ++i) {
      Box1D(&buf1_[static_cast<size_t>(i) * cols], &buf2_[static_cast<size_t>(i) * cols], cols, 1,
            window_along_rows);
    }
    for (int j = 0; j < cols; ++j) Box1D(&buf2_[j], &buf1_[j], rows, cols, window_along_cols);
  }
  for (int i = 0; i < 64; ++i) {
    const int si = static_cast<int>(((i + 0.5) * rows) / 64);
    for (int j = 0; j < 64; ++j) {
      const int sj = static_cast<int>(((j + 0.5) * cols) / 64);
      a64_[i * 64 + j] = buf1_[static_cast<size_t>(si) * cols + sj];
    }
  }
  // Quality: sum of absolute neighbour differences in percent of full scale, over 90, capped.
  int gradient_sum = 0;
  for (int i = 0; i < 63; ++i) {
    for (int j = 0; j < 64; ++j) {
      const int d = static_cast<int>(((a64_[i * 64 + j] - a64_[(i + 1) * 64 + j]) * 100) / 255);
      gradient_sum += std::abs(d);
    }
  }
  for (int i = 0; i < 64; ++i) {
    for (int j = 0; j < 63; ++j) {
      const int d = static_cast<int>(((a64_[i * 64 + j] - a64_[i * 64 + j + 1]) * 100) / 255);
      gradient_sum += std::abs(d);
    }
  }
  *quality = std::min(100, gradient_sum / 90);
  // B = D A D^T with D the 16x64 basis.
  const auto& dm = DctMatrix();
  for (int i = 0; i < 16; ++i) {
    for (int j = 0; j < 64; ++j) {
      float sum = 0;
      for (int k = 0; k < 64; ++k) sum += dm[i * 64 + k] * a64_[k * 64 + j];
      t16_[i * 64 + j] = sum;
    }
  }
  for (int i = 0; i < 16; ++i) {
    for (int j = 0; j < 16; ++j) {
      float sum = 0;
      for (int k = 0; k < 64; ++k) sum += t16_[i * 64 + k] * dm[j * 64 + k];
      dct_[i * 16 + j] = sum;
    }
  }
  return true;
}

PdqHash PdqHasher::Hash(const Image& image) {
  PdqHash out;
  if (!Dct(image, &out.quality)) return PdqHash{};
  out.hash = Threshold(dct_);
  return out;
}

std::array<PdqHash, 8> PdqHasher::HashDihedral(const Image& image) {
  std::array<PdqHash, 8> out{};
  int quality = 0;
  if (!Dct(image, &quality)) return out;
  for (int d = 0; d < 8; ++d) {
    out[d].quality = quality;
    out[d].hash = Threshold(TransformDct(dct_, static_cast<Dihedral>(d)));
  }
  return out;
}

PdqHash PdqHasher::HashLuma(std::span<const float> luma, int rows, int cols) {
  PdqHash out;
  if (rows < kMinHashableSide || cols < kMinHashableSide ||
      luma.size() < static_cast<size_t>(rows) * cols) {
    return out;
  }
  buf1_.assign(luma.begin(), luma.begin() + static_cast<size_t>(rows) * cols);
  if (!DctOfLuma(rows, cols, &out.quality)) return PdqHash{};
  out.hash = Threshold(dct_);
  return out;
}

}  // namespace bantay::media
