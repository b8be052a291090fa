// tests/server/api_test.cc: the API's behaviour for people with the right role: login and
// sessions, queue, case page, workflow, authorisations, export, re-identification, reports,
// static console; and the HTTP(S) transport on a loopback ephemeral port.
#include <cstdio>
#include <cstdlib>

#include <gtest/gtest.h>

#include "server/internal.h"
#include "server_test_util.h"

namespace bantay::server::testing {
namespace {

using cases::testing::SqliteBackend;

class ApiTest : public ApiFixture<SqliteBackend> {};

TEST_F(ApiTest, LoginSetsHttpOnlyStrictCookieAndReturnsCsrf) {
  Response r = Do("POST", "/api/login", R"({"user":"ana","password":"password-ana"})");
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string cookie(r.Header("Set-Cookie"));
  EXPECT_NE(cookie.find("bantay_session="), std::string::npos);
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_EQ(cookie.find("Secure"), std::string::npos);  // plain HTTP in this test
  auto j = json::parse(r.body);
  EXPECT_EQ(j["role"], "analyst");
  EXPECT_EQ(j["csrf"].get<std::string>().size(), 64u);
  EXPECT_EQ(Do("POST", "/api/login", R"({"user":"ana","password":"nope"})").status, 401);
}

TEST_F(ApiTest, SecureCookieUnderTls) {
  Request r;
  r.method = "POST";
  r.target = "/api/login";
  r.body = R"({"user":"ana","password":"password-ana"})";
  r.tls = true;
  Response out = api_->Handle(r);
  EXPECT_NE(std::string(out.Header("Set-Cookie")).find("; Secure"), std::string::npos);
}

TEST_F(ApiTest, SessionsExpireWhenIdleAndEndAtLogout) {
  auto ana = LoginAs("ana");
  EXPECT_EQ(As(ana, "GET", "/api/me").status, 200);
  now_ += options_.session_idle_s * 1000 + 1;
  EXPECT_EQ(As(ana, "GET", "/api/me").status, 401);
  ana = LoginAs("ana");
  EXPECT_EQ(As(ana, "POST", "/api/logout").status, 200);
  EXPECT_EQ(As(ana, "GET", "/api/me").status, 401);
}

TEST_F(ApiTest, QueueFiltersSortsAndPages) {
  auto ana = LoginAs("ana");
  auto all = json::parse(As(ana, "GET", "/api/cases").body);
  ASSERT_GE(all["total"].get<int>(), 3);
  auto meta = json::parse(As(ana, "GET", "/api/cases?kind=meta").body);
  ASSERT_GE(meta["total"].get<int>(), 1);
  for (const auto& c : meta["cases"]) EXPECT_EQ(c["kind"], "meta");
  auto high = json::parse(As(ana, "GET", "/api/cases?min_score=0.9").body);
  for (const auto& c : high["cases"]) EXPECT_GE(c["score"].get<double>(), 0.9);
  EXPECT_LT(high["total"].get<int>(), all["total"].get<int>());
  auto asc = json::parse(As(ana, "GET", "/api/cases?sort=score&order=asc").body);
  for (size_t i = 1; i < asc["cases"].size(); ++i) {
    EXPECT_LE(asc["cases"][i - 1]["score"].get<double>(), asc["cases"][i]["score"].get<double>());
  }
  auto page = json::parse(As(ana, "GET", "/api/cases?limit=1&offset=1&sort=id&order=asc").body);
  ASSERT_EQ(page["cases"].size(), 1u);
  EXPECT_EQ(page["cases"][0]["id"], all["total"].get<int>() > 1 ? "C-000002" : "");
  auto none = json::parse(As(ana, "GET", "/api/cases?status=referred").body);
  EXPECT_EQ(none["total"], 0);
}

TEST_F(ApiTest, CasePageHasHighlightsGraphAndTimeline) {
  auto ana = LoginAs("ana");
  auto q = json::parse(As(ana, "GET", "/api/cases?kind=text&sort=score").body);
  ASSERT_FALSE(q["cases"].empty());
  Response r = As(ana, "GET", "/api/cases/" + q["cases"][0]["id"].get<std::string>());
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = json::parse(r.body);
  ASSERT_FALSE(d["highlights"].empty());
  const auto& m = d["highlights"][0];
  const std::string text = m["text"];
  const auto& span = m["spans"][0];
  EXPECT_EQ(text.substr(span["begin"].get<size_t>(),
                        span["end"].get<size_t>() - span["begin"].get<size_t>()),
            "w3stern un1on");
  EXPECT_FALSE(d["timeline"].empty());
  bool has_lead = false;
  for (const auto& r : d["timeline"]) has_lead |= r["kind"] == "lead";
  EXPECT_TRUE(has_lead);
  EXPECT_GE(d["graph"]["nodes"].size(), 2u);  // the requester and the other participant

  auto mq = json::parse(As(ana, "GET", "/api/cases?kind=meta").body);
  auto md = json::parse(As(ana, "GET", "/api/cases/" + mq["cases"][0]["id"].get<std::string>()).body);
  bool has_country = false;
  for (const auto& n : md["graph"]["nodes"]) has_country |= n["kind"] == "country";
  EXPECT_TRUE(has_country);
  ASSERT_EQ(md["weekly"].size(), 1u);
  EXPECT_EQ(md["weekly"][0]["week"], "2026-01-05");  // the Monday of the window's end
  EXPECT_EQ(md["weekly"][0]["calls"], 40);
}

TEST_F(ApiTest, Utf16SpansCountSurrogatePairs) {
  cases::CaseDetail d;
  cases::LeadRecord l;
  l.kind = "text";
  l.body = {{"conversation", "c"},
            {"evidence",
             {{{"message", 0}, {"category", "payment"}, {"term", "gcash"},
               {"text", "\xF0\x9F\x98\x80 \xC3\xA9 gcash"}, {"span", {8, 13}}}}}};
  d.leads.push_back(l);
  auto j = CaseViewJson(d);
  EXPECT_EQ(j["highlights"][0]["spans"][0]["begin"], 5);  // 2 + 1 + 1 + 1 UTF-16 units
  EXPECT_EQ(j["highlights"][0]["spans"][0]["end"], 10);
}

TEST_F(ApiTest, WorkflowNotesAndAssignment) {
  auto ana = LoginAs("ana");
  const std::string c = "/api/cases/" + FirstCaseId();
  EXPECT_EQ(As(ana, "POST", c + "/status", R"({"status":"triage","note":"looking"})").status, 200);
  EXPECT_EQ(As(ana, "POST", c + "/assign", R"({"assignee":"ana"})").status, 200);
  EXPECT_EQ(As(ana, "POST", c + "/notes", R"({"text":"payment terms match"})").status, 200);
  auto d = json::parse(As(ana, "GET", c).body);
  EXPECT_EQ(d["case"]["status"], "triage");
  EXPECT_EQ(d["case"]["assignee"], "ana");
  bool found = false;
  for (const auto& n : d["notes"]) found |= n["text"] == "payment terms match" && n["author"] == "ana";
  EXPECT_TRUE(found) << d["notes"].dump();
  // A transition the workflow forbids is a 400, not a 500.
  EXPECT_EQ(As(ana, "POST", c + "/status", R"({"status":"new"})").status, 400);
  // Referring is a supervisor's decision.
  EXPECT_EQ(As(ana, "POST", c + "/status", R"({"status":"referred"})").status, 403);
  EXPECT_EQ(As(ana, "GET", "/api/cases/C-999999").status, 404);
}

TEST_F(ApiTest, AuthorisationsCreateListRevoke) {
  auto sup = LoginAs("sup");
  const std::string id = FirstCaseId();
  auto d = json::parse(As(sup, "GET", "/api/cases/" + id).body);
  json a = {{"authority", "Judge Santos"}, {"legal_reference", "SW-2026-11"},
            {"scope", {d["case"]["subjects"][0]}}, {"start", "2026-01-01T00:00:00Z"},
            {"expiry", "2026-03-01T00:00:00Z"}};
  Response r = As(sup, "POST", "/api/cases/" + id + "/authorisations", a.dump());
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string aid = json::parse(r.body)["id"];
  auto list = json::parse(As(sup, "GET", "/api/cases/" + id + "/authorisations").body);
  ASSERT_EQ(list["authorisations"].size(), 1u);
  EXPECT_EQ(list["authorisations"][0]["legal_reference"], "SW-2026-11");
  EXPECT_EQ(As(sup, "POST", "/api/authorisations/" + aid + "/revoke").status, 200);
  list = json::parse(As(sup, "GET", "/api/cases/" + id + "/authorisations").body);
  EXPECT_NE(list["authorisations"][0]["revoked"], "");
  a["expiry"] = "not a time";
  EXPECT_EQ(As(sup, "POST", "/api/cases/" + id + "/authorisations", a.dump()).status, 400);
}

TEST_F(ApiTest, ExportIsAZipWithTheSignedBundleAndReferral) {
  auto sup = LoginAs("sup");
  const std::string id = FirstCaseId();
  Response r = As(sup, "GET", "/api/cases/" + id + "/export");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("Content-Type"), "application/zip");
  ASSERT_GT(r.body.size(), 100u);
  EXPECT_EQ(r.body.substr(0, 4), std::string("PK\x03\x04", 4));
  for (const std::string name : {"manifest.json", "manifest.sig", "records.jsonl", "referral.xml"}) {
    EXPECT_NE(r.body.find("bundle-" + id + "/" + name), std::string::npos) << name;
  }
  EXPECT_EQ(r.Header("X-Manifest-SHA256").size(), 64u);
  Response xml = As(sup, "GET", "/api/cases/" + id + "/referral?format=xml");
  EXPECT_EQ(xml.status, 200);
  EXPECT_NE(xml.body.find("<"), std::string::npos);
}

// The export route checks the caller's permission before building the referral: a refused
// export is audited as a refused export and builds (and audits) no referral.
TEST_F(ApiTest, RefusedExportBuildsNothingAndIsAudited) {
  auto ana = LoginAs("ana");
  const std::string id = FirstCaseId();
  const size_t before = AuditCount();
  Response r = As(ana, "GET", "/api/cases/" + id + "/export");
  EXPECT_EQ(r.status, 403) << r.body;
  const auto audit = Audit();
  ASSERT_GT(audit.size(), before);
  bool denied_export = false;
  for (size_t i = before; i < audit.size(); ++i) {
    const auto& b = audit[i].body;
    denied_export |= b["action"] == "export" && b["outcome"] == "denied" && b["target"] == id;
    EXPECT_NE(b["action"], "referral") << b.dump();
    EXPECT_NE(b["action"], "refer") << b.dump();
  }
  EXPECT_TRUE(denied_export);
}

// The pseudonymous referral (GET) names no account; the identified one (POST with a reason,
// supervisors) names them and audits each re-identification with the reason.
TEST_F(ApiTest, IdentifiedReferralNamesAccountsForSupervisorsOnly) {
  auto sup = LoginAs("sup");
  auto ana = LoginAs("ana");
  const std::string id = FirstCaseId();
  const auto subjects = json::parse(As(sup, "GET", "/api/cases/" + id).body)["case"]["subjects"];
  ASSERT_FALSE(subjects.empty());
  Response plain = As(sup, "GET", "/api/cases/" + id + "/referral?format=json");
  ASSERT_EQ(plain.status, 200) << plain.body;
  const auto pj = json::parse(plain.body);
  const std::string pseudonym = pj["personOrUserReported"][0]["screenName"];
  EXPECT_EQ(pseudonym.rfind("p_", 0), 0u);
  const std::string account = *store_->Reidentify({"sup", ""}, pseudonym, "test oracle");
  EXPECT_EQ(plain.body.find("\"" + account + "\""), std::string::npos);

  const std::string body = json{{"reason", "PNP-WCPC request 2026-117"}, {"format", "json"}}.dump();
  EXPECT_EQ(As(ana, "POST", "/api/cases/" + id + "/referral", body).status, 403);
  EXPECT_EQ(As(sup, "POST", "/api/cases/" + id + "/referral", R"({"format":"json"})").status, 400);
  const size_t before = AuditCount();
  Response named = As(sup, "POST", "/api/cases/" + id + "/referral", body);
  ASSERT_EQ(named.status, 200) << named.body;
  const auto nj = json::parse(named.body);
  EXPECT_EQ(nj["personOrUserReported"][0]["screenName"], account);
  const auto audit = Audit();
  bool audited = false;
  for (size_t i = before; i < audit.size(); ++i) {
    const auto& b = audit[i].body;
    audited |= b["action"] == "reidentify" && b["user"] == "sup" && b["target"] == pseudonym &&
               b["detail"]["reason"] == "PNP-WCPC request 2026-117";
  }
  EXPECT_TRUE(audited);
  Response zip = As(sup, "POST", "/api/cases/" + id + "/export", json{{"reason", "PNP"}}.dump());
  ASSERT_EQ(zip.status, 200) << zip.body;
  EXPECT_EQ(zip.Header("Content-Type"), "application/zip");
}

TEST_F(ApiTest, ZipEntriesCarryCrcAndSizes) {
  const std::string zip = MakeZip({{"a.txt", "hello"}});
  // Local header: signature, then CRC-32 of "hello" (0x3610a686) at offset 14.
  EXPECT_EQ(zip.substr(0, 4), std::string("PK\x03\x04", 4));
  EXPECT_EQ(zip.substr(14, 4), std::string("\x86\xa6\x10\x36", 4));
  EXPECT_EQ(zip.substr(zip.size() - 22, 4), std::string("PK\x05\x06", 4));
}

TEST_F(ApiTest, ReidentifyIsForSupervisorsWithAReason) {
  auto sup = LoginAs("sup");
  const std::string p = store_->Pseudonym("buyer1");
  EXPECT_EQ(As(sup, "POST", "/api/reidentify", json{{"pseudonym", p}, {"reason", ""}}.dump()).status,
            400);
  Response r = As(sup, "POST", "/api/reidentify",
                  json{{"pseudonym", p}, {"reason", "referral to PNP-WCPC"}}.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["account"], "buyer1");
  auto audit = Audit();
  EXPECT_EQ(audit.back().body["action"], "reidentify");
}

// The undercover agent's extracted details reach analysts only as pseudonyms and masks.
TEST_F(ApiTest, AgentLeadDetailsArePseudonymsForAnalystsAndReidentifiedBySupervisors) {
  auto lead = cases::ParseLead(
      R"({"account":"irc:h:6667|dan","role":"demand","score":0.9,"flagged":true,)"
      R"("evidence":{"source":"bot","details":[{"kind":"email","value":"dan.k@example.com",)"
      R"("message":9,"span":[12,29]},{"kind":"phone","value":"+639171234567","message":10,)"
      R"("span":[0,13]}]}})",
      "bot:1");
  ASSERT_TRUE(lead) << lead.error().ToString();
  auto counts = store_->Ingest(cases::Actor::System("bot"), std::vector<cases::Lead>{*lead});
  ASSERT_TRUE(counts) << counts.error().ToString();
  auto ana = LoginAs("ana");
  const std::string subject = store_->Pseudonym("irc:h:6667|dan");
  auto q = json::parse(As(ana, "GET", "/api/cases?subject=" + subject).body);
  ASSERT_EQ(q["cases"].size(), 1u) << q.dump();
  Response r = As(ana, "GET", "/api/cases/" + q["cases"][0]["id"].get<std::string>());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body.find("dan.k@example.com"), std::string::npos);
  EXPECT_EQ(r.body.find("9171234567"), std::string::npos);
  EXPECT_NE(r.body.find("d***@e***.com"), std::string::npos);
  auto sup = LoginAs("sup");
  r = As(sup, "POST", "/api/reidentify",
         json{{"pseudonym", store_->Pseudonym("dan.k@example.com")}, {"reason", "referral"}}.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["account"], "dan.k@example.com");
  EXPECT_EQ(Audit().back().body["action"], "reidentify");
}

