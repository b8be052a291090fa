// Hash lists: CSV and TSV import, defaults, row errors as file:line:field, stored form.
#include "media/media.h"
#include "media_test_util.h"

namespace bantay::media {
namespace {

const std::string kA(64, 'a');
const std::string kB = std::string(63, '0') + "1";

TEST(HashList, CsvWithQuotesAndDefaultsFromOptions) {
  const std::string csv =
      "# a comment\n"
      "hash,label,source,extra\n" +
      kA + ",\"cat, one\",hotline-x,z\n" + kB + ",,,z\r\n";
  std::vector<Rejection> rejects;
  auto list = HashList::Parse(csv, "l.csv", ListInfo{"known", "default-label", "src", ""}, &rejects);
  ASSERT_TRUE(list) << list.error().ToString();
  EXPECT_TRUE(rejects.empty());
  ASSERT_EQ(list->size(), 2u);
  // Entries are ordered by hash: kB (..01) before kA.
  EXPECT_EQ(list->hashes()[0].ToHex(), kB);
  EXPECT_EQ(list->info(0), (ListInfo{"known", "default-label", "src", ""}));
  EXPECT_EQ(list->info(1), (ListInfo{"known", "cat, one", "hotline-x", ""}));
}

TEST(HashList, BadRowsAreRejectedWithFileLineAndField) {
  const std::string tsv = "pdq\tlist\tlabel\n" + kA + "\tL\tx\n" + "abc\tL\tx\n" + kB +
                          "\t\tx\n" + kB + "\tL\n" + kB + "\tL\t" + std::string(300, 'y') + "\n";
  std::vector<Rejection> rejects;
  auto list = HashList::Parse(tsv, "l.tsv", ListInfo{}, &rejects);
  ASSERT_TRUE(list);
  EXPECT_EQ(list->size(), 1u);
  ASSERT_EQ(rejects.size(), 4u);
  EXPECT_EQ(rejects[0].where, "l.tsv:3:pdq");
  EXPECT_EQ(rejects[1].where, "l.tsv:4:list");
  EXPECT_EQ(rejects[2].where, "l.tsv:5");
  EXPECT_EQ(rejects[3].where, "l.tsv:6:label");
}

TEST(HashList, HeaderWithoutHashColumnIsAnError) {
  std::vector<Rejection> rejects;
  auto r = HashList::Parse("list,label\nx,y\n", "bad.csv", {}, &rejects);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().where, "bad.csv:1");
  EXPECT_FALSE(HashList::Parse("", "empty.csv", {}, &rejects));
}

TEST(HashList, DuplicatesKeptOnceAndStoredFormRoundTrips) {
  const std::string csv = "pdq,list,label,source,item\n" + kA + ",L,x,s,video-1\n" + kA +
                          ",L,x,s,video-1\n" + kA + ",M,y,s,\n" + kB + ",L,x,s,video-1\n";
  std::vector<Rejection> rejects;
  auto list = HashList::Parse(csv, "l.csv", {}, &rejects);
  ASSERT_TRUE(list);
  EXPECT_EQ(list->size(), 3u);
  const uint32_t video = list->info_index(0);  // kB, of video-1
  EXPECT_EQ(list->entries_with_info(video), 2u);
  auto again = HashList::Parse(list->Serialize(), "stored.tsv", {}, &rejects);
  ASSERT_TRUE(again);
  EXPECT_TRUE(rejects.empty());
  EXPECT_EQ(again->Serialize(), list->Serialize());
  HashList merged = *list;
  merged.Append(*again);
  EXPECT_EQ(merged.size(), 3u);
}

}  // namespace
}  // namespace bantay::media
