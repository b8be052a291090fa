// text/spelling.cc: see spelling.h.
#include "text/spelling.h"

#include <algorithm>
#include <cstring>
#include <iterator>
#include <utility>

namespace bantay::text {

namespace {

// Skeletons that chat already uses for another word: "hbd" is happy birthday, not "hubad";
// "ppl" people, not "pupil"; "yng" Tagalog's "yung", not "young"; "mdl" is "model" as
// often as "module"; "bbs" is babes, "prc" the professional licence, "gmt" a time zone,
// "tsp" a teaspoon, "bld" a building, "ldn" London, "twn" a town, "pss" pesos as much as
// "psst".
constexpr std::string_view kTaken[] = {"hbd", "ppl", "yng", "mdl", "bbs", "prc", "gmt", "tsp",
                                       "bld", "ldn", "twn", "mtr", "bln", "pss", "ers", "bkn"};
// And some only alone, where a phrase gives them their sense: "nds" is needs ("snd nds" is
// "send nudes"), "mny" many, "gd lck" good luck, "im sck" sick, "low btt" a battery, "so
// chp" cheap, "pnts" points.
constexpr std::string_view kTakenAlone[] = {"nds", "mny", "lck", "sck", "btt", "chp", "pnts"};

bool In(const auto& list, std::string_view w) {
  return std::find(std::begin(list), std::end(list), w) != std::end(list);
}

}  // namespace

std::vector<std::string> VowelsLeftOut(std::string_view phrase) {
  std::vector<std::pair<size_t, size_t>> words;  // begin, end
  for (size_t begin = 0; begin < phrase.size();) {
    size_t end = phrase.find(' ', begin);
    if (end == std::string_view::npos) end = phrase.size();
    words.emplace_back(begin, end);
    begin = end + 1;
  }
  // The word's skeleton, or "" when it keeps its vowels.
  const auto skeleton = [&](size_t begin, size_t end) {
    std::string w(1, phrase[begin]);
    for (size_t i = begin + 1; i < end; ++i) {
      if (std::strchr("aeiou", phrase[i]) == nullptr) w.push_back(phrase[i]);
    }
    const bool taken = In(kTaken, w) || (words.size() == 1 && In(kTakenAlone, w));
    return end - begin >= 4 && w.size() >= 3 && w.size() < end - begin && !taken ? w
                                                                                 : std::string();
  };
  std::vector<std::string> out;
  std::string all;
  for (const auto& [begin, end] : words) {
    const std::string sk = skeleton(begin, end);
    if (!all.empty()) all.push_back(' ');
    if (sk.empty()) {
      all.append(phrase.substr(begin, end - begin));
      continue;
    }
    all += sk;
    out.push_back(std::string(phrase.substr(0, begin)) + sk + std::string(phrase.substr(end)));
  }
  if (out.size() > 1) out.push_back(std::move(all));
  return out;
}

}  // namespace bantay::text
