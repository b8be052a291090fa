// server/api.cc: the JSON API and static console: routing, sessions, CSRF, API tokens, and
// the translation of store results into HTTP answers.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <mutex>
#include <sstream>
#include <unordered_map>

#include "server/internal.h"
#include "server/server.h"

namespace bantay::server {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr std::string_view kSessionCookie = "bantay_session";
constexpr std::string_view kCsrfHeader = "X-CSRF-Token";
constexpr double kReportScore = 0.5;  // user reports without a score of their own

int64_t SystemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view FindHeader(const std::vector<std::pair<std::string, std::string>>& headers,
                            std::string_view name) {
  for (const auto& [k, v] : headers) {
    if (IEquals(k, name)) return v;
  }
  return {};
}

// Ids in paths: case, authorisation and user ids are short and plain; anything else (quotes,
// dots, slashes, percent escapes) is refused before it reaches the store.
bool PlainId(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
           c == '@';
  }) && s.find("..") == std::string_view::npos;
}

struct Session {
  std::string user;
  cases::Role role = cases::Role::kAnalyst;
  std::string csrf;
  int64_t created_ms = 0, last_ms = 0;
};

// A parsed request as the handlers see it.
struct Call {
  const Request* req = nullptr;
  std::string path;
  std::map<std::string, std::string> query;
  std::vector<std::string> params;  // {id} segments of the route, in order
  json body;                        // parsed JSON body of POSTs (object)
  const Session* session = nullptr;
  cases::Actor actor;
};

Response JsonResponse(int status, const json& j) {
  Response r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = j.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

Response ErrorResponse(int status, std::string_view message, std::string_view where = {}) {
  json j = {{"error", message}};
  if (!where.empty()) j["where"] = where;
  return JsonResponse(status, j);
}

// Store errors to HTTP: permission refusals 403, missing things 404, bad input 400.
Response StoreError(const Error& e) {
  switch (e.code) {
    case ErrorCode::kPermissionDenied: return ErrorResponse(403, e.message);
    case ErrorCode::kNotFound: return ErrorResponse(404, e.message, e.where);
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kParse: return ErrorResponse(400, e.message, e.where);
    default: return ErrorResponse(500, e.message);
  }
}

// Reads a string member of a request body; missing is "" unless required.
Result<std::string> BodyString(const json& body, const char* key, bool required) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) {
    if (required) return Fail(ErrorCode::kInvalidArgument, "is required", std::string("body:") + key);
    return std::string();
  }
  if (!it->is_string()) {
    return Fail(ErrorCode::kInvalidArgument, "must be a string", std::string("body:") + key);
  }
  return it->get<std::string>();
}

}  // namespace

std::string_view Request::Header(std::string_view name) const { return FindHeader(headers, name); }
std::string_view Response::Header(std::string_view name) const { return FindHeader(headers, name); }

// Store connections, one per concurrent request (a Store is not shared between threads).
class StorePool {
 public:
  StorePool(std::string spec, cases::Options options)
      : spec_(std::move(spec)), options_(std::move(options)) {}

  class Lease {
   public:
    Lease(StorePool* pool, std::unique_ptr<cases::Store> store)
        : pool_(pool), store_(std::move(store)) {}
    Lease(Lease&&) = default;
    ~Lease() {
      if (store_) pool_->Release(std::move(store_));
    }
    cases::Store* operator->() { return store_.get(); }
    cases::Store& operator*() { return *store_; }

   private:
    StorePool* pool_;
    std::unique_ptr<cases::Store> store_;
  };

  Result<Lease> Acquire() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!free_.empty()) {
        auto s = std::move(free_.back());
        free_.pop_back();
        return Lease(this, std::move(s));
      }
    }
    auto s = cases::OpenStore(spec_, options_);
    if (!s) return tl::unexpected(s.error());
    return Lease(this, std::move(*s));
  }

 private:
  void Release(std::unique_ptr<cases::Store> s) {
    std::lock_guard<std::mutex> lock(mu_);
    if (free_.size() < 32) free_.push_back(std::move(s));
  }
  std::string spec_;
  cases::Options options_;
  std::mutex mu_;
  std::vector<std::unique_ptr<cases::Store>> free_;
};

class Api::Impl {
 public:
  using Handler = Response (Impl::*)(Call&);
  struct Route {
    std::string method;
    std::vector<std::string> pattern;  // path segments; "{}" matches one id
    Handler handler;
    bool session = true;  // needs a session (else public or token-authenticated)
  };

