// Tests for the chat JSONL reader: good records, every kind of bad one, and repairs.
#include <random>
#include <span>
#include <thread>
#include <tuple>

#include <gtest/gtest.h>

#include "text/text.h"

namespace bantay::text {
namespace {

struct Parsed {
  std::vector<Message> messages;
  std::vector<Rejection> rejects;
};

// A chunk holding a copy of `content`, with the padding the parsers may over-read.
Chunk ChunkOf(const std::string& content) {
  auto storage = std::make_shared<std::string>(content);
  storage->reserve(content.size() + kChunkPadding);
  Chunk chunk;
  chunk.data = *storage;
  chunk.storage = storage;
  return chunk;
}

Parsed Parse(const std::string& content, uint64_t first_line = 1, bool fast_path = true,
             size_t max_line_bytes = 1 << 20) {
  Chunk chunk = ChunkOf(content);
  chunk.first_line = first_line;
  Parsed p;
  ParseChatJsonl(
      chunk, "in.jsonl", max_line_bytes, [&](Message&& m) { p.messages.push_back(m); }, &p.rejects,
      fast_path);
  return p;
}

// The view API: a plain record's views point into the chunk and say so; a record that
// needed decoding (an escape, a number id) is handed on as views into the parser's buffers,
// marked as valid only during the call.
TEST(ChatJsonl, RefsPointIntoTheChunkOnlyWhenStable) {
  const std::string content =
      R"({"conversation":"c1","author":"u1","text":"plain"})"
      "\n"
      R"({"conversation":5,"author":"u2","text":"esc\"aped"})"
      "\n";
  const Chunk chunk = ChunkOf(content);
  std::vector<Rejection> rejects;
  std::vector<std::tuple<std::string, std::string, bool, bool>> got;
  const char* begin = chunk.data.data();
  const char* end = begin + chunk.data.size();
  ParseChatJsonlRefs(
      chunk, "in.jsonl", 1 << 20,
      [&](std::span<const MessageRef> batch) {
        for (const MessageRef& r : batch) {
          const bool inside = r.text.data() >= begin && r.text.data() < end;
          got.emplace_back(std::string(r.conversation), std::string(r.text), r.stable, inside);
        }
      },
      &rejects);
  ASSERT_TRUE(rejects.empty());
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], std::make_tuple(std::string("c1"), std::string("plain"), true, true));
  EXPECT_EQ(got[1], std::make_tuple(std::string("5"), std::string("esc\"aped"), false, false));
}

// Records come in batches of at most kChatBatch, in input order; a decoded record's views
// (escapes, a number id) stay valid, each its own, until the batch's call returns.
TEST(ChatJsonl, RefsComeInBatchesWhoseDecodedRecordsKeepTheirOwnValues) {
  std::string content;
  for (int i = 0; i < 1000; ++i) {
    if (i % 3 == 0) {
      content += R"({"conversation":)" + std::to_string(i) + R"(,"author":"a\u0062","text":"q\")" +
                 std::to_string(i) + "\"}\n";
    } else {
      content += R"({"conversation":"c)" + std::to_string(i) + R"(","author":"ab","text":"p)" +
                 std::to_string(i) + "\"}\n";
    }
  }
  const Chunk chunk = ChunkOf(content);
  std::vector<Rejection> rejects;
  std::vector<size_t> sizes;
  int next = 0;
  ParseChatJsonlRefs(
      chunk, "in.jsonl", 1 << 20,
      [&](std::span<const MessageRef> batch) {
        sizes.push_back(batch.size());
        for (const MessageRef& r : batch) {  // read only now, at the batch's end
          const int i = next++;
          const bool decoded = i % 3 == 0;
          EXPECT_EQ(r.stable, !decoded) << i;
          EXPECT_EQ(r.conversation, (decoded ? "" : "c") + std::to_string(i));
          EXPECT_EQ(r.author, "ab") << i;
          EXPECT_EQ(r.text, (decoded ? "q\"" : "p") + std::to_string(i));
        }
      },
      &rejects);
  EXPECT_TRUE(rejects.empty());
  EXPECT_EQ(next, 1000);
  EXPECT_EQ(sizes,
            (std::vector<size_t>{kChatBatch, kChatBatch, kChatBatch, 1000 - 3 * kChatBatch}));
}

