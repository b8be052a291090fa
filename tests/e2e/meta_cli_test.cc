// End-to-end test of `bantay meta` in file mode with bounded state: blocks are scored while
// reading, a record later than --lateness whose days are scored is rejected with its
// file:line, and --strict turns that into exit code 1.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "cli/simulate_calls.h"
#include "cli_runner.h"

namespace bantay::e2e {
namespace {

class MetaCli : public CliTest {};

TEST_F(MetaCli, StartBefore1970IsRejectedWithItsLine) {
  {
    std::ofstream csv(Path("calls.csv"));
    csv << "call_id,start,duration_s,caller,callee,media,caller_ip,callee_ip,caller_country,"
           "callee_country,caller_region,callee_region\n"
        << "ok,2026-03-01T10:00:00Z,600,u1,u2,video,,,PH,US,PH-07,\n"
        << "old,1969-12-31T23:59:59Z,600,u1,u2,video,,,PH,US,PH-07,\n";
  }
  const CliRun run = Bantay("meta --stats --strict --horizon-days 0 " + Path("calls.csv"));
  EXPECT_EQ(run.code, 1) << run.err;
  EXPECT_NE(run.err.find("calls.csv:3:start"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("before 1970-01-01"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("1 rejected"), std::string::npos) << run.err;
}

TEST_F(MetaCli, LateRecordIsRejectedWithItsLineOnceItsDaysAreScored) {
  size_t lines = 0;
  {
    std::ofstream csv(Path("calls.csv"));
    cli::SimulateCallsOptions o;
    o.accounts = 4000;  // ~9.5 MB: the late record is in the reader's third chunk
    o.days = 40;
    o.seed = 9;
    auto st = cli::SimulateCalls(o, [&](std::string_view line) {
      csv << line << '\n';
      ++lines;
    }, [](const cli::CallTruth&) {});
    ASSERT_TRUE(st) << st.error().ToString();
    // A call on the first day, written after forty days of calls; one in 2099, which must
    // not close the blocks before it; and a call of the last days after it, still used.
    csv << "late-call,2026-03-01T10:00:00Z,600,u0000001,u0000002,video,,,PH,US,PH-07,\n"
        << "future-call,2099-01-01T00:00:00Z,600,u0000001,u0000002,video,,,PH,US,PH-07,\n"
        << "recent-call,2026-04-09T12:00:00Z,600,u0000001,u0000002,video,,,PH,US,PH-07,\n";
  }
  const std::string late_line = std::to_string(lines + 1);
  const std::string future_line = std::to_string(lines + 2);
  const CliRun bounded =
      Bantay("meta --stats --strict --horizon-days 7 --lateness 3600 " + Path("calls.csv"));
  EXPECT_EQ(bounded.code, 1) << bounded.err;
  EXPECT_NE(bounded.err.find("calls.csv:" + late_line + ":start"), std::string::npos) << bounded.err;
  EXPECT_NE(bounded.err.find("calls.csv:" + future_line + ":start"), std::string::npos)
      << bounded.err;
  EXPECT_NE(bounded.err.find("2 rejected, 1 of them late, 1 in the future"), std::string::npos)
      << bounded.err;
  EXPECT_EQ(bounded.err.find(" 0 blocks scored while reading"), std::string::npos) << bounded.err;
  EXPECT_NE(bounded.err.find("1 records came after their days were scored"), std::string::npos)
      << bounded.err;

  // Keeping everything (--horizon-days 0), the same record is used.
  const CliRun whole = Bantay("meta --stats --strict --horizon-days 0 " + Path("calls.csv"));
  EXPECT_EQ(whole.code, 0) << whole.err;
  EXPECT_NE(whole.err.find("0 rejected, 0 of them late"), std::string::npos) << whole.err;
  EXPECT_NE(whole.err.find(" 0 blocks scored while reading, 0 half-edges released"),
            std::string::npos)
      << whole.err;

  const CliRun bad = Bantay("meta --horizon-days 3 " + Path("calls.csv"));
  EXPECT_EQ(bad.code, 2) << bad.err;
  EXPECT_NE(bad.err.find("--horizon-days"), std::string::npos) << bad.err;
}

// --known-accounts: a listed account is no lead, and its counterparts lose it; the list's
// comments, blank lines, spaces and CRLF endings are read as a person writes them.
TEST_F(MetaCli, KnownAccountsAreNoLeads) {
  {
    std::ofstream csv(Path("calls.csv"));
    csv << "call_id,start,duration_s,caller,callee,media,caller_ip,callee_ip,caller_country,"
           "callee_country,caller_region,callee_region\n"
        << "first,2026-03-01T00:00:00Z,300,x1,x2,video,,,US,US,,\n";
    const char* rich[] = {"US", "GB", "AU", "DE", "CA", "SE"};
    // From day 10, two or three new foreigners a day on 20-minute night video calls.
    for (int k = 0; k < 12; ++k) {
      csv << "h" << k << ",2026-03-" << 11 + k / 3 << "T" << 14 + k % 5 << ":00:00Z,1200,cust" << k
          << ",hub,video,,," << rich[k % 6] << ",PH,,PH-07\n";
    }
  }
  const CliRun plain = Bantay("meta " + Path("calls.csv"));
  ASSERT_EQ(plain.code, 0) << plain.err;
  EXPECT_NE(plain.out.find("\"account\":\"hub\""), std::string::npos) << plain.out;
  {
    std::ofstream list(Path("known.txt"));
    list << "# verified tutors\r\n\r\n  hub \r\nsomeone-else\r\n";
  }
  const CliRun listed =
      Bantay("meta --stats --known-accounts " + Path("known.txt") + " " + Path("calls.csv"));
  ASSERT_EQ(listed.code, 0) << listed.err;
  EXPECT_EQ(listed.out.find("\"account\":\"hub\""), std::string::npos) << listed.out;
  EXPECT_NE(listed.err.find("2 known business accounts listed"), std::string::npos) << listed.err;
  const CliRun missing =
      Bantay("meta --known-accounts " + Path("none.txt") + " " + Path("calls.csv"));
  EXPECT_EQ(missing.code, 2) << missing.err;
}

}  // namespace
}  // namespace bantay::e2e
