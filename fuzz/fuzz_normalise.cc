// fuzz/fuzz_normalise.cc: libFuzzer target for the normaliser and its offset map, the
// matcher's reading of the digits the normaliser keeps (Matcher::ReadLeetDigits), and the
// age readers on its output (FindAges, BareAgeAnswer, YesNoAnswer), and the money amounts and
// pictograph terms of its input (FindAmounts, Matcher::FindSymbols).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "text/text.h"

namespace {

const bantay::text::Normaliser& SharedNormaliser() {
  static const std::shared_ptr<const bantay::text::Normaliser> normaliser = [] {
    auto created = bantay::text::Normaliser::Create();
    if (!created) {
      std::fprintf(stderr, "Normaliser::Create failed: %s\n",
                   created.error().ToString().c_str());
      __builtin_trap();
    }
    return *created;
  }();
  return *normaliser;
}

const bantay::text::Matcher& SharedMatcher() {
  static const std::shared_ptr<const bantay::text::Matcher> matcher = [] {
    auto lexicon = bantay::text::Lexicon::Default();
    if (!lexicon) __builtin_trap();
    auto created = bantay::text::Matcher::Create(*lexicon, *bantay::text::Normaliser::Create());
    if (!created) __builtin_trap();
    return *created;
  }();
  return *matcher;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const bantay::text::Normaliser& normaliser = SharedNormaliser();
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string out;
  std::vector<uint32_t> offsets;
  normaliser.Normalise(in, &out, &offsets);

  // One offset per output byte plus the final in.size(), never decreasing, never past the end.
  if (offsets.size() != out.size() + 1) __builtin_trap();
  for (size_t i = 0; i < offsets.size(); ++i) {
    if (offsets[i] > in.size()) __builtin_trap();
    if (i > 0 && offsets[i] < offsets[i - 1]) __builtin_trap();
  }

  // The matcher's contract (Matcher::Match): words of word bytes (a-z, 0-9, >= 0x80), each
  // separated by one space, none before the first or after the last.
  for (size_t i = 0; i < out.size(); ++i) {
    const auto b = static_cast<unsigned char>(out[i]);
    const bool word = (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b >= 0x80;
    if (!word && (b != ' ' || i == 0 || i + 1 == out.size() || out[i + 1] == ' ')) {
      __builtin_trap();
    }
  }

  // Digits read as letters in place: the same length, no other byte changed, each digit left
  // or made a letter, and read again nothing changes (a word read has no digit left).
  std::string read = out;
  SharedMatcher().ReadLeetDigits(&read);
  if (read.size() != out.size()) __builtin_trap();
  for (size_t i = 0; i < out.size(); ++i) {
    const bool digit = out[i] >= '0' && out[i] <= '9';
    if (read[i] != out[i] && !(digit && read[i] >= 'a' && read[i] <= 'z')) __builtin_trap();
  }
  std::string again = read;
  SharedMatcher().ReadLeetDigits(&again);
  if (again != read) __builtin_trap();

  // The age readers on normalised text: statements inside it, ages in range, "under N" only
  // up to 18; a bare answer's number or -1; a yes-no answer of 1, -1 or 0.
  std::vector<bantay::text::AgeStatement> ages;
  bantay::text::FindAges(out, &ages);
  for (const auto& a : ages) {
    if (a.begin >= a.end || a.end > out.size()) __builtin_trap();
    if (a.age < 1 || a.age > 99 || (a.under && (a.from_grade || a.age + 1 > 18))) {
      __builtin_trap();
    }
  }
  const int bare = bantay::text::BareAgeAnswer(out);
  if (bare != -1 && (bare < 1 || bare > 99)) __builtin_trap();
  const int yes_no = bantay::text::YesNoAnswer(out);
  if (yes_no < -1 || yes_no > 1) __builtin_trap();

  // Money amounts, read in the original text: non-empty spans inside it.
  std::vector<bantay::text::AmountSpan> amounts;
  bantay::text::FindAmounts(in, &amounts);
  for (const auto& a : amounts) {
    if (a.begin >= a.end || a.end > in.size()) __builtin_trap();
  }

  // Pictograph terms, read in the original text: ordered, non-empty spans inside it, each a
  // pictograph term of the lexicon.
  std::vector<bantay::text::Hit> symbols;
  SharedMatcher().FindSymbols(in, &symbols);
  for (size_t i = 0; i < symbols.size(); ++i) {
    const auto& h = symbols[i];
    if (h.begin >= h.end || h.end > in.size()) __builtin_trap();
    if (i > 0 && h.begin < symbols[i - 1].end) __builtin_trap();
    if (!SharedMatcher().lexicon().terms()[h.term].symbol) __builtin_trap();
  }

  // Without offsets the text is the same.
  std::string plain;
  normaliser.Normalise(in, &plain);
  if (plain != out) __builtin_trap();

  // The one-pass paths against the general token pass: a kept Cyrillic word in front forces
  // that pass; past it, text, offsets and soft word starts must be the same.
  std::vector<uint32_t> soft;
  normaliser.Normalise(in, &out, &offsets, &soft);
  std::string general;
  std::vector<uint32_t> general_offsets, general_soft;
  normaliser.Normalise("\u0436 " + std::string(in), &general, &general_offsets, &general_soft);
  const std::string expected = out.empty() ? "\u0436" : "\u0436 " + out;
  if (general != expected) __builtin_trap();
  if (!out.empty()) {
    for (size_t i = 0; i < offsets.size(); ++i) {
      if (general_offsets[i + 3] != offsets[i] + 3) __builtin_trap();
    }
  }
  if (general_soft.size() != soft.size()) __builtin_trap();
  for (size_t i = 0; i < soft.size(); ++i) {
    if (general_soft[i] != soft[i] + 3) __builtin_trap();
  }
  return 0;
}
