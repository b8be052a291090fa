// server/bot_view.cc: the JSON shapes of the undercover agent's pages (operator console):
// conversations, transcripts, commands and the dashboard series.
#include <map>

#include "server/internal.h"

namespace bantay::server {

using nlohmann::json;

json BotConversationJson(const cases::BotConversation& c) {
  return {{"id", c.id},
          {"network", c.network},
          {"partner", c.partner},
          {"state", c.state},
          {"level", c.level},
          {"taken_over", c.taken_over},
          {"operator", c.operator_id},
          {"started", FormatRfc3339(c.started_ms)},
          {"last", FormatRfc3339(c.last_ms)},
          {"lines", c.lines},
          {"erased", c.erased_ms ? json(FormatRfc3339(c.erased_ms)) : json(nullptr)}};
}

json BotLinesJson(const std::vector<cases::BotLine>& lines) {
  json out = json::array();
  for (const auto& l : lines) {
    out.push_back({{"seq", l.seq},
                   {"time", FormatRfc3339(l.time_ms)},
                   {"speaker", l.speaker},
                   {"text", l.text},
                   {"bank_entry", l.bank_entry}});
  }
  return out;
}

json BotCommandJson(const cases::BotCommand& c) {
  return {{"id", c.id},
          {"conversation", c.conversation_id},
          {"kind", c.kind},
          {"operator", c.operator_id},
          {"text", c.text},
          {"created", FormatRfc3339(c.created_ms)},
          {"done", c.done_ms ? json(FormatRfc3339(c.done_ms)) : json(nullptr)},
          {"result", c.result}};
}

json BotDashboardJson(const std::vector<cases::BotCounter>& counters) {
  // {"days": [{"day": "2026-01-01", "conversations": 3, "intent:payment": 2, ...}, ...],
  //  "total": {"conversations": 5, ...}}, days in date order.
  std::map<std::string, json> days;
  json total = json::object();
  for (const auto& k : counters) {
    json& day = days[k.day];
    if (day.is_null()) day = {{"day", k.day}};
    day[k.name] = k.value;
    total[k.name] = total.value(k.name, int64_t{0}) + k.value;
  }
  json series = json::array();
  for (auto& [d, j] : days) series.push_back(std::move(j));
  return {{"days", std::move(series)}, {"total", std::move(total)}};
}

}  // namespace bantay::server
