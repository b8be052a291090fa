// bot/irc_connector.h: the IRC client connector (RFC 2812 over Boost.Asio, optional TLS).
//
// The agent registers under a nick, joins and idles in channels and answers private
// messages. Everything a partner writes to it privately is delivered as an InboundLine;
// channel lines are delivered only when asked for (and are never answered by the engine).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bot/connector.h"
#include "core/core.h"

namespace bantay::bot {

struct IrcOptions {
  std::string host = "127.0.0.1";   // server host name or address
  uint16_t port = 6667;             // server port (6697 is usual for TLS)
  std::string nick = "agent";       // wanted nick; when taken, nick_, nick1, nick2... are tried
  std::string user = "agent";       // USER name (the ident part of nick!user@host)
  std::string realname = "agent";   // USER real name
  std::string password;             // PASS sent before NICK when non-empty
  std::vector<std::string> channels;  // joined after registration and after every reconnect

  bool tls = false;          // TLS on the connection (OpenSSL)
  bool tls_verify = true;    // with tls: verify the certificate chain and the host name
  std::string tls_ca_file;   // with tls_verify: a CA bundle; empty uses the system's store

  // Flood control: a token bucket of `flood_burst` lines refilled at `flood_lines_per_second`.
  // Outgoing PRIVMSG lines wait in a queue (never dropped) until a token is free. Protocol
  // replies (PONG, NICK, JOIN) bypass the queue so that the server never times us out.
  double flood_lines_per_second = 2.0;
  int flood_burst = 5;

  // Reconnect after a drop: wait min, then double on every failed attempt, up to max.
  int64_t reconnect_min_ms = 250;
  int64_t reconnect_max_ms = 60'000;
  int64_t connect_timeout_ms = 10'000;  // TCP connect + TLS handshake + registration
  // A server silent this long gets a PING; silent as long again, the connection is taken for
  // dead (a partition or a hung server sends no RST) and dropped and reconnected.
  int64_t idle_ping_ms = 90'000;

  // Incoming lines longer than this (tags included) are discarded with a kError event.
  // RFC 2812 allows 512 bytes; IRCv3 tags may add 8191.
  size_t max_line_bytes = 8192 + 512;
  // Deliver lines said in channels too (InboundLine::channel set). Default: private only.
  bool deliver_channel_lines = false;
  // Stop() waits at most this long for queued lines to go out before quitting.
  int64_t stop_flush_timeout_ms = 3'000;
};

// Counters for tests, logs and the bench. Monotonic over the connector's life.
struct IrcStats {
  uint64_t connects = 0;           // successful registrations
  uint64_t lines_received = 0;     // protocol lines read from the server
  uint64_t lines_delivered = 0;    // InboundLines handed to on_line
  uint64_t lines_sent = 0;         // PRIVMSG lines written to the socket
  uint64_t lines_queued = 0;       // PRIVMSG lines waiting for flood control or a connection
  uint64_t rejected_lines = 0;     // oversized or unparseable lines (each reported as kError)
};

// Thread-safety: as Connector. Callbacks run on the connector's single I/O thread.
class IrcConnector : public Connector {
 public:
  // Checks the options (nick, host, port, channels, rates); does not connect.
  static Result<std::unique_ptr<IrcConnector>> Create(IrcOptions options);
  ~IrcConnector() override;

  std::string Name() const override;
  Status Start(ConnectorCallbacks callbacks) override;
  Status Send(const std::string& partner, const std::string& text) override;
  void Stop() override;

  // The nick the server registered (may differ from options.nick); empty until registered.
  std::string CurrentNick() const;
  IrcStats Stats() const;

  class Impl;

 private:
  explicit IrcConnector(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace bantay::bot
