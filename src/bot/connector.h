// bot/connector.h: how the undercover agent reaches a chat network. One connector per
// network connection (IRC first; a loopback connector for load tests; room for XMPP).
//
// A connector delivers what partners write and carries out what the engine decides to send.
// It never decides anything itself and never sends a line the engine did not hand it (the
// engine has already passed every outgoing line through the guard, SAFETY.md 2).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/core.h"

namespace bantay::bot {

// One line a partner wrote to the agent.
struct InboundLine {
  std::string network;   // connector name, e.g. "irc:127.0.0.1:6667"
  std::string partner;   // the partner's handle on that network (IRC nick)
  std::string account;   // stable account id if the network has one (IRC: nick!user@host)
  std::string channel;   // where it was said: empty for a private message
  std::string text;      // as received, already decoded to valid UTF-8 (invalid bytes -> U+FFFD)
  int64_t source_ms = kNoTime;   // the network's own timestamp when it has one (IRCv3 server-time)
  int64_t received_ms = 0;       // when the connector received it (UTC ms)
};

// Something that happened to a partner or to the connection rather than a line of text.
struct ConnectorEvent {
  enum class Kind {
    kConnected,      // registered / logged in; channels joined
    kDisconnected,   // the connection dropped; the connector reconnects by itself
    kPartnerLeft,    // the partner quit or parted every shared channel
    kPartnerRenamed, // `partner` changed nick to `detail`
    kError,          // protocol or transport error worth logging (`detail`)
  };
  Kind kind = Kind::kError;
  std::string network;
  std::string partner;
  std::string detail;
  int64_t received_ms = 0;
};

struct ConnectorCallbacks {
  std::function<void(InboundLine)> on_line;
  std::function<void(ConnectorEvent)> on_event;
};

// Thread-safety: Send and Stop may be called from any thread; callbacks are invoked from the
// connector's own thread(s), never concurrently for the same partner.
class Connector {
 public:
  virtual ~Connector() = default;
  // A stable name used in transcripts, e.g. "irc:127.0.0.1:6667" or "loopback".
  virtual std::string Name() const = 0;
  // Connects (and keeps reconnecting with backoff) and starts delivering callbacks.
  virtual Status Start(ConnectorCallbacks callbacks) = 0;
  // Queues a private message to `partner`. Long text is split at the network's line limit;
  // flood control may delay it but never drops it while the connector runs. Returns an error
  // only if the connector is stopped.
  virtual Status Send(const std::string& partner, const std::string& text) = 0;
  // Stops delivering callbacks and closes the connection; queued lines are flushed first
  // (bounded by a short timeout).
  virtual void Stop() = 0;
};

}  // namespace bantay::bot