  explicit Impl(Options options, evidence::Signer signer)
      : options_(std::move(options)),
        pool_(options_.store, options_.store_options),
        signer_(std::move(signer)) {
    auto r = [&](std::string method, std::string path, Handler h, bool session = true) {
      std::vector<std::string> segs;
      std::stringstream ss(path.substr(1));
      for (std::string seg; std::getline(ss, seg, '/');) segs.push_back(seg);
      routes_.push_back({std::move(method), std::move(segs), h, session});
    };
    r("POST", "/api/login", &Impl::Login, false);
    r("POST", "/api/reports", &Impl::PostReport, false);
    r("POST", "/api/logout", &Impl::Logout);
    r("GET", "/api/me", &Impl::Me);
    r("GET", "/api/cases", &Impl::ListCases);
    r("GET", "/api/cases/{}", &Impl::GetCase);
    r("POST", "/api/cases/{}/status", &Impl::SetStatus);
    r("POST", "/api/cases/{}/assign", &Impl::Assign);
    r("POST", "/api/cases/{}/notes", &Impl::AddNote);
    r("POST", "/api/cases/{}/country", &Impl::SetCountry);
    r("POST", "/api/cases/{}/close-no-abuse", &Impl::CloseNoAbuse);
    r("GET", "/api/cases/{}/authorisations", &Impl::ListAuthorisations);
    r("POST", "/api/cases/{}/authorisations", &Impl::AddAuthorisation);
    r("POST", "/api/authorisations/{}/revoke", &Impl::RevokeAuthorisation);
    r("GET", "/api/cases/{}/referral", &Impl::Referral);
    r("POST", "/api/cases/{}/referral", &Impl::IdentifiedReferral);
    r("GET", "/api/cases/{}/export", &Impl::Export);
    r("POST", "/api/cases/{}/export", &Impl::IdentifiedExport);
    r("POST", "/api/reidentify", &Impl::Reidentify);
    r("GET", "/api/audit", &Impl::ReadAudit);
    r("GET", "/api/audit/verify", &Impl::VerifyAudit);
    r("GET", "/api/users", &Impl::ListUsers);
    r("POST", "/api/users", &Impl::CreateUser);
    r("POST", "/api/users/{}/disabled", &Impl::SetUserDisabled);
    r("GET", "/api/bot/conversations", &Impl::BotConversations);
    r("GET", "/api/bot/conversations/{}", &Impl::BotTranscript);
    r("POST", "/api/bot/conversations/{}/takeover", &Impl::BotTakeover);
    r("POST", "/api/bot/conversations/{}/say", &Impl::BotSay);
    r("POST", "/api/bot/conversations/{}/handback", &Impl::BotHandBack);
    r("POST", "/api/bot/conversations/{}/end", &Impl::BotEnd);
    r("GET", "/api/bot/commands/{}", &Impl::BotCommand);
    r("GET", "/api/bot/dashboard", &Impl::BotDashboard);
  }

