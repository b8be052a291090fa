// bench/text_bench.cc: per-message cost of normalisation, matching, whole-message analysis
// and the chat reader's time parse.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <random>

#include "text/text.h"

namespace {

using namespace bantay::text;

struct Fixture {
  std::shared_ptr<const Normaliser> norm;
  std::shared_ptr<const Matcher> matcher;
  std::shared_ptr<const Scanner> scanner;
  std::vector<std::string> ascii, unicode;
  Fixture() {
    norm = *Normaliser::Create();
    matcher = *Matcher::Create(*Lexicon::Default(), norm);
    scanner = *Scanner::Create(matcher, *ScoringWeights::Default());
    // Synthetic, benign-dominated message mix (SAFETY.md 1: keyword level only).
    const char* templates[] = {
        "hi how are you today", "im fine thanks, just got home from work",
        "can you send the school fees via western union", "what time is the english lesson",
        "how much for a private cam show", "i send w3stern un1on tomorrow ok",
        "ok see you later po", "p a y p a l is fine", "did you eat already? ingat ka",
        "my son is 9 and in grade 4", "the weather is nice here in cebu"};
    const char* unicode_templates[] = {"раураl ok", "ｐｒｉｖａｔｅ show", "we\u200Bstern union",
                                       "salamat pô", "naïve café résumé"};
    std::mt19937 rng(7);
    for (int i = 0; i < 4096; ++i) {
      ascii.emplace_back(templates[rng() % std::size(templates)]);
      unicode.emplace_back(unicode_templates[rng() % std::size(unicode_templates)]);
    }
  }
};

Fixture& F() {
  static Fixture f;
  return f;
}

void BM_NormaliseAscii(benchmark::State& state) {
  auto& f = F();
  std::string out;
  size_t i = 0, bytes = 0;
  for (auto _ : state) {
    const auto& m = f.ascii[i++ & 4095];
    f.norm->Normalise(m, &out);
    bytes += m.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_NormaliseAscii);

void BM_NormaliseUnicode(benchmark::State& state) {
  auto& f = F();
  std::string out;
  size_t i = 0, bytes = 0;
  for (auto _ : state) {
    const auto& m = f.unicode[i++ & 4095];
    f.norm->Normalise(m, &out);
    bytes += m.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_NormaliseUnicode);

void BM_NormaliseAndMatch(benchmark::State& state) {
  auto& f = F();
  Scratch scratch;
  std::string out;
  std::vector<Hit> hits;
  size_t i = 0, bytes = 0;
  for (auto _ : state) {
    const auto& m = f.ascii[i++ & 4095];
    f.norm->Normalise(m, &out);
    f.matcher->Match(out, scratch, &hits);
    bytes += m.size();
    benchmark::DoNotOptimize(hits.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_NormaliseAndMatch);

void BM_AnalyseMessage(benchmark::State& state) {
  auto& f = F();
  Scratch scratch;
  Message msg;
  msg.conversation = "c1";
  msg.author = "u1";
  size_t i = 0, bytes = 0;
  Scanner::State conv;
  for (auto _ : state) {
    msg.text = f.ascii[i++ & 4095];
    if ((i & 63) == 0) conv = Scanner::State();
    f.scanner->Add(msg, scratch, &conv);
    bytes += msg.text.size();
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_AnalyseMessage);

// The chat reader parses every message's time: times in order, as a chat's are (mostly the
// same hour as the one before), in the usual fixed format.
void BM_ParseChatTime(benchmark::State& state) {
  std::vector<std::string> times;
  for (int i = 0; i < 4096; ++i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "2026-03-%02dT%02d:%02d:%02dZ", 1 + i / 1440, i / 60 % 24,
                  i % 60, (i * 7) % 60);
    times.emplace_back(buf);
  }
  size_t i = 0;
  int64_t sum = 0;
  for (auto _ : state) {
    sum += *bantay::ParseRfc3339(times[i++ & 4095]);
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<int64_t>(i));
}
BENCHMARK(BM_ParseChatTime);

}  // namespace

BENCHMARK_MAIN();
