// cli/simulate_cmd.cc: `bantay simulate`: synthetic corpora for tests and benchmarks.
// Each kind of corpus is a sub-subcommand (`simulate chats`, `simulate calls`).
#include <fmt/core.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/simulate_calls.h"
#include "cli/simulate_chats.h"
#include "core/core.h"

namespace bantay::cli {
namespace {

constexpr int kExitIo = 1;  // an output file could not be opened or written

// A file (or stdout for "" / "-") written through one large buffer. The first failure is
// kept and reported by Close(); later writes are dropped.
class BufferedOutput {
 public:
  static constexpr size_t kBufferBytes = 1 << 20;

  ~BufferedOutput() {
    if (file_ != nullptr && owns_) std::fclose(file_);
  }

  bool Open(const std::string& path) {
    name_ = path.empty() || path == "-" ? "<stdout>" : path;
    if (path.empty() || path == "-") {
      file_ = stdout;
      owns_ = false;
    } else {
      file_ = std::fopen(path.c_str(), "wb");
      owns_ = true;
      if (file_ == nullptr) {
        error_ = fmt::format("{}: cannot open for writing: {}", name_, std::strerror(errno));
        return false;
      }
    }
    buffer_.reserve(kBufferBytes + 4096);
    return true;
  }

  void WriteLine(std::string_view line) {
    buffer_.append(line);
    buffer_.push_back('\n');
    if (buffer_.size() >= kBufferBytes) Flush();
  }

  // Flushes and closes; returns false (see error()) if any write failed.
  bool Close() {
    Flush();
    if (file_ != nullptr) {
      const bool failed = owns_ ? std::fclose(file_) != 0 : std::fflush(file_) != 0;
      if (failed && error_.empty()) {
        error_ = fmt::format("{}: write failed: {}", name_, std::strerror(errno));
      }
      file_ = nullptr;
    }
    return error_.empty();
  }

  const std::string& error() const { return error_; }

 private:
  void Flush() {
    if (!buffer_.empty() && error_.empty() && file_ != nullptr &&
        std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) {
      error_ = fmt::format("{}: write failed: {}", name_, std::strerror(errno));
    }
    buffer_.clear();
  }

  std::string name_;
  std::FILE* file_ = nullptr;
  bool owns_ = false;
  std::string buffer_;
  std::string error_;
};

// JSON string body for the few plain identifiers in a truth record.
void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') out->push_back('\\');
    out->push_back(c);
  }
  out->push_back('"');
}

struct ChatsArgs {
  SimulateChatsOptions options;
  std::string out;
  std::string truth;
  std::string start;
};

int RunChats(ChatsArgs& args) {
  if (!args.start.empty()) {
    Result<int64_t> start = ParseRfc3339(args.start);
    if (!start) {
      fmt::print(stderr, "bantay simulate chats: --start: {}\n", start.error().ToString());
      return kExitUsage;
    }
    args.options.start_ms = *start;
  }
  BufferedOutput out;
  if (!out.Open(args.out)) {
    fmt::print(stderr, "bantay simulate chats: {}\n", out.error());
    return kExitIo;
  }
  std::unique_ptr<BufferedOutput> truth;
  if (!args.truth.empty()) {
    truth = std::make_unique<BufferedOutput>();
    if (!truth->Open(args.truth)) {
      fmt::print(stderr, "bantay simulate chats: {}\n", truth->error());
      return kExitIo;
    }
  }
  std::string record;
  Status status = SimulateChats(
      args.options, [&](std::string_view line) { out.WriteLine(line); },
      [&](const ChatTruth& t) {
        if (!truth) return;
        record.assign("{\"conversation\":");
        AppendJsonString(t.conversation, &record);
        record.append(t.positive ? ",\"positive\":true,\"family\":"
                                 : ",\"positive\":false,\"family\":");
        AppendJsonString(t.family, &record);
        record.append(",\"obfuscation\":");
        AppendJsonString(t.obfuscation, &record);
        record.append(",\"language\":");
        AppendJsonString(t.language, &record);
        record.push_back('}');
        truth->WriteLine(record);
      });
  if (!status) {
    fmt::print(stderr, "bantay simulate chats: {}\n", status.error().ToString());
    return status.error().code == ErrorCode::kInvalidArgument ? kExitUsage : kExitIo;
  }
  int code = kExitOk;
  if (!out.Close()) {
    fmt::print(stderr, "bantay simulate chats: {}\n", out.error());
    code = kExitIo;
  }
  if (truth && !truth->Close()) {
    fmt::print(stderr, "bantay simulate chats: {}\n", truth->error());
    code = kExitIo;
  }
  return code;
}

