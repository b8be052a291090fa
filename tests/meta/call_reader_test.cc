// tests/meta/call_reader_test.cc: CallRecordReader on CSV and JSONL call records: columns,
// quoting, value checks, rejections with file:line:field, and garbage that must not crash.
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "meta/call_fields.h"
#include "meta/meta.h"

namespace bantay::meta {
namespace {

constexpr char kHeader[] =
    "call_id,start,duration_s,caller,callee,media,caller_ip,callee_ip,caller_country,"
    "callee_country,caller_region,callee_region\n";

Chunk MakeChunk(const std::string& text, uint64_t first_line = 1, uint64_t sequence = 0) {
  Chunk c;
  c.sequence = sequence;
  c.first_line = first_line;
  auto storage = std::make_shared<std::string>(text);
  storage->append(kChunkPadding, '\0');
  c.data = std::string_view(storage->data(), text.size());
  c.storage = std::move(storage);
  return c;
}

struct Parsed {
  std::vector<CallRecord> records;
  std::vector<Rejection> rejects;
};

Parsed ParseText(const std::string& text, std::string_view file = "calls.csv") {
  Parsed out;
  const Chunk chunk = MakeChunk(text);
  auto reader = CallRecordReader::Create(chunk, file);
  EXPECT_TRUE(reader.has_value()) << (reader ? "" : reader.error().ToString());
  if (!reader) return out;
  reader->Parse(chunk, [&](CallRecord&& r) { out.records.push_back(std::move(r)); },
                &out.rejects);
  return out;
}

std::string Wheres(const std::vector<Rejection>& rejects) {
  std::string s;
  for (const auto& r : rejects) s += r.where + " (" + r.message + ")\n";
  return s;
}

TEST(CallReaderCsv, ReadsEveryColumn) {
  const Parsed p = ParseText(std::string(kHeader) +
                             "c1,2026-03-01T10:00:00Z,1500,u1,u2,video,203.0.114.5,"
                             "2001:db9::1,ph,US,ph-07,\n");
  ASSERT_TRUE(p.rejects.empty()) << Wheres(p.rejects);
  ASSERT_EQ(p.records.size(), 1u);
  const CallRecord& r = p.records[0];
  EXPECT_EQ(r.call_id, "c1");
  EXPECT_EQ(r.start_ms, 1772359200000);
  EXPECT_EQ(r.duration_s, 1500u);
  EXPECT_EQ(r.caller, "u1");
  EXPECT_EQ(r.callee, "u2");
  EXPECT_EQ(r.media, Media::kVideo);
  EXPECT_EQ(r.caller_ip, "203.0.114.5");
  EXPECT_EQ(r.callee_ip, "2001:db9::1");
  EXPECT_EQ(r.caller_country, "PH");
  EXPECT_EQ(r.callee_country, "US");
  EXPECT_EQ(r.caller_region, "PH-07");
  EXPECT_EQ(r.callee_region, "");
  EXPECT_EQ(r.line, 2u);
}

TEST(CallReaderCsv, ColumnOrderIsFreeAndUnknownColumnsAreIgnored) {
  const Parsed p = ParseText(
      "Media, Callee ,platform,caller,duration_s,start,call_id\n"
      "AUDIO,u9,android,u8,60,1772359200,c7\n");
  ASSERT_TRUE(p.rejects.empty()) << Wheres(p.rejects);
  ASSERT_EQ(p.records.size(), 1u);
  EXPECT_EQ(p.records[0].call_id, "c7");
  EXPECT_EQ(p.records[0].caller, "u8");
  EXPECT_EQ(p.records[0].callee, "u9");
  EXPECT_EQ(p.records[0].media, Media::kAudio);
  EXPECT_EQ(p.records[0].duration_s, 60u);
  EXPECT_EQ(p.records[0].start_ms, 1772359200000);
  EXPECT_TRUE(p.records[0].caller_country.empty());
  EXPECT_TRUE(p.records[0].caller_ip.empty());
}

TEST(CallReaderCsv, MissingRequiredColumnFailsCreateNamingIt) {
  const Chunk chunk = MakeChunk("call_id,start,duration_s,caller,callee\nc1,1,1,a,b\n");
  auto reader = CallRecordReader::Create(chunk, "x.csv");
  ASSERT_FALSE(reader.has_value());
  EXPECT_EQ(reader.error().code, ErrorCode::kParse);
  EXPECT_EQ(reader.error().where, "x.csv:1");
  EXPECT_NE(reader.error().message.find("'media'"), std::string::npos);
}

TEST(CallReaderCsv, HeaderlessDataFailsCreate) {
  const Chunk chunk = MakeChunk("c1,2026-03-01T10:00:00Z,1,u1,u2,video\n");
  auto reader = CallRecordReader::Create(chunk, "x.csv");
  ASSERT_FALSE(reader.has_value());
  EXPECT_NE(reader.error().message.find("missing required column"), std::string::npos);
}

TEST(CallReaderCsv, DuplicateColumnFailsCreate) {
  const Chunk chunk = MakeChunk("call_id,start,duration_s,caller,callee,media,caller\n");
  auto reader = CallRecordReader::Create(chunk, "x.csv");
  ASSERT_FALSE(reader.has_value());
  EXPECT_EQ(reader.error().where, "x.csv:1:caller");
}

TEST(CallReaderCsv, EmptyInputFailsCreate) {
  auto reader = CallRecordReader::Create(MakeChunk("\n  \n"), "x.csv");
  ASSERT_FALSE(reader.has_value());
  EXPECT_EQ(reader.error().code, ErrorCode::kParse);
}

TEST(CallReaderCsv, QuotedFieldsCrlfAndBom) {
  const Parsed p = ParseText(
      "\xEF\xBB\xBF" "call_id,start,duration_s,caller,callee,media\r\n"
      "\"c,1\",2026-03-01T10:00:00+08:00,5,\"say \"\"hi\"\"\", \"u2\" ,\"Video\"\r\n"
      "\"\",2026-03-01T10:00:00Z,5,a,b,text\r\n");
  ASSERT_EQ(p.records.size(), 1u) << Wheres(p.rejects);
  EXPECT_EQ(p.records[0].call_id, "c,1");
  EXPECT_EQ(p.records[0].caller, "say \"hi\"");
  EXPECT_EQ(p.records[0].callee, "u2");
  EXPECT_EQ(p.records[0].media, Media::kVideo);
  EXPECT_EQ(p.records[0].start_ms, 1772330400000);  // 02:00Z
  ASSERT_EQ(p.rejects.size(), 1u);
  EXPECT_EQ(p.rejects[0].where, "calls.csv:3:call_id");
}

// Spreadsheet exports in many locales separate fields with ';', and TSV with tabs: the
// header says which, and every line is then read as its comma-separated twin is.
TEST(CallReaderCsv, SemicolonsAndTabsSeparateFieldsWhenTheHeaderHasNoComma) {
  // `S` stands for the separator; the second call id holds the other file's separator.
  const std::string lines =
      "call_id S start S duration_s S caller S callee S media S caller_ip S caller_country\n"
      "c1 S 2026-03-01T10:00:00Z S 5 S u1 S u2 S video S 1.2.3.4 S PH\n"
      "\"cX2\" S 2026-03-01T10:00:00Z S 7 S u3 S u4 S audio S  S \n"
      "c3 S 2026-03-01T10:00:00Z S 9 S u5 S u6 S video S  S US\n";
  const auto file = [&](char sep, char in_id) {
    std::string out;
    for (size_t i = 0; i < lines.size(); ++i) {
      if (lines.compare(i, 3, " S ") == 0) {
        out += sep;
        i += 2;
      } else {
        out += lines[i] == 'X' ? in_id : lines[i];
      }
    }
    return out;
  };
  for (const char sep : {';', '\t'}) {
    const char in_id = sep == ';' ? ';' : '-';  // a tab in an id is a control character
    const Parsed want = ParseText(file(',', in_id));
    const Parsed got = ParseText(file(sep, ','));
    ASSERT_EQ(want.records.size(), 3u) << Wheres(want.rejects);
    ASSERT_EQ(got.records.size(), 3u) << Wheres(got.rejects);
    for (size_t i = 0; i < 3; ++i) {
      EXPECT_EQ(got.records[i].caller, want.records[i].caller);
      EXPECT_EQ(got.records[i].callee, want.records[i].callee);
      EXPECT_EQ(got.records[i].duration_s, want.records[i].duration_s);
      EXPECT_EQ(got.records[i].media, want.records[i].media);
      EXPECT_EQ(got.records[i].caller_ip, want.records[i].caller_ip);
      EXPECT_EQ(got.records[i].caller_country, want.records[i].caller_country);
    }
    EXPECT_EQ(got.records[1].call_id, "c,2");
    EXPECT_EQ(want.records[1].call_id, std::string("c") + in_id + "2");
  }
  EXPECT_EQ(internal::CsvSeparator("a;b,c"), ',');      // any comma: a CSV
  EXPECT_EQ(internal::CsvSeparator("\"a,b\";c"), ';');  // not one inside quotes
  EXPECT_EQ(internal::CsvSeparator("a\tb;c\td"), '\t');
  EXPECT_EQ(internal::CsvSeparator("call_id"), ',');
}

TEST(CallReaderCsv, UnterminatedQuoteRejectsOnlyItsLine) {
  const Parsed p = ParseText(
      "call_id,start,duration_s,caller,callee,media\n"
      "c1,1772359200,5,\"u1,u2,video\n"
      "c2,1772359200,5,u1,u2,video\n"
      "c3,1772359200,5,\"u1\"x,u2,video\n");
  ASSERT_EQ(p.records.size(), 1u);
  EXPECT_EQ(p.records[0].call_id, "c2");
  ASSERT_EQ(p.rejects.size(), 2u);
  EXPECT_EQ(p.rejects[0].where, "calls.csv:2");
  EXPECT_NE(p.rejects[0].message.find("unterminated"), std::string::npos);
  EXPECT_EQ(p.rejects[1].where, "calls.csv:4");
}

TEST(CallReaderCsv, WrongColumnCountRejectsNamingTheLine) {
  const Parsed p = ParseText(
      "call_id,start,duration_s,caller,callee,media\n"
      "c1,1772359200,5,u1,u2\n"
      "c2,1772359200,5,u1,u2,video,extra\n"
      "c3,1772359200,5,u1,u2,video,\n");
  EXPECT_TRUE(p.records.empty());
  ASSERT_EQ(p.rejects.size(), 3u);
  EXPECT_EQ(p.rejects[0].where, "calls.csv:2");
  EXPECT_EQ(p.rejects[0].message, "expected 6 fields as in the header, found 5");
  EXPECT_EQ(p.rejects[1].where, "calls.csv:3");
  EXPECT_EQ(p.rejects[2].where, "calls.csv:4");
}

TEST(CallReaderCsv, EveryBadFieldIsRejectedWithItsName) {
  struct Case {
    const char* line;
    const char* field;
  };
  const Case cases[] = {
      {"c1,yesterday,5,u1,u2,video,,,,,,", "start"},
      {"c1,,5,u1,u2,video,,,,,,", "start"},
      {"c1,2026-02-30T10:00:00Z,5,u1,u2,video,,,,,,", "start"},
      {"c1,1772359200000,5,u1,u2,video,,,,,,", "start"},  // milliseconds
      {"c1,1772359200.,5,u1,u2,video,,,,,,", "start"},
      {"c1,1772359200,-5,u1,u2,video,,,,,,", "duration_s"},
      {"c1,1772359200,five,u1,u2,video,,,,,,", "duration_s"},
      {"c1,1772359200,,u1,u2,video,,,,,,", "duration_s"},
      {"c1,1772359200,99999999999,u1,u2,video,,,,,,", "duration_s"},
      {"c1,1772359200,5,u1,u2,fax,,,,,,", "media"},
      {"c1,1772359200,5,u1,u2,,,,,,,", "media"},
      {",1772359200,5,u1,u2,video,,,,,,", "call_id"},
      {"c1,1772359200,5,,u2,video,,,,,,", "caller"},
      {"c1,1772359200,5,u1,,video,,,,,,", "callee"},
      {"c1,1772359200,5,u1,u1,video,,,,,,", "callee"},
      {"c1,1772359200,5,u\x01,u2,video,,,,,,", "caller"},
      {"c1,1772359200,5,u\xff,u2,video,,,,,,", "caller"},
      {"c1,1772359200,5,u1,u2,video,999.1.1.1,,,,,", "caller_ip"},
      {"c1,1772359200,5,u1,u2,video,,example.com,,,,", "callee_ip"},
      {"c1,1772359200,5,u1,u2,video,,1.2.3.4:80,,,,", "callee_ip"},
      {"c1,1772359200,5,u1,u2,video,,,USA,,,", "caller_country"},
      {"c1,1772359200,5,u1,u2,video,,,,U1,,", "callee_country"},
      {"c1,1772359200,5,u1,u2,video,,,,,P-7,", "caller_region"},
      {"c1,1772359200,5,u1,u2,video,,,,,,PH07", "callee_region"},
      {"c1,1772359200,5,u1,u2,video,,,US,,PH-07,", "caller_region"},  // not in US
  };
  for (const Case& c : cases) {
    const Parsed p = ParseText(std::string(kHeader) + c.line + "\n");
    EXPECT_TRUE(p.records.empty()) << c.line;
    ASSERT_EQ(p.rejects.size(), 1u) << c.line;
    EXPECT_EQ(p.rejects[0].where, std::string("calls.csv:2:") + c.field)
        << c.line << ": " << p.rejects[0].message;
    EXPECT_FALSE(p.rejects[0].message.empty());
    EXPECT_FALSE(p.rejects[0].repaired);
  }
}

TEST(CallReaderCsv, StartAcceptsRfc3339AndEpochSeconds) {
  const Parsed p = ParseText(
      "call_id,start,duration_s,caller,callee,media\n"
      "c1,2026-03-01T10:00:00Z,0,u1,u2,video\n"
      "c2,2026-03-01T18:00:00.250+08:00,0,u1,u2,video\n"
      "c3,1772359200,0,u1,u2,video\n"
      "c4,1772359200.25,0,u1,u2,video\n"
      "c5,0,0,u1,u2,video\n");
  ASSERT_TRUE(p.rejects.empty()) << Wheres(p.rejects);
  ASSERT_EQ(p.records.size(), 5u);
  EXPECT_EQ(p.records[0].start_ms, 1772359200000);
  EXPECT_EQ(p.records[1].start_ms, 1772359200250);
  EXPECT_EQ(p.records[2].start_ms, 1772359200000);
  EXPECT_EQ(p.records[3].start_ms, 1772359200250);
  EXPECT_EQ(p.records[4].start_ms, 0);
}

TEST(CallReaderCsv, DurationDropsFractions) {
  const Parsed p = ParseText(
      "call_id,start,duration_s,caller,callee,media\nc1,0,12.75,u1,u2,video\n");
  ASSERT_EQ(p.records.size(), 1u) << Wheres(p.rejects);
  EXPECT_EQ(p.records[0].duration_s, 12u);
}

TEST(CallReaderCsv, LocationCodesAreNormalised) {
  const Parsed p = ParseText(std::string(kHeader) +
                             "c1,0,1,u1,u2,Text,::ffff:8.8.8.8,,gb,,,Ph-00\n");
  ASSERT_EQ(p.records.size(), 1u) << Wheres(p.rejects);
  const CallRecord& r = p.records[0];
  EXPECT_EQ(r.media, Media::kText);
  EXPECT_EQ(r.caller_country, "GB");
  EXPECT_EQ(r.callee_region, "PH-00");
  EXPECT_EQ(r.callee_country, "PH");  // the region names its country
}

TEST(CallReaderCsv, LineNumbersComeFromTheChunk) {
  const std::string header = "call_id,start,duration_s,caller,callee,media\n";
  const Chunk first = MakeChunk(header + "c1,0,1,u1,u2,video\n");
  auto reader = CallRecordReader::Create(first, "big.csv");
  ASSERT_TRUE(reader.has_value());
  EXPECT_TRUE(reader->is_csv());
  // A later chunk: its first line is data, not a header.
  const Chunk later = MakeChunk("c100,0,1,u1,u2,video\nc101,0,1,u1,u2,fax\n", 100, 7);
  std::vector<CallRecord> records;
  std::vector<Rejection> rejects;
  reader->Parse(later, [&](CallRecord&& r) { records.push_back(std::move(r)); }, &rejects);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].call_id, "c100");
  EXPECT_EQ(records[0].line, 100u);
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_EQ(rejects[0].where, "big.csv:101:media");
}

