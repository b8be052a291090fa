// tests/cases/backends.h: the two store backends for the typed store tests. SQLite stores are
// files in a temp dir; PostgreSQL stores are databases of one throw-away server per test
// binary (initdb + pg_ctl on a loopback ephemeral port, as `nobody` when run as root).
#pragma once

#include <string>

#include <gtest/gtest.h>

#include "cases/cases.h"

namespace bantay::cases::testing {

// A temp directory removed with the object.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The shared PostgreSQL server: started by the first call, stopped at exit of the binary
// (a GoogleTest Environment). Returns a URI of a fresh, empty database, or an error message
// (missing binaries, failed start): then the test fails, it does not skip.
Result<std::string> FreshPostgresDatabase();

struct SqliteBackend {
  static constexpr const char* kName = "sqlite";
  static Result<std::string> Spec(const TempDir& dir) { return dir.path() + "/store.db"; }
};

struct PostgresBackend {
  static constexpr const char* kName = "postgresql";
  static Result<std::string> Spec(const TempDir&) { return FreshPostgresDatabase(); }
};

// The backends every typed store suite runs on, named "sqlite" and "postgresql" in test names.
using Backends = ::testing::Types<SqliteBackend, PostgresBackend>;
class BackendNames {
 public:
  template <class T>
  static std::string GetName(int) { return T::kName; }
};

}  // namespace bantay::cases::testing
