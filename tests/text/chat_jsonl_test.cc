// Tests for the chat JSONL reader: good records, every kind of bad one, and repairs.
#include <gtest/gtest.h>

#include "text/text.h"

namespace bantay::text {
namespace {

struct Parsed {
  std::vector<Message> messages;
  std::vector<Rejection> rejects;
};

Parsed Parse(const std::string& content, uint64_t first_line = 1) {
  auto storage = std::make_shared<std::string>(content);
  storage->reserve(content.size() + kChunkPadding);
  Chunk chunk;
  chunk.first_line = first_line;
  chunk.data = *storage;
  chunk.storage = storage;
  Parsed p;
  ParseChatJsonl(chunk, "in.jsonl", 1 << 20, [&](Message&& m) { p.messages.push_back(m); },
                 &p.rejects);
  return p;
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

}  // namespace
}  // namespace bantay::text
