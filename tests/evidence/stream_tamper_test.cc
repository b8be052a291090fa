// VerifyStream (no manifest): every record field, insertion, deletion, reordering and
// checkpoint tampering is caught, and the first bad record named by stream, seq and position.
#include "evidence_test_util.h"

namespace bantay::evidence::testing {
namespace {

// "case/s" with 12 records and checkpoints at seq 3, 7 and 11.
class StreamTamper : public EvidenceTest {
 protected:
  void SetUp() override {
    EvidenceTest::SetUp();
    BuildLedger(4, {{"case/s", 12}});
    ASSERT_EQ(checkpoints_.size(), 3u);
  }

  VerifyReport Verify(const std::vector<Record>& records,
                      const std::vector<Checkpoint>& checkpoints) {
    auto r = VerifyStream(records, checkpoints, signer_->PublicKeyHex());
    EXPECT_TRUE(r) << r.error().ToString();
    return r ? *r : VerifyReport{};
  }

  void ExpectRecord(const VerifyReport& r, uint64_t seq, uint64_t position,
                    const std::string& context) {
    EXPECT_FALSE(r.ok) << context;
    EXPECT_EQ(r.problem.stream, "case/s") << context << ": " << r.problem.what;
    EXPECT_EQ(r.problem.seq, seq) << context << ": " << r.problem.what;
    EXPECT_EQ(r.problem.line, position) << context << ": " << r.problem.what;
  }
};

TEST_F(StreamTamper, UntouchedStreamVerifies) {
  const VerifyReport r = Verify(records_, checkpoints_);
  EXPECT_TRUE(r.ok) << r.problem.what;
  EXPECT_EQ(r.records_checked, 12u);
  EXPECT_EQ(r.checkpoints_checked, 3u);
  EXPECT_FALSE(VerifyStream(records_, checkpoints_, "nothex"));
}

TEST_F(StreamTamper, ChangingAnyFieldIsCaughtAtThatRecord) {
  const std::vector<std::function<void(Record&)>> changes = {
      [](Record& r) { r.stream = "case/other"; },
      [](Record& r) { r.seq += 2; },
      [](Record& r) { r.kind = "deletion"; },
      [](Record& r) { r.source_time = "2020-01-01T00:00:00Z"; },
      [](Record& r) { r.received_time = "2020-01-01T00:00:00Z"; },
      [](Record& r) {
        r.body = {{"text", "altered"}};
      },
      [](Record& r) { r.prev_hash = std::string(64, 'f'); },
      [](Record& r) { r.hash = std::string(64, 'f'); },
  };
  for (size_t c = 0; c < changes.size(); ++c) {
    for (uint64_t seq : {0, 5, 11}) {
      for (bool rehash : {false, true}) {
        std::vector<Record> records = records_;
        changes[c](records[seq]);
        if (rehash && c != 7) records[seq].hash = RecordHash(records[seq]);
        const VerifyReport r = Verify(records, checkpoints_);
        const std::string context = "change " + std::to_string(c) + " at " + std::to_string(seq) +
                                    (rehash ? " rehashed" : "");
        if (rehash && seq == 11 && c >= 2 && c <= 5) {
          // The last record rehashed: nothing follows it; its checkpoint exposes it.
          ExpectRecord(r, 11, 12, context);
        } else if (c == 0 && seq == 0) {
          // A renamed first record reads as the start of another stream: the first line is
          // named when unhashed, the checkpoints expose it when rehashed.
          EXPECT_FALSE(r.ok) << context;
          if (!rehash) {
            EXPECT_EQ(r.problem.line, 1u) << context;
          }
        } else if (rehash && c >= 2 && c <= 5) {
          // Changed and rehashed: without a manifest the broken link is seen at the next
          // record, whose problem names the previous one (bundles name it exactly).
          ExpectRecord(r, seq + 1, seq + 2, context);
          EXPECT_NE(r.problem.what.find("record " + std::to_string(seq)), std::string::npos)
              << r.problem.what;
        } else {
          ExpectRecord(r, seq, seq + 1, context);
        }
      }
    }
  }
}

TEST_F(StreamTamper, RechainedChangeIsCaughtByTheNextCheckpoint) {
  std::vector<Record> records = records_;
  records[5].body = {{"text", "altered"}};
  std::string prev = records[4].hash;
  for (size_t i = 5; i < records.size(); ++i) {
    records[i].prev_hash = prev;
    records[i].hash = prev = RecordHash(records[i]);
  }
  const VerifyReport r = Verify(records, checkpoints_);
  ExpectRecord(r, 7, 8, "rechained");
  EXPECT_NE(r.problem.what.find("checkpoint"), std::string::npos) << r.problem.what;
}

TEST_F(StreamTamper, InsertDeleteReorderDuplicateAreNamed) {
  auto deleted = records_;
  deleted.erase(deleted.begin() + 4);
  ExpectRecord(Verify(deleted, checkpoints_), 4, 5, "delete");

  auto first_deleted = records_;
  first_deleted.erase(first_deleted.begin());
  ExpectRecord(Verify(first_deleted, checkpoints_), 0, 1, "delete first");

  auto tail_deleted = records_;
  tail_deleted.resize(10);  // records 10 and 11 gone; checkpoint 11 still signs them
  const VerifyReport tail = Verify(tail_deleted, checkpoints_);
  EXPECT_FALSE(tail.ok);
  EXPECT_EQ(tail.problem.seq, 10u) << tail.problem.what;

  auto reordered = records_;
  std::swap(reordered[2], reordered[3]);
  ExpectRecord(Verify(reordered, checkpoints_), 2, 3, "reorder");

  auto duplicated = records_;
  duplicated.insert(duplicated.begin() + 3, records_[2]);
  ExpectRecord(Verify(duplicated, checkpoints_), 3, 4, "duplicate");

  // A planted record that does not fit the chain is named itself.
  auto inserted = records_;
  Record fake = records_[3];
  fake.body = {{"text", "planted"}};
  fake.prev_hash = records_[3].hash;
  fake.hash = RecordHash(fake);
  inserted.insert(inserted.begin() + 3, fake);
  ExpectRecord(Verify(inserted, checkpoints_), 3, 4, "insert");
  // One that fits (a second record 3 linked to record 2) is caught at the genuine record 3,
  // now a duplicate; a bundle's manifest names the planted one instead.
  fake.prev_hash = records_[2].hash;
  fake.hash = RecordHash(fake);
  inserted[3] = fake;
  const VerifyReport fitted = Verify(inserted, checkpoints_);
  ExpectRecord(fitted, 4, 5, "fitted insert");
  EXPECT_NE(fitted.problem.what.find("duplicated"), std::string::npos) << fitted.problem.what;
}

TEST_F(StreamTamper, CheckpointTamperingIsCaught) {
  auto other = Signer::LoadOrCreate(dir_ / "other.key");
  ASSERT_TRUE(other);
  const std::vector<std::function<void(Checkpoint&)>> changes = {
      [](Checkpoint& c) { c.signature[0] = c.signature[0] == 'a' ? 'b' : 'a'; },
      [](Checkpoint& c) { c.seq = 2; },
      [](Checkpoint& c) { c.hash = std::string(64, '0'); },
      [](Checkpoint& c) { c.time = "2030-01-01T00:00:00Z"; },
      [](Checkpoint& c) { c.stream = "case/other"; },
      [&](Checkpoint& c) { c.public_key = other->PublicKeyHex(); },
      [&](Checkpoint& c) {
        c.public_key = other->PublicKeyHex();
        c.signature = other->SignHex(CheckpointStatement(c));
      },
  };
  for (size_t i = 0; i < changes.size(); ++i) {
    auto checkpoints = checkpoints_;
    changes[i](checkpoints[1]);
    const VerifyReport r = Verify(records_, checkpoints);
    EXPECT_FALSE(r.ok) << i;
    EXPECT_EQ(r.problem.line, 2u) << i << ": " << r.problem.what;
  }
  auto swapped = checkpoints_;
  std::swap(swapped[0], swapped[2]);
  EXPECT_FALSE(Verify(records_, swapped).ok);
  auto duplicated = checkpoints_;
  duplicated.push_back(checkpoints_.back());
  EXPECT_FALSE(Verify(records_, duplicated).ok);
  // A checkpoint signed before the record it signs was received.
  auto early = checkpoints_;
  early[0].time = "2026-03-01T09:00:00Z";
  early[0].signature = signer_->SignHex(CheckpointStatement(early[0]));
  const VerifyReport r = Verify(records_, early);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.problem.what.find("before"), std::string::npos) << r.problem.what;
}

}  // namespace
}  // namespace bantay::evidence::testing
