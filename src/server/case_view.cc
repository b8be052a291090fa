// server/case_view.cc: the case page's data: detail, highlighted terms, contact graph, weekly
// contacts, all derived from the store's CaseDetail.
#include <algorithm>
#include <map>
#include <set>

#include "server/internal.h"

namespace bantay::server {

namespace {

using nlohmann::json;

// UTF-16 code units in the first `bytes` bytes of UTF-8 `s` (JavaScript string offsets).
int64_t Utf16Offset(std::string_view s, size_t bytes) {
  bytes = std::min(bytes, s.size());
  int64_t units = 0;
  for (size_t i = 0; i < bytes; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) == 0x80) continue;
    units += c >= 0xF0 ? 2 : 1;
  }
  return units;
}

std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

double Num(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : 0.0;
}

// Matched terms of scan-output leads, grouped by message, spans in UTF-16 units.
json Highlights(const cases::CaseDetail& d) {
  json out = json::array();
  for (const auto& lead : d.leads) {
    if (!lead.body.is_object()) continue;
    auto ev = lead.body.find("evidence");
    if (ev == lead.body.end() || !ev->is_array()) continue;
    std::map<int64_t, json> by_message;
    for (const auto& e : *ev) {
      if (!e.is_object()) continue;
      const std::string text = Str(e, "text");
      const auto message = static_cast<int64_t>(Num(e, "message"));
      json& m = by_message[message];
      if (m.is_null()) {
        m = {{"conversation", Str(lead.body, "conversation")},
             {"message", message},
             {"text", text},
             {"spans", json::array()}};
      }
      json span = {{"category", Str(e, "category")}, {"term", Str(e, "term")}};
      auto sp = e.find("span");
      if (sp != e.end() && sp->is_array() && sp->size() == 2 && (*sp)[0].is_number_integer() &&
          (*sp)[1].is_number_integer()) {
        const auto b = (*sp)[0].get<int64_t>(), en = (*sp)[1].get<int64_t>();
        if (0 <= b && b <= en && en <= static_cast<int64_t>(text.size())) {
          span["begin"] = Utf16Offset(text, b);
          span["end"] = Utf16Offset(text, en);
        }
      }
      m["spans"].push_back(std::move(span));
    }
    for (auto& [_, m] : by_message) out.push_back(std::move(m));
  }
  return out;
}

// Nodes and edges for the contact graph: the case's subjects, accounts linked by metadata
// leads, countries called, conversation participants and linked cases.
json ContactGraph(const cases::CaseDetail& d) {
  json nodes = json::array(), edges = json::array();
  std::set<std::string> seen;
  auto node = [&](const std::string& id, const std::string& kind, const std::string& label) {
    if (id.empty() || !seen.insert(id).second) return;
    nodes.push_back({{"id", id}, {"kind", kind}, {"label", label}});
  };
  std::set<std::tuple<std::string, std::string>> edge_seen;
  auto edge = [&](const std::string& a, const std::string& b, const std::string& label) {
    if (a.empty() || b.empty() || a == b || !edge_seen.emplace(a, b).second) return;
    edges.push_back({{"from", a}, {"to", b}, {"label", label}});
  };
  const std::string center = d.summary.subjects.empty() ? d.summary.id : d.summary.subjects[0];
  for (const auto& s : d.summary.subjects) node(s, "subject", s);
  if (d.summary.subjects.empty()) node(center, "case", center);
  for (const auto& lead : d.leads) {
    const json& b = lead.body;
    if (!b.is_object()) continue;
    const std::string account = Str(b, "account");
    const std::string from = account.empty() ? center : account;
    if (!account.empty()) node(account, "subject", account);
    if (auto ev = b.find("evidence"); ev != b.end() && ev->is_object()) {
      if (auto c = ev->find("countries"); c != ev->end() && c->is_array()) {
        for (const auto& country : *c) {
          if (!country.is_string()) continue;
          const std::string id = "country:" + country.get<std::string>();
          node(id, "country", country.get<std::string>());
          edge(from, id, "video calls");
        }
      }
      if (auto l = ev->find("linked"); l != ev->end() && l->is_array()) {
        for (const auto& other : *l) {
          if (!other.is_string()) continue;
          node(other.get<std::string>(), "account", other.get<std::string>());
          edge(from, other.get<std::string>(), "shares an IP address");
        }
      }
    }
    if (auto p = b.find("participants"); p != b.end() && p->is_array()) {
      for (const auto& part : *p) {
        const std::string who = part.is_object() ? Str(part, "author") : std::string();
        if (who.empty() || who == from) continue;
        node(who, "account", who);
        edge(from, who, "conversation");
      }
    }
  }
  for (const auto& [other, reason] : d.links) {
    node("case:" + other, "case", other);
    edge(center, "case:" + other, reason);
  }
  return {{"center", center}, {"nodes", std::move(nodes)}, {"edges", std::move(edges)}};
}

// Metadata leads' windows bucketed by the ISO week (Monday) of the window's end.
json WeeklyContacts(const cases::CaseDetail& d) {
  std::map<int64_t, json> weeks;
  for (const auto& lead : d.leads) {
    const json& b = lead.body;
    if (!b.is_object()) continue;
    auto w = b.find("window");
    auto ev = b.find("evidence");
    if (w == b.end() || !w->is_object() || ev == b.end() || !ev->is_object()) continue;
    auto end = ParseRfc3339(Str(*w, "end"));
    if (!end) continue;
    const int64_t day = (*end >= 0 ? *end : *end - 86399999) / 86400000;
    const int64_t monday = day - ((day + 3) % 7 + 7) % 7;  // 1970-01-01 was a Thursday
    json& wk = weeks[monday];
    if (wk.is_null()) {
      wk = {{"week", FormatRfc3339(monday * 86400000).substr(0, 10)},
            {"calls", 0.0}, {"new_contacts", 0.0}, {"distinct_foreign", 0.0}};
    }
    for (const char* k : {"calls", "new_contacts", "distinct_foreign"}) {
      wk[k] = std::max(wk[k].get<double>(), Num(*ev, k));
    }
  }
  json out = json::array();
  for (auto& [_, w] : weeks) out.push_back(std::move(w));
  return out;
}

}  // namespace

json CaseViewJson(const cases::CaseDetail& d) {
  json j = cases::DetailToJson(d);
  j["case"] = cases::SummaryToJson(d.summary);
  j["highlights"] = Highlights(d);
  j["graph"] = ContactGraph(d);
  j["weekly"] = WeeklyContacts(d);
  return j;
}

}  // namespace bantay::server
