// cli/media_module.cc: the bodies of `bantay hash`, `bantay match`, `bantay hashlist import`
// and `bantay transcribe`, built as the shared module that media_cmd.cc loads when one of
// them runs (media_module.h); only this file links the media module's libraries.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/media_module.h"

namespace bantay::cli {

namespace {

using nlohmann::json;

// Counts and prints bad input; every rejected file or row is named on stderr.
struct Rejects {
  std::string command;
  size_t max_shown = 20;
  uint64_t count = 0;
  void Report(const std::string& where, const std::string& message) {
    if (count++ < max_shown)
      fmt::print(stderr, "bantay {}: {}: {} (rejected)\n", command, where, message);
  }
  void Report(const Error& e) { Report(e.where, e.message); }
  // Prints the total; returns the exit code for `strict`.
  int Finish(bool strict) const {
    if (count > max_shown)
      fmt::print(stderr, "bantay {}: ... and {} more\n", command, count - max_shown);
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

double Round3(double v) { return std::round(v * 1000) / 1000; }

// Image match score: 1 at distance 0, falling linearly to about 0.5 at the threshold.
double DistanceScore(int distance) { return 1.0 - distance / 64.0; }

json MatchJson(const media::ListInfo& info, int distance) {
  json m{
      {"list", info.list}, {"label", info.label}, {"source", info.source}, {"distance", distance}};
  if (!info.item.empty()) m["item"] = info.item;
  return m;
}

// ---- bantay hash ---------------------------------------------------------------------------

int RunHash(const HashCommandOptions& o) {
  media::PdqHasher hasher;
  Rejects rejects{"hash"};
  for (const std::string& path : o.files) {
    auto h = HashMedia(path, o.hash, hasher);
    if (!h) {
      rejects.Report(h.error());
      continue;
    }
    json j;
    j["file"] = path;
    if (!h->video) {
      j["pdq"] = h->image.hash.ToHex();
      j["quality"] = h->image.quality;
      if (o.hash.dihedral) {
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
        frames.push_back(
            {{"t", Round3(f.time_s)}, {"pdq", f.pdq.hash.ToHex()}, {"quality", f.pdq.quality}});
      }
      j["frames"] = std::move(frames);
    }
    PrintLine(j);
  }
  std::fflush(stdout);
  return rejects.Finish(o.strict);
}

// ---- bantay hashlist import ------------------------------------------------------------------

int RunHashlistImport(const HashlistImportOptions& o) {
  Rejects rejects{"hashlist import"};
  media::HashList merged;
  size_t before = 0;
  if (std::filesystem::exists(o.out)) {
    auto content = ReadFile(o.out);
    if (!content) return Usage("hashlist import", content.error());
    std::vector<Rejection> bad;
    auto existing = media::HashList::Parse(*content, o.out, {}, &bad);
    if (!existing) return Usage("hashlist import", existing.error());
    if (!bad.empty()) {
      return Usage(
          "hashlist import",
          Error{ErrorCode::kParse, "stored list has bad rows: " + bad[0].message, bad[0].where});
    }
    merged = std::move(*existing);
    before = merged.size();
  }
  size_t rows = 0;
  for (const std::string& path : o.files) {
    auto content = ReadFile(path);
    if (!content) {
      rejects.Report(content.error());
      continue;
    }
    std::vector<Rejection> bad;
    auto list = media::HashList::Parse(*content, path == "-" ? "stdin" : path, o.defaults, &bad);
    for (const Rejection& r : bad) rejects.Report(r.where, r.message);
    if (!list) {
      rejects.Report(list.error());
      continue;
    }
    rows += list->size();
    merged.Append(*list);
  }
  if (o.strict && rejects.count > 0) {
    rejects.Finish(true);
    fmt::print(stderr, "bantay hashlist import: nothing written (--strict)\n");
    return kExitFindings;
  }
  const std::string tmp = o.out + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    const std::string data = merged.Serialize();
    f.write(data.data(), static_cast<std::streamsize>(data.size()));
    if (!f.flush()) {
      fmt::print(stderr, "bantay hashlist import: cannot write {}\n", tmp);
      return kExitFindings;
    }
  }
  std::filesystem::rename(tmp, o.out);
  fmt::print(stderr, "bantay hashlist import: {} valid rows read, {} new hashes, {} in {}\n", rows,
             merged.size() - before, merged.size(), o.out);
  return rejects.Finish(o.strict);
}

// ---- bantay match ----------------------------------------------------------------------------

int RunMatch(const MatchOptions& o) {
  media::HashList list;
  for (const std::string& path : o.lists) {
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
  for (const std::string& path : o.files) {
    auto h = HashMedia(path, o.hash, hasher);
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
    if (!o.account.empty()) lead["account"] = o.account;
    if (!h->video) {
      // Best distance per listed entry over the variants searched.
      std::map<uint32_t, int> best;
      const int variants = o.hash.dihedral ? 8 : 1;
      if (h->image.quality >= o.min_quality) {
        for (int v = 0; v < variants; ++v) {
          const media::Hash256& q = o.hash.dihedral ? h->dihedral[v].hash : h->image.hash;
          index.Query(q, o.max_distance, &found, scratch);
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
        if (frames[f].pdq.quality < o.min_quality) continue;
        ++usable;
        index.Query(frames[f].pdq.hash, o.max_distance, &found, scratch);
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
        } else {  // a listed video: the two-sided rule
          if (q_share < o.query_share || c_share < o.candidate_share) continue;
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
    if (flagged || o.all) PrintLine(lead);
  }
  std::fflush(stdout);
  return rejects.Finish(o.strict);
}

// ---- bantay transcribe -----------------------------------------------------------------------

int RunTranscribe(const TranscribeOptions& o) {
  int64_t fixed_base = kNoTime;
  if (!o.base_time.empty()) {
    auto t = ParseRfc3339(o.base_time);
    if (!t)
      return Usage("transcribe",
                   Error{ErrorCode::kInvalidArgument, t.error().message, "--base-time"});
    fixed_base = *t;
  }
  media::SpeechOptions so;
  so.model_dir = o.model;
  so.kws_threshold = o.kws_threshold;
  if (!o.no_keywords) so.keyphrases = o.keyphrases;
  auto rec = media::Recognizer::Create(so);
  if (!rec) return Usage("transcribe", rec.error());
  const bool progress = o.progress || isatty(STDERR_FILENO) != 0;
  Rejects rejects{"transcribe"};
  for (const std::string& path : o.files) {
    // Read block by block as the recogniser asks: a long recording is never held whole.
    media::WavInfo info;
    auto audio = media::OpenWav(path, &info);
    if (!audio) {
      rejects.Report(audio.error());
      continue;
    }
    if (info.truncated) {
      fmt::print(stderr,
                 "bantay transcribe: {}: data chunk cut short; transcribing the "
                 "{:.1f} s present\n",
                 path, (*audio)->frames() / double((*audio)->sample_rate()));
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
  return rejects.Finish(o.strict);
}

constexpr MediaCommands kCommands{kMediaModuleAbi, RunHash, RunHashlistImport, RunMatch,
                                  RunTranscribe};

}  // namespace

}  // namespace bantay::cli

extern "C" __attribute__((visibility("default"))) const bantay::cli::MediaCommands*
bantay_media_commands_v1() {
  return &bantay::cli::kCommands;
}
