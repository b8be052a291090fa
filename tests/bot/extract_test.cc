// tests/bot/extract_test.cc: identifying details with their byte ranges; payment
// identifiers only when their checksums hold.
#include <gtest/gtest.h>

#include "bot/bot.h"
#include "bot/crypto_address.h"

namespace bantay::bot {
namespace {

// The details of `kind` in `text`, as "value" (checking that the span quotes the text).
std::vector<std::string> Found(const std::string& text, const std::string& kind) {
  std::vector<std::string> out;
  for (const Detail& d : ExtractDetails(text, 7)) {
    EXPECT_EQ(d.message, 7u);
    EXPECT_LE(d.end, text.size());
    EXPECT_LT(d.begin, d.end);
    if (d.kind == kind) out.push_back(d.value);
  }
  return out;
}

TEST(Extract, EmailsAndPaypal) {
  EXPECT_EQ(Found("mail me: Tom.R77@Example.co.uk ok", "email"),
            std::vector<std::string>{"tom.r77@example.co.uk"});
  EXPECT_EQ(Found("i send paypal from rich.guy@example.com", "paypal"),
            std::vector<std::string>{"rich.guy@example.com"});
  EXPECT_TRUE(Found("not@mail", "email").empty());
  EXPECT_TRUE(Found("@@ a@b.c @x.com", "email").empty());
}

TEST(Extract, SpansQuoteTheOriginalText) {
  const std::string text = "hi!! my email is bob_1@example.org and ig @bob.one";
  for (const Detail& d : ExtractDetails(text, 0)) {
    std::string quoted = text.substr(d.begin, d.end - d.begin);
    if (d.kind == "email") {
      EXPECT_EQ(quoted, "bob_1@example.org");
    }
    if (d.kind == "handle") {
      EXPECT_EQ(quoted, "@bob.one");
      EXPECT_EQ(d.network, "instagram");
    }
  }
}

TEST(Extract, PhonesWithCountry) {
  auto ds = ExtractDetails("text me +63 917 123 4567 or 0917 765 4321", 0, "PH");
  std::vector<std::string> phones;
  for (const auto& d : ds) {
    if (d.kind != "phone") continue;
    phones.push_back(d.value);
    EXPECT_EQ(d.country, "PH");
  }
  EXPECT_EQ(phones, (std::vector<std::string>{"+639171234567", "+639177654321"}));
  EXPECT_TRUE(Found("i am 45 and i have 2 dogs", "phone").empty());
}

TEST(Extract, HandlesNamesPlacesAges) {
  EXPECT_EQ(Found("add my snap is cool_dude99 ok", "handle"), std::vector<std::string>{"cool_dude99"});
  EXPECT_EQ(Found("my name is Mark Hill and you?", "name"), std::vector<std::string>{"Mark Hill"});
  EXPECT_EQ(Found("i am from New York", "location"), std::vector<std::string>{"New York"});
  EXPECT_EQ(Found("im from leeds, u?", "location"), std::vector<std::string>{"leeds"});
  EXPECT_EQ(Found("i am 52 years old", "age"), std::vector<std::string>{"52"});
  EXPECT_EQ(Found("im 45", "age"), std::vector<std::string>{"45"});
  EXPECT_TRUE(Found("i have 3 cats", "age").empty());
  EXPECT_EQ(Found("see https://example.com/x?y=1.", "url"),
            std::vector<std::string>{"https://example.com/x?y=1"});
}

TEST(Extract, RemittanceControlNumbersNeedACue) {
  EXPECT_EQ(Found("western union mtcn 123-456-7890 sent", "remittance"),
            std::vector<std::string>{"1234567890"});
  EXPECT_TRUE(Found("my lucky number 1234567890", "remittance").empty());
}

TEST(Extract, BitcoinAddressesOnlyWithValidChecksum) {
  for (const std::string ok : {"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
                               "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
                               "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
                               "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"}) {
    EXPECT_TRUE(IsValidBitcoinAddress(ok)) << ok;
    EXPECT_EQ(Found("send to " + ok + " pls", "bitcoin"), std::vector<std::string>{ok});
    std::string bad = ok;
    bad[bad.size() - 3] = bad[bad.size() - 3] == 'q' ? 'p' : 'q';
    EXPECT_FALSE(IsValidBitcoinAddress(bad)) << bad;
    EXPECT_TRUE(Found("send to " + bad, "bitcoin").empty()) << bad;
  }
  // bech32m for witness v1, not bech32.
  EXPECT_TRUE(IsValidBitcoinAddress(
      "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y"));
}

TEST(Extract, EthereumEip55) {
  EXPECT_EQ(Keccak256Hex(""), "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  EXPECT_TRUE(IsValidEthereumAddress("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"));
  EXPECT_TRUE(IsValidEthereumAddress("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"));
  EXPECT_TRUE(IsValidEthereumAddress("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"));  // no checksum
  EXPECT_FALSE(IsValidEthereumAddress("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"));
  EXPECT_EQ(Found("eth 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "ethereum"),
            std::vector<std::string>{"0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"});
}

TEST(Extract, GarbageDoesNotCrash) {
  std::string junk;
  for (int i = 0; i < 2000; ++i) junk.push_back(static_cast<char>((i * 7919) % 256));
  auto ds = ExtractDetails(junk, 1);
  for (const auto& d : ds) EXPECT_LE(d.end, junk.size());
}

}  // namespace
}  // namespace bantay::bot
