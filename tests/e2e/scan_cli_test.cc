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

// Exports often write a JSON array of records: the same records as an array, pretty-printed
// over several lines each, score as their JSONL does.
TEST_F(ScanCli, JsonArrayInputScoresAsItsJsonl) {
  ASSERT_EQ(Bantay("simulate chats --n 300 --seed 78 --out " + Path("chats.jsonl")).code, 0);
  std::ifstream in(Path("chats.jsonl"));
  std::string array = "[\n", line;
  size_t n = 0;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line);
    array += (n++ == 0 ? "" : ",\n") + j.dump(2);
  }
  array += "\n]\n";
  Write("chats.json", array);
  auto jsonl = Bantay("scan --all " + Path("chats.jsonl"));
  auto json = Bantay("scan --all --strict --stats " + Path("chats.json"));
  ASSERT_EQ(json.code, 0) << json.err;
  EXPECT_EQ(json.out, jsonl.out);
  EXPECT_NE(json.err.find(std::to_string(n) + " messages"), std::string::npos) << json.err;
  // A cut file: the records before the cut are scored, the cut is reported with its line.
  Write("cut.json", array.substr(0, array.size() / 2));
  auto cut = Bantay("scan --all --stats " + Path("cut.json"));
  EXPECT_EQ(cut.code, 0) << cut.err;
  EXPECT_NE(cut.err.find(Path("cut.json") + ":"), std::string::npos) << cut.err;
  EXPECT_NE(cut.err.find("1 rejected"), std::string::npos) << cut.err;
  EXPECT_FALSE(cut.out.empty());
}

// Windows tools start a UTF-8 file with a byte-order mark: the first record of a JSONL file
// and the detection of an XML file must see past it.
TEST_F(ScanCli, ByteOrderMarkBeforeJsonlOrXml) {
  const std::string bom = "\xEF\xBB\xBF";
  Write("bom.jsonl", bom +
                         R"({"conversation":"c1","author":"a","text":"how old are you"})"
                         "\r\n" +
                         R"({"conversation":"c1","author":"b","text":"im 11"})"
                         "\r\n");
  Write("bom.xml", bom +
                       "<conversations><conversation id=\"x1\"><message line=\"1\">"
                       "<author>a</author><text>how old are you</text></message>"
                       "<message line=\"2\"><author>b</author><text>im 11</text></message>"
                       "</conversation></conversations>");
  for (const char* file : {"bom.jsonl", "bom.xml"}) {
    auto r = Bantay("scan --strict --all --stats " + Path(file));
    EXPECT_EQ(r.code, 0) << file << ": " << r.err;
    EXPECT_NE(r.err.find("2 messages, 1 conversations"), std::string::npos) << r.err;
    EXPECT_NE(r.out.find("\"term\":\"age 11\""), std::string::npos) << r.out;
  }
}

// The workers pack conversation states into 4 MiB blocks kept until the end of the scan: a
// state may end one block's run of records, and one larger than a block gets its own.
// Input is read in chunks of 4 MB; a conversation that goes on in later chunks is found
// again by its id and merged. Here every conversation has a message in each of four rounds
// over all of them (~10 MB: each spans three chunks), some start late and some end early:
// the lines must be exactly those of the same messages grouped by conversation.
TEST_F(ScanCli, ConversationsSpreadOverChunksScoreAsTheyDoContiguous) {
  const char* texts[] = {"hi how old are you", "im 12 po", "naked cam show",
                         "i send western union"};
  constexpr int kConversations = 2500, kRounds = 4;
  std::vector<std::string> grouped(kConversations);
  std::vector<int> order;  // conversations in order of first appearance
  std::string spread;
  for (int round = 0; round < kRounds; ++round) {
    for (int i = 0; i < kConversations; ++i) {
      if ((i % 7 == 0 && round == 0) || (i % 11 == 0 && round == kRounds - 1)) continue;
      if (grouped[i].empty()) order.push_back(i);
      std::string filler;
      while (filler.size() < 1000) filler += "just eating " + std::to_string(i * 31 + round) + " ";
      const std::string line = "{\"conversation\":\"k" + std::to_string(i) + "\",\"author\":\"" +
                               (round % 2 ? "b" : "a") + "\",\"text\":\"" +
                               texts[(i + round) % kRounds] + " " + filler + "\"}\n";
      spread += line;
      grouped[i] += line;
    }
  }
  ASSERT_GT(spread.size(), 9u << 20);
  std::string contiguous;
  for (int i : order) contiguous += grouped[i];
  Write("spread.jsonl", spread);
  Write("contiguous.jsonl", contiguous);
  auto want = Bantay("scan --all --threads 2 " + Path("contiguous.jsonl"));
  ASSERT_EQ(want.code, 0) << want.err;
  for (const char* threads : {"1", "2"}) {
    auto got = Bantay(std::string("scan --all --threads ") + threads + " " + Path("spread.jsonl"));
    ASSERT_EQ(got.code, 0) << got.err;
    EXPECT_EQ(got.out, want.out) << threads << " threads";
  }
  EXPECT_EQ(static_cast<size_t>(std::count(want.out.begin(), want.out.end(), '\n')),
            static_cast<size_t>(kConversations));
  EXPECT_NE(want.out.find("\"flagged\":true"), std::string::npos);
}

