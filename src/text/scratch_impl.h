// text/scratch_impl.h: what a per-thread Scratch holds (private to the text module).
#pragma once

#include <hs/hs.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
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
  // AddBatch: the batch's normalised texts one after another, each followed by '\n'.
  TextBuffer batch_text;
  std::vector<uint32_t> batch_starts;
  std::vector<uint32_t> batch_soft;
  std::vector<Hit> batch_hits;
  ~Impl();
};

}  // namespace bantay::text
