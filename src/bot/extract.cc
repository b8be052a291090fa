// bot/extract.cc: identifying details in partner lines: emails, phone numbers
// (libphonenumber), handles, names, stated age and place, payment identifiers (PayPal emails,
// remittance control numbers, Bitcoin and Ethereum addresses with their checksums), URLs.
// Every detail keeps the byte range it came from.
#include <openssl/sha.h>
#include <phonenumbers/phonenumbermatch.h>
#include <phonenumbers/phonenumbermatcher.h>
#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "bot/bot.h"
#include "bot/crypto_address.h"

namespace bantay::bot {

namespace {

bool Alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool Digit(char c) { return c >= '0' && c <= '9'; }
char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
bool EmailLocal(char c) { return Alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'; }
bool DomainChar(char c) { return Alnum(c) || c == '.' || c == '-'; }
bool HandleChar(char c) { return Alnum(c) || c == '_' || c == '.'; }

std::string LowerCopy(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}

// Position just after `phrase` when it occurs as whole words in `low` at or after `from`.
size_t FindPhrase(std::string_view low, std::string_view phrase, size_t from, size_t* start) {
  for (size_t p = low.find(phrase, from); p != std::string_view::npos;
       p = low.find(phrase, p + 1)) {
    size_t e = p + phrase.size();
    if ((p == 0 || !Alnum(low[p - 1])) && (e >= low.size() || !Alnum(low[e]))) {
      if (start) *start = p;
      return e;
    }
  }
  return std::string_view::npos;
}

size_t SkipSpace(std::string_view s, size_t i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == ':' || s[i] == '-' || s[i] == '=' || s[i] == '\t')) ++i;
  return i;
}

class Extractor {
 public:
  Extractor(std::string_view text, uint64_t seq, std::string_view region)
      : text_(text), low_(LowerCopy(text)), seq_(seq), region_(region) {}

  std::vector<Detail> Run() {
    Emails();
    Urls();
    Remittance();
    Crypto();
    Phones();
    Handles();
    Phrases();
    std::sort(out_.begin(), out_.end(), [](const Detail& a, const Detail& b) {
      return a.begin != b.begin ? a.begin < b.begin : a.kind < b.kind;
    });
    return std::move(out_);
  }

 private:
  void Add(std::string kind, std::string value, size_t b, size_t e, std::string country = {},
           std::string network = {}) {
    Detail d;
    d.kind = std::move(kind);
    d.value = std::move(value);
    d.country = std::move(country);
    d.network = std::move(network);
    d.message = seq_;
    d.begin = static_cast<uint32_t>(b);
    d.end = static_cast<uint32_t>(e);
    out_.push_back(std::move(d));
  }
  bool Taken(size_t b, size_t e) const {
    for (const Detail& d : out_) {
      if (b < d.end && d.begin < e) return true;
    }
    return false;
  }

  void Emails() {
    const bool paypal = low_.find("paypal") != std::string::npos;
    for (size_t at = text_.find('@'); at != std::string_view::npos; at = text_.find('@', at + 1)) {
      size_t b = at;
      while (b > 0 && EmailLocal(text_[b - 1])) --b;
      size_t e = at + 1;
      while (e < text_.size() && DomainChar(text_[e])) ++e;
      while (e > at + 1 && (text_[e - 1] == '.' || text_[e - 1] == '-')) --e;
      while (b < at && text_[b] == '.') ++b;
      if (b == at || e == at + 1) continue;
      std::string_view domain = text_.substr(at + 1, e - at - 1);
      size_t dot = domain.rfind('.');
      if (dot == std::string_view::npos || dot == 0 || domain.size() - dot - 1 < 2) continue;
      bool tld_ok = true;
      for (char c : domain.substr(dot + 1)) tld_ok = tld_ok && !Digit(c) && c != '-';
      if (!tld_ok) continue;
      std::string value = LowerCopy(text_.substr(b, e - b));
      Add("email", value, b, e);
      if (paypal) Add("paypal", value, b, e);
    }
  }

  void Urls() {
    for (std::string_view start : {"https://", "http://", "www."}) {
      for (size_t p = low_.find(start); p != std::string::npos; p = low_.find(start, p + 1)) {
        if (p > 0 && (Alnum(low_[p - 1]) || low_[p - 1] == '/')) continue;
        size_t e = p;
        while (e < text_.size() && static_cast<unsigned char>(text_[e]) > ' ' && text_[e] != '"' &&
               text_[e] != '<' && text_[e] != '>')
          ++e;
        while (e > p && std::strchr(".,;:!?)'", text_[e - 1])) --e;
        if (e - p <= start.size() + 3 || Taken(p, e)) continue;
        Add("url", std::string(text_.substr(p, e - p)), p, e);
      }
    }
  }

