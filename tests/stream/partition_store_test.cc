// Tests for PartitionStore: half-edges and the resume offset survive a reopen, each call and
// side is stored once, epochs follow close markers.
#include <gtest/gtest.h>

#include "stream/stream.h"
#include "mock_kafka.h"

namespace bantay::stream {
namespace {

PartitionStore::Entry Half(int64_t offset, const std::string& call, bool side) {
  PartitionStore::Entry e;
  e.offset = offset;
  e.call_id = call;
  e.caller_side = side;
  e.value = call + (side ? "/c" : "/e");
  return e;
}

PartitionStore::Entry Close(int64_t offset, int64_t epoch) {
  PartitionStore::Entry e;
  e.offset = offset;
  e.close = true;
  e.close_epoch = epoch;
  return e;
}

std::vector<std::string> Values(const PartitionStore& s, int64_t epoch) {
  std::vector<std::string> out;
  auto st = s.ForEach(INT64_MIN, epoch, [&](std::string_view v) -> Status {
    out.emplace_back(v);
    return {};
  });
  EXPECT_TRUE(st);
  return out;
}

TEST(PartitionStore, NewStoreStartsAtTheBeginning) {
  TempDir dir;
  auto s = PartitionStore::Open(dir.path(), "calls", 3);
  ASSERT_TRUE(s) << s.error().ToString();
  EXPECT_EQ((*s)->next_offset(), -1);
  EXPECT_EQ((*s)->closed_epoch(), 0);
  EXPECT_EQ((*s)->size(), 0u);
}

TEST(PartitionStore, StateAndOffsetSurviveReopen) {
  TempDir dir;
  {
    auto s = PartitionStore::Open(dir.path(), "calls", 0);
    ASSERT_TRUE(s);
    ASSERT_TRUE((*s)->Apply({Half(0, "a", true), Half(1, "b", false), Close(2, 1), Half(3, "c", true)}));
    ASSERT_TRUE((*s)->SetScored(1));
  }
  auto s = PartitionStore::Open(dir.path(), "calls", 0);
  ASSERT_TRUE(s);
  EXPECT_EQ((*s)->next_offset(), 4);
  EXPECT_EQ((*s)->closed_epoch(), 1);
  EXPECT_EQ((*s)->scored_epoch(), 1);
  EXPECT_EQ(Values(**s, 1), (std::vector<std::string>{"a/c", "b/e"}));
  EXPECT_EQ(Values(**s, 2), (std::vector<std::string>{"a/c", "b/e", "c/c"}));
}

TEST(PartitionStore, ReadsAnEpochRangeAndPrunesOlderEpochs) {
  TempDir dir;
  auto s = PartitionStore::Open(dir.path(), "calls", 2);
  ASSERT_TRUE(s);
  ASSERT_TRUE((*s)->Apply({Half(0, "a", true), Close(1, 1), Half(2, "b", true), Close(3, 2),
                           Half(4, "c", true), Close(5, 3)}));
  std::vector<std::string> got;
  ASSERT_TRUE((*s)->ForEach(2, 3, [&](std::string_view v) -> Status {
    got.emplace_back(v);
    return {};
  }));
  EXPECT_EQ(got, (std::vector<std::string>{"b/c", "c/c"}));
  ASSERT_TRUE((*s)->Prune(3));  // epochs 1 and 2 go
  EXPECT_EQ((*s)->size(), 1u);
  EXPECT_EQ(Values(**s, 3), (std::vector<std::string>{"c/c"}));
  EXPECT_EQ((*s)->closed_epoch(), 3);
}

TEST(PartitionStore, ReplayedHalfEdgesAreStoredOnce) {
  TempDir dir;
  auto s = PartitionStore::Open(dir.path(), "calls", 1);
  ASSERT_TRUE(s);
  ASSERT_TRUE((*s)->Apply({Half(10, "a", true), Half(11, "a", false)}));
  // The same messages again (a replay after a crash) and one new.
  ASSERT_TRUE((*s)->Apply({Half(10, "a", true), Half(11, "a", false), Half(12, "b", true)}));
  EXPECT_EQ((*s)->size(), 3u);
  EXPECT_EQ((*s)->next_offset(), 13);
  EXPECT_EQ(Values(**s, 1), (std::vector<std::string>{"a/c", "a/e", "b/c"}));
}

TEST(PartitionStore, RejectedMessagesOnlyMoveTheOffset) {
  TempDir dir;
  auto s = PartitionStore::Open(dir.path(), "calls", 1);
  ASSERT_TRUE(s);
  PartitionStore::Entry rejected;
  rejected.offset = 5;
  ASSERT_TRUE((*s)->Apply({Half(4, "a", true), rejected}));
  EXPECT_EQ((*s)->size(), 1u);
  EXPECT_EQ((*s)->next_offset(), 6);
}

TEST(PartitionStore, UnwritableDirectoryIsAnError) {
  auto s = PartitionStore::Open("/nonexistent/dir", "calls", 0);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kIo);
  EXPECT_NE(s.error().where.find("calls.0.sqlite"), std::string::npos);
}

}  // namespace
}  // namespace bantay::stream
