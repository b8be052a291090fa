// cli/media_module.h: the bodies of the media commands (hash, hashlist import, match,
// transcribe) live in a shared module that bantay loads only when one of them runs, so
// that the other commands do not pay for loading FFmpeg, PocketSphinx, libjpeg and libpng
// (~110 of bantay's 168 shared libraries, ~0.1-0.3 s of every start).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/core.h"
#include "media/media.h"

namespace bantay::cli {

// Options shared by the commands that hash files.
struct HashOptions {
  double fps = 1.0;
  bool dihedral = false;
  media::DecodeLimits limits;
};

struct HashCommandOptions {
  std::vector<std::string> files;
  HashOptions hash;
  bool strict = false;
};

struct HashlistImportOptions {
  std::vector<std::string> files;
  std::string out;
  media::ListInfo defaults;  // for rows without a list, label or source
  bool strict = false;
};

struct MatchOptions {
  std::vector<std::string> files, lists;
  HashOptions hash;
  int max_distance = media::kMatchDistance;
  int min_quality = media::kMinQuality;
  double query_share = 0.8, candidate_share = 0.8;
  std::string account;
  bool all = false, strict = false;
};

struct TranscribeOptions {
  std::vector<std::string> files;
  std::string model = "/usr/share/pocketsphinx/model/en-us";
  std::string base_time;
  bool no_keywords = false, progress = false, strict = false;
  double kws_threshold = 1e-20;
  // Spotted in a second pass unless no_keywords; the CLI fills them from the lexicon, so
  // that the module needs no text module of its own.
  std::vector<std::string> keyphrases;
};

// What the module exports: one function per command, each returning the exit code.
struct MediaCommands {
  uint64_t abi;  // kMediaModuleAbi of the module's build
  int (*hash)(const HashCommandOptions& options);
  int (*hashlist_import)(const HashlistImportOptions& options);
  int (*match)(const MatchOptions& options);
  int (*transcribe)(const TranscribeOptions& options);
};

// Changes with the layout of the structs above, so that a module from another build of
// bantay is refused rather than called with the wrong layout. Bump the first term when a
// change keeps the sizes.
inline constexpr uint64_t kMediaModuleAbi =
    (uint64_t{1} << 48) ^ (sizeof(HashCommandOptions) << 36) ^
    (sizeof(HashlistImportOptions) << 24) ^ (sizeof(MatchOptions) << 12) ^
    sizeof(TranscribeOptions) ^ (sizeof(MediaCommands) << 6);

// The module's file name, and the one symbol it exports: a function returning its table.
inline constexpr char kMediaModuleFile[] = "libbantay_media_cli.so";
inline constexpr char kMediaModuleSymbol[] = "bantay_media_commands_v1";
using MediaModuleEntry = const MediaCommands* (*)();

// Loads the module (once per process) from beside the running binary, else from where the
// build wrote it. The error names every place tried, or the loader's own message.
Result<const MediaCommands*> LoadMediaModule();

}  // namespace bantay::cli
