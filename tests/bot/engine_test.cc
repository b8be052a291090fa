// tests/bot/engine_test.cc: the engine end to end over the loopback connector on a manual
// clock: the agent never speaks first, chats without escalating, steers a soliciting partner
// to identification and then to the deterrence notice, records every line with its author
// and bank entry in the transcript and the ledger, and obeys operators.
#include <map>
#include <set>

#include "bot_test_util.h"

namespace bantay::bot {
namespace {

using testing::Rig;

EngineOptions Instant() {
  EngineOptions o;
  o.delay_scale = 0;
  return o;
}

TEST(Engine, NeverSpeaksFirst) {
  Rig rig(Instant());
  EXPECT_TRUE(rig.engine->Conversations().empty());
  rig.clock.Advance(24 * 3600 * 1000);
  EXPECT_EQ(rig.loop->sent_count(), 0u);
}

TEST(Engine, SmallTalkStaysSmallTalk) {
  Rig rig(Instant());
  for (const std::string line : {"hello", "how are you today", "what did you eat", "nice weather",
                                 "i like dogs", "ok bye"}) {
    ASSERT_TRUE(rig.loop->Inject("chatter", line));
  }
  auto convs = rig.engine->Conversations();
  ASSERT_EQ(convs.size(), 1u);
  EXPECT_EQ(convs[0].state, "small_talk");
  EXPECT_EQ(convs[0].level, 0);
  auto lines = rig.Lines("chatter");
  ASSERT_EQ(lines.size(), 12u);
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(lines[i].speaker, i % 2 == 0 ? "partner" : "agent");
    if (lines[i].speaker == "agent") {
      EXPECT_FALSE(lines[i].bank_entry.empty());
      EXPECT_TRUE(lines[i].bank_entry.starts_with("greet.") ||
                  lines[i].bank_entry.starts_with("talk."))
          << lines[i].bank_entry;
    }
  }
  EXPECT_EQ(rig.engine->Counters().total.identifications, 0u);
}

TEST(Engine, SolicitorIsIdentifiedThenDeterred) {
  Rig rig(Instant());
  const std::vector<std::string> script = {
      "hi there", "how old are you", "i want a private show, i pay with paypal",
      "my name is Tom", "i am from Leeds", "ok my email is tom.r77@example.com"};
  for (const auto& line : script) ASSERT_TRUE(rig.loop->Inject("tom", line));
  const std::string id = rig.ConversationOf("tom");
  auto convs = rig.engine->Conversations();
  ASSERT_EQ(convs.size(), 1u);
  EXPECT_EQ(convs[0].state, "closed");
  EXPECT_GE(convs[0].level, 4);  // solicitation and payment
  auto lines = rig.Lines("tom");
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.back().speaker, "agent");
  EXPECT_EQ(lines.back().bank_entry, "deterrence");
  EXPECT_EQ(lines.back().text, testing::ThePersona().deterrence_notice);
  // After intent, every agent line before the notice asks for a detail.
  bool after_intent = false;
  for (const auto& l : lines) {
    if (l.speaker == "partner" && l.text.find("private show") != std::string::npos) after_intent = true;
    if (after_intent && l.speaker == "agent" && l.bank_entry != "deterrence") {
      EXPECT_TRUE(l.bank_entry.starts_with("ask.")) << l.bank_entry;
    }
  }
  auto details = rig.engine->Details(id);
  ASSERT_TRUE(details.has_value());
  std::set<std::string> kinds;
  for (const auto& d : *details) kinds.insert(d.kind + "=" + d.value);
  EXPECT_TRUE(kinds.count("name=Tom"));
  EXPECT_TRUE(kinds.count("location=Leeds"));
  EXPECT_TRUE(kinds.count("email=tom.r77@example.com"));
  Dashboard dash = rig.engine->Counters();
  EXPECT_EQ(dash.total.identifications, 1u);
  EXPECT_EQ(dash.total.notices, 1u);
  EXPECT_EQ(dash.total.intents[static_cast<size_t>(Intent::kPayment)], 1u);
  EXPECT_EQ(dash.by_day.size(), 1u);
  // Every transcript line is in the ledger, in order, with speaker and bank entry, as the
  // digest of its text: the text itself stays out of the ledger, so that retention can erase
  // a conversation without intent without breaking the chain.
  auto recs = rig.Records("bot/" + id, "message");
  ASSERT_EQ(recs.size(), lines.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_FALSE(recs[i].body.contains("text"));
    EXPECT_EQ(recs[i].body["sha256"], evidence::Sha256Hex(lines[i].text));
    EXPECT_EQ(recs[i].body["bytes"], lines[i].text.size());
    EXPECT_EQ(recs[i].body["speaker"], lines[i].speaker);
    if (!lines[i].bank_entry.empty()) {
      EXPECT_EQ(recs[i].body["bank_entry"], lines[i].bank_entry);
    }
  }
  // More lines after the notice are recorded, never answered.
  const size_t sent = rig.loop->SentTo("tom").size();
  ASSERT_TRUE(rig.loop->Inject("tom", "hello??"));
  EXPECT_EQ(rig.loop->SentTo("tom").size(), sent);
  EXPECT_EQ(rig.engine->Conversations().size(), 1u);
}

