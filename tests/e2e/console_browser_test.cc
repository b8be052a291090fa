// End-to-end test of the analyst console in headless Chromium: runs web/test/console.test.mjs
// (playwright-core from npm, Debian's /usr/bin/chromium) against the built bantay binary. The
// script seeds its own temp store, serves it on an ephemeral loopback port and stops it.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace {

namespace fs = std::filesystem;

TEST(ConsoleBrowser, LoginQueueCaseAuthorisationExportAndRefusal) {
  const fs::path web = fs::path(BANTAY_SOURCE_DIR) / "web";
  ASSERT_TRUE(fs::exists(web / "node_modules" / "playwright-core"))
      << "web/node_modules is missing: run scripts/setup.sh (npm ci in web/)";
  ASSERT_TRUE(fs::exists("/usr/bin/chromium")) << "Debian chromium is missing: run scripts/setup.sh";
  // BANTAY_SCREENSHOTS=docs/screenshots refreshes the committed screenshots.
  const char* shots = std::getenv("BANTAY_SCREENSHOTS");
  const std::string cmd = "node '" + (web / "test" / "console.test.mjs").string() + "' '" +
                          std::string(BANTAY_BINARY) + "'" +
                          (shots ? " '" + std::string(shots) + "'" : std::string()) + " 2>&1";
  const int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "console browser test failed (see its output above)";
}

}  // namespace
