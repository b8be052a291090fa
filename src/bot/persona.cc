// bot/persona.cc: loads a persona and its response bank from JSON; refuses any text the
// outgoing guard would block, naming file:line:field.
#include <nlohmann/json.hpp>

#include "bot/bot.h"

namespace bantay::bot {

namespace {

using nlohmann::json;

// 1-based line of the first occurrence of `needle` in `content` (0 when absent): nlohmann
// does not keep positions, so entries are located by their id.
uint64_t LineOf(std::string_view content, std::string_view needle) {
  size_t pos = content.find(needle);
  if (pos == std::string_view::npos) return 0;
  uint64_t line = 1;
  for (size_t i = 0; i < pos; ++i) line += content[i] == '\n';
  return line;
}

class PersonaParser {
 public:
  PersonaParser(std::string_view content, std::string_view file, const Guard& guard)
      : content_(content), file_(file), guard_(guard) {}

  tl::unexpected<Error> Bad(uint64_t line, std::string_view field, std::string message) const {
    return Fail(ErrorCode::kParse, std::move(message), Where(file_, line, field));
  }

  Result<std::string> String(const json& j, std::string_view key, uint64_t line,
                             std::string_view field, bool required = true) const {
    auto it = j.find(key);
    if (it == j.end()) {
      if (!required) return std::string();
      return Bad(line, field, "missing");
    }
    if (!it->is_string()) return Bad(line, field, "must be a string");
    return it->get<std::string>();
  }

  // A text the agent may send: non-empty, and allowed by the guard.
  Status Sendable(const std::string& text, uint64_t line, std::string_view field) const {
    if (text.empty()) return Bad(line, field, "empty text");
    if (text.size() > 1000) return Bad(line, field, "text longer than 1000 bytes");
    GuardVerdict v = guard_.Check(text);
    if (!v.allowed) {
      return Bad(line, field, "the outgoing guard blocks this text (" + v.category + " term \"" +
                                  v.term + "\"); the agent may never send it");
    }
    return {};
  }

  Result<Persona> Parse() {
    json root;
    try {
      root = json::parse(content_.begin(), content_.end());
    } catch (const json::parse_error& e) {
      return Bad(0, "", std::string("not valid JSON: ") + e.what());
    }
    if (!root.is_object()) return Bad(1, "", "a persona file is one JSON object");
    Persona p;
    p.source = std::string(file_);
    auto name = String(root, "name", LineOf(content_, "\"name\""), "name");
    if (!name) return tl::unexpected(name.error());
    p.name = *name;
    auto age = root.find("age");
    if (age == root.end() || !age->is_number_integer() || age->get<int64_t>() < 1 ||
        age->get<int64_t>() > 17) {
      return Bad(LineOf(content_, "\"age\""), "age", "must be an integer from 1 to 17");
    }
    p.age = age->get<int>();
    auto country = String(root, "country", LineOf(content_, "\"country\""), "country");
    if (!country) return tl::unexpected(country.error());
    if (country->size() != 2) return Bad(LineOf(content_, "\"country\""), "country", "must be ISO 3166 alpha-2");
    p.country = *country;
    auto style = String(root, "language_style", LineOf(content_, "\"language_style\""),
                        "language_style", false);
    if (!style) return tl::unexpected(style.error());
    p.language_style = *style;
    if (auto t = root.find("typing"); t != root.end()) {
      uint64_t line = LineOf(content_, "\"typing\"");
      if (!t->is_object()) return Bad(line, "typing", "must be an object");
      auto num = [&](const char* key, double lo, double hi, double* out) -> Status {
        auto it = t->find(key);
        if (it == t->end()) return {};
        if (!it->is_number() || it->get<double>() < lo || it->get<double>() > hi) {
          return Bad(line, std::string("typing.") + key,
                     "must be a number from " + std::to_string(lo) + " to " + std::to_string(hi));
        }
        *out = it->get<double>();
        return {};
      };
      double base = static_cast<double>(p.typing.base_ms);
      double per = static_cast<double>(p.typing.per_char_ms);
      if (auto s = num("base_ms", 0, 600000, &base); !s) return tl::unexpected(s.error());
      if (auto s = num("per_char_ms", 0, 60000, &per); !s) return tl::unexpected(s.error());
      if (auto s = num("jitter", 0, 0.9, &p.typing.jitter); !s) return tl::unexpected(s.error());
      p.typing.base_ms = static_cast<int64_t>(base);
      p.typing.per_char_ms = static_cast<int64_t>(per);
    }
    auto notice = String(root, "deterrence_notice", LineOf(content_, "\"deterrence_notice\""),
                         "deterrence_notice");
    if (!notice) return tl::unexpected(notice.error());
    if (auto s = Sendable(*notice, LineOf(content_, "\"deterrence_notice\""), "deterrence_notice");
        !s) {
      return tl::unexpected(s.error());
    }
    p.deterrence_notice = *notice;
    if (auto g = root.find("glitch_excuses"); g != root.end()) {
      uint64_t line = LineOf(content_, "\"glitch_excuses\"");
      if (!g->is_array()) return Bad(line, "glitch_excuses", "must be an array of strings");
      for (size_t i = 0; i < g->size(); ++i) {
        std::string field = "glitch_excuses[" + std::to_string(i) + "]";
        if (!(*g)[i].is_string()) return Bad(line, field, "must be a string");
        std::string text = (*g)[i].get<std::string>();
        uint64_t at = LineOf(content_, text);
        if (auto s = Sendable(text, at ? at : line, field); !s) return tl::unexpected(s.error());
        p.glitch_excuses.push_back(std::move(text));
      }
    }
    auto replies = root.find("replies");
    if (replies == root.end() || !replies->is_array() || replies->empty()) {
      return Bad(LineOf(content_, "\"replies\""), "replies", "must be a non-empty array");
    }
    for (size_t i = 0; i < replies->size(); ++i) {
      auto e = Entry((*replies)[i], i);
      if (!e) return tl::unexpected(e.error());
      for (const auto& prev : p.replies) {
        if (prev.id == e->id) return Bad(LineOf(content_, "\"" + e->id + "\""), "replies[" + std::to_string(i) + "].id", "duplicate id \"" + e->id + "\"");
      }
      p.replies.push_back(std::move(*e));
    }
    return p;
  }