TEST(Engine, StallingPartnerGetsTheNoticeOnInactivity) {
  EngineOptions o = Instant();
  o.inactivity_ms = 10 * 60 * 1000;
  Rig rig(o);
  ASSERT_TRUE(rig.loop->Inject("s", "hi"));
  ASSERT_TRUE(rig.loop->Inject("s", "do a cam show for me"));
  EXPECT_EQ(rig.engine->Conversations()[0].state, "identification");
  rig.clock.Advance(o.inactivity_ms);
  auto lines = rig.Lines("s");
  EXPECT_EQ(lines.back().bank_entry, "deterrence");
  EXPECT_EQ(rig.engine->Conversations()[0].state, "closed");
}

TEST(Engine, DelaysComeFromTheTypingModelAndKeepOrder) {
  EngineOptions o;
  o.delay_scale = 1.0;
  Rig rig(o);
  ASSERT_TRUE(rig.loop->Inject("d", "hello"));
  ASSERT_TRUE(rig.loop->Inject("d", "how are you"));
  EXPECT_EQ(rig.loop->sent_count(), 0u);  // typing
  EXPECT_EQ(rig.clock.pending(), 4u);     // two replies, two inactivity checks
  rig.clock.Advance(1000);
  EXPECT_EQ(rig.loop->sent_count(), 0u);  // the persona's base delay is 2.5 s +- 35%
  rig.clock.Advance(120 * 1000);
  EXPECT_EQ(rig.loop->sent_count(), 2u);
  auto lines = rig.Lines("d");
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[2].speaker, "agent");
  EXPECT_TRUE(lines[2].bank_entry.starts_with("greet."));
  EXPECT_GT(lines[2].time_ms, lines[1].time_ms);
}

TEST(Engine, OperatorTakeoverSilencesTheAgentAndIsAttributed) {
  EngineOptions o;
  o.delay_scale = 1.0;
  Rig rig(o);
  ASSERT_TRUE(rig.loop->Inject("p", "hello"));
  const std::string id = rig.ConversationOf("p");
  ASSERT_TRUE(rig.engine->TakeOver(id, "ana").has_value());
  EXPECT_FALSE(rig.engine->TakeOver(id, "ben").has_value());
  EXPECT_FALSE(rig.engine->OperatorSay(id, "ben", "hi").has_value());
  rig.clock.Advance(120 * 1000);  // the agent's pending reply is dropped
  EXPECT_EQ(rig.loop->sent_count(), 0u);
  ASSERT_TRUE(rig.loop->Inject("p", "are you there, i send gcash"));
  rig.clock.Advance(120 * 1000);
  EXPECT_EQ(rig.loop->sent_count(), 0u);
  ASSERT_TRUE(rig.engine->OperatorSay(id, "ana", "hello po, sorry").has_value());
  EXPECT_EQ(rig.loop->SentTo("p"), std::vector<std::string>{"hello po, sorry"});
  auto convs = rig.engine->Conversations();
  EXPECT_TRUE(convs[0].taken_over);
  EXPECT_EQ(convs[0].operator_id, "ana");
  EXPECT_EQ(convs[0].state, "taken_over");
  EXPECT_GE(convs[0].level, 3);  // intent seen while held still ratchets
  ASSERT_TRUE(rig.engine->HandBack(id, "ana").has_value());
  EXPECT_EQ(rig.engine->Conversations()[0].state, "identification");
  ASSERT_TRUE(rig.loop->Inject("p", "ok"));
  rig.clock.Advance(120 * 1000);
  auto lines = rig.Lines("p");
  std::vector<std::string> speakers;
  for (const auto& l : lines) speakers.push_back(l.speaker);
  EXPECT_EQ(speakers, (std::vector<std::string>{"partner", "system", "partner", "operator:ana",
                                                "system", "partner", "agent"}));
  EXPECT_TRUE(lines.back().bank_entry.starts_with("ask."));
  ASSERT_TRUE(rig.engine->End(id, "ana").has_value());
  EXPECT_EQ(rig.engine->Conversations()[0].state, "closed");
  EXPECT_FALSE(rig.engine->Transcript("nope").has_value());
}

