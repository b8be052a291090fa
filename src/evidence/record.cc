// evidence/record.cc: records and checkpoints to and from their canonical JSON.
#include <set>

#include "evidence/evidence.h"
#include "evidence/internal.h"

namespace bantay::evidence {

namespace {

std::string At(std::string_view where, std::string_view field) {
  if (where.empty()) return std::string(field);
  return std::string(where) + ":" + std::string(field);
}

// Checks that `j` is an object with exactly `fields`; names the first missing or extra one.
Status ExactFields(const nlohmann::json& j, std::initializer_list<std::string_view> fields,
                   std::string_view where, std::string_view what) {
  if (!j.is_object())
    return Fail(ErrorCode::kParse, std::string(what) + " is not a JSON object", std::string(where));
  for (std::string_view f : fields) {
    if (!j.contains(f)) return Fail(ErrorCode::kParse, "missing field", At(where, f));
  }
  if (j.size() != fields.size()) {
    std::set<std::string_view> known(fields.begin(), fields.end());
    for (const auto& [key, value] : j.items()) {
      if (!known.contains(key)) return Fail(ErrorCode::kParse, "unknown field", At(where, key));
    }
  }
  return {};
}

// Reads typed fields of one object; the first error sticks and later reads do nothing.
class FieldReader {
 public:
  FieldReader(const nlohmann::json& j, std::string_view where) : j_(j), where_(where) {}

  void Str(std::string_view field, std::string* out, bool allow_empty = false) {
    if (!status_) return;
    const auto& v = j_.at(std::string(field));
    if (!v.is_string()) return Bad(field, "must be a string");
    *out = v.get<std::string>();
    if (out->empty() && !allow_empty) Bad(field, "must not be empty");
  }
  void Seq(uint64_t* out) {
    if (!status_) return;
    const auto& v = j_.at("seq");
    if (v.is_number_unsigned()) {
      *out = v.get<uint64_t>();
    } else if (v.is_number_integer() && v.get<int64_t>() >= 0) {
      *out = static_cast<uint64_t>(v.get<int64_t>());
    } else {
      Bad("seq", "must be a non-negative integer");
    }
  }
  void Time(std::string_view field, std::string* out, bool allow_empty) {
    Str(field, out, allow_empty);
    if (!status_ || out->empty()) return;
    if (auto t = ParseRfc3339(*out); !t) Bad(field, "not an RFC 3339 time: " + t.error().message);
  }
  void Hex(std::string_view field, std::string* out, size_t bytes) {
    Str(field, out);
    if (!status_) return;
    std::string buf(bytes, '\0');
    if (!FromHex(*out, reinterpret_cast<unsigned char*>(buf.data()), bytes)) {
      Bad(field, "must be " + std::to_string(bytes * 2) + " lower-case hex digits");
    }
  }
  const Status& status() const { return status_; }

 private:
  void Bad(std::string_view field, std::string message) {
    status_ = Fail(ErrorCode::kParse, std::move(message), At(where_, field));
  }
  const nlohmann::json& j_;
  std::string_view where_;
  Status status_;
};

nlohmann::json HashedFields(const Record& r) {
  return nlohmann::json::object({{"stream", r.stream},
                                 {"seq", r.seq},
                                 {"kind", r.kind},
                                 {"source_time", r.source_time},
                                 {"received_time", r.received_time},
                                 {"body", r.body},
                                 {"prev_hash", r.prev_hash}});
}

}  // namespace

std::string RecordHash(const Record& r) { return Sha256Hex(CanonicalJson(HashedFields(r))); }

nlohmann::json RecordToJson(const Record& r) {
  nlohmann::json j = HashedFields(r);
  j["hash"] = r.hash;
  return j;
}

Result<Record> RecordFromJson(const nlohmann::json& j, std::string_view where) {
  if (auto s = ExactFields(
          j, {"stream", "seq", "kind", "source_time", "received_time", "body", "prev_hash", "hash"},
          where, "record");
      !s) {
    return tl::unexpected(s.error());
  }
  Record r;
  FieldReader f(j, where);
  f.Str("stream", &r.stream);
  f.Seq(&r.seq);
  f.Str("kind", &r.kind);
  f.Time("source_time", &r.source_time, true);
  f.Time("received_time", &r.received_time, false);
  f.Hex("prev_hash", &r.prev_hash, 32);
  f.Hex("hash", &r.hash, 32);
  if (!f.status()) return tl::unexpected(f.status().error());
  r.body = j.at("body");
  return r;
}

std::string CheckpointStatement(const Checkpoint& c) {
  return CanonicalJson(nlohmann::json::object({{"type", "bantay-checkpoint-v1"},
                                               {"stream", c.stream},
                                               {"seq", c.seq},
                                               {"hash", c.hash},
                                               {"time", c.time}}));
}

nlohmann::json CheckpointToJson(const Checkpoint& c) {
  return nlohmann::json::object({{"stream", c.stream},
                                 {"seq", c.seq},
                                 {"hash", c.hash},
                                 {"time", c.time},
                                 {"public_key", c.public_key},
                                 {"signature", c.signature}});
}

Result<Checkpoint> CheckpointFromJson(const nlohmann::json& j, std::string_view where) {
  if (auto s = ExactFields(j, {"stream", "seq", "hash", "time", "public_key", "signature"}, where,
                           "checkpoint");
      !s) {
    return tl::unexpected(s.error());
  }
  Checkpoint c;
  FieldReader f(j, where);
  f.Str("stream", &c.stream);
  f.Seq(&c.seq);
  f.Hex("hash", &c.hash, 32);
  f.Time("time", &c.time, false);
  f.Hex("public_key", &c.public_key, 32);
  f.Hex("signature", &c.signature, 64);
  if (!f.status()) return tl::unexpected(f.status().error());
  return c;
}

}  // namespace bantay::evidence