 private:
  Result<BankEntry> Entry(const json& j, size_t index) {
    std::string base = "replies[" + std::to_string(index) + "]";
    if (!j.is_object()) return Bad(LineOf(content_, "\"replies\""), base, "must be an object");
    BankEntry e;
    auto id = String(j, "id", LineOf(content_, "\"replies\""), base + ".id");
    if (!id) return tl::unexpected(id.error());
    if (id->empty()) return Bad(LineOf(content_, "\"replies\""), base + ".id", "empty id");
    e.id = *id;
    uint64_t line = LineOf(content_, "\"" + e.id + "\"");
    e.where = Where(file_, line);
    auto names = [&](const char* key, auto parse, auto* out) -> Status {
      auto it = j.find(key);
      if (it == j.end() || !it->is_array() || it->empty()) {
        return Bad(line, base + "." + key, "must be a non-empty array of names");
      }
      for (const auto& n : *it) {
        if (!n.is_string()) return Bad(line, base + "." + key, "must hold strings");
        auto v = parse(n.template get<std::string>());
        if (!v) return Bad(line, base + "." + key, v.error().message);
        out->push_back(*v);
      }
      return {};
    };
    if (auto s = names("states", ParseState, &e.states); !s) return tl::unexpected(s.error());
    if (auto s = names("intents", ParseIntent, &e.intents); !s) return tl::unexpected(s.error());
    auto asks = String(j, "asks", line, base + ".asks", false);
    if (!asks) return tl::unexpected(asks.error());
    e.asks = *asks;
    static const std::vector<std::string_view> kSlots = {"", "name", "location", "accounts",
                                                         "email", "contact"};
    if (std::find(kSlots.begin(), kSlots.end(), e.asks) == kSlots.end()) {
      return Bad(line, base + ".asks", "must be name, location, accounts, email or contact");
    }
    auto v = j.find("variants");
    if (v == j.end() || !v->is_array() || v->empty()) {
      return Bad(line, base + ".variants", "must be a non-empty array of texts");
    }
    for (size_t k = 0; k < v->size(); ++k) {
      std::string field = base + ".variants[" + std::to_string(k) + "]";
      if (!(*v)[k].is_string()) return Bad(line, field, "must be a string");
      std::string text = (*v)[k].get<std::string>();
      uint64_t at = LineOf(content_, text);
      if (auto s = Sendable(text, at ? at : line, field); !s) return tl::unexpected(s.error());
      e.variants.push_back(std::move(text));
    }
    return e;
  }

  std::string_view content_;
  std::string_view file_;
  const Guard& guard_;
};

}  // namespace

Result<Persona> ParsePersona(std::string_view content, std::string_view file_name,
                             const Guard& guard) {
  return PersonaParser(content, file_name, guard).Parse();
}

Result<Persona> LoadPersona(const std::string& path, const Guard& guard) {
  auto content = ReadFile(path);
  if (!content) return tl::unexpected(content.error());
  return ParsePersona(*content, path, guard);
}

Result<Persona> DefaultPersona(const Guard& guard) {
  for (const auto& [path, content] : EmbeddedFiles()) {
    if (path == "data/personas/sweetie.json") return ParsePersona(content, path, guard);
  }
  return Fail(ErrorCode::kInternal, "data/personas/sweetie.json not embedded");
}

}  // namespace bantay::bot
