// cases/referral.cc: referral reports (XML with NCMEC CyberTipline Reporting API element
// names, the same as JSON, printable HTML) and routing to agencies by country.
#include <algorithm>
#include <filesystem>

#include "cases/cases.h"
#include "cases/store_internal.h"

namespace bantay::cases {

namespace {

using nlohmann::json;
using ordered = nlohmann::ordered_json;

// One CSV line into fields ("" quotes, "" inside quotes for a quote).
std::vector<std::string> SplitCsv(std::string_view line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

void AppendEscaped(std::string* out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '<': *out += "&lt;"; break;
      case '>': *out += "&gt;"; break;
      case '&': *out += "&amp;"; break;
      case '"': *out += "&quot;"; break;
      case '\'': *out += "&#39;"; break;
      default:
        // XML 1.0 allows no other control characters than tab and newlines.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          *out += ' ';
        } else {
          *out += c;
        }
    }
  }
}

// A string field of a stored lead's JSON object, or "" when it is missing or of another type:
// a malformed stored lead shows the field as missing instead of throwing.
std::string StringField(const json& obj, const char* key) {
  const auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string Scalar(const ordered& v) {
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

// JSON tree -> XML elements: objects nest, arrays repeat their element name.
void ToXml(std::string* out, std::string_view name, const ordered& v, int depth) {
  const std::string indent(depth * 2, ' ');
  if (v.is_array()) {
    for (const auto& x : v) ToXml(out, name, x, depth);
    return;
  }
  *out += indent + "<" + std::string(name) + ">";
  if (v.is_object()) {
    *out += "\n";
    for (const auto& [k, x] : v.items()) ToXml(out, k, x, depth + 1);
    *out += indent;
  } else {
    AppendEscaped(out, Scalar(v));
  }
  *out += "</" + std::string(name) + ">\n";
}

// JSON tree -> nested definition lists, for people.
void ToHtml(std::string* out, const ordered& v) {
  if (v.is_object()) {
    *out += "<dl>";
    for (const auto& [k, x] : v.items()) {
      *out += "<dt>";
      AppendEscaped(out, k);
      *out += "</dt><dd>";
      ToHtml(out, x);
      *out += "</dd>";
    }
    *out += "</dl>";
  } else if (v.is_array()) {
    *out += "<ol>";
    for (const auto& x : v) {
      *out += "<li>";
      ToHtml(out, x);
      *out += "</li>";
    }
    *out += "</ol>";
  } else {
    AppendEscaped(out, Scalar(v));
  }
}

std::string IncidentType(std::string_view kind) {
  if (kind == "meta") return "Child Sex Tourism";
  if (kind == "media") return "Child Pornography (possession, manufacture, and distribution)";
  return "Online Enticement of Children for Sexual Acts";
}

}  // namespace

Result<std::vector<Agency>> ParseAgencies(std::string_view csv, std::string_view file_name) {
  std::vector<Agency> out;
  uint64_t line_no = 0;
  bool header = false;
  size_t pos = 0;
  while (pos < csv.size()) {
    size_t end = csv.find('\n', pos);
    if (end == std::string_view::npos) end = csv.size();
    std::string_view line = csv.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    const auto f = SplitCsv(line);
    if (!header) {
      if (f != std::vector<std::string>{"country", "agency", "channel", "contact", "source"}) {
        return Fail(ErrorCode::kParse, "header must be country,agency,channel,contact,source",
                    Where(file_name, line_no));
      }
      header = true;
      continue;
    }
    if (f.size() != 5) {
      return Fail(ErrorCode::kParse, "expected 5 fields", Where(file_name, line_no));
    }
    if (f[0] != "*" && (f[0].size() != 2 || !std::isupper(static_cast<unsigned char>(f[0][0])) ||
                        !std::isupper(static_cast<unsigned char>(f[0][1])))) {
      return Fail(ErrorCode::kParse, "must be an ISO 3166-1 alpha-2 code or *",
                  Where(file_name, line_no, "country"));
    }
    if (f[1].empty()) return Fail(ErrorCode::kParse, "is empty", Where(file_name, line_no, "agency"));
    out.push_back({f[0], f[1], f[2], f[3], f[4]});
  }
  if (!header) return Fail(ErrorCode::kParse, "no header", std::string(file_name));
  return out;
}

Result<std::vector<Agency>> LoadAgencies(const std::string& path) {
  constexpr std::string_view kDefault = "data/referral/agencies.csv";
  if (!path.empty()) {
    auto content = ReadFile(path);
    if (!content) return tl::unexpected(content.error());
    return ParseAgencies(*content, path);
  }
  for (const auto& [name, content] : EmbeddedFiles()) {
    if (name == kDefault) return ParseAgencies(content, name);
  }
  if (std::filesystem::exists(kDefault)) return LoadAgencies(std::string(kDefault));
  return Fail(ErrorCode::kInvalidArgument,
              "no agency table: give one (e.g. data/referral/agencies.csv)");
}

std::vector<Agency> RouteAgencies(std::span<const Agency> table, std::string_view country) {
  std::vector<Agency> out;
  for (const auto& a : table) {
    if (!country.empty() && a.country == country) out.push_back(a);
  }
  if (out.empty()) {
    for (const auto& a : table) {
      if (a.country == "*") out.push_back(a);
    }
  }
  return out;
}

Result<ReferralReport> MakeReferral(const CaseDetail& d, std::span<const Agency> agencies,
                                    std::string_view user, std::string_view now,
                                    const ReferralIdentities& identities) {
  const CaseSummary& c = d.summary;
  ReferralReport report;
  report.agencies = RouteAgencies(agencies, c.country);

  std::string incident_time = FormatRfc3339(c.created_ms);
  for (const auto& r : d.timeline) {
    if (!r.source_time.empty() && r.source_time < incident_time) incident_time = r.source_time;
  }
  // Chat content: the flagged messages quoted by text leads (with the matched term).
  ordered chats = ordered::array();
  ordered evidence = ordered::array();
  for (const auto& l : d.leads) {
    evidence.push_back({{"type", "lead"}, {"kind", l.kind}, {"sha256", l.content_hash}});
    if (!l.body.is_object()) continue;
    if (l.kind == "text") {
      std::string content;
      if (auto ev = l.body.find("evidence"); ev != l.body.end() && ev->is_array()) {
        for (const auto& e : *ev) {
          if (e.is_object() && e.contains("text") && e["text"].is_string()) {
            content += "[" + StringField(e, "category") + ": " + StringField(e, "term") + "] " +
                       e["text"].get<std::string>() + "\n";
          }
        }
      }
      chats.push_back({{"chatClient", "platform chat"},
                       {"chatRoomName", StringField(l.body, "conversation")},
                       {"content", content}});
    }
  }
  for (const auto& m : d.contents) {
    evidence.push_back({{"type", "recorded message"},
                        {"id", m.id},
                        {"sha256", m.sha256},
                        {"deleted", !m.content.has_value()}});
  }
  ordered persons = ordered::array();
  for (const auto& s : c.subjects) {
    if (s.rfind("p_", 0) != 0) continue;
    ordered p;
    if (const auto it = identities.accounts.find(s); it != identities.accounts.end()) {
      p = {{"screenName", it->second}, {"espIdentifier", it->second},
           {"additionalInfo", "pseudonym in the reporter's case store: " + s}};
      report.identified.push_back(s);
    } else {
      p = {{"screenName", s}, {"espIdentifier", s}};
    }
    if (!c.country.empty()) p["estimatedLocation"] = {{"countryCode", c.country}};
    persons.push_back(std::move(p));
  }
  ordered routed = ordered::array();
  for (const auto& a : report.agencies) {
    routed.push_back({{"country", a.country},
                      {"agency", a.agency},
                      {"channel", a.channel},
                      {"contact", a.contact},
                      {"source", a.source}});
  }
  ordered links = ordered::array();
  for (const auto& [other, reason] : d.links) links.push_back({{"case", other}, {"reason", reason}});

  ordered j;
  j["incidentSummary"] = {{"incidentType", IncidentType(c.kind)},
                          {"incidentDateTime", incident_time}};
  j["internetDetails"] = ordered::object();
  if (!chats.empty()) j["internetDetails"]["chatImIncident"] = chats;
  j["reporter"] = {{"reportingPerson", {{"userName", user}}}, {"reportDateTime", now}};
  j["personOrUserReported"] = persons;
  j["victim"] = {{"additionalInfo", "identity not known to the reporter; see case evidence"}};
  j["additionalInfo"] = {
      {"caseId", c.id},
      {"caseKind", c.kind},
      {"score", c.score},
      {"status", StatusName(c.status)},
      {"identifiers",
       identities.reason.empty()
           ? std::string("pseudonymised (keyed hash); the reporting deployment re-identifies on "
                         "request through an audited supervisor action")
           : "account ids of " + std::to_string(report.identified.size()) + " of " +
                 std::to_string(persons.size()) + " reported persons re-identified by " +
                 std::string(user) + " for this referral (audited); reason: " +
                 identities.reason},
      {"linkedCases", links},
      {"evidence", evidence},
      {"routing", routed}};

  // Invalid UTF-8 in a stored lead is replaced (U+FFFD) rather than thrown on.
  report.json = j.dump(2, ' ', false, ordered::error_handler_t::replace);
  // The XML and HTML are written from the dumped JSON read back, whose strings are valid UTF-8.
  j = ordered::parse(report.json);
  report.xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<report>\n";
  for (const auto& [k, v] : j.items()) ToXml(&report.xml, k, v, 1);
  report.xml += "</report>\n";
  report.html =
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Referral ";
  AppendEscaped(&report.html, c.id);
  report.html +=
      "</title><style>body{font:14px sans-serif;max-width:60em;margin:2em auto}"
      "dt{font-weight:bold}dd{margin:0 0 .5em 1.5em;white-space:pre-wrap}"
      "@media print{body{margin:0}}</style></head><body><h1>Referral report, case ";
  AppendEscaped(&report.html, c.id);
  report.html += "</h1>";
  ToHtml(&report.html, j);
  report.html += "</body></html>\n";
  return report;
}

}  // namespace bantay::cases
