// cases/lead.cc: one input line (scan output, account lead, media match lead, user report)
// into a Lead, with file:line:field errors.
#include <cmath>

#include "cases/cases.h"

namespace bantay::cases {

namespace {

using nlohmann::json;

constexpr size_t kMaxId = 256;

class Fields {
 public:
  Fields(const json& j, std::string_view where) : j_(j), where_(where) {}

  tl::unexpected<Error> Bad(std::string_view field, std::string_view why) const {
    return Fail(ErrorCode::kParse, std::string(why), where_ + ":" + std::string(field));
  }

  // An identifier: a non-empty string without control characters, at most kMaxId bytes.
  Result<std::string> Id(const json& v, std::string_view field) const {
    if (!v.is_string()) return Bad(field, "must be a string");
    const std::string& s = v.get_ref<const std::string&>();
    if (s.empty() || s.size() > kMaxId) return Bad(field, "must be 1 to 256 bytes");
    for (unsigned char c : s) {
      if (c < 0x20) return Bad(field, "must not contain control characters");
    }
    return s;
  }
  Result<std::string> RequiredId(std::string_view field) const {
    auto it = j_.find(field);
    if (it == j_.end()) return Bad(field, "is required");
    return Id(*it, field);
  }
  Result<double> Score() const {
    auto it = j_.find("score");
    if (it == j_.end()) return Bad("score", "is required");
    if (!it->is_number()) return Bad("score", "must be a number");
    const double s = it->get<double>();
    if (!std::isfinite(s) || s < 0 || s > 1) return Bad("score", "must be between 0 and 1");
    return s;
  }
  Result<bool> Flagged() const {
    auto it = j_.find("flagged");
    if (it == j_.end()) return true;
    if (!it->is_boolean()) return Bad("flagged", "must be true or false");
    return it->get<bool>();
  }
  Result<std::string> OptionalTime(const json& parent, std::string_view field,
                                   std::string_view name) const {
    auto it = parent.find(name);
    if (it == parent.end() || it->is_null()) return std::string();
    if (!it->is_string() || !ParseRfc3339(it->get_ref<const std::string&>())) {
      return Bad(field, "must be an RFC 3339 time");
    }
    return it->get<std::string>();
  }
  Result<std::string> Country() const {
    auto it = j_.find("country");
    if (it == j_.end() || it->is_null()) return std::string();
    if (!it->is_string() || it->get_ref<const std::string&>().size() != 2 ||
        !std::isupper(static_cast<unsigned char>((*it).get_ref<const std::string&>()[0])) ||
        !std::isupper(static_cast<unsigned char>((*it).get_ref<const std::string&>()[1]))) {
      return Bad("country", "must be an ISO 3166-1 alpha-2 code such as \"PH\"");
    }
    return it->get<std::string>();
  }

