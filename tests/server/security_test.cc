// tests/server/security_test.cc: every API route refuses without a session, with the wrong
// role and with a bad CSRF token; injection and traversal attempts and oversize bodies are
// refused; every refusal is audited. Against SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include "server_test_util.h"

namespace bantay::server::testing {
namespace {

using cases::testing::PostgresBackend;
using cases::testing::SqliteBackend;

struct RouteCase {
  std::string method, target, body;
  std::string wrong_role;  // a user whose role may not do this
};

// Every session route, with a body good enough to reach the permission check.
std::vector<RouteCase> Routes(const std::string& id) {
  const std::string c = "/api/cases/" + id;
  return {
      {"GET", "/api/cases", "", "root"},
      {"GET", c, "", "root"},
      {"POST", c + "/status", R"({"status":"triage"})", "aud"},
      {"POST", c + "/assign", R"({"assignee":"ana"})", "aud"},
      {"POST", c + "/notes", R"({"text":"checked"})", "aud"},
      {"POST", c + "/country", R"({"country":"PH"})", "aud"},
      {"POST", c + "/close-no-abuse", R"({"reason":"benign"})", "aud"},
      {"GET", c + "/authorisations", "", "root"},
      {"POST", c + "/authorisations",
       R"({"authority":"Judge A","legal_reference":"W-1","scope":["p_00000000000000000000000000000000"],"start":"2026-01-01T00:00:00Z","expiry":"2026-03-01T00:00:00Z"})",
       "ana"},
      {"POST", "/api/authorisations/A-000001/revoke", "", "ana"},
      {"GET", c + "/referral?format=xml", "", "ana"},
      {"GET", c + "/export", "", "ana"},
      {"POST", c + "/referral", R"({"reason":"police request","format":"xml"})", "ana"},
      {"POST", c + "/export", R"({"reason":"police request"})", "ana"},
      {"POST", "/api/reidentify", R"({"pseudonym":"p_00000000000000000000000000000000","reason":"x"})",
       "ana"},
      {"GET", "/api/audit", "", "ana"},
      {"GET", "/api/audit/verify", "", "sup"},
      {"GET", "/api/users", "", "sup"},
      {"POST", "/api/users", R"({"name":"eve","role":"admin","password":"pw-eve-123456"})", "sup"},
      {"POST", "/api/users/ana/disabled", R"({"disabled":true})", "sup"},
  };
}

template <class Backend>
class SecurityTest : public ApiFixture<Backend> {};

using Backends = ::testing::Types<SqliteBackend, PostgresBackend>;
struct BackendNames {
  template <class T>
  static std::string GetName(int) { return T::kName; }
};
TYPED_TEST_SUITE(SecurityTest, Backends, BackendNames);

TYPED_TEST(SecurityTest, EveryRouteWithoutSessionIs401AndAudited) {
  const auto routes = Routes(this->FirstCaseId());
  for (const auto& rc : routes) {
    const uint64_t before = this->AuditCount();
    Response r = this->Do(rc.method, rc.target, rc.body);
    EXPECT_EQ(r.status, 401) << rc.method << " " << rc.target;
    auto audit = this->Audit();
    ASSERT_EQ(audit.size(), before + 1) << rc.target;
    EXPECT_EQ(audit.back().body["outcome"], "denied");
    EXPECT_EQ(audit.back().body["user"], "anonymous");
    EXPECT_EQ(audit.back().body["detail"]["status"], 401);
  }
  // A forged cookie is no session either.
  Response r = this->Do("GET", "/api/cases", "", {{"Cookie", "bantay_session=" + std::string(64, 'a')}});
  EXPECT_EQ(r.status, 401);
}

TYPED_TEST(SecurityTest, EveryRouteWithWrongRoleIs403AndAudited) {
  const auto routes = Routes(this->FirstCaseId());
  std::map<std::string, typename ApiFixture<TypeParam>::Login> logins;
  for (const auto& rc : routes) {
    const std::string user = rc.wrong_role;
    if (!logins.count(user)) {
      logins[user] = user == "root" ? [&] {
        Response r = this->Do("POST", "/api/login", R"({"user":"root","password":"root-password-1"})");
        EXPECT_EQ(r.status, 200);
        std::string cookie(r.Header("Set-Cookie"));
        return typename ApiFixture<TypeParam>::Login{cookie.substr(0, cookie.find(';')),
                                                     json::parse(r.body)["csrf"]};
      }() : this->LoginAs(user);
    }
    const uint64_t before = this->AuditCount();
    Response r = this->As(logins[user], rc.method, rc.target, rc.body);
    EXPECT_EQ(r.status, 403) << user << " " << rc.method << " " << rc.target << " " << r.body;
    auto audit = this->Audit();
    ASSERT_GT(audit.size(), before) << rc.target;
    EXPECT_EQ(audit.back().body["outcome"], "denied") << rc.target;
    EXPECT_EQ(audit.back().body["user"], user) << rc.target;
  }
}

TYPED_TEST(SecurityTest, EveryStateChangeWithBadCsrfIs403AndAudited) {
  auto sup = this->LoginAs("sup");
  auto ana = this->LoginAs("ana");
  for (const auto& rc : Routes(this->FirstCaseId())) {
    if (rc.method != "POST") continue;
    for (bool missing : {true, false}) {
      const uint64_t before = this->AuditCount();
      auto who = sup;
      if (!missing) who.csrf = ana.csrf;  // another session's token is as bad as none
      Response r = this->As(who, rc.method, rc.target, rc.body, /*with_csrf=*/!missing);
      EXPECT_EQ(r.status, 403) << rc.target;
      EXPECT_NE(r.body.find("CSRF"), std::string::npos);
      auto audit = this->Audit();
      ASSERT_EQ(audit.size(), before + 1);
      EXPECT_EQ(audit.back().body["user"], "sup");
      EXPECT_EQ(audit.back().body["detail"]["why"], "missing or wrong CSRF token");
    }
  }
  // Logout is state-changing too.
  EXPECT_EQ(this->As(sup, "POST", "/api/logout", "", false).status, 403);
}

TYPED_TEST(SecurityTest, SqlInjectionAttemptsAreRefusedOrInert) {
  auto ana = this->LoginAs("ana");
  const auto total = [&] {
    return json::parse(this->As(ana, "GET", "/api/cases").body)["total"].template get<int64_t>();
  };
  const int64_t cases_before = total();
  for (const std::string target :
       {"/api/cases?status=new%27%20OR%201%3D1--", "/api/cases?sort=score;DROP%20TABLE%20cases",
        "/api/cases?min_score=0%20OR%201%3D1", "/api/cases?kind=text%27--",
        "/api/cases/C-000001%27%20OR%20%271%27%3D%271", "/api/cases?limit=1;DELETE"}) {
    const uint64_t before = this->AuditCount();
    Response r = this->As(ana, "GET", target);
    EXPECT_EQ(r.status, 400) << target << " " << r.body;
    EXPECT_EQ(this->AuditCount(), before + 1) << target;
  }
  // Parameters the store binds as values: inert, nothing matches.
  Response r = this->As(ana, "GET", "/api/cases?subject=%27%20OR%20%271%27%3D%271");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body)["total"], 0);
  const uint64_t before = this->AuditCount();
  r = this->Do("POST", "/api/login", R"({"user":"root' --","password":"' OR '1'='1"})");
  EXPECT_EQ(r.status, 401);
  EXPECT_GT(this->AuditCount(), before);
  r = this->As(ana, "POST", "/api/cases/" + this->FirstCaseId() + "/notes",
               R"({"text":"'); DROP TABLE cases; --"})");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(total(), cases_before);
}

TYPED_TEST(SecurityTest, PathTraversalAttemptsAreRefusedAndAudited) {
  auto ana = this->LoginAs("ana");
  for (const std::string target :
       {"/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd",
        "/app.js/../../../etc/passwd", "/%2e%2e%5c%2e%2e%5cetc%5cpasswd"}) {
    const uint64_t before = this->AuditCount();
    Response r = this->Do("GET", target);
    EXPECT_EQ(r.status, 400) << target;
    EXPECT_EQ(r.body.find("root:"), std::string::npos);
    EXPECT_EQ(this->AuditCount(), before + 1) << target;
  }
  for (const std::string target : {"/api/cases/..%2f..%2fetc%2fpasswd", "/api/cases/%2e%2e",
                                   "/api/cases/C-1%00/export"}) {
    const uint64_t before = this->AuditCount();
    Response r = this->As(ana, "GET", target);
    EXPECT_GE(r.status, 400) << target;
    EXPECT_LT(r.status, 500) << target;
    EXPECT_EQ(this->AuditCount(), before + 1) << target;
  }
}

TYPED_TEST(SecurityTest, MalformedBodiesAreRefusedAndAudited) {
  auto ana = this->LoginAs("ana");
  const std::string c = "/api/cases/" + this->FirstCaseId();
  for (const std::string body : {"not json", "[1,2]", R"({"text": 5})", R"({"text": null})"}) {
    const uint64_t before = this->AuditCount();
    Response r = this->As(ana, "POST", c + "/notes", body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(this->AuditCount(), before + 1) << body;
  }
}

TYPED_TEST(SecurityTest, OversizeBodyIs413AndAudited) {
  auto server = Server::Start([&] {
    Options o = this->options_;
    o.listen = "127.0.0.1:0";
    o.threads = 2;
    o.body_limit = 4096;
    return o;
  }());
  ASSERT_TRUE(server) << server.error().ToString();
  const uint64_t before = this->AuditCount();
  const std::string reply = RawExchange(
      (*server)->port(),
      "POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: 2000000\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 413", 0), 0u) << reply;
  auto audit = this->Audit();
  ASSERT_EQ(audit.size(), before + 1);
  EXPECT_EQ(audit.back().body["detail"]["status"], 413);
  // The server still answers afterwards.
  EXPECT_EQ(RawExchange((*server)->port(), "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .rfind("HTTP/1.1 200", 0),
            0u);
  (*server)->Stop();
}

TYPED_TEST(SecurityTest, ReportsNeedAValidPlatformToken) {
  const std::string body = R"({"account":"acct9","reason":"asked my child for a private show"})";
  for (const std::string auth : {"", "Bearer wrong", "Basic dG9rLTEyMw==", "Bearer tok-1234"}) {
    const uint64_t before = this->AuditCount();
    std::vector<std::pair<std::string, std::string>> h;
    if (!auth.empty()) h.emplace_back("Authorization", auth);
    Response r = this->Do("POST", "/api/reports", body, h);
    EXPECT_EQ(r.status, 401) << auth;
    EXPECT_EQ(this->AuditCount(), before + 1);
  }
}

}  // namespace
}  // namespace bantay::server::testing
