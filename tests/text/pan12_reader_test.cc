// tests/text/pan12_reader_test.cc: PAN 2012 XML reading and HTML entity decoding.

#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "text/text.h"

namespace bantay::text {
namespace {

// What one ParsePan12 call produced.
struct Pan12Parsed {
  std::vector<Message> messages;
  std::vector<Rejection> rejects;
};

Pan12Parsed ParsePan12Text(std::string_view xml, std::string_view file = "t.xml") {
  Pan12Parsed out;
  ParsePan12(
      xml, file, [&](Message&& m) { out.messages.push_back(std::move(m)); }, &out.rejects);
  return out;
}

// One <message> element on one line.
std::string MessageXml(int line, std::string_view author, std::string_view time,
                       std::string_view text) {
  return "<message line=\"" + std::to_string(line) + "\"><author>" + std::string(author) +
         "</author><time>" + std::string(time) + "</time><text>" + std::string(text) +
         "</text></message>\n";
}

constexpr int64_t kMinuteMs = 60 * 1000;

TEST(Pan12Reader, ReadsNormalFile) {
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"  // line 1
      "<conversations>\n"                              // line 2
      "<conversation id=\"c1\">\n"                     // line 3
      + MessageXml(1, "a1", "03:20", "hi there")       // line 4
      + MessageXml(2, "b2", "03:21", "hello how are you")  // line 5
      + "</conversation>\n"                            // line 6
      "<conversation id=\"c2\">\n"                     // line 7
      + MessageXml(1, "a1", "23:59", "good night")     // line 8
      + "</conversation>\n"
      "</conversations>\n";
  Pan12Parsed p = ParsePan12Text(xml);
  EXPECT_TRUE(p.rejects.empty());
  ASSERT_EQ(p.messages.size(), 3u);
  EXPECT_EQ(p.messages[0].conversation, "c1");
  EXPECT_EQ(p.messages[0].author, "a1");
  EXPECT_EQ(p.messages[0].text, "hi there");
  EXPECT_EQ(p.messages[0].time, (3 * 60 + 20) * kMinuteMs);
  EXPECT_EQ(p.messages[0].line, 4u);
  EXPECT_EQ(p.messages[1].author, "b2");
  EXPECT_EQ(p.messages[1].time, (3 * 60 + 21) * kMinuteMs);
  EXPECT_EQ(p.messages[1].line, 5u);
  EXPECT_EQ(p.messages[2].conversation, "c2");
  EXPECT_EQ(p.messages[2].time, (23 * 60 + 59) * kMinuteMs);
  EXPECT_EQ(p.messages[2].line, 8u);
}

TEST(Pan12Reader, ReadsPrettyPrintedMessageAndTrimsFields) {
  Pan12Parsed p = ParsePan12Text(
      "<conversations>\n"
      "  <conversation id=\" c1 \">\n"
      "    <message line=\"1\">\n"
      "      <author>\n        a1\n      </author>\n"
      "      <time> 7:05 </time>\n"
      "      <text>see you at school</text>\n"
      "    </message>\n"
      "  </conversation>\n"
      "</conversations>\n");
  EXPECT_TRUE(p.rejects.empty());
  ASSERT_EQ(p.messages.size(), 1u);
  EXPECT_EQ(p.messages[0].conversation, "c1");
  EXPECT_EQ(p.messages[0].author, "a1");
  EXPECT_EQ(p.messages[0].time, (7 * 60 + 5) * kMinuteMs);
  EXPECT_EQ(p.messages[0].text, "see you at school");
  EXPECT_EQ(p.messages[0].line, 3u);
}

TEST(Pan12Reader, DecodesSingleAndDoubleEscapedEntities) {
  std::string xml = "<conversations><conversation id=\"c1\">\n" +
                    MessageXml(1, "a1", "10:00", "don&amp;#39;t worry") +      // line 2
                    MessageXml(2, "a1", "10:01", "i &amp;lt;3 cats") +         // line 3
                    MessageXml(3, "a1", "10:02", "tom &amp; jerry") +          // line 4
                    MessageXml(4, "a1", "10:03", "caf&eacute;&nbsp;ok") +      // line 5
                    MessageXml(5, "a1", "10:04", "it&apos;s &#x27;fine&#39;") +  // line 6
                    "</conversation></conversations>\n";
  Pan12Parsed p = ParsePan12Text(xml);
  EXPECT_TRUE(p.rejects.empty()) << p.rejects[0].where << ": " << p.rejects[0].message;
  ASSERT_EQ(p.messages.size(), 5u);
  EXPECT_EQ(p.messages[0].text, "don't worry");
  EXPECT_EQ(p.messages[1].text, "i <3 cats");
  EXPECT_EQ(p.messages[2].text, "tom & jerry");
  // HTML entities written straight into the XML are not XML errors.
  EXPECT_EQ(p.messages[3].text, "caf\xC3\xA9\xC2\xA0ok");
  EXPECT_EQ(p.messages[4].text, "it's 'fine'");
}

TEST(Pan12Reader, MissingOrEmptyTextIsAnEmptyMessage) {
  Pan12Parsed p = ParsePan12Text(
      "<conversations><conversation id=\"c1\">\n"
      "<message line=\"1\"><author>a1</author><time>01:00</time></message>\n"
      "<message line=\"2\"><author>a1</author><time>01:01</time><text/></message>\n"
      "</conversation></conversations>\n");
  EXPECT_TRUE(p.rejects.empty());
  ASSERT_EQ(p.messages.size(), 2u);
  EXPECT_EQ(p.messages[0].text, "");
  EXPECT_EQ(p.messages[0].time, 60 * kMinuteMs);
  EXPECT_EQ(p.messages[1].text, "");
}

TEST(Pan12Reader, MissingTimeIsNoTime) {
  Pan12Parsed p = ParsePan12Text(
      "<conversations><conversation id=\"c1\">\n"
      "<message line=\"1\"><author>a1</author><text>hello</text></message>\n"
      "<message line=\"2\"><author>a1</author><time></time><text>again</text></message>\n"
      "</conversation></conversations>\n");
  EXPECT_TRUE(p.rejects.empty());
  ASSERT_EQ(p.messages.size(), 2u);
  EXPECT_EQ(p.messages[0].time, kNoTime);
  EXPECT_EQ(p.messages[1].time, kNoTime);
}

TEST(Pan12Reader, BadTimeKeepsMessageAndReportsTime) {
  std::string xml = "<conversations><conversation id=\"c1\">\n" +
                    MessageXml(1, "a1", "25:99", "hello") +     // line 2
                    MessageXml(2, "a1", "noon", "hi again") +   // line 3
                    MessageXml(3, "a1", "12:30", "still here") +  // line 4
                    "</conversation></conversations>\n";
  Pan12Parsed p = ParsePan12Text(xml);
  ASSERT_EQ(p.messages.size(), 3u);
  EXPECT_EQ(p.messages[0].time, kNoTime);
  EXPECT_EQ(p.messages[0].text, "hello");
  EXPECT_EQ(p.messages[1].time, kNoTime);
  EXPECT_EQ(p.messages[2].time, (12 * 60 + 30) * kMinuteMs);
  ASSERT_EQ(p.rejects.size(), 2u);
  EXPECT_EQ(p.rejects[0].where, "t.xml:2:time");
  EXPECT_NE(p.rejects[0].message.find("25:99"), std::string::npos);
  EXPECT_TRUE(p.rejects[0].repaired);
  EXPECT_EQ(p.rejects[1].where, "t.xml:3:time");
  EXPECT_TRUE(p.rejects[1].repaired);
}

TEST(Pan12Reader, MissingAuthorIsRejectedAndSkipped) {
  Pan12Parsed p = ParsePan12Text(
      "<conversations><conversation id=\"c1\">\n"
      "<message line=\"1\"><time>01:00</time><text>no author</text></message>\n"
      "<message line=\"2\"><author> </author><text>blank author</text></message>\n"
      "<message line=\"3\"><author>a1</author><text>fine</text></message>\n"
      "</conversation></conversations>\n");
  ASSERT_EQ(p.messages.size(), 1u);
  EXPECT_EQ(p.messages[0].text, "fine");
  ASSERT_EQ(p.rejects.size(), 2u);
  EXPECT_EQ(p.rejects[0].where, "t.xml:2:author");
  EXPECT_FALSE(p.rejects[0].repaired);
  EXPECT_EQ(p.rejects[1].where, "t.xml:3:author");
  EXPECT_FALSE(p.rejects[1].repaired);
}

TEST(Pan12Reader, MissingConversationIdGetsSyntheticId) {
  Pan12Parsed p = ParsePan12Text(
      "<conversations>\n"
      "<conversation>\n"  // line 2
      "<message line=\"1\"><author>a1</author><text>hello</text></message>\n"
      "</conversation>\n"
      "<conversation id=\"\">\n"  // line 5
      "<message line=\"1\"><author>a1</author><text>hi</text></message>\n"
      "</conversation>\n"
      "</conversations>\n");
  ASSERT_EQ(p.messages.size(), 2u);
  EXPECT_EQ(p.messages[0].conversation, "t.xml:2");
  EXPECT_EQ(p.messages[1].conversation, "t.xml:5");
  ASSERT_EQ(p.rejects.size(), 2u);
  EXPECT_EQ(p.rejects[0].where, "t.xml:2:id");
  EXPECT_TRUE(p.rejects[0].repaired);
  EXPECT_EQ(p.rejects[1].where, "t.xml:5:id");
  EXPECT_TRUE(p.rejects[1].repaired);
}

TEST(Pan12Reader, TruncatedFileKeepsMessagesBeforeCut) {
  std::string xml = "<conversations>\n<conversation id=\"c1\">\n" +
                    MessageXml(1, "a1", "09:00", "first") +   // line 3
                    MessageXml(2, "b2", "09:01", "second") +  // line 4
                    "<message line=\"3\"><author>a1</author><text>thi";  // line 5, cut
  Pan12Parsed p = ParsePan12Text(xml);
  ASSERT_EQ(p.messages.size(), 2u);
  EXPECT_EQ(p.messages[0].text, "first");
  EXPECT_EQ(p.messages[1].text, "second");
  ASSERT_EQ(p.rejects.size(), 1u);
  EXPECT_EQ(p.rejects[0].where, "t.xml:5");
  EXPECT_FALSE(p.rejects[0].repaired);
  EXPECT_NE(p.rejects[0].message.find("truncated"), std::string::npos);
  EXPECT_NE(p.rejects[0].message.find("line 5"), std::string::npos);
}

TEST(Pan12Reader, TruncatedInsideTagKeepsMessagesBeforeCut) {
  std::string xml = "<conversations>\n<conversation id=\"c1\">\n" +
                    MessageXml(1, "a1", "09:00", "first") + "<mess";
  Pan12Parsed p = ParsePan12Text(xml);
  ASSERT_EQ(p.messages.size(), 1u);
  ASSERT_EQ(p.rejects.size(), 1u);
  EXPECT_EQ(p.rejects[0].where.rfind("t.xml:", 0), 0u);
}

TEST(Pan12Reader, MalformedXmlStopsAtFirstError) {
  std::string xml = "<conversations><conversation id=\"c1\">\n" +
                    MessageXml(1, "a1", "09:00", "first") +     // line 2
                    "<message><author>a1</wrong></message>\n" +  // line 3
                    MessageXml(3, "a1", "09:02", "never read") +
                    "</conversation></conversations>\n";
  Pan12Parsed p = ParsePan12Text(xml);
  ASSERT_EQ(p.messages.size(), 1u);
  ASSERT_EQ(p.rejects.size(), 1u);
  EXPECT_EQ(p.rejects[0].where, "t.xml:3");
}

TEST(Pan12Reader, ReadsConversationWithTwentyThreeAuthors) {
  std::string xml = "<conversations><conversation id=\"room\">\n";
  for (int i = 0; i < 23; ++i) {
    char author[16];
    std::snprintf(author, sizeof author, "%08x", 0xa0000 + i);
    xml += MessageXml(i + 1, author, "12:00", "hello everyone");
  }
  xml += "</conversation></conversations>\n";
  Pan12Parsed p = ParsePan12Text(xml);
  EXPECT_TRUE(p.rejects.empty());
  ASSERT_EQ(p.messages.size(), 23u);
  std::vector<std::string> authors;
  for (const Message& m : p.messages) {
    EXPECT_EQ(m.conversation, "room");
    if (std::find(authors.begin(), authors.end(), m.author) == authors.end()) {
      authors.push_back(m.author);
    }
  }
  EXPECT_EQ(authors.size(), 23u);
  EXPECT_EQ(p.messages[22].line, 24u);
}

TEST(Pan12Reader, EmptyInputIsRejected) {
  for (std::string_view input : {std::string_view(""), std::string_view(" \n\t\n")}) {
    Pan12Parsed p = ParsePan12Text(input);
    EXPECT_TRUE(p.messages.empty());
    ASSERT_EQ(p.rejects.size(), 1u);
    EXPECT_EQ(p.rejects[0].where, "t.xml");
    EXPECT_NE(p.rejects[0].message.find("empty"), std::string::npos);
  }
}

TEST(Pan12Reader, NonXmlInputIsRejected) {
  Pan12Parsed p = ParsePan12Text("{\"conversation\": \"c1\", \"author\": \"u1\", \"text\": \"hi\"}\n");
  EXPECT_TRUE(p.messages.empty());
  ASSERT_EQ(p.rejects.size(), 1u);
  EXPECT_EQ(p.rejects[0].where, "t.xml:1");
  EXPECT_NE(p.rejects[0].message.find("not PAN12 XML"), std::string::npos);
}

TEST(Pan12Reader, OtherRootElementIsRejected) {
  Pan12Parsed p = ParsePan12Text("<html><body>hello</body></html>");
  EXPECT_TRUE(p.messages.empty());
  ASSERT_EQ(p.rejects.size(), 1u);
  EXPECT_NE(p.rejects[0].message.find("not PAN12 XML"), std::string::npos);
}

TEST(Pan12Reader, MessageOutsideConversationIsRejected) {
  Pan12Parsed p = ParsePan12Text(
      "<conversations>\n"
      "<message line=\"1\"><author>a1</author><text>stray</text></message>\n"
      "</conversations>\n");
  EXPECT_TRUE(p.messages.empty());
  ASSERT_EQ(p.rejects.size(), 1u);
  EXPECT_EQ(p.rejects[0].where, "t.xml:2:conversation");
}

TEST(Pan12Reader, ReadsSingleConversationRoot) {
  Pan12Parsed p = ParsePan12Text(
      "<conversation id=\"solo\">"
      "<message line=\"1\"><author>a1</author><text>hi</text></message>"
      "</conversation>");
  EXPECT_TRUE(p.rejects.empty());
  ASSERT_EQ(p.messages.size(), 1u);
  EXPECT_EQ(p.messages[0].conversation, "solo");
}

TEST(Pan12Reader, AcceptsNullRejects) {
  size_t count = 0;
  ParsePan12("<conversations><conversation><message/></conversation>", "t.xml",
             [&](Message&&) { ++count; }, nullptr);
  EXPECT_EQ(count, 0u);
}

TEST(DecodeEntities, DecodesNamedEntities) {
  EXPECT_EQ(DecodeEntities("a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos;"),
            "a & b <c> \"d\" 'e'");
  EXPECT_EQ(DecodeEntities("x&nbsp;y"), "x\xC2\xA0y");
  EXPECT_EQ(DecodeEntities("caf&eacute; &euro;5 &hellip;"),
            "caf\xC3\xA9 \xE2\x82\xAC" "5 \xE2\x80\xA6");
  EXPECT_EQ(DecodeEntities("p&zwj;a"), "p\xE2\x80\x8D" "a");
}

TEST(DecodeEntities, DecodesNumericEntities) {
  EXPECT_EQ(DecodeEntities("don&#39;t"), "don't");
  EXPECT_EQ(DecodeEntities("don&#x27;t &#X27;"), "don't '");
  EXPECT_EQ(DecodeEntities("&#233;&#x1F600;"), "\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(DecodeEntities("&#x10FFFF;"), "\xF4\x8F\xBF\xBF");
  EXPECT_EQ(DecodeEntities("&#0000039;"), "'");
}

TEST(DecodeEntities, DecodesDoubleAndTripleEscapedText) {
  EXPECT_EQ(DecodeEntities("&amp;lt;"), "<");
  EXPECT_EQ(DecodeEntities("&amp;#39;"), "'");
  EXPECT_EQ(DecodeEntities("&amp;amp;lt;"), "<");
}

TEST(DecodeEntities, StopsAfterThreeRounds) {
  EXPECT_EQ(DecodeEntities("&amp;amp;amp;lt;"), "&lt;");
}

TEST(DecodeEntities, LeavesInvalidEntitiesAsWritten) {
  EXPECT_EQ(DecodeEntities("AT&T and M&M"), "AT&T and M&M");
  EXPECT_EQ(DecodeEntities("&unknown; &; &#; &#x; &#xZZ; &#12a;"),
            "&unknown; &; &#; &#x; &#xZZ; &#12a;");
  EXPECT_EQ(DecodeEntities("&amp no semicolon"), "&amp no semicolon");
  EXPECT_EQ(DecodeEntities("&AMP;&Amp;"), "&&Amp;");
}

TEST(DecodeEntities, LeavesInvalidCodePointsAsWritten) {
  EXPECT_EQ(DecodeEntities("&#0;"), "&#0;");
  EXPECT_EQ(DecodeEntities("&#xD800;&#xDFFF;"), "&#xD800;&#xDFFF;");
  EXPECT_EQ(DecodeEntities("&#x110000;"), "&#x110000;");
  EXPECT_EQ(DecodeEntities("&#99999999999999;"), "&#99999999999999;");
}

TEST(DecodeEntities, PlainTextIsUnchanged) {
  EXPECT_EQ(DecodeEntities(""), "");
  EXPECT_EQ(DecodeEntities("hello there"), "hello there");
  EXPECT_EQ(DecodeEntities("&&&;;;&"), "&&&;;;&");
}

}  // namespace
}  // namespace bantay::text