void RegisterChats(CLI::App& simulate, std::function<int()>* run) {
  auto args = std::make_shared<ChatsArgs>();
  CLI::App* cmd = simulate.add_subcommand(
      "chats", "Synthetic chat JSONL (keyword-level templates) with a truth file");
  SimulateChatsOptions& o = args->options;
  cmd->add_option("-n,--n", o.n, "Number of conversations")->capture_default_str();
  cmd->add_option("--seed", o.seed, "Random seed; same seed, same output")->capture_default_str();
  cmd->add_option("--truth", args->truth, "Write one truth record per conversation (JSONL)");
  cmd->add_option("-o,--out", args->out, "Output file (default stdout)");
  cmd->add_option("--positive-share", o.positive_share, "Share of positive conversations")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_option("--obfuscation-rate", o.obfuscation_rate,
                  "Share of conversations whose keywords are obfuscated")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_option("--obfuscations", o.obfuscations,
                  "Enabled obfuscation kinds, comma-separated (default all)")
      ->delimiter(',')
      ->check(CLI::IsMember(ObfuscationKinds()));
  cmd->add_flag("--interleave", o.interleave,
                "Interleave the messages of up to 8 concurrent conversations");
  cmd->add_option("--start", args->start,
                  "Time of the first message, RFC 3339 (default 2026-03-01T10:00:00Z)");
  cmd->callback([args, run] { *run = [args] { return RunChats(*args); }; });
}

struct CallsArgs {
  SimulateCallsOptions options;
  std::string out;
  std::string truth;
  std::string start;
};

int RunCalls(CallsArgs& args) {
  if (!args.start.empty()) {
    Result<int64_t> start = ParseRfc3339(args.start);
    if (!start) {
      fmt::print(stderr, "bantay simulate calls: --start: {}\n", start.error().ToString());
      return kExitUsage;
    }
    args.options.start_ms = *start;
  }
  BufferedOutput out;
  if (!out.Open(args.out)) {
    fmt::print(stderr, "bantay simulate calls: {}\n", out.error());
    return kExitIo;
  }
  std::unique_ptr<BufferedOutput> truth;
  if (!args.truth.empty()) {
    truth = std::make_unique<BufferedOutput>();
    if (!truth->Open(args.truth)) {
      fmt::print(stderr, "bantay simulate calls: {}\n", truth->error());
      return kExitIo;
    }
  }
  std::string record;
  Status status = SimulateCalls(
      args.options, [&](std::string_view line) { out.WriteLine(line); },
      [&](const CallTruth& t) {
        if (!truth) return;
        record.assign("{\"account\":");
        AppendJsonString(t.account, &record);
        record.append(",\"role\":");
        AppendJsonString(t.role, &record);
        record.append(",\"population\":");
        AppendJsonString(t.population, &record);
        record.append(",\"country\":");
        AppendJsonString(t.country, &record);
        if (!t.region.empty()) {
          record.append(",\"region\":");
          AppendJsonString(t.region, &record);
        }
        if (!t.ip_group.empty()) {
          record.append(",\"ip_group\":");
          AppendJsonString(t.ip_group, &record);
        }
        if (!t.trip.empty()) {
          record.append(",\"trip\":");
          AppendJsonString(t.trip, &record);
        }
        if (t.always_vpn) record.append(",\"vpn\":true");
        record.push_back('}');
        truth->WriteLine(record);
      });
  if (!status) {
    fmt::print(stderr, "bantay simulate calls: {}\n", status.error().ToString());
    return status.error().code == ErrorCode::kInvalidArgument ? kExitUsage : kExitIo;
  }
  int code = kExitOk;
  if (!out.Close()) {
    fmt::print(stderr, "bantay simulate calls: {}\n", out.error());
    code = kExitIo;
  }
  if (truth && !truth->Close()) {
    fmt::print(stderr, "bantay simulate calls: {}\n", truth->error());
    code = kExitIo;
  }
  return code;
}