TEST(ChatJsonl, ParsesRecordsWithOptionalTimeAndUnknownFields) {
  auto p = Parse(
      R"({"conversation":"c1","time":"2026-03-01T10:00:00Z","author":"u1","text":"hi","x":[1,{"y":2}]})"
      "\n"
      R"({"text":"yo \"there\"\n","author":7,"conversation":12})"
      "\r\n\n   \n");
  ASSERT_TRUE(p.rejects.empty()) << p.rejects[0].message;
  ASSERT_EQ(p.messages.size(), 2u);
  EXPECT_EQ(p.messages[0].conversation, "c1");
  EXPECT_EQ(p.messages[0].time, 1772359200000);
  EXPECT_EQ(p.messages[0].line, 1u);
  EXPECT_EQ(p.messages[1].conversation, "12");
  EXPECT_EQ(p.messages[1].author, "7");
  EXPECT_EQ(p.messages[1].text, "yo \"there\"\n");
  EXPECT_EQ(p.messages[1].time, kNoTime);
}

// Exports often write a JSON array of records: each element is read as a JSONL line,
// rejections name the line where the element starts, and a cut file keeps what came before.
Parsed ParseArray(const std::string& content) {
  std::string padded = content;
  padded.append(kChunkPadding, '\0');
  Parsed p;
  ParseChatJsonArray(
      std::string_view(padded.data(), content.size()), "in.json",
      [&](std::span<const MessageRef> batch) {
        for (const MessageRef& r : batch) {
          p.messages.push_back({std::string(r.conversation), std::string(r.author),
                                std::string(r.text), r.time, r.line});
        }
      },
      &p.rejects);
  return p;
}

TEST(ChatJsonl, JsonArrayElementsAreReadAsLinesAndNamedByTheirLine) {
  const Parsed p = ParseArray(
      "[\n"
      "  {\"conversation\": \"c1\",\n   \"author\": \"a\", \"text\": \"hi\",\n"
      "   \"time\": \"2026-03-01T10:00:00Z\"},\n"
      "  42,\n"
      "  {\"conversation\": \"c1\", \"author\": \"b\"},\n"
      "  {\"conversation\": 7, \"author\": \"b\", \"text\": \"yo \\\"x\\\"\"}\n"
      "]\n");
  ASSERT_EQ(p.messages.size(), 2u);
  EXPECT_EQ(p.messages[0].text, "hi");
  EXPECT_EQ(p.messages[0].time, 1772359200000);
  EXPECT_EQ(p.messages[0].line, 2u);
  EXPECT_EQ(p.messages[1].conversation, "7");
  EXPECT_EQ(p.messages[1].text, "yo \"x\"");
  EXPECT_EQ(p.messages[1].line, 7u);
  ASSERT_EQ(p.rejects.size(), 2u);
  EXPECT_EQ(p.rejects[0].where, "in.json:5");
  EXPECT_EQ(p.rejects[1].where, "in.json:6:text");

  const Parsed cut = ParseArray(
      "[{\"conversation\":\"c1\",\"author\":\"a\",\"text\":\"one\"},\n"
      "{\"conversation\":\"c1\",\"author\":\"b\",\"text\":\"two\"},\n"
      "{\"conversation\":\"c1\",\"author\":\"a\",\"text\":\"thr");
  ASSERT_EQ(cut.messages.size(), 2u);
  EXPECT_EQ(cut.messages[1].text, "two");
  ASSERT_EQ(cut.rejects.size(), 1u);
  EXPECT_EQ(cut.rejects[0].where, "in.json:3");
  EXPECT_FALSE(cut.rejects[0].repaired);

  const Parsed bad = ParseArray("[{\"conversation\":\"c1\",\"author\":\"a\",\"text\":\"\xff\"}]");
  ASSERT_EQ(bad.messages.size(), 1u);
  EXPECT_EQ(bad.messages[0].text, "\xEF\xBF\xBD");
  ASSERT_EQ(bad.rejects.size(), 1u);
  EXPECT_TRUE(bad.rejects[0].repaired);

  EXPECT_TRUE(ParseArray("[]").messages.empty());
  EXPECT_TRUE(ParseArray("[]").rejects.empty());
}

