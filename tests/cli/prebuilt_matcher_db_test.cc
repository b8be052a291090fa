// Tests that `bantay scan` gets the built-in lexicons' matcher database from the build
// (tools/matcher_db.cc) instead of compiling it at start.
#include <gtest/gtest.h>

#include "cli/scan_job.h"
#include "text/text.h"

namespace bantay::cli {
namespace {

TEST(PrebuiltMatcherDb, FitsTheBuiltInLexiconsSoTheScanSkipsTheCompile) {
  auto norm = text::Normaliser::Create();
  auto lexicon = text::Lexicon::Default();
  ASSERT_TRUE(norm && lexicon);
  auto matcher = text::Matcher::Create(*lexicon, *norm, PrebuiltMatcherDb());
  ASSERT_TRUE(matcher) << matcher.error().ToString();
  EXPECT_TRUE((*matcher)->used_prebuilt());
}

}  // namespace
}  // namespace bantay::cli
