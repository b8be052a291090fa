// cases/roles.cc: names of roles, actions and statuses; the permission table; the workflow.
#include <algorithm>

#include "cases/cases.h"
#include "cases/store_internal.h"

namespace bantay::cases {

std::string_view RoleName(Role r) {
  switch (r) {
    case Role::kAnalyst: return "analyst";
    case Role::kSupervisor: return "supervisor";
    case Role::kAuditor: return "auditor";
    case Role::kAdmin: return "admin";
    case Role::kSystem: return "system";
  }
  return "analyst";
}

Result<Role> ParseRole(std::string_view name) {
  for (Role r : {Role::kAnalyst, Role::kSupervisor, Role::kAuditor, Role::kAdmin}) {
    if (RoleName(r) == name) return r;
  }
  return Fail(ErrorCode::kInvalidArgument,
              "unknown role (analyst, supervisor, auditor or admin)", std::string(name));
}

std::string_view ActionName(Action a) {
  switch (a) {
    case Action::kListCases: return "list_cases";
    case Action::kReadCase: return "read_case";
    case Action::kIngest: return "ingest";
    case Action::kTriage: return "triage";
    case Action::kRefer: return "refer";
    case Action::kDismiss: return "dismiss";
    case Action::kAddNote: return "add_note";
    case Action::kManageAuthorisations: return "manage_authorisations";
    case Action::kRecordContent: return "record_content";
    case Action::kReidentify: return "reidentify";
    case Action::kExport: return "export";
    case Action::kTakeover: return "takeover";
    case Action::kReadAudit: return "read_audit";
    case Action::kManageUsers: return "manage_users";
    case Action::kRunRetention: return "run_retention";
  }
  return "unknown";
}

const std::vector<std::pair<Action, std::vector<Role>>>& PermissionTable() {
  using R = Role;
  // Analysts work the queue; supervisors also decide (refer, authorise, re-identify, export);
  // auditors read cases and the audit log but change nothing; admins manage users and jobs
  // but do not read case content. kSystem is the CLI run by the store's operator
  // without --user (ingest, retention, and scripts listing and reading cases, audited as
  // "system:<job>"); whoever runs it already holds the store's files or credentials.
  static const std::vector<std::pair<Action, std::vector<Role>>> kTable = {
      {Action::kListCases, {R::kAnalyst, R::kSupervisor, R::kAuditor, R::kSystem}},
      {Action::kReadCase, {R::kAnalyst, R::kSupervisor, R::kAuditor, R::kSystem}},
      {Action::kIngest, {R::kSystem, R::kAdmin}},
      {Action::kTriage, {R::kAnalyst, R::kSupervisor}},
      {Action::kRefer, {R::kSupervisor}},
      {Action::kDismiss, {R::kAnalyst, R::kSupervisor}},
      {Action::kAddNote, {R::kAnalyst, R::kSupervisor}},
      {Action::kManageAuthorisations, {R::kSupervisor}},
      {Action::kRecordContent, {R::kSystem, R::kSupervisor}},
      {Action::kReidentify, {R::kSupervisor}},
      {Action::kExport, {R::kSupervisor}},
      {Action::kTakeover, {R::kAnalyst, R::kSupervisor}},
      {Action::kReadAudit, {R::kAuditor}},
      {Action::kManageUsers, {R::kAdmin}},
      {Action::kRunRetention, {R::kSystem, R::kAdmin}},
  };
  return kTable;
}

bool Allowed(Role role, Action action) {
  for (const auto& [a, roles] : PermissionTable()) {
    if (a == action) return std::find(roles.begin(), roles.end(), role) != roles.end();
  }
  return false;
}

bool IsPermissionDenied(const Error& e) {
  return e.code == ErrorCode::kPermissionDenied;
}

std::string_view StatusName(CaseStatus s) {
  switch (s) {
    case CaseStatus::kNew: return "new";
    case CaseStatus::kTriage: return "triage";
    case CaseStatus::kReview: return "review";
    case CaseStatus::kReferred: return "referred";
    case CaseStatus::kDismissed: return "dismissed";
  }
  return "new";
}

Result<CaseStatus> ParseStatus(std::string_view name) {
  for (CaseStatus s : {CaseStatus::kNew, CaseStatus::kTriage, CaseStatus::kReview,
                       CaseStatus::kReferred, CaseStatus::kDismissed}) {
    if (StatusName(s) == name) return s;
  }
  return Fail(ErrorCode::kInvalidArgument,
              "unknown status (new, triage, review, referred or dismissed)", std::string(name));
}

bool TransitionAllowed(CaseStatus from, CaseStatus to) {
  using S = CaseStatus;
  switch (from) {
    case S::kNew: return to == S::kTriage;
    case S::kTriage: return to == S::kReview || to == S::kDismissed;
    case S::kReview: return to == S::kReferred || to == S::kDismissed || to == S::kTriage;
    case S::kReferred:
    case S::kDismissed: return false;
  }
  return false;
}

namespace {

// The first character of `s` (whole UTF-8 sequence), for masks.
std::string_view FirstChar(std::string_view s) {
  if (s.empty()) return s;
  const auto b = static_cast<uint8_t>(s[0]);
  const size_t n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : 4;
  return s.substr(0, std::min(n, s.size()));
}

// A masked form of an identifying detail that lets a reader tell details apart without
// identifying anyone: "d***@e***.com", "+***23" (phones keep the last two digits), "D***".
std::string MaskDetail(std::string_view kind, std::string_view v) {
  if (const size_t at = v.find('@'); at != std::string_view::npos && at > 0 && kind != "handle") {
    const std::string_view domain = v.substr(at + 1);
    const size_t dot = domain.rfind('.');
    return std::string(FirstChar(v)) + "***@" + std::string(FirstChar(domain)) + "***" +
           std::string(dot == std::string_view::npos ? "" : domain.substr(dot));
  }
  if (kind == "phone" && v.size() > 4) return "+***" + std::string(v.substr(v.size() - 2));
  return std::string(FirstChar(v)) + "***";
}

}  // namespace

void PseudonymiseBody(LeadKind kind, nlohmann::json* body,
                      const std::function<std::string(const std::string&)>& pseudonym) {
  auto replace = [&](nlohmann::json& v) {
    if (v.is_string()) v = pseudonym(v.get<std::string>());
  };
  if (body->contains("account")) replace((*body)["account"]);
  if (kind == LeadKind::kReport && body->contains("reporter")) replace((*body)["reporter"]);
  if (auto p = body->find("participants"); p != body->end() && p->is_array()) {
    for (auto& x : *p) {
      if (x.is_object() && x.contains("author")) replace(x["author"]);
    }
  }
  if (auto e = body->find("evidence"); e != body->end() && e->is_object()) {
    if (auto l = e->find("linked"); l != e->end() && l->is_array()) {
      for (auto& x : *l) replace(x);
    }
    if (auto l = e->find("same_person"); l != e->end() && l->is_array()) {
      for (auto& x : *l) {
        if (x.is_object() && x.contains("account")) replace(x["account"]);
      }
    }
    // Details the undercover agent extracted (bot leads): identifying values go to the
    // identity table like account ids; the lead keeps the kind, where it was said (message,
    // span), a masked form and the pseudonym. A stated age or place identifies nobody alone
    // and stays as said (triage and routing need it).
    if (auto d = e->find("details"); d != e->end() && d->is_array()) {
      for (auto& x : *d) {
        if (!x.is_object()) continue;
        auto v = x.find("value");
        if (v == x.end()) continue;
        const std::string k = x.value("kind", "");
        if (k == "age" || k == "location") continue;
        const std::string clear = v->is_string() ? v->get<std::string>() : v->dump();
        x["masked"] = MaskDetail(k, clear);
        x["value"] = pseudonym(clear);
      }
    }
  }
}

}  // namespace bantay::cases
