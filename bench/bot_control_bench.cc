// bench/bot_control_bench.cc: the operator bridge's cost: N conversations on the loopback
// connector (synthetic benign lines, SAFETY.md 1), then one BotControl poll mirroring all of
// them (summaries and lines) into an SQLite case store. Reports conversations and lines
// mirrored per second.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "bot/bot.h"
#include "cli/bot_control.h"

namespace {

using namespace bantay;

void BM_MirrorPoll(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("bantay_bot_control_bench_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto guard = *bot::Guard::Default();
  auto classifier = *bot::Classifier::Default();
  auto loop = std::make_shared<bot::LoopbackConnector>("loop", false);
  bot::EngineOptions eo;
  eo.delay_scale = 0;
  auto engine = std::move(*bot::Engine::Create(*bot::DefaultPersona(*guard), guard, classifier, {loop}, eo));
  if (!engine->Start()) return state.SkipWithError("engine did not start");
  auto store = cases::OpenStore((dir / "store.db").string());
  if (!store) return state.SkipWithError(store.error().ToString().c_str());
  cli::BotControlOptions bo;
  bo.poll_ms = 3'600'000;  // polled by hand below
  auto control = std::move(*cli::BotControl::Start(*engine, std::move(*store), bo));
  int round = 0;
  for (auto _ : state) {
    state.PauseTiming();
    for (int i = 0; i < n; ++i) loop->Inject("p" + std::to_string(i), round == 0 ? "hello" : "how are you today");
    ++round;
    state.ResumeTiming();
    if (!control->PollOnce()) return state.SkipWithError("poll failed");
  }
  const cli::BotControlStats stats = control->Stats();
  state.counters["conversations_per_s"] =
      benchmark::Counter(static_cast<double>(stats.conversations_mirrored), benchmark::Counter::kIsRate);
  state.counters["lines_per_s"] =
      benchmark::Counter(static_cast<double>(stats.lines_mirrored), benchmark::Counter::kIsRate);
  control->Stop();
  engine->Stop();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_MirrorPoll)->Name("MirrorPoll")->Arg(1000)->Iterations(3)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
