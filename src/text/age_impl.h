// text/age_impl.h: the two stages of BareAgeAnswer and of FindAges
// (private to the text module; tests use them to check that a cheap first test never
// rejects what the full one accepts).
#pragma once

#include <string_view>
#include <vector>

#include "text/text.h"

namespace bantay::text {

// A cheap test run on every short message: false when `s` cannot be a bare age answer (its
// first word after at most three leads such as "just" or "im" is not a number from 4 to 99
// or a number word). True does not mean it is one.
bool MayBeBareAgeAnswer(std::string_view s);

// False for most words that are not number words ("twelve", "dose", "napulo"), by length
// and first two letters alone, so that FindAges searches the list for few words; true for
// every number word.
bool MayBeNumberWord(std::string_view w);

// Whether lower-case `w` is a number word ("twelve", "dose", "napulo"); the normaliser
// does not join a number word to the word after a hyphen ("twelve-year-old").
bool IsNumberWord(std::string_view w);

// The phrases of the age parser's lists (leads, units, tails, grade words, softeners,
// number words), whose words Matcher::ReadLeetDigits knows: "1m 13" is "im 13".
std::vector<std::string_view> AgeVocabulary();

// The number words ("eleven", "dose", "napulo"), as they appear in normalised text.
std::vector<std::string_view> NumberWords();

// Whether `w` is a unit written onto a number ("5yo", "100k", "5pm", "1st"): an age unit,
// money, time or a quantity, or an ordinal ending. Matcher::ReadLeetDigits leaves such
// words alone.
bool IsNumberUnit(std::string_view w);

// Whether a word of `s` could be the number of an age statement, as FindAges reads words: a
// number of one or two digits leading a word ("12", "12yo", "6th", "1o" for 10, "l3" for
// 13), a number word, or one or two digits ending a word of four letters or more
// ("grade7"). Most texts that reach FindAges have none (a price, a phone or control
// number, an age question): they skip the copy and the word list.
bool HasAgeCandidate(std::string_view s);

// FindAges without that test.
void FindAgesGeneral(std::string_view normalised, std::vector<AgeStatement>* out);

// BareAgeAnswer without that test.
int BareAgeAnswerGeneral(std::string_view s, bool* only_fillers);

}  // namespace bantay::text