void RegisterCalls(CLI::App& simulate, std::function<int()>* run) {
  auto args = std::make_shared<CallsArgs>();
  CLI::App* cmd = simulate.add_subcommand(
      "calls",
      "Synthetic call records CSV (hubs, customers and legitimate look-alikes) with a truth file");
  SimulateCallsOptions& o = args->options;
  auto rate = [&](const char* name, double* value, const char* help) {
    cmd->add_option(name, *value, help)->check(CLI::Range(0.0, 1.0))->capture_default_str();
  };
  cmd->add_option("--accounts", o.accounts, "Number of accounts, all populations")
      ->check(CLI::Range(uint64_t{1000}, uint64_t{100000000}))
      ->capture_default_str();
  cmd->add_option("--days", o.days, "Length of the period in days")
      ->check(CLI::Range(1, 3660))
      ->capture_default_str();
  cmd->add_option("--seed", o.seed, "Random seed; same seed, same output")->capture_default_str();
  cmd->add_option("--truth", args->truth,
                  "Write one truth record per account (JSONL: account, role, population, "
                  "country, region, ip_group)");
  cmd->add_option("-o,--out", args->out, "Output file (default stdout)");
  cmd->add_option("--start", args->start,
                  "Start of the period, RFC 3339 (default 2026-03-01T00:00:00Z)");
  cmd->add_option("--hub-share", o.hub_share,
                  "Share of accounts that are hubs (customers scale with it)")
      ->check(CLI::Range(0.00001, 0.05))
      ->capture_default_str();
  cmd->add_option("--ordinary-rate", o.ordinary_rate,
                  "Mean calls an account starts per day with its own friends")
      ->check(CLI::Range(0.0, 50.0))
      ->capture_default_str();
  rate("--late-rate", &o.late_rate, "Share of records written out of order");
  cmd->add_option("--max-lateness", o.max_lateness_s,
                  "Seconds a late record may come after its start")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  rate("--duplicate-rate", &o.duplicate_rate, "Share of records written twice (same call_id)");
  rate("--missing-country-rate", &o.missing_country_rate,
       "Share of records without country and region columns");
  rate("--ipv6-rate", &o.ipv6_rate, "Share of call sides with an IPv6 address");
  rate("--vpn-rate", &o.vpn_rate,
       "Share of call sides from an anonymous-proxy range, besides the accounts always behind "
       "a VPN (\"vpn\": true in the truth file)");
  rate("--epoch-rate", &o.epoch_rate, "Share of records whose start is epoch seconds");
  cmd->callback([args, run] { *run = [args] { return RunCalls(*args); }; });
}

}  // namespace

static void RegisterSimulate(CLI::App& app, std::function<int()>* run) {
  CLI::App* simulate = app.add_subcommand("simulate", "Generate synthetic corpora");
  simulate->require_subcommand(1);
  RegisterChats(*simulate, run);
  RegisterCalls(*simulate, run);
}

const CommandRegistration kRegisterSimulate{90, RegisterSimulate};

}  // namespace bantay::cli
