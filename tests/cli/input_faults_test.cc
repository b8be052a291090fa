// Tests for how the CLI reads input files (ConfigureInputs): a mapped input truncated while
// it is read stops the run with its name and exit code 1, instead of a crash.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "cli/commands.h"
#include "core/core.h"

namespace bantay::cli {
namespace {

TEST(InputFaultsDeathTest, AFileTruncatedWhileMappedStopsTheRunWithItsName) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("bantay_input_faults_" + std::to_string(::getpid()) + ".jsonl"))
                               .string();
  {
    std::ofstream out(path, std::ios::binary);
    for (int i = 0; i < 10000; ++i) out << "a line of some thirty bytes..\n";
  }
  EXPECT_EXIT(
      {
        ConfigureInputs();
        auto r = LineChunkReader::Open(path, 4096, /*map_min_bytes=*/0);
        if (!r) std::exit(3);
        std::filesystem::resize_file(path, 0);
        // The death test's child runs this body with its own pid in the name: unlink the
        // file now (the mapping stays), or every run leaves an empty file in the temp dir.
        std::filesystem::remove(path);
        Chunk c;
        uint64_t sum = 0;
        for (;;) {
          auto more = (*r)->Next(&c);
          if (!more || !*more) break;
          for (char ch : c.data) sum += static_cast<unsigned char>(ch);
        }
        std::exit(sum > 0 ? 4 : 5);  // read to the end: not what a truncated file allows
      },
      testing::ExitedWithCode(kExitFindings),
      "bantay_input_faults_.*: the input file could not be read through its mapping "
      "\\(truncated");
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace bantay::cli