TEST_F(ApiTest, UserReportOpensThenEnrichesACase) {
  const std::vector<std::pair<std::string, std::string>> auth = {
      {"Authorization", "Bearer tok-123"}};
  Response r = Do("POST", "/api/reports",
                  R"({"account":"newacct","reporter":"parent7","reason":"asked my child for a private show","excerpt":"how much for a private show"})",
                  auth);
  ASSERT_EQ(r.status, 201) << r.body;
  auto j = json::parse(r.body);
  EXPECT_EQ(j["ingested"], 1);
  const std::string case_id = j["case"];
  r = Do("POST", "/api/reports", R"({"account":"newacct","reason":"same account again"})", auth);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["merged"], 1);
  EXPECT_EQ(json::parse(r.body)["case"], case_id);
  auto ana = LoginAs("ana");
  auto d = json::parse(As(ana, "GET", "/api/cases/" + case_id).body);
  EXPECT_EQ(d["case"]["kind"], "report");
  EXPECT_EQ(d["leads"].size(), 2u);
  // A report missing its reason names the field.
  r = Do("POST", "/api/reports", R"({"account":"x1"})", auth);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("reason"), std::string::npos);
}

TEST_F(ApiTest, AuditorReadsAndVerifiesTheAuditLog) {
  auto aud = LoginAs("aud");
  Response r = As(aud, "GET", "/api/audit");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(json::parse(r.body)["records"].empty());
  r = As(aud, "GET", "/api/audit/verify");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["ok"], true);
}

