// tests/media/media_test_util.h: temp dirs, file helpers and synthetic media for media tests.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace bantay::media::testing {

namespace fs = std::filesystem;

inline std::vector<uint8_t> ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

inline void WriteBytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

inline std::string DataDir() { return std::string(BANTAY_SOURCE_DIR) + "/tests/media/data"; }

// A temp directory per test, removed at the end.
class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("bantay_media_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  // Runs a shell command quietly; true on exit status 0.
  static bool Run(const std::string& cmd) { return std::system((cmd + " >/dev/null 2>&1").c_str()) == 0; }
  // A benign synthetic clip from FFmpeg's test sources (testsrc, color, ...).
  bool MakeVideo(const std::string& name, const std::string& lavfi, double seconds) const {
    return Run("ffmpeg -nostdin -y -f lavfi -i '" + lavfi + "' -t " + std::to_string(seconds) +
               " -pix_fmt yuv420p " + Path(name));
  }
  fs::path dir_;
};

}  // namespace bantay::media::testing
