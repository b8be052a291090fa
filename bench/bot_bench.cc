// bench/bot_bench.cc: the agent at scale: N concurrent conversations with simulated partners
// over the loopback connector in one process. Prints messages/s, decision latency (p50, p99,
// max: classification + extraction + policy + guard + transcript, without the deliberate
// typing delay, i.e. --delay-scale 0) and memory per conversation (RSS growth / N).
// Partners are generated from short keyword-level templates (SAFETY.md 1).
//   build/bench/bot_bench [conversations=10000] [lines_per_partner=8] [threads=2] [ledger=0]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "bot/bot.h"
#include "evidence/evidence.h"

namespace {

using namespace bantay;

size_t RssBytes() {
  std::ifstream statm("/proc/self/statm");
  size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * 4096;
}

// Line `k` of partner `i`: 70% only chat; 30% ask the age, solicit, offer payment and
// disclose a name, a city and an email.
std::string PartnerLine(size_t i, size_t k) {
  static const char* kChat[] = {"hello", "how are you", "what are you doing", "nice weather today",
                                "i like music", "what did you eat", "ok haha", "cool"};
  static const char* kOffender[] = {"hi there", "how old are you", "can you do a private show",
                                    "i pay with gcash", "my name is Sam", "im from Leeds",
                                    "my email is sam%zu@example.com", "hello?"};
  bool offender = i % 10 < 3;
  const char* t = (offender ? kOffender : kChat)[k % 8];
  char buf[128];
  std::snprintf(buf, sizeof buf, t, i);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  const size_t n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 10000;
  const size_t lines = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 8;
  const int threads = argc > 3 ? std::atoi(argv[3]) : 2;
  const bool with_ledger = argc > 4 && std::atoi(argv[4]) != 0;

  auto guard = bot::Guard::Default();
  auto classifier = bot::Classifier::Default();
  if (!guard || !classifier) {
    std::fprintf(stderr, "setup failed\n");
    return 1;
  }
  auto persona = bot::DefaultPersona(**guard);
  if (!persona) {
    std::fprintf(stderr, "%s\n", persona.error().ToString().c_str());
    return 1;
  }
  // Warm the per-thread matcher scratch and ICU tables before measuring memory.
  (*classifier)->Classify("warm up");
  (*guard)->Check("warm up");

  evidence::MemoryLedgerStorage storage;
  std::optional<evidence::Signer> signer;
  std::unique_ptr<evidence::Ledger> ledger;
  const std::string key = "/tmp/bot_bench_signing.key";
  if (with_ledger) {
    std::remove(key.c_str());
    signer.emplace(std::move(*evidence::Signer::LoadOrCreate(key)));
    ledger = std::make_unique<evidence::Ledger>(storage, *signer);
  }

  bot::ManualScheduler clock;
  auto loop = std::make_shared<bot::LoopbackConnector>("loopback", false);
  bot::EngineOptions options;
  options.delay_scale = 0;  // decision latency without the deliberate human-like delay
  options.scheduler = &clock;
  options.ledger = ledger.get();
  const size_t rss_before = RssBytes();
  auto engine = bot::Engine::Create(*persona, *guard, *classifier, {loop}, options);
  if (!engine || !(*engine)->Start()) {
    std::fprintf(stderr, "engine failed\n");
    return 1;
  }
  std::vector<std::string> names(n);
  for (size_t i = 0; i < n; ++i) names[i] = "partner" + std::to_string(i);

  // Round k: every partner sends its line k, so all n conversations are open at once.
  std::vector<std::vector<double>> lat(threads);
  auto t0 = std::chrono::steady_clock::now();
  for (size_t k = 0; k < lines; ++k) {
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        for (size_t i = t; i < n; i += threads) {
          std::string text = PartnerLine(i, k);
          auto a = std::chrono::steady_clock::now();
          loop->Inject(names[i], text);
          auto b = std::chrono::steady_clock::now();
          lat[t].push_back(std::chrono::duration<double, std::micro>(b - a).count());
        }
      });
    }
    for (auto& th : pool) th.join();
  }
  auto t1 = std::chrono::steady_clock::now();
  const size_t rss_after = RssBytes();

  std::vector<double> all;
  for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) { return all[std::min(all.size() - 1, static_cast<size_t>(p * all.size()))]; };
  const double secs = std::chrono::duration<double>(t1 - t0).count();
  auto convs = (*engine)->Conversations();
  size_t open = 0;
  for (const auto& c : convs) open += c.state != "closed" && c.state != "ended_by_partner";
  bot::Dashboard d = (*engine)->Counters();
  std::printf("conversations            %zu (%zu still open at the end)\n", convs.size(), open);
  std::printf("partner lines            %zu (%zu per partner, %d threads)\n", all.size(), lines, threads);
  std::printf("agent lines sent         %llu\n", static_cast<unsigned long long>(loop->sent_count()));
  std::printf("identifications/notices  %llu / %llu\n",
              static_cast<unsigned long long>(d.total.identifications),
              static_cast<unsigned long long>(d.total.notices));
  std::printf("ledger                   %s\n", with_ledger ? "memory ledger, every line" : "off");
  std::printf("partner messages/s       %.0f\n", all.size() / secs);
  std::printf("decision latency         p50 %.1f us, p99 %.1f us, max %.1f us\n", pct(0.5),
              pct(0.99), all.back());
  std::printf("memory per conversation  %.1f KiB (RSS %.1f -> %.1f MiB)\n",
              (static_cast<double>(rss_after) - static_cast<double>(rss_before)) / n / 1024.0,
              rss_before / 1048576.0, rss_after / 1048576.0);
  if (with_ledger) std::remove(key.c_str());
  return 0;
}