TEST(CallReaderCsv, BlankLinesAndHeaderOnlyInputs) {
  Parsed p = ParseText("call_id,start,duration_s,caller,callee,media\n");
  EXPECT_TRUE(p.records.empty());
  EXPECT_TRUE(p.rejects.empty());
  p = ParseText("\n\ncall_id,start,duration_s,caller,callee,media\n\n  \nc1,0,1,u1,u2,video");
  ASSERT_EQ(p.records.size(), 1u) << Wheres(p.rejects);
  EXPECT_EQ(p.records[0].line, 6u);  // no newline at the end of the input
}

TEST(CallReaderCsv, LongLinesAreRejected) {
  std::string text = "call_id,start,duration_s,caller,callee,media\nc1,0,1,";
  text += std::string(2 << 20, 'x');
  text += ",u2,video\nc2,0,1,u1,u2,video\n";
  const Parsed p = ParseText(text);
  ASSERT_EQ(p.records.size(), 1u);
  ASSERT_EQ(p.rejects.size(), 1u);
  EXPECT_EQ(p.rejects[0].where, "calls.csv:2");
}

TEST(CallReaderCsv, ManyRecordsAllArrive) {
  std::string text = kHeader;
  for (int i = 0; i < 5000; ++i) {
    text += "c" + std::to_string(i) + ",2026-03-0" + std::to_string(1 + i % 9) +
            "T10:00:00Z," + std::to_string(i) + ",u" + std::to_string(i % 97) + ",v" +
            std::to_string(i % 89) + ",video,10.0.0.1,2001:db9::" + std::to_string(i % 50) +
            ",PH,US,PH-07,\n";
  }
  const Parsed p = ParseText(text);
  EXPECT_TRUE(p.rejects.empty()) << Wheres(p.rejects);
  ASSERT_EQ(p.records.size(), 5000u);
  EXPECT_EQ(p.records[4999].call_id, "c4999");
  EXPECT_EQ(p.records[4999].duration_s, 4999u);
  EXPECT_EQ(p.records[4999].line, 5001u);
}

