// text/json_out.cc: scan output lines (ARCHITECTURE.md "Scan output").
#include <cmath>

#include <nlohmann/json.hpp>

#include "text/text.h"

namespace bantay::text {

std::string ScoreToJson(const ConversationScore& score, const Lexicon& /*lexicon*/) {
  nlohmann::ordered_json j;
  j["conversation"] = score.conversation;
  j["score"] = std::round(score.score * 10000.0) / 10000.0;
  j["flagged"] = score.flagged;
  auto& signals = j["signals"];
  signals = nlohmann::ordered_json::object();
  for (size_t c = 0; c < kCategoryCount; ++c) {
    if (score.signals[c] > 0) {
      signals[std::string(CategoryName(static_cast<Category>(c)))] = score.signals[c];
    }
  }
  auto& evidence = j["evidence"];
  evidence = nlohmann::ordered_json::array();
  for (size_t i = 0; i < score.evidence.size(); ++i) {
    const Evidence& e = score.evidence[i];
    nlohmann::ordered_json item;
    item["message"] = e.message;
    item["category"] = std::string(CategoryName(e.category));
    item["term"] = e.term;
    if (i < score.texts.size() && !score.texts[i].empty()) {
      item["text"] = score.texts[i];
      item["span"] = {e.span_begin, e.span_end};
    }
    item["weight"] = std::round(e.weight * 100.0) / 100.0;
    item["role"] = static_cast<int>(e.author) == score.requester ? "requester" : "other";
    evidence.push_back(std::move(item));
  }
  j["reasons"] = score.reasons;
  j["messages"] = score.messages;
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace bantay::text