  // A digit run of 8 to 16 digits (spaces or dashes between groups) after a remittance word.
  void Remittance() {
    static constexpr std::string_view kCues[] = {
        "mtcn", "control number", "control no", "reference number", "ref number", "ref no",
        "tracking number", "western union", "moneygram", "palawan", "cebuana", "lbc", "remitly"};
    size_t cue_end = std::string::npos;
    for (std::string_view cue : kCues) {
      size_t s;
      size_t e = FindPhrase(low_, cue, 0, &s);
      if (e != std::string::npos) cue_end = std::min(cue_end, s);
    }
    if (cue_end == std::string::npos) return;
    for (size_t i = 0; i < text_.size(); ++i) {
      if (!Digit(text_[i]) || (i > 0 && Alnum(text_[i - 1]))) continue;
      std::string digits;
      size_t e = i;
      while (e < text_.size() &&
             (Digit(text_[e]) || ((text_[e] == ' ' || text_[e] == '-') && e + 1 < text_.size() &&
                                  Digit(text_[e + 1]) && !digits.empty()))) {
        if (Digit(text_[e])) digits.push_back(text_[e]);
        ++e;
      }
      if (e < text_.size() && Alnum(text_[e])) {
        i = e;
        continue;
      }
      if (digits.size() >= 8 && digits.size() <= 16 && !Taken(i, e)) {
        Add("remittance", digits, i, e);
      }
      i = e;
    }
  }

  void Crypto() {
    for (size_t i = 0; i < text_.size();) {
      if (!Alnum(text_[i])) {
        ++i;
        continue;
      }
      size_t e = i;
      while (e < text_.size() && Alnum(text_[e])) ++e;
      std::string_view token = text_.substr(i, e - i);
      if (token.size() >= 25 && !Taken(i, e) && (i == 0 || !HandleChar(text_[i - 1]))) {
        if (IsValidBitcoinAddress(token)) {
          Add("bitcoin", std::string(token), i, e);
        } else if (IsValidEthereumAddress(token)) {
          Add("ethereum", LowerCopy(token), i, e);
        }
      }
      i = e;
    }
  }

  void Phones() {
    // The matcher is costly (regular expressions); a number needs at least 7 digits.
    size_t digits = 0;
    for (char c : text_) digits += Digit(c);
    if (digits < 7) return;
    using i18n::phonenumbers::PhoneNumberMatch;
    using i18n::phonenumbers::PhoneNumberMatcher;
    using i18n::phonenumbers::PhoneNumberUtil;
    const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
    PhoneNumberMatcher matcher(util, std::string(text_), std::string(region_),
                               PhoneNumberMatcher::VALID, 20);
    PhoneNumberMatch match;
    while (matcher.HasNext()) {
      if (!matcher.Next(&match)) break;
      size_t b = static_cast<size_t>(match.start());
      size_t e = b + match.raw_string().size();
      if (Taken(b, e)) continue;
      std::string e164;
      util.Format(match.number(), PhoneNumberUtil::E164, &e164);
      std::string region;
      util.GetRegionCodeForNumber(match.number(), &region);
      Add("phone", e164, b, e, region);
    }
  }

  // "@name", and "ig: name", "my snap is name", "kik name", "fb name".
  void Handles() {
    for (size_t at = text_.find('@'); at != std::string_view::npos; at = text_.find('@', at + 1)) {
      if (at > 0 && EmailLocal(text_[at - 1])) continue;
      size_t e = at + 1;
      while (e < text_.size() && HandleChar(text_[e])) ++e;
      while (e > at + 1 && text_[e - 1] == '.') --e;
      if (e - at - 1 < 2 || Taken(at, e)) continue;
      Add("handle", LowerCopy(text_.substr(at + 1, e - at - 1)), at, e, {}, NetworkBefore(at));
    }
    static constexpr std::pair<std::string_view, std::string_view> kNetworks[] = {
        {"instagram", "instagram"}, {"insta", "instagram"}, {"ig", "instagram"},
        {"telegram", "telegram"},   {"tg", "telegram"},     {"snapchat", "snapchat"},
        {"snap", "snapchat"},       {"kik", "kik"},         {"facebook", "facebook"},
        {"fb", "facebook"},         {"skype", "skype"},     {"discord", "discord"},
        {"twitter", "twitter"},     {"tiktok", "tiktok"},   {"wechat", "wechat"}};
    static constexpr std::string_view kFillers[] = {"is", "id", "me", "on", "my", "name",
                                                    "username", "user", "account", "add",
                                                    "its", "it's", "at"};
    for (const auto& [word, network] : kNetworks) {
      size_t from = 0, s = 0;
      for (size_t e = FindPhrase(low_, word, from, &s); e != std::string::npos;
           e = FindPhrase(low_, word, from, &s)) {
        from = e;
        size_t i = e;
        for (;;) {
          i = SkipSpace(low_, i);
          size_t w = i;
          while (w < low_.size() && (HandleChar(low_[w]) || low_[w] == '\'')) ++w;
          std::string_view tok = std::string_view(low_).substr(i, w - i);
          if (tok.empty()) break;
          if (std::find(std::begin(kFillers), std::end(kFillers), tok) != std::end(kFillers)) {
            i = w;
            continue;
          }
          if (tok.size() >= 3 && tok.size() <= 30 && !Taken(i, w) && tok.find('\'') == std::string_view::npos) {
            Add("handle", std::string(tok), i, w, {}, std::string(network));
          }
          break;
        }
      }
    }
  }

