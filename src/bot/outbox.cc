// bot/outbox.cc: guarded sending and serialised ledger appends.
#include "bot/outbox.h"

#include "evidence/evidence.h"

namespace bantay::bot {

Outbox::Outbox(std::shared_ptr<const Guard> guard,
               std::vector<std::shared_ptr<Connector>> connectors, evidence::Ledger* ledger,
               std::function<int64_t()> now,
               std::function<Result<std::string>(const std::string&)> pseudonymise)
    : guard_(std::move(guard)), connectors_(std::move(connectors)), ledger_(ledger),
      now_(std::move(now)), pseudonymise_(std::move(pseudonymise)) {}

Status Outbox::Start(const ConnectorCallbacks& callbacks) {
  for (auto& c : connectors_) {
    if (auto s = c->Start(callbacks); !s) return s;
  }
  return {};
}

void Outbox::Stop() {
  for (auto& c : connectors_) c->Stop();
}

Status Outbox::Send(const std::string& network, const std::string& partner,
                    const std::string& text, const std::string& speaker,
                    const std::string& bank_entry, const std::string& stream) {
  GuardVerdict v = guard_->Check(text);
  if (!v.allowed) {
    nlohmann::json body = {{"network", network}, {"partner", RecordedPartner(network, partner)},
                           {"speaker", speaker},
                           {"text", RepairUtf8(text)}, {"category", v.category}, {"term", v.term},
                           {"time", FormatRfc3339(now_())}};
    if (!bank_entry.empty()) body["bank_entry"] = bank_entry;
    Record(stream, "guard_blocked", kNoTime, std::move(body));
    return Fail(ErrorCode::kInvalidArgument,
                "the outgoing guard blocked the line (" + v.category + " term \"" + v.term + "\")");
  }
  for (auto& c : connectors_) {
    if (c->Name() == network) return c->Send(partner, text);
  }
  return Fail(ErrorCode::kNotFound, "no connector for network \"" + network + "\"");
}

void Outbox::Record(const std::string& stream, std::string_view kind, int64_t source_ms,
                    nlohmann::json body) {
  if (!ledger_) return;
  std::string source = source_ms == kNoTime ? std::string() : FormatRfc3339(source_ms);
  std::lock_guard lock(ledger_mu_);
  if (!ledger_->Append(stream, kind, source, std::move(body))) ++ledger_errors_;
}

std::string Outbox::RecordedId(const std::string& id) {
  if (!pseudonymise_) return id;
  std::lock_guard lock(ledger_mu_);
  auto p = pseudonymise_(id);
  if (p) return std::move(*p);
  ++ledger_errors_;
  return {};
}

uint64_t Outbox::ledger_errors() const {
  std::lock_guard lock(ledger_mu_);
  return ledger_errors_;
}

}  // namespace bantay::bot
