// cli/store_flags.h: where a command's case store and its keys are (--store, --pseudonym-key,
// --signing-key), declared once so that every command has the same flags, help and defaults.
#pragma once

#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "cases/cases.h"
#include "core/core.h"

namespace bantay::cli {

struct StoreLocation {
  std::string store;          // SQLite file or postgresql://...
  std::string pseudonym_key;  // key file; default beside an SQLite store
  std::string signing_key;    // key file; default beside an SQLite store

  void AddStoreFlags(CLI::App* cmd, bool required,
                     const std::string& store_help =
                         "Case store: an SQLite file, or postgresql://...") {
    auto* s = cmd->add_option("--store", store, store_help);
    if (required) s->required();
    cmd->add_option("--pseudonym-key", pseudonym_key,
                    "Pseudonym key file (default: bantay-pseudonym.key beside an SQLite store; "
                    "needed for PostgreSQL)");
    cmd->add_option("--signing-key", signing_key,
                    "Evidence signing key file (default: bantay-signing.key beside an SQLite "
                    "store; needed for PostgreSQL)");
  }

  cases::Options StoreOptions() const {
    cases::Options o;
    o.pseudonym_key_file = pseudonym_key;
    o.signing_key_file = signing_key;
    return o;
  }

  Result<std::unique_ptr<cases::Store>> OpenCaseStore() const {
    return cases::OpenStore(store, StoreOptions());
  }
};

}  // namespace bantay::cli
