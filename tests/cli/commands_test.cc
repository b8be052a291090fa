// Tests for cli/commands.h: which command lines are batch runs (main tunes the allocator).
#include "cli/commands.h"

#include <gtest/gtest.h>

#include <vector>

namespace bantay::cli {
namespace {

bool Batch(std::vector<const char*> args) {
  args.insert(args.begin(), "bantay");
  return IsBatchRun(static_cast<int>(args.size()), args.data());
}

TEST(IsBatchRun, ScanAndMetaOverFilesAreBatchRuns) {
  EXPECT_TRUE(Batch({"scan", "chats.jsonl"}));
  EXPECT_TRUE(Batch({"meta", "--threads", "2", "calls.csv"}));
}

TEST(IsBatchRun, LongRunningCommandsAreNot) {
  EXPECT_FALSE(Batch({"meta", "--kafka", "localhost:9092", "--topic", "calls"}));
  EXPECT_FALSE(Batch({"meta", "calls.csv", "--kafka=localhost:9092"}));
  EXPECT_FALSE(Batch({"serve"}));
  EXPECT_FALSE(Batch({"bot", "--irc", "localhost:6667"}));
  EXPECT_FALSE(Batch({}));
}

}  // namespace
}  // namespace bantay::cli
