// text/pan12_reader.cc: reads PAN 2012 sexual-predator-identification XML into Messages, and
// decodes the HTML character entities its chat texts are full of.
//
// Decisions (see ParsePan12 in text.h for the contract):
// - Expat runs in streaming mode over fixed-size blocks; every location is the physical line
//   of the file (XML_GetCurrentLineNumber), not PAN12's per-conversation `line` attribute.
// - A message's `where` is "file:line" of its <message> start tag. A field's rejection names
//   the line of that field's element when it exists, else the line of the <message>.
// - HTML entities written straight into the XML (&nbsp; &eacute; ...) are not XML errors:
//   the parser behaves as if the document had an unread external DTD, so undefined entities
//   are handed back verbatim and decoded with the rest by DecodeEntities.
// - A conversation without an id is reported once and its messages get the synthetic id
//   "file:line" of its start tag, so that id-less conversations are never merged together.
// - A message without an author (or with an empty one) is rejected and skipped. A message
//   with a bad time is kept without a time and the time is reported with
//   Rejection::repaired set (the record is repaired and counted), as is a missing
//   conversation id. A missing or empty time or text is not an error.
// - The first fatal XML error (malformed or truncated file) stops the parse: everything
//   completed before it has been emitted, and one rejection names the line and expat's reason.

#include <expat.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "text/text.h"

