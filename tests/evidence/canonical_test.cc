// Tests of canonical JSON, SHA-256 and the record/checkpoint JSON forms.
#include <gtest/gtest.h>

#include "evidence/evidence.h"

namespace bantay::evidence {
namespace {

TEST(CanonicalJson, SortsKeysAndDropsWhitespaceWhateverTheInputOrder) {
  const auto a =
      nlohmann::json::parse(R"({"b": 1, "a": {"z": [1, 2, {"y": 0, "x": 1}], "c": null}})");
  const auto b =
      nlohmann::json::parse(R"({ "a" : { "c":null , "z":[1,2,{"x":1,"y":0}] } ,"b":1 })");
  EXPECT_EQ(CanonicalJson(a), R"({"a":{"c":null,"z":[1,2,{"x":1,"y":0}]},"b":1})");
  EXPECT_EQ(CanonicalJson(a), CanonicalJson(b));
}

TEST(CanonicalJson, KeepsUtf8AndIntegersAndEscapesOnlyWhatJsonRequires) {
  nlohmann::json j = {{"text", "Grüße \"zitat\" \\ \n 日本"},
                      {"n", 42},
                      {"neg", -7},
                      {"big", 18446744073709551615ull},
                      {"x", 0.5}};
  EXPECT_EQ(CanonicalJson(j),
            "{\"big\":18446744073709551615,\"n\":42,\"neg\":-7,\"text\":\"Grüße \\\"zitat\\\" "
            "\\\\ \\n 日本\",\"x\":0.5}");
  // Integers stay integers through a parse; doubles read back to the same text.
  const auto back = nlohmann::json::parse(CanonicalJson(j));
  EXPECT_TRUE(back["n"].is_number_integer());
  EXPECT_EQ(CanonicalJson(back), CanonicalJson(j));
}

TEST(CanonicalJson, IsStableAcrossRepeatedRoundTrips) {
  nlohmann::json j = {{"score", 0.1 + 0.2}, {"list", {3, 2, 1}}, {"e", 1e-7}, {"s", ""}};
  std::string text = CanonicalJson(j);
  for (int i = 0; i < 5; ++i) {
    const std::string again = CanonicalJson(nlohmann::json::parse(text));
    EXPECT_EQ(again, text);
    text = again;
  }
}

TEST(CanonicalJson, ReplacesInvalidUtf8InsteadOfThrowing) {
  nlohmann::json j = {{"t", std::string("a\xff"
                                        "b")}};
  EXPECT_EQ(CanonicalJson(j),
            "{\"t\":\"a\xEF\xBF\xBD"
            "b\"}");
}

TEST(Sha256Hex, MatchesTheStandardTestVector) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

Record SampleRecord() {
  Record r;
  r.stream = "case/c1";
  r.seq = 0;
  r.kind = "lead";
  r.source_time = "2026-03-01T09:59:00Z";
  r.received_time = "2026-03-01T10:00:00.250Z";
  r.body = {{"score", 0.9}, {"text", "how much for a private cam show"}};
  r.prev_hash = std::string(kZeroHash);
  r.hash = RecordHash(r);
  return r;
}

TEST(RecordHash, CoversEveryFieldButHash) {
  const Record base = SampleRecord();
  std::vector<std::function<void(Record&)>> changes = {
      [](Record& r) { r.stream = "case/c2"; },
      [](Record& r) { r.seq = 1; },
      [](Record& r) { r.kind = "note"; },
      [](Record& r) { r.source_time = ""; },
      [](Record& r) { r.received_time = "2026-03-01T10:00:01Z"; },
      [](Record& r) { r.body["score"] = 0.8; },
      [](Record& r) { r.prev_hash[0] = '1'; },
  };
  for (size_t i = 0; i < changes.size(); ++i) {
    Record r = base;
    changes[i](r);
    EXPECT_NE(RecordHash(r), base.hash) << "change " << i;
  }
  Record r = base;
  r.hash = "x";
  EXPECT_EQ(RecordHash(r), base.hash);
}

TEST(RecordJson, RoundTripsAndRefusesMissingExtraAndMistypedFields) {
  const Record r = SampleRecord();
  auto back = RecordFromJson(RecordToJson(r), "records.jsonl:3");
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_EQ(*back, r);

  auto j = RecordToJson(r);
  j.erase("kind");
  auto e = RecordFromJson(j, "records.jsonl:3");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().where, "records.jsonl:3:kind");

  j = RecordToJson(r);
  j["extra"] = 1;
  e = RecordFromJson(j, "records.jsonl:3");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().where, "records.jsonl:3:extra");

  j = RecordToJson(r);
  j["seq"] = -1;
  EXPECT_EQ(RecordFromJson(j, "f:1").error().where, "f:1:seq");
  j = RecordToJson(r);
  j["received_time"] = "yesterday";
  EXPECT_EQ(RecordFromJson(j, "f:1").error().where, "f:1:received_time");
  j = RecordToJson(r);
  j["prev_hash"] = "ABC";
  EXPECT_EQ(RecordFromJson(j, "f:1").error().where, "f:1:prev_hash");
  EXPECT_FALSE(RecordFromJson(nlohmann::json::array(), "f:1"));
}

TEST(CheckpointJson, StatementCoversStreamSeqHashAndTimeOnly) {
  Checkpoint c{"audit",
               9,
               std::string(64, 'a'),
               "2026-03-01T10:00:00Z",
               std::string(64, 'b'),
               std::string(128, 'c')};
  const std::string s = CheckpointStatement(c);
  EXPECT_EQ(s, "{\"hash\":\"" + std::string(64, 'a') +
                   "\",\"seq\":9,\"stream\":\"audit\",\"time\":\"2026-03-01T10:00:00Z\","
                   "\"type\":\"bantay-checkpoint-v1\"}");
  auto back = CheckpointFromJson(CheckpointToJson(c));
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_EQ(*back, c);
  auto j = CheckpointToJson(c);
  j["signature"] = "00";
  EXPECT_EQ(CheckpointFromJson(j, "c:2").error().where, "c:2:signature");
}

}  // namespace
}  // namespace bantay::evidence