TEST(ChatJsonl, RejectsBadRecordsNamingLineAndField) {
  auto p = Parse(
      "{broken\n"                                                   // 10
      R"({"conversation":"c","author":"a"})" "\n"                   // 11 missing text
      R"({"conversation":"c","author":["a"],"text":"t"})" "\n"      // 12 wrong type
      R"({"conversation":"","author":"a","text":"t"})" "\n"         // 13 empty id
      R"("just a string")" "\n"                                     // 14 not an object
      R"({"conversation":"c","author":"a","text":"t"} trailing)" "\n",  // 15
      10);
  EXPECT_TRUE(p.messages.empty());
  std::vector<std::string> where;
  for (const auto& r : p.rejects) {
    EXPECT_FALSE(r.repaired);
    EXPECT_FALSE(r.message.empty());
    where.push_back(r.where);
  }
  EXPECT_EQ(where, (std::vector<std::string>{"in.jsonl:10", "in.jsonl:11:text",
                                             "in.jsonl:12:author", "in.jsonl:13:conversation",
                                             "in.jsonl:14", "in.jsonl:15"}));
}

TEST(ChatJsonl, RepairsInvalidUtf8AndBadTimes) {
  auto p = Parse("{\"conversation\":\"c\",\"author\":\"a\",\"text\":\"pay\xff\xfepal\"}\n"
                 R"({"conversation":"c","author":"a","text":"t","time":"yesterday"})" "\n");
  ASSERT_EQ(p.messages.size(), 2u);
  EXPECT_EQ(p.messages[0].text, "pay\xEF\xBF\xBD\xEF\xBF\xBDpal");
  EXPECT_EQ(p.messages[1].time, kNoTime);
  ASSERT_EQ(p.rejects.size(), 2u);
  EXPECT_TRUE(p.rejects[0].repaired);
  EXPECT_EQ(p.rejects[1].where, "in.jsonl:2:time");
  EXPECT_TRUE(p.rejects[1].repaired);
}

// Found by fuzz_chat_jsonl: a huge epoch number overflowed the conversion to milliseconds.
TEST(ChatJsonl, Regression_HugeEpochTimeIsRepairedNotUndefined) {
  auto p = Parse(R"({"conversation":"c1","author":"a","text":"t","time":1060999999999999999999})"
                 "\n");
  ASSERT_EQ(p.messages.size(), 1u);
  EXPECT_EQ(p.messages[0].time, kNoTime);
  ASSERT_EQ(p.rejects.size(), 1u);
  EXPECT_EQ(p.rejects[0].where, "in.jsonl:1:time");
}

TEST(ChatJsonl, EpochSecondsAreAccepted) {
  auto p = Parse(R"({"conversation":"c1","author":"a","text":"t","time":1772359200})" "\n");
  ASSERT_EQ(p.messages.size(), 1u);
  EXPECT_EQ(p.messages[0].time, 1772359200000);
}

TEST(ChatJsonl, OverlongLineIsRejectedAndTheNextKept) {
  std::string big = R"({"conversation":"c","author":"a","text":")" + std::string(2 << 20, 'x') +
                    "\"}\n" + R"({"conversation":"c","author":"a","text":"ok"})";
  auto p = Parse(big);
  ASSERT_EQ(p.messages.size(), 1u);
  ASSERT_EQ(p.rejects.size(), 1u);
  EXPECT_EQ(p.rejects[0].where, "in.jsonl:1");
  EXPECT_NE(p.rejects[0].message.find("--max-line-bytes"), std::string::npos);
}