namespace bantay::text {

namespace {

// ---- Entities -------------------------------------------------------------------------------

struct NamedEntity {
  std::string_view name;
  uint32_t code_point;
};

// Sorted by name (byte order) for binary search. The XML five, their HTML5 upper-case
// aliases, and the HTML entities that turn up in chat logs: spaces and invisible marks
// (which obfuscation uses), quotes and dashes, currency, and Latin-1 letters.
constexpr NamedEntity kNamedEntities[] = {
    {"AElig", 0xC6},   {"AMP", 0x26},     {"Aacute", 0xC1},  {"Acirc", 0xC2},
    {"Agrave", 0xC0},  {"Aring", 0xC5},   {"Atilde", 0xC3},  {"Auml", 0xC4},
    {"Ccedil", 0xC7},  {"Eacute", 0xC9},  {"Ecirc", 0xCA},   {"Egrave", 0xC8},
    {"Euml", 0xCB},    {"GT", 0x3E},      {"Iacute", 0xCD},  {"Icirc", 0xCE},
    {"Igrave", 0xCC},  {"Iuml", 0xCF},    {"LT", 0x3C},      {"Ntilde", 0xD1},
    {"Oacute", 0xD3},  {"Ocirc", 0xD4},   {"Ograve", 0xD2},  {"Oslash", 0xD8},
    {"Otilde", 0xD5},  {"Ouml", 0xD6},    {"QUOT", 0x22},    {"Uacute", 0xDA},
    {"Ucirc", 0xDB},   {"Ugrave", 0xD9},  {"Uuml", 0xDC},    {"Yacute", 0xDD},
    {"aacute", 0xE1},  {"acirc", 0xE2},   {"acute", 0xB4},   {"aelig", 0xE6},
    {"agrave", 0xE0},  {"amp", 0x26},     {"apos", 0x27},    {"aring", 0xE5},
    {"atilde", 0xE3},  {"auml", 0xE4},    {"bdquo", 0x201E}, {"brvbar", 0xA6},
    {"bull", 0x2022},  {"ccedil", 0xE7},  {"cedil", 0xB8},   {"cent", 0xA2},
    {"copy", 0xA9},    {"curren", 0xA4},  {"dagger", 0x2020}, {"darr", 0x2193},
    {"deg", 0xB0},     {"divide", 0xF7},  {"eacute", 0xE9},  {"ecirc", 0xEA},
    {"egrave", 0xE8},  {"emsp", 0x2003},  {"ensp", 0x2002},  {"euml", 0xEB},
    {"euro", 0x20AC},  {"frac12", 0xBD},  {"frac14", 0xBC},  {"frac34", 0xBE},
    {"gt", 0x3E},      {"hearts", 0x2665}, {"hellip", 0x2026}, {"iacute", 0xED},
    {"icirc", 0xEE},   {"iexcl", 0xA1},   {"igrave", 0xEC},  {"iquest", 0xBF},
    {"iuml", 0xEF},    {"laquo", 0xAB},   {"larr", 0x2190},  {"ldquo", 0x201C},
    {"lrm", 0x200E},   {"lsaquo", 0x2039}, {"lsquo", 0x2018}, {"lt", 0x3C},
    {"macr", 0xAF},    {"mdash", 0x2014}, {"micro", 0xB5},   {"middot", 0xB7},
    {"nbsp", 0xA0},    {"ndash", 0x2013}, {"not", 0xAC},     {"ntilde", 0xF1},
    {"oacute", 0xF3},  {"ocirc", 0xF4},   {"ograve", 0xF2},  {"ordf", 0xAA},
    {"ordm", 0xBA},    {"oslash", 0xF8},  {"otilde", 0xF5},  {"ouml", 0xF6},
    {"para", 0xB6},    {"permil", 0x2030}, {"plusmn", 0xB1}, {"pound", 0xA3},
    {"quot", 0x22},    {"raquo", 0xBB},   {"rarr", 0x2192},  {"rdquo", 0x201D},
    {"reg", 0xAE},     {"rlm", 0x200F},   {"rsaquo", 0x203A}, {"rsquo", 0x2019},
    {"sbquo", 0x201A}, {"sect", 0xA7},    {"shy", 0xAD},     {"sup1", 0xB9},
    {"sup2", 0xB2},    {"sup3", 0xB3},    {"szlig", 0xDF},   {"thinsp", 0x2009},
    {"times", 0xD7},   {"trade", 0x2122}, {"uacute", 0xFA},  {"uarr", 0x2191},
    {"ucirc", 0xFB},   {"ugrave", 0xF9},  {"uml", 0xA8},     {"uuml", 0xFC},
    {"yacute", 0xFD},  {"yen", 0xA5},     {"yuml", 0xFF},    {"zwj", 0x200D},
    {"zwnj", 0x200C},
};

static_assert(std::is_sorted(std::begin(kNamedEntities), std::end(kNamedEntities),
                             [](const NamedEntity& a, const NamedEntity& b) {
                               return a.name < b.name;
                             }),
              "kNamedEntities must be sorted by name for binary search");

// Longest entity body (between '&' and ';') worth looking at: "#x10FFFF" with a few leading
// zeros, or the longest name above.
constexpr size_t kMaxEntityBody = 16;

constexpr uint32_t kInvalidCodePoint = UINT32_MAX;

uint32_t LookupNamed(std::string_view name) {
  auto it = std::lower_bound(std::begin(kNamedEntities), std::end(kNamedEntities), name,
                             [](const NamedEntity& e, std::string_view n) { return e.name < n; });
  if (it == std::end(kNamedEntities) || it->name != name) return kInvalidCodePoint;
  return it->code_point;
}

// The code point of a numeric entity body ("#39", "#x27"), or kInvalidCodePoint.
uint32_t ParseNumeric(std::string_view body) {
  // body[0] == '#'
  size_t i = 1;
  int base = 10;
  if (i < body.size() && (body[i] == 'x' || body[i] == 'X')) {
    base = 16;
    ++i;
  }
  if (i == body.size()) return kInvalidCodePoint;
  uint32_t value = 0;
  for (; i < body.size(); ++i) {
    char c = body[i];
    uint32_t digit;
    if (c >= '0' && c <= '9') {
      digit = static_cast<uint32_t>(c - '0');
    } else if (base == 16 && c >= 'a' && c <= 'f') {
      digit = static_cast<uint32_t>(c - 'a' + 10);
    } else if (base == 16 && c >= 'A' && c <= 'F') {
      digit = static_cast<uint32_t>(c - 'A' + 10);
    } else {
      return kInvalidCodePoint;
    }
    value = value * static_cast<uint32_t>(base) + digit;
    if (value > 0x10FFFF) return kInvalidCodePoint;  // also stops overflow
  }
  if (value == 0 || (value >= 0xD800 && value <= 0xDFFF)) return kInvalidCodePoint;
  return value;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// One round of decoding. Returns false (and leaves `out` unspecified) when `in` holds no
// decodable entity, so that the caller can stop.
bool DecodeOnce(std::string_view in, std::string* out) {
  out->clear();
  bool changed = false;
  size_t copied = 0;  // in[copied, pos) is still to be copied
  size_t pos = in.find('&');
  while (pos != std::string_view::npos) {
    size_t limit = std::min(in.size(), pos + 2 + kMaxEntityBody);
    size_t semi = in.find(';', pos + 1);
    uint32_t cp = kInvalidCodePoint;
    if (semi != std::string_view::npos && semi < limit && semi > pos + 1) {
      std::string_view body = in.substr(pos + 1, semi - pos - 1);
      cp = body[0] == '#' ? ParseNumeric(body) : LookupNamed(body);
    }
    if (cp == kInvalidCodePoint) {
      pos = in.find('&', pos + 1);
      continue;
    }
    if (!changed) out->reserve(in.size());
    changed = true;
    out->append(in.data() + copied, pos - copied);
    AppendUtf8(cp, out);
    copied = semi + 1;
    pos = in.find('&', copied);
  }
  if (changed) out->append(in.data() + copied, in.size() - copied);
  return changed;
}

// ---- PAN12 ----------------------------------------------------------------------------------

constexpr int kMaxDecodeRounds = 3;
constexpr size_t kParseBlockBytes = 256 << 10;

std::string_view TrimAscii(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n\f\v";
  size_t b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(kSpace);
  return s.substr(b, e - b + 1);
}

// "H:MM", "HH:MM" or "HH:MM:SS" to milliseconds after midnight, or -1.
int64_t ParsePanTime(std::string_view s) {
  auto two_digits = [](std::string_view d, int max) -> int {
    if (d.size() != 2 || d[0] < '0' || d[0] > '9' || d[1] < '0' || d[1] > '9') return -1;
    int v = (d[0] - '0') * 10 + (d[1] - '0');
    return v <= max ? v : -1;
  };
  size_t colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 2) return -1;
  std::string_view hh = s.substr(0, colon);
  int hours = hh.size() == 1 ? (hh[0] >= '0' && hh[0] <= '9' ? hh[0] - '0' : -1)
                             : two_digits(hh, 23);
  if (hours < 0) return -1;
  std::string_view rest = s.substr(colon + 1);
  int seconds = 0;
  if (rest.size() == 5 && rest[2] == ':') {
    seconds = two_digits(rest.substr(3), 59);
    if (seconds < 0) return -1;
    rest = rest.substr(0, 2);
  }
  int minutes = two_digits(rest, 59);
  if (minutes < 0) return -1;
  return ((int64_t{hours} * 60 + minutes) * 60 + seconds) * 1000;
}

enum class Field { kNone, kAuthor, kTime, kText };

// Parser state shared with expat's callbacks.
class Pan12Parser {
 public:
  Pan12Parser(XML_Parser parser, std::string_view file_name,
              const std::function<void(Message&&)>& on_message, std::vector<Rejection>* rejects)
      : parser_(parser), file_(file_name), on_message_(on_message), rejects_(rejects) {}

