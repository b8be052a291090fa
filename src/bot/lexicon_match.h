// bot/lexicon_match.h: the text module's matcher as the guard and the classifier use it
// (private to the module).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/core.h"
#include "text/text.h"

namespace bantay::bot {

// A matcher over the built-in lexicons plus, when `extra_embedded` is non-empty, that
// embedded lexicon file (data/personas/guard.tsv).
Result<std::shared_ptr<const text::Matcher>> DefaultMatcher(std::string_view extra_embedded = {});

// Normalises `line` and matches it, in per-thread buffers valid until the next call on the
// same thread. The hits of pictograph terms (Matcher::FindSymbols) come last, with spans in
// `line` rather than in `normalised`.
struct LineMatch {
  const std::string& normalised;
  const std::vector<text::Hit>& hits;
};
LineMatch MatchLine(const text::Matcher& matcher, std::string_view line);

}  // namespace bantay::bot
