// End-to-end test of `bantay meta --kafka`: a simulated month produced as half-edges, two
// member processes on librdkafka's mock cluster, one SIGKILLed mid-stream; the leads on the
// output topic equal `bantay meta --all` on the file.
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "cli/simulate_calls.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;

// Runs `args` through the shell (exec'd, so the pid is bantay's); output to files.
pid_t Spawn(const std::string& args, const std::string& out, const std::string& err) {
  const std::string cmd = "exec " + std::string(BANTAY_BINARY) + " " + args + " >" + out + " 2>" + err;
  const char* argv[] = {"/bin/sh", "-c", cmd.c_str(), nullptr};
  pid_t pid = -1;
  EXPECT_EQ(posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ), 0);
  return pid;
}

// Waits for `pid` to end, up to two minutes (a hung member fails instead of hanging).
int Wait(pid_t pid) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      ADD_FAILURE() << "bantay did not finish";
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // polling a child, not syncing
  }
  return status;
}

std::vector<std::string> Lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(line);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(MetaKafkaCli, MembersOneKilledGiveFileModeLeads) {
  const fs::path dir = fs::temp_directory_path() / ("bantay_e2e_kafka_" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "state");
  auto path = [&](const std::string& name) { return (dir / name).string(); };
  {
    std::ofstream csv(path("calls.csv"));
    bantay::cli::SimulateCallsOptions o;
    o.accounts = 1000;
    o.days = 21;
    o.seed = 5;
    auto st = bantay::cli::SimulateCalls(o, [&](std::string_view line) { csv << line << '\n'; },
                                         [](const bantay::cli::CallTruth&) {});
    ASSERT_TRUE(st);
  }
  const pid_t file_mode = Spawn("meta --all " + path("calls.csv"), path("file.jsonl"),
                                path("file.err"));
  ASSERT_EQ(Wait(file_mode), 0) << Slurp(path("file.err"));

  char errstr[256];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, rd_kafka_conf_new(), errstr, sizeof errstr);
  ASSERT_NE(rk, nullptr);
  rd_kafka_mock_cluster_t* cluster = rd_kafka_mock_cluster_new(rk, 3);
  ASSERT_NE(cluster, nullptr);
  ASSERT_EQ(rd_kafka_mock_topic_create(cluster, "calls", 4, 1), RD_KAFKA_RESP_ERR_NO_ERROR);
  ASSERT_EQ(rd_kafka_mock_topic_create(cluster, "calls.exchange", 1, 1), RD_KAFKA_RESP_ERR_NO_ERROR);
  ASSERT_EQ(rd_kafka_mock_topic_create(cluster, "calls.leads", 2, 1), RD_KAFKA_RESP_ERR_NO_ERROR);
  const std::string kafka = std::string("--kafka ") + rd_kafka_mock_cluster_bootstraps(cluster) +
                            " --topic calls";

  const pid_t producer = Spawn("meta " + kafka + " --produce --stats " + path("calls.csv"),
                               path("produce.out"), path("produce.err"));
  ASSERT_EQ(Wait(producer), 0) << Slurp(path("produce.err"));
  EXPECT_NE(Slurp(path("produce.err")).find("duplicates"), std::string::npos);

  // Both join in the mock's first 3-second join window, so they split the partitions; `a`
  // is killed with SIGKILL after 2,000 messages, `b` takes over its partitions.
  const std::string member = "meta --all " + kafka +
                             " --group g --epochs 1 --stats --state " + path("state") +
                             " --kafka-option session.timeout.ms=4000"
                             " --kafka-option heartbeat.interval.ms=200";
  const pid_t a = Spawn(member + " --crash-after 2000", path("a.out"), path("a.err"));
  const pid_t b = Spawn(member, path("b.out"), path("b.err"));
  const int status_a = Wait(a);
  EXPECT_TRUE(WIFSIGNALED(status_a) && WTERMSIG(status_a) == SIGKILL) << Slurp(path("a.err"));
  const int status_b = Wait(b);
  ASSERT_TRUE(WIFEXITED(status_b) && WEXITSTATUS(status_b) == 0) << Slurp(path("b.err"));

  const pid_t reader = Spawn("meta " + kafka + " --read-leads 1", path("leads.jsonl"),
                             path("leads.err"));
  ASSERT_EQ(Wait(reader), 0) << Slurp(path("leads.err"));
  const auto file = Lines(path("file.jsonl"));
  const auto stream = Lines(path("leads.jsonl"));
  EXPECT_GT(file.size(), 100u);
  EXPECT_EQ(stream.size(), file.size());
  EXPECT_TRUE(stream == file) << "stream and file leads differ";

  rd_kafka_mock_cluster_destroy(cluster);
  rd_kafka_destroy(rk);
  fs::remove_all(dir);
}

}  // namespace
