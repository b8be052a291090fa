// cli/media_cmd.cc: `bantay hash`, `bantay match`, `bantay hashlist import` and
// `bantay transcribe`: perceptual hashes of images and videos, matches against hash lists as
// leads, and call audio as chat JSONL for `bantay scan`.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "media/media.h"
#include "text/text.h"

namespace bantay::cli {

namespace {

using nlohmann::json;

// Counts and prints bad input; every rejected file or row is named on stderr.
struct Rejects {
  std::string command;
  size_t max_shown = 20;
  uint64_t count = 0;
  void Report(const std::string& where, const std::string& message) {
    if (count++ < max_shown) fmt::print(stderr, "bantay {}: {}: {} (rejected)\n", command, where, message);
  }
  void Report(const Error& e) { Report(e.where, e.message); }
  // Prints the total; returns the exit code for `strict`.
  int Finish(bool strict) const {
    if (count > max_shown) fmt::print(stderr, "bantay {}: ... and {} more\n", command, count - max_shown);
    if (count > 0) fmt::print(stderr, "bantay {}: {} rejected\n", command, count);
    return strict && count > 0 ? kExitFindings : kExitOk;
  }
};

void PrintLine(const json& j) {
  const std::string line = j.dump(-1, ' ', false, json::error_handler_t::replace);
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
}

int Usage(const std::string& command, const Error& e) {
  fmt::print(stderr, "bantay {}: {}\n", command, e.ToString());
  return kExitUsage;
}

Result<std::vector<uint8_t>> ReadBytes(const std::string& path) {
  auto content = ReadFile(path);
  if (!content) return tl::unexpected(content.error());
  return std::vector<uint8_t>(content->begin(), content->end());
}

// What a file holds once hashed: one image, or the sampled frames of a video.
struct Hashed {
  bool video = false;
  media::PdqHash image;
  std::array<media::PdqHash, 8> dihedral{};
  media::VideoHash frames;
};

struct HashOptions {
  double fps = 1.0;
  bool dihedral = false;
  media::DecodeLimits limits;
};

Result<Hashed> HashMedia(const std::string& path, const HashOptions& o, media::PdqHasher& hasher) {
  auto bytes = ReadBytes(path);
  if (!bytes) return tl::unexpected(bytes.error());
  Hashed out;
  const media::MediaKind kind = media::SniffMedia(*bytes);
  if (kind == media::MediaKind::kJpeg || kind == media::MediaKind::kPng || bytes->empty()) {
    auto image = media::DecodeImage(*bytes, path, o.limits);
    if (!image) return tl::unexpected(image.error());
    if (o.dihedral) {
      out.dihedral = hasher.HashDihedral(*image);
      out.image = out.dihedral[0];
    } else {
      out.image = hasher.Hash(*image);
    }
    return out;
  }
  if (kind == media::MediaKind::kWav) {
    return Fail(ErrorCode::kParse, "audio, not an image or video (use bantay transcribe)", path);
  }
  media::VideoOptions vo;
  vo.fps = o.fps;
  vo.limits = o.limits;
  auto video = media::HashVideoFile(path, vo, hasher);
  if (!video) return tl::unexpected(video.error());
  out.video = true;
  out.frames = std::move(*video);
  return out;
}

void AddHashOptions(CLI::App* cmd, HashOptions* o) {
  cmd->add_option("--fps", o->fps, "Video frames sampled per second (1)")->check(CLI::Range(0.01, 100.0));
  cmd->add_option("--max-side", o->limits.max_side, "Refuse images or frames wider or taller (30000)")
      ->check(CLI::Range(16u, 1000000u));
}

double Round3(double v) { return std::round(v * 1000) / 1000; }

// ---- bantay hash ---------------------------------------------------------------------------

void RegisterHash(CLI::App& app, std::function<int()>* run) {
  auto files = std::make_shared<std::vector<std::string>>();
  auto o = std::make_shared<HashOptions>();
  auto strict = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "hash",
      "PDQ hashes of images (JPEG, PNG) and videos (anything FFmpeg decodes: vPDQ, frames "
      "sampled at --fps, consecutive identical hashes kept once). One JSONL line per file: "
      "{\"file\", \"pdq\" (64 hex), \"quality\" (0-100)}, for videos also \"frames\": "
      "[{\"t\", \"pdq\", \"quality\"}]. The files themselves are never stored.");
  cmd->add_option("files", *files, "Image or video files")->required();
  AddHashOptions(cmd, o.get());
  cmd->add_flag("--dihedral", o->dihedral,
                "Also print the 8 rotations/flips of each image's hash (\"dihedral\")");
  cmd->add_flag("--strict", *strict, "Exit 1 if any file was rejected");
  cmd->callback([=] {
    *run = [=]() -> int {
      media::PdqHasher hasher;
      Rejects rejects{"hash"};
      for (const std::string& path : *files) {
        auto h = HashMedia(path, *o, hasher);
        if (!h) {
          rejects.Report(h.error());
          continue;
        }
        json j;
        j["file"] = path;
        if (!h->video) {
          j["pdq"] = h->image.hash.ToHex();
          j["quality"] = h->image.quality;
          if (o->dihedral) {
            json d = json::object();
            for (int k = 0; k < 8; ++k) {
              d[std::string(media::DihedralName(static_cast<media::Dihedral>(k)))] =
                  h->dihedral[k].hash.ToHex();
            }
            j["dihedral"] = d;
          }
        } else {
          // The file's own "pdq" is its first frame's, so every line has one.
          j["pdq"] = h->frames.frames[0].pdq.hash.ToHex();
          j["quality"] = h->frames.frames[0].pdq.quality;
          j["kind"] = "video";
          j["frames_sampled"] = h->frames.frames_sampled;
          json frames = json::array();
          for (const media::FrameHash& f : h->frames.frames) {
            frames.push_back({{"t", Round3(f.time_s)}, {"pdq", f.pdq.hash.ToHex()},
                              {"quality", f.pdq.quality}});
          }
          j["frames"] = std::move(frames);
        }
        PrintLine(j);
      }
      std::fflush(stdout);
      return rejects.Finish(*strict);
    };
  });
}

// ---- bantay hashlist import ------------------------------------------------------------------

void RegisterHashlist(CLI::App& app, std::function<int()>* run) {
  CLI::App* cmd = app.add_subcommand("hashlist", "Manage PDQ hash lists (only hashes are stored)");
  cmd->require_subcommand(1);
  auto files = std::make_shared<std::vector<std::string>>();
  auto out = std::make_shared<std::string>();
  auto defaults = std::make_shared<media::ListInfo>();
  auto strict = std::make_shared<bool>(false);
  CLI::App* imp = cmd->add_subcommand(
      "import",
      "Validate CSV/TSV hash lists and add them to a stored list (TSV: pdq, list, label, "
      "source, item). Input needs a header with a 'pdq' (or 'hash') column; 'list', 'label', "
      "'source' and 'item' (the video a frame hash belongs to) are optional and default to "
      "the options below. Bad rows are reported as file:line:field and skipped.");
  imp->add_option("files", *files, "CSV or TSV files ('-' is stdin)")->required();
  imp->add_option("--out,-o", *out, "Stored list to create or add to")->required();
  imp->add_option("--name", defaults->list, "List name for rows without one");
  imp->add_option("--label", defaults->label, "Label for rows without one");
  imp->add_option("--source", defaults->source, "Source (hotline, platform) for rows without one");
  imp->add_flag("--strict", *strict, "Exit 1 (and write nothing) if any row was rejected");
  imp->callback([=] {
    *run = [=]() -> int {
      Rejects rejects{"hashlist import"};
      media::HashList merged;
      size_t before = 0;
      if (std::filesystem::exists(*out)) {
        auto content = ReadFile(*out);
        if (!content) return Usage("hashlist import", content.error());
        std::vector<Rejection> bad;
        auto existing = media::HashList::Parse(*content, *out, {}, &bad);
        if (!existing) return Usage("hashlist import", existing.error());
        if (!bad.empty()) {
          return Usage("hashlist import",
                       Error{ErrorCode::kParse, "stored list has bad rows: " + bad[0].message,
                             bad[0].where});
        }
        merged = std::move(*existing);
        before = merged.size();
      }
      size_t rows = 0;
      for (const std::string& path : *files) {
        auto content = ReadFile(path);
        if (!content) {
          rejects.Report(content.error());
          continue;
        }
        std::vector<Rejection> bad;
        auto list = media::HashList::Parse(*content, path == "-" ? "stdin" : path, *defaults, &bad);
        for (const Rejection& r : bad) rejects.Report(r.where, r.message);
        if (!list) {
          rejects.Report(list.error());
          continue;
        }
        rows += list->size();
        merged.Append(*list);
      }
      if (*strict && rejects.count > 0) {
        rejects.Finish(true);
        fmt::print(stderr, "bantay hashlist import: nothing written (--strict)\n");
        return kExitFindings;
      }
      const std::string tmp = *out + ".tmp";
      {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        const std::string data = merged.Serialize();
        f.write(data.data(), static_cast<std::streamsize>(data.size()));
        if (!f.flush()) {
          fmt::print(stderr, "bantay hashlist import: cannot write {}\n", tmp);
          return kExitFindings;
        }
      }
      std::filesystem::rename(tmp, *out);
      fmt::print(stderr, "bantay hashlist import: {} valid rows read, {} new hashes, {} in {}\n",
                 rows, merged.size() - before, merged.size(), *out);
      return rejects.Finish(*strict);
    };
  });
}

// ---- bantay match ----------------------------------------------------------------------------

struct MatchOptions {
  std::vector<std::string> files, lists;
  HashOptions hash;
  int max_distance = media::kMatchDistance;
  int min_quality = media::kMinQuality;
  double query_share = 0.8, candidate_share = 0.8;
  std::string account;
  bool all = false, strict = false;
};

// Image match score: 1 at distance 0, falling linearly to about 0.5 at the threshold.
double DistanceScore(int distance) { return 1.0 - distance / 64.0; }

json MatchJson(const media::ListInfo& info, int distance) {
  json m{{"list", info.list}, {"label", info.label}, {"source", info.source}, {"distance", distance}};
  if (!info.item.empty()) m["item"] = info.item;
  return m;
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
    *run = [=]() -> int {
      media::HashList list;
      for (const std::string& path : o->lists) {
        auto content = ReadFile(path);
        if (!content) return Usage("match", content.error());
        std::vector<Rejection> bad;
        auto l = media::HashList::Parse(*content, path, {}, &bad);
        if (!l) return Usage("match", l.error());
        if (!bad.empty()) {
          return Usage("match", Error{ErrorCode::kParse,
                                      bad[0].message + " (" + std::to_string(bad.size()) +
                                          " bad rows; re-import the list)",
                                      bad[0].where});
        }
        list.Append(*l);
      }
      const media::HashIndex index = media::HashIndex::Build(list.hashes());
      media::HashIndex::Scratch scratch;
      std::vector<media::IndexMatch> found;
      media::PdqHasher hasher;
      Rejects rejects{"match"};
      for (const std::string& path : o->files) {
        auto h = HashMedia(path, o->hash, hasher);
        if (!h) {
          rejects.Report(h.error());
          continue;
        }
        auto digest = media::FileSha256Hex(path);
        if (!digest) {
          rejects.Report(digest.error());
          continue;
        }
        json matches = json::array();
        double score = 0;
        media::PdqHash shown = h->video ? h->frames.frames[0].pdq : h->image;
        json lead{{"kind", "media_match"}, {"file", path}, {"sha256", *digest}};
        if (!o->account.empty()) lead["account"] = o->account;
        if (!h->video) {
          // Best distance per listed entry over the variants searched.
          std::map<uint32_t, int> best;
          const int variants = o->hash.dihedral ? 8 : 1;
          if (h->image.quality >= o->min_quality) {
            for (int v = 0; v < variants; ++v) {
              const media::Hash256& q = o->hash.dihedral ? h->dihedral[v].hash : h->image.hash;
              index.Query(q, o->max_distance, &found, scratch);
              for (const media::IndexMatch& m : found) {
                auto [it, added] = best.try_emplace(m.id, m.distance);
                if (!added) it->second = std::min(it->second, m.distance);
              }
            }
          }
          for (const auto& [id, d] : best) {
            matches.push_back(MatchJson(list.info(id), d));
            score = std::max(score, DistanceScore(d));
          }
        } else {
          // Per listed item: which of its entries some frame matched, and which frames.
          struct ItemHits {
            std::map<uint32_t, int> entries;  // entry -> best distance
            std::vector<bool> frames;
          };
          std::map<uint32_t, ItemHits> items;
          const auto& frames = h->frames.frames;
          size_t usable = 0;
          int shown_distance = 257;
          for (size_t f = 0; f < frames.size(); ++f) {
            if (frames[f].pdq.quality < o->min_quality) continue;
            ++usable;
            index.Query(frames[f].pdq.hash, o->max_distance, &found, scratch);
            for (const media::IndexMatch& m : found) {
              ItemHits& hits = items[list.info_index(m.id)];
              hits.frames.resize(frames.size());
              hits.frames[f] = true;
              auto [it, added] = hits.entries.try_emplace(m.id, m.distance);
              if (!added) it->second = std::min(it->second, m.distance);
              if (m.distance < shown_distance) {  // the lead shows its closest frame
                shown_distance = m.distance;
                shown = frames[f].pdq;
              }
            }
          }
          for (const auto& [info_id, hits] : items) {
            const media::ListInfo& info = list.info(hits.entries.begin()->first);
            int best = 256;
            for (const auto& [id, d] : hits.entries) best = std::min(best, d);
            const size_t frames_hit = std::count(hits.frames.begin(), hits.frames.end(), true);
            const double q_share = usable > 0 ? static_cast<double>(frames_hit) / usable : 0;
            const double c_share = static_cast<double>(hits.entries.size()) /
                                   static_cast<double>(list.entries_with_info(info_id));
            json m = MatchJson(info, best);
            m["frames_matched"] = frames_hit;
            if (info.item.empty()) {  // a listed image seen in the video
              score = std::max(score, DistanceScore(best));
            } else {                  // a listed video: the two-sided rule
              if (q_share < o->query_share || c_share < o->candidate_share) continue;
              m["query_share"] = Round3(q_share);
              m["candidate_share"] = Round3(c_share);
              score = std::max(score, std::min(q_share, c_share) * DistanceScore(best));
            }
            matches.push_back(std::move(m));
          }
          lead["frames"] = frames.size();
        }
        lead["pdq"] = shown.hash.ToHex();
        lead["quality"] = shown.quality;
        const bool flagged = !matches.empty();
        lead["matches"] = std::move(matches);
        lead["score"] = Round3(score);
        lead["flagged"] = flagged;
        if (flagged || o->all) PrintLine(lead);
      }
      std::fflush(stdout);
      return rejects.Finish(o->strict);
    };
  });
}