// The hand-written path for plain records must give exactly what simdjson gives, on lines
// built from the pieces real records are made of and on random corruptions of them.
// Generates 4,000 records (shuffled, repeated and unknown keys; string, number, null and
// nested values; escapes, bad UTF-8, control characters), a quarter of them corrupted, and
// requires the hand-written paths and simdjson to give the same messages and rejections.
// `compact`: no whitespace between tokens (the shape the quote-position path takes).
void ExpectFastPathsAgreeWithSimdjson(uint64_t seed, bool compact) {
  std::mt19937_64 rng(seed);
  auto pick = [&](std::initializer_list<const char*> options) {
    auto it = options.begin();
    std::advance(it, rng() % options.size());
    return std::string(*it);
  };
  const auto string_value = [&] {
    return pick({"\"c1\"", "\"\"", "\"i send w3stern un1on\"", "\"caf\xc3\xa9 \xd0\xb0pple\"",
                 "\"tab\\there\"", "\"quote \\\" in\"", "\"bad \xc3\x28 utf8\"",
                 "\"ctrl \x01 char\"", "\"\\u00e9\"", "\"emoji \xf0\x9f\x98\x80 ok\"",
                 "\"long text of the kind a chat message has, longer than sixteen bytes\""});
  };
  const auto value = [&](const std::string& key) {
    switch (rng() % 8) {
      case 0: return pick({"12", "-3.5e2", "null", "true", "{}", "[\"a\"]", "{\"x\": 1}"});
      case 1:
        if (key == "\"time\"") {
          return pick({"\"2026-03-01T10:00:00Z\"", "\"2026-03-01T10:00:00.25+08:00\"",
                       "\"yesterday\"", "\"\"", "1767225600", "null"});
        }
        [[fallthrough]];
      default: return string_value();
    }
  };
  const auto ws = [&] { return compact ? std::string() : pick({"", "", " ", "  ", "\t", " \r "}); };
  std::string corpus;
  for (int line = 0; line < 4000; ++line) {
    std::vector<std::string> keys = {"\"conversation\"", "\"author\"", "\"text\"", "\"time\""};
    if (rng() % 3 == 0) keys.push_back(pick({"\"lang\"", "\"t\\u0065xt\"", "\"caf\xc3\xa9\"",
                                             "\"conversation\"", "\"text\""}));
    std::shuffle(keys.begin(), keys.end(), rng);
    if (rng() % 5 == 0) keys.pop_back();
    std::string rec = ws() + "{" + ws();
    for (size_t k = 0; k < keys.size(); ++k) {
      if (k > 0) rec += ws() + "," + ws();
      rec += keys[k] + ws() + ":" + ws() + value(keys[k]);
    }
    rec += ws() + "}" + ws();
    if (rng() % 4 == 0 && !rec.empty()) {  // corrupt: cut, overwrite or insert a byte
      const size_t at = rng() % rec.size();
      switch (rng() % 3) {
        case 0: rec.resize(at); break;
        case 1: rec[at] = pick({"\"", "\\", "{", "}", ",", ":", "x", " ", "\x7f"})[0]; break;
        default: rec.insert(at, pick({"\"", ",", "}", "\xff"}));
      }
    }
    corpus += rec + "\n";
  }
  const Parsed fast = Parse(corpus, 1, true);
  const Parsed slow = Parse(corpus, 1, false);
  ASSERT_EQ(fast.messages.size(), slow.messages.size());
  ASSERT_GT(fast.messages.size(), 500u);
  for (size_t i = 0; i < fast.messages.size(); ++i) {
    const Message& a = fast.messages[i];
    const Message& b = slow.messages[i];
    ASSERT_EQ(a.line, b.line);
    EXPECT_EQ(a.conversation, b.conversation) << "line " << a.line;
    EXPECT_EQ(a.author, b.author) << "line " << a.line;
    EXPECT_EQ(a.text, b.text) << "line " << a.line;
    EXPECT_EQ(a.time, b.time) << "line " << a.line;
  }
  for (size_t i = 0; i < std::min(fast.rejects.size(), slow.rejects.size()); ++i) {
    if (fast.rejects[i].where != slow.rejects[i].where) {
      ADD_FAILURE() << "first difference: fast " << fast.rejects[i].where << " "
                    << fast.rejects[i].message << " / slow " << slow.rejects[i].where << " "
                    << slow.rejects[i].message;
      break;
    }
  }
  ASSERT_EQ(fast.rejects.size(), slow.rejects.size());
  ASSERT_GT(fast.rejects.size(), 200u);
  for (size_t i = 0; i < fast.rejects.size(); ++i) {
    EXPECT_EQ(fast.rejects[i].where, slow.rejects[i].where);
    EXPECT_EQ(fast.rejects[i].message, slow.rejects[i].message);
    EXPECT_EQ(fast.rejects[i].repaired, slow.rejects[i].repaired);
  }
}

