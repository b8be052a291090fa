// media/media.h: perceptual hashing of images (PDQ) and video frames (vPDQ), hash lists
// with a multi-index Hamming-distance index, and speech to text (PocketSphinx) for calls.
// Matching never needs the original material: only hashes are stored.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/core.h"

namespace bantay::media {

// ---- 256-bit hashes -----------------------------------------------------------------------

// A PDQ hash. Bit k (k = 16 * row + column of the 16x16 DCT) is bit k % 64 of w[k / 64].
// The hex form is the reference implementation's: the 256-bit number written big-endian,
// 64 lowercase hex digits, so bit 0 is the lowest bit of the last digit.
struct Hash256 {
  std::array<uint64_t, 4> w{};

  // Accepts exactly 64 hex digits (either case).
  static Result<Hash256> FromHex(std::string_view hex);
  std::string ToHex() const;
  bool Bit(int k) const { return (w[k >> 6] >> (k & 63)) & 1; }
  void SetBit(int k) { w[k >> 6] |= uint64_t{1} << (k & 63); }
  friend bool operator==(const Hash256&, const Hash256&) = default;
};

inline int Distance(const Hash256& a, const Hash256& b) {
  return std::popcount(a.w[0] ^ b.w[0]) + std::popcount(a.w[1] ^ b.w[1]) +
         std::popcount(a.w[2] ^ b.w[2]) + std::popcount(a.w[3] ^ b.w[3]);
}

// The ecosystem's match threshold (ThreatExchange): Hamming distance <= 31 of 256 bits, and
// hashes of quality below 50 are not used for matching.
inline constexpr int kMatchDistance = 31;
inline constexpr int kMinQuality = 50;

// ---- Images -------------------------------------------------------------------------------

// A decoded image: 8-bit samples, row-major, `channels` 1 (grey) or 3 (RGB) per pixel.
struct Image {
  int width = 0;
  int height = 0;
  int channels = 0;
  std::vector<uint8_t> pixels;
};

struct DecodeLimits {
  uint32_t max_side = 30000;          // a width or height above this is refused
  uint64_t max_pixels = 100'000'000;  // width * height above this is refused (before allocating)
};

enum class MediaKind { kJpeg, kPng, kWav, kOther };
// Recognises a file by its first bytes (magic numbers), never by its name.
MediaKind SniffMedia(std::span<const uint8_t> head);

// Decodes a JPEG (libjpeg-turbo) or PNG (libpng) image held in memory. Truncated or corrupt
// data, zero-length input and dimensions over `limits` are errors naming `name`; nothing is
// allocated for the pixels before the dimensions are checked.
Result<Image> DecodeImage(std::span<const uint8_t> data, std::string_view name,
                          const DecodeLimits& limits = {});

// SHA-256 of a file's bytes as 64 lowercase hex digits (libsodium), read in blocks.
Result<std::string> FileSha256Hex(const std::string& path);

// ---- PDQ ----------------------------------------------------------------------------------

struct PdqHash {
  Hash256 hash;
  int quality = 0;  // 0..100, from the gradient sum of the 64x64 downsample
};

// The 8 dihedral transforms of an image, in the reference's order: rotations counter-
// clockwise, FlipX mirrors top to bottom, FlipY left to right, FlipPlus1 transposes, and
// FlipMinus1 mirrors about the other diagonal.
enum class Dihedral : uint8_t {
  kOriginal, kRotate90, kRotate180, kRotate270, kFlipX, kFlipY, kFlipPlus1, kFlipMinus1
};
std::string_view DihedralName(Dihedral d);

struct PdqOptions {
  // The reference C++ file hasher first squashes an image with a side over 512 px to exactly
  // 512x512 (nearest neighbour); doing the same keeps hashes bit-identical to it. Off: hash at
  // full resolution (within the reference's documented 10-bit tolerance).
  bool reference_resize = true;
};

// PDQ (Meta ThreatExchange's published algorithm): luminance, Jarosz filter (two box-filter
// passes per axis, window from the image size), decimation to 64x64, 16x16 DCT (basis 1..16),
// median threshold to 256 bits, and a gradient-sum quality. Holds reusable buffers: one hasher
// per thread, not thread-safe.
class PdqHasher {
 public:
  explicit PdqHasher(PdqOptions options = {}) : options_(options) {}

