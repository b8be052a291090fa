// End-to-end tests of the `bantay` binary: scan output, determinism, bad input, exit codes.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli_runner.h"

namespace {

namespace fs = std::filesystem;

using bantay::e2e::CliRun;

class ScanCli : public bantay::e2e::CliTest {};

TEST_F(ScanCli, HelpAndUsageExitCodes) {
  EXPECT_EQ(Bantay("--help").code, 0);
  auto help = Bantay("scan --help");
  EXPECT_EQ(help.code, 0);
  EXPECT_NE(help.out.find("--min-score"), std::string::npos);
  EXPECT_EQ(Bantay("scan --no-such-flag").code, 2);
  EXPECT_EQ(Bantay("frobnicate").code, 2);
}

TEST_F(ScanCli, SimulatedCorpusIsScoredDeterministicallyAcrossThreads) {
  ASSERT_EQ(Bantay("simulate chats --n 600 --seed 77 --interleave --truth " + Path("truth.jsonl") +
                   " --out " + Path("chats.jsonl"))
                .code,
            0);
  auto one = Bantay("scan --all --threads 1 " + Path("chats.jsonl"));
  auto two = Bantay("scan --all --threads 2 " + Path("chats.jsonl"));
  auto piped = Bantay("scan --all --threads 2 - < " + Path("chats.jsonl"));
  ASSERT_EQ(one.code, 0) << one.err;
  EXPECT_EQ(one.out, two.out);
  EXPECT_EQ(one.out, piped.out);
  // Every conversation appears once, and flagged ones carry evidence with original text.
  std::istringstream lines(one.out);
  std::string line;
  size_t n = 0, flagged = 0;
  while (std::getline(lines, line)) {
    auto j = nlohmann::json::parse(line);
    ASSERT_TRUE(j.contains("conversation") && j.contains("score") && j.contains("signals"));
    if (j["flagged"].get<bool>()) {
      ++flagged;
      ASSERT_FALSE(j["evidence"].empty());
      EXPECT_TRUE(j["evidence"][0].contains("text"));
    } else {
      for (const auto& e : j["evidence"]) EXPECT_FALSE(e.contains("text"));  // SAFETY.md 3
    }
    ++n;
  }
  EXPECT_EQ(n, 600u);
  EXPECT_GT(flagged, 60u);
  auto only_flagged = Bantay("scan " + Path("chats.jsonl"));
  EXPECT_EQ(static_cast<size_t>(std::count(only_flagged.out.begin(), only_flagged.out.end(), '\n')),
            flagged);
}

TEST_F(ScanCli, BadJsonlRecordsAreReportedWithLineAndTheRestIsScanned) {
  std::string content;
  content += R"({"conversation":"c1","author":"a","text":"how old are you"})" "\n";
  content += R"({"conversation":"c1","author":"b","text":"im 12"})" "\n";
  content += "{not json\n";                                                     // line 3
  content += R"({"conversation":"c2","text":"no author"})" "\n";                // line 4
  content += "{\"conversation\":\"c1\",\"author\":\"b\",\"text\":\"ok \xff\"}\n";  // line 5 repaired
  content += R"({"conversation":"c1","author":"a","text":42})" "\n";            // line 6
  content += R"({"conversation":"c1","author":"a","text":"naked cam show, i pay bitcoin","time":"yesterday"})" "\n";
  content += "[1,2]\n";                                                         // line 8
  content += "{\"conversation\":\"c3\",\"author\":\"a\",\"text\":\"" + std::string(2 << 20, 'x') +
             "\"}\n";                                                           // line 9: too long
  content += R"({"conversation":"c1","author":"a","text":"western union ok"})";  // no newline
  Write("bad.jsonl", content);
  auto r = Bantay("scan --stats " + Path("bad.jsonl"));
  EXPECT_EQ(r.code, 0) << r.err;
  const std::string f = Path("bad.jsonl");
  for (const std::string& where : {f + ":3", f + ":4:author", f + ":5", f + ":6:text",
                                  f + ":7:time", f + ":8", f + ":9"}) {
    EXPECT_NE(r.err.find(where + ":"), std::string::npos) << where << "\n" << r.err;
  }
  EXPECT_NE(r.err.find("5 rejected, 2 repaired"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("\"conversation\":\"c1\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"flagged\":true"), std::string::npos) << r.out;
  EXPECT_EQ(Bantay("scan --strict " + Path("bad.jsonl")).code, 1);
}

TEST_F(ScanCli, EmptyInputAndMissingFile) {
  Write("empty.jsonl", "");
  auto r = Bantay("scan --strict --stats " + Path("empty.jsonl"));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  auto missing = Bantay("scan " + Path("missing.jsonl"));
  EXPECT_NE(missing.code, 0);
  EXPECT_NE(missing.err.find("missing.jsonl"), std::string::npos);
}

TEST_F(ScanCli, Pan12XmlIsDetectedAndTruncationReported) {
  Write("pan.xml",
        "<conversations>\n"
        "<conversation id=\"p1\">\n"
        "<message line=\"1\"><author>a1</author><time>03:20</time><text>how old are you</text>"
        "</message>\n"
        "<message line=\"2\"><author>b2</author><time>03:21</time><text>im 11</text></message>\n"
        "<message line=\"3\"><author>a1</author><time>03:22</time>"
        "<text>naked cam show, i pay &amp;amp; send western union</text></message>\n"
        "</conversation>\n"
        "<conversation id=\"p2\">\n"
        "<message line=\"1\"><author>c3</author><text>hello th");
  auto r = Bantay("scan --stats " + Path("pan.xml"));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\"conversation\":\"p1\""), std::string::npos) << r.out;
  EXPECT_NE(r.err.find(Path("pan.xml") + ":"), std::string::npos) << r.err;
  EXPECT_EQ(Bantay("scan --strict " + Path("pan.xml")).code, 1);
}

}  // namespace
