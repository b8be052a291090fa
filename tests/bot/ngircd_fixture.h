// tests/bot/ngircd_fixture.h: a real IRC server (Debian's ngircd) on a free loopback port for
// the connector tests, plus a raw line socket for scripted partners and fake servers.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>

namespace bantay::bot::testing {

using Deadline = std::chrono::steady_clock::time_point;
inline Deadline After(int ms) { return std::chrono::steady_clock::now() + std::chrono::milliseconds(ms); }

// Waits (bounded, polling) until `done` holds: for effects another thread publishes after the
// bytes are on the wire (a connector counts a line as sent in its write's completion, which
// can run after the peer has read it). False after `ms`.
inline bool Eventually(const std::function<bool()>& done, int ms = 10000) {
  const Deadline deadline = After(ms);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

// A blocking TCP socket read and written in whole lines; every read has a deadline so that a
// broken test fails instead of hanging.
class LineSocket {
 public:
  LineSocket() = default;
  explicit LineSocket(int fd) : fd_(fd) {}
  LineSocket(LineSocket&& o) noexcept : fd_(o.fd_), buf_(std::move(o.buf_)) { o.fd_ = -1; }
  LineSocket& operator=(LineSocket&& o) noexcept {
    Close();
    fd_ = o.fd_;
    buf_ = std::move(o.buf_);
    o.fd_ = -1;
    return *this;
  }
  ~LineSocket() { Close(); }

  static LineSocket Connect(uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ::close(fd);
      return LineSocket();
    }
    return LineSocket(fd);
  }

  bool ok() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  bool SendRaw(std::string_view bytes) {
    while (!bytes.empty() && fd_ >= 0) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return fd_ >= 0;
  }
  bool SendLine(const std::string& line) { return SendRaw(line + "\r\n"); }

  // The next line without CR LF; false at the deadline or when the peer closed.
  bool ReadLine(std::string* line, Deadline deadline) {
    for (;;) {
      const size_t nl = buf_.find('\n');
      if (nl != std::string::npos) {
        *line = buf_.substr(0, nl);
        if (!line->empty() && line->back() == '\r') line->pop_back();
        buf_.erase(0, nl + 1);
        return true;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now()).count();
      if (left <= 0 || fd_ < 0) return false;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
      char chunk[4096];
      const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) return false;
      buf_.append(chunk, static_cast<size_t>(n));
    }
  }

  // Reads lines (answering PING) until one satisfies `want`; false at the deadline.
  bool WaitFor(const std::function<bool(const std::string&)>& want, Deadline deadline,
               std::string* found = nullptr) {
    std::string line;
    while (ReadLine(&line, deadline)) {
      if (line.rfind("PING ", 0) == 0) {
        SendLine("PONG " + line.substr(5));
        continue;
      }
      if (want(line)) {
        if (found) *found = line;
        return true;
      }
    }
    return false;
  }
  bool WaitForSubstring(const std::string& s, Deadline deadline, std::string* found = nullptr) {
    return WaitFor([&](const std::string& l) { return l.find(s) != std::string::npos; }, deadline, found);
  }

  // Registers as an ordinary IRC client and waits for the welcome (001).
  bool Register(const std::string& nick, Deadline deadline) {
    SendLine("NICK " + nick);
    SendLine("USER " + nick + " 0 * :" + nick);
    return WaitFor([](const std::string& l) { return l.find(" 001 ") != std::string::npos; }, deadline);
  }

 private:
  int fd_ = -1;
  std::string buf_;
};

// A listening loopback socket on an ephemeral port (a fake server for protocol tests).
class LoopbackListener {
 public:
  LoopbackListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(fd_, 16);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~LoopbackListener() { ::close(fd_); }
  uint16_t port() const { return port_; }
  LineSocket Accept(Deadline deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now()).count();
    pollfd p{fd_, POLLIN, 0};
    if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) <= 0) return LineSocket();
    return LineSocket(::accept(fd_, nullptr, nullptr));
  }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

// A free loopback TCP port (bound then released; the server binds it right after).
inline uint16_t FreeLoopbackPort() { return LoopbackListener().port(); }