  PdqHash Hash(const Image& image);
  // All 8 dihedral variants, derived from one DCT (no re-hash), indexed by Dihedral.
  std::array<PdqHash, 8> HashDihedral(const Image& image);

  // From luminance values (rows * cols floats, row-major); images under 5 px on a side hash to
  // all zeros with quality 0, as in the reference.
  PdqHash HashLuma(std::span<const float> luma, int rows, int cols);

 private:
  // Fills dct_ (16x16) and returns the quality; false when the image is too small.
  bool Dct(const Image& image, int* quality);
  bool DctOfLuma(int rows, int cols, int* quality);  // from buf1_
  PdqOptions options_;
  std::vector<float> buf1_, buf2_;
  std::array<float, 64 * 64> a64_{};
  std::array<float, 16 * 64> t16_{};
  std::array<float, 16 * 16> dct_{};
};

// ---- Video (vPDQ) -------------------------------------------------------------------------

struct VideoOptions {
  double fps = 1.0;             // frames sampled per second of video
  DecodeLimits limits;          // per frame
  uint64_t max_frames = 200'000;  // sampled frames; more is an error (10 fps for 5.5 h)
};

struct FrameHash {
  double time_s = 0;  // presentation time of the sampled frame
  PdqHash pdq;
};

struct VideoHash {
  int width = 0;
  int height = 0;
  uint64_t frames_sampled = 0;     // before de-duplication
  uint64_t bad_packets = 0;        // corrupt packets skipped by the decoder
  std::vector<FrameHash> frames;   // consecutive identical hashes kept once (the first)
};

// Decodes a video file with FFmpeg's libraries and hashes frames sampled at options.fps.
// Corrupt, truncated or empty files are errors naming the file. Not thread-safe per hasher.
Result<VideoHash> HashVideoFile(const std::string& path, const VideoOptions& options,
                                PdqHasher& hasher);

// Keeps the first of each run of consecutive identical hashes.
void DedupConsecutive(std::vector<FrameHash>* frames);

// The two-sided vPDQ rule: a query video matches a candidate when the share of query frames
// with a near candidate frame AND the share of candidate frames with a near query frame are
// both at or above their thresholds.
struct VideoMatchOptions {
  int max_distance = kMatchDistance;
  int min_quality = kMinQuality;      // frames below are ignored on both sides
  double query_share = 0.8;
  double candidate_share = 0.8;
};
struct VideoMatchShares {
  double query = 0;      // matched query frames / usable query frames
  double candidate = 0;  // matched candidate frames / usable candidate frames
  bool matched = false;
};
VideoMatchShares MatchVideos(std::span<const PdqHash> query, std::span<const PdqHash> candidate,
                             const VideoMatchOptions& options = {});

// ---- Hash index ---------------------------------------------------------------------------

struct IndexMatch {
  uint32_t id = 0;   // position of the hash in the indexed span
  int distance = 0;
  friend bool operator==(const IndexMatch&, const IndexMatch&) = default;
};

// Multi-index hashing (Norouzi et al.): the 256 bits are cut into m substrings with a table
// each; a hash within distance r of the query agrees with it to within floor(r/m) bits on
// some substring (to within q on one of the first r%m+1, or q-1 on another, where q = r/m),
// so a query enumerates only those neighbours of its substrings, then checks the candidates'
// full distance. Results equal a full scan's. Immutable once built; thread-safe queries with
// one scratch per thread.
class HashIndex {
 public:
  // `substrings` 0 chooses m from the list size (11 for large lists: 2 bits per substring
  // at r = 31).
  static HashIndex Build(std::vector<Hash256> hashes, int substrings = 0);

  struct Scratch {
    std::vector<uint32_t> candidates;
  };
  // All indexed hashes within `max_distance` (0..255) of `query`, by ascending id.
  void Query(const Hash256& query, int max_distance, std::vector<IndexMatch>* out,
             Scratch& scratch) const;