  // Feeds the whole input to expat in blocks. Reports the first fatal error.
  void Run(std::string_view content);

  static void XMLCALL OnStart(void* self, const XML_Char* name, const XML_Char** attrs) {
    static_cast<Pan12Parser*>(self)->Start(name, attrs);
  }
  static void XMLCALL OnEnd(void* self, const XML_Char* name) {
    static_cast<Pan12Parser*>(self)->End(name);
  }
  static void XMLCALL OnText(void* self, const XML_Char* s, int len) {
    auto* p = static_cast<Pan12Parser*>(self);
    if (p->capture_ != nullptr && !p->stopped_ && len > 0) {
      p->capture_->append(s, static_cast<size_t>(len));
    }
  }
  // An entity the document never declared (HTML's &nbsp; written straight into the XML):
  // kept as written, for DecodeEntities.
  static void XMLCALL OnSkippedEntity(void* self, const XML_Char* name, int is_parameter) {
    auto* p = static_cast<Pan12Parser*>(self);
    if (p->capture_ != nullptr && !p->stopped_ && !is_parameter) {
      p->capture_->push_back('&');
      p->capture_->append(name);
      p->capture_->push_back(';');
    }
  }

 private:
  uint64_t Line() const { return XML_GetCurrentLineNumber(parser_); }
  // `repaired`: the record was kept after repair (it is counted, not dropped).
  void Reject(uint64_t line, std::string_view field, std::string message,
              bool repaired = false) {
    if (rejects_ != nullptr) {
      rejects_->push_back({Where(file_, line, field), std::move(message), repaired});
    }
  }
  void Stop() {
    stopped_ = true;
    XML_StopParser(parser_, XML_FALSE);
  }
  void Start(const XML_Char* name, const XML_Char** attrs);
  void End(const XML_Char* name);
  void FinishMessage();

