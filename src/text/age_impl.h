// text/age_impl.h: the two stages of BareAgeAnswer (private to the text module; tests use
// them to check that the first never rejects what the second accepts).
#pragma once

#include <string_view>

namespace bantay::text {

// A cheap test run on every short message: false when `s` cannot be a bare age answer (its
// first word after at most three leads such as "just" or "im" is not a number from 4 to 99
// or a number word). True does not mean it is one.
bool MayBeBareAgeAnswer(std::string_view s);

// BareAgeAnswer without that test.
int BareAgeAnswerGeneral(std::string_view s, bool* only_fillers);

}  // namespace bantay::text
