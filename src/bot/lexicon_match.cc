// bot/lexicon_match.cc: shared matcher construction and per-thread matching.
#include "bot/lexicon_match.h"

namespace bantay::bot {

Result<std::shared_ptr<const text::Matcher>> DefaultMatcher(std::string_view extra_embedded) {
  auto lexicon = text::Lexicon::Default();
  if (!lexicon) return tl::unexpected(lexicon.error());
  if (!extra_embedded.empty()) {
    bool found = false;
    for (const auto& [path, content] : EmbeddedFiles()) {
      if (path != extra_embedded) continue;
      auto extra = text::Lexicon::Parse(content, path);
      if (!extra) return tl::unexpected(extra.error());
      lexicon->Append(*extra);
      found = true;
    }
    if (!found) return Fail(ErrorCode::kInternal, std::string(extra_embedded) + " not embedded");
  }
  auto norm = text::Normaliser::Create();
  if (!norm) return tl::unexpected(norm.error());
  return text::Matcher::Create(*lexicon, *norm);
}

LineMatch MatchLine(const text::Matcher& matcher, std::string_view line) {
  // One scratch per matcher: Vectorscan scratch is tied to a database, and the guard and
  // the classifier alternate on the engine's threads (sharing one re-allocated it on every
  // call: 70% of the engine's time).
  thread_local std::vector<std::pair<const text::Matcher*, std::unique_ptr<text::Scratch>>> scratches;
  text::Scratch* scratch = nullptr;
  for (auto& [m, sc] : scratches) {
    if (m == &matcher) scratch = sc.get();
  }
  if (!scratch) {
    scratches.emplace_back(&matcher, std::make_unique<text::Scratch>());
    scratch = scratches.back().second.get();
  }
  thread_local std::string normalised;
  thread_local std::vector<uint32_t> soft;
  thread_local std::vector<text::Hit> hits;
  matcher.Normalise(line, &normalised, &soft);
  matcher.Match(normalised, *scratch, &hits, soft);
  // Pictograph terms ("💰", "🍆"), found in the line as written: their spans are the line's.
  thread_local std::vector<text::Hit> symbols;
  matcher.FindSymbols(line, &symbols);
  hits.insert(hits.end(), symbols.begin(), symbols.end());
  return {normalised, hits};
}

}  // namespace bantay::bot