TEST_F(ApiTest, HttpRefusalsKeepTheAuditChainValid) {
  for (int i = 0; i < 120; ++i) Do("GET", "/api/cases");  // 401s: over a checkpoint boundary
  auto aud = LoginAs("aud");
  Response r = As(aud, "GET", "/api/audit/verify?stream=audit");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = json::parse(r.body);
  EXPECT_EQ(j["ok"], true) << r.body;
  EXPECT_GE(j["checkpoints_checked"].get<int>(), 1);
}

TEST_F(ApiTest, AdminManagesUsers) {
  Response r = Do("POST", "/api/login", R"({"user":"root","password":"root-password-1"})");
  ASSERT_EQ(r.status, 200);
  std::string cookie(r.Header("Set-Cookie"));
  Login root{cookie.substr(0, cookie.find(';')), json::parse(r.body)["csrf"]};
  EXPECT_EQ(As(root, "POST", "/api/users",
               R"({"name":"ben","role":"analyst","password":"password-ben"})").status, 201);
  auto users = json::parse(As(root, "GET", "/api/users").body)["users"];
  EXPECT_EQ(users.size(), 5u);
  EXPECT_EQ(As(root, "POST", "/api/users/ben/disabled", R"({"disabled":true})").status, 200);
  EXPECT_EQ(Do("POST", "/api/login", R"({"user":"ben","password":"password-ben"})").status, 401);
}