  Status LoadTokens() {
    if (options_.report_tokens_file.empty()) return {};
    auto content = ReadFile(options_.report_tokens_file.string());
    if (!content) return tl::unexpected(content.error());
    std::istringstream in(*content);
    uint64_t line_no = 0;
    for (std::string line; std::getline(in, line);) {
      ++line_no;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty() || line[0] == '#') continue;
      std::istringstream fields(line);
      std::string name, digest, extra;
      fields >> name >> digest >> extra;
      const std::string where = Where(options_.report_tokens_file.string(), line_no);
      if (name.empty() || !PlainId(name)) {
        return Fail(ErrorCode::kParse, "expected \"name sha256-hex\"", where + ":name");
      }
      if (digest.size() != 64 ||
          digest.find_first_not_of("0123456789abcdef") != std::string::npos || !extra.empty()) {
        return Fail(ErrorCode::kParse, "must be 64 lower-case hex digits (sha256 of the token)",
                    where + ":sha256");
      }
      tokens_[digest] = name;
    }
    return {};
  }

  Response Handle(const Request& req) {
    Response r = Dispatch(req);
    r.headers.emplace_back("X-Content-Type-Options", "nosniff");
    r.headers.emplace_back("Referrer-Policy", "no-referrer");
    r.headers.emplace_back("X-Frame-Options", "DENY");
    r.headers.emplace_back(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'");
    if (req.target.rfind("/api/", 0) == 0) r.headers.emplace_back("Cache-Control", "no-store");
    if (req.tls) r.headers.emplace_back("Strict-Transport-Security", "max-age=31536000");
    return r;
  }

  // A refusal the store did not see: written to the "audit" stream through a ledger over
  // the store's own ledger tables (see the report on a store-level audit call).
  void AuditHttp(const Request& req, std::string_view user, int status, std::string_view why) {
    std::string target = req.method + " " + req.target.substr(0, req.target.find('?'));
    if (target.size() > 256) target.resize(256);
    json body = {{"user", user.empty() ? "anonymous" : std::string(user)},
                 {"ip", req.peer_ip},
                 {"action", "http"},
                 {"target", target},
                 {"outcome", "denied"},
                 {"detail", {{"status", status}, {"why", why}}}};
    auto store = pool_.Acquire();
    if (!store) return;
    evidence::LedgerOptions lo;
    lo.checkpoint_every = options_.store_options.checkpoint_every;
    lo.now = [this] { return FormatRfc3339(Now()); };
    evidence::Ledger ledger((*store)->ledger_storage(), signer_, lo);
    // Another connection may append to "audit" between Last and Put: Put then refuses the
    // stale seq and we append again on the new head.
    for (int attempt = 0; attempt < 8; ++attempt) {
      if (ledger.Append("audit", "audit", "", body)) return;
    }
    audit_failures_.fetch_add(1);
  }

 private:
  int64_t Now() const { return options_.now_ms ? options_.now_ms() : SystemNowMs(); }

  Response Dispatch(const Request& req) {
    const std::string raw_path = req.target.substr(0, req.target.find('?'));
    std::string path;
    if (!UrlDecode(raw_path, false, &path) || path.empty() || path[0] != '/' ||
        path.find('\0') != std::string::npos) {
      AuditHttp(req, "", 400, "malformed path");
      return ErrorResponse(400, "malformed path");
    }
    if (path.rfind("/api/", 0) != 0) return Static(req, path);

    Call call;
    call.req = &req;
    call.path = path;
    const Route* route = nullptr;
    bool path_matched = false;
    std::vector<std::string> segs;
    {
      std::stringstream ss(path.substr(1));
      for (std::string seg; std::getline(ss, seg, '/');) segs.push_back(seg);
    }
    for (const auto& rt : routes_) {
      if (rt.pattern.size() != segs.size()) continue;
      std::vector<std::string> params;
      bool ok = true;
      for (size_t i = 0; i < segs.size() && ok; ++i) {
        if (rt.pattern[i] == "{}") {
          params.push_back(segs[i]);
        } else {
          ok = rt.pattern[i] == segs[i];
        }
      }
      if (!ok) continue;
      path_matched = true;
      if (rt.method != req.method) continue;
      route = &rt;
      call.params = std::move(params);
      break;
    }

    // Who is asking comes first: an unauthenticated caller learns nothing about routes.
    Session session;
    const bool is_public = route ? !route->session
                                 : (path == "/api/login" || path == "/api/reports");
    if (!is_public) {
      auto s = FindSession(req);
      if (!s) {
        AuditHttp(req, "", 401, "no valid session");
        return ErrorResponse(401, "login required");
      }
      session = *s;
      call.session = &session;
      call.actor = cases::Actor{session.user, req.peer_ip};
      if (req.method != "GET" && req.method != "HEAD" &&
          !SecretEquals(req.Header(kCsrfHeader), session.csrf)) {
        AuditHttp(req, session.user, 403, "missing or wrong CSRF token");
        return ErrorResponse(403, "missing or wrong CSRF token");
      }
    }
    if (!route) {
      const int status = path_matched ? 405 : 404;
      AuditHttp(req, session.user, status, path_matched ? "method not allowed" : "no such route");
      return ErrorResponse(status, path_matched ? "method not allowed" : "no such route");
    }
    for (const auto& p : call.params) {
      if (!PlainId(p)) {
        AuditHttp(req, session.user, 400, "malformed id in path");
        return ErrorResponse(400, "malformed id in path");
      }
    }
    // Query string.
    if (auto q = req.target.find('?'); q != std::string::npos) {
      std::stringstream ss(req.target.substr(q + 1));
      for (std::string kv; std::getline(ss, kv, '&');) {
        if (kv.empty()) continue;
        const auto eq = kv.find('=');
        std::string k, v;
        if (!UrlDecode(kv.substr(0, eq), true, &k) ||
            !UrlDecode(eq == std::string::npos ? "" : kv.substr(eq + 1), true, &v)) {
          AuditHttp(req, session.user, 400, "malformed query string");
          return ErrorResponse(400, "malformed query string");
        }
        call.query[k] = v;
      }
    }
    if (req.method == "POST") {
      if (req.body.empty()) {
        call.body = json::object();
      } else {
        call.body = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
        if (call.body.is_discarded() || !call.body.is_object()) {
          AuditHttp(req, session.user, 400, "body is not a JSON object");
          return ErrorResponse(400, "body must be a JSON object", "body");
        }
      }
    }
    try {
      return (this->*route->handler)(call);
    } catch (const std::exception& e) {
      // nlohmann::json type errors on unexpected input shapes end here, not in a crash.
      AuditHttp(req, session.user, 400, "bad request body");
      return ErrorResponse(400, std::string("bad request: ") + e.what());
    }
  }

  // ---- Static console -----------------------------------------------------------------------

  Response Static(const Request& req, const std::string& path) {
    if (req.method != "GET" && req.method != "HEAD") return ErrorResponse(405, "method not allowed");
    std::string file = path == "/" ? "/index.html" : path;
    if (file.find("..") != std::string::npos || file.find('\\') != std::string::npos ||
        file.find("//") != std::string::npos) {
      AuditHttp(req, "", 400, "path traversal attempt");
      return ErrorResponse(400, "malformed path");
    }
    Response r;
    if (!options_.web_dir.empty()) {
      std::error_code ec;
      const fs::path root = fs::canonical(options_.web_dir, ec);
      const fs::path p = fs::weakly_canonical(root / file.substr(1), ec);
      const auto rel = p.lexically_relative(root);
      if (ec || rel.empty() || *rel.begin() == ".." || !fs::is_regular_file(p)) {
        return ErrorResponse(404, "not found");
      }
      auto content = ReadFile(p.string());
      if (!content) return ErrorResponse(404, "not found");
      r.body = std::move(*content);
    } else {
      const auto& files = EmbeddedWebFiles();
      auto it = std::find_if(files.begin(), files.end(),
                             [&](const auto& f) { return f.first == file; });
      if (it == files.end()) return ErrorResponse(404, "not found");
      r.body = std::string(it->second);
    }
    r.headers.emplace_back("Content-Type", std::string(ContentType(file)));
    r.headers.emplace_back("Cache-Control", "no-cache");
    return r;
  }

  // ---- Sessions -----------------------------------------------------------------------------

  std::optional<Session> FindSession(const Request& req) {
    std::string_view cookies = req.Header("Cookie");
    std::string token;
    while (!cookies.empty()) {
      auto semi = cookies.find(';');
      std::string_view part = cookies.substr(0, semi);
      cookies = semi == std::string_view::npos ? std::string_view() : cookies.substr(semi + 1);
      while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
      if (part.substr(0, kSessionCookie.size() + 1) == std::string(kSessionCookie) + "=") {
        token = std::string(part.substr(kSessionCookie.size() + 1));
      }
    }
    if (token.size() != 64) return std::nullopt;
    const int64_t now = Now();
    std::lock_guard<std::mutex> lock(sessions_mu_);
    auto it = sessions_.find(TokenDigest(token));
    if (it == sessions_.end()) return std::nullopt;
    Session& s = it->second;
    if (now - s.last_ms > options_.session_idle_s * 1000 ||
        now - s.created_ms > options_.session_max_s * 1000) {
      sessions_.erase(it);
      return std::nullopt;
    }
    s.last_ms = now;
    return s;
  }

  std::string SessionCookie(const Request& req, const std::string& token, bool clear) {
    std::string c = std::string(kSessionCookie) + "=" + token +
                    "; Path=/; HttpOnly; SameSite=Strict";
    if (clear) c += "; Max-Age=0";
    if (req.tls) c += "; Secure";
    return c;
  }

  Response Login(Call& c) {
    auto user = BodyString(c.body, "user", true);
    auto password = BodyString(c.body, "password", true);
    if (!user || !password) {
      AuditHttp(*c.req, "", 400, "login without user or password");
      return ErrorResponse(400, "user and password are required");
    }
    auto store = pool_.Acquire();
    if (!store) return StoreError(store.error());
    auto info = (*store)->Login(*user, *password, c.req->peer_ip);  // audited by the store
    if (!info) return ErrorResponse(401, "login failed (wrong user or password, or locked out)");
    const std::string token = RandomHex(32);
    Session s;
    s.user = info->name;
    s.role = info->role;
    s.csrf = RandomHex(32);
    s.created_ms = s.last_ms = Now();
    {
      std::lock_guard<std::mutex> lock(sessions_mu_);
      // Drop expired sessions now and then so the table stays bounded by active users.
      if (sessions_.size() > 1024) {
        const int64_t now = Now();
        std::erase_if(sessions_, [&](const auto& kv) {
          return now - kv.second.last_ms > options_.session_idle_s * 1000 ||
                 now - kv.second.created_ms > options_.session_max_s * 1000;
        });
      }
      sessions_[TokenDigest(token)] = s;
    }
    Response r = JsonResponse(200, {{"user", s.user}, {"role", cases::RoleName(s.role)},
                                    {"csrf", s.csrf}});
    r.headers.emplace_back("Set-Cookie", SessionCookie(*c.req, token, false));
    return r;
  }

  Response Logout(Call& c) {
    {
      std::lock_guard<std::mutex> lock(sessions_mu_);
      std::erase_if(sessions_, [&](const auto& kv) { return kv.second.csrf == c.session->csrf; });
    }
    Response r = JsonResponse(200, {{"ok", true}});
    r.headers.emplace_back("Set-Cookie", SessionCookie(*c.req, "", true));
    return r;
  }

  Response Me(Call& c) {
    return JsonResponse(200, {{"user", c.session->user},
                              {"role", cases::RoleName(c.session->role)},
                              {"csrf", c.session->csrf}});
  }

  // ---- Queue and case -------------------------------------------------------------------------

  Response ListCases(Call& c) {
    cases::CaseFilter f;
    auto bad = [&](const std::string& field, const std::string& why) {
      AuditHttp(*c.req, c.session->user, 400, "bad query " + field);
      return ErrorResponse(400, why, "query:" + field);
    };
    for (const auto& [k, v] : c.query) {
      if (k == "status" && !v.empty()) {
        auto s = cases::ParseStatus(v);
        if (!s) return bad(k, "unknown status");
        f.status = *s;
      } else if (k == "kind") {
        if (!v.empty() && v != "text" && v != "meta" && v != "media" && v != "report" &&
            v != "mixed") {
          return bad(k, "unknown kind");
        }
        f.kind = v;
      } else if (k == "assignee") {
        f.assignee = v;
      } else if (k == "subject") {
        f.subject = v;
      } else if (k == "min_score") {
        char* end = nullptr;
        f.min_score = std::strtod(v.c_str(), &end);
        if (v.empty() || *end != '\0' || !(f.min_score >= 0 && f.min_score <= 1)) {
          return bad(k, "must be a number in [0, 1]");
        }
      } else if (k == "sort") {
        if (v == "score") f.sort = cases::SortBy::kScore;
        else if (v == "updated") f.sort = cases::SortBy::kUpdated;
        else if (v == "created") f.sort = cases::SortBy::kCreated;
        else if (v == "id") f.sort = cases::SortBy::kId;
        else return bad(k, "must be score, updated, created or id");
      } else if (k == "order") {
        if (v != "asc" && v != "desc") return bad(k, "must be asc or desc");
        f.descending = v == "desc";
      } else if (k == "offset" || k == "limit") {
        char* end = nullptr;
        const long long n = std::strtoll(v.c_str(), &end, 10);
        if (v.empty() || *end != '\0' || n < 0 || (k == "limit" && (n < 1 || n > 1000))) {
          return bad(k, k == "limit" ? "must be 1 to 1000" : "must be a non-negative integer");
        }
        (k == "offset" ? f.offset : f.limit) = n;
      } else {
        return bad(k, "unknown parameter");
      }
    }
    auto store = pool_.Acquire();
    if (!store) return StoreError(store.error());
    auto page = (*store)->ListCases(c.actor, f);
    if (!page) return StoreError(page.error());
    json items = json::array();
    for (const auto& cs : page->cases) items.push_back(cases::SummaryToJson(cs));
    return JsonResponse(200, {{"total", page->total}, {"offset", f.offset}, {"limit", f.limit},
                              {"cases", std::move(items)}});
  }

  Response GetCase(Call& c) {
    auto store = pool_.Acquire();
    if (!store) return StoreError(store.error());
    auto d = (*store)->GetCase(c.actor, c.params[0]);
    if (!d) return StoreError(d.error());
    return JsonResponse(200, CaseViewJson(*d));
  }

  Response Done(const Status& s) {
    if (!s) return StoreError(s.error());
    return JsonResponse(200, {{"ok", true}});
  }

  // Runs `f(store, fields...)` after reading the named string fields of the body.
  template <class F>
  Response WithFields(Call& c, std::initializer_list<std::pair<const char*, bool>> fields, F f) {
    std::vector<std::string> values;
    for (const auto& [name, required] : fields) {
      auto v = BodyString(c.body, name, required);
      if (!v) {
        AuditHttp(*c.req, c.actor.user, 400, "bad body field " + std::string(name));
        return ErrorResponse(400, v.error().message, v.error().where);
      }
      values.push_back(std::move(*v));
    }
    auto store = pool_.Acquire();
    if (!store) return StoreError(store.error());
    return f(**store, values);
  }

  Response SetStatus(Call& c) {
    return WithFields(c, {{"status", true}, {"note", false}}, [&](cases::Store& s, auto& v) {
      auto status = cases::ParseStatus(v[0]);
      if (!status) return ErrorResponse(400, "unknown status", "body:status");
      return Done(s.SetStatus(c.actor, c.params[0], *status, v[1]));
    });
  }
  Response Assign(Call& c) {
    return WithFields(c, {{"assignee", false}}, [&](cases::Store& s, auto& v) {
      return Done(s.Assign(c.actor, c.params[0], v[0]));
    });
  }
  Response AddNote(Call& c) {
    return WithFields(c, {{"text", true}}, [&](cases::Store& s, auto& v) {
      auto id = s.AddNote(c.actor, c.params[0], v[0]);
      if (!id) return StoreError(id.error());
      return JsonResponse(200, {{"id", *id}});
    });
  }
  Response SetCountry(Call& c) {
    return WithFields(c, {{"country", true}}, [&](cases::Store& s, auto& v) {
      return Done(s.SetCountry(c.actor, c.params[0], v[0]));
    });
  }
  Response CloseNoAbuse(Call& c) {
    return WithFields(c, {{"reason", true}}, [&](cases::Store& s, auto& v) {
      return Done(s.CloseNoAbuse(c.actor, c.params[0], v[0]));
    });
  }

  // ---- Undercover agent (docs/bot-operators.md) --------------------------------------------
  // The bot process mirrors conversations into the store and carries out the commands queued
  // here (takeover, say, handback, end); the console polls the command for its result.

  Response BotConversations(Call& c) {
    auto store = pool_.Acquire();
    if (!store) return StoreError(store.error());
    auto list = (*store)->ListBotConversations(c.actor);
    if (!list) return StoreError(list.error());
    json out = json::array();
    for (const auto& conv : *list) out.push_back(BotConversationJson(conv));
    return JsonResponse(200, {{"conversations", std::move(out)}});
  }
  Response BotTranscript(Call& c) {
    int64_t after = -1;  // all lines (and the read is audited)
    if (auto it = c.query.find("after"); it != c.query.end()) {
      char* end = nullptr;
      after = std::strtoll(it->second.c_str(), &end, 10);
      if (it->second.empty() || *end != '\0' || after < 0) {
        AuditHttp(*c.req, c.actor.user, 400, "bad query after");
        return ErrorResponse(400, "must be a non-negative integer", "query:after");
      }
    }
    auto store = pool_.Acquire();
    if (!store) return StoreError(store.error());
    auto lines = (*store)->ReadBotTranscript(c.actor, c.params[0], after);
    if (!lines) return StoreError(lines.error());
    return JsonResponse(200, {{"conversation", c.params[0]}, {"lines", BotLinesJson(*lines)}});
  }
  Response BotQueue(Call& c, std::string_view kind, bool with_text) {
    return WithFields(c, {{"text", with_text}}, [&](cases::Store& s, auto& v) {
      auto id = s.AddBotCommand(c.actor, c.params[0], kind, with_text ? v[0] : std::string());
      if (!id) return StoreError(id.error());
      return JsonResponse(200, {{"command", *id}});
    });
  }
  Response BotTakeover(Call& c) { return BotQueue(c, "takeover", false); }
  Response BotSay(Call& c) { return BotQueue(c, "say", true); }
  Response BotHandBack(Call& c) { return BotQueue(c, "handback", false); }
  Response BotEnd(Call& c) { return BotQueue(c, "end", false); }
  Response BotCommand(Call& c) {
    char* end = nullptr;
    const int64_t id = std::strtoll(c.params[0].c_str(), &end, 10);
    if (*end != '\0' || id <= 0) return ErrorResponse(400, "command ids are positive integers", "path:id");
    auto store = pool_.Acquire();
    if (!store) return StoreError(store.error());
    auto cmd = (*store)->GetBotCommand(c.actor, id);
    if (!cmd) return StoreError(cmd.error());
    return JsonResponse(200, BotCommandJson(*cmd));
  }
  Response BotDashboard(Call& c) {
    auto store = pool_.Acquire();
    if (!store) return StoreError(store.error());
    auto counters = (*store)->ListBotCounters(c.actor);
    if (!counters) return StoreError(counters.error());
    return JsonResponse(200, BotDashboardJson(*counters));
  }

  // ---- Authorisations -------------------------------------------------------------------------

  Response ListAuthorisations(Call& c) {
    auto store = pool_.Acquire();
    if (!store) return StoreError(store.error());
    auto d = (*store)->GetCase(c.actor, c.params[0]);
    if (!d) return StoreError(d.error());
    return JsonResponse(200, {{"authorisations", CaseViewJson(*d)["authorisations"]}});
  }

  Response AddAuthorisation(Call& c) {
    return WithFields(
        c, {{"authority", true}, {"legal_reference", true}, {"start", true}, {"expiry", true}},
        [&](cases::Store& s, auto& v) {
          cases::Authorisation a;
          a.case_id = c.params[0];
          a.authority = v[0];
          a.legal_reference = v[1];
          auto start = ParseRfc3339(v[2]);
          auto expiry = ParseRfc3339(v[3]);
          if (!start) return ErrorResponse(400, "must be RFC 3339", "body:start");
          if (!expiry) return ErrorResponse(400, "must be RFC 3339", "body:expiry");
          a.start_ms = *start;
          a.expiry_ms = *expiry;
          auto scope = c.body.find("scope");
          if (scope == c.body.end() || !scope->is_array() || scope->empty()) {
            return ErrorResponse(400, "must be a non-empty array of pseudonyms", "body:scope");
          }
          for (const auto& p : *scope) {
            if (!p.is_string()) return ErrorResponse(400, "must hold strings", "body:scope");
            a.scope.push_back(p.get<std::string>());
          }
          auto id = s.AddAuthorisation(c.actor, a);
          if (!id) return StoreError(id.error());
          return JsonResponse(201, {{"id", *id}});
        });
  }

  Response RevokeAuthorisation(Call& c) {
    auto store = pool_.Acquire();
    if (!store) return StoreError(store.error());
    return Done((*store)->RevokeAuthorisation(c.actor, c.params[0]));
  }

  // ---- Referral and export ------------------------------------------------------------------

  // GET: pseudonymous. POST {reason, format}: names the subjects' account ids (supervisors;
  // every re-identification audited with the reason).
  Response Referral(Call& c) {
    const std::string format = c.query.count("format") ? c.query["format"] : "html";
    auto store = pool_.Acquire();
    if (!store) return StoreError(store.error());
    return ReferralAs(c, **store, format, "query:format", "");
  }

  Response IdentifiedReferral(Call& c) {
    return WithFields(c, {{"reason", true}, {"format", false}}, [&](cases::Store& s, auto& v) {
      return ReferralAs(c, s, v[1].empty() ? "html" : v[1], "body:format", v[0]);
    });
  }

  Response ReferralAs(Call& c, cases::Store& store, const std::string& format,
                      const char* format_field, const std::string& reason) {
    if (format != "xml" && format != "json" && format != "html") {
      AuditHttp(*c.req, c.actor.user, 400, "bad referral format");
      return ErrorResponse(400, "format must be xml, json or html", format_field);
    }
    auto rep = store.BuildReferral(c.actor, c.params[0], options_.agencies, reason);
    if (!rep) return StoreError(rep.error());
    Response r;
    r.body = format == "xml" ? rep->xml : format == "json" ? rep->json : rep->html;
    r.headers.emplace_back("Content-Type", format == "xml"    ? "application/xml"
                                           : format == "json" ? "application/json"
                                                              : "text/html; charset=utf-8");
    r.headers.emplace_back("Content-Disposition",
                           "attachment; filename=\"referral-" + c.params[0] + "." + format + "\"");
    return r;
  }

  Response Export(Call& c) {
    auto store = pool_.Acquire();
    if (!store) return StoreError(store.error());
    return ExportWith(c, **store, "");
  }

  Response IdentifiedExport(Call& c) {
    return WithFields(c, {{"reason", true}},
                      [&](cases::Store& s, auto& v) { return ExportWith(c, s, v[0]); });
  }

  // The evidence bundle with the referral report (identified when `reason` is given) as a zip.
  Response ExportWith(Call& c, cases::Store& store, const std::string& reason) {
    if (auto s = store.AuthoriseReferralExport(c.actor, c.params[0]); !s) {
      return StoreError(s.error());
    }
    auto rep = store.BuildReferral(c.actor, c.params[0], options_.agencies, reason);
    if (!rep) return StoreError(rep.error());
    std::error_code ec;
    const fs::path dir = fs::temp_directory_path(ec) / ("bantay-export-" + RandomHex(8));
    struct Cleanup {
      fs::path d;
      ~Cleanup() {
        std::error_code e;
        fs::remove_all(d, e);
      }
    } cleanup{dir};
    fs::create_directories(dir, ec);
    if (ec) return ErrorResponse(500, "cannot create a temporary directory");
    for (const auto& [name, content] :
         {std::pair<const char*, const std::string*>{"referral.xml", &rep->xml},
          {"referral.json", &rep->json},
          {"referral.html", &rep->html}}) {
      std::ofstream(dir / name, std::ios::binary) << *content;
    }
    auto bundle = store.WriteCaseBundle(c.actor, c.params[0], dir);
    if (!bundle) return StoreError(bundle.error());
    std::map<std::string, std::string> files;
    const std::string top = "bundle-" + c.params[0] + "/";
    for (const auto& e : fs::recursive_directory_iterator(dir, ec)) {
      if (!e.is_regular_file()) continue;
      auto content = ReadFile(e.path().string());
      if (!content) return ErrorResponse(500, "cannot read the bundle");
      files[top + e.path().lexically_relative(dir).generic_string()] = std::move(*content);
    }
    Response r;
    r.body = MakeZip(files);
    r.headers.emplace_back("Content-Type", "application/zip");
    r.headers.emplace_back("Content-Disposition",
                           "attachment; filename=\"bundle-" + c.params[0] + ".zip\"");
    r.headers.emplace_back("X-Manifest-SHA256", bundle->manifest_sha256);
    return r;
  }

  Response Reidentify(Call& c) {
    return WithFields(c, {{"pseudonym", true}, {"reason", true}}, [&](cases::Store& s, auto& v) {
      auto id = s.Reidentify(c.actor, v[0], v[1]);
      if (!id) return StoreError(id.error());
      return JsonResponse(200, {{"pseudonym", v[0]}, {"account", *id}});
    });
  }

  // ---- Audit ----------------------------------------------------------------------------------

  Response ReadAudit(Call& c) {
    uint64_t from = 0;
    if (auto it = c.query.find("from"); it != c.query.end()) {
      char* end = nullptr;
      from = std::strtoull(it->second.c_str(), &end, 10);
      if (it->second.empty() || *end != '\0') {
        AuditHttp(*c.req, c.actor.user, 400, "bad query from");
        return ErrorResponse(400, "must be a non-negative integer", "query:from");
      }
    }
    auto store = pool_.Acquire();
    if (!store) return StoreError(store.error());
    auto records = (*store)->ReadAudit(c.actor, from);
    if (!records) return StoreError(records.error());
    json out = json::array();
    // The newest 500 from `from` on: the console pages backwards with ?from=.
    const size_t first = records->size() > 500 ? records->size() - 500 : 0;
    for (size_t i = first; i < records->size(); ++i) {
      const auto& r = (*records)[i];
      out.push_back({{"seq", r.seq}, {"time", r.received_time}, {"body", r.body}, {"hash", r.hash}});
    }
    return JsonResponse(200, {{"records", std::move(out)}, {"total", records->size()}});
  }

  Response VerifyAudit(Call& c) {
    std::string stream = c.query.count("stream") ? c.query["stream"] : "";
    auto store = pool_.Acquire();
    if (!store) return StoreError(store.error());
    auto rep = (*store)->VerifyLedger(c.actor, stream);
    if (!rep) return StoreError(rep.error());
    return JsonResponse(200, rep->ToJson());
  }

  // ---- Users ----------------------------------------------------------------------------------

  Response ListUsers(Call& c) {
    auto store = pool_.Acquire();
    if (!store) return StoreError(store.error());
    auto users = (*store)->ListUsers(c.actor);
    if (!users) return StoreError(users.error());
    json out = json::array();
    for (const auto& u : *users) {
      out.push_back({{"name", u.name}, {"role", cases::RoleName(u.role)}, {"disabled", u.disabled}});
    }
    return JsonResponse(200, {{"users", std::move(out)}});
  }

  Response CreateUser(Call& c) {
    return WithFields(c, {{"name", true}, {"role", true}, {"password", true}},
                      [&](cases::Store& s, auto& v) {
                        auto role = cases::ParseRole(v[1]);
                        if (!role) return ErrorResponse(400, "unknown role", "body:role");
                        auto st = s.CreateUser(c.actor, v[0], *role, v[2]);
                        if (!st) return StoreError(st.error());
                        return JsonResponse(201, {{"name", v[0]}});
                      });
  }

  Response SetUserDisabled(Call& c) {
    auto d = c.body.find("disabled");
    if (d == c.body.end() || !d->is_boolean()) {
      AuditHttp(*c.req, c.actor.user, 400, "bad body field disabled");
      return ErrorResponse(400, "must be true or false", "body:disabled");
    }
    auto store = pool_.Acquire();
    if (!store) return StoreError(store.error());
    return Done((*store)->SetUserDisabled(c.actor, c.params[0], d->get<bool>()));
  }

  // ---- User reports (platform API token) ------------------------------------------------------

  Response PostReport(Call& c) {
    std::string_view auth = c.req->Header("Authorization");
    std::string platform;
    if (auth.size() > 7 && IEquals(auth.substr(0, 7), "Bearer ")) {
      auto it = tokens_.find(TokenDigest(auth.substr(7)));
      if (it != tokens_.end()) platform = it->second;
    }
    if (platform.empty()) {
      AuditHttp(*c.req, "", 401, "missing or unknown API token");
      return ErrorResponse(401, "a valid platform API token is required (Authorization: Bearer)");
    }
    // A person's report carries no detector score; kReportScore puts it mid-queue unless the
    // platform sends its own (e.g. from its own classifiers).
    json lead = {{"kind", "user_report"}, {"platform", platform}, {"score", kReportScore}};
    for (const char* k : {"account", "reporter", "reason", "excerpt", "time", "score"}) {
      auto it = c.body.find(k);
      if (it != c.body.end()) lead[k] = *it;
    }
    if (auto ex = lead.find("excerpt"); ex != lead.end() &&
        (!ex->is_string() || ex->get_ref<const std::string&>().size() > 4096)) {
      AuditHttp(*c.req, "system:report:" + platform, 400, "bad excerpt");
      return ErrorResponse(400, "must be a string of at most 4096 bytes", "body:excerpt");
    }
    auto parsed = cases::ParseLead(lead.dump(), "POST /api/reports");
    if (!parsed) {
      AuditHttp(*c.req, "system:report:" + platform, 400, "bad report: " + parsed.error().where);
      return ErrorResponse(400, parsed.error().message, parsed.error().where);
    }
    auto store = pool_.Acquire();
    if (!store) return StoreError(store.error());
    const cases::Actor actor{"system:report:" + platform, c.req->peer_ip};
    auto counts = (*store)->Ingest(actor, std::span<const cases::Lead>(&*parsed, 1));
    if (!counts) return StoreError(counts.error());
    json out = {{"ingested", counts->ingested}, {"merged", counts->merged},
                {"duplicate", counts->duplicate}};
    cases::CaseFilter f;
    f.subject = (*store)->Pseudonym(parsed->primary);
    f.limit = 1;
    if (auto page = (*store)->ListCases(actor, f); page && !page->cases.empty()) {
      out["case"] = page->cases[0].id;
    }
    return JsonResponse(counts->ingested ? 201 : 200, out);
  }

  Options options_;
  StorePool pool_;
  evidence::Signer signer_;
  std::vector<Route> routes_;
  std::unordered_map<std::string, std::string> tokens_;  // sha256(token) -> platform
  std::mutex sessions_mu_;
  std::unordered_map<std::string, Session> sessions_;    // sha256(cookie) -> session
  std::atomic<uint64_t> audit_failures_{0};
};