TEST(ChatJsonl, FastPathAgreesWithSimdjsonOnGeneratedAndCorruptedLines) {
  ExpectFastPathsAgreeWithSimdjson(20261123, false);
}

TEST(ChatJsonl, QuotePathAgreesWithSimdjsonOnCompactAndCorruptedLines) {
  ExpectFastPathsAgreeWithSimdjson(20261206, true);
}

// The quote-position path reads lines in blocks of 32 bytes (16 without AVX2), past the end
// of a line into the next: lines of every length around the block edges, each followed by
// one whose bytes (control characters, backslashes, quotes) must not count, and records
// with as many quotes as the path takes (64) and one field more, give what simdjson gives.
TEST(ChatJsonl, QuotePathReadsBlocksUpToTheLineEndAndAtMost64Quotes) {
  std::string corpus;
  for (int len = 0; len <= 100; ++len) {
    corpus += R"({"conversation":"c1","author":"a","text":")" + std::string(len, 'x') + "\"}\n";
    corpus += "\x01\\\"\t\x7f{\"\"}\n";
  }
  for (int extra = 10; extra <= 14; ++extra) {  // 4 + 4 * (3 + extra) quotes
    std::string rec = R"({"conversation":"c2","author":"b")";
    for (int k = 0; k < extra; ++k) rec += ",\"k" + std::to_string(k) + "\":\"v\"";
    corpus += rec + R"(,"text":"many fields"})" + "\n";
  }
  const Parsed fast = Parse(corpus, 1, true);
  const Parsed slow = Parse(corpus, 1, false);
  ASSERT_EQ(fast.messages.size(), 106u);
  ASSERT_EQ(fast.messages.size(), slow.messages.size());
  ASSERT_EQ(fast.rejects.size(), slow.rejects.size());
  for (size_t i = 0; i < fast.messages.size(); ++i) {
    EXPECT_EQ(fast.messages[i].line, slow.messages[i].line);
    EXPECT_EQ(fast.messages[i].text, slow.messages[i].text);
    EXPECT_EQ(fast.messages[i].conversation, slow.messages[i].conversation);
  }
}

void ExpectSameAsSimdjson(const std::string& corpus, size_t max_line_bytes = 1 << 20) {
  const Parsed fast = Parse(corpus, 1, true, max_line_bytes);
  const Parsed slow = Parse(corpus, 1, false, max_line_bytes);
  ASSERT_EQ(fast.messages.size(), slow.messages.size());
  for (size_t i = 0; i < fast.messages.size(); ++i) {
    EXPECT_EQ(fast.messages[i].line, slow.messages[i].line);
    EXPECT_EQ(fast.messages[i].text, slow.messages[i].text);
  }
  ASSERT_EQ(fast.rejects.size(), slow.rejects.size());
  for (size_t i = 0; i < fast.rejects.size(); ++i) {
    EXPECT_EQ(fast.rejects[i].where, slow.rejects[i].where);
    EXPECT_EQ(fast.rejects[i].message, slow.rejects[i].message);
  }
}

// The quote-position path also finds each line's end in the same pass: CRLF line ends with
// the "\r" at every position in a block, a last line without a line end (of every length
// around the block edges), blank lines, and lines over --max-line-bytes.
TEST(ChatJsonl, QuotePathFindsLineEndsAsTheLineSplitDoes) {
  std::string crlf;
  for (int len = 0; len <= 70; ++len) {
    crlf += R"({"conversation":"c1","author":"a","text":")" + std::string(len, 'x') + "\"}\r\n";
    if (len % 7 == 0) crlf += "\r\n\n";
  }
  const Parsed parsed = Parse(crlf);
  ASSERT_EQ(parsed.messages.size(), 71u);
  EXPECT_TRUE(parsed.rejects.empty());
  EXPECT_EQ(parsed.messages[70].text, std::string(70, 'x'));
  ExpectSameAsSimdjson(crlf);
  for (int len = 0; len <= 70; ++len) {
    const std::string last =
        R"({"conversation":"c1","author":"a","text":")" + std::string(len, 'y') + "\"}";
    const Parsed one = Parse("\n" + last);
    ASSERT_EQ(one.messages.size(), 1u) << len;
    EXPECT_EQ(one.messages[0].line, 2u);
    EXPECT_EQ(one.messages[0].text, std::string(len, 'y'));
    ExpectSameAsSimdjson(last + "\n" + last);
    ExpectSameAsSimdjson(last + "\r");
  }
  const Parsed limited = Parse(crlf, 1, true, 60);
  EXPECT_EQ(limited.messages.size(), 17u);  // text of up to 16 bytes: a line of 60 or less
  EXPECT_EQ(limited.rejects.size(), 54u);
  ExpectSameAsSimdjson(crlf, 60);
}