TEST(CallReaderCsv, ParseIsThreadSafe) {
  std::string text = kHeader;
  for (int i = 0; i < 2000; ++i) {
    text += "c" + std::to_string(i) + ",1772359200,5,u1,u" + std::to_string(i + 2) +
            (i % 10 == 0 ? ",fax" : ",video") + ",,,,,,\n";
  }
  const Chunk chunk = MakeChunk(text);
  auto reader = CallRecordReader::Create(chunk, "t.csv");
  ASSERT_TRUE(reader.has_value());
  std::vector<size_t> good(4), bad(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::vector<Rejection> rejects;
      reader->Parse(chunk, [&](CallRecord&&) { ++good[t]; }, &rejects);
      bad[t] = rejects.size();
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) {
    EXPECT_EQ(good[t], 1800u);
    EXPECT_EQ(bad[t], 200u);
  }
}

TEST(CallReaderCsv, BatchFromViewsScoresLikeRecords) {
  // Plain fields stay views into the chunk (the batch keeps it); quoted ones with "" escapes
  // are unescaped into the reader's scratch and must be copied.
  std::string text = kHeader;
  for (int i = 0; i < 3000; ++i) {
    const std::string caller =
        i % 7 == 0 ? "\"h\"\"" + std::to_string(i % 5) + "\"" : "h" + std::to_string(i % 5);
    text += "c" + std::to_string(i % 2900) + ",2026-03-" + std::to_string(10 + i % 19) +
            "T2" + std::to_string(i % 4) + ":00:00Z," + std::to_string(60 * (i % 50)) + "," +
            caller + ",v" + std::to_string(i % 400) + (i % 5 == 0 ? ",audio" : ",video") +
            ",1.2.3." + std::to_string(i % 5) + ",2001:db8::" + std::to_string(i % 400) +
            ",PH," + (i % 3 == 0 ? "us" : "GB") + ",PH-07,\n";
  }
  static const CountryTable countries = *CountryTable::Default();
  MetaOptions o;
  o.keep_unflagged = true;
  auto direct = std::move(*Analyzer::Create(&countries, nullptr, *MetaWeights::Default(), o));
  auto batched = std::move(*Analyzer::Create(&countries, nullptr, *MetaWeights::Default(), o));
  PreparedBatch batch;
  {
    const Chunk chunk = MakeChunk(text);
    auto reader = CallRecordReader::Create(chunk, "t.csv");
    ASSERT_TRUE(reader.has_value());
    std::vector<Rejection> rejects;
    reader->Parse(chunk, [&](CallRecord&& r) { direct->Add(r); }, &rejects);
    reader->Parse(chunk, [&](const CallRecordView& r) { batch.Add(*batched, r, chunk); },
                  &rejects);
    EXPECT_TRUE(rejects.empty()) << Wheres(rejects);
  }  // the chunk is gone but for the storage the batch keeps
  for (const PreparedCall& p : batch.calls()) batched->Add(p);
  EXPECT_EQ(batched->stats().records, 3000u);
  EXPECT_EQ(batched->stats().duplicates, 100u);
  auto lines = [](Analyzer& a) {
    std::vector<std::string> out;
    for (const AccountLead& lead : a.Finish(1)) out.push_back(LeadToJson(lead));
    return out;
  };
  const auto want = lines(*direct);
  ASSERT_GT(want.size(), 5u);
  // The quoted names ("h""1" is h"1) reach the leads.
  EXPECT_TRUE(std::any_of(want.begin(), want.end(), [](const std::string& line) {
    return line.find("\"account\":\"h\\\"1\"") != std::string::npos;
  })) << want[0];
  EXPECT_EQ(lines(*batched), want);
}