  XML_Parser parser_;
  std::string_view file_;
  const std::function<void(Message&&)>& on_message_;
  std::vector<Rejection>* rejects_;

  bool stopped_ = false;
  bool seen_root_ = false;
  int depth_ = 0;                // of the element being read; the root is 1

  int conversation_depth_ = 0;   // 0 outside a <conversation>
  std::string conversation_id_;

  int message_depth_ = 0;        // 0 outside a <message>
  uint64_t message_line_ = 0;
  bool has_author_ = false, has_time_ = false;
  uint64_t time_line_ = 0;
  std::string author_, time_, text_;

  std::string* capture_ = nullptr;  // where character data goes, if anywhere
  int capture_depth_ = 0;           // depth of the field element being captured
};

void Pan12Parser::Start(const XML_Char* name, const XML_Char** attrs) {
  if (stopped_) return;
  ++depth_;
  std::string_view tag(name);
  if (!seen_root_) {
    seen_root_ = true;
    // A file of one conversation without the <conversations> wrapper is read too.
    if (tag != "conversations" && tag != "conversation") {
      Reject(Line(), {},
             "root element is <" + std::string(tag.substr(0, 64)) +
                 ">, not <conversations>: not PAN12 XML");
      Stop();
      return;
    }
    if (tag == "conversations") return;
  }
  if (capture_ != nullptr) return;  // markup inside a field: its text is kept, tags ignored

  if (message_depth_ != 0) {
    if (depth_ != message_depth_ + 1) return;
    if (tag == "author") {
      has_author_ = true;
      author_.clear();
      capture_ = &author_;
    } else if (tag == "time") {
      has_time_ = true;
      time_line_ = Line();
      time_.clear();
      capture_ = &time_;
    } else if (tag == "text") {
      text_.clear();
      capture_ = &text_;
    } else {
      return;  // unknown field: ignored
    }
    capture_depth_ = depth_;
    return;
  }

  if (tag == "conversation") {
    if (conversation_depth_ != 0) {
      Reject(Line(), "conversation",
             "<conversation> inside another <conversation>: its messages are read as part of "
             "the outer one",
             /*repaired=*/true);
      return;
    }
    conversation_depth_ = depth_;
    conversation_id_.clear();
    bool has_id = false;
    for (size_t i = 0; attrs[i] != nullptr && attrs[i + 1] != nullptr; i += 2) {
      if (std::strcmp(attrs[i], "id") == 0) {
        conversation_id_ = std::string(TrimAscii(attrs[i + 1]));
        has_id = true;
        break;
      }
    }
    if (!has_id || conversation_id_.empty()) {
      conversation_id_ = Where(file_, Line());
      Reject(Line(), "id",
             "conversation has no id; its messages use the synthetic id \"" + conversation_id_ +
                 "\"",
             /*repaired=*/true);
    }
    return;
  }
  if (tag == "message") {
    if (conversation_depth_ == 0) {
      Reject(Line(), "conversation", "<message> outside a <conversation>: skipped");
      return;
    }
    message_depth_ = depth_;
    message_line_ = Line();
    has_author_ = has_time_ = false;
    author_.clear();
    time_.clear();
    text_.clear();
  }
}

void Pan12Parser::End(const XML_Char* /*name*/) {
  if (stopped_) return;
  if (capture_ != nullptr && depth_ == capture_depth_) capture_ = nullptr;
  if (depth_ == message_depth_) {
    FinishMessage();
    message_depth_ = 0;
  } else if (depth_ == conversation_depth_) {
    conversation_depth_ = 0;
  }
  --depth_;
}

void Pan12Parser::FinishMessage() {
  std::string_view author = TrimAscii(author_);
  if (author.empty()) {
    Reject(message_line_, "author",
           has_author_ ? "message has an empty <author>: skipped"
                       : "message has no <author>: skipped");
    return;
  }
  Message m;
  m.conversation = conversation_id_;
  m.author = std::string(author);
  m.text = DecodeEntities(text_);
  m.line = message_line_;
  std::string_view time = TrimAscii(time_);
  if (!time.empty()) {
    int64_t ms = ParsePanTime(time);
    if (ms >= 0) {
      m.time = ms;
    } else {
      Reject(has_time_ ? time_line_ : message_line_, "time",
             "time \"" + std::string(time.substr(0, 32)) +
                 "\" is not HH:MM; message kept without a time",
             /*repaired=*/true);
    }
  }
  on_message_(std::move(m));
}

void Pan12Parser::Run(std::string_view content) {
  size_t pos = 0;
  do {
    size_t n = std::min(kParseBlockBytes, content.size() - pos);
    bool final_block = pos + n == content.size();
    XML_Status status =
        XML_Parse(parser_, content.data() + pos, static_cast<int>(n), final_block);
    pos += n;
    if (stopped_) return;  // already reported
    if (status == XML_STATUS_ERROR) {
      XML_Error code = XML_GetErrorCode(parser_);
      uint64_t line = Line();
      const XML_LChar* reason = XML_ErrorString(code);
      std::string message = seen_root_ ? "XML truncated or malformed: " : "not PAN12 XML: ";
      message += reason != nullptr ? reason : "unknown expat error";
      if (message_depth_ != 0) {
        message += "; the message begun at line " + std::to_string(message_line_) +
                   " is incomplete and was not read";
      }
      if (seen_root_) message += "; messages before this point were read";
      Reject(line, {}, std::move(message));
      return;
    }
  } while (pos < content.size());
}

}  // namespace

std::string DecodeEntities(std::string_view text) {
  std::string current(text);
  if (text.find('&') == std::string_view::npos) return current;
  std::string next;
  for (int round = 0; round < kMaxDecodeRounds; ++round) {
    if (!DecodeOnce(current, &next)) break;
    current.swap(next);
  }
  return current;
}

void ParsePan12(std::string_view content, std::string_view file_name,
                const std::function<void(Message&&)>& on_message,
                std::vector<Rejection>* rejects) {
  if (TrimAscii(content).empty()) {
    if (rejects != nullptr) {
      rejects->push_back({Where(file_name, 0), "input is empty: not PAN12 XML"});
    }
    return;
  }
  XML_Parser parser = XML_ParserCreate(nullptr);
  if (parser == nullptr) {
    if (rejects != nullptr) {
      rejects->push_back({Where(file_name, 0), "cannot create an XML parser (out of memory)"});
    }
    return;
  }
  Pan12Parser state(parser, file_name, on_message, rejects);
  XML_SetUserData(parser, &state);
  XML_SetElementHandler(parser, &Pan12Parser::OnStart, &Pan12Parser::OnEnd);
  XML_SetCharacterDataHandler(parser, &Pan12Parser::OnText);
  XML_SetSkippedEntityHandler(parser, &Pan12Parser::OnSkippedEntity);
  // Undefined entities become skipped entities instead of fatal errors (see top of file).
  // External entities are never loaded: there is no external entity handler.
  XML_UseForeignDTD(parser, XML_TRUE);
  state.Run(content);
  XML_ParserFree(parser);
}

}  // namespace bantay::text