  size_t size() const { return hashes_.size(); }
  const std::vector<Hash256>& hashes() const { return hashes_; }
  // Bytes held by the index, hashes included.
  size_t MemoryBytes() const;
  int substrings() const { return static_cast<int>(tables_.size()); }

 private:
  struct Table {
    int start = 0;       // first bit of the substring
    int bits = 0;        // its length (<= 32)
    int dir_bits = 0;    // bits of the directory key (the substring's top bits)
    std::vector<uint32_t> dir;   // 2^dir_bits + 1 offsets into ids
    std::vector<uint32_t> ids;   // hash ids grouped by directory key
    std::vector<uint32_t> keys;  // full substring per id, only when dir_bits < bits
  };
  std::vector<Hash256> hashes_;
  std::vector<Table> tables_;
};

// The reference: every hash's distance computed (popcount over packed 256-bit hashes).
void BruteForceQuery(std::span<const Hash256> hashes, const Hash256& query, int max_distance,
                     std::vector<IndexMatch>* out);

// ---- Hash lists ---------------------------------------------------------------------------

// Who a listed hash came from and what it stands for. `item` groups the frame hashes of one
// listed video (empty for a single image).
struct ListInfo {
  std::string list, label, source, item;
  friend bool operator==(const ListInfo&, const ListInfo&) = default;
};

// A set of listed hashes with their list, label and source. Only hashes are held.
class HashList {
 public:
  // Parses a CSV or TSV hash list (the separator is whatever the header uses: tab or comma)
  // whose header names a `pdq` (or `hash`) column and optionally `list`, `label`, `source`,
  // `item`; other columns are ignored. A missing or empty list/label/source takes the value
  // from `defaults`. Bad rows (not 64 hex digits, missing list name, field too long) go to
  // `rejects` as file:line:field; a bad header is an error. Exact duplicates are kept once;
  // entries are ordered by hash.
  static Result<HashList> Parse(std::string_view content, std::string_view file_name,
                                const ListInfo& defaults, std::vector<Rejection>* rejects);
  // Adds another list's entries (duplicates of existing ones are kept once).
  void Append(const HashList& other);
  // The stored form: TSV "pdq list label source item" with a header; Parse reads it back.
  std::string Serialize() const;

  size_t size() const { return hashes_.size(); }
  const std::vector<Hash256>& hashes() const { return hashes_; }
  const ListInfo& info(size_t i) const { return infos_[info_of_[i]]; }
  // Entries sharing one ListInfo form one listed item; a listed video's frames share it.
  uint32_t info_index(size_t i) const { return info_of_[i]; }
  size_t entries_with_info(uint32_t info) const { return info_count_[info]; }

