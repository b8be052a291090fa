// server/server.h: `bantay serve`: the HTTP JSON API under /api and the analyst console (the
// static files of web/, built into the binary), over the case store. See docs/server.md.
//
// Deny by default: every /api route but POST /api/login and POST /api/reports needs a session
// (401 otherwise); every state-changing request needs the session's CSRF token in the
// X-CSRF-Token header (403 otherwise); what a role may do is the store's PermissionTable
// (403 when the store refuses). The store audits what it refuses; the server audits its own
// refusals (no session, bad CSRF, bad API token, oversize body) in the same "audit" stream.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cases/cases.h"
#include "core/core.h"

namespace bantay::server {

struct Options {
  // The case store: an SQLite file or postgresql://... (cases::OpenStore).
  std::string store;
  cases::Options store_options;
  // "host:port"; port 0 picks a free port (Server::port() tells which).
  std::string listen = "127.0.0.1:8080";
  // PEM certificate chain and private key; both set: HTTPS only (cookies get Secure).
  std::filesystem::path tls_cert, tls_key;
  // Serve the console from this directory instead of the files built into the binary.
  std::filesystem::path web_dir;
  // Platform API tokens for POST /api/reports: a file of "name sha256-hex-of-token" lines
  // ('#' comments). Empty: the reports endpoint refuses every request.
  std::filesystem::path report_tokens_file;
  // Referral routing table (cases::ParseAgencies). Empty: one fallback row.
  std::vector<cases::Agency> agencies;
  int threads = 4;                       // I/O and handler threads
  size_t body_limit = 1 << 20;           // request bodies above this: 413
  int request_timeout_s = 30;            // reading a request, writing a response
  int64_t session_idle_s = 30 * 60;      // a session unused this long expires
  int64_t session_max_s = 12 * 3600;     // a session expires this long after login
  // Clock, UTC milliseconds. Default: the system clock. Tests inject one.
  std::function<int64_t()> now_ms;
};

// One HTTP request or response, without the transport; the API is a function of these, so
// that tests can drive every route without a socket.
struct Request {
  std::string method;   // "GET", "POST", ...
  std::string target;   // path and query, e.g. "/api/cases?status=new"
  std::vector<std::pair<std::string, std::string>> headers;  // names as sent
  std::string body;
  std::string peer_ip;
  bool tls = false;
  std::string_view Header(std::string_view name) const;  // case-insensitive; "" if absent
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string_view Header(std::string_view name) const;
};

// One HTTP/1.x request parsed from raw bytes by Beast with the listener's header limit and
// the given body limit, as the listener would hand it to Api::Handle; an error (the byte
// offset as `where`) for a malformed, oversize or incomplete request. For tests and fuzzing.
Result<Request> ParseRequest(std::string_view bytes, size_t body_limit, const std::string& peer_ip);

// The API and console. Thread-safe: any number of threads may call Handle at once (each
// borrows a store connection from a pool).
class Api {
 public:
  static Result<std::unique_ptr<Api>> Create(Options options);
  ~Api();
  Response Handle(const Request& request);
  // Writes an audit record for a refusal decided before the API saw the request (oversize
  // body, malformed request).
  void AuditRefusal(const Request& request, int status, std::string_view why);

 private:
  class Impl;
  explicit Api(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The HTTP(S) listener around an Api. Thread-safe.
class Server {
 public:
  // Binds and starts serving on options.threads threads.
  static Result<std::unique_ptr<Server>> Start(Options options);
  ~Server();  // stops
  uint16_t port() const;
  bool tls() const;
  // Stops accepting, closes connections and joins the threads. Idempotent.
  void Stop();
  // Blocks until Stop() (from another thread or a signal handler's thread).
  void Wait();

 private:
  class Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Parses a routing table as `bantay serve --agencies` does; empty `path`: the built-in
// data/referral/agencies.csv when the binary has it, else one fallback row.
Result<std::vector<cases::Agency>> LoadAgencies(const std::string& path);

// A fresh random password (96 bits from the OpenSSL CSPRNG, 24 hex digits), for demo users.
std::string RandomPassword();

// Lower-case hex SHA-256 of a report token, the form kept in the report tokens file.
std::string TokenDigest(std::string_view token);

}  // namespace bantay::server
