// cli/media_cmd.cc: `bantay hash`, `bantay match`, `bantay hashlist import` and
// `bantay transcribe`: perceptual hashes of images and videos, matches against hash lists as
// leads, and call audio as chat JSONL for `bantay scan`. The options are parsed here; the
// commands run in the media module (media_module.h), loaded only then.
#include <dlfcn.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <system_error>

#include <fmt/core.h>

#include "cli/commands.h"
#include "cli/media_module.h"
#include "text/text.h"

namespace bantay::cli {

Result<const MediaCommands*> LoadMediaModule() {
  static const Result<const MediaCommands*> loaded = []() -> Result<const MediaCommands*> {
    std::vector<std::string> tried;
    std::error_code ec;
    const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) tried.push_back((self.parent_path() / kMediaModuleFile).string());
    tried.push_back(BANTAY_MEDIA_MODULE);  // absolute path where the build wrote it
    // A module that is there but fails to load is reported, unless a later place has one
    // that loads (a copy of bantay beside a module of another build still runs).
    std::optional<Error> failed;
    for (const std::string& path : tried) {
      if (!std::filesystem::exists(path, ec)) continue;
      void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (handle == nullptr) {
        const char* why = dlerror();
        if (!failed) {
          failed = Error{ErrorCode::kIo,
                         std::string("cannot load the media module: ") +
                             (why != nullptr ? why : "unknown error"),
                         path};
        }
        continue;
      }
      auto entry = reinterpret_cast<MediaModuleEntry>(dlsym(handle, kMediaModuleSymbol));
      const MediaCommands* commands = entry != nullptr ? entry() : nullptr;
      if (commands != nullptr && commands->abi == kMediaModuleAbi) {
        return commands;  // never unloaded: the process ends after the command
      }
      if (!failed) {
        failed = Error{ErrorCode::kIo, "the media module is from another build of bantay", path};
      }
    }
    if (failed) return tl::unexpected(*failed);
    std::string places;
    for (const std::string& path : tried) places += (places.empty() ? "" : ", ") + path;
    return Fail(ErrorCode::kNotFound, std::string("media module ") + kMediaModuleFile +
                                          " not found (tried " + places +
                                          "); copy it beside the bantay binary");
  }();
  return loaded;
}

namespace {

// Loads the module and runs one command in it; a module that cannot be loaded is an error
// of this command only.
int RunInModule(const char* command, const std::function<int(const MediaCommands&)>& body) {
  auto module = LoadMediaModule();
  if (!module) {
    fmt::print(stderr, "bantay {}: {}\n", command, module.error().ToString());
    return kExitUsage;
  }
  return body(**module);
}

void AddHashOptions(CLI::App* cmd, HashOptions* o) {
  cmd->add_option("--fps", o->fps, "Video frames sampled per second (1)")->check(CLI::Range(0.01, 100.0));
  cmd->add_option("--max-side", o->limits.max_side, "Refuse images or frames wider or taller (30000)")
      ->check(CLI::Range(16u, 1000000u));
}

// Payment and solicitation terms of the built-in lexicons that a speaker would say in
// English: plain words, no wildcards, digits or symbols.
std::vector<std::string> SpokenLexiconTerms() {
  std::vector<std::string> out;
  auto lexicon = text::Lexicon::Default();
  if (!lexicon) return out;
  for (const text::Term& t : lexicon->terms()) {
    if (t.category != text::Category::kPayment && t.category != text::Category::kSolicitation) {
      continue;
    }
    if (t.prefix || (t.language != "en" && t.language != "mul")) continue;
    const bool plain = std::all_of(t.term.begin(), t.term.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || c == ' ' || c == '\'';
    });
    if (plain && !t.term.empty()) out.push_back(t.term);
  }
  return out;
}

void RegisterHash(CLI::App& app, std::function<int()>* run) {
  auto o = std::make_shared<HashCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "hash",
      "PDQ hashes of images (JPEG, PNG) and videos (anything FFmpeg decodes: vPDQ, frames "
      "sampled at --fps, consecutive identical hashes kept once). One JSONL line per file: "
      "{\"file\", \"pdq\" (64 hex), \"quality\" (0-100)}, for videos also \"frames\": "
      "[{\"t\", \"pdq\", \"quality\"}]. The files themselves are never stored.");
  cmd->add_option("files", o->files, "Image or video files")->required();
  AddHashOptions(cmd, &o->hash);
  cmd->add_flag("--dihedral", o->hash.dihedral,
                "Also print the 8 rotations/flips of each image's hash (\"dihedral\")");
  cmd->add_flag("--strict", o->strict, "Exit 1 if any file was rejected");
  cmd->callback([=] {
    *run = [=] { return RunInModule("hash", [&](const MediaCommands& m) { return m.hash(*o); }); };
  });
}

