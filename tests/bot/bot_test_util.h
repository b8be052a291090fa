// tests/bot/bot_test_util.h: shared fixtures of the bot tests: the built-in guard,
// classifier and persona (built once per binary), an engine over a loopback connector on a
// manual clock with a memory ledger, and synthetic partner lines (SAFETY.md 1: keyword level).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "bot/bot.h"
#include "evidence/evidence.h"

namespace bantay::bot::testing {

inline std::shared_ptr<const Guard> TheGuard() {
  static auto g = *Guard::Default();
  return g;
}
inline std::shared_ptr<const Classifier> TheClassifier() {
  static auto c = *Classifier::Default();
  return c;
}
inline const Persona& ThePersona() {
  static Persona p = *DefaultPersona(*TheGuard());
  return p;
}

// One engine with a loopback connector named "loop", a ManualScheduler and a ledger.
struct Rig {
  ManualScheduler clock;
  evidence::MemoryLedgerStorage storage;
  std::unique_ptr<evidence::Signer> signer;
  std::unique_ptr<evidence::Ledger> ledger;
  std::shared_ptr<LoopbackConnector> loop = std::make_shared<LoopbackConnector>("loop");
  std::unique_ptr<Engine> engine;
  std::string key_dir;

  explicit Rig(EngineOptions options = {}, Persona persona = ThePersona()) {
    key_dir = ::testing::TempDir() + "/bot_rig_" + std::to_string(reinterpret_cast<uintptr_t>(this));
    std::filesystem::create_directories(key_dir);
    std::filesystem::remove(key_dir + "/key");
    signer = std::make_unique<evidence::Signer>(*evidence::Signer::LoadOrCreate(key_dir + "/key"));
    ledger = std::make_unique<evidence::Ledger>(storage, *signer);
    options.scheduler = &clock;
    options.ledger = ledger.get();
    auto e = Engine::Create(std::move(persona), TheGuard(), TheClassifier(), {loop}, options);
    EXPECT_TRUE(e.has_value()) << (e ? "" : e.error().ToString());
    engine = std::move(*e);
    EXPECT_TRUE(engine->Start().has_value());
  }
  ~Rig() {
    engine.reset();
    std::filesystem::remove_all(key_dir);
  }

  // The only conversation of `partner` (the last one when several).
  std::string ConversationOf(const std::string& partner) const {
    std::string id;
    for (const auto& c : engine->Conversations()) {
      if (c.partner == partner) id = c.id;
    }
    return id;
  }
  std::vector<TranscriptLine> Lines(const std::string& partner) const {
    auto t = engine->Transcript(ConversationOf(partner));
    return t ? *t : std::vector<TranscriptLine>{};
  }
  // Ledger records of a conversation's stream of a given kind.
  std::vector<evidence::Record> Records(const std::string& stream, const std::string& kind) {
    std::vector<evidence::Record> out;
    auto all = storage.Read(stream);
    if (!all) return out;
    for (auto& r : *all) {
      if (r.kind == kind) out.push_back(r);
    }
    return out;
  }
};

}  // namespace bantay::bot::testing
