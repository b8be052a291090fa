// Tests for the synthetic chat corpus behind `bantay simulate chats`.
#include "cli/simulate_chats.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "core/core.h"

namespace bantay::cli {
namespace {

struct ChatCorpus {
  std::vector<std::string> lines;
  std::vector<ChatTruth> truths;
};

ChatCorpus Generate(const SimulateChatsOptions& options) {
  ChatCorpus c;
  Status s = SimulateChats(
      options, [&](std::string_view line) { c.lines.emplace_back(line); },
      [&](const ChatTruth& t) { c.truths.push_back(t); });
  EXPECT_TRUE(s.has_value()) << (s ? "" : s.error().ToString());
  return c;
}

SimulateChatsOptions Options(uint64_t n, uint64_t seed) {
  SimulateChatsOptions o;
  o.n = n;
  o.seed = seed;
  return o;
}

struct Line {
  std::string conversation, time, author, text;
};

Line ParseLine(const std::string& s) {
  const nlohmann::json j = nlohmann::json::parse(s);
  return {j.at("conversation").get<std::string>(), j.at("time").get<std::string>(),
          j.at("author").get<std::string>(), j.at("text").get<std::string>()};
}

// conversation -> its messages as "author|text", in output order.
std::map<std::string, std::vector<std::string>> ByConversation(const ChatCorpus& c) {
  std::map<std::string, std::vector<std::string>> out;
  for (const std::string& s : c.lines) {
    const Line l = ParseLine(s);
    out[l.conversation].push_back(l.author + "|" + l.text);
  }
  return out;
}

// The traces each obfuscation kind leaves in text; plain templates leave none.
std::set<std::string> Traces(const std::vector<std::string>& messages) {
  static const std::regex kLeet("[a-z][0-9@$!]+[a-z]");
  static const std::regex kRepeat("([a-z])\\1\\1");
  static const std::regex kSpacing("(^|[^a-z0-9])[a-z]([ .\\-][a-z]){2,}($|[^a-z0-9])");
  // A word of three letters or more without a vowel after its first letter, other than
  // those plain templates use ("php", "and", "hmm"): the words of a large plain corpus.
  static const std::regex kVowelless("(^|[^a-z0-9])[a-z][b-df-hj-np-tv-z]{2,}($|[^a-z0-9])");
  static const std::set<std::string> kPlainWords = [] {
    SimulateChatsOptions o = Options(20000, 99);
    o.obfuscation_rate = 0;
    std::set<std::string> words;
    static const std::regex kWord("[a-z0-9]+");
    for (const std::string& line : Generate(o).lines) {
      std::string text = ParseLine(line).text;
      for (char& ch : text) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      for (auto it = std::sregex_iterator(text.begin(), text.end(), kWord);
           it != std::sregex_iterator(); ++it) {
        words.insert(it->str());
      }
    }
    return words;
  }();
  std::set<std::string> traces;
  for (const std::string& m : messages) {
    const std::string text = m.substr(m.find('|') + 1);
    std::string lower = text;
    bool upper = false, non_ascii = false, zero_width = false;
    for (size_t i = 0; i < text.size(); ++i) {
      const unsigned char c = static_cast<unsigned char>(text[i]);
      if (c >= 'A' && c <= 'Z') {
        upper = true;
        lower[i] = static_cast<char>(c + 32);
      }
      if (c == 0xE2 && i + 2 < text.size()) {
        const std::string_view cp(text.data() + i, 3);
        if (cp == "\u200B" || cp == "\u200C" || cp == "\u2060") {
          zero_width = true;
          i += 2;
          continue;
        }
      }
      if (c >= 0x80) non_ascii = true;
    }
    if (upper) traces.insert("case");
    if (zero_width) traces.insert("zero_width");
    if (non_ascii) traces.insert("homoglyph");
    if (std::regex_search(lower, kLeet)) traces.insert("leet");
    if (std::regex_search(lower, kRepeat)) traces.insert("repeat");
    if (std::regex_search(lower, kSpacing)) traces.insert("spacing");
    for (auto it = std::sregex_iterator(lower.begin(), lower.end(), kVowelless);
         it != std::sregex_iterator(); ++it) {
      std::string word = it->str();
      std::erase_if(word, [](char ch) { return ch < 'a' || ch > 'z'; });
      if (!kPlainWords.count(word)) traces.insert("vowels");
    }
  }
  return traces;
}

TEST(SimulateChatsTest, SameSeedGivesSameOutput) {
  SimulateChatsOptions o = Options(300, 42);
  const ChatCorpus a = Generate(o);
  const ChatCorpus b = Generate(o);
  EXPECT_EQ(a.lines, b.lines);
  ASSERT_EQ(a.truths.size(), b.truths.size());
  for (size_t i = 0; i < a.truths.size(); ++i) {
    EXPECT_EQ(a.truths[i].family, b.truths[i].family);
    EXPECT_EQ(a.truths[i].obfuscation, b.truths[i].obfuscation);
  }
  o.interleave = true;
  EXPECT_EQ(Generate(o).lines, Generate(o).lines);
}

TEST(SimulateChatsTest, DifferentSeedsGiveDifferentOutput) {
  EXPECT_NE(Generate(Options(100, 1)).lines, Generate(Options(100, 2)).lines);
}

TEST(SimulateChatsTest, TruthHasOneRecordPerConversationInOrder) {
  const ChatCorpus c = Generate(Options(1234, 9));
  ASSERT_EQ(c.truths.size(), 1234u);
  EXPECT_EQ(c.truths.front().conversation, "c000001");
  EXPECT_EQ(c.truths.back().conversation, "c001234");
  const auto convs = ByConversation(c);
  EXPECT_EQ(convs.size(), 1234u);
  for (const ChatTruth& t : c.truths) {
    ASSERT_TRUE(convs.count(t.conversation)) << t.conversation;
    const size_t n = convs.at(t.conversation).size();
    EXPECT_GE(n, 3u) << t.conversation;
    EXPECT_LE(n, 25u) << t.conversation;
    EXPECT_TRUE(t.language == "en" || t.language == "tl" || t.language == "ceb");
  }
}

TEST(SimulateChatsTest, EveryFamilyAndObfuscationKindAppears) {
  const ChatCorpus c = Generate(Options(2000, 3));
  std::set<std::string> families, kinds;
  for (const ChatTruth& t : c.truths) {
    families.insert(t.family);
    kinds.insert(t.obfuscation);
    const auto& pos = PositiveFamilies();
    EXPECT_EQ(t.positive, std::find(pos.begin(), pos.end(), t.family) != pos.end()) << t.family;
  }
  for (const auto* list : {&PositiveFamilies(), &NegativeFamilies()}) {
    for (const std::string& f : *list) EXPECT_TRUE(families.count(f)) << f;
  }
  for (const std::string& k : ObfuscationKinds()) EXPECT_TRUE(kinds.count(k)) << k;
  EXPECT_EQ(families.size(), PositiveFamilies().size() + NegativeFamilies().size());
}

TEST(SimulateChatsTest, EveryLineIsChatJsonWithRequiredFields) {
  const ChatCorpus c = Generate(Options(2000, 5));
  std::set<std::string> ids;
  for (const ChatTruth& t : c.truths) ids.insert(t.conversation);
  for (const std::string& s : c.lines) {
    ASSERT_FALSE(s.empty());
    ASSERT_NE(s.back(), '\n');
    nlohmann::json j;
    ASSERT_NO_THROW(j = nlohmann::json::parse(s)) << s;
    ASSERT_TRUE(j.is_object()) << s;
    EXPECT_EQ(j.size(), 4u) << s;
    for (const char* key : {"conversation", "time", "author", "text"}) {
      ASSERT_TRUE(j.contains(key) && j[key].is_string()) << key << " in " << s;
    }
    EXPECT_TRUE(ids.count(j["conversation"].get<std::string>())) << s;
    EXPECT_TRUE(ParseRfc3339(j["time"].get<std::string>()).has_value()) << s;
    EXPECT_EQ(j["author"].get<std::string>()[0], 'u') << s;
    const std::string text = j["text"].get<std::string>();
    EXPECT_FALSE(text.empty()) << s;
    // SAFETY.md: short, keyword-level sentences.
    EXPECT_LE(text.size(), 160u) << s;
  }
}

TEST(SimulateChatsTest, FirstMessageIsAtStartTime) {
  SimulateChatsOptions o = Options(3, 1);
  o.start_ms = 1772359200000;
  const ChatCorpus c = Generate(o);
  ASSERT_FALSE(c.lines.empty());
  EXPECT_EQ(ParseLine(c.lines[0]).time, "2026-03-01T10:00:00Z");
}

TEST(SimulateChatsTest, InterleaveKeepsEachConversationInOrder) {
  SimulateChatsOptions o = Options(500, 11);
  const ChatCorpus plain = Generate(o);
  o.interleave = true;
  const ChatCorpus mixed = Generate(o);
  // Conversations are the same either way; only the order of lines across them differs.
  EXPECT_EQ(ByConversation(plain), ByConversation(mixed));
  EXPECT_NE(plain.lines, mixed.lines);
  // Lines of different conversations really alternate, never more than 8 at once, and
  // times rise within each conversation.
  std::map<std::string, std::pair<size_t, size_t>> extent;  // first, last line index
  std::map<std::string, int64_t> last_time;
  size_t switches = 0;
  std::string previous;
  for (size_t i = 0; i < mixed.lines.size(); ++i) {
    const Line l = ParseLine(mixed.lines[i]);
    if (!extent.count(l.conversation)) extent[l.conversation] = {i, i};
    extent[l.conversation].second = i;
    const int64_t t = *ParseRfc3339(l.time);
    if (last_time.count(l.conversation)) {
      EXPECT_GT(t, last_time[l.conversation]);
    }
    last_time[l.conversation] = t;
    switches += l.conversation != previous;
    previous = l.conversation;
  }
  EXPECT_GT(switches, 2 * extent.size());
  for (size_t i = 0; i < mixed.lines.size(); i += 97) {
    int open = 0;
    for (const auto& [id, span] : extent) open += span.first <= i && i <= span.second;
    EXPECT_LE(open, 8);
  }
}

TEST(SimulateChatsTest, ObfuscatedKeywordsAreReallyObfuscated) {
  const ChatCorpus c = Generate(Options(2000, 13));
  const auto convs = ByConversation(c);
  std::map<std::string, int> seen;
  for (const ChatTruth& t : c.truths) {
    const std::set<std::string> traces = Traces(convs.at(t.conversation));
    ++seen[t.obfuscation];
    if (t.obfuscation == "none") {
      EXPECT_TRUE(traces.empty()) << t.conversation << " has " << *traces.begin();
    } else if (t.obfuscation == "mixed") {
      EXPECT_GE(traces.size(), 2u) << t.conversation;
    } else {
      EXPECT_TRUE(traces.count(t.obfuscation)) << t.conversation << " " << t.obfuscation;
    }
  }
  EXPECT_EQ(seen.size(), ObfuscationKinds().size());
}

TEST(SimulateChatsTest, SpacingSeparatesTheLettersOfAKeyword) {
  SimulateChatsOptions o = Options(50, 17);
  o.obfuscation_rate = 1.0;
  o.obfuscations = {"spacing"};
  const ChatCorpus c = Generate(o);
  const auto convs = ByConversation(c);
  static const std::regex kSpaced("(^|[^a-z])[a-z]([ .\\-][a-z]){2,}($|[^a-z])");
  for (const ChatTruth& t : c.truths) {
    EXPECT_EQ(t.obfuscation, "spacing");
    bool found = false;
    for (const std::string& m : convs.at(t.conversation)) {
      found |= std::regex_search(m.substr(m.find('|') + 1), kSpaced);
    }
    EXPECT_TRUE(found) << t.conversation;
  }
}

// Leetspeak also puts a digit for the first or last letter of a word ("0ld", "pr1v473"),
// which offenders write too; text without obfuscation has no such word.
TEST(SimulateChatsTest, LeetAlsoWritesDigitsAtWordEdges) {
  static const std::regex kEdge(
      "(^|[^a-z0-9])([0134579][a-z]{3,}|[a-z]{3,}[0134579])($|[^a-z0-9])");
  const auto edges = [](const std::vector<std::string>& obfuscations) {
    SimulateChatsOptions o = Options(300, 23);
    o.obfuscation_rate = 1.0;
    o.obfuscations = obfuscations;
    const ChatCorpus c = Generate(o);
    int n = 0;
    for (const auto& [id, messages] : ByConversation(c)) {
      for (const std::string& m : messages)
        n += std::regex_search(m.substr(m.find('|') + 1), kEdge);
    }
    return n;
  };
  EXPECT_GE(edges({"leet"}), 20);
  EXPECT_EQ(edges({"none"}), 0);
}

TEST(SimulateChatsTest, SharesAndKindsFollowOptions) {
  SimulateChatsOptions o = Options(300, 19);
  o.positive_share = 0;
  o.obfuscation_rate = 0;
  for (const ChatTruth& t : Generate(o).truths) {
    EXPECT_FALSE(t.positive);
    EXPECT_EQ(t.obfuscation, "none");
  }
  o.positive_share = 1;
  o.obfuscation_rate = 1;
  o.obfuscations = {"leet", "homoglyph"};
  for (const ChatTruth& t : Generate(o).truths) {
    EXPECT_TRUE(t.positive);
    EXPECT_TRUE(t.obfuscation == "leet" || t.obfuscation == "homoglyph") << t.obfuscation;
  }
  o.obfuscations = {"none"};
  for (const ChatTruth& t : Generate(o).truths) EXPECT_EQ(t.obfuscation, "none");
}

TEST(SimulateChatsTest, RejectsBadOptions) {
  auto run = [](const SimulateChatsOptions& o) {
    int calls = 0;
    Status s = SimulateChats(
        o, [&](std::string_view) { ++calls; }, [&](const ChatTruth&) { ++calls; });
    EXPECT_EQ(calls, 0);
    return s;
  };
  SimulateChatsOptions o = Options(10, 1);
  o.obfuscations = {"leet", "rot13"};
  Status s = run(o);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(s.error().message.find("rot13"), std::string::npos);
  o = Options(10, 1);
  o.positive_share = 1.5;
  EXPECT_FALSE(run(o).has_value());
  o = Options(10, 1);
  o.obfuscation_rate = -0.1;
  EXPECT_FALSE(run(o).has_value());
}

TEST(SimulateChatsTest, ZeroConversationsGiveNoOutput) {
  const ChatCorpus c = Generate(Options(0, 1));
  EXPECT_TRUE(c.lines.empty());
  EXPECT_TRUE(c.truths.empty());
}

// ---- The command line ----

class SimulateCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("bantay_simulate_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static int Run(const std::string& args) {
    const std::string cmd = std::string(BANTAY_BINARY) + " " + args + " 2>/dev/null";
    const int status = std::system(cmd.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  static std::vector<std::string> ReadLines(const std::filesystem::path& p) {
    std::vector<std::string> lines;
    std::ifstream in(p);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

  std::filesystem::path dir_;
};

TEST_F(SimulateCommandTest, WritesChatsAndTruthFiles) {
  const auto out = dir_ / "chats.jsonl";
  const auto truth = dir_ / "truth.jsonl";
  ASSERT_EQ(Run("simulate chats --n 40 --seed 3 --interleave --obfuscations leet,case --out " +
                out.string() + " --truth " + truth.string()),
            0);
  const auto truth_lines = ReadLines(truth);
  ASSERT_EQ(truth_lines.size(), 40u);
  for (const std::string& s : truth_lines) {
    const auto j = nlohmann::json::parse(s);
    EXPECT_TRUE(j.at("conversation").is_string());
    EXPECT_TRUE(j.at("positive").is_boolean());
    EXPECT_TRUE(j.at("family").is_string());
    const std::string obf = j.at("obfuscation").get<std::string>();
    EXPECT_TRUE(obf == "none" || obf == "leet" || obf == "case") << obf;
    EXPECT_TRUE(j.at("language").is_string());
  }
  // Same as the library call with the same options.
  SimulateChatsOptions o = Options(40, 3);
  o.interleave = true;
  o.obfuscations = {"leet", "case"};
  EXPECT_EQ(ReadLines(out), Generate(o).lines);
}

TEST_F(SimulateCommandTest, BadUsageExitsWithTwo) {
  EXPECT_EQ(Run("simulate chats --n 5 --obfuscations rot13"), 2);
  EXPECT_EQ(Run("simulate chats --n 5 --positive-share 2"), 2);
  EXPECT_EQ(Run("simulate"), 2);
}

TEST_F(SimulateCommandTest, UnwritableOutputExitsWithOne) {
  EXPECT_EQ(Run("simulate chats --n 5 --out " + (dir_ / "missing" / "x.jsonl").string()), 1);
}

}  // namespace
}  // namespace bantay::cli
