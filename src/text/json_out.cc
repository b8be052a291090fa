// text/json_out.cc: scan output lines of a ConversationScore (the writer is in
// text/json_writer.h; Scanner::FinishJson writes the same lines from its state).
#include "text/json_writer.h"
#include "text/text.h"

namespace bantay::text {

namespace {

// A ConversationScore as json::AppendLine reads it.
class ScoreSource {
 public:
  explicit ScoreSource(const ConversationScore& s) : s_(s) {}
  std::string_view conversation() const { return s_.conversation; }
  double score() const { return s_.score; }
  bool flagged() const { return s_.flagged; }
  const std::array<uint32_t, kCategoryCount>& signals() const { return s_.signals; }
  uint32_t messages() const { return s_.messages; }
  int requester() const { return s_.requester; }
  size_t evidence_count() const { return s_.evidence.size(); }
  uint32_t message(size_t i) const { return s_.evidence[i].message; }
  Category category(size_t i) const { return s_.evidence[i].category; }
  std::string_view term(size_t i) const { return s_.evidence[i].term; }
  std::string_view text(size_t i) const {
    return i < s_.texts.size() ? std::string_view(s_.texts[i]) : std::string_view();
  }
  uint32_t span_begin(size_t i) const { return s_.evidence[i].span_begin; }
  uint32_t span_end(size_t i) const { return s_.evidence[i].span_end; }
  double weight(size_t i) const { return s_.evidence[i].weight; }
  uint32_t author(size_t i) const { return s_.evidence[i].author; }
  size_t reason_count() const { return s_.reasons.size(); }
  std::string_view reason(size_t i) const { return s_.reasons[i]; }
  size_t author_count() const { return s_.authors.size(); }
  std::string_view author_name(size_t i) const { return s_.authors[i]; }

 private:
  const ConversationScore& s_;
};

}  // namespace

std::string ScoreToJson(const ConversationScore& score, const Lexicon& /*lexicon*/) {
  std::string out;
  AppendScoreJson(score, &out);
  return out;
}

void AppendScoreJson(const ConversationScore& score, std::string* out) {
  json::AppendLine(ScoreSource(score), out);
}

}  // namespace bantay::text