struct NgircdOptions {
  // ngircd's per-client penalties (its flood control) throttle fast clients: a test of our own
  // flood control and the bench turn them off; MaxPenaltyTime = 0 does that.
  bool penalties = false;
  int max_connections = 0;   // 0: unlimited
  // Also listen with TLS on tls_port(), with a fresh self-signed certificate for 127.0.0.1
  // (cert_file() doubles as the CA file a client trusts).
  bool tls = false;
};

// ngircd in the foreground (-n) on 127.0.0.1:port() with a config in a temp dir. Running as
// root, ngircd wants to drop privileges, so the config names user and group 65534 (nobody).
class NgircdServer {
 public:
  explicit NgircdServer(NgircdOptions options = {}) : options_(options) {
    char tmpl[] = "/tmp/bantay-ngircd-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    ::chmod(dir_.c_str(), 0755);  // read after the switch to nobody on a rehash
    port_ = FreeLoopbackPort();
    if (options_.tls) {
      tls_port_ = FreeLoopbackPort();
      const std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
                              " -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -days 1 -keyout '" +
                              dir_ + "/key.pem' -out '" + cert_file() + "' >/dev/null 2>&1";
      if (std::system(cmd.c_str()) != 0) return;  // started() stays false
      ::chmod((dir_ + "/key.pem").c_str(), 0644);  // read by ngircd as nobody
    }
    WriteConfig();
    started_ = Start();
  }
  ~NgircdServer() {
    Kill(SIGTERM);
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  bool started() const { return started_; }
  uint16_t port() const { return port_; }
  uint16_t tls_port() const { return tls_port_; }
  std::string cert_file() const { return dir_ + "/cert.pem"; }
  std::string log() const {
    std::ifstream in(dir_ + "/ngircd.log");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  // Stops the server abruptly (SIGKILL: no QUIT, no ERROR to clients) or politely (SIGTERM).
  void Kill(int sig = SIGKILL) {
    if (pid_ <= 0) return;
    ::kill(pid_, sig);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  // Starts again on the same port.
  bool Restart() { return started_ = Start(); }

 private:
  void WriteConfig() {
    std::ofstream conf(dir_ + "/ngircd.conf");
    conf << "[Global]\nName = irc.bantay.test\nInfo = bantay test server\n"
         << "AdminInfo1 = test\nAdminInfo2 = test\nAdminEMail = test@invalid\n"
         << "Listen = 127.0.0.1\nPorts = " << port_ << "\nMotdPhrase = test\n";
    if (::geteuid() == 0) conf << "ServerUID = 65534\nServerGID = 65534\n";
    conf << "[Limits]\nMaxConnections = " << options_.max_connections
         << "\nMaxConnectionsIP = 0\nMaxJoins = 0\nMaxNickLength = 30\n"
         << "PingTimeout = 120\nPongTimeout = 20\n"
         << "MaxPenaltyTime = " << (options_.penalties ? -1 : 0) << "\n"
         << "[Options]\nDNS = no\nIdent = no\nPAM = no\n";
    if (options_.tls) {
      conf << "[SSL]\nCertFile = " << cert_file() << "\nKeyFile = " << dir_
           << "/key.pem\nPorts = " << tls_port_ << "\n";
    }
  }

  bool Start() {
    const std::string conf = dir_ + "/ngircd.conf";
    const std::string log_path = dir_ + "/ngircd.log";
    pid_ = ::fork();
    if (pid_ == 0) {
      FILE* log = std::fopen(log_path.c_str(), "a");
      if (log) {
        ::dup2(fileno(log), 1);
        ::dup2(fileno(log), 2);
      }
      ::execl("/usr/sbin/ngircd", "ngircd", "-n", "-f", conf.c_str(), static_cast<char*>(nullptr));
      std::_Exit(127);
    }
    // Ready when the port accepts a connection (polled: ngircd says nothing else we can wait on
    // without draining its log).
    const Deadline deadline = After(10000);
    while (std::chrono::steady_clock::now() < deadline) {
      if (LineSocket::Connect(port_).ok()) return true;
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  NgircdOptions options_;
  std::string dir_;
  uint16_t port_ = 0, tls_port_ = 0;
  pid_t pid_ = -1;
  bool started_ = false;
};

}  // namespace bantay::bot::testing
