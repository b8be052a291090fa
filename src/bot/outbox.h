// bot/outbox.h: the only way out of the engine (private to the module). It holds the
// connectors and runs the outgoing guard on every line before a connector sees it; a blocked
// line is not sent and is written to the ledger. It also serialises ledger appends.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bot/bot.h"
#include "core/utf8.h"

namespace bantay::bot {

class Outbox {
 public:
  // `ledger` may be null (nothing recorded); `now` gives UTC ms for records; `pseudonymise`
  // may be null (EngineOptions::pseudonymise).
  Outbox(std::shared_ptr<const Guard> guard, std::vector<std::shared_ptr<Connector>> connectors,
         evidence::Ledger* ledger, std::function<int64_t()> now,
         std::function<Result<std::string>(const std::string&)> pseudonymise = nullptr);

  Status Start(const ConnectorCallbacks& callbacks);
  void Stop();

  // Checks `text` with the guard and hands it to the connector named `network`. A blocked
  // line returns kInvalidArgument and is recorded in `stream` (kind "guard_blocked", with
  // who tried to send it and which term blocked it); a missing connector returns kNotFound.
  Status Send(const std::string& network, const std::string& partner, const std::string& text,
              const std::string& speaker, const std::string& bank_entry, const std::string& stream);

  // Appends to the ledger (if any). Failures are counted, never thrown.
  void Record(const std::string& stream, std::string_view kind, int64_t source_ms,
              nlohmann::json body);
  uint64_t ledger_errors() const;
  // An account identifier as ledger records carry it: its pseudonym when there is a
  // pseudonymiser, else as it is; "" (and a ledger error) when pseudonymising fails.
  std::string RecordedId(const std::string& id);
  // RecordedId of a partner: network + "/" + nick.
  std::string RecordedPartner(const std::string& network, const std::string& nick) {
    return RecordedId(network + "/" + nick);
  }
  bool recording() const { return ledger_ != nullptr; }

 private:
  std::shared_ptr<const Guard> guard_;
  std::vector<std::shared_ptr<Connector>> connectors_;
  evidence::Ledger* ledger_;
  std::function<int64_t()> now_;
  std::function<Result<std::string>(const std::string&)> pseudonymise_;
  mutable std::mutex ledger_mu_;
  uint64_t ledger_errors_ = 0;
};

}  // namespace bantay::bot