// With line numbers deferred to the parser (LineChunkReader::DeferLineNumbers), chunks
// parsed at once on several threads, the later ones first, name their rejected lines as a
// parse with counted line numbers does; their messages carry line 0.
TEST(ChatJsonl, DeferredLineNumbersNameRejectedLinesAsCountedOnesDo) {
  std::vector<std::string> parts(6);
  uint64_t line = 0;
  for (std::string& part : parts) {
    for (int i = 0; i < 40; ++i) {
      ++line;
      part += line % 7 == 0    ? "{broken\n"
              : line % 9 == 0  ? "\n"
              : line % 11 == 0 ? R"({"conversation":"c","author":"a","text":"t","time":"x"})"
                                 "\n"
                               : R"({"conversation":"c","author":"a","text":"t"})"
                                 "\n";
    }
  }
  const auto ledger = std::make_shared<LineLedger>();
  std::vector<Parsed> got(parts.size());
  std::vector<std::thread> threads;
  for (size_t k = parts.size(); k-- > 0;) {
    threads.emplace_back([&, k] {
      Chunk chunk = ChunkOf(parts[k]);
      chunk.sequence = k;
      chunk.first_line = 0;
      chunk.lines = ledger;
      ParseChatJsonl(
          chunk, "in.jsonl", 1 << 20, [&](Message&& m) { got[k].messages.push_back(m); },
          &got[k].rejects);
    });
  }
  for (std::thread& t : threads) t.join();
  std::string whole;
  for (const std::string& part : parts) whole += part;
  const Parsed want = Parse(whole);
  std::vector<Rejection> rejects;
  size_t messages = 0;
  for (const Parsed& p : got) {
    rejects.insert(rejects.end(), p.rejects.begin(), p.rejects.end());
    messages += p.messages.size();
    for (const Message& m : p.messages) EXPECT_EQ(m.line, 0u);
  }
  EXPECT_EQ(messages, want.messages.size());
  ASSERT_EQ(rejects.size(), want.rejects.size());
  ASSERT_GT(rejects.size(), 40u);
  for (size_t i = 0; i < rejects.size(); ++i) {
    EXPECT_EQ(rejects[i].where, want.rejects[i].where);
    EXPECT_EQ(rejects[i].message, want.rejects[i].message);
    EXPECT_EQ(rejects[i].repaired, want.rejects[i].repaired);
  }
  EXPECT_EQ(ledger->FirstLine(parts.size() - 1), 1 + 40 * (parts.size() - 1));
}

// Compact lines broken at each structural position the quote-position path checks.
TEST(ChatJsonl, QuotePathRejectsWhatSimdjsonRejects) {
  const std::string good = R"({"conversation":"c1","author":"a","text":"hi there"})";
  std::string corpus = good + "\n";
  for (size_t at = 0; at < good.size(); ++at) {
    if (good[at] == '"' || (good[at] >= 'a' && good[at] <= 'z')) continue;
    for (char c : {'x', ' ', ',', ':', '}', '{'}) {
      if (c == good[at]) continue;
      std::string bad = good;
      bad[at] = c;
      corpus += bad + "\n";
    }
  }
  const Parsed fast = Parse(corpus, 1, true);
  const Parsed slow = Parse(corpus, 1, false);
  ASSERT_EQ(fast.messages.size(), slow.messages.size());
  ASSERT_EQ(fast.rejects.size(), slow.rejects.size());
  EXPECT_GT(fast.rejects.size(), 20u);
  for (size_t i = 0; i < fast.messages.size(); ++i) {
    EXPECT_EQ(fast.messages[i].line, slow.messages[i].line);
    EXPECT_EQ(fast.messages[i].text, slow.messages[i].text);
  }
}

}  // namespace
}  // namespace bantay::text
