// tests/evidence/evidence_test_util.h: a temp directory, a signing key, a ledger with a fixed
// clock, and small synthetic streams, for the evidence tests.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "evidence/evidence.h"

namespace bantay::evidence::testing {

namespace fs = std::filesystem;

inline std::string Slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void Spit(const fs::path& path, const std::string& content) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
}

inline std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

inline std::string JoinLines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

// A per-test directory under the system temp dir, removed at the end.
class EvidenceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("bantay_evidence_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->test_suite_name() + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto signer = Signer::LoadOrCreate(dir_ / "signing.key");
    ASSERT_TRUE(signer) << signer.error().ToString();
    signer_ = std::make_unique<Signer>(std::move(*signer));
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A clock that advances one second per call from 2026-03-01T10:00:00Z.
  LedgerOptions Options(uint64_t checkpoint_every) {
    LedgerOptions o;
    o.checkpoint_every = checkpoint_every;
    o.now = [this] { return FormatRfc3339(kStart + 1000 * ticks_++); };
    return o;
  }

  // Appends `n` synthetic records to `stream` (kinds and bodies vary, every other record has
  // a source time).
  void Fill(Ledger& ledger, const std::string& stream, int n) {
    static const char* kKinds[] = {"lead", "message", "note", "status"};
    for (int i = 0; i < n; ++i) {
      nlohmann::json body = {{"n", i}, {"text", "synthetic entry " + std::to_string(i)}};
      if (i % 3 == 0) body["score"] = 0.25 * i;
      const std::string source = i % 2 ? FormatRfc3339(kStart - 60000 + 1000 * i) : "";
      auto r = ledger.Append(stream, kKinds[i % 4], source, body);
      ASSERT_TRUE(r) << r.error().ToString();
    }
  }

  // Fills storage_ with the given streams (name, record count), checkpointing every
  // `checkpoint_every` records, and collects records_ and checkpoints_ stream by stream.
  void BuildLedger(uint64_t checkpoint_every,
                   const std::vector<std::pair<std::string, int>>& streams) {
    Ledger ledger(storage_, *signer_, Options(checkpoint_every));
    for (const auto& [name, n] : streams) Fill(ledger, name, n);
    for (const auto& [name, n] : streams) {
      auto r = storage_.Read(name);
      auto c = storage_.Checkpoints(name);
      ASSERT_TRUE(r && c);
      records_.insert(records_.end(), r->begin(), r->end());
      checkpoints_.insert(checkpoints_.end(), c->begin(), c->end());
    }
  }

  static constexpr int64_t kStart = 1772359200000;  // 2026-03-01T10:00:00Z
  fs::path dir_;
  std::unique_ptr<Signer> signer_;
  int64_t ticks_ = 0;
  MemoryLedgerStorage storage_;
  std::vector<Record> records_;
  std::vector<Checkpoint> checkpoints_;
};

}  // namespace bantay::evidence::testing
