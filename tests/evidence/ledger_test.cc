// Tests of the ledger: chain building, checkpoints, and refusal of bad appends.
#include "evidence_test_util.h"

namespace bantay::evidence::testing {
namespace {

using LedgerTest = EvidenceTest;

TEST_F(LedgerTest, AppendBuildsAHashChainPerStream) {
  MemoryLedgerStorage storage;
  Ledger ledger(storage, *signer_, Options(0));
  auto a0 = ledger.Append("case/a", "lead", "2026-03-01T09:00:00Z", {{"score", 0.9}});
  auto b0 = ledger.Append("case/b", "lead", "", {{"score", 0.7}});
  auto a1 = ledger.Append("case/a", "note", "", {{"text", "checked"}});
  ASSERT_TRUE(a0 && b0 && a1);
  EXPECT_EQ(a0->seq, 0u);
  EXPECT_EQ(b0->seq, 0u);
  EXPECT_EQ(a1->seq, 1u);
  EXPECT_EQ(a0->prev_hash, kZeroHash);
  EXPECT_EQ(b0->prev_hash, kZeroHash);
  EXPECT_EQ(a1->prev_hash, a0->hash);
  EXPECT_EQ(a1->hash, RecordHash(*a1));
  EXPECT_EQ(a0->source_time, "2026-03-01T09:00:00Z");
  EXPECT_EQ(a0->received_time, "2026-03-01T10:00:00Z");
  EXPECT_EQ(a1->received_time, "2026-03-01T10:00:02Z");
  auto read = storage.Read("case/a");
  ASSERT_TRUE(read);
  ASSERT_EQ(read->size(), 2u);
  EXPECT_EQ((*read)[1], *a1);
  auto streams = storage.Streams();
  ASSERT_TRUE(streams);
  EXPECT_EQ(*streams, (std::vector<std::string>{"case/a", "case/b"}));
  auto report = VerifyStream(*read, {}, signer_->PublicKeyHex());
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok) << report->problem.what;
  EXPECT_EQ(report->records_checked, 2u);
}

TEST_F(LedgerTest, ChecksPointsEveryNRecordsAutomatically) {
  MemoryLedgerStorage storage;
  Ledger ledger(storage, *signer_, Options(4));
  Fill(ledger, "audit", 10);
  auto cps = storage.Checkpoints("audit");
  ASSERT_TRUE(cps);
  ASSERT_EQ(cps->size(), 2u);
  EXPECT_EQ((*cps)[0].seq, 3u);
  EXPECT_EQ((*cps)[1].seq, 7u);
  auto records = storage.Read("audit");
  ASSERT_TRUE(records);
  EXPECT_EQ((*cps)[1].hash, (*records)[7].hash);
  EXPECT_EQ((*cps)[1].public_key, signer_->PublicKeyHex());
  EXPECT_TRUE(VerifySignatureHex(signer_->PublicKeyHex(), CheckpointStatement((*cps)[1]),
                                 (*cps)[1].signature));
  auto report = VerifyStream(*records, *cps, signer_->PublicKeyHex());
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok) << report->problem.what;
  EXPECT_EQ(report->checkpoints_checked, 2u);
}

TEST_F(LedgerTest, DefaultCheckpointsEveryHundredRecords) {
  MemoryLedgerStorage storage;
  LedgerOptions o = Options(0);
  o.checkpoint_every = LedgerOptions{}.checkpoint_every;
  EXPECT_EQ(o.checkpoint_every, 100u);
  Ledger ledger(storage, *signer_, o);
  Fill(ledger, "audit", 99);
  EXPECT_TRUE(storage.Checkpoints("audit")->empty());
  Fill(ledger, "audit", 1);
  ASSERT_EQ(storage.Checkpoints("audit")->size(), 1u);
  EXPECT_EQ(storage.Checkpoints("audit")->front().seq, 99u);
}

TEST_F(LedgerTest, ExplicitCheckpointSignsTheHeadOnce) {
  MemoryLedgerStorage storage;
  Ledger ledger(storage, *signer_, Options(0));
  auto empty = ledger.Checkpoint("case/x");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, ErrorCode::kNotFound);
  Fill(ledger, "case/x", 3);
  auto c1 = ledger.Checkpoint("case/x");
  ASSERT_TRUE(c1) << c1.error().ToString();
  EXPECT_EQ(c1->seq, 2u);
  auto c2 = ledger.Checkpoint("case/x");
  ASSERT_TRUE(c2);
  EXPECT_EQ(*c2, *c1);
  EXPECT_EQ(storage.Checkpoints("case/x")->size(), 1u);
  Fill(ledger, "case/x", 1);
  auto c3 = ledger.Checkpoint("case/x");
  ASSERT_TRUE(c3);
  EXPECT_EQ(c3->seq, 3u);
  EXPECT_EQ(storage.Checkpoints("case/x")->size(), 2u);
}

TEST_F(LedgerTest, RefusesBadAppendsWithoutWritingAnything) {
  MemoryLedgerStorage storage;
  Ledger ledger(storage, *signer_, Options(0));
  auto e = ledger.Append("", "lead", "", {});
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().where, "stream");
  e = ledger.Append("s", "", "", {});
  EXPECT_EQ(e.error().where, "kind");
  e = ledger.Append("s", "lead", "not a time", {});
  EXPECT_EQ(e.error().where, "source_time");
  e = ledger.Append("s", "lead", "", {{"text", std::string("bad \xC3 utf8")}});
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().where, "body");
  LedgerOptions bad_clock = Options(0);
  bad_clock.now = [] { return std::string("noon"); };
  Ledger bad(storage, *signer_, bad_clock);
  e = bad.Append("s", "lead", "", {});
  EXPECT_EQ(e.error().where, "received_time");
  EXPECT_TRUE(storage.Streams()->empty());
}

TEST_F(LedgerTest, DefaultClockIsRfc3339Utc) {
  MemoryLedgerStorage storage;
  Ledger ledger(storage, *signer_);
  const std::string now = ledger.Now();
  EXPECT_TRUE(ParseRfc3339(now)) << now;
  EXPECT_EQ(now.back(), 'Z');
}

TEST(MemoryLedgerStorage, RefusesPutsOutOfSequence) {
  MemoryLedgerStorage storage;
  Record r;
  r.stream = "s";
  r.seq = 1;
  EXPECT_FALSE(storage.Put(r));
  r.seq = 0;
  EXPECT_TRUE(storage.Put(r));
  EXPECT_FALSE(storage.Put(r));
  r.seq = 1;
  EXPECT_TRUE(storage.Put(r));
  EXPECT_EQ(storage.Read("s", 1)->size(), 1u);
  EXPECT_TRUE(storage.Read("s", 5)->empty());
  EXPECT_FALSE(storage.Last("none").value().has_value());
}

}  // namespace
}  // namespace bantay::evidence::testing
