// text/spelling.h: spellings texters use for a word (private to the text module), shared by
// the matcher's literal variants and the age parser's word lists.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace bantay::text {

// `phrase` (words separated by single spaces, lower case) with the vowels after a word's
// first letter left out, as text-speak writes it ("naked" -> "nkd", "western union" ->
// "wstrn union", "wstrn unn"): in each word of four letters or more that keeps three or
// more, one word at a time and, for a phrase of several such words, all at once. Shorter
// words are left whole ("cam" and "sex" would read "cm" and "sx", which are other words or
// none), and so are words whose skeleton chat uses for another word ("hbd" is happy
// birthday, not "hubad"). The phrase itself is not among them; none when no word changes.
std::vector<std::string> VowelsLeftOut(std::string_view phrase);

}  // namespace bantay::text
