// fuzz/fuzz_config.cc: libFuzzer target for the data files a deployment may replace: the
// lexicons (text::Lexicon::Parse), the scan and meta weights (text::ScoringWeights::Parse,
// meta::MetaWeights::Parse), the country and hotspot tables (meta::CountryTable::Load), a
// perceptual-hash list (media::HashList::Parse) and the referral routing table
// (cases::ParseAgencies). The first byte picks the parser; the rest is the file.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cases/cases.h"
#include "media/media.h"
#include "meta/meta.h"
#include "text/text.h"

namespace {

constexpr std::string_view kFile = "fuzz.tsv";

// A failure says what and, when it says where, names the file.
template <class R>
void CheckError(const R& r) {
  if (r) return;
  if (r.error().message.empty()) __builtin_trap();
  const std::string& where = r.error().where;
  if (!where.empty() && where.rfind(kFile, 0) != 0) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view content(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 6) {
    case 0: {
      auto lex = bantay::text::Lexicon::Parse(content, kFile);
      CheckError(lex);
      if (!lex) break;
      for (const bantay::text::Term& t : lex->terms()) {
        if (t.term.empty() || !(t.weight > 0 && t.weight <= 10)) __builtin_trap();
        if (t.recogniser && t.term != bantay::text::kAmountRecogniser) __builtin_trap();
        if (t.where.rfind(kFile, 0) != 0) __builtin_trap();
      }
      break;
    }
    case 1: {
      auto w = bantay::text::ScoringWeights::Parse(content, kFile);
      CheckError(w);
      break;
    }
    case 2: {
      auto w = bantay::meta::MetaWeights::Parse(content, kFile);
      CheckError(w);
      if (w) {
        for (const auto& [name, value] : w->values) {
          if (name.empty() || !std::isfinite(value)) __builtin_trap();
        }
      }
      break;
    }
    case 3: {
      // Countries, then a line "--", then hotspots.
      const size_t cut = content.find("\n--\n");
      const std::string_view countries = content.substr(0, cut);
      const std::string_view hotspots =
          cut == std::string_view::npos ? std::string_view() : content.substr(cut + 4);
      auto table = bantay::meta::CountryTable::Load(countries, hotspots, kFile);
      CheckError(table);
      break;
    }
    case 4: {
      std::vector<bantay::Rejection> rejects;
      auto list = bantay::media::HashList::Parse(content, kFile, {"list", "", "", ""}, &rejects);
      CheckError(list);
      for (const bantay::Rejection& r : rejects) {
        if (r.message.empty() || r.where.rfind(kFile, 0) != 0) __builtin_trap();
      }
      if (list && !std::is_sorted(list->hashes().begin(), list->hashes().end(),
                                  [](const auto& a, const auto& b) { return a.w < b.w; })) {
        __builtin_trap();
      }
      break;
    }
    default: {
      auto agencies = bantay::cases::ParseAgencies(content, kFile);
      CheckError(agencies);
      if (agencies) {
        for (const auto& a : *agencies) {
          if (a.country.empty()) __builtin_trap();
        }
      }
      break;
    }
  }
  return 0;
}