void RegisterHashlist(CLI::App& app, std::function<int()>* run) {
  CLI::App* cmd = app.add_subcommand("hashlist", "Manage PDQ hash lists (only hashes are stored)");
  cmd->require_subcommand(1);
  auto o = std::make_shared<HashlistImportOptions>();
  CLI::App* imp = cmd->add_subcommand(
      "import",
      "Validate CSV/TSV hash lists and add them to a stored list (TSV: pdq, list, label, "
      "source, item). Input needs a header with a 'pdq' (or 'hash') column; 'list', 'label', "
      "'source' and 'item' (the video a frame hash belongs to) are optional and default to "
      "the options below. Bad rows are reported as file:line:field and skipped.");
  imp->add_option("files", o->files, "CSV or TSV files ('-' is stdin)")->required();
  imp->add_option("--out,-o", o->out, "Stored list to create or add to")->required();
  imp->add_option("--name", o->defaults.list, "List name for rows without one");
  imp->add_option("--label", o->defaults.label, "Label for rows without one");
  imp->add_option("--source", o->defaults.source,
                  "Source (hotline, platform) for rows without one");
  imp->add_flag("--strict", o->strict, "Exit 1 (and write nothing) if any row was rejected");
  imp->callback([=] {
    *run = [=] {
      return RunInModule("hashlist import",
                         [&](const MediaCommands& m) { return m.hashlist_import(*o); });
    };
  });
}

void RegisterMatch(CLI::App& app, std::function<int()>* run) {
  auto o = std::make_shared<MatchOptions>();
  CLI::App* cmd = app.add_subcommand(
      "match",
      "Match images and videos against stored hash lists (from `bantay hashlist import`) and "
      "print leads JSONL for `bantay ingest` (docs/media.md): {\"kind\": \"media_match\", "
      "\"file\", \"sha256\", \"pdq\", \"quality\", \"matches\": [{\"list\", \"label\", "
      "\"source\", \"distance\"}], \"score\", \"flagged\"}. Images match within --max-distance; "
      "a video matches a listed video by the two-sided vPDQ rule, and a listed image when any "
      "frame matches it.");
  cmd->add_option("files", o->files, "Image or video files")->required();
  cmd->add_option("--list,-l", o->lists, "Stored hash list (repeat for several)")
      ->required()
      ->allow_extra_args(false)  // one list per --list; the files come after
      ->check(CLI::ExistingFile);
  AddHashOptions(cmd, &o->hash);
  cmd->add_option("--max-distance", o->max_distance, "Hamming distance threshold (31)")
      ->check(CLI::Range(0, 64));
  cmd->add_option("--min-quality", o->min_quality, "Ignore query hashes of lower quality (50)")
      ->check(CLI::Range(0, 100));
  cmd->add_option("--query-share", o->query_share, "Video: share of query frames matched (0.8)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--candidate-share", o->candidate_share,
                  "Video: share of the listed video's frames matched (0.8)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--account", o->account, "Account the files came from (copied to each lead)");
  cmd->add_flag("--dihedral", o->hash.dihedral, "Images: also match rotated and flipped copies");
  cmd->add_flag("--all", o->all, "Also print files without a match (\"flagged\": false)");
  cmd->add_flag("--strict", o->strict, "Exit 1 if any file was rejected");
  cmd->callback([=] {
    *run = [=] {
      return RunInModule("match", [&](const MediaCommands& m) { return m.match(*o); });
    };
  });
}

void RegisterTranscribe(CLI::App& app, std::function<int()>* run) {
  auto o = std::make_shared<TranscribeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "transcribe",
      "Speech to text (PocketSphinx, offline) of WAV files (PCM 16-bit, mono or stereo, any "
      "rate), as chat JSONL that `bantay scan` reads: one utterance a line, conversation = "
      "file name, author = channel0/channel1, time = base time + offset, plus offset_s, "
      "end_s and the lexicon's payment and solicitation keyphrases spotted (keywords; "
      "those not already in the text are appended to it).");
  cmd->add_option("files", o->files, "WAV files")->required();
  cmd->add_option("--model", o->model, "PocketSphinx model folder (en-us)");
  cmd->add_option("--base-time", o->base_time,
                  "RFC 3339 time of the start of the audio (default: the file's modification time)");
  cmd->add_flag("--no-keywords", o->no_keywords, "Skip the keyphrase-spotting pass");
  cmd->add_option("--kws-threshold", o->kws_threshold,
                  "Keyphrase detection threshold, per word (1e-20; smaller finds more)");
  cmd->add_flag("--progress", o->progress, "Progress on stderr (default when stderr is a terminal)");
  cmd->add_flag("--strict", o->strict, "Exit 1 if any file was rejected");
  cmd->callback([=] {
    *run = [=] {
      if (!o->no_keywords) o->keyphrases = SpokenLexiconTerms();
      return RunInModule("transcribe", [&](const MediaCommands& m) { return m.transcribe(*o); });
    };
  });
}

}  // namespace

const CommandRegistration kRegisterHash{40, RegisterHash};
const CommandRegistration kRegisterMatch{41, RegisterMatch};
const CommandRegistration kRegisterHashlist{42, RegisterHashlist};
const CommandRegistration kRegisterTranscribe{43, RegisterTranscribe};

}  // namespace bantay::cli
