// bench/irc_bench.cc: the agent through a real IRC server: ngircd on loopback, the Engine with
// an IrcConnector, and N partners as ordinary IRC clients (synthetic benign lines, SAFETY.md 1)
// each sending `rounds` private lines and waiting for every answer. Reports messages/s
// (partner lines plus agent answers, both through ngircd) and the registration time.
//   build/bench/irc_bench --benchmark_filter=Partners/1000
#include <benchmark/benchmark.h>
#include <poll.h>

#include <chrono>
#include <thread>

#include "../tests/bot/ngircd_fixture.h"
#include "bot/bot.h"
#include "bot/irc_connector.h"

namespace {

using namespace bantay;
using bot::testing::After;
using bot::testing::LineSocket;
using bot::testing::NgircdServer;

// Waits until every partner has received `want` PRIVMSG lines in total; false at the deadline.
bool AwaitAnswers(std::vector<LineSocket>& partners, std::vector<int>& got, int want,
                  std::chrono::steady_clock::time_point deadline) {
  std::vector<pollfd> fds(partners.size());
  for (;;) {
    size_t waiting = 0;
    for (size_t i = 0; i < partners.size(); ++i) {
      fds[i] = {partners[i].fd(), static_cast<short>(got[i] < want ? POLLIN : 0), 0};
      waiting += got[i] < want;
    }
    if (waiting == 0) return true;
    if (std::chrono::steady_clock::now() > deadline) return false;
    if (::poll(fds.data(), fds.size(), 100) <= 0) continue;
    for (size_t i = 0; i < partners.size(); ++i) {
      if (!(fds[i].revents & POLLIN)) continue;
      // Data is there: read one chunk (bounded wait), then whatever whole lines it held.
      std::string line;
      for (auto deadline_i = After(50); partners[i].ReadLine(&line, deadline_i); deadline_i = After(0)) {
        if (line.rfind("PING ", 0) == 0) partners[i].SendLine("PONG " + line.substr(5));
        else if (line.find(" PRIVMSG ") != std::string::npos) ++got[i];
      }
    }
  }
}

void BM_IrcPartners(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const int rounds = 3;
  bot::testing::NgircdOptions no;
  NgircdServer server(no);
  if (!server.started()) return state.SkipWithError("ngircd did not start");
  auto guard = *bot::Guard::Default();
  auto classifier = *bot::Classifier::Default();
  auto persona = *bot::DefaultPersona(*guard);
  bot::IrcOptions io;
  io.port = server.port();
  io.nick = "maria";
  io.channels = {"#room"};
  io.flood_lines_per_second = 1e6;  // ngircd penalties are off in the fixture
  io.flood_burst = 100000;
  auto irc = std::shared_ptr<bot::IrcConnector>(std::move(*bot::IrcConnector::Create(io)));
  bot::EngineOptions eo;
  eo.delay_scale = 0;
  auto engine = std::move(*bot::Engine::Create(persona, guard, classifier, {irc}, eo));
  if (!engine->Start()) return state.SkipWithError("engine did not start");
  for (int i = 0; i < 400 && irc->CurrentNick().empty(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(25));

  const auto reg_start = std::chrono::steady_clock::now();
  std::vector<LineSocket> partners;
  partners.reserve(n);
  for (int i = 0; i < n; ++i) {
    partners.push_back(LineSocket::Connect(server.port()));
    if (!partners.back().ok() || !partners.back().Register("p" + std::to_string(i), After(20000))) {
      return state.SkipWithError(("partner " + std::to_string(i) + " could not register").c_str());
    }
  }
  const double reg_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - reg_start).count();
  const char* lines[] = {"hello", "how are you today", "what did you eat"};
  std::vector<int> got(n, 0);
  uint64_t messages = 0;
  double elapsed = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int r = 0; r < rounds; ++r) {
      for (auto& p : partners) p.SendLine(std::string("PRIVMSG maria :") + lines[r]);
      if (!AwaitAnswers(partners, got, r + 1, After(60000))) {
        const bot::IrcStats st = irc->Stats();
        int short_of = 0;
        for (int g : got) short_of += g < r + 1;
        std::fprintf(stderr, "round %d: %d partners short; agent sent %llu, queued %llu, connects %llu, rejected %llu\n%s\n",
                     r, short_of, (unsigned long long)st.lines_sent, (unsigned long long)st.lines_queued,
                     (unsigned long long)st.connects, (unsigned long long)st.rejected_lines,
                     server.log().substr(server.log().size() > 3000 ? server.log().size() - 3000 : 0).c_str());
        return state.SkipWithError("not every partner got an answer within 60 s");
      }
    }
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    messages = static_cast<uint64_t>(n) * rounds * 2;
  }
  state.counters["partners"] = n;
  state.counters["conversations"] = static_cast<double>(engine->Conversations().size());
  state.counters["messages_per_s"] = static_cast<double>(messages) / elapsed;
  state.counters["register_s"] = reg_s;
  engine->Stop();
}
BENCHMARK(BM_IrcPartners)->Name("Partners")->Arg(100)->Arg(1000)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