// Lines of printable ASCII without quotes or spaces take the reader's fast path (views, the
// day of the previous start reused); quoting every field sends the same values down the
// general path. Both must give the same records and the same rejections, valid or not.
TEST(CallReaderCsv, FastPathReadsRowsAsTheGeneralPathDoes) {
  const std::vector<std::vector<std::string>> pools = {
      {"c1", "c2", "c3", "c4", "", "X9"},
      {"2026-03-01T10:00:00Z", "2026-03-01T23:59:60Z", "2026-03-01T00:00:00Z",
       "2026-03-02T07:08:09Z", "2026-02-29T10:00:00Z", "2026-02-30T01:02:03Z",
       "2026-03-01T24:00:00Z", "2026-03-01T10:60:00Z", "2026-03-01T10:00:61Z",
       "2026-03-01T10:00:00z", "2026-03-01t10:00:00Z", "2026-03-01T10:00:00.5Z",
       "2026-03-01T1a:00:00Z", "2026-03-01T10-00:00Z", "2026-03-01T10:00:00+01:00",
       "2026-13-01T10:00:00Z", "2026-03-01T10:00:0Z", "2026-03-01T10:00:000", "1772323211",
       "1772323211.25", ""},
      {"0", "7", "0012", "999999999", "4294967295", "4294967296", "12.5", "12.", "", ".5",
       "-1", "1e3", "x", "1234567890"},
      {"u1", "u2", "u3", "", "U1"},
      {"u1", "u2", "u3", "", "u9"},
      {"video", "audio", "text", "VIDEO", "Audio", "vid", "", "texts"},
      {"", "1.2.3.4", "255.255.255.255", "256.1.1.1", "01.2.3.4", "1.2.3", "::1",
       "2001:db8::5", "::ffff:1.2.3.4", "1.2.3.4:80", "a.b.c.d"},
      {"", "9.8.7.6", "0.0.0.0", "1.2.3.4.5", "fe80::1", "1..2.3"},
      {"", "PH", "US", "ph", "Us", "P", "PHL", "P1", "GB"},
      {"", "PH", "US", "gb", "U"},
      {"", "PH-07", "ph-07", "PH-0", "PH-ABC", "PH-ABCD", "US-CA", "PH07", "P1-07", "PH-0_",
       "Ph-1"},
      {"", "US-CA", "GB-ENG", "us-ca", "GB-E", "PH-07"}};
  std::mt19937 rng(11);
  const std::string garbage = "0123456789:.-_TZaz!#$%&'()*+/;<=>?@[]^`{|}~";
  // Standard column order, then another order with an unknown column.
  const std::vector<std::vector<int>> orders = {{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11},
                                                {5, 12, 3, 4, 1, 0, 2, 11, 10, 9, 8, 7, 6}};
  for (const auto& order : orders) {
    std::string plain, quoted;
    for (size_t k = 0; k < order.size(); ++k) {
      const std::string name =
          order[k] < 12 ? std::string(internal::ColumnName(static_cast<internal::Column>(order[k])))
                        : "note";
      plain += (k ? "," : "") + name;
      quoted += (k ? "," : "") + name;
    }
    plain += '\n';
    quoted += '\n';
    for (int row = 0; row < 20000; ++row) {
      for (size_t k = 0; k < order.size(); ++k) {
        std::string v;
        if (order[k] == 12) {
          v = "n" + std::to_string(row);
        } else if (rng() % 4 != 0) {
          v = pools[order[k]][0];  // mostly well formed, as real input is
          if (order[k] == 0) v = "c" + std::to_string(row % 19000);
          if (order[k] == 1) v = "2026-03-0" + std::to_string(1 + row / 3000) + "T1" +
                                 std::to_string(row % 10) + ":0" + std::to_string(row % 7) +
                                 ":5" + std::to_string(row % 9) + "Z";
          if (order[k] == 3 || order[k] == 4) v = (order[k] == 3 ? "a" : "b") + std::to_string(row % 50);
        } else if (rng() % 8 != 0) {
          const auto& pool = pools[order[k]];
          v = pool[rng() % pool.size()];
        } else {
          for (size_t n = rng() % 24; n > 0; --n) v += garbage[rng() % garbage.size()];
        }
        plain += (k ? "," : "") + v;
        quoted += (k ? ",\"" : "\"") + v + "\"";
      }
      plain += '\n';
      quoted += '\n';
    }
    auto render = [](const Parsed& p) {
      std::string out;
      for (const CallRecord& r : p.records) {
        out += r.call_id + "|" + std::to_string(r.start_ms) + "|" + std::to_string(r.duration_s) +
               "|" + r.caller + "|" + r.callee + "|" + std::to_string(static_cast<int>(r.media)) +
               "|" + r.caller_ip + "|" + r.callee_ip + "|" + r.caller_country + "|" +
               r.callee_country + "|" + r.caller_region + "|" + r.callee_region + "|" +
               std::to_string(r.line) + "\n";
      }
      return out + Wheres(p.rejects);
    };
    const Parsed fast = ParseText(plain), general = ParseText(quoted);
    EXPECT_GT(fast.records.size(), 3000u);
    EXPECT_GT(fast.rejects.size(), 3000u);
    EXPECT_EQ(render(fast), render(general));
  }
}

