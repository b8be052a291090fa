// Tests for conversation scoring: each negative family, roles, order, counter-evidence.
// Conversations are short synthetic keyword-level sentences (SAFETY.md 1).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <set>
#include <span>

#include "core/utf8.h"
#include "text/text.h"

namespace bantay::text {
namespace {

const Scanner& Sc() {
  static auto scanner = [] {
    auto norm = *Normaliser::Create();
    auto matcher = *Matcher::Create(*Lexicon::Default(), norm);
    ScanOptions o;
    o.keep_unflagged = true;
    return *Scanner::Create(matcher, *ScoringWeights::Default(), o);
  }();
  return *scanner;
}

// Lines are "A: text" or "B: text".
ConversationScore Score(std::span<const std::string_view> lines) {
  std::vector<Message> msgs;
  for (auto l : lines) {
    Message m;
    m.conversation = "c1";
    m.author = std::string(l.substr(0, 1));
    m.text = std::string(l.substr(3));
    msgs.push_back(std::move(m));
  }
  Scratch scratch;
  return Sc().ScoreConversation(msgs, scratch);
}
ConversationScore Score(std::initializer_list<std::string_view> lines) {
  return Score(std::span<const std::string_view>(lines.begin(), lines.size()));
}
using Lines = std::vector<std::string_view>;

// An age statement is looked for only in a message with a digit (or an age cue); the digit
// test reads short messages in overlapping pieces, so the digit must be seen at every
// position of every length under 16 bytes (and beyond), after letters, spaces or symbols.
TEST(Scanner, AgeStatementFoundWhereverItsDigitsLieInShortMessages) {
  for (const std::string pad :
       {"", "x", "ok", "oki", "hmm.", "so ok", "ah ha ", "yeah ok", "hello po", "yes ok .."}) {
    for (const std::string& text : {pad + " i am 12", "12 yrs old " + pad, pad + " 12 yrs old"}) {
      Scratch scratch;
      Scanner::State state;
      Sc().Add({"c", "a", text}, scratch, &state);
      bool age = false;
      for (const auto& c : state.cues) age = age || c.term == Scanner::State::kAgeTerm;
      EXPECT_TRUE(age) << "'" << text << "' (" << text.size() << " bytes)";
    }
  }
}

TEST(Scanner, FlagsPaidShowWithStatedMinorAge) {
  auto s = Score({"A: hi how old are you", "B: 12 po", "A: how much for a private cam show",
                  "A: i send western union, control number later"});
  EXPECT_TRUE(s.flagged) << s.score;
  EXPECT_GT(s.score, 0.9);
  EXPECT_EQ(s.requester, 0);
  ASSERT_FALSE(s.evidence.empty());
  // Evidence quotes the original text of flagged conversations.
  bool quoted = false;
  for (size_t i = 0; i < s.evidence.size(); ++i) {
    if (s.evidence[i].term == "western union") {
      EXPECT_EQ(s.texts[i], "i send western union, control number later");
      EXPECT_EQ(s.texts[i].substr(s.evidence[i].span_begin,
                                  s.evidence[i].span_end - s.evidence[i].span_begin),
                "western union");
      quoted = true;
    }
  }
  EXPECT_TRUE(quoted);
}

TEST(Scanner, FlagsObfuscatedSolicitation) {
  auto s = Score({"A: a.s.l?", "B: im 11", "A: d0 a pr1vate sh0w on c4m", "A: i pay via g-c-a-s-h",
                  "A: раураl also ok"});
  EXPECT_TRUE(s.flagged) << s.score;
}

TEST(Scanner, FlagsTagalogSolicitation) {
  auto s = Score({"A: ilang taon ka na", "B: 10 po", "A: maghubad ka sa cam",
                  "A: bayad ko 1k padala sa gcash"});
  EXPECT_TRUE(s.flagged) << s.score;
}

// "pakita ka sa cam" (show yourself on cam) is the Filipino of "show on cam"; the grade with a
// Filipino tail is a grade; Cebuano puts enclitics inside the age question; 9 and 8 are
// leetspeak between letters.
TEST(Scanner, FlagsFilipinoShowOnCamAndItsAgeForms) {
  EXPECT_TRUE(Score({"A: edad mo?", "B: g\u2060rade 3 po ako", "A: pwede ka pakita sa cam?",
                     "A: padala ko sa gcash mo"})
                  .flagged);
  EXPECT_TRUE(Score({"A: pila na ka ka tuig?", "B: 13 ngano man?", "A: pakita ka sa c4m",
                     "A: naay kwarta, cebuana ko i-send"})
                  .flagged);
  EXPECT_TRUE(Score({"A: can i ask your a9e?", "B: 14 why?", "A: maghu8ad ka lang sa cam",
                     "A: b4yad ko 150 usd"})
                  .flagged);
}

// A parent abroad asks the child to show herself on every video call and sends money:
// "pakita ka naman" alone is no request for a show.
TEST(Scanner, DoesNotFlagParentAskingChildToShowHerself) {
  auto s = Score({"A: anak pakita ka naman, miss na kita", "B: grade 3 na po ako papa",
                  "A: padala ko sa gcash para sa baon mo"});
  EXPECT_FALSE(s.flagged) << s.score;
}

TEST(Scanner, DoesNotFlagAdultCamCommerce) {
  auto s = Score({"A: are you 18+", "B: yes im 24, verified cam model",
                  "A: how much for a private show", "B: 30 usd via paypal, naked show extra"});
  EXPECT_FALSE(s.flagged) << s.score;
  EXPECT_LT(s.score, 0.2);
}

TEST(Scanner, DoesNotFlagFamilyRemittance) {
  auto s = Score({"A: anak i sent the school fees via western union",
                  "B: thank you papa, control number pls", "A: for your tuition and baon",
                  "B: grade 5 na si bunso"});
  EXPECT_FALSE(s.flagged) << s.score;
}

TEST(Scanner, DoesNotFlagTutoring) {
  auto s = Score({"A: my son is 9, grade 4", "B: ok turn on your cam for the english lesson",
                  "A: i pay via paypal every month", "B: show me your homework"});
  EXPECT_FALSE(s.flagged) << s.score;
}

TEST(Scanner, DoesNotFlagSexEducation) {
  auto s = Score({"A: our sex education class for grade 6 is about puberty",
                  "B: good, the reproductive health module", "A: tuition is paid already"});
  EXPECT_FALSE(s.flagged) << s.score;
}

TEST(Scanner, DoesNotFlagAdultsFlirting) {
  auto s = Score({"A: you look sexy tonight", "B: im 29 and single", "A: naked later?"});
  EXPECT_FALSE(s.flagged) << s.score;
}

// Ages are looked for only in messages with a digit, found 16 bytes at a time: a digit at
// the start or the end of a message of any length up to past two blocks counts.
TEST(Scanner, AgeDigitsAreSeenAnywhereInMessagesOfEveryLength) {
  for (size_t pad = 0; pad <= 40; ++pad) {
    for (const std::string& text :
         {std::string(pad, 'x') + " 12yo", "12yo " + std::string(pad, 'x'),
          std::string(pad / 2, 'x') + " 12yo " + std::string(pad - pad / 2, 'x')}) {
      std::vector<Message> msgs(1);
      msgs[0].conversation = "c1";
      msgs[0].author = "B";
      msgs[0].text = text;
      Scratch scratch;
      const ConversationScore s = Sc().ScoreConversation(msgs, scratch);
      bool age = false;
      for (const Evidence& e : s.evidence) age = age || e.term == "age 12";
      EXPECT_TRUE(age) << "'" << text << "'";
    }
  }
}

// A short statement whose age is a word, with no lexicon cue: read as with digits.
TEST(Scanner, AgeInWordsIsReadAsAgeInDigits) {
  for (const auto& [text, term] :
       {std::pair{"B: i am twelve", "age 12"}, std::pair{"B: thirteen years old", "age 13"},
        std::pair{"B: i am 12", "age 12"}, std::pair{"B: 13 years old", "age 13"}}) {
    const auto s = Score({text});
    std::vector<std::string> terms;
    for (const Evidence& e : s.evidence) terms.push_back(e.term);
    EXPECT_EQ(terms, std::vector<std::string>{term}) << text;
  }
}

TEST(Scanner, BareNumberIsAnAgeOnlyAfterAnAgeQuestion) {
  auto asked = Score({"A: how old are you", "B: 11", "A: naked cam show for me"});
  auto unasked = Score({"A: how many do you want", "B: 11", "A: naked cam show for me"});
  EXPECT_GT(asked.score, unasked.score);
  EXPECT_TRUE(asked.flagged);
}

// A child who calls the requester mother or grandmother is in a family's conversation: a
// mother who bought her daughter underwear online and ships it scores lower for it, "mama"
// more than "ma" (also ma'am); the same words from the requester are no family context.
TEST(Scanner, FamilyAddressFromTheOtherParticipantLowersTheScore) {
  const auto shop = [](std::string_view reply) {
    const std::string b = "B: " + std::string(reply) + " grade 6 na kasi ako";
    return Score({"A: anak, binilhan kita ng bra at panty sa shopee, 300 lang", std::string_view(b),
                  "A: padala ko na sa lbc"})
        .score;
  };
  const double none = shop("wow!"), ma = shop("thank you ma!"), mama = shop("thank you mama!");
  EXPECT_LT(ma, none);
  EXPECT_LT(mama, ma);
  EXPECT_LT(mama, 0.6);
  const auto by_requester =
      Score({"A: thank you mama! anak, binilhan kita ng bra at panty sa shopee, 300 lang",
             "B: wow! grade 6 na kasi ako", "A: padala ko na sa lbc"});
  EXPECT_GT(by_requester.score, 0.9);
}

// A price is no age answer: "$15" after "how old are you?" is fifteen dollars.
TEST(Scanner, NumberWithACurrencyIsAPriceNotAnAge) {
  const auto minor_age = [](std::string_view answer) {
    const std::string b = "B: " + std::string(answer);
    const ConversationScore s =
        Score({"A: how old are u? how much for nude cam show", std::string_view(b)});
    return std::any_of(s.evidence.begin(), s.evidence.end(),
                       [](const Evidence& e) { return e.category == Category::kMinor; });
  };
  EXPECT_TRUE(minor_age("15"));
  EXPECT_FALSE(minor_age("$15"));
  EXPECT_FALSE(minor_age("15$"));
  EXPECT_FALSE(minor_age("15usd"));
}

// Money written only as an amount is a payment cue, quoted from the original text (the
// normaliser drops the currency sign).
TEST(Scanner, MoneyAmountsArePaymentEvidence) {
  const auto s = Score({"A: how old are you", "B: 12", "A: naked cam show for me",
                        "A: I give \u20b11,000 or US$ 20 or 500php"});
  ASSERT_TRUE(s.flagged);
  std::vector<std::string> quoted;
  for (size_t i = 0; i < s.evidence.size(); ++i) {
    const Evidence& e = s.evidence[i];
    if (e.term != "<amount>") continue;
    EXPECT_EQ(e.category, Category::kPayment);
    quoted.push_back(s.texts[i].substr(e.span_begin, e.span_end - e.span_begin));
  }
  EXPECT_EQ(quoted, (std::vector<std::string>{"\u20b11,000", "$ 20", "500php"}));
  const auto without =
      Score({"A: how old are you", "B: 12", "A: naked cam show for me", "A: I give it later"});
  EXPECT_GT(s.score, without.score);
  EXPECT_EQ(s.signals[static_cast<size_t>(Category::kPayment)], 3u);
}

// Age questions in the forms a probe found unread (a school year, a birth year, still
// studying; Tagalog and Cebuano): each is an age question, so that a bare number answering
// it is an age.
TEST(Scanner, AgeQuestionsOfOtherForms) {
  for (const std::string_view q : {"what year were you born", "still studying?",
                                   "nag-aaral ka pa ba", "anong year mo na", "unsa imong grado"}) {
    const std::string question = "A: " + std::string(q);
    const auto s = Score({std::string_view(question), "B: 11 po"});
    bool probe = false, age = false;
    for (const Evidence& e : s.evidence) {
      probe = probe || e.category == Category::kAgeProbe;
      age = age || e.term == "age 11";
    }
    EXPECT_TRUE(probe) << q;
    EXPECT_TRUE(age) << q;
  }
}

// A bare no to "are you 18?" (or yes to "are you a minor?") is a minor's age, "under 18";
// the other answer, an answer to another question, or to one's own, is none.
TEST(Scanner, BareYesOrNoAnsweringAYesNoAgeQuestion) {
  const auto under_18 = [](std::initializer_list<std::string_view> lines) {
    const ConversationScore s = Score(lines);
    return std::any_of(s.evidence.begin(), s.evidence.end(),
                       [](const Evidence& e) { return e.term == "under 18"; });
  };
  EXPECT_TRUE(under_18({"A: r u 18?", "B: not yet", "A: naked cam show for me"}));
  EXPECT_TRUE(under_18({"A: 18 ka na ba?", "B: hindi pa po", "A: hubad sa cam"}));
  EXPECT_TRUE(under_18({"A: legal ka na", "B: wala pa", "A: hubad sa cam"}));
  EXPECT_TRUE(under_18({"A: are you a minor?", "B: yes po", "A: naked cam show for me"}));
  EXPECT_FALSE(under_18({"A: r u 18?", "B: yes", "A: naked cam show for me"}));
  EXPECT_FALSE(under_18({"A: are you a minor?", "B: no", "A: naked cam show for me"}));
  EXPECT_FALSE(under_18({"A: how old are you", "B: no", "A: naked cam show for me"}));
  EXPECT_FALSE(under_18({"A: r u 18?", "A: no", "A: naked cam show for me"}));
  EXPECT_FALSE(under_18({"A: want to see my new car?", "B: no", "A: naked cam show"}));
  // Not from one who says something adult, nor in a group, where it may answer anyone.
  EXPECT_FALSE(under_18({"A: are you 18+?", "B: no", "B: im 20, verified model"}));
  EXPECT_FALSE(under_18({"A: are you 18+?", "B: no", "B: 18+ only here"}));
  EXPECT_FALSE(under_18({"A: are you over 18?", "C: no", "B: of course, im 30"}));
  const auto asked = Score({"A: r u 18?", "B: no po", "A: naked cam show for me, i pay gcash"});
  EXPECT_TRUE(asked.flagged) << asked.score;
  const auto adult = Score({"A: r u 18?", "B: yes im 24", "A: naked cam show for me, i pay gcash"});
  EXPECT_FALSE(adult.flagged) << adult.score;
}

// "wala pa ko 18" (not yet 18) is a minor's age; the adult term "18+", which the lexicon
// finds in its "18", is not said.
TEST(Scanner, NotYet18IsAMinorsAgeAndNoAdultTerm) {
  const auto s = Score({"A: how old are you", "B: wala pa ko 18", "A: naked cam show for me"});
  std::vector<std::string> terms;
  for (const Evidence& e : s.evidence) {
    if (e.message == 1) terms.push_back(std::string(CategoryName(e.category)) + " " + e.term);
  }
  EXPECT_EQ(terms, std::vector<std::string>{"minor under 18"});
  EXPECT_TRUE(s.flagged) << s.score;
}

// "18+" is read only where a plus is written (the normaliser drops it): a bare 18 is a
// price, a count or a time as often as an age.
TEST(Scanner, EighteenPlusNeedsItsPlus) {
  const auto eighteen_plus = [](std::string_view line) {
    const auto s = Score({"A: hi", line});
    return std::count_if(s.evidence.begin(), s.evidence.end(),
                         [](const Evidence& e) { return e.term == "18+"; });
  };
  EXPECT_EQ(eighteen_plus("B: 18+ only here"), 1);
  EXPECT_EQ(eighteen_plus("B: all my models are \uFF11\uFF18\uFF0B"), 1);  // fullwidth
  EXPECT_EQ(eighteen_plus("B: 18 plus lang"), 1);
  EXPECT_EQ(eighteen_plus("B: i have 18 classmates"), 0);
  EXPECT_EQ(eighteen_plus("B: 18 pesos lang"), 0);
  EXPECT_EQ(eighteen_plus("B: see you at 18:00"), 0);
}

// The "asl" answer's shorthand: age and sex glued ("13f"), with a place after it.
TEST(Scanner, AslAnswerWithTheSexGluedOnIsAnAge) {
  const auto with = [](std::string_view answer) {
    const std::string b = "B: " + std::string(answer);
    return Score({"A: asl?", std::string_view(b), "A: can you do private cam show for me?",
                  "A: i will send money via gcash"});
  };
  const auto minor = with("13f ph"), adult = with("25f ph"), none = with("hehe");
  EXPECT_TRUE(minor.flagged) << minor.score;
  EXPECT_GT(minor.score, none.score);
  EXPECT_FALSE(adult.flagged) << adult.score;
  EXPECT_LT(adult.score, none.score);  // a stated adult age is counter-evidence
}

// A facilitator offering a child for a cam session priced by the minute is flagged; a
// parent paying for a school show's tickets for daughters of the same ages is not.
TEST(Scanner, FacilitatorOfferFlaggedSchoolShowTicketsNot) {
  const auto offer =
      Score({"F: good evening sir, i have new girl", "C: age?", "F: 12 sir", "C: how much",
             "F: 2k php 30 minutes cam", "C: ok will send western union"});
  const auto children =
      Score({"F: sir my kids here, 2 girls 9 and 11", "C: vcs?", "F: yes sir, send gcash first"});
  const auto tickets = Score({"P: hello, how much for the show tickets?", "S: 200 php each",
                              "P: my girls 9 and 11 are performing in the school program",
                              "S: you can pay via gcash", "P: ok sent"});
  EXPECT_TRUE(offer.flagged) << offer.score;
  EXPECT_TRUE(children.flagged) << children.score;
  EXPECT_FALSE(tickets.flagged) << tickets.score;
}

// Evidence says how each age was found and weighs it as the score does: an answer to an
// age question is a stated age; a school grade and a bare number nobody asked for are
// weaker cues, and say so.
TEST(Scanner, AgeEvidenceSaysHowTheAgeWasFound) {
  auto s = Score({"A: how old are you", "B: 12 po", "B: grade 5 ako", "B: 10 lang po",
                  "A: naked cam show for me, i pay gcash"});
  ASSERT_TRUE(s.flagged);
  std::map<std::string, double> ages;
  for (const Evidence& e : s.evidence) {
    if (e.term.find("age ") != std::string::npos) ages[e.term] = e.weight;
  }
  ASSERT_TRUE(ages.count("age 12")) << ::testing::PrintToString(ages);
  ASSERT_TRUE(ages.count("unasked age 10")) << ::testing::PrintToString(ages);
  const auto grade = std::find_if(ages.begin(), ages.end(), [](const auto& kv) {
    return kv.first.rfind("grade age ", 0) == 0;
  });
  ASSERT_NE(grade, ages.end()) << ::testing::PrintToString(ages);
  const ScoringWeights& w = Sc().weights();
  EXPECT_DOUBLE_EQ(ages["age 12"], w.minor_age);
  EXPECT_DOUBLE_EQ(ages["unasked age 10"], w.minor_cue_floor);
  EXPECT_DOUBLE_EQ(grade->second, w.minor_cue_floor);
}

TEST(Scanner, BenignContextLowersScore) {
  auto plain = Score({"B: im 12", "A: send money western union", "A: show me naked"});
  auto benign =
      Score({"B: im 12", "A: send money western union for school fees", "A: show me naked"});
  EXPECT_LT(benign.score, plain.score);
}

TEST(Scanner, UnflaggedConversationsKeepNoText) {
  auto s = Score({"A: send gcash for the groceries", "B: ok"});
  EXPECT_FALSE(s.flagged);
  for (const auto& t : s.texts) EXPECT_TRUE(t.empty());
}

TEST(Scanner, MergeOfPiecesEqualsWholeConversation) {
  std::vector<Message> msgs;
  const char* lines[] = {"hi how old are you", "12 po", "private show",
                         "i pay bitcoin",      "ok",    "naked"};
  for (int i = 0; i < 6; ++i) {
    Message m;
    m.conversation = "c";
    m.author = i % 2 ? "b" : "a";
    m.text = lines[i];
    msgs.push_back(m);
  }
  Scratch scratch;
  auto whole = Sc().ScoreConversation(msgs, scratch);
  for (size_t cut = 1; cut < msgs.size(); ++cut) {
    Scanner::State first, second;
    for (size_t i = 0; i < cut; ++i) Sc().Add(msgs[i], scratch, &first);
    for (size_t i = cut; i < msgs.size(); ++i) Sc().Add(msgs[i], scratch, &second);
    Sc().Merge(&first, std::move(second));
    auto merged = Sc().Finish("c", std::move(first));
    EXPECT_DOUBLE_EQ(merged.score, whole.score) << "cut " << cut;
    EXPECT_EQ(merged.evidence.size(), whole.evidence.size());
  }
}

// A frozen conversation is finished as its thawed state is, with and without unflagged
// lines, into a fresh scratch state or one reused from conversation to conversation; one
// without a cue, which no weights here flag, is not even thawed when only flagged
// conversations are printed (the scratch state keeps what it held).
TEST(Scanner, FinishFrozenJsonSkipsThawingAConversationWithoutCues) {
  auto norm = *Normaliser::Create();
  auto matcher = *Matcher::Create(*Lexicon::Default(), norm);
  auto flagged_only = *Scanner::Create(matcher, *ScoringWeights::Default(), ScanOptions{});
  const std::vector<std::vector<const char*>> conversations = {
      {"hi how old are you", "12 po", "private show on cam", "i send gcash", "naked"},
      {"good morning", "how was school", "fine thanks"},  // no cue
      {"i send money for your school fees", "thank you tito"},
      {},
  };
  for (const Scanner* sc : {&Sc(), flagged_only.get()}) {
    Scanner::State reused;  // one scratch state for every conversation, as the CLI has
    for (size_t k = 0; k < conversations.size(); ++k) {
      const auto& lines = conversations[k];
      Scratch scratch;
      Scanner::State state;
      for (size_t i = 0; i < lines.size(); ++i) {
        Message m;
        m.author = (i % 2 ? "b" : "a") + std::to_string(k);
        m.text = lines[i];
        sc->Add(m, scratch, &state);
      }
      const bool no_cue = state.cues.empty();
      std::string frozen;
      Scanner::Freeze(state, &frozen);
      TextBuffer want, got;
      Scanner::State copy;
      Scanner::Thaw(frozen.data(), &copy);
      const bool want_flagged = sc->FinishJson("c", std::move(copy), &want);
      Scanner::State scratch_state;
      scratch_state.messages = 4242;  // what a skipped conversation leaves alone
      EXPECT_EQ(sc->FinishFrozenJson("c", frozen.data(), &scratch_state, &got), want_flagged);
      EXPECT_EQ(got.view(), want.view());
      const bool skipped = no_cue && !sc->options().keep_unflagged;
      EXPECT_EQ(scratch_state.messages == 4242, skipped) << lines.size() << " lines";
      TextBuffer again;
      EXPECT_EQ(sc->FinishFrozenJson("c", frozen.data(), &reused, &again), want_flagged);
      EXPECT_EQ(again.view(), want.view());
    }
  }
}

// A state frozen and thawed is the same state: every cue field (ages, bare numbers, the
// markers, flags, offsets past one varint byte), authors, text starts and kept text; a
// thawed state reused for a smaller one keeps nothing of the larger.
TEST(Scanner, FrozenStateThawsToTheSameState) {
  const std::string long_author(40, 'x');
  std::string filler;
  for (int i = 0; i < 4000; ++i) filler += "hello ";
  const std::string long_text = "hi i send bitcoin " + filler + "how old are you";
  const char* lines[] = {"hi how old are you", "12 po",           "private show",
                         "i pay bitcoin",      "i am 19 yrs old", "grade 5 ako",
                         "10 lang po",         "naked",           "wala pa ko 18"};
  Scratch scratch;
  Scanner::State state;
  for (int i = 0; i < 9; ++i) {
    Message m;
    m.author = i % 3 == 0 ? long_author : (i % 2 ? "b" : "é");
    m.text = lines[i];
    Sc().Add(m, scratch, &state);
  }
  Message big;
  big.author = "b";
  big.text = long_text;
  Sc().Add(big, scratch, &state);
  ASSERT_GE(state.cues.size(), 8u);
  state.cues[0].discounted = true;
  state.cues[1].span_end = state.cues[1].span_begin;  // an empty span
  state.cues.back().age = -3;                         // never produced; must still survive
  std::string frozen = "prefix";
  Scanner::Freeze(state, &frozen);
  const size_t end = frozen.size();
  frozen += "suffix";

  Scanner::State thawed;
  thawed.authors.assign(20, "stale");
  thawed.cues.resize(100);
  thawed.text_arena.assign(100000, 's');
  thawed.text_starts.assign(50, 7);
  EXPECT_EQ(Scanner::Thaw(frozen.data() + 6, &thawed), frozen.data() + end);
  EXPECT_EQ(thawed.messages, state.messages);
  EXPECT_EQ(thawed.authors, state.authors);
  EXPECT_EQ(thawed.text_arena, state.text_arena);
  EXPECT_EQ(thawed.text_starts, state.text_starts);
  ASSERT_EQ(thawed.cues.size(), state.cues.size());
  bool spans_past_one_byte = false, age_cue = false, bare = false, under = false;
  for (size_t i = 0; i < state.cues.size(); ++i) {
    const Scanner::State::Cue& a = state.cues[i];
    const Scanner::State::Cue& b = thawed.cues[i];
    EXPECT_EQ(a.message, b.message) << i;
    EXPECT_EQ(a.author, b.author) << i;
    EXPECT_EQ(a.term, b.term) << i;
    EXPECT_EQ(a.text, b.text) << i;
    EXPECT_EQ(a.span_begin, b.span_begin) << i;
    EXPECT_EQ(a.span_end, b.span_end) << i;
    EXPECT_EQ(a.age, b.age) << i;
    EXPECT_EQ(a.category, b.category) << i;
    EXPECT_EQ(a.from_grade, b.from_grade) << i;
    EXPECT_EQ(a.discounted, b.discounted) << i;
    EXPECT_EQ(a.same_text, b.same_text) << i;
    EXPECT_EQ(a.under, b.under) << i;
    spans_past_one_byte = spans_past_one_byte || a.span_begin >= 16384;
    under = under || a.under;
    age_cue = age_cue || a.term == Scanner::State::kAgeTerm;
    bare = bare || a.term == Scanner::State::kBareNumber;
  }
  EXPECT_TRUE(spans_past_one_byte);
  EXPECT_TRUE(age_cue);
  EXPECT_TRUE(bare);
  EXPECT_TRUE(under);

  TextBuffer line_a, line_b;
  Sc().FinishJson("c", std::move(state), &line_a);
  Sc().FinishJson("c", std::move(thawed), &line_b);
  EXPECT_EQ(line_a.view(), line_b.view());

  Scanner::State empty, reused;
  Sc().Add(big, scratch, &reused);
  frozen.clear();
  Scanner::Freeze(empty, &frozen);
  EXPECT_EQ(Scanner::Thaw(frozen.data(), &reused), frozen.data() + frozen.size());
  EXPECT_EQ(reused.messages, 0u);
  EXPECT_TRUE(reused.authors.empty());
  EXPECT_TRUE(reused.cues.empty());
  EXPECT_TRUE(reused.text_arena.empty());
  EXPECT_TRUE(reused.text_starts.empty());
}

TEST(Scanner, JsonOutputFollowsArchitecture) {
  auto s = Score({"A: how old are you", "B: 12", "A: naked cam show, i pay bitcoin"});
  const std::string j = ScoreToJson(s, Sc().matcher().lexicon());
  EXPECT_NE(j.find("\"conversation\":\"c1\""), std::string::npos) << j;
  EXPECT_NE(j.find("\"flagged\":true"), std::string::npos) << j;
  EXPECT_NE(j.find("\"signals\":{"), std::string::npos) << j;
  EXPECT_NE(j.find("\"term\":\"bitcoin\""), std::string::npos) << j;
  EXPECT_NE(j.find("\"text\":\"naked cam show, i pay bitcoin\""), std::string::npos) << j;
  EXPECT_NE(j.find("\"participants\":[{\"author\":\"A\",\"role\":\"requester\"},"
                   "{\"author\":\"B\",\"role\":\"other\"}]"),
            std::string::npos)
      << j;
}

// Every string of up to 40 bytes with one or two bytes to escape (or a multi-byte
// character) at every position is written exactly as a byte-at-a-time escaper writes it:
// the writer reads 16-byte blocks, and a string's last bytes as overlapping loads.
TEST(Scanner, JsonStringsEscapedAtEveryPositionAndLength) {
  auto reference = [](const std::string& in) {
    std::string out = "\"";
    for (const char ch : in) {
      const auto c = static_cast<unsigned char>(ch);
      if (c == '"') {
        out += "\\\"";
      } else if (c == '\\') {
        out += "\\\\";
      } else if (c == '\n') {
        out += "\\n";
      } else if (c < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
      } else {
        out += ch;  // ASCII or part of valid UTF-8 ("é" below)
      }
    }
    return out + "\"";
  };
  const std::string specials[] = {"\"", "\\", "\n", "\x01", "\xC3\xA9"};
  int checked = 0;
  for (size_t len = 0; len <= 40; ++len) {
    for (size_t at = 0; at <= len; ++at) {
      for (const std::string& special : specials) {
        for (const bool second : {false, true}) {
          std::string str(len, 'a');
          for (size_t k = 0; k < len; ++k) str[k] = static_cast<char>('a' + (k * 7) % 26);
          str.insert(at, special);
          if (second) str.insert(at / 2, "\"");  // before it: ASCII, nothing to split
          ConversationScore score;
          score.conversation = str;
          const std::string line = ScoreToJson(score, Sc().matcher().lexicon());
          const std::string want = "{\"conversation\":" + reference(str) + ",\"score\":";
          ASSERT_EQ(line.substr(0, want.size()), want) << "length " << len << " at " << at;
          ++checked;
        }
      }
    }
  }
  EXPECT_GT(checked, 8000);
}

// Strings of every kind (quotes, backslashes, control characters, multi-byte and invalid
// UTF-8, specials before, inside and after 16-byte blocks, numbers at the edges of the
// integer-arithmetic path) come out as JSON that parses back to the input, invalid bytes
// as U+FFFD.
TEST(Scanner, JsonOutputEscapesAndRoundTrips) {
  std::mt19937 rng(20261206);
  const std::string pieces[] = {"a",        "\"",         "\\",           "\n",
                                "\t",       "\r",         "\x01",         "\x1f",
                                "\x7f",     "é",          "\xE2\x82\xAC", "\xF0\x9F\x98\x80",
                                "\x80",     "\xC0\xAF",   "\xED\xA0\x80", "\xF4\x90\x80\x80",
                                "\xE2\x82", "plain text "};
  for (int round = 0; round < 400; ++round) {
    ConversationScore s;
    auto random_string = [&] {
      std::string out;
      const int n = static_cast<int>(rng() % 40);
      for (int i = 0; i < n; ++i) out += pieces[rng() % std::size(pieces)];
      return out;
    };
    s.conversation = random_string();
    s.score = (rng() % 100001) / 100000.0;
    s.flagged = rng() % 2;
    s.signals[rng() % kCategoryCount] = rng() % 20;
    const int evidence = static_cast<int>(rng() % 5);
    for (int i = 0; i < evidence; ++i) {
      Evidence e;
      e.message = rng() % 1000;
      e.term = random_string();
      e.weight = (static_cast<int>(rng() % 2001) - 1000) / 100.0;
      e.span_begin = rng() % 50;
      e.span_end = e.span_begin + rng() % 50;
      s.evidence.push_back(e);
      s.texts.push_back(random_string());
    }
    s.reasons = {random_string(), random_string()};
    s.authors = {random_string()};
    s.requester = 0;
    s.messages = rng() % 100;
    const std::string j = ScoreToJson(s, Sc().matcher().lexicon());
    ASSERT_TRUE(IsValidUtf8(j)) << j;
    const auto parsed = nlohmann::json::parse(j, nullptr, false);
    ASSERT_FALSE(parsed.is_discarded()) << j;
    EXPECT_EQ(parsed["conversation"], RepairUtf8(s.conversation));
    EXPECT_DOUBLE_EQ(parsed["score"].get<double>(), std::round(s.score * 10000.0) / 10000.0);
    ASSERT_EQ(parsed["evidence"].size(), s.evidence.size());
    for (size_t i = 0; i < s.evidence.size(); ++i) {
      const auto& e = parsed["evidence"][i];
      EXPECT_EQ(e["term"], RepairUtf8(s.evidence[i].term));
      EXPECT_EQ(e["message"], s.evidence[i].message);
      EXPECT_DOUBLE_EQ(e["weight"].get<double>(), s.evidence[i].weight);
      if (s.texts[i].empty()) {
        EXPECT_FALSE(e.contains("text"));
      } else {
        EXPECT_EQ(e["text"], RepairUtf8(s.texts[i]));
        EXPECT_EQ(e["span"][1], s.evidence[i].span_end);
      }
    }
    EXPECT_EQ(parsed["reasons"][1], RepairUtf8(s.reasons[1]));
    EXPECT_EQ(parsed["participants"][0]["author"], RepairUtf8(s.authors[0]));
    EXPECT_EQ(parsed["messages"], s.messages);
  }
}

// Strings are escaped sixteen bytes at a time, the last few from a padded copy; byte for
// byte, the line must hold what escaping one character at a time gives, for strings of
// every length around the block size with specials and multi-byte or invalid UTF-8 at every
// position.
TEST(Scanner, JsonStringsEscapeAsCharacterByCharacter) {
  auto reference = [](std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out = "\"";
    for (size_t i = 0; i < s.size();) {
      const auto c = static_cast<unsigned char>(s[i]);
      if (c >= 0x80) {
        const size_t n = Utf8SequenceLength(s, i);
        out += n == 0 ? std::string("\xEF\xBF\xBD") : std::string(s.substr(i, n));
        i += n == 0 ? 1 : n;
        continue;
      }
      if (c == '"')
        out += "\\\"";
      else if (c == '\\')
        out += "\\\\";
      else if (c == '\n')
        out += "\\n";
      else if (c == '\r')
        out += "\\r";
      else if (c == '\t')
        out += "\\t";
      else if (c < 0x20)
        out += std::string("\\u00") + kHex[c >> 4] + kHex[c & 15];
      else
        out += static_cast<char>(c);
      ++i;
    }
    return out + "\"";
  };
  const std::string pieces[] = {"a",    "b",       "Z",    " ", "\"",           "\\",
                                "\n",   "\x01",    "\x7f", "é", "\xE2\x82\xAC", "\xF0\x9F\x98\x80",
                                "\x80", "\xE2\x82"};
  std::mt19937 rng(41);
  for (int round = 0; round < 20000; ++round) {
    ConversationScore score;
    const int n = static_cast<int>(rng() % 40);
    for (int k = 0; k < n; ++k) {
      // Mostly plain letters, so that blocks and tails of every length come up.
      score.conversation += rng() % 4 == 0 ? pieces[rng() % std::size(pieces)] : "x";
    }
    std::string line;
    AppendScoreJson(score, &line);
    const std::string want = "{\"conversation\":" + reference(score.conversation) + ",";
    ASSERT_EQ(line.substr(0, want.size()), want) << "round " << round;
  }
}

// Each reason is the feature's name (with the stated age, or the pair's terms), then its
// contribution with sign and two decimals.
TEST(Scanner, ReasonsNameTheFeatureThenItsContribution) {
  auto s = Score({"A: how old are you", "B: 12", "A: naked cam show, i pay bitcoin"});
  ASSERT_TRUE(s.flagged);
  const std::regex form(R"(^[a-z][a-z0-9 ,+:*]* \([+-][0-9]+\.[0-9][0-9]\)$)");
  bool age = false;
  for (const std::string& r : s.reasons) {
    EXPECT_TRUE(std::regex_match(r, form)) << r;
    age = age || r.rfind("stated age 12 (+", 0) == 0;
  }
  EXPECT_TRUE(age);
}

// Spans point at the original words, whether the message normalises to itself (mapped
// without normalising again) or not (mapped through the offsets).
TEST(Scanner, EvidenceSpansPointAtTheOriginalWords) {
  auto s = Score({"A: how old are you", "B: 12", "A: i pay bitcoin for naked cam show",
                  "A: I PAY B1TCOIN for N4KED cam show!"});
  ASSERT_TRUE(s.flagged);
  std::vector<std::string> quoted;
  for (size_t i = 0; i < s.evidence.size(); ++i) {
    const Evidence& e = s.evidence[i];
    if (e.term != "naked" && e.term != "bitcoin") continue;
    quoted.push_back(s.texts[i].substr(e.span_begin, e.span_end - e.span_begin));
  }
  EXPECT_EQ(quoted, (std::vector<std::string>{"bitcoin", "naked", "B1TCOIN", "N4KED"}));
}

// Weighted pairs are found with a bit per pair per term, 64 pairs to a word: a pair fires
// exactly when both its sides are present, whichever word its bit is in.
TEST(Scanner, WeightedPairsFireWhenBothSidesArePresentBeyond64Pairs) {
  ScoringWeights w = *ScoringWeights::Default();
  w.pairs.clear();
  for (int i = 0; i < 69; ++i) w.pairs.push_back({"bitcoin", "western union", 0.01});
  w.pairs.push_back({"naked", "gcash", 0.5});
  auto norm = *Normaliser::Create();
  auto sc = *Scanner::Create(*Matcher::Create(*Lexicon::Default(), norm), w,
                             ScanOptions{.keep_unflagged = true});
  auto pair_reasons = [&](std::vector<std::string> lines) {
    std::vector<Message> msgs;
    for (auto& l : lines) msgs.push_back({"c", "a", std::move(l)});
    Scratch scratch;
    std::vector<std::string> out;
    for (const auto& r : sc->ScoreConversation(msgs, scratch).reasons) {
      if (r.rfind("pair ", 0) == 0) out.push_back(r);
    }
    return out;
  };
  EXPECT_EQ(pair_reasons({"naked cam show", "send gcash"}),
            std::vector<std::string>{"pair naked + gcash (+0.50)"});
  EXPECT_EQ(pair_reasons({"i pay bitcoin", "or western union"}),
            std::vector<std::string>(69, "pair bitcoin + western union (+0.01)"));
  EXPECT_TRUE(pair_reasons({"naked cam show", "i pay bitcoin"}).empty());
}

// Reasons come strongest first; features of equal strength keep the order in which scoring
// adds them (structural features, then pairs in the weights' order).
TEST(Scanner, ReasonsStrongestFirstTiesInTheOrderAdded) {
  ScoringWeights w = *ScoringWeights::Default();
  w.sexual_and_payment = w.solicit_and_payment = w.proximity = 1.0;
  w.pairs = {{"naked", "gcash", 1.0},
             {"category:sexual", "category:payment", 1.0},
             {"naked", "gcash", 0.25},
             {"naked", "gcash", -1.0}};
  auto norm = *Normaliser::Create();
  auto sc = *Scanner::Create(*Matcher::Create(*Lexicon::Default(), norm), w,
                             ScanOptions{.keep_unflagged = true});
  std::vector<Message> msgs = {{"c", "a", "naked cam show"}, {"c", "a", "send gcash"}};
  Scratch scratch;
  const auto reasons = sc->ScoreConversation(msgs, scratch).reasons;
  double last = 1e9;
  std::vector<std::string> ones;
  for (const std::string& r : reasons) {
    const size_t open = r.rfind(" (");
    ASSERT_NE(open, std::string::npos) << r;
    const double magnitude = std::abs(std::stod(r.substr(open + 2)));
    EXPECT_LE(magnitude, last) << r;
    last = magnitude;
    if (magnitude == 1.0) ones.push_back(r);
  }
  EXPECT_EQ(ones,
            (std::vector<std::string>{
                "sexual + payment (+1.00)", "solicitation + payment (+1.00)",
                "sexual and payment close together (+1.00)", "pair naked + gcash (+1.00)",
                "pair category:sexual + category:payment (+1.00)", "pair naked + gcash (-1.00)"}));
}

TEST(Scanner, UnflaggedOutputNamesNoParticipants) {
  auto s = Score({"A: how was school", "B: fine, we had a quiz"});
  ASSERT_FALSE(s.flagged);
  EXPECT_EQ(ScoreToJson(s, Sc().matcher().lexicon()).find("participants"), std::string::npos);
}

// A third chatter whose only message read was a "no" that answered nothing (in a group a
// yes or no is no answer) is no participant; the requester and the child are.
TEST(Scanner, ParticipantsAreTheAuthorsTheEvidenceNames) {
  std::vector<Message> msgs;
  for (const auto& [author, text] :
       {std::pair{"a", "r u 18?"}, std::pair{"c", "no"}, std::pair{"b", "im 12"},
        std::pair{"a", "naked cam show for me, i pay gcash"}}) {
    Message m;
    m.conversation = "c1";
    m.author = author;
    m.text = text;
    msgs.push_back(std::move(m));
  }
  Scratch scratch;
  Scanner::State state;
  for (const Message& m : msgs) Sc().Add(m, scratch, &state);
  ASSERT_EQ(state.authors.size(), 3u);  // "c" was read as a possible answer
  TextBuffer line;
  ASSERT_TRUE(Sc().FinishJson("c1", std::move(state), &line));
  const std::string json(line.view());
  EXPECT_NE(json.find(R"({"author":"a","role":"requester"})"), std::string::npos) << json;
  EXPECT_NE(json.find(R"({"author":"b","role":"other"})"), std::string::npos) << json;
  EXPECT_EQ(json.find(R"("author":"c")"), std::string::npos) << json;
  const ConversationScore s =
      Score({"A: r u 18?", "C: no", "B: im 12", "A: naked cam show for me, i pay gcash"});
  const std::string from_score = ScoreToJson(s, Sc().matcher().lexicon());
  EXPECT_EQ(from_score.find(R"("author":"C")"), std::string::npos) << from_score;
}

}  // namespace
}  // namespace bantay::text

