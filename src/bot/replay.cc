// bot/replay.cc: the court question, "why did the agent say that?": a recorded transcript
// is fed back through the same classifier, extractor and policy, and the agent lines they
// produce must equal the recorded ones.
#include <deque>

#include <nlohmann/json.hpp>

#include "bot/bot.h"
#include "bot/policy.h"

namespace bantay::bot {

std::string TranscriptJsonl(const ConversationSummary& summary,
                            const std::vector<TranscriptLine>& lines, const EngineOptions& options,
                            const Persona& persona) {
  nlohmann::json header = {{"conversation", summary.id},
                           {"network", summary.network},
                           {"partner", summary.partner},
                           {"persona", persona.name},
                           {"seed", options.seed},
                           {"max_identification_turns", options.max_identification_turns},
                           {"details_for_notice", options.details_for_notice},
                           {"deterrence_notice", options.deterrence_notice.empty()
                                                     ? persona.deterrence_notice
                                                     : options.deterrence_notice}};
  std::string out = header.dump() + "\n";
  for (const auto& l : lines) {
    nlohmann::json j = {{"seq", l.seq}, {"time", FormatRfc3339(l.time_ms)}, {"speaker", l.speaker},
                        {"text", l.text}, {"bank_entry", l.bank_entry}};
    out += j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  }
  return out;
}

Result<ReplayResult> Replay(std::string_view jsonl, std::string_view file_name,
                            const Persona& persona, std::shared_ptr<const Classifier> classifier) {
  if (!classifier) return Fail(ErrorCode::kInvalidArgument, "replay needs a classifier");
  ReplayResult result;
  std::unique_ptr<Policy> policy;
  std::string partner;
  PolicyState ps;
  struct Expected {
    std::string text, entry;
  };
  std::deque<Expected> expected;  // decided, not yet matched with a recorded line
  uint64_t line_no = 0;
  size_t pos = 0;
  auto differ = [&](std::string what) {
    if (result.identical) {
      result.identical = false;
      result.first_difference = "line " + std::to_string(line_no) + ": " + std::move(what);
    }
  };
  while (pos < jsonl.size()) {
    size_t nl = jsonl.find('\n', pos);
    std::string_view raw = jsonl.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? jsonl.size() : nl + 1;
    ++line_no;
    if (raw.empty() || raw == "\r") continue;
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(raw);
    } catch (const nlohmann::json::exception& e) {
      return Fail(ErrorCode::kParse, std::string("not JSON: ") + e.what(), Where(file_name, line_no));
    }
    if (!j.is_object()) return Fail(ErrorCode::kParse, "not an object", Where(file_name, line_no));
    auto str = [&](const char* key) -> Result<std::string> {
      auto it = j.find(key);
      if (it == j.end() || !it->is_string()) {
        return Fail(ErrorCode::kParse, "missing or not a string", Where(file_name, line_no, key));
      }
      return it->get<std::string>();
    };
    if (!policy) {
      PolicyOptions po;
      auto seed = j.find("seed");
      if (seed == j.end() || !seed->is_number_unsigned()) {
        return Fail(ErrorCode::kParse, "header needs an unsigned seed", Where(file_name, line_no, "seed"));
      }
      po.seed = seed->get<uint64_t>();
      auto p = str("partner");
      if (!p) return tl::unexpected(p.error());
      partner = *p;
      for (const char* key : {"max_identification_turns", "details_for_notice"}) {
        auto it = j.find(key);
        if (it == j.end() || !it->is_number_integer()) {
          return Fail(ErrorCode::kParse, "header needs an integer", Where(file_name, line_no, key));
        }
        (std::string_view(key) == "details_for_notice" ? po.details_for_notice
                                                       : po.max_identification_turns) = it->get<int>();
      }
      auto notice = str("deterrence_notice");
      if (!notice) return tl::unexpected(notice.error());
      po.deterrence_notice = *notice;
      policy = std::make_unique<Policy>(persona, po);
      continue;
    }
    auto speaker = str("speaker");
    if (!speaker) return tl::unexpected(speaker.error());
    auto text = str("text");
    if (!text) return tl::unexpected(text.error());
    auto seq = j.find("seq");
    if (seq == j.end() || !seq->is_number_unsigned()) {
      return Fail(ErrorCode::kParse, "missing or not an unsigned integer", Where(file_name, line_no, "seq"));
    }
    auto decide = [&](const Decision& d) {
      if (d.reply()) expected.push_back({std::string(d.text), d.bank_entry});
    };
    if (*speaker == "partner") {
      std::vector<Detail> found = ExtractDetails(*text, seq->get<uint64_t>(), persona.country);
      Classification c = classifier->Classify(*text, &found);
      if (ps.state == State::kTakenOver) {
        Policy::Observe(&ps, c);
        ++ps.partner_lines;
      } else {
        decide(policy->OnPartnerLine(&ps, c, found, partner));
      }
    } else if (*speaker == "agent") {
      auto entry = str("bank_entry");
      if (!entry) return tl::unexpected(entry.error());
      ++result.agent_lines;
      if (expected.empty()) {
        differ("recorded agent line '" + *text + "' (entry " + *entry + "), replay has none");
        continue;
      }
      Expected e = expected.front();
      expected.pop_front();
      if (e.text != *text || e.entry != *entry) {
        differ("recorded '" + *text + "' (entry " + *entry + "), replayed '" + e.text +
               "' (entry " + e.entry + ")");
      }
    } else if (*speaker == "system") {
      std::string_view t = *text;
      if (t.starts_with(kEventTakenOver)) {
        expected.clear();  // replies pending at takeover were dropped
        Policy::TakeOver(&ps);
      } else if (t.starts_with(kEventHandedBack)) {
        Policy::HandBack(&ps);
      } else if (t.starts_with(kEventEnded) || t.starts_with(kEventPartnerLeft)) {
        expected.clear();
        ps.state = t.starts_with(kEventEnded) ? State::kClosed : State::kEndedByPartner;
      } else if (t == kEventInactivity) {
        decide(policy->OnInactivity(&ps));
      } else if (t.starts_with(kEventBlockedAgent) || t.starts_with(kEventNotSent)) {
        if (!expected.empty()) expected.pop_front();
      }
    }
  }
  if (!policy) return Fail(ErrorCode::kParse, "empty transcript (no header line)", Where(file_name, 1));
  if (!expected.empty()) {
    ++line_no;
    differ("replay produces '" + expected.front().text + "' (entry " + expected.front().entry +
           ") after the last recorded line");
  }
  return result;
}

}  // namespace bantay::bot
