// fuzz/fuzz_http_request.cc: libFuzzer target for the HTTP layer of `bantay serve`: arbitrary
// bytes are parsed as one request by Beast with the listener's limits (server::ParseRequest)
// and, when they parse, routed through Api::Handle over a temp SQLite store seeded with a case
// and an admin session (no network). "@COOKIE@", "@CSRF@" and "@CASE@" in the input are
// replaced by that session's cookie, its CSRF token and the case's id, so that the fuzzer
// reaches the routes behind the login.

#include <cstdio>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cases/cases.h"
#include "server/server.h"

namespace {

constexpr size_t kBodyLimit = 64 * 1024;

struct Target {
  std::unique_ptr<bantay::server::Api> api;
  std::string cookie, csrf, case_id, dir;
};

void ReplaceAll(std::string* s, std::string_view from, const std::string& to) {
  for (size_t at = s->find(from); at != std::string::npos; at = s->find(from, at + to.size())) {
    s->replace(at, from.size(), to);
  }
}

// A fresh admin session (also after the fuzzer logged the last one out).
void Login(Target* t) {
  bantay::server::Request login;
  login.method = "POST";
  login.target = "/api/login";
  login.body = R"({"user":"root","password":"root-password-1"})";
  login.peer_ip = "127.0.0.1";
  const auto r = t->api->Handle(login);
  if (r.status != 200) __builtin_trap();
  const std::string cookie(r.Header("Set-Cookie"));
  t->cookie = cookie.substr(0, cookie.find(';'));
  t->csrf = nlohmann::json::parse(r.body).value("csrf", "");
}

Target* Setup() {
  auto* t = new Target;
  std::string tmpl = (std::filesystem::temp_directory_path() / "bantay-fuzz-http-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) __builtin_trap();
  t->dir = tmpl;
  bantay::server::Options o;
  o.store = t->dir + "/store.db";
  o.store_options.pseudonym_key_file = t->dir + "/pseudonym.key";
  o.store_options.signing_key_file = t->dir + "/signing.key";
  o.store_options.pwhash_opslimit = 1;     // crypto_pwhash_OPSLIMIT_MIN
  o.store_options.pwhash_memlimit = 8192;  // crypto_pwhash_MEMLIMIT_MIN
  o.body_limit = kBodyLimit;
  // The fuzzer sends many wrong passwords; a lockout would only stop it from reaching the
  // routes behind the login (the lockout itself has its own tests).
  o.store_options.max_failed_logins = 1 << 30;
  {
    auto store = bantay::cases::OpenStore(o.store, o.store_options);
    if (!store) {
      std::fprintf(stderr, "fuzz_http_request: store: %s\n", store.error().ToString().c_str());
      __builtin_trap();
    }
    if (auto b = (*store)->Bootstrap("root", "root-password-1"); !b) {
      std::fprintf(stderr, "fuzz_http_request: bootstrap: %s\n", b.error().ToString().c_str());
      __builtin_trap();
    }
    const nlohmann::json lead = {
        {"conversation", "conv1"}, {"score", 0.9}, {"flagged", true},
        {"signals", {{"payment", 1}}},
        {"evidence", {{{"message", 1}, {"category", "payment"}, {"term", "western union"},
                       {"text", "i send western union"}, {"role", "requester"}}}},
        {"participants", {{{"author", "buyer1"}, {"role", "requester"}},
                          {{"author", "other1"}, {"role", "other"}}}}};
    auto l = bantay::cases::ParseLead(lead.dump(), "fuzz:1");
    if (!l || !(*store)->Ingest(bantay::cases::Actor::System("fuzz"),
                                std::span<const bantay::cases::Lead>(&*l, 1))) {
      __builtin_trap();
    }
    auto page = (*store)->ListCases(bantay::cases::Actor::System("fuzz"), {});
    if (!page || page->cases.empty()) __builtin_trap();
    t->case_id = page->cases[0].id;
  }
  auto api = bantay::server::Api::Create(o);
  if (!api) __builtin_trap();
  t->api = std::move(*api);
  Login(t);
  return t;
}

// Set up on first use, not during static initialisation: the store's schema migrations
// register themselves from another translation unit's static initialisers.
Target* GetTarget() {
  static Target* const target = [] {
    Target* t = Setup();
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(GetTarget()->dir, ec);
    });
    return t;
  }();
  return target;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Target* const t = GetTarget();
  std::string input(reinterpret_cast<const char*>(data), size);
  ReplaceAll(&input, "@COOKIE@", t->cookie);
  ReplaceAll(&input, "@CSRF@", t->csrf);
  ReplaceAll(&input, "@CASE@", t->case_id);
  auto req = bantay::server::ParseRequest(input, kBodyLimit, "127.0.0.1");
  if (!req) {
    if (req.error().message.empty() || req.error().where.empty()) __builtin_trap();
    return 0;
  }
  const auto res = t->api->Handle(*req);
  if (res.status < 100 || res.status > 599) __builtin_trap();
  if (req->target.find("logout") != std::string::npos) Login(t);
  return 0;
}