namespace bantay::text {
namespace {

// Styles the simulator does not write (abbreviations, masking stars, other word orders):
// a guard against fitting the detector to its own generator.
TEST(Scanner, FlagsStylesTheSimulatorDoesNotWrite) {
  const Lines cases[] = {
      {"A: hey cutie how old r u?", "B: 13", "A: wanna make some money? show me ur body on cam",
       "A: i pay 20$ thru paypal"},
      {"A: u r 11 right? send me n*ked pix, i send ca$h app", "B: ok"},
      {"A: wat grade u in", "B: grade 6", "A: u want earn money? just take off ur shirt on skype",
       "A: i will send u money thru remitly"},
      {"A: bata pa ba yan? 8 yrs?", "B: opo 8", "A: magkano show? hubo", "B: 2k via palawan"},
      // The body asked for on camera, in Tagalog and in Cebuano, and payment promised.
      {"A: ilang taon ka na", "B: 12", "A: pakita mo katawan mo sa video call, padalhan kita pera"},
      {"A: pila ka tuig ka", "B: napulo", "A: maghubo ka sa video, bayran tika"},
      // Undressing asked for in Tagalog and in Cebuano, the camera opened, money promised.
      {"A: ilang taon ka", "B: 11", "A: tanggalin mo damit mo, buksan mo cam",
       "A: magpapadala ako"},
      {"A: pila imong edad", "B: 10", "A: kuhaa imong sinina, abri cam", "A: hatagan tika ug load"},
      // A facilitator offering children by number, their ages a bare list.
      {"A: sir 3 kids available for live show tonight", "B: ages?",
       "A: 7, 9, 13. 40 dollars each, all naked, pay with bitcoin"},
      // Words and brands the generator does not write: a US ordinal grade, slang, a bank.
      {"A: what grade r u", "B: 6th grade", "A: send noods, boobies pls", "A: i pay to your bdo"},
      // Asked by a stranger, "where is your lola" is no family context.
      {"A: are you alone? where is your lola", "B: market, im 10",
       "A: show me on cam, take off your shirt", "A: i send money via palawan"},
      // "Not yet 18": the child's age is younger than the number, not the adult age 18.
      {"A: r u 18?", "B: wala pa po ako 18", "A: naked cam show for me, i pay gcash"},
      {"A: are you 18", "B: dili pa ko 18", "A: hubo sa cam, bayran tika"},
      {"A: u legal?", "B: not yet 18 lol", "A: send nudes i pay paypal"},
      {"A: 18 ka na?", "B: wala pa sa legal age", "A: hubad sa cam, padala ako gcash"},
      // Body slang, touching oneself, the call show; money written only as an amount.
      {"A: ilang taon ka", "B: 12 po", "A: pakita pekpek mo", "A: P500 sa gcash"},
      {"A: ilang taon ka na", "B: 11", "A: hawakan mo sarili mo sa video call",
       "A: bigay ko 500php"},
      {"A: hi ilang taon ka na", "B: 13 po", "A: show me down there", "A: ok?"},
      {"A: hi ilang taon ka na", "B: 13 po", "A: vc show tonight", "A: ok?"},
      // School years as a child says them: the old high school's first year, a student still.
      {"A: hi", "B: first year high school po", "A: hubad ka sa cam, bayad ko gcash"},
      {"A: hi", "B: studyante pa", "A: hubad ka sa cam, bayad ko gcash"},
      // A facilitator's coded offer: a child "available", her age, a paid video call.
      {"A: good evening sir, young one available tonight", "B: how old", "A: 9 lang po",
       "A: video call after payment", "B: ok sending via remitly"},
      // Cebuano: touching oneself; a show on the video call, paid.
      {"A: pila na imong edad", "B: 12 ko", "A: hikapa imong kaugalingon", "A: ok?"},
      {"A: pila na imong edad", "B: 12 ko", "A: show ta sa vc, bayran tika", "A: ok?"},
      // Requests a probe of report phrasings missed: everything off, more skin, "your
      // private" as a noun.
      {"A: hi how old are you", "B: 12 po", "A: take everything off", "A: i send gcash later"},
      {"A: hi how old are you", "B: 12 po", "A: show more skin", "A: i send gcash later"},
      {"A: hi how old are you", "B: 12 po", "A: can u show ur private", "A: i send gcash later"},
      // An age in words in a message of more than a few words, with no other age cue.
      {"A: hi", "B: hello po im eleven years old from davao", "A: naked cam show for me",
       "A: i send western union"},
      {"A: sir available tonight", "A: she is twelve, my sister", "B: naked cam show?",
       "A: yes sir, gcash first"},
  };
  for (const Lines& c : cases) {
    const auto s = Score(c);
    EXPECT_TRUE(s.flagged) << c.back() << " (score " << s.score << ")";
  }
}

TEST(Scanner, DoesNotFlagOtherStylesOfHardNegatives) {
  const Lines cases[] = {
      // A body-safety lesson names private parts; a doctor's video consultation asks to see
      // a child's chest; a children's yoga class opens the legs.
      {"A: good morning class, grade 4 body safety lesson today",
       "A: your private parts are private, no one may touch them", "B: yes teacher"},
      {"A: hello mommy, this is dr reyes for the teleconsult", "B: my son is 8, he has rash",
       "A: please show me your chest on the video call", "A: consultation fee 500 via gcash"},
      {"A: yoga class for kids age 10 on zoom", "A: open your legs wide for the butterfly stretch",
       "B: ok coach"},
      // "Available" offers that are no child: puppies, an adult dance group.
      {"A: hi sir, young ones available, shih tzu puppies 8 weeks old", "B: how much?",
       "A: 8000 pesos each, video call to see them, gcash first"},
      {"A: hi sir, girls available for your event, dance group ages 18 to 25",
       "B: how much per show?", "A: 5000 for 3 songs, 50% down via gcash"},
      {"A: my daughter is 12, she needs money for her school project", "A: pls send via gcash"},
      {"A: anak padala ko na ang pang tuition mo sa western union", "B: salamat pa",
       "A: video call tayo mamaya kasama si bunso"},
      {"A: hi babe im 25, u look hot, send nudes?", "B: lol no im 27 and married"},
      // A parent abroad asks to see the child's school project on camera and pays the printing.
      {"A: nak pakita mo nga yung project mo sa cam", "B: eto po",
       "A: galing! padala ako pera sa gcash pang print", "B: grade 5 project po yan"},
      // A grandmother checks that a child home alone is safe and sends money for food; the
      // child answers "yes lola" (FlagsStylesTheSimulatorDoesNotWrite: a stranger's "where
      // is your lola").
      {"A: are you alone at home? mama is at work?", "B: yes lola, im 10",
       "A: ok lock the door, i send money for food via palawan"},
      // A grandmother, a dance teacher and a tutor direct or check on a child: weak
      // requests that add up to none ("pull down your shorts" is left out of the lexicon:
      // a doctor's teleconsult says it).
      {"A: hello apo! come closer to the camera, i cant see you", "B: hi lola",
       "A: how old are you now?", "B: 10 na po", "A: i send money via gcash for your birthday"},
      {"A: ok class, turn around for me, now left foot", "B: like this po?",
       "A: good! how old are you again?", "B: 9 po", "A: tell your mom tuition is 500 via gcash"},
      {"A: hi Mia, are your parents home? i need to talk about the tuition fee",
       "B: wala po, nasa work", "A: ok how old are you now, grade 5?", "B: 11 po",
       "A: please remind them to pay via gcash"},
      {"A: good morning, this is dr. cruz for the teleconsult", "B: my son has a rash, he is 8",
       "A: please pull down your shorts a bit so i can see the rash",
       "A: consultation fee via gcash, 500 pesos"},
      // Adult performers disclaim minors; the minor terms in the disclaimer are no minor cue.
      {"A: hi babe how much for private cam show", "B: im 24, 18+ only, no one under 18",
       "A: ok i pay paypal for naked show", "B: ok send 50 usd paypal first"},
      {"A: how much for a naked show", "B: strictly no minors, im 25, 30 usd via paypal"},
      {"A: magkano private show", "B: bawal minor dito, 25 na ako. 1k gcash hubad show"},
      // An adult's age in words is adult, not the age of its units ("five years old").
      {"A: how much for a naked cam show", "B: hi babe, im twenty five years old, 30 usd paypal"},
      {"A: are you a minor?", "B: im 21 not a minor lol", "A: cam show naked? i pay bitcoin"},
  };
  for (const Lines& c : cases) {
    const auto s = Score(c);
    EXPECT_FALSE(s.flagged) << c.back() << " (score " << s.score << ")";
  }
}

}  // namespace
}  // namespace bantay::text

