// tests/meta/countries_test.cc: CountryTable (built-in profiles, loading, errors) and the
// hotspot list.
#include <string>

#include <gtest/gtest.h>

#include "meta/meta.h"

namespace bantay::meta {
namespace {

constexpr char kCsv[] =
    "code,name,income_group,utc_offset_min\n"
    "PH,Philippines,LM,480\n"
    "US,United States,H,-300\n"
    "CD,\"Congo, The Democratic Republic of the\",L,60\n"
    "VE,Venezuela,unknown,-240\n"
    "BR,Brazil,Upper middle income,-180\n";

constexpr char kTsv[] =
    "# comment\n"
    "code\tkind\tnote\n"
    "PH-07\tregion\tCentral Visayas\n"
    "ph-03\tRegion\n"
    "\n"
    "CD\tcountry\ta whole country\n";

TEST(CountryTable, DefaultHasEveryIsoCountryWithIncomeAndOffset) {
  auto table = CountryTable::Default();
  ASSERT_TRUE(table.has_value()) << table.error().ToString();
  const struct {
    const char* code;
    IncomeGroup income;
    int offset;
  } expected[] = {
      {"PH", IncomeGroup::kLowerMiddle, 480}, {"US", IncomeGroup::kHigh, -300},
      {"GB", IncomeGroup::kHigh, 0},          {"AU", IncomeGroup::kHigh, 600},
      {"DE", IncomeGroup::kHigh, 60},         {"JP", IncomeGroup::kHigh, 540},
      {"IN", IncomeGroup::kLowerMiddle, 330}, {"BR", IncomeGroup::kUpperMiddle, -180},
      {"AF", IncomeGroup::kLow, 270},         {"VE", IncomeGroup::kUnknown, -240},
      {"JE", IncomeGroup::kHigh, 0},          {"XK", IncomeGroup::kUpperMiddle, 60},
  };
  for (const auto& e : expected) {
    const CountryProfile* p = table->Find(e.code);
    ASSERT_NE(p, nullptr) << e.code;
    EXPECT_EQ(p->code, e.code);
    EXPECT_EQ(p->income, e.income) << e.code;
    EXPECT_EQ(p->utc_offset_min, e.offset) << e.code;
    EXPECT_FALSE(p->name.empty());
  }
  EXPECT_EQ(table->Find("PH")->name, "Philippines");
  EXPECT_EQ(table->Find("ph"), table->Find("PH"));
  EXPECT_EQ(table->Find("QQ"), nullptr);
  EXPECT_EQ(table->Find(""), nullptr);
  EXPECT_EQ(table->Find("PHL"), nullptr);
  int count = 0;
  for (char a = 'A'; a <= 'Z'; ++a) {
    for (char b = 'A'; b <= 'Z'; ++b) count += table->Find(std::string{a, b}) != nullptr;
  }
  EXPECT_GE(count, 249);
}

TEST(CountryTable, DefaultHotspotsArePhilippineRegions) {
  auto table = CountryTable::Default();
  ASSERT_TRUE(table.has_value());
  EXPECT_TRUE(table->IsHotspot("PH", "PH-07"));
  EXPECT_TRUE(table->IsHotspot("PH", "PH-03"));
  EXPECT_TRUE(table->IsHotspot("PH", "PH-00"));
  EXPECT_TRUE(table->IsHotspot("", "ph-07"));
  EXPECT_FALSE(table->IsHotspot("PH", "PH-15"));
  EXPECT_FALSE(table->IsHotspot("US", ""));
  EXPECT_FALSE(table->IsHotspot("", ""));
  // A region of another country counts as unknown: a German account's calls from Cebu make
  // no hotspot account; a Philippine account with a foreign region is in the Philippines.
  EXPECT_FALSE(table->IsHotspot("DE", "PH-07"));
  EXPECT_FALSE(table->IsHotspot("de", "ph-07"));
  EXPECT_TRUE(table->IsHotspot("PH", "DE-BY"));
  EXPECT_TRUE(table->IsHotspot("ph", "PH-07"));
}

TEST(CountryTable, LoadsQuotedNamesLongIncomeNamesAndHotspotKinds) {
  auto table = CountryTable::Load(kCsv, kTsv, "cfg");
  ASSERT_TRUE(table.has_value()) << table.error().ToString();
  EXPECT_EQ(table->Find("CD")->name, "Congo, The Democratic Republic of the");
  EXPECT_EQ(table->Find("CD")->income, IncomeGroup::kLow);
  EXPECT_EQ(table->Find("BR")->income, IncomeGroup::kUpperMiddle);
  EXPECT_EQ(table->Find("VE")->income, IncomeGroup::kUnknown);
  EXPECT_EQ(table->Find("US")->utc_offset_min, -300);
  EXPECT_TRUE(table->IsHotspot("PH", "PH-07"));
  EXPECT_TRUE(table->IsHotspot("PH", "PH-03"));
  EXPECT_FALSE(table->IsHotspot("PH", "PH-06"));
  EXPECT_TRUE(table->IsHotspot("CD", ""));  // the whole country
  EXPECT_TRUE(table->IsHotspot("", "CD-KN"));
  EXPECT_FALSE(table->IsHotspot("US", "US-CA"));
}

TEST(CountryTable, BadDataFailsWithFileLineAndField) {
  struct Case {
    std::string csv, tsv, where;
  } cases[] = {
      {"code,name\nPH,Philippines\n", "", "cfg/countries.csv:1"},
      {"code,name,income_group\nPHL,Philippines,LM\n", "", "cfg/countries.csv:2:code"},
      {"code,name,income_group\nPH,Philippines,LM\nPH,Again,LM\n", "", "cfg/countries.csv:3:code"},
      {"code,name,income_group\nPH,Philippines,rich\n", "", "cfg/countries.csv:2:income_group"},
      {"code,income_group,utc_offset_min\nPH,LM,8h\n", "", "cfg/countries.csv:2:utc_offset_min"},
      {"code,income_group,utc_offset_min\nPH,LM,9000\n", "",
       "cfg/countries.csv:2:utc_offset_min"},
      {"code,income_group\nPH,LM,extra\n", "", "cfg/countries.csv:2"},
      {"code,income_group\n\"PH,LM\n", "", "cfg/countries.csv:2"},
      {"code,income_group\n", "", "cfg/countries.csv"},
      {"code,income_group\nPH,LM\n", "PH-07\tprovince\n", "cfg/hotspots.tsv:1:kind"},
      {"code,income_group\nPH,LM\n", "code\tkind\nPH07\tregion\n", "cfg/hotspots.tsv:2:code"},
      {"code,income_group\nPH,LM\n", "US-CA\tregion\n", "cfg/hotspots.tsv:1:code"},
      {"code,income_group\nPH,LM\n", "QQ\tcountry\n", "cfg/hotspots.tsv:1:code"},
      {"code,income_group\nPH,LM\n", "PH-07\n", "cfg/hotspots.tsv:1"},
  };
  for (const Case& c : cases) {
    auto table = CountryTable::Load(c.csv, c.tsv, "cfg");
    ASSERT_FALSE(table.has_value()) << c.csv << c.tsv;
    EXPECT_EQ(table.error().code, ErrorCode::kParse);
    EXPECT_EQ(table.error().where, c.where) << c.csv << c.tsv << table.error().message;
  }
}

TEST(CountryTable, IncomeGroupNames) {
  EXPECT_EQ(IncomeGroupName(IncomeGroup::kUnknown), "unknown");
  EXPECT_EQ(IncomeGroupName(IncomeGroup::kLow), "L");
  EXPECT_EQ(IncomeGroupName(IncomeGroup::kLowerMiddle), "LM");
  EXPECT_EQ(IncomeGroupName(IncomeGroup::kUpperMiddle), "UM");
  EXPECT_EQ(IncomeGroupName(IncomeGroup::kHigh), "H");
}

TEST(CountryTable, DefaultConstructedTableFindsNothing) {
  const CountryTable table;
  EXPECT_EQ(table.Find("PH"), nullptr);
  EXPECT_FALSE(table.IsHotspot("PH", "PH-07"));
}

}  // namespace
}  // namespace bantay::meta

namespace bantay::meta {
namespace {

TEST(CountryTable, UnknownRegionInAHotspotCountryCounts) {
  auto t = CountryTable::Default();
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->IsHotspot("PH", ""));      // located by IP: country only
  EXPECT_TRUE(t->IsHotspot("PH", "PH-07"));
  EXPECT_FALSE(t->IsHotspot("US", ""));
}

}  // namespace
}  // namespace bantay::meta
