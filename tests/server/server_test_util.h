// tests/server/server_test_util.h: a seeded store and an Api over it, requests and sessions,
// and a tiny loopback HTTP client, for the server tests (SQLite and PostgreSQL alike).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "../cases/backends.h"
#include "cases/cases.h"
#include "server/server.h"

namespace bantay::server::testing {

using nlohmann::json;
using cases::testing::TempDir;

constexpr int64_t kT0 = 1767225600000;  // 2026-01-01T00:00:00Z

inline std::string ScanLine(const std::string& conv, const std::string& requester,
                            const std::string& other, double score) {
  json j = {{"conversation", conv},
            {"score", score},
            {"flagged", true},
            {"signals", {{"payment", 1}, {"sexual", 1}}},
            {"evidence",
             {{{"message", 2}, {"category", "payment"}, {"term", "western union"},
               {"text", "ok i send w3stern un1on later"}, {"span", {10, 23}}, {"weight", 1.0},
               {"role", "requester"}},
              {{"message", 3}, {"category", "sexual"}, {"term", "private show"},
               {"text", "how much for a private show"}, {"span", {15, 27}}, {"weight", 1.0},
               {"role", "requester"}}}},
            {"reasons", {"payment"}},
            {"participants",
             {{{"author", requester}, {"role", "requester"}}, {{"author", other}, {"role", "other"}}}}};
  return j.dump();
}

inline std::string AccountLine(const std::string& account, double score,
                               const std::vector<std::string>& linked) {
  json j = {{"account", account},
            {"role", "supply"},
            {"score", score},
            {"flagged", true},
            {"window", {{"start", "2026-01-01T00:00:00Z"}, {"end", "2026-01-08T00:00:00Z"}}},
            {"evidence",
             {{"distinct_foreign", 7}, {"countries", {"US", "GB"}}, {"calls", 40},
              {"new_contacts", 6}, {"linked", linked}}}};
  return j.dump();
}

// A store seeded with users of every role and a few cases, and an Api over it.
template <class Backend>
class ApiFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    auto spec = Backend::Spec(dir_);
    ASSERT_TRUE(spec) << spec.error().ToString();
    options_.store = *spec;
    options_.store_options.pseudonym_key_file = dir_.path() + "/pseudonym.key";
    options_.store_options.signing_key_file = dir_.path() + "/signing.key";
    options_.store_options.pwhash_opslimit = 1;      // crypto_pwhash_OPSLIMIT_MIN
    options_.store_options.pwhash_memlimit = 8192;   // crypto_pwhash_MEMLIMIT_MIN
    options_.store_options.now_ms = [this] { return now_; };
    options_.now_ms = [this] { return now_; };
    options_.report_tokens_file = dir_.path() + "/tokens";
    {
      std::FILE* f = std::fopen(options_.report_tokens_file.c_str(), "w");
      ASSERT_TRUE(f);
      std::fprintf(f, "# platform tokens\nexampleplatform %s\n", TokenDigest("tok-123").c_str());
      std::fclose(f);
    }
    auto store = cases::OpenStore(options_.store, options_.store_options);
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
    ASSERT_TRUE(store_->Bootstrap("root", "root-password-1"));
    const cases::Actor root{"root", ""};
    for (const auto& [name, role] : std::vector<std::pair<std::string, cases::Role>>{
             {"ana", cases::Role::kAnalyst},
             {"sup", cases::Role::kSupervisor},
             {"aud", cases::Role::kAuditor}}) {
      auto s = store_->CreateUser(root, name, role, "password-" + name);
      ASSERT_TRUE(s) << s.error().ToString();
    }
    std::vector<cases::Lead> leads;
    for (const std::string& line :
         {ScanLine("conv1", "buyer1", "kid1", 0.97), ScanLine("conv2", "buyer2", "kid2", 0.71),
          AccountLine("hub1", 0.91, {"buyer1"})}) {
      auto l = cases::ParseLead(line, "test:1");
      ASSERT_TRUE(l) << l.error().ToString();
      leads.push_back(*l);
    }
    auto counts = store_->Ingest(cases::Actor::System("test"), leads);
    ASSERT_TRUE(counts) << counts.error().ToString();
    auto api = Api::Create(options_);
    ASSERT_TRUE(api) << api.error().ToString();
    api_ = std::move(*api);
  }

  Response Do(const std::string& method, const std::string& target, const std::string& body = "",
              std::vector<std::pair<std::string, std::string>> headers = {}) {
    Request r;
    r.method = method;
    r.target = target;
    r.body = body;
    r.headers = std::move(headers);
    r.peer_ip = "127.0.0.1";
    return api_->Handle(r);
  }

  struct Login {
    std::string cookie, csrf;
  };
  Login LoginAs(const std::string& user) {
    Response r = Do("POST", "/api/login",
                    json{{"user", user}, {"password", "password-" + user}}.dump());
    EXPECT_EQ(r.status, 200) << r.body;
    std::string cookie(r.Header("Set-Cookie"));
    cookie = cookie.substr(0, cookie.find(';'));
    return {cookie, json::parse(r.body).value("csrf", "")};
  }
  // A request in a session, with its CSRF token unless told otherwise.
  Response As(const Login& who, const std::string& method, const std::string& target,
              const std::string& body = "", bool with_csrf = true) {
    std::vector<std::pair<std::string, std::string>> h = {{"Cookie", who.cookie}};
    if (with_csrf) h.emplace_back("X-CSRF-Token", who.csrf);
    return Do(method, target, body, std::move(h));
  }

  // Audit records (read straight from the ledger, so that reading them audits nothing).
  std::vector<evidence::Record> Audit() {
    auto r = store_->ledger_storage().Read("audit");
    EXPECT_TRUE(r);
    return r ? *r : std::vector<evidence::Record>{};
  }
  uint64_t AuditCount() { return Audit().size(); }
  std::string FirstCaseId() {
    auto page = store_->ListCases(cases::Actor::System("test"), cases::CaseFilter{});
    EXPECT_TRUE(page && !page->cases.empty());
    return page && !page->cases.empty() ? page->cases[0].id : "";
  }

  TempDir dir_;
  int64_t now_ = kT0;
  Options options_;
  std::unique_ptr<cases::Store> store_;
  std::unique_ptr<Api> api_;
};

// A blocking HTTP/1.1 exchange with a server on 127.0.0.1 (Connection: close); the raw
// response, or "" when the connection failed.
inline std::string RawExchange(uint16_t port, const std::string& request) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return "";
  }
  size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may answer 413 and close before reading everything
    sent += static_cast<size_t>(n);
  }
  shutdown(fd, SHUT_WR);
  std::string out;
  char buf[8192];
  for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;) out.append(buf, static_cast<size_t>(n));
  close(fd);
  return out;
}

}  // namespace bantay::server::testing