namespace bantay::text {
namespace {

// Digits for letters where Normalise keeps digits (Matcher::ReadLeetDigits): at a word's
// start or end, or beside other digits. Found one message at a time and in batches, with
// evidence quoting the original words.
TEST(Scanner, FlagsDigitsForLettersAtWordEdges) {
  const char* lines[] = {"h0w 0ld r u", "1m 13", "c4n u d0 pr1v473 5h0w", "1 s3nd p4yp41"};
  std::vector<Message> msgs;
  std::vector<MessageRef> refs;
  for (size_t i = 0; i < std::size(lines); ++i) {
    Message m;
    m.conversation = "c";
    m.author = i == 1 ? "b" : "a";
    m.text = lines[i];
    msgs.push_back(std::move(m));
  }
  for (const auto& m : msgs) refs.push_back({m.conversation, m.author, m.text});
  Scratch scratch;
  Scanner::State batch;
  std::vector<Scanner::State*> states(msgs.size(), &batch);
  Sc().AddBatch(refs, states, scratch);
  for (const ConversationScore& s :
       {Sc().ScoreConversation(msgs, scratch), Sc().Finish("c", std::move(batch))}) {
    EXPECT_TRUE(s.flagged) << s.score;
    std::set<std::string> quoted;
    for (size_t i = 0; i < s.evidence.size(); ++i) {
      const Evidence& e = s.evidence[i];
      quoted.insert(e.term + "=" + s.texts[i].substr(e.span_begin, e.span_end - e.span_begin));
    }
    EXPECT_TRUE(quoted.count("how old are you=h0w 0ld r u")) << ::testing::PrintToString(quoted);
    EXPECT_TRUE(quoted.count("age 13=13")) << ::testing::PrintToString(quoted);
    EXPECT_TRUE(quoted.count("private show=pr1v473 5h0w")) << ::testing::PrintToString(quoted);
  }
}

TEST(Scanner, BatchAnalysisEqualsOneByOne) {
  const char* lines[] = {"hi how old are you",
                         "12 po",
                         "p r i v a t e show ok?",
                         "i pay w3stern un1on",
                         "",
                         "naked cam show",
                         "school fees via gcash",
                         "a p a y p a l",
                         "ｓｈｏｗ me",
                         "grade 5 po",
                         "hello po im eleven years old from davao",
                         "\U0001F351 on \U0001F4F7 ok, i send \U0001F4B0\U0001F4B0"};
  std::vector<Message> msgs;
  for (size_t i = 0; i < std::size(lines); ++i) {
    Message m;
    m.conversation = i % 3 ? "x" : "y";
    m.author = i % 2 ? "b" : "a";
    m.text = lines[i];
    msgs.push_back(m);
  }
  Scratch scratch;
  Scanner::State one_x, one_y, batch_x, batch_y;
  std::vector<Scanner::State*> states;
  for (const auto& m : msgs) {
    Sc().Add(m, scratch, m.conversation == "x" ? &one_x : &one_y);
    states.push_back(m.conversation == "x" ? &batch_x : &batch_y);
  }
  std::vector<MessageRef> refs;
  for (const auto& m : msgs) refs.push_back({m.conversation, m.author, m.text});
  Sc().AddBatch(refs, states, scratch);
  auto a = Sc().Finish("x", std::move(one_x)), b = Sc().Finish("x", std::move(batch_x));
  EXPECT_EQ(ScoreToJson(a, Sc().matcher().lexicon()), ScoreToJson(b, Sc().matcher().lexicon()));
  auto c = Sc().Finish("y", std::move(one_y)), d = Sc().Finish("y", std::move(batch_y));
  EXPECT_EQ(ScoreToJson(c, Sc().matcher().lexicon()), ScoreToJson(d, Sc().matcher().lexicon()));
  EXPECT_FALSE(a.evidence.empty());
}

// The scan writes its lines straight from the conversation state; they must be exactly the
// lines of Finish's ConversationScore, flagged or not, with the scanner reporting all
// conversations or only flagged ones, on random conversations of keyword-level lines
// (ages, obfuscations, benign context, quotes and non-ASCII text that must be escaped).
// They are appended in place after what the buffer holds, which must survive its growth.
TEST(Scanner, DirectJsonEqualsFinishThenJson) {
  const char* lines[] = {"hi how old are you",
                         "12 po",
                         "p r i v a t e show ok?",
                         "i pay w3stern un1on",
                         "naked cam show",
                         "school fees via gcash",
                         "grade 5 po",
                         "im 19",
                         "ok",
                         "send \"pics\" \\ now",
                         "\u0455h\u043Ew me on cam",
                         "i send bitcoin for a private show",
                         "ilang taon ka na",
                         "11",
                         "tuition for grade 6",
                         "18+ only",
                         "ｓｈｏｗ me",
                         "c\u200Bam now",
                         "how much",
                         "sex education class"};
  auto only_flagged = [] {
    auto norm = *Normaliser::Create();
    auto matcher = *Matcher::Create(*Lexicon::Default(), norm);
    return *Scanner::Create(matcher, *ScoringWeights::Default(), ScanOptions{});
  }();
  std::mt19937 rng(7);
  Scratch scratch;
  int flagged = 0, printed = 0;
  TextBuffer all;  // every round's lines, one after another
  std::string all_want;
  for (int round = 0; round < 600; ++round) {
    const int n = 1 + static_cast<int>(rng() % 12);
    std::vector<Message> msgs;
    for (int i = 0; i < n; ++i) {
      Message m;
      m.author = rng() % 3 == 0 ? "kid \"b\"" : "a";
      m.text = lines[rng() % std::size(lines)];
      msgs.push_back(std::move(m));
    }
    for (const Scanner* sc : {&Sc(), only_flagged.get()}) {
      Scanner::State one, two;
      for (const auto& m : msgs) sc->Add(m, scratch, &one);
      for (const auto& m : msgs) sc->Add(m, scratch, &two);
      const ConversationScore score = sc->Finish("conv \"" + std::to_string(round), std::move(one));
      std::string want;
      if (score.flagged || sc->options().keep_unflagged) {
        AppendScoreJson(score, &want);
        want.push_back('\n');
      }
      TextBuffer got;
      got.Append("kept ");
      Scanner::State three = two;
      EXPECT_EQ(sc->FinishJson("conv \"" + std::to_string(round), std::move(two), &got),
                score.flagged);
      ASSERT_EQ(got.view(), "kept " + want) << "round " << round;
      sc->FinishJson("conv \"" + std::to_string(round), std::move(three), &all);
      all_want += want;
      flagged += score.flagged;
      printed += !want.empty();
    }
  }
  EXPECT_GT(flagged, 100);  // both kinds of conversation were compared
  EXPECT_GT(printed - flagged, 100);
  EXPECT_EQ(all.view(), all_want);
}

}  // namespace
}  // namespace bantay::text