TEST(Engine, ObserverSeesEveryLineInOrder) {
  Rig rig(Instant());
  std::vector<uint64_t> seqs;
  size_t changes = 0;
  rig.engine->SetObserver([&](const ConversationSummary& s, const TranscriptLine* l) {
    if (l) {
      seqs.push_back(l->seq);
    } else {
      ++changes;
    }
  });
  ASSERT_TRUE(rig.loop->Inject("o", "hello"));
  ASSERT_TRUE(rig.loop->Inject("o", "how old are you"));
  EXPECT_EQ(seqs, (std::vector<uint64_t>{0, 1, 2, 3}));
  EXPECT_GE(changes, 2u);  // opened, small talk, assessment
}

TEST(Engine, ReturnAfterNoticeMarksRepeatOffenderAndRaisesReferral) {
  EngineOptions o = Instant();
  o.new_session_gap_ms = 3600 * 1000;
  Rig rig(o);
  auto solicit = [&] {
    for (const std::string line : {"hi", "private show for me? i pay gcash", "my name is Rob",
                                   "my email is rob@example.org"}) {
      ASSERT_TRUE(rig.loop->Inject("rob", line));
    }
  };
  solicit();
  ASSERT_EQ(rig.engine->Conversations().back().state, "closed");
  rig.clock.Advance(2 * 3600 * 1000);
  ASSERT_TRUE(rig.loop->Inject("rob", "hi again"));
  auto convs = rig.engine->Conversations();
  ASSERT_EQ(convs.size(), 2u);
  auto profile = rig.engine->ProfileOf(convs[1].id);
  ASSERT_TRUE(profile.has_value());
  EXPECT_TRUE(profile->repeat_offender);
  EXPECT_TRUE(profile->referral);
  EXPECT_EQ(profile->conversations.size(), 2u);
  EXPECT_EQ(rig.engine->Counters().total.repeat_offenders, 1u);
}

TEST(Engine, ProfilesMergeOnSharedEmailAcrossNicks) {
  Rig rig(Instant());
  ASSERT_TRUE(rig.loop->Inject("nick_a", "hi, email me at same.guy@example.net"));
  ASSERT_TRUE(rig.loop->Inject("nick_b", "hello, i am same.guy@example.net"));
  ASSERT_TRUE(rig.loop->Inject("nick_c", "hello"));
  auto profiles = rig.engine->Profiles();
  ASSERT_EQ(profiles.size(), 2u);
  EXPECT_EQ(profiles[0].nicks, (std::vector<std::string>{"nick_a", "nick_b"}));
  EXPECT_EQ(profiles[0].conversations.size(), 2u);
}

TEST(Engine, PartnerLeavingEndsTheConversation) {
  EngineOptions o;
  o.delay_scale = 1;
  Rig rig(o);
  ASSERT_TRUE(rig.loop->Inject("q", "hello"));
  ASSERT_TRUE(rig.loop->InjectEvent(ConnectorEvent::Kind::kPartnerLeft, "q"));
  rig.clock.Advance(120 * 1000);
  EXPECT_EQ(rig.loop->sent_count(), 0u);
  EXPECT_EQ(rig.engine->Conversations()[0].state, "ended_by_partner");
}

TEST(Engine, OversizedAndInvalidLinesAreKeptSafely) {
  EngineOptions o = Instant();
  o.max_line_bytes = 64;
  Rig rig(o);
  std::string big(1000, 'a');
  ASSERT_TRUE(rig.loop->Inject("x", big));
  ASSERT_TRUE(rig.loop->Inject("x", std::string("bad \xff\xfe utf8")));
  auto lines = rig.Lines("x");
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(lines[0].text.size(), 64u);
  EXPECT_EQ(lines[1].speaker, "system");
  EXPECT_EQ(rig.Records("bot/" + rig.ConversationOf("x"), "message").size(), rig.Lines("x").size());
}

