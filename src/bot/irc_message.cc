// bot/irc_message.cc: the IRC line parser and builder (no sockets here).
#include "bot/irc_message.h"

#include <algorithm>
#include <cctype>

namespace bantay::bot {
namespace {

// IRCv3 tag value unescaping: \: -> ';', \s -> ' ', \\ -> '\', \r, \n; others drop the '\'.
std::string UnescapeTagValue(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] != '\\') {
      out += v[i];
      continue;
    }
    if (++i == v.size()) break;
    switch (v[i]) {
      case ':': out += ';'; break;
      case 's': out += ' '; break;
      case 'r': out += '\r'; break;
      case 'n': out += '\n'; break;
      default: out += v[i];
    }
  }
  return out;
}

std::string_view NextWord(std::string_view* rest) {
  const size_t end = rest->find(' ');
  std::string_view word = rest->substr(0, end);
  *rest = end == std::string_view::npos ? std::string_view() : rest->substr(end + 1);
  while (!rest->empty() && rest->front() == ' ') rest->remove_prefix(1);
  return word;
}

bool ValidCommand(std::string_view c) {
  if (c.size() == 3 && std::all_of(c.begin(), c.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
    return true;
  }
  return !c.empty() && std::all_of(c.begin(), c.end(), [](char ch) {
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z');
  });
}

}  // namespace

std::vector<std::string> SplitUtf8(std::string_view text, size_t max_bytes) {
  std::vector<std::string> pieces;
  max_bytes = std::max<size_t>(max_bytes, 4);
  while (text.size() > max_bytes) {
    // The last sequence boundary at or before max_bytes.
    size_t cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    if (cut == 0) cut = max_bytes;  // not UTF-8 at all: cut anywhere rather than loop
    // Prefer to cut before a space in the second half of the piece: the space starts the next
    // piece, because servers (ngircd) strip trailing spaces from a line but keep leading ones.
    const size_t space = text.substr(0, cut).rfind(' ');
    if (space != std::string_view::npos && space > 0 && space >= cut / 2) cut = space;
    pieces.emplace_back(text.substr(0, cut));
    text.remove_prefix(cut);
  }
  if (!text.empty() || pieces.empty()) pieces.emplace_back(text);
  return pieces;
}

size_t PrivmsgTextBudget(size_t target_length, size_t prefix_length) {
  // ":" prefix " PRIVMSG " target " :" text "\r\n"
  const size_t overhead = 1 + prefix_length + 9 + target_length + 2 + 2;
  return overhead + 32 >= kIrcLineLimit ? 32 : kIrcLineLimit - overhead;
}

std::string IrcMessage::Nick() const {
  const size_t end = prefix.find_first_of("!@");
  return prefix.substr(0, end);
}

std::string IrcMessage::Tag(std::string_view key) const {
  for (const auto& [k, v] : tags) {
    if (k == key) return v;
  }
  return {};
}

Result<IrcMessage> ParseIrcMessage(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
  if (line.empty()) return Fail(ErrorCode::kParse, "empty line", "irc:line:command");
  IrcMessage msg;
  if (line.front() == '@') {
    line.remove_prefix(1);
    std::string_view tags = NextWord(&line);
    while (!tags.empty()) {
      const size_t semi = tags.find(';');
      std::string_view tag = tags.substr(0, semi);
      tags = semi == std::string_view::npos ? std::string_view() : tags.substr(semi + 1);
      if (tag.empty()) continue;
      const size_t eq = tag.find('=');
      std::string key = RepairUtf8(tag.substr(0, eq));
      std::string value =
          eq == std::string_view::npos ? std::string() : RepairUtf8(UnescapeTagValue(tag.substr(eq + 1)));
      msg.tags.emplace_back(std::move(key), std::move(value));
    }
  }
  if (!line.empty() && line.front() == ':') {
    line.remove_prefix(1);
    msg.prefix = RepairUtf8(NextWord(&line));
    if (msg.prefix.empty()) return Fail(ErrorCode::kParse, "empty prefix", "irc:line:prefix");
  }
  const std::string_view command = NextWord(&line);
  if (command.empty()) return Fail(ErrorCode::kParse, "no command", "irc:line:command");
  if (!ValidCommand(command)) {
    return Fail(ErrorCode::kParse, "command is neither a word nor a three-digit numeric",
                "irc:line:command");
  }
  msg.command.reserve(command.size());
  for (char c : command) msg.command += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  while (!line.empty()) {
    if (line.front() == ':') {
      msg.params.push_back(RepairUtf8(line.substr(1)));
      break;
    }
    msg.params.push_back(RepairUtf8(NextWord(&line)));
  }
  return msg;
}

std::string FormatIrcLine(std::string_view command, const std::vector<std::string>& params) {
  std::string out(command);
  for (size_t i = 0; i < params.size(); ++i) {
    out += ' ';
    if (i + 1 == params.size()) out += ':';
    for (char c : params[i]) out += (c == '\r' || c == '\n' || c == '\0') ? ' ' : c;
  }
  out += "\r\n";
  return out;
}

}  // namespace bantay::bot
