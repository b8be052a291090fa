// tests/bot/irc_message_test.cc: the IRC line parser, builder, UTF-8 repair and splitter.
#include "bot/irc_message.h"

#include <gtest/gtest.h>

#include <string>

namespace bantay::bot {
namespace {

TEST(IrcMessage, Parse_PrivmsgWithPrefixAndTrailing) {
  auto m = ParseIrcMessage(":alice!al@127.0.0.1 PRIVMSG agent :hi there :)\r\n");
  ASSERT_TRUE(m) << m.error().ToString();
  EXPECT_EQ(m->prefix, "alice!al@127.0.0.1");
  EXPECT_EQ(m->Nick(), "alice");
  EXPECT_EQ(m->command, "PRIVMSG");
  ASSERT_EQ(m->params.size(), 2u);
  EXPECT_EQ(m->params[0], "agent");
  EXPECT_EQ(m->params[1], "hi there :)");
}

TEST(IrcMessage, Parse_TagsAreUnescaped) {
  auto m = ParseIrcMessage("@time=2026-03-01T10:00:00.000Z;x=a\\sb\\:c;flag :s 001 me :welcome");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->Tag("time"), "2026-03-01T10:00:00.000Z");
  EXPECT_EQ(m->Tag("x"), "a b;c");
  EXPECT_EQ(m->Tag("flag"), "");
  EXPECT_EQ(m->command, "001");
  EXPECT_EQ(m->params.back(), "welcome");
}

TEST(IrcMessage, Parse_LowercaseCommandAndMiddleParamsOnly) {
  auto m = ParseIrcMessage("ping   server1  server2");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->command, "PING");
  ASSERT_EQ(m->params.size(), 2u);
  EXPECT_EQ(m->params[1], "server2");
}

TEST(IrcMessage, Parse_GarbageIsAnErrorNamingThePart) {
  for (const char* bad : {"", "\r\n", ":onlyprefix", ": PRIVMSG x", ":p 12 x", ":p PRIV-MSG x",
                          "\x01\x02\x03", "@tags-only"}) {
    auto m = ParseIrcMessage(bad);
    ASSERT_FALSE(m) << "accepted: " << bad;
    EXPECT_EQ(m.error().code, ErrorCode::kParse);
    EXPECT_NE(m.error().where.find("irc:line:"), std::string::npos);
    EXPECT_FALSE(m.error().message.empty());
  }
}

TEST(IrcMessage, Parse_InvalidUtf8BecomesReplacementCharacter) {
  auto m = ParseIrcMessage(":d!d@h PRIVMSG agent :caf\xc3\xa9 \xff ok \xe2\x82");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->params[1], "caf\xc3\xa9 \xef\xbf\xbd ok \xef\xbf\xbd\xef\xbf\xbd");
}

TEST(IrcMessage, RepairUtf8_RejectsOverlongsSurrogatesAndOutOfRange) {
  EXPECT_EQ(RepairUtf8("\xc0\xaf"), "\xef\xbf\xbd\xef\xbf\xbd");          // overlong '/'
  EXPECT_EQ(RepairUtf8("\xed\xa0\x80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");  // surrogate
  EXPECT_EQ(RepairUtf8("\xf4\x90\x80\x80").size(), 12u);                   // above U+10FFFF
  EXPECT_EQ(RepairUtf8("\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80");            // emoji kept
}

TEST(IrcMessage, Format_NeverInjectsASecondCommand) {
  const std::string line = FormatIrcLine("PRIVMSG", {"bob", "hi\r\nQUIT :x\0y"});
  EXPECT_EQ(line, "PRIVMSG bob :hi  QUIT :x\r\n");
  EXPECT_EQ(FormatIrcLine("NICK", {"agent"}), "NICK :agent\r\n");
}

TEST(IrcMessage, Split_KeepsEveryByteAndNeverCutsASequence) {
  std::string text;
  for (int i = 0; i < 300; ++i) text += (i % 7 == 0) ? "\xc3\xa9t\xc3\xa9 " : "\xe2\x82\xac";
  for (size_t max : {4u, 5u, 17u, 100u, 400u}) {
    std::string joined;
    for (const std::string& piece : SplitUtf8(text, max)) {
      EXPECT_LE(piece.size(), max);
      EXPECT_EQ(RepairUtf8(piece), piece) << "cut inside a sequence at max " << max;
      joined += piece;
    }
    EXPECT_EQ(joined, text);
  }
}

TEST(IrcMessage, Split_PrefersSpacesAndKeepsShortTextWhole) {
  auto pieces = SplitUtf8("aaaa bbbb cccc", 10);
  ASSERT_EQ(pieces.size(), 2u);
  EXPECT_EQ(pieces[0], "aaaa bbbb");
  EXPECT_EQ(pieces[1], " cccc");
  EXPECT_EQ(SplitUtf8("short", 400), std::vector<std::string>{"short"});
}

TEST(IrcMessage, PrivmsgBudget_RelayedLineFitsTheLimit) {
  const std::string prefix = "agent!~agent@127.0.0.1";
  const size_t budget = PrivmsgTextBudget(5, prefix.size());
  const std::string relayed = ":" + prefix + " " +
                              FormatIrcLine("PRIVMSG", {"alice", std::string(budget, 'x')});
  EXPECT_EQ(relayed.size(), kIrcLineLimit);
}

}  // namespace
}  // namespace bantay::bot
