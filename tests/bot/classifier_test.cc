// Tests for bot::Classifier: the intents a partner's line shows.
#include <gtest/gtest.h>

#include "bot_test_util.h"

namespace bantay::bot {
namespace {

bool Pays(std::string_view line) {
  return testing::TheClassifier()->Classify(line).Has(Intent::kPayment);
}

// Money written only as an amount is a payment offer, as it is to the scan: the normaliser
// drops the currency sign, so the lexicon's "<amount>" term is read by its parser.
TEST(Classifier, AMoneyAmountIsAPaymentOffer) {
  EXPECT_TRUE(Pays("i give you $20 tonight"));
  EXPECT_TRUE(Pays("500php for you"));
  EXPECT_TRUE(Pays("\u20b11,000 later"));
  EXPECT_FALSE(Pays("i give you 20 tonight"));
  EXPECT_FALSE(Pays("see you at 5pm"));
}

}  // namespace
}  // namespace bantay::bot