// ---- JSONL -------------------------------------------------------------------------------

TEST(CallReaderJsonl, ReadsTheSameNames) {
  const Parsed p = ParseText(
      "{\"call_id\": \"c1\", \"start\": \"2026-03-01T10:00:00Z\", \"duration_s\": 1500, "
      "\"caller\": \"u1\", \"callee\": \"u2\", \"media\": \"video\", \"caller_ip\": "
      "\"2001:db9::5\", \"callee_ip\": null, \"caller_country\": \"ph\", \"callee_country\": "
      "\"US\", \"caller_region\": \"PH-07\", \"platform\": {\"os\": [1, 2]}}\n"
      "\n"
      "{\"call_id\": 42, \"start\": 1772359200.5, \"duration_s\": 3.9, \"caller\": 7, "
      "\"callee\": \"u\\u00e9\", \"media\": \"AUDIO\"}\r\n",
      "calls.jsonl");
  ASSERT_TRUE(p.rejects.empty()) << Wheres(p.rejects);
  ASSERT_EQ(p.records.size(), 2u);
  const CallRecord& a = p.records[0];
  EXPECT_EQ(a.call_id, "c1");
  EXPECT_EQ(a.start_ms, 1772359200000);
  EXPECT_EQ(a.duration_s, 1500u);
  EXPECT_EQ(a.media, Media::kVideo);
  EXPECT_EQ(a.caller_ip, "2001:db9::5");
  EXPECT_EQ(a.callee_ip, "");
  EXPECT_EQ(a.caller_country, "PH");
  EXPECT_EQ(a.callee_country, "US");
  EXPECT_EQ(a.caller_region, "PH-07");
  EXPECT_EQ(a.line, 1u);
  const CallRecord& b = p.records[1];
  EXPECT_EQ(b.call_id, "42");
  EXPECT_EQ(b.caller, "7");
  EXPECT_EQ(b.callee, "u\xc3\xa9");
  EXPECT_EQ(b.start_ms, 1772359200500);
  EXPECT_EQ(b.duration_s, 3u);
  EXPECT_EQ(b.media, Media::kAudio);
  EXPECT_EQ(b.line, 3u);
}

