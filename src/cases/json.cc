// cases/json.cc: the JSON shape of cases for the CLI and the HTTP API (one shape for both).
#include "cases/cases.h"

namespace bantay::cases {

using nlohmann::json;

json SummaryToJson(const CaseSummary& c) {
  return {{"id", c.id},
          {"status", StatusName(c.status)},
          {"kind", c.kind},
          {"score", c.score},
          {"subjects", c.subjects},
          {"assignee", c.assignee},
          {"country", c.country},
          {"leads", c.leads},
          {"created", FormatRfc3339(c.created_ms)},
          {"updated", FormatRfc3339(c.updated_ms)}};
}

json DetailToJson(const CaseDetail& d) {
  json j = SummaryToJson(d.summary);
  j["leads"] = json::array();
  for (const auto& l : d.leads) {
    j["leads"].push_back({{"content_hash", l.content_hash},
                          {"kind", l.kind},
                          {"score", l.score},
                          {"received", FormatRfc3339(l.received_ms)},
                          {"body", l.body}});
  }
  j["notes"] = json::array();
  for (const auto& n : d.notes) {
    j["notes"].push_back(
        {{"id", n.id}, {"author", n.author}, {"text", n.text}, {"created", FormatRfc3339(n.created_ms)}});
  }
  j["authorisations"] = json::array();
  for (const auto& a : d.authorisations) {
    j["authorisations"].push_back({{"id", a.id},
                                   {"authority", a.authority},
                                   {"legal_reference", a.legal_reference},
                                   {"scope", a.scope},
                                   {"start", FormatRfc3339(a.start_ms)},
                                   {"expiry", FormatRfc3339(a.expiry_ms)},
                                   {"granted_by", a.granted_by},
                                   {"revoked", a.revoked_ms ? FormatRfc3339(a.revoked_ms) : ""}});
  }
  j["contents"] = json::array();
  for (const auto& m : d.contents) {
    j["contents"].push_back({{"id", m.id},
                             {"account", m.account},
                             {"content", m.content ? json(*m.content) : json(nullptr)},
                             {"sha256", m.sha256},
                             {"source_time", m.source_time},
                             {"authorisation", m.authorisation_id}});
  }
  j["links"] = json::array();
  for (const auto& [other, reason] : d.links) j["links"].push_back({{"case", other}, {"reason", reason}});
  j["timeline"] = json::array();
  for (const auto& r : d.timeline) j["timeline"].push_back(evidence::RecordToJson(r));
  return j;
}

}  // namespace bantay::cases