// A worker reuses its conversation states from chunk to chunk: a conversation must start
// with nothing of the one that had its slot before, not even a yes-no age question it
// ended with ("are you 18?"), which would make a bare "no" of the new one an answer and its
// author the first participant.
TEST_F(ScanCli, AConversationInheritsNothingFromTheStateItReuses) {
  std::string jsonl;
  // ~1.4 MB of one-message conversations that ask, so that the second 1 MB chunk holds
  // some, then the conversations under test in the slots the first chunk's used.
  for (int i = 0; i < 20000; ++i) {
    jsonl += "{\"conversation\":\"q" + std::to_string(100000 + i) +
             "\",\"author\":\"q\",\"text\":\"are you 18?\"}\n";
  }
  constexpr int kTested = 200;
  for (int i = 0; i < kTested; ++i) {
    const std::string c = "{\"conversation\":\"t" + std::to_string(100 + i) + "\",";
    jsonl += c + "\"author\":\"a\",\"text\":\"hi\"}\n";
    jsonl += c + "\"author\":\"b\",\"text\":\"no\"}\n";
    jsonl += c + "\"author\":\"a\",\"text\":\"how old are you\"}\n";
    jsonl += c + "\"author\":\"b\",\"text\":\"12\"}\n";
    jsonl += c + "\"author\":\"a\",\"text\":\"naked cam show, i send western union\"}\n";
  }
  Write("reuse.jsonl", jsonl);
  auto run = Bantay("scan --threads 1 " + Path("reuse.jsonl"));
  ASSERT_EQ(run.code, 0) << run.err;
  std::istringstream lines(run.out);
  std::string line;
  int tested = 0;
  while (std::getline(lines, line)) {
    const auto j = nlohmann::json::parse(line);
    if (j["conversation"].get<std::string>()[0] != 't') continue;
    ++tested;
    ASSERT_EQ(j["participants"].size(), 2u) << line;
    EXPECT_EQ(j["participants"][0]["author"], "a") << line;  // the first with a cue
    EXPECT_EQ(j["participants"][0]["role"], "requester") << line;
  }
  EXPECT_EQ(tested, kTested);
}

TEST_F(ScanCli, StatesFillingSeveralPackBlocksAreScoredWhole) {
  std::string filler;
  while (filler.size() < 1500) filler += "so hot today, just eating ";
  const std::string payment = filler + "how much for a private cam show, i send western union";
  constexpr int kConversations = 3000;  // ~5 MB of input, ~1.7 KB of state each
  std::string jsonl;
  for (int i = 0; i < kConversations; ++i) {
    const std::string c = "{\"conversation\":\"s" + std::to_string(100000 + i) + "\",";
    jsonl += c + "\"author\":\"a\",\"text\":\"how old are you\"}\n";
    jsonl += c + "\"author\":\"b\",\"text\":\"im 12\"}\n";
    jsonl += c + "\"author\":\"a\",\"text\":\"" + payment + "\"}\n";
  }
  Write("many.jsonl", jsonl);
  auto one = Bantay("scan --all --threads 1 " + Path("many.jsonl"));
  auto two = Bantay("scan --all --threads 2 " + Path("many.jsonl"));
  ASSERT_EQ(one.code, 0) << one.err;
  EXPECT_EQ(one.out, two.out);
  // The conversations differ only in their ids: so must their lines.
  std::istringstream lines(one.out);
  std::string line, first;
  int n = 0;
  while (std::getline(lines, line)) {
    const std::string id = "s" + std::to_string(100000 + n);
    ASSERT_EQ(line.find("{\"conversation\":\"" + id + "\""), 0u) << line.substr(0, 80);
    line.replace(17, id.size(), "s");
    if (n == 0) first = line;
    ASSERT_EQ(line, first) << "conversation " << n;
    ++n;
  }
  EXPECT_EQ(n, kConversations);
  EXPECT_NE(first.find("\"flagged\":true"), std::string::npos) << first;
  EXPECT_NE(first.find("western union"), std::string::npos) << first;

  // PAN12 XML is analysed whole: a conversation of 3,000 messages of ~2,000 bytes with a
  // term each keeps ~6 MB of text, more than a block.
  std::string long_payment;
  while (long_payment.size() < 1960) long_payment += "so hot today, just eating ";
  long_payment += "western union";
  std::string xml = "<conversations>\n<conversation id=\"big\">\n";
  for (int i = 0; i < 3000; ++i) {
    const std::string text = i == 0   ? "how old are you"
                             : i == 1 ? "im 12"
                             : i == 2 ? "naked cam show"
                                      : long_payment;
    xml += "<message line=\"" + std::to_string(i + 1) + "\"><author>a" + std::to_string(i % 2) +
           "</author><text>" + text + "</text></message>\n";
  }
  xml +=
      "</conversation>\n<conversation id=\"after\">\n<message line=\"1\"><author>x</author>"
      "<text>i send western union</text></message>\n</conversation>\n</conversations>\n";
  Write("big.xml", xml);
  auto big = Bantay("scan --all " + Path("big.xml"));
  ASSERT_EQ(big.code, 0) << big.err;
  std::istringstream big_lines(big.out);
  std::string big_line, after_line;
  ASSERT_TRUE(std::getline(big_lines, big_line));
  ASSERT_TRUE(std::getline(big_lines, after_line));
  auto j = nlohmann::json::parse(big_line);
  EXPECT_EQ(j["conversation"], "big");
  EXPECT_EQ(j["messages"], 3000);
  ASSERT_TRUE(j["flagged"].get<bool>());
  EXPECT_EQ(j["evidence"].size(), 3001u);
  EXPECT_EQ(j["evidence"].back()["message"], 2999);
  EXPECT_EQ(j["evidence"].back()["text"], long_payment);
  EXPECT_EQ(nlohmann::json::parse(after_line)["conversation"], "after");
}

}  // namespace
