// bot/irc_message.h: IRC protocol lines (RFC 2812 with IRCv3 message tags) parsed and built,
// apart from any socket, so that the parser can be fuzzed and tested on its own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/core.h"
#include "core/utf8.h"  // RepairUtf8: parameters are repaired as they are parsed

namespace bantay::bot {

// RFC 2812 2.3: a message is at most 512 bytes including the trailing CR LF.
inline constexpr size_t kIrcLineLimit = 512;

// One parsed line: "@tags :prefix COMMAND param param :trailing".
struct IrcMessage {
  std::vector<std::pair<std::string, std::string>> tags;  // IRCv3 tags, values unescaped
  std::string prefix;    // "nick!user@host" or a server name; empty when absent
  std::string command;   // upper-cased word or a three-digit numeric
  std::vector<std::string> params;  // the trailing parameter, if any, is the last one

  // The nick part of `prefix` (everything before '!' or '@').
  std::string Nick() const;
  // The value of tag `key`, or empty.
  std::string Tag(std::string_view key) const;
};

// Parses one line without its CR LF. Invalid UTF-8 in parameters is replaced by U+FFFD.
// A line that is empty, has no command, or a command that is neither letters nor a
// three-digit numeric is an error (kParse) saying which part is wrong.
Result<IrcMessage> ParseIrcMessage(std::string_view line);

// Builds "COMMAND p1 p2 :last\r\n". CR, LF and NUL in any parameter become spaces so that a
// parameter can never inject a second command; the last parameter is always sent as trailing.
std::string FormatIrcLine(std::string_view command, const std::vector<std::string>& params);

// Splits `text` into pieces of at most `max_bytes` bytes each, never inside a UTF-8 sequence,
// preferring to cut before a space (which then starts the next piece). Every byte of `text` is in exactly one piece, in order.
// REQUIRES: max_bytes >= 4.
std::vector<std::string> SplitUtf8(std::string_view text, size_t max_bytes);

// How many bytes of text fit into one "PRIVMSG target :text\r\n" line that the server relays
// as ":nick!user@host PRIVMSG target :text\r\n", given the sender's prefix length (RFC 2812
// limits the relayed line, so the prefix counts). Always at least 32.
size_t PrivmsgTextBudget(size_t target_length, size_t prefix_length);

}  // namespace bantay::bot