 private:
  uint32_t InfoIndex(const ListInfo& info);
  // Sorts entries by hash and drops exact duplicates (same hash and info).
  void Normalise();
  std::vector<Hash256> hashes_;
  std::vector<uint32_t> info_of_;  // per hash, index into infos_
  std::vector<ListInfo> infos_;    // distinct infos
  std::vector<uint32_t> info_count_;  // entries per info
};

// ---- Audio --------------------------------------------------------------------------------

// PCM audio as 16-bit samples per channel.
struct Audio {
  int sample_rate = 0;
  std::vector<std::vector<int16_t>> channels;  // 1 (mono) or 2 (stereo)
  size_t frames() const { return channels.empty() ? 0 : channels[0].size(); }
};

// Reads a RIFF/WAVE file: PCM 16-bit, mono or stereo, any sample rate (8 kHz..192 kHz).
// Other encodings, truncated or corrupt headers and missing data are errors naming `name`.
// A data chunk cut short by a truncated file is read up to the cut and flagged in `truncated`.
struct WavInfo {
  bool truncated = false;
};
Result<Audio> ParseWav(std::span<const uint8_t> data, std::string_view name,
                       WavInfo* info = nullptr);

// Linear-interpolation resampling of one channel to `to_rate` after a short low-pass (box)
// when downsampling.
std::vector<int16_t> Resample(std::span<const int16_t> in, int from_rate, int to_rate);

// PCM audio read in blocks, so that a long recording is never held whole in memory.
class PcmSource {
 public:
  virtual ~PcmSource() = default;
  virtual int sample_rate() const = 0;
  virtual int channel_count() const = 0;
  virtual uint64_t frames() const = 0;
  // Copies frames [first, first + out.size()) of `channel` into `out`.
  // REQUIRES: channel < channel_count(), first + out.size() <= frames().
  virtual Status Read(int channel, uint64_t first, std::span<int16_t> out) = 0;
};

// `audio` as a source; `audio` must outlive it.
std::unique_ptr<PcmSource> MemoryPcmSource(const Audio& audio);

// A WAV file (same formats and checks as ParseWav) read with pread as blocks are asked for.
Result<std::unique_ptr<PcmSource>> OpenWav(const std::string& path, WavInfo* info = nullptr);

// Output samples [first, first + out.size()) of Resample(all of `source`'s `channel`,
// source rate, `to_rate`), reading only the input frames they depend on: equal, sample for
// sample, to resampling the whole channel at once. `scratch` is reused between calls.
Status ResampleBlock(PcmSource& source, int channel, int to_rate, uint64_t first,
                     std::span<int16_t> out, std::vector<int16_t>* scratch);
// Samples Resample produces for `frames` input frames.
uint64_t ResampledLength(uint64_t frames, int from_rate, int to_rate);

// ---- Speech to text ---------------------------------------------------------------------

struct Utterance {
  int channel = 0;
  double start_s = 0;  // offset from the start of the audio
  double end_s = 0;
  std::string text;    // recognised words, lower case, fillers and <s> markers removed
  std::vector<std::string> keywords;  // keyphrases spotted inside [start_s, end_s]
};

struct SpeechOptions {
  std::string model_dir = "/usr/share/pocketsphinx/model/en-us";  // hmm/, .lm.bin, .dict
  // Keyphrases spotted in a second pass (PocketSphinx keyphrase search), so that terms are
  // not lost to recognition errors. Phrases with words missing from the pronunciation
  // dictionary, or shorter than kws_min_phones, are left out (see Recognizer::keyphrases()).
  std::vector<std::string> keyphrases;
  double kws_threshold = 1e-20;   // detection threshold for a 10-phone phrase, scaled per
                                  // phone for others (smaller: more detections)
  int kws_min_phones = 7;         // shorter keyphrases are not spotted
  double block_s = 2.0;           // audio fed to the decoder per block
};

// A PocketSphinx 0.8 decoder: continuous recognition with its voice-activity detector
// cutting utterances, plus optional keyphrase spotting. Not thread-safe; one per thread.
class Recognizer {
 public:
  static Result<std::unique_ptr<Recognizer>> Create(const SpeechOptions& options);
  ~Recognizer();

  // Transcribes every channel of `audio` (resampled to 16 kHz when needed). `progress`, when
  // given, is called after each block with the seconds done and the total.
  Result<std::vector<Utterance>> Transcribe(
      const Audio& audio, const std::function<void(double done_s, double total_s)>& progress = {});
  // The same from a source read block by block (SpeechOptions::block_s at a time), so that
  // memory stays flat however long the recording is.
  Result<std::vector<Utterance>> Transcribe(
      PcmSource& source, const std::function<void(double done_s, double total_s)>& progress = {});

  // The keyphrases actually searched for (those whose words are all in the dictionary).
  const std::vector<std::string>& keyphrases() const { return keyphrases_; }
  // True when every word of `phrase` is in the pronunciation dictionary.
  bool InDictionary(std::string_view phrase) const;
  // Phones in the pronunciation of `phrase`, or -1 when a word is not in the dictionary.
  int PhoneCount(std::string_view phrase) const;

  struct Impl;

 private:
  Recognizer() = default;
  std::unique_ptr<Impl> impl_;
  std::vector<std::string> keyphrases_;
};

// Word error rate of `hypothesis` against `reference`: word-level edit distance / number of
// reference words (lower-cased, punctuation dropped). Also returns the edit count.
double WordErrorRate(std::string_view reference, std::string_view hypothesis,
                     size_t* edits = nullptr, size_t* words = nullptr);

}  // namespace bantay::media
