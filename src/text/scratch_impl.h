// text/scratch_impl.h: what a per-thread Scratch holds (private to the text module).
#pragma once

#include <hs/hs.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "text/text.h"

namespace bantay::text {

struct Scratch::Impl {
  hs_scratch_t* hs = nullptr;
  const hs_database_t* hs_db = nullptr;  // the database `hs` was sized for
  std::string normalised;
  std::vector<uint32_t> offsets;
  std::vector<uint32_t> soft_starts;
  std::vector<Hit> hits;
  std::vector<AgeStatement> ages;
  std::vector<AmountSpan> amounts;
  std::vector<Hit> symbols;  // Matcher::FindSymbols, spans in the original text
  // Match: the text padded for MatchPadded, and its soft starts.
  TextBuffer padded;
  std::vector<uint32_t> padded_soft;
  // MatchPadded: the copies made for soft starts, each as (where it begins in `soft_text`,
  // the soft start), and their hits.
  TextBuffer soft_text;
  std::vector<std::pair<uint32_t, uint32_t>> soft_copies;
  std::vector<Hit> soft_hits;
  // AddBatch: the batch's normalised texts one after another, each padded as MatchPadded
  // expects.
  TextBuffer batch_text;
  std::vector<uint32_t> batch_starts;
  std::vector<uint8_t> batch_ascii;  // per text: NormaliseAppend found it all ASCII
  std::vector<uint32_t> batch_soft;
  std::vector<Hit> batch_hits;
  std::vector<uint32_t> batch_numbers;  // positions of number words (MatchPadded)
  ~Impl();
};

}  // namespace bantay::text
