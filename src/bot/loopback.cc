// bot/loopback.cc: the in-process connector for tests and the load benchmark.
#include <mutex>
#include <unordered_map>

#include "bot/bot.h"

namespace bantay::bot {

struct LoopbackConnector::Impl {
  std::string name;
  bool keep = true;
  mutable std::mutex mu;
  bool running = false;
  ConnectorCallbacks callbacks;
  std::function<void(const std::string&, const std::string&)> on_sent;
  std::unordered_map<std::string, std::vector<std::string>> sent;
  uint64_t count = 0;
};

LoopbackConnector::LoopbackConnector(std::string name, bool keep_sent)
    : impl_(std::make_unique<Impl>()) {
  impl_->name = std::move(name);
  impl_->keep = keep_sent;
}
LoopbackConnector::~LoopbackConnector() = default;

std::string LoopbackConnector::Name() const { return impl_->name; }

Status LoopbackConnector::Start(ConnectorCallbacks callbacks) {
  std::lock_guard lock(impl_->mu);
  impl_->callbacks = std::move(callbacks);
  impl_->running = true;
  return {};
}

Status LoopbackConnector::Send(const std::string& partner, const std::string& text) {
  std::function<void(const std::string&, const std::string&)> cb;
  {
    std::lock_guard lock(impl_->mu);
    if (!impl_->running) return Fail(ErrorCode::kIo, "loopback connector is stopped");
    ++impl_->count;
    if (impl_->keep) impl_->sent[partner].push_back(text);
    cb = impl_->on_sent;
  }
  if (cb) cb(partner, text);
  return {};
}

void LoopbackConnector::Stop() {
  std::lock_guard lock(impl_->mu);
  impl_->running = false;
}

bool LoopbackConnector::Inject(const std::string& partner, const std::string& text,
                               int64_t received_ms) {
  std::function<void(InboundLine)> cb;
  {
    std::lock_guard lock(impl_->mu);
    if (!impl_->running) return false;
    cb = impl_->callbacks.on_line;
  }
  if (!cb) return false;
  InboundLine line;
  line.network = impl_->name;
  line.partner = partner;
  line.text = text;
  line.received_ms = received_ms;
  cb(std::move(line));
  return true;
}

bool LoopbackConnector::InjectEvent(ConnectorEvent::Kind kind, const std::string& partner,
                                    const std::string& detail) {
  std::function<void(ConnectorEvent)> cb;
  {
    std::lock_guard lock(impl_->mu);
    if (!impl_->running) return false;
    cb = impl_->callbacks.on_event;
  }
  if (!cb) return false;
  ConnectorEvent e;
  e.kind = kind;
  e.network = impl_->name;
  e.partner = partner;
  e.detail = detail;
  cb(std::move(e));
  return true;
}

void LoopbackConnector::SetOnSent(std::function<void(const std::string&, const std::string&)> f) {
  std::lock_guard lock(impl_->mu);
  impl_->on_sent = std::move(f);
}

std::vector<std::string> LoopbackConnector::SentTo(const std::string& partner) const {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->sent.find(partner);
  return it == impl_->sent.end() ? std::vector<std::string>{} : it->second;
}

uint64_t LoopbackConnector::sent_count() const {
  std::lock_guard lock(impl_->mu);
  return impl_->count;
}

}  // namespace bantay::bot
