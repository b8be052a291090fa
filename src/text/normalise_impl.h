// text/normalise_impl.h: the one-pass ASCII path of Normaliser (private to the text module;
// tests use it to check which text it handles without the general token pass).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bantay::text {

// Normalises pure-ASCII `in` in one pass, as Normaliser::Normalise does (text, offsets when
// `offsets` is set, soft word starts appended when `soft_starts` is set). Returns false,
// with nothing usable written, for text it leaves to the general token pass.
bool FastAsciiPass(std::string_view in, std::string* out, std::vector<uint32_t>* offsets,
                   std::vector<uint32_t>* soft_starts);

// Whether ASCII `text` has a hyphen that the token pass may join a word across (a letter
// after two or more characters, '-', a letter and another character): the one-pass paths
// leave such text to the token pass.
bool HasHyphenCut(std::string_view text);

}  // namespace bantay::text
