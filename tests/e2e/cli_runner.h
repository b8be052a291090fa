// tests/e2e/cli_runner.h: runs the bantay binary from end-to-end tests, in a per-test temp dir.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace bantay::e2e {

struct CliRun {
  int code = -1;  // exit code, -1 if killed by a signal
  std::string out, err;
};

inline std::string SlurpFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs `bantay ARGS` (a shell fragment) with stdout and stderr captured through files in `dir`.
inline CliRun RunBantay(const std::string& args, const std::filesystem::path& dir) {
  const std::filesystem::path out = dir / "stdout", err = dir / "stderr";
  const std::string cmd =
      std::string(BANTAY_BINARY) + " " + args + " >" + out.string() + " 2>" + err.string();
  CliRun r;
  const int status = std::system(cmd.c_str());
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = SlurpFile(out);
  r.err = SlurpFile(err);
  return r;
}

// A fixture with a fresh temp directory per test, removed afterwards.
class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("bantay_e2e_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->test_suite_name() + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  void Write(const std::string& name, const std::string& content) const {
    std::ofstream(Path(name), std::ios::binary) << content;
  }
  static std::string Slurp(const std::string& path) { return SlurpFile(path); }
  CliRun Bantay(const std::string& args) const { return RunBantay(args, dir_); }

  std::filesystem::path dir_;
};

}  // namespace bantay::e2e
