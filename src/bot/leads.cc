// bot/leads.cc: one account lead per person who showed intent, in the account-lead format
// `bantay ingest` already reads (role "demand": the one who asks and pays), ranked by the
// strength of the evidence so that police see the best-identified offenders first.
#include <algorithm>
#include <cmath>
#include <set>

#include <nlohmann/json.hpp>

#include "bot/bot.h"

namespace bantay::bot {

namespace {
bool Strong(std::string_view kind) {
  return kind == "email" || kind == "phone" || kind == "paypal" || kind == "bitcoin" ||
         kind == "ethereum" || kind == "remittance";
}
}  // namespace

double EvidenceStrength(const PartnerProfile& p) {
  std::set<std::string> seen;
  double points = 0;
  for (const Detail& d : p.details) {
    if (!seen.insert(d.kind + ":" + d.value).second) continue;
    points += Strong(d.kind) ? 2 : 1;
  }
  double s = 0.5 + 0.1 * std::max(0, p.max_level - kIntentShownLevel) + 0.05 * std::min(points, 6.0);
  if (p.repeat_offender) s += 0.1;
  return std::min(0.99, s);
}

std::string AccountLeadJson(const PartnerProfile& p, int64_t first_ms, int64_t last_ms) {
  nlohmann::json details = nlohmann::json::array();
  std::string country;
  for (const Detail& d : p.details) {
    nlohmann::json j = {{"kind", d.kind}, {"value", d.value}, {"message", d.message},
                        {"span", {d.begin, d.end}}};
    if (!d.country.empty()) j["country"] = d.country;
    if (!d.network.empty()) j["network"] = d.network;
    details.push_back(std::move(j));
    if (d.kind == "phone" && country.empty()) country = d.country;
  }
  nlohmann::json similar = nlohmann::json::array();
  for (const auto& [id, sim] : p.similar) {
    similar.push_back({{"profile", id}, {"similarity", std::round(sim * 1000) / 1000}, {"link", "weak"}});
  }
  // Other accounts of the same person, with the reason: ingest links their cases to this one.
  nlohmann::json same_person = nlohmann::json::array();
  for (const auto& [account, why] : p.same_person) {
    same_person.push_back({{"account", account},
                           {"reason", "same person (agent profile " + p.id + "): " + why}});
  }
  nlohmann::json lead = {
      {"account", p.accounts.empty() ? p.id : p.accounts.front()},
      {"role", "demand"},
      {"score", std::round(EvidenceStrength(p) * 1000) / 1000},
      {"flagged", true},
      {"window", {{"start", FormatRfc3339(first_ms)}, {"end", FormatRfc3339(last_ms)}}},
      {"evidence",
       {{"source", "bot"},
        {"profile", p.id},
        {"level", p.max_level},
        {"conversations", p.conversations},
        {"accounts", p.accounts.size()},
        {"same_person", std::move(same_person)},
        {"details", std::move(details)},
        {"notices", p.notices},
        {"repeat_offender", p.repeat_offender},
        {"referral", p.referral},
        {"similar_phrasing", std::move(similar)}}}};
  if (!country.empty()) lead["country"] = country;
  return lead.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace bantay::bot