TEST(CallReaderJsonl, BadRecordsAreRejectedWithLineAndField) {
  const std::string ok =
      "\"call_id\": \"c1\", \"start\": 1772359200, \"duration_s\": 5, \"caller\": \"u1\", "
      "\"callee\": \"u2\"";
  struct Case {
    std::string line;
    std::string where;  // after "calls.jsonl:1"
  };
  const Case cases[] = {
      {"{" + ok + "}", ":media"},  // missing media
      {"{" + ok + ", \"media\": null}", ":media"},
      {"{" + ok + ", \"media\": \"fax\"}", ":media"},
      {"{" + ok + ", \"media\": 3}", ":media"},
      {"{" + ok + ", \"media\": \"video\", \"caller_ip\": [1]}", ":caller_ip"},
      {"{" + ok + ", \"media\": \"video\", \"callee_country\": \"USA\"}", ":callee_country"},
      {"{" + ok + ", \"media\": \"video\", \"duration_s\": -1}", ":duration_s"},
      {"{" + ok + ", \"media\": \"video\", \"start\": 1772359200000}", ":start"},
      {"{" + ok + ", \"media\": \"video\", \"start\": true}", ":start"},
      {"{" + ok + ", \"media\": \"video\", \"caller\": 1.5}", ":caller"},
      {"{" + ok + ", \"media\": \"video\"} x", ""},
      {"{" + ok + ", \"media\": \"vid", ""},
      {"[1, 2]", ""},
      {"not json", ""},
      {"{\"call_id\": \"c\xff\"}", ""},
  };
  for (const Case& c : cases) {
    const Chunk chunk = MakeChunk(c.line + "\n");
    auto reader = CallRecordReader::Create(chunk, "calls.jsonl");
    std::vector<Rejection> rejects;
    size_t records = 0;
    if (c.line[0] == '{') {
      ASSERT_TRUE(reader.has_value());
      EXPECT_FALSE(reader->is_csv());
      reader->Parse(chunk, [&](CallRecord&&) { ++records; }, &rejects);
      EXPECT_EQ(records, 0u) << c.line;
      ASSERT_EQ(rejects.size(), 1u) << c.line;
      EXPECT_EQ(rejects[0].where, "calls.jsonl:1" + c.where) << c.line << ": "
                                                             << rejects[0].message;
    } else {
      // Not JSON on line 1: read as CSV, whose header lacks the columns.
      EXPECT_FALSE(reader.has_value()) << c.line;
    }
  }
}