TEST_F(ApiTest, ServesTheConsoleWithSecurityHeaders) {
  Response r = Do("GET", "/");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("<title>bantay console</title>"), std::string::npos);
  EXPECT_EQ(r.Header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(r.Header("Content-Security-Policy").find("default-src 'self'"), std::string::npos);
  EXPECT_EQ(r.Header("X-Frame-Options"), "DENY");
  EXPECT_EQ(Do("GET", "/app.js").Header("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(Do("GET", "/nothing.js").status, 404);
}

TEST_F(ApiTest, ServesOverLoopbackWithKeepAlive) {
  Options o = options_;
  o.listen = "127.0.0.1:0";
  o.threads = 2;
  auto server = Server::Start(o);
  ASSERT_TRUE(server) << server.error().ToString();
  ASSERT_NE((*server)->port(), 0);
  const std::string reply = RawExchange(
      (*server)->port(),
      "GET /api/me HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 401", 0), 0u) << reply;
  EXPECT_NE(reply.find("HTTP/1.1 200"), std::string::npos);  // second request, same connection
  (*server)->Stop();
  (*server)->Stop();  // idempotent
}

TEST_F(ApiTest, ServesHttpsWithACertificate) {
  const std::string cert = dir_.path() + "/cert.pem", key = dir_.path() + "/key.pem";
  const std::string gen = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
                          "-subj /CN=localhost -days 1 -keyout " + key + " -out " + cert +
                          " >/dev/null 2>&1";
  ASSERT_EQ(std::system(gen.c_str()), 0);
  Options o = options_;
  o.listen = "127.0.0.1:0";
  o.threads = 1;
  o.tls_cert = cert;
  o.tls_key = key;
  auto server = Server::Start(o);
  ASSERT_TRUE(server) << server.error().ToString();
  EXPECT_TRUE((*server)->tls());
  const std::string cmd = "curl -sk -o /dev/null -w '%{http_code}' https://127.0.0.1:" +
                          std::to_string((*server)->port()) + "/api/me";
  std::FILE* p = popen(cmd.c_str(), "r");
  ASSERT_TRUE(p);
  char buf[16] = {};
  const size_t n = std::fread(buf, 1, sizeof buf - 1, p);
  pclose(p);
  EXPECT_EQ(std::string(buf, n), "401");
  // Plain HTTP to the TLS port gets no HTTP answer.
  EXPECT_EQ(RawExchange((*server)->port(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n").find("HTTP/1.1 200"),
            std::string::npos);
  (*server)->Stop();
}

TEST_F(ApiTest, BadListenAddressAndTokensFileAreErrors) {
  Options o = options_;
  o.listen = "nowhere:80";
  EXPECT_FALSE(Server::Start(o));
  o = options_;
  {
    std::FILE* f = std::fopen(o.report_tokens_file.c_str(), "w");
    std::fprintf(f, "platform notahash\n");
    std::fclose(f);
  }
  auto api = Api::Create(o);
  ASSERT_FALSE(api);
  EXPECT_NE(api.error().where.find(":1:sha256"), std::string::npos) << api.error().ToString();
}

}  // namespace
}  // namespace bantay::server::testing
