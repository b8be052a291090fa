// server/internal.h: pieces of the server shared between its files (not a public header).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cases/cases.h"
#include "core/core.h"

namespace bantay::server {

// The console's files by URL path ("/index.html", "/app.js", ...), built into the binary.
const std::vector<std::pair<std::string_view, std::string_view>>& EmbeddedWebFiles();

// "text/html; charset=utf-8" etc. by file extension.
std::string_view ContentType(std::string_view path);

// A zip archive (stored, no compression) of `files` (name -> content), in name order.
std::string MakeZip(const std::map<std::string, std::string>& files);

// The case page's data: the detail as JSON plus what the console draws from it: matched
// terms with UTF-16 spans into the original text, the contact graph and weekly contacts.
// The detail is cases::DetailToJson's shape, plus "case" (cases::SummaryToJson).
nlohmann::json CaseViewJson(const cases::CaseDetail& detail);

// Percent-decoding of a URL component ('+' as space when `form`); false on a bad escape.
bool UrlDecode(std::string_view in, bool form, std::string* out);

// Random bytes as lower-case hex (OpenSSL RAND_bytes).
std::string RandomHex(size_t bytes);

// Constant-time equality for secrets of public length.
bool SecretEquals(std::string_view a, std::string_view b);

// The undercover agent's pages (bot_view.cc): a conversation, transcript lines, an operator
// command, and the dashboard ({"days": [{"day", counter...}], "total": {counter...}}).
nlohmann::json BotConversationJson(const cases::BotConversation& c);
nlohmann::json BotLinesJson(const std::vector<cases::BotLine>& lines);
nlohmann::json BotCommandJson(const cases::BotCommand& c);
nlohmann::json BotDashboardJson(const std::vector<cases::BotCounter>& counters);

}  // namespace bantay::server
