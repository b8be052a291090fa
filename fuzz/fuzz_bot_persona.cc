// fuzz/fuzz_bot_persona.cc: libFuzzer target for the persona loader (the guard check of every
// text included) and the transcript reader of `bantay bot replay`.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string_view>

#include "bot/bot.h"

namespace {
struct Shared {
  std::shared_ptr<const bantay::bot::Guard> guard;
  std::shared_ptr<const bantay::bot::Classifier> classifier;
  bantay::bot::Persona persona;
};
const Shared& Get() {
  static const Shared s = [] {
    auto g = bantay::bot::Guard::Default();
    auto c = bantay::bot::Classifier::Default();
    if (!g || !c) __builtin_trap();
    auto p = bantay::bot::DefaultPersona(**g);
    if (!p) __builtin_trap();
    return Shared{*g, *c, *p};
  }();
  return s;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Shared& s = Get();
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto p = bantay::bot::ParsePersona(in, "fuzz.json", *s.guard);
  if (p) {
    // Whatever loads, the guard allows every text in it.
    for (const auto& e : p->replies) {
      for (const auto& v : e.variants) {
        if (!s.guard->Check(v).allowed) __builtin_trap();
      }
    }
  } else if (p.error().where.rfind("fuzz.json", 0) != 0) {
    __builtin_trap();  // errors name the file
  }
  auto r = bantay::bot::Replay(in, "fuzz.jsonl", s.persona, s.classifier);
  if (!r && r.error().where.rfind("fuzz.jsonl", 0) != 0) __builtin_trap();
  return 0;
}