// ---- bantay transcribe -----------------------------------------------------------------------

struct TranscribeOptions {
  std::vector<std::string> files;
  std::string model = "/usr/share/pocketsphinx/model/en-us";
  std::string base_time;
  bool no_keywords = false, progress = false, strict = false;
  double kws_threshold = 1e-20;
};

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
    *run = [=]() -> int {
      int64_t fixed_base = kNoTime;
      if (!o->base_time.empty()) {
        auto t = ParseRfc3339(o->base_time);
        if (!t) return Usage("transcribe", Error{ErrorCode::kInvalidArgument, t.error().message, "--base-time"});
        fixed_base = *t;
      }
      media::SpeechOptions so;
      so.model_dir = o->model;
      so.kws_threshold = o->kws_threshold;
      if (!o->no_keywords) so.keyphrases = SpokenLexiconTerms();
      auto rec = media::Recognizer::Create(so);
      if (!rec) return Usage("transcribe", rec.error());
      const bool progress = o->progress || isatty(STDERR_FILENO) != 0;
      Rejects rejects{"transcribe"};
      for (const std::string& path : o->files) {
        // Read block by block as the recogniser asks: a long recording is never held whole.
        media::WavInfo info;
        auto audio = media::OpenWav(path, &info);
        if (!audio) {
          rejects.Report(audio.error());
          continue;
        }
        if (info.truncated) {
          fmt::print(stderr, "bantay transcribe: {}: data chunk cut short; transcribing the "
                             "{:.1f} s present\n", path,
                     (*audio)->frames() / double((*audio)->sample_rate()));
        }
        int64_t base = fixed_base;
        if (base == kNoTime) {
          struct stat st {};
          base = ::stat(path.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_mtime) * 1000 : 0;
        }
        auto last = std::chrono::steady_clock::now();
        auto utts = (*rec)->Transcribe(**audio, [&](double done, double total) {
          const auto now = std::chrono::steady_clock::now();
          if (!progress || now - last < std::chrono::seconds(1)) return;
          last = now;
          fmt::print(stderr, "\rtranscribe: {}: {:.0f}% ({:.0f} of {:.0f} s of audio)   ", path,
                     100 * done / total, done, total);
        });
        if (progress) fmt::print(stderr, "\r{:80}\r", "");
        if (!utts) {
          rejects.Report(utts.error().where.empty() ? path : utts.error().where, utts.error().message);
          continue;
        }
        for (const media::Utterance& u : *utts) {
          std::string message = u.text;
          for (const std::string& k : u.keywords) {
            if ((" " + message + " ").find(" " + k + " ") == std::string::npos) {
              message += message.empty() ? k : " " + k;
            }
          }
          json j{{"conversation", path},
                 {"time", FormatRfc3339(base + static_cast<int64_t>(u.start_s * 1000))},
                 {"author", "channel" + std::to_string(u.channel)},
                 {"text", message},
                 {"offset_s", Round3(u.start_s)},
                 {"end_s", Round3(u.end_s)}};
          if (!u.keywords.empty()) j["keywords"] = u.keywords;
          PrintLine(j);
        }
        std::fflush(stdout);
      }
      return rejects.Finish(o->strict);
    };
  });
}

}  // namespace

const CommandRegistration kRegisterHash{40, RegisterHash};
const CommandRegistration kRegisterMatch{41, RegisterMatch};
const CommandRegistration kRegisterHashlist{42, RegisterHashlist};
const CommandRegistration kRegisterTranscribe{43, RegisterTranscribe};

}  // namespace bantay::cli
