// tests/cases/backends_test.cc: temp dirs and the throw-away PostgreSQL server of the cases
// tests (one per test binary), and a test that it really runs.
#include "backends.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace bantay::cases::testing {

namespace fs = std::filesystem;

TempDir::TempDir() {
  std::string tmpl = (fs::temp_directory_path() / "bantay-cases-XXXXXX").string();
  path_ = mkdtemp(tmpl.data());
}
TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

namespace {

constexpr const char* kPgBin = "/usr/lib/postgresql/15/bin";

int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

class PostgresServer : public ::testing::Environment {
 public:
  static PostgresServer* instance;

  Result<std::string> NewDatabase() {
    if (!started_) Start();
    if (!error_.empty()) return Fail(ErrorCode::kIo, error_);
    const std::string name = "t" + std::to_string(++databases_);
    const std::string cmd = std::string(kPgBin) + "/createdb -h 127.0.0.1 -p " +
                            std::to_string(port_) + " -U postgres " + name + " >>" + dir_ +
                            "/client.log 2>&1";
    if (std::system(cmd.c_str()) != 0) {
      return Fail(ErrorCode::kIo, "createdb failed; see " + dir_ + "/client.log");
    }
    return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + name;
  }

  void TearDown() override {
    if (!started_ || dir_.empty()) return;
    if (running_) {
      Run(std::string(kPgBin) + "/pg_ctl -D " + dir_ + "/data -m immediate -w stop >/dev/null 2>&1");
    }
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

 private:
  // PostgreSQL refuses to run as root: then the server runs as `nobody`.
  int Run(const std::string& cmd) {
    const std::string full = as_nobody_ ? "runuser -u nobody -- sh -c '" + cmd + "'" : cmd;
    return std::system(full.c_str());
  }

  void Start() {
    started_ = true;
    if (!fs::exists(std::string(kPgBin) + "/initdb") || !fs::exists(std::string(kPgBin) + "/pg_ctl")) {
      error_ = std::string("PostgreSQL 15 binaries missing in ") + kPgBin +
               " (Debian postgresql-15, scripts/setup.sh): PostgreSQL store tests cannot run";
      return;
    }
    std::string tmpl = (fs::temp_directory_path() / "bantay-pg-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) {
      error_ = "cannot create a temp dir for PostgreSQL";
      return;
    }
    dir_ = tmpl;
    as_nobody_ = getuid() == 0;
    if (as_nobody_) {
      const passwd* pw = getpwnam("nobody");
      if (!pw || chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
        error_ = "cannot hand the PostgreSQL temp dir to user nobody";
        return;
      }
    }
    if (Run(std::string(kPgBin) + "/initdb -D " + dir_ + "/data -U postgres -A trust -E UTF8 " +
            "--locale=C --no-sync >" + dir_ + "/initdb.log 2>&1") != 0) {
      error_ = "initdb failed; see " + dir_ + "/initdb.log";
      return;
    }
    port_ = FreePort();
    // fsync off: a throw-away server; durability is tested on SQLite's and PostgreSQL's own
    // commit semantics, not on this disk.
    if (Run(std::string(kPgBin) + "/pg_ctl -D " + dir_ + "/data -l " + dir_ +
            "/server.log -w -o \"-p " + std::to_string(port_) + " -k " + dir_ +
            " -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off\" start "
            ">/dev/null 2>&1") != 0) {
      error_ = "pg_ctl start failed; see " + dir_ + "/server.log";
      return;
    }
    running_ = true;
  }

  bool started_ = false, running_ = false, as_nobody_ = false;
  std::string dir_, error_;
  int port_ = 0;
  int databases_ = 0;
};

PostgresServer* PostgresServer::instance =
    static_cast<PostgresServer*>(::testing::AddGlobalTestEnvironment(new PostgresServer));

}  // namespace

Result<std::string> FreshPostgresDatabase() { return PostgresServer::instance->NewDatabase(); }

TEST(PostgresServer, StartsAndGivesFreshDatabases) {
  auto a = FreshPostgresDatabase();
  ASSERT_TRUE(a) << a.error().ToString();
  auto b = FreshPostgresDatabase();
  ASSERT_TRUE(b) << b.error().ToString();
  EXPECT_NE(*a, *b);
}

}  // namespace bantay::cases::testing
