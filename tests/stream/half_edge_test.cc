// Tests for the half-edge message format.
#include <gtest/gtest.h>

#include "stream/stream.h"
#include "../meta/make_call.h"

namespace bantay::stream {
namespace {

TEST(HalfEdge, RoundTripsEveryField) {
  meta::CallRecord r = meta::MakeCall("call-1", "alice", "PH", "bob", "US", meta::kMonthStart,
                                      20, meta::Media::kAudio, "10.0.0.1");
  r.callee_ip = "2001:db8::1";
  r.line = 42;
  for (bool side : {true, false}) {
    auto m = DecodeMessage(EncodeHalfEdge(r, side), "t[0]@1");
    ASSERT_TRUE(m) << m.error().ToString();
    EXPECT_FALSE(m->close);
    EXPECT_EQ(m->caller_side, side);
    // Every field is encoded, so equal encodings mean equal records.
    EXPECT_EQ(EncodeHalfEdge(m->record, side), EncodeHalfEdge(r, side));
    EXPECT_EQ(m->record.callee_ip, "2001:db8::1");
    EXPECT_EQ(m->record.line, 42u);
    EXPECT_EQ(m->record.media, meta::Media::kAudio);
  }
}

TEST(HalfEdge, CloseMarkerCarriesItsEpoch) {
  auto m = DecodeMessage(EncodeClose(3), "t[0]@1");
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->close);
  EXPECT_EQ(m->epoch, 3);
}

TEST(HalfEdge, BadMessagesNameTheirField) {
  const meta::CallRecord r = meta::MakeCall("c", "a", "PH", "b", "US", 0, 1, meta::Media::kVideo);
  std::string good = EncodeHalfEdge(r, true);
  struct Case {
    std::string value;
    std::string field;
  } cases[] = {
      {"", "kind"},
      {"close\t0", "side"},
      {"close\tx", "side"},
      {"hello", "kind"},
      {"h\tc\tc", "kind"},
      {good + "\textra", ""},  // too many fields: no one field to name
      {"h\tx" + good.substr(3), "side"},
      {"h\tc\t" + good.substr(good.find('\t', 4)), "call_id"},
  };
  for (const auto& c : cases) {
    auto m = DecodeMessage(c.value, "calls[2]@7");
    ASSERT_FALSE(m) << c.value;
    EXPECT_EQ(m.error().where, c.field.empty() ? "calls[2]@7" : "calls[2]@7:" + c.field) << c.value;
  }
  std::string bad_media = good;
  bad_media[bad_media.find("\tv\t") + 1] = 'q';
  auto m = DecodeMessage(bad_media, "w");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().where, "w:media");
}

}  // namespace
}  // namespace bantay::stream
