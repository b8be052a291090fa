// End-to-end tests of `bantay demo` and of the analyst console in headless Chromium: runs web/test/console.test.mjs
// (playwright-core from npm, Debian's /usr/bin/chromium) against the built bantay binary. The
// script seeds its own temp store, serves it on an ephemeral loopback port and stops it.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "../cases/backends.h"

namespace {

namespace fs = std::filesystem;

// Runs the browser script; `store_env` (e.g. "BANTAY_TEST_STORE='postgresql://...' ") picks
// the store it seeds and serves instead of its own SQLite file.
void RunConsoleScript(const std::string& store_env) {
  const fs::path web = fs::path(BANTAY_SOURCE_DIR) / "web";
  ASSERT_TRUE(fs::exists(web / "node_modules" / "playwright-core"))
      << "web/node_modules is missing: run scripts/setup.sh (npm ci in web/)";
  ASSERT_TRUE(fs::exists("/usr/bin/chromium")) << "Debian chromium is missing: run scripts/setup.sh";
  // BANTAY_SCREENSHOTS=docs/screenshots refreshes the committed screenshots.
  const char* shots = std::getenv("BANTAY_SCREENSHOTS");
  const std::string cmd = store_env + "node '" + (web / "test" / "console.test.mjs").string() +
                          "' '" + std::string(BANTAY_BINARY) + "'" +
                          (shots ? " '" + std::string(shots) + "'" : std::string()) + " 2>&1";
  const int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "console browser test failed (see its output above)";
}

TEST(ConsoleBrowser, LoginQueueCaseAuthorisationExportAndRefusal) { RunConsoleScript(""); }

// The same walk-through on a PostgreSQL store (the throw-away server of pg_fixture_test.cc).
TEST(ConsoleBrowser, OnPostgresql_LoginQueueCaseAuthorisationExportAndRefusal) {
  auto db = bantay::cases::testing::FreshPostgresDatabase();
  ASSERT_TRUE(db) << db.error().ToString();
  RunConsoleScript("BANTAY_TEST_STORE='" + *db + "' ");
}

// `bantay demo --no-serve` builds a store from simulated data and prints four users' passwords.
TEST(Demo, NoServeIngestsSimulatedLeadsAndPrintsUsers) {
  const fs::path dir = fs::temp_directory_path() / ("bantay_demo_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const std::string cmd = "'" + std::string(BANTAY_BINARY) + "' demo --no-serve --dir '" +
                          dir.string() + "' --chats 60 --accounts 1000 --days 8";
  std::FILE* p = popen(cmd.c_str(), "r");
  ASSERT_TRUE(p);
  std::string out;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  const int status = pclose(p);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << out;
  for (const char* user : {"admin", "supervisor", "analyst", "auditor"}) {
    EXPECT_NE(out.find(std::string("user ") + user), std::string::npos) << out;
  }
  EXPECT_NE(out.find("cases opened"), std::string::npos) << out;
  EXPECT_EQ(out.find(" 0 cases opened"), std::string::npos) << out;
  EXPECT_TRUE(fs::exists(dir / "cases.db"));
  // A second run into the same directory is refused rather than mixing two demos.
  EXPECT_NE(std::system((cmd + " >/dev/null 2>&1").c_str()), 0);
  fs::remove_all(dir);
}

}  // namespace
