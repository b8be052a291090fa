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

// A growable byte buffer that, unlike std::string::resize, does not zero-fill what it adds.
struct TextBuffer {
  std::unique_ptr<char[]> data;
  size_t size = 0;
  size_t capacity = 0;
  // Room for `more` bytes past `size`; the caller writes there and then advances `size`.
  char* Room(size_t more) {
    if (size + more > capacity) {
      const size_t grown = std::max(size + more, capacity * 2);
      std::unique_ptr<char[]> bigger(new char[grown]);
      if (size > 0) std::memcpy(bigger.get(), data.get(), size);
      data = std::move(bigger);
      capacity = grown;
    }
    return data.get() + size;
  }
  void Append(std::string_view s) {
    if (!s.empty()) std::memcpy(Room(s.size()), s.data(), s.size());
    size += s.size();
  }
  void PushBack(char c) {
    *Room(1) = c;
    ++size;
  }
  std::string_view view() const { return std::string_view(data.get(), size); }
};

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