TEST(Engine, ConversationIdsStartAtTheConfiguredNumber) {
  EngineOptions o = Instant();
  o.first_conversation = 42;
  Rig rig(o);
  ASSERT_TRUE(rig.loop->Inject("a", "hello"));
  ASSERT_TRUE(rig.loop->Inject("b", "hello"));
  EXPECT_EQ(rig.ConversationOf("a"), "B-000042");
  EXPECT_EQ(rig.ConversationOf("b"), "B-000043");
  EXPECT_FALSE(rig.Records("bot/B-000042", "opened").empty());
  o.first_conversation = 0;
  EXPECT_FALSE(Engine::Create(testing::ThePersona(), testing::TheGuard(), testing::TheClassifier(), {}, o));
}

TEST(Engine, NextConversationNumberFollowsTheHighestBotStream) {
  EXPECT_EQ(NextConversationNumber({}), 1u);
  const std::vector<std::string> streams = {"audit",       "bot/B-000003", "bot/B-1000010",
                                            "bot/guard",   "bot/network",  "case/C-000099",
                                            "bot/B-12x99", "bot/B-",       "bot/B-000007"};
  EXPECT_EQ(NextConversationNumber(streams), 1000011u);
}

// SAFETY.md 3: with a pseudonymiser the ledger names the partner and the account only by
// pseudonym; the nick never appears in a record.
TEST(Engine, PseudonymiserKeepsPartnerAndAccountOutOfTheLedger) {
  std::map<std::string, std::string> asked;  // pseudonym -> id
  EngineOptions o = Instant();
  o.pseudonymise = [&asked](const std::string& id) -> Result<std::string> {
    std::string p = "p_" + evidence::Sha256Hex(id).substr(0, 32);
    asked[p] = id;
    return p;
  };
  Rig rig(o);
  const std::string nick = "zq_nick_77";
  for (const std::string line : {"hi", "can you do a private show, i send gcash", "my name is Dan"}) {
    ASSERT_TRUE(rig.loop->Inject(nick, line));
  }
  const std::string id = rig.ConversationOf(nick);
  // A new nick is announced in the transcript by its pseudonym, not in clear.
  const std::string new_nick = "zq_renamed_88";
  ASSERT_TRUE(rig.loop->InjectEvent(ConnectorEvent::Kind::kPartnerRenamed, nick, new_nick));
  // A line the guard blocks is recorded with the partner's pseudonym too.
  ASSERT_TRUE(rig.engine->TakeOver(id, "ana").has_value());
  EXPECT_FALSE(rig.engine->OperatorSay(id, "ana", "send me a ph0to").has_value());
  ASSERT_EQ(rig.Records("bot/" + id, "guard_blocked").size(), 1u);
  auto all = rig.storage.Read("bot/" + id);
  ASSERT_TRUE(all);
  ASSERT_GT(all->size(), 3u);
  for (const auto& r : *all) {
    const std::string json = evidence::CanonicalJson(evidence::RecordToJson(r));
    EXPECT_EQ(json.find(nick), std::string::npos) << json;
    EXPECT_EQ(json.find(new_nick), std::string::npos) << json;
  }
  bool announced = false;
  auto transcript = rig.engine->Transcript(id);
  ASSERT_TRUE(transcript);
  for (const auto& line : *transcript) {
    EXPECT_EQ(line.text.find(new_nick), std::string::npos) << line.text;
    announced = announced || line.text.rfind("partner renamed to p_", 0) == 0;
  }
  EXPECT_TRUE(announced);
  auto opened = rig.Records("bot/" + id, "opened");
  ASSERT_EQ(opened.size(), 1u);
  EXPECT_EQ(asked[opened[0].body["partner"]], "loop/" + nick);
  EXPECT_EQ(asked[opened[0].body["account"]], "loop|" + nick);  // the account leads' key
  for (const auto& m : rig.Records("bot/" + id, "message")) {  // before or after the rename
    const std::string who = asked[m.body["partner"]];
    EXPECT_TRUE(who == "loop/" + nick || who == "loop/" + new_nick) << who;
  }
  EXPECT_EQ(asked[rig.Records("bot/" + id, "guard_blocked")[0].body["partner"]],
            "loop/" + new_nick);  // blocked after the rename
  // The engine's own view (the store's mirror pseudonymises it itself) keeps the nick.
  EXPECT_EQ(rig.engine->Conversations()[0].partner, new_nick);
}

}  // namespace
}  // namespace bantay::bot