TEST(CallReaderJsonl, LaterLinesThatAreNotObjectsAreRejected) {
  const Parsed p = ParseText(
      "{\"call_id\": \"c1\", \"start\": 0, \"duration_s\": 5, \"caller\": \"u1\", "
      "\"callee\": \"u2\", \"media\": \"text\"}\n"
      "[1]\n"
      "call_id,start\n",
      "calls.jsonl");
  EXPECT_EQ(p.records.size(), 1u);
  ASSERT_EQ(p.rejects.size(), 2u);
  EXPECT_EQ(p.rejects[0].where, "calls.jsonl:2");
  EXPECT_EQ(p.rejects[1].where, "calls.jsonl:3");
}

// ---- Deferred line numbers ------------------------------------------------------------------

// Chunks whose reader defers line numbers (Chunk::lines), parsed at once on a thread each,
// later ones started first, name their rejected lines as a counted parse does; their
// records' lines count from the chunk's start, so that their chunk's first line gives the
// counted one. CSV (with a byte-order mark) and JSONL.
TEST(CallReaderDeferredLines, NameLinesAsACountedParseDoes) {
  std::string csv = "\xEF\xBB\xBF" + std::string(kHeader), jsonl = "\xEF\xBB\xBF";
  for (int i = 1; i <= 600; ++i) {
    const std::string id = "c" + std::to_string(i), who = "u" + std::to_string(i % 17);
    if (i % 41 == 0) {
      csv += id + ",not a time,5,u1,u2,video,,,,,,\n";
      jsonl += "{\"call_id\": \"" + id + "\", \"start\": \"soon\"}\n";
    } else if (i % 53 == 0) {
      csv += "broken line\n";
      jsonl += "{broken\n";
    } else {
      csv += id + ",2026-03-01T10:00:00Z,60," + who + ",u99,video,,,,,,\n";
      jsonl += "{\"call_id\": \"" + id +
               "\", \"start\": \"2026-03-01T10:00:00Z\", "
               "\"duration_s\": 60, \"caller\": \"" +
               who +
               "\", \"callee\": \"u99\", "
               "\"media\": \"video\"}\n";
    }
  }
  for (const auto& [text, file] : {std::pair{csv, "calls.csv"}, std::pair{jsonl, "calls.jsonl"}}) {
    // Six chunks cut at line ends.
    std::vector<std::string> pieces;
    size_t from = 0;
    for (int k = 1; k < 6; ++k) {
      const size_t to = text.find('\n', text.size() * k / 6) + 1;
      pieces.push_back(text.substr(from, to - from));
      from = to;
    }
    pieces.push_back(text.substr(from));
    // Counted.
    std::vector<Chunk> counted;
    uint64_t line = 1;
    for (size_t k = 0; k < pieces.size(); ++k) {
      counted.push_back(MakeChunk(pieces[k], line, k));
      line += static_cast<uint64_t>(std::count(pieces[k].begin(), pieces[k].end(), '\n'));
    }
    auto reader = CallRecordReader::Create(counted[0], file);
    ASSERT_TRUE(reader) << reader.error().ToString();
    std::vector<std::vector<CallRecord>> want_records(pieces.size());
    std::vector<std::vector<Rejection>> want_rejects(pieces.size());
    for (size_t k = 0; k < pieces.size(); ++k) {
      reader->Parse(
          counted[k], [&](CallRecord&& r) { want_records[k].push_back(std::move(r)); },
          &want_rejects[k]);
    }
    // Deferred, the first chunk through Create too.
    auto ledger = std::make_shared<LineLedger>();
    std::vector<Chunk> deferred;
    for (size_t k = 0; k < pieces.size(); ++k) {
      deferred.push_back(MakeChunk(pieces[k], 0, k));
      deferred.back().lines = ledger;
    }
    auto deferring = CallRecordReader::Create(deferred[0], file);
    ASSERT_TRUE(deferring) << deferring.error().ToString();
    std::vector<std::vector<CallRecord>> records(pieces.size());
    std::vector<std::vector<Rejection>> rejects(pieces.size());
    std::vector<std::thread> threads;
    for (size_t k = pieces.size(); k-- > 0;) {
      threads.emplace_back([&, k] {
        deferring->Parse(
            deferred[k], [&](CallRecord&& r) { records[k].push_back(std::move(r)); }, &rejects[k]);
      });
    }
    for (auto& t : threads) t.join();
    size_t named = 0, recs = 0;
    for (size_t k = 0; k < pieces.size(); ++k) {
      EXPECT_EQ(Wheres(rejects[k]), Wheres(want_rejects[k])) << file << " chunk " << k;
      named += rejects[k].size();
      ASSERT_EQ(records[k].size(), want_records[k].size()) << file << " chunk " << k;
      const uint64_t first = ledger->FirstLine(k);
      EXPECT_EQ(first, counted[k].first_line) << file << " chunk " << k;
      for (size_t j = 0; j < records[k].size(); ++j) {
        EXPECT_EQ(records[k][j].call_id, want_records[k][j].call_id);
        EXPECT_EQ(first + records[k][j].line - 1, want_records[k][j].line) << file << " " << j;
      }
      recs += records[k].size();
    }
    EXPECT_EQ(named, 14u + 11u) << file;  // every 41st line and every 53rd (none both)
    EXPECT_EQ(recs, 575u) << file;
  }
}

