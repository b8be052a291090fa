// Tests for age expressions: the number matters, units and context decide.
#include <gtest/gtest.h>

#include <random>

#include "text/age_impl.h"
#include "text/text.h"

namespace bantay::text {
namespace {

std::vector<int> Ages(std::string_view raw) {
  static auto norm = *Normaliser::Create();
  std::string s;
  norm->Normalise(raw, &s);
  std::vector<AgeStatement> ages;
  FindAges(s, &ages);
  std::vector<int> out;
  for (const auto& a : ages) out.push_back(a.from_grade ? -a.age : a.age);
  return out;
}

// BareAgeAnswer of the normalised `raw`.
int Bare(std::string_view raw, bool* only_fillers = nullptr) {
  static auto norm = *Normaliser::Create();
  std::string s;
  norm->Normalise(raw, &s);
  return BareAgeAnswer(s, only_fillers);
}

using V = std::vector<int>;

// The statements in the normalised `raw`, as evidence names them, each with its text:
// "age 12: im 12", "under 18: not yet 18".
std::vector<std::string> Said(std::string_view raw) {
  static auto norm = *Normaliser::Create();
  std::string s;
  norm->Normalise(raw, &s);
  std::vector<AgeStatement> ages;
  FindAges(s, &ages);
  std::vector<std::string> out;
  for (const auto& a : ages) {
    out.push_back((a.under        ? "under " + std::to_string(a.age + 1)
                   : a.from_grade ? "grade age " + std::to_string(a.age)
                                  : "age " + std::to_string(a.age)) +
                  ": " + s.substr(a.begin, a.end - a.begin));
  }
  return out;
}
using S = std::vector<std::string>;

TEST(Age, StatedAges) {
  EXPECT_EQ(Ages("i am 11"), V{11});
  EXPECT_EQ(Ages("I'm 12 po"), V{12});
  EXPECT_EQ(Ages("im 13 yrs old"), V{13});
  EXPECT_EQ(Ages("11 years old"), V{11});
  EXPECT_EQ(Ages("she is 10 y/o"), V{10});
  EXPECT_EQ(Ages("12yo"), V{12});
  EXPECT_EQ(Ages("my niece is 9"), V{9});
  EXPECT_EQ(Ages("age 14"), V{14});
  EXPECT_EQ(Ages("i am twelve"), V{12});
  EXPECT_EQ(Ages("25 years old"), V{25});
  EXPECT_EQ(Ages("im only 9"), V{9});
  EXPECT_EQ(Ages("i am just 12"), V{12});
}

TEST(Age, FilipinoForms) {
  EXPECT_EQ(Ages("11 na ako"), V{11});
  EXPECT_EQ(Ages("12 taon"), V{12});
  EXPECT_EQ(Ages("edad 10"), V{10});
  EXPECT_EQ(Ages("dose anyos"), V{12});
  EXPECT_EQ(Ages("11 ka tuig"), V{11});
  EXPECT_EQ(Ages("bata pa ako 10 pa lang ako"), V{10});
  // "only N so far", with or without the speaker; without, an age only under 18.
  EXPECT_EQ(Ages("sorry 15 pa lang po ako"), V{15});
  EXPECT_EQ(Ages("hehe 17 pa lang po"), V{17});
  EXPECT_EQ(Ages("bata pa, 12 pa lang"), V{12});
  EXPECT_EQ(Ages("25 pa lang po ako"), V{25});
  EXPECT_EQ(Ages("50 pa lang binigay nya"), V{});
}

// "not yet 18" (English, Tagalog, Cebuano, with the words that may stand between) says
// younger than 18; a negation without "yet" says nothing of the age, and neither is an age
// of 18.
TEST(Age, NegatedAgesSayYoungerOrNothing) {
  EXPECT_EQ(Said("ok not yet 18"), S{"under 18: not yet 18"});
  EXPECT_EQ(Said("I'm not yet 18 years old"), S{"under 18: not yet 18 years"});
  EXPECT_EQ(Said("not even 13"), S{"under 13: not even 13"});
  EXPECT_EQ(Said("wala pa ko 18"), S{"under 18: wala pa ko 18"});
  EXPECT_EQ(Said("wala pa ko'y 18"), S{"under 18: wala pa koy 18"});
  EXPECT_EQ(Said("di pa ako 18"), S{"under 18: di pa ako 18"});
  EXPECT_EQ(Said("hindi pa po ako 16"), S{"under 16: hindi pa po ako 16"});
  EXPECT_EQ(Said("dili pa ko 18"), S{"under 18: dili pa ko 18"});
  EXPECT_EQ(Said("wa pa ko 15"), S{"under 15: wa pa ko 15"});
  EXPECT_EQ(Said("hnd pa ko 18"), S{"under 18: hnd pa ko 18"});  // vowels left out
  EXPECT_EQ(Said("wala pa ko 18, 17 pa lang ako"),
            (S{"under 18: wala pa ko 18", "age 17: 17 pa lang ako"}));
  EXPECT_EQ(Said("im not 12"), S{});
  EXPECT_EQ(Said("di pa ako 21"), S{});  // younger than 21: adult or not
  EXPECT_EQ(Said("wala pa 18 pesos"), S{});
  EXPECT_EQ(Said("not yet 5pm"), S{});
  // No "not yet 18" either: a duration, no age at all.
  EXPECT_EQ(Said("i have not seen him in 18 years"), S{});
}

TEST(Age, GradesBecomeTypicalAges) {
  EXPECT_EQ(Ages("grade 5"), V{-10});
  EXPECT_EQ(Ages("im in grade 3"), V{-8});
  EXPECT_EQ(Ages("grade 40"), V{});
  // A Filipino tail after a grade keeps it a grade (it used to read "age 3", under the
  // youngest age and dropped).
  EXPECT_EQ(Ages("grade 3 po ako"), V{-8});
  EXPECT_EQ(Ages("grade 9 na ako"), V{-14});
  EXPECT_EQ(Ages("11 na po ako grade 6"), (V{11, -11}));
}

// FindAges looks number words up only when this cheap test passes: it must pass for every
// number word (normalised spelling) and fail for most other words.
TEST(Age, NumberWordTestAcceptsEveryNumberWord) {
  for (std::string_view w :
       {"four",       "five",       "six",       "seven",    "eight",     "nine",
        "ten",        "eleven",     "twelve",    "thirteen", "fourteen",  "fifteen",
        "sixteen",    "seventeen",  "eighteen",  "nineteen", "thirten",   "fourten",
        "fiften",     "sixten",     "seventen",  "eighten",  "nineten",   "twenty",
        "kwatro",     "kuwatro",    "singko",    "sais",     "syete",     "siyete",
        "otso",       "nuwebe",     "nwebe",     "diyes",    "dyes",      "onse",
        "dose",       "trese",      "katorse",   "kinse",    "disisais",  "disisyete",
        "disiotso",   "disinuwebe", "bente",     "beinte",   "apat",      "anim",
        "pito",       "walo",       "siyam",     "sampu",    "labingisa", "labindalawa",
        "labintatlo", "labingapat", "labinlima", "upat",     "unom",      "napulo"}) {
    EXPECT_TRUE(MayBeNumberWord(w)) << w;
  }
  for (std::string_view w : {"the", "cam", "show", "hello", "western", "u", "im", "12",
                             "paypal", "gcash", "private"}) {
    EXPECT_FALSE(MayBeNumberWord(w)) << w;
  }
  EXPECT_EQ(Ages("she is twelve"), V{12});
  // The teens as the normaliser leaves them (it squeezes only runs of three).
  EXPECT_EQ(Ages("i am thirteen"), V{13});
  EXPECT_EQ(Ages("fourteen years old"), V{14});
  EXPECT_EQ(Ages("nineteen yrs old"), V{19});
  EXPECT_EQ(Ages("im thirteeen"), V{13});
  // A grade written onto its lead, a word of four letters or more ("gr8" is "great").
  EXPECT_EQ(Ages("grade7 po"), V{-12});
  EXPECT_EQ(Ages("year5"), V{-10});
  EXPECT_EQ(Ages("grade70 room7 mp4 gr8"), V{});
  EXPECT_EQ(Ages("napulo ka tuig"), V{10});
  EXPECT_EQ(Ages("labindalawa na ako"), V{12});
}

// Units, leads and tails of several words and of every length are found (FindAges skips the
// phrase lookup for words whose length and first letter no phrase word has).
TEST(Age, PhrasesOfEveryShapeAreFound) {
  EXPECT_EQ(Ages("anak ko ay 9"), V{9});
  EXPECT_EQ(Ages("she just turned 10"), V{10});
  EXPECT_EQ(Ages("pamangkin ko 8"), V{8});
  // A time unit with a duration word before or after it is a duration, not an age; with
  // "old" it stays an age.
  EXPECT_EQ(Ages("ive been camming for 5 years"), V{});
  EXPECT_EQ(Ages("married for ten years"), V{});
  EXPECT_EQ(Ages("we met twelve years ago"), V{});
  EXPECT_EQ(Ages("in 10 years i retire"), V{});
  EXPECT_EQ(Ages("5 taon na ang nakalipas"), V{});
  EXPECT_EQ(Ages("show for 12 years old girl"), V{12});
  EXPECT_EQ(Ages("is it ok for 11 year olds"), V{11});
  // Heights are no ages either.
  EXPECT_EQ(Ages("i am 5 ft 2"), V{});
  EXPECT_EQ(Ages("im five foot two"), V{});
  EXPECT_EQ(Ages("i am five feet tall"), V{});
  // "to" joins a rising range of ages; a falling pair is a span of hours.
  EXPECT_EQ(Ages("girls 9 to 12 available"), (V{9, 12}));
  EXPECT_EQ(Ages("im nine to five at work"), V{});  // hours: the second number is smaller
  EXPECT_EQ(Ages("i am 8 to 5 everyday"), V{});
  EXPECT_EQ(Ages("ako ay labindalawang taong gulang"), V{12});  // the linker written on
  EXPECT_EQ(Ages("sampung taon na ako"), V{10});
  EXPECT_EQ(Ages("im 12 years"), V{12});
  EXPECT_EQ(Ages("12 years ko"), V{12});
  // Compound number words are one number, not an age of their units.
  EXPECT_EQ(Ages("i am twenty five years old"), V{25});
  EXPECT_EQ(Ages("im thirty five years old"), V{35});
  EXPECT_EQ(Ages("bente singko anyos na ako"), V{25});
  EXPECT_EQ(Ages("trenta y singko anyos"), V{35});
  EXPECT_EQ(Ages("she is five years old"), V{5});
  // A sibling or cousin offered by a relative, the age after the kin word.
  EXPECT_EQ(Ages("my sister 12"), V{12});
  EXPECT_EQ(Ages("my little brother 9 and my cousin 13"), (V{9, 13}));
  EXPECT_EQ(Ages("kapatid ko 11"), V{11});
  EXPECT_EQ(Ages("pinsan ko 10"), V{10});
  EXPECT_EQ(Ages("siya ay 10"), V{10});
  EXPECT_EQ(Ages("my sister 2 hours ago"), V{});
  EXPECT_EQ(Ages("my brother 500 pesos"), V{});
  EXPECT_EQ(Ages("12 yearsold"), V{12});
  EXPECT_EQ(Ages("12 y"), V{12});
  EXPECT_EQ(Ages("13 anyos"), V{13});
  EXPECT_EQ(Ages("10 na po ako"), V{10});
  EXPECT_EQ(Ages("10 pa lang ako"), V{10});
  EXPECT_EQ(Ages("baitang 4"), V{-9});
  EXPECT_EQ(Ages("std 4"), V{-9});
  EXPECT_EQ(Ages("12 oclock"), V{});
  EXPECT_EQ(Ages("12 percent"), V{});
  EXPECT_EQ(Ages("i am 12 usdt"), V{});
}

// The normaliser reads leet "1" and "|" as i; where they stood for an l, the age parser
// still knows the word ("on1y" -> "oniy", "twe1ve" -> "tweive").
TEST(Age, LeetForLIsReadAsL) {
  EXPECT_EQ(Ages("i am on1y 12"), V{12});
  EXPECT_EQ(Ages("im on|y 12"), V{12});
  EXPECT_EQ(Ages("she is twe1ve"), V{12});
  EXPECT_EQ(Ages("e1even years o1d"), V{11});
  EXPECT_EQ(Ages("10 pa |ang ako"), V{10});
  EXPECT_EQ(Ages("labinda1awa na ako"), V{12});
  EXPECT_EQ(Ages("i am 12 |bs"), V{});  // a weight, as "12 lbs"
  bool fillers = false;
  EXPECT_EQ(Bare("on1y 11"), 11);
  EXPECT_EQ(Bare("13 |ang po", &fillers), 13);
  EXPECT_TRUE(fillers);
  EXPECT_EQ(Bare("twe1ve"), 12);
}

// US ordinal grades, grades in words, and two more leads.
TEST(Age, OrdinalGradesNumberWordGradesAndMoreLeads) {
  EXPECT_EQ(Ages("im in 6th grade"), V{-11});
  EXPECT_EQ(Ages("a 5th grader"), V{-10});
  EXPECT_EQ(Ages("grade 6th"), V{-11});
  EXPECT_EQ(Ages("1st grade"), V{-6});
  EXPECT_EQ(Ages("grade six"), V{-11});
  EXPECT_EQ(Ages("my age is 11"), V{11});
  EXPECT_EQ(Ages("i turn 12 next month"), V{12});
  EXPECT_EQ(Ages("she will turn 10"), V{10});
  EXPECT_EQ(Ages("for the 5th time"), V{});
  EXPECT_EQ(Ages("6th floor"), V{});
  EXPECT_EQ(Ages("on the 12th"), V{});
  EXPECT_EQ(Ages("13th grade"), V{});
}

TEST(Age, NumbersThatAreNotAges) {
  EXPECT_EQ(Ages("50 usd"), V{});
  EXPECT_EQ(Ages("i am 5 min away"), V{});
  EXPECT_EQ(Ages("see you at 11 pm"), V{});
  EXPECT_EQ(Ages("send 2k"), V{});
  EXPECT_EQ(Ages("i have 3 kids"), V{});
  EXPECT_EQ(Ages("room 12"), V{});
  EXPECT_EQ(Ages("price is 20"), V{});
  // Money and time units as written, not only squeezed from a run ("dolars").
  EXPECT_EQ(Ages("im 15 dollars away lol"), V{});
  EXPECT_EQ(Bare("15 dollars per cam show"), -1);
  EXPECT_EQ(Bare("20 tokens"), -1);
  EXPECT_EQ(Bare("12 weeks"), -1);
  EXPECT_EQ(Bare("15 libo"), -1);
}

// Ages written to slip past a number filter, or in the "asl" answer's shorthand.
TEST(Age, NumbersWrittenWithLettersAndSexMarkers) {
  EXPECT_EQ(Ages("1O yrs old"), V{10});  // the letter O for a zero
  EXPECT_EQ(Ages("im 2o"), V{20});
  EXPECT_EQ(Ages("l3 yrs old"), V{13});  // the letter l for a one
  EXPECT_EQ(Ages("im L2"), V{12});
  EXPECT_EQ(Ages("im 13f"), V{13});  // a sex marker glued on
  EXPECT_EQ(Ages("i am 12m po"), V{12});
  EXPECT_EQ(Ages("i have an i7 laptop"), V{});  // only l: "i7" is a processor
  EXPECT_EQ(Ages("she is i5"), V{});
  EXPECT_EQ(Ages("we play 1on1"), V{});
  EXPECT_EQ(Ages("im 10o"), V{});
  EXPECT_EQ(Ages("im 13x"), V{});
  EXPECT_EQ(Bare("13f"), 13);
  EXPECT_EQ(Bare("13f ph"), 13);
  EXPECT_EQ(Bare("12M cebu"), 12);
  EXPECT_EQ(Bare("1O"), 10);
  EXPECT_EQ(Bare("l3 po"), 13);
  EXPECT_EQ(Bare("5pm"), -1);
  EXPECT_EQ(Bare("20usd"), -1);
  EXPECT_EQ(Bare("i7"), -1);
  // The sex first: "f 13", "f/13/cebu", "f13".
  EXPECT_EQ(Bare("f 13"), 13);
  EXPECT_EQ(Bare("f/13/cebu"), 13);
  EXPECT_EQ(Bare("F13 ph"), 13);
  EXPECT_EQ(Bare("m 5 mins"), -1);
  EXPECT_EQ(Ages("my son turns 7"), V{7});
}

// A child named, then the age, and lists of ages: how a facilitator offers children.
TEST(Age, ChildNamedThenAgeAndListsOfAges) {
  EXPECT_EQ(Ages("2 girls 9 and 11"), (V{9, 11}));
  EXPECT_EQ(Ages("3 kids ages 8 10 12, 50 usd"), (V{8, 10, 12}));
  EXPECT_EQ(Ages("boy 10 or 11"), (V{10, 11}));
  EXPECT_EQ(Ages("anak ko 9 at 12"), (V{9, 12}));
  EXPECT_EQ(Ages("im 10 and 5 min away"), V{10});  // the list ends at a unit of time
  EXPECT_EQ(Ages("i have 3 kids and 2 dogs"), V{});
  EXPECT_EQ(Ages("boys 100"), V{});
}

// Text-speak leaves vowels out of the parser's words too: leads, units, tails, fillers.
TEST(Age, WordsWithTheirVowelsLeftOut) {
  EXPECT_EQ(Ages("im jst 12"), V{12});
  EXPECT_EQ(Ages("abt 13 yrs old"), V{13});
  EXPECT_EQ(Ages("trnng 12 na"), V{12});
  EXPECT_EQ(Ages("im in 6th grdr"), V{-11});
  EXPECT_EQ(Ages("i am 5 mnts away"), V{});  // minutes, not an age
  EXPECT_EQ(Bare("jst 14"), 14);
  EXPECT_EQ(Bare("arnd 13"), 13);
  bool fillers = false;
  EXPECT_EQ(Bare("10 lng po", &fillers), 10);
  EXPECT_TRUE(fillers);
}

TEST(Age, TagalogOrdinalGradesAndGrado) {
  EXPECT_EQ(Ages("ika-7 baitang ako"), V{-12});
  EXPECT_EQ(Ages("nasa ika-4 na baitang"), V{-9});
  EXPECT_EQ(Ages("ika 4 pa baitang"), V{});
  EXPECT_EQ(Ages("ika 3 grade"), V{-8});
  EXPECT_EQ(Ages("grado 6 ko"), V{-11});
  EXPECT_EQ(Ages("ika-7 ng buwan"), V{});  // the 7th of the month
  EXPECT_EQ(Ages("ika 13 baitang"), V{});
}

TEST(Age, BareAnswers) {
  EXPECT_EQ(Bare("11"), 11);
  EXPECT_EQ(Bare("12 po"), 12);
  EXPECT_EQ(Bare("13 lang"), 13);
  EXPECT_EQ(Bare("twelve"), 12);
  EXPECT_EQ(Bare("just 11"), 11);
  EXPECT_EQ(Bare("15 why?"), 15);  // an age only when it answers an age question
  EXPECT_EQ(Bare("11 and you are how old"), -1);
  EXPECT_EQ(Bare("2"), -1);
  EXPECT_EQ(Bare("hello"), -1);
}

int YesNo(std::string_view raw) {
  static auto norm = *Normaliser::Create();
  std::string s;
  norm->Normalise(raw, &s);
  return YesNoAnswer(s);
}

TEST(Age, YesNoAnswers) {
  for (const char* yes : {"yes", "Yes po", "opo", "oo", "yeah lol", "yup", "uo"}) {
    EXPECT_EQ(YesNo(yes), 1) << yes;
  }
  for (const char* no : {"no", "No po", "not yet", "hindi pa po", "di pa", "dili pa", "wala pa",
                         "wa pa ko", "nope lol", "no why?", "hnd pa"}) {
    EXPECT_EQ(YesNo(no), -1) << no;
  }
  for (const char* other : {"no im 25", "yes i am 19", "not today", "ok", "hello", "no problem",
                            "yes send it now please", "", "y"}) {
    EXPECT_EQ(YesNo(other), 0) << other;
  }
}

// Most short messages are rejected by a cheap first test before the general parse; the two
// together must answer exactly as the general parse alone, on random messages built from
// leads, numbers, number words, fillers, units and other words, with stray spaces.
TEST(Age, BareAnswerEarlyRejectAgreesWithGeneralPath) {
  const std::string_view words[] = {
      "just", "only", "im", "i", "am", "age", "mga", "around", "about", "11", "4", "3", "99", "100",
      "07", "5pm", "12yo", "twelve", "dose", "napulo", "thirten", "one", "po", "lang", "yrs", "old",
      "usd", "min", "hello", "you", "a", "ijust", "ages", "y", "o", "sir", "haha", "9", "1",
      "kwatro", "siyam", "labindalawa", "disinuwebe", "x", "13f", "12m", "5m", "1o", "2o", "l3",
      "i7", "l123", "10o", "1on1", "jst", "abt", "arnd", "lng", "yrs", "mnts", "f", "m", "f13",
      "m9", "f123",
      // l as i (the normaliser's reading of "on1y", "1ang", "twe1ve")
      "oniy", "iang", "tweive", "eieven", "iabindaiawa", "oid"};
  std::mt19937 rng(21);
  std::string s;
  int accepted = 0;
  for (int round = 0; round < 200000; ++round) {
    s.clear();
    if (rng() % 16 == 0) s += ' ';
    const int n = 1 + static_cast<int>(rng() % 8);
    for (int k = 0; k < n; ++k) {
      if (k > 0) s += rng() % 16 == 0 ? "  " : " ";
      s += words[rng() % std::size(words)];
    }
    if (rng() % 16 == 0) s += ' ';
    bool fillers = true, general_fillers = true;
    const int got = BareAgeAnswer(s, &fillers);
    const int want = BareAgeAnswerGeneral(s, &general_fillers);
    ASSERT_EQ(got, want) << "message: '" << s << "'";
    ASSERT_EQ(fillers, general_fillers) << "message: '" << s << "'";
    if (!MayBeBareAgeAnswer(s)) {
      ASSERT_EQ(want, -1) << "message: '" << s << "'";
    }
    accepted += want >= 0;
  }
  EXPECT_GT(accepted, 1000);  // the general path did accept answers to compare
}

// FindAges runs its parse only on texts with a word that could be an age's number; the two
// must find exactly what the parse alone finds, on random texts of leads, units, tails,
// grade words, numbers in every written form and other words.
TEST(Age, FindAgesFirstTestAgreesWithGeneralPath) {
  const std::string_view words[] = {
      "i",        "am",     "im",      "age", "my",     "son",   "is",    "turning", "only",
      "grade",    "gr",     "baitang", "ika", "grado",  "year",  "class", "11",      "4",
      "99",       "100",    "2026",    "07",  "5pm",    "12yo",  "13f",   "12m",     "1o",
      "l3",       "i7",     "6th",     "1st", "grade7", "year5", "gr8",   "twelve",  "dose",
      "thirteen", "napulo", "yrs",     "old", "years",  "taon",  "na",    "ako",     "po",
      "pa",       "lang",   "usd",     "k",   "min",    "hello", "send",  "you",     "cam",
      "x",        "tweive", "oniy"};
  std::mt19937 rng(29);
  std::string s;
  std::vector<AgeStatement> got, want;
  int found = 0;
  for (int round = 0; round < 200000; ++round) {
    s.clear();
    const int n = 1 + static_cast<int>(rng() % 7);
    for (int k = 0; k < n; ++k) {
      if (k > 0) s += ' ';
      s += words[rng() % std::size(words)];
    }
    FindAges(s, &got);
    FindAgesGeneral(s, &want);
    ASSERT_EQ(got.size(), want.size()) << "text: '" << s << "'";
    for (size_t k = 0; k < got.size(); ++k) {
      ASSERT_EQ(got[k].age, want[k].age) << "text: '" << s << "'";
      ASSERT_EQ(got[k].begin, want[k].begin) << "text: '" << s << "'";
      ASSERT_EQ(got[k].end, want[k].end) << "text: '" << s << "'";
    }
    if (!HasAgeCandidate(s)) {
      ASSERT_TRUE(want.empty()) << "text: '" << s << "'";
    }
    found += !want.empty();
  }
  EXPECT_GT(found, 10000);  // the general path did find ages to compare
}

}  // namespace
}  // namespace bantay::text
