// Tests that `bantay scan` gets the normaliser's fold tables and the built-in lexicons'
// matcher database from the build (tools/scan_tables.cc) instead of making them at start.
#include <gtest/gtest.h>

#include "cli/scan_job.h"
#include "text/text.h"

namespace bantay::cli {
namespace {

TEST(ScanTables, FitTheRunningIcuAndTheBuiltInLexiconsSoTheScanSkipsBuildingThem) {
  auto norm = text::Normaliser::Create(PrebuiltFoldTables());
  ASSERT_TRUE(norm) << norm.error().ToString();
  EXPECT_TRUE((*norm)->used_prebuilt());
  auto lexicon = text::Lexicon::Default();
  ASSERT_TRUE(lexicon);
  auto matcher = text::Matcher::Create(*lexicon, *norm, PrebuiltMatcherDb());
  ASSERT_TRUE(matcher) << matcher.error().ToString();
  EXPECT_TRUE((*matcher)->used_prebuilt());
}

}  // namespace
}  // namespace bantay::cli