// ---- IP addresses ---------------------------------------------------------------------------

// The reader's fast IPv4 check, and ParseIp's reading of what it accepts, must agree with
// inet_pton.
TEST(CallReaderIp, Ipv4CheckAgreesWithInetPton) {
  std::mt19937 rng(11);
  const char alphabet[] = "0123456789.........:a 2255";
  for (int i = 0; i < 300000; ++i) {
    std::string t;
    if (i % 2 == 0) {
      t = std::to_string(rng() % 300) + "." + std::to_string(rng() % 300) + "." +
          std::to_string(rng() % 1000) + "." + std::to_string(rng() % 260);
      if (rng() % 4 == 0) t.insert(rng() % t.size(), rng() % 2 ? "0" : ".");
    } else {
      const size_t len = rng() % 18;
      for (size_t k = 0; k < len; ++k) t += alphabet[rng() % (sizeof alphabet - 1)];
    }
    in_addr a;
    const bool expected = inet_pton(AF_INET, t.c_str(), &a) == 1;
    ASSERT_EQ(internal::IsIpv4Text(t), expected) << "'" << t << "'";
    in6_addr b;
    ASSERT_EQ(internal::IsIpText(t), internal::ParseIp(t, &b)) << "'" << t << "'";
    if (expected) {  // the address inet_pton reads, IPv4-mapped
      ASSERT_TRUE(IN6_IS_ADDR_V4MAPPED(&b)) << "'" << t << "'";
      ASSERT_EQ(std::memcmp(b.s6_addr + 12, &a, 4), 0) << "'" << t << "'";
    }
  }
  for (const char* ok : {"0.0.0.0", "1.2.3.4", "255.255.255.255", "10.20.30.40", "::1",
                         "2001:db8::1", "::ffff:1.2.3.4", "fe80::1:2:3:4"}) {
    EXPECT_TRUE(internal::IsIpText(ok)) << ok;
  }
  for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "01.2.3.4", "256.1.1.1", "1.2.3.4:80",
                          " 1.2.3.4", "[::1]", "fe80::1%eth0", "1:2:3:4:5:6:7:8:9", "x::1"}) {
    EXPECT_FALSE(internal::IsIpText(bad)) << bad;
  }
}

// ---- Garbage ------------------------------------------------------------------------------

// Mutated inputs: every line ends as a record or a rejection, never a crash.
TEST(CallReaderGarbage, MutatedInputsAreAccountedFor) {
  const std::string csv_seed = std::string(kHeader) +
                               "c1,2026-03-01T10:00:00Z,1500,u1,u2,video,1.2.3.4,::1,PH,US,"
                               "PH-07,\n\"c,2\",1772359200.5,5,\"a\"\"b\",u3,audio,,,,,,\n";
  const std::string json_seed =
      "{\"call_id\": \"c1\", \"start\": \"2026-03-01T10:00:00Z\", \"duration_s\": 1500, "
      "\"caller\": \"u1\", \"callee\": \"u2\", \"media\": \"video\"}\n"
      "{\"call_id\": 2, \"start\": 1.5, \"duration_s\": 1, \"caller\": \"a\", "
      "\"callee\": \"b\", \"media\": \"text\", \"caller_ip\": \"::ffff:1.2.3.4\"}\n";
  std::mt19937 rng(7);
  const char alphabet[] = ",\"\n\r{}[]:\\ 0123456789.-TZaz\xff\xc3";
  for (int iter = 0; iter < 4000; ++iter) {
    std::string text = iter % 2 ? csv_seed : json_seed;
    const int edits = 1 + static_cast<int>(rng() % 6);
    for (int e = 0; e < edits; ++e) {
      const size_t pos = rng() % (text.size() + 1);
      switch (rng() % 3) {
        case 0:
          text.insert(pos, 1, alphabet[rng() % (sizeof alphabet - 1)]);
          break;
        case 1:
          if (pos < text.size()) text.erase(pos, 1 + rng() % 8);
          break;
        default:
          if (pos < text.size()) text[pos] = static_cast<char>(rng());
          break;
      }
    }
    const Chunk chunk = MakeChunk(text);
    auto reader = CallRecordReader::Create(chunk, "fuzz");
    if (!reader) continue;
    size_t records = 0;
    std::vector<Rejection> rejects;
    reader->Parse(chunk, [&](CallRecord&& r) {
      ++records;
      EXPECT_FALSE(r.call_id.empty());
      EXPECT_NE(r.caller, r.callee);
    }, &rejects);
    for (const auto& r : rejects) {
      EXPECT_EQ(r.where.rfind("fuzz:", 0), 0u);
      EXPECT_FALSE(r.message.empty());
    }
  }
}

}  // namespace
}  // namespace bantay::meta
