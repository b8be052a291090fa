// text/abbreviations.h: the chat abbreviations the normaliser expands (private to the text
// module; its tests check every one).
#pragma once

#include <string_view>

namespace bantay::text {

// Chat abbreviations, expanded as whole words (keys and values in normalised spelling).
struct Abbreviation {
  std::string_view from, to;
};
inline constexpr Abbreviation kAbbreviations[] = {
    {"u", "you"},       {"r", "are"},       {"ur", "your"},      {"urself", "yourself"},
    {"ya", "you"},      {"yu", "you"},      {"wat", "what"},     {"wut", "what"},
    {"pls", "please"},  {"plz", "please"},  {"pix", "pics"},     {"vid", "video"},
    {"vids", "videos"}, {"cuz", "because"}, {"coz", "because"},  {"bcoz", "because"},
    {"luv", "love"},    {"thru", "through"}, {"msg", "message"}, {"pvt", "private"},
    {"priv", "private"}};

}  // namespace bantay::text