  std::string NetworkBefore(size_t at) const {
    std::string_view before = std::string_view(low_).substr(0, at);
    for (std::string_view w : {"instagram", "insta", "ig", "telegram", "snapchat", "snap", "kik",
                               "twitter", "tiktok", "discord"}) {
      size_t p = before.rfind(w);
      if (p != std::string_view::npos && at - p < 20) {
        if (w == "ig" || w == "insta") return "instagram";
        if (w == "snap") return "snapchat";
        return std::string(w);
      }
    }
    return {};
  }

  // Up to `max_words` words after `i`, stopping at punctuation or a joining word.
  size_t PhraseEnd(size_t i, int max_words) const {
    static constexpr std::string_view kStops[] = {"and", "but", "so", "u", "you", "lol", "haha",
                                                  "hehe", "too", "po", "na", "ako", "then", "how",
                                                  "what", "wbu", "hbu", "now", "here", "i", "im",
                                                  "with", "for", "to", "the", "city"};
    size_t end = i;
    for (int n = 0; n < max_words; ++n) {
      size_t w = i;
      while (w < text_.size() && (Alnum(text_[w]) || text_[w] == '-' || text_[w] == '\'' ||
                                  static_cast<unsigned char>(text_[w]) >= 0x80))
        ++w;
      std::string_view tok = std::string_view(low_).substr(i, w - i);
      if (tok.empty() || std::find(std::begin(kStops), std::end(kStops), tok) != std::end(kStops)) break;
      end = w;
      if (w >= text_.size() || text_[w] != ' ') break;
      i = w + 1;
    }
    return end;
  }

  void Phrases() {
    struct Cue {
      std::string_view phrase;
      std::string_view kind;
      int words;
    };
    static constexpr Cue kCues[] = {
        {"my name is", "name", 2},    {"my name's", "name", 2}, {"name is", "name", 2},
        {"call me", "name", 1},       {"ako si", "name", 2},    {"pangalan ko", "name", 2},
        {"i am from", "location", 3}, {"im from", "location", 3}, {"i'm from", "location", 3},
        {"i live in", "location", 3}, {"living in", "location", 3}, {"from the", "location", 2},
        {"taga", "location", 2},      {"i am in", "location", 3}, {"im in", "location", 3}};
    for (const Cue& cue : kCues) {
      size_t s;
      size_t e = FindPhrase(low_, cue.phrase, 0, &s);
      if (e == std::string::npos) continue;
      size_t b = SkipSpace(text_, e);
      size_t end = PhraseEnd(b, cue.words);
      if (end <= b || Taken(b, end)) continue;
      std::string value(text_.substr(b, end - b));
      if (cue.kind == "name" && (Digit(value[0]) || value.size() < 2)) continue;
      if (cue.kind == "location" && Digit(value[0])) continue;
      Add(std::string(cue.kind), value, b, end);
    }
    Ages();
  }

  // "i am 45", "im 45", "45 years old", "45 yo", "45 yrs".
  void Ages() {
    for (size_t i = 0; i < text_.size(); ++i) {
      if (!Digit(text_[i]) || (i > 0 && Alnum(text_[i - 1]))) continue;
      size_t e = i;
      while (e < text_.size() && Digit(text_[e])) ++e;
      if (e - i > 2 || (e < text_.size() && Alnum(text_[e]) && low_.compare(e, 2, "yo") != 0 &&
                        low_.compare(e, 3, "yrs") != 0)) {
        i = e;
        continue;
      }
      int age = std::stoi(std::string(text_.substr(i, e - i)));
      std::string_view before = std::string_view(low_).substr(0, i);
      std::string_view after = std::string_view(low_).substr(e);
      while (!after.empty() && after[0] == ' ') after.remove_prefix(1);
      bool stated = before.ends_with("i am ") || before.ends_with("im ") ||
                    before.ends_with("i'm ") || before.ends_with("age ") ||
                    after.starts_with("years old") || after.starts_with("yrs old") ||
                    after.starts_with("yo") || after.starts_with("yrs") || after.starts_with("y/o");
      if (stated && age >= 5 && age <= 99 && !Taken(i, e)) Add("age", std::to_string(age), i, e);
      i = e;
    }
  }

  std::string_view text_;
  std::string low_;
  uint64_t seq_;
  std::string_view region_;
  std::vector<Detail> out_;
};

}  // namespace

std::vector<Detail> ExtractDetails(std::string_view text, uint64_t message_seq,
                                   std::string_view default_region) {
  return Extractor(text, message_seq, default_region).Run();
}

}  // namespace bantay::bot