Api::Api(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Api::~Api() = default;

Result<std::unique_ptr<Api>> Api::Create(Options options) {
  // Open one store up front: migrations run and bad specs fail here, not on first request.
  auto first = cases::OpenStore(options.store, options.store_options);
  if (!first) return tl::unexpected(first.error());
  fs::path key = options.store_options.signing_key_file;
  if (key.empty()) key = fs::absolute(options.store).parent_path() / "bantay-signing.key";
  auto signer = evidence::Signer::LoadOrCreate(key);
  if (!signer) return tl::unexpected(signer.error());
  if (options.agencies.empty()) {
    auto a = LoadAgencies("");
    if (!a) return tl::unexpected(a.error());
    options.agencies = std::move(*a);
  }
  auto impl = std::make_unique<Impl>(std::move(options), std::move(*signer));
  if (auto s = impl->LoadTokens(); !s) return tl::unexpected(s.error());
  return std::unique_ptr<Api>(new Api(std::move(impl)));
}

Response Api::Handle(const Request& request) { return impl_->Handle(request); }

void Api::AuditRefusal(const Request& request, int status, std::string_view why) {
  impl_->AuditHttp(request, "", status, why);
}

Result<std::vector<cases::Agency>> LoadAgencies(const std::string& path) {
  if (!path.empty()) {
    auto content = ReadFile(path);
    if (!content) return tl::unexpected(content.error());
    return cases::ParseAgencies(*content, path);
  }
  for (const auto& [name, content] : EmbeddedFiles()) {
    if (name == "data/referral/agencies.csv") return cases::ParseAgencies(content, name);
  }
  return std::vector<cases::Agency>{
      {"*", "National police (configure with --agencies)", "manual", "", "bantay default"}};
}

}  // namespace bantay::server