 private:
  const json& j_;
  std::string where_;
};

Status ParseScan(const json& j, const Fields& f, Lead* lead) {
  lead->kind = LeadKind::kConversation;
  auto conv = f.RequiredId("conversation");
  if (!conv) return tl::unexpected(conv.error());
  lead->conversation = "conversation:" + *conv;
  if (auto it = j.find("participants"); it != j.end()) {
    if (!it->is_array()) return f.Bad("participants", "must be an array");
    std::vector<std::string> others;
    for (size_t i = 0; i < it->size(); ++i) {
      const json& p = (*it)[i];
      const std::string field = "participants[" + std::to_string(i) + "]";
      if (!p.is_object()) return f.Bad(field, "must be an object");
      auto a = p.find("author");
      if (a == p.end()) return f.Bad(field + ".author", "is required");
      auto author = f.Id(*a, field + ".author");
      if (!author) return tl::unexpected(author.error());
      auto r = p.find("role");
      if (r == p.end() || !r->is_string() ||
          (*r != "requester" && *r != "other")) {
        return f.Bad(field + ".role", "must be \"requester\" or \"other\"");
      }
      if (*r == "requester" && lead->primary.empty()) {
        lead->primary = *author;
      } else {
        others.push_back(*author);
      }
    }
    // The requester is the subject; the others (possibly the child, or a hub) are related,
    // so their own cases get linked without being merged into this one.
    if (!lead->primary.empty()) lead->subjects.push_back(lead->primary);
    for (auto& o : others) lead->related.emplace_back(std::move(o), "conversation participant");
  }
  auto t = f.OptionalTime(j, "time", "time");
  if (!t) return tl::unexpected(t.error());
  lead->source_time = *t;
  return {};
}

Status ParseAccount(const json& j, const Fields& f, Lead* lead) {
  lead->kind = LeadKind::kAccount;
  auto acct = f.RequiredId("account");
  if (!acct) return tl::unexpected(acct.error());
  lead->primary = *acct;
  lead->subjects.push_back(*acct);
  auto role = j.find("role");
  if (!role->is_string() || (*role != "supply" && *role != "demand")) {
    return f.Bad("role", "must be \"supply\" or \"demand\"");
  }
  if (auto w = j.find("window"); w != j.end()) {
    if (!w->is_object()) return f.Bad("window", "must be an object");
    if (auto s = f.OptionalTime(*w, "window.start", "start"); !s) return tl::unexpected(s.error());
    auto e = f.OptionalTime(*w, "window.end", "end");
    if (!e) return tl::unexpected(e.error());
    lead->source_time = *e;
  }
  if (auto ev = j.find("evidence"); ev != j.end()) {
    if (!ev->is_object()) return f.Bad("evidence", "must be an object");
    if (auto linked = ev->find("linked"); linked != ev->end()) {
      if (!linked->is_array()) return f.Bad("evidence.linked", "must be an array");
      for (size_t i = 0; i < linked->size(); ++i) {
        auto id = f.Id((*linked)[i], "evidence.linked[" + std::to_string(i) + "]");
        if (!id) return tl::unexpected(id.error());
        lead->related.emplace_back(*id, "shares an IP address");
      }
    }
    // The undercover agent's other accounts of the same person, each with its reason.
    if (auto same = ev->find("same_person"); same != ev->end()) {
      if (!same->is_array()) return f.Bad("evidence.same_person", "must be an array");
      for (size_t i = 0; i < same->size(); ++i) {
        const std::string field = "evidence.same_person[" + std::to_string(i) + "]";
        const json& x = (*same)[i];
        if (!x.is_object()) return f.Bad(field, "must be an object");
        auto a = x.find("account");
        if (a == x.end()) return f.Bad(field + ".account", "is required");
        auto id = f.Id(*a, field + ".account");
        if (!id) return tl::unexpected(id.error());
        auto r = x.find("reason");
        if (r == x.end()) return f.Bad(field + ".reason", "is required");
        auto reason = f.Id(*r, field + ".reason");
        if (!reason) return tl::unexpected(reason.error());
        lead->related.emplace_back(*id, *reason);
      }
    }
  }
  return {};
}

Status ParseMedia(const json& j, const Fields& f, Lead* lead) {
  lead->kind = LeadKind::kMedia;
  auto file = f.RequiredId("file");
  if (!file) return tl::unexpected(file.error());
  auto sha = f.RequiredId("sha256");
  if (!sha) return tl::unexpected(sha.error());
  if (sha->size() != 64 || sha->find_first_not_of("0123456789abcdef") != std::string::npos) {
    return f.Bad("sha256", "must be 64 lower-case hex digits");
  }
  lead->conversation = "media:" + *sha;
  auto m = j.find("matches");
  if (m == j.end() || !m->is_array()) return f.Bad("matches", "must be an array");
  for (size_t i = 0; i < m->size(); ++i) {
    const json& x = (*m)[i];
    const std::string field = "matches[" + std::to_string(i) + "]";
    if (!x.is_object()) return f.Bad(field, "must be an object");
    for (const char* name : {"list", "label"}) {
      auto it = x.find(name);
      if (it == x.end()) return f.Bad(field + "." + name, "is required");
      if (auto s = f.Id(*it, field + "." + name); !s) return tl::unexpected(s.error());
    }
    if (auto d = x.find("distance"); d != x.end() && !d->is_number()) {
      return f.Bad(field + ".distance", "must be a number");
    }
  }
  if (j.contains("account")) {
    auto acct = f.RequiredId("account");
    if (!acct) return tl::unexpected(acct.error());
    lead->primary = *acct;
    lead->subjects.push_back(*acct);
  }
  auto t = f.OptionalTime(j, "time", "time");
  if (!t) return tl::unexpected(t.error());
  lead->source_time = *t;
  return {};
}

// {"kind":"user_report","account":...,"reporter":...,"reason":...,"excerpt":...,"score":...}
Status ParseReport(const json& j, const Fields& f, Lead* lead) {
  lead->kind = LeadKind::kReport;
  auto acct = f.RequiredId("account");
  if (!acct) return tl::unexpected(acct.error());
  lead->primary = *acct;
  lead->subjects.push_back(*acct);
  auto reason = j.find("reason");
  if (reason == j.end() || !reason->is_string() || reason->get_ref<const std::string&>().empty()) {
    return f.Bad("reason", "is required (a string)");
  }
  if (auto r = j.find("reporter"); r != j.end()) {
    auto rep = f.Id(*r, "reporter");
    if (!rep) return tl::unexpected(rep.error());
    lead->related.emplace_back(*rep, "reporter");
  }
  auto t = f.OptionalTime(j, "time", "time");
  if (!t) return tl::unexpected(t.error());
  lead->source_time = *t;
  return {};
}

// The first number in `v` that is not finite (1e999 parses as infinity, which JSON cannot
// write back), as a field path; empty if none.
std::string NonFiniteField(const json& v, const std::string& path) {
  if (v.is_number_float() && !std::isfinite(v.get<double>())) return path.empty() ? "." : path;
  if (v.is_object()) {
    for (const auto& [k, x] : v.items()) {
      std::string f = NonFiniteField(x, path.empty() ? k : path + "." + k);
      if (!f.empty()) return f;
    }
  } else if (v.is_array()) {
    for (size_t i = 0; i < v.size(); ++i) {
      std::string f = NonFiniteField(v[i], path + "[" + std::to_string(i) + "]");
      if (!f.empty()) return f;
    }
  }
  return {};
}

}  // namespace

std::string_view LeadKindName(LeadKind k) {
  switch (k) {
    case LeadKind::kConversation: return "text";
    case LeadKind::kAccount: return "meta";
    case LeadKind::kMedia: return "media";
    case LeadKind::kReport: return "report";
  }
  return "text";
}

Result<Lead> ParseLead(std::string_view line, std::string_view where) {
  json j = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return Fail(ErrorCode::kParse, "not valid JSON", std::string(where));
  }
  if (!j.is_object()) return Fail(ErrorCode::kParse, "must be a JSON object", std::string(where));
  const Fields f(j, where);
  if (std::string bad = NonFiniteField(j, ""); !bad.empty()) {
    return f.Bad(bad, "number out of range");
  }
  Lead lead;
  Status s;
  auto kind = j.find("kind");
  if (kind != j.end() && *kind == "media_match") {
    s = ParseMedia(j, f, &lead);
  } else if (kind != j.end() && *kind == "user_report") {
    s = ParseReport(j, f, &lead);
  } else if (kind != j.end()) {
    return f.Bad("kind", "must be \"media_match\" or \"user_report\" when present");
  } else if (j.contains("conversation")) {
    s = ParseScan(j, f, &lead);
  } else if (j.contains("account") && j.contains("role")) {
    s = ParseAccount(j, f, &lead);
  } else {
    return Fail(ErrorCode::kParse,
                "not a lead: expected scan output (conversation), an account lead (account, "
                "role) or a media match (kind)",
                std::string(where));
  }
  if (!s) return tl::unexpected(s.error());
  auto score = f.Score();
  if (!score) return tl::unexpected(score.error());
  lead.score = *score;
  auto flagged = f.Flagged();
  if (!flagged) return tl::unexpected(flagged.error());
  lead.flagged = *flagged;
  auto country = f.Country();
  if (!country) return tl::unexpected(country.error());
  lead.country = *country;
  // Text fields end up in SQL text columns: PostgreSQL refuses NUL, so both backends do.
  std::string canonical = evidence::CanonicalJson(j);
  if (canonical.find("\\u0000") != std::string::npos) {
    return Fail(ErrorCode::kParse, "contains a NUL character", std::string(where));
  }
  lead.content_hash = evidence::Sha256Hex(canonical);
  lead.body = std::move(j);
  return lead;
}

}  // namespace bantay::cases
