// media/speech.cc: speech to text with PocketSphinx 0.8: continuous recognition with the
// decoder's voice-activity detector cutting utterances, and keyphrase spotting.
#include <pocketsphinx.h>
#include <sphinxbase/ckd_alloc.h>
#include <sphinxbase/err.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <sstream>

#include "media/media.h"

namespace bantay::media {

namespace {

constexpr int kRate = 16000;
constexpr char kLmSearch[] = "_default";  // PS_DEFAULT_SEARCH: the -lm given at init
constexpr char kKwsSearch[] = "keyphrases";

// Lower-cased words of a hypothesis without fillers (<sil>, [noise]) or pronunciation
// variants ("word(2)").
std::string CleanHypothesis(std::string_view hyp) {
  std::istringstream in{std::string(hyp)};
  std::string word, out;
  while (in >> word) {
    if (word.front() == '<' || word.front() == '[' || word.front() == '+') continue;
    if (const size_t p = word.find('('); p != std::string::npos && p > 0) word.resize(p);
    for (char& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!out.empty()) out += ' ';
    out += word;
  }
  return out;
}

std::vector<std::string> Words(std::string_view text) {
  std::vector<std::string> words;
  std::string w;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '\'') {
      w += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!w.empty()) {
      words.push_back(std::move(w));
      w.clear();
    }
  }
  if (!w.empty()) words.push_back(std::move(w));
  return words;
}

}  // namespace

struct Recognizer::Impl {
  cmd_ln_t* config = nullptr;
  ps_decoder_t* ps = nullptr;
  SpeechOptions options;
  std::string kws_file;
  ~Impl() {
    if (ps != nullptr) ps_free(ps);
    if (config != nullptr) cmd_ln_free_r(config);
    if (!kws_file.empty()) ::unlink(kws_file.c_str());
  }

  // One pass over one channel with the active search. LM search: an utterance per stretch of
  // speech; keyphrase search: an utterance per detection.
  // `fetch` fills 16 kHz samples [first, first + out.size()) of the channel's `length`.
  Status Pass(const std::function<Status(uint64_t first, std::span<int16_t> out)>& fetch,
              uint64_t length, int channel, bool keyphrases, double* done_s, double total_s,
              const std::function<void(double, double)>& progress, std::vector<Utterance>* out) {
    const size_t block = std::max<size_t>(512, static_cast<size_t>(options.block_s * kRate));
    std::vector<int16_t> samples(block);
    // The decoder takes small buffers best; a block is fed in 0.1 s pieces.
    constexpr size_t kPiece = 1600;
    ps_start_utt(ps);
    bool in_utt = false;
    size_t utt_start = 0;
    // Ends the utterance and keeps its hypothesis as spoken text or a spotted phrase.
    auto end_utterance = [&](size_t at) {
      ps_end_utt(ps);
      const char* hyp = ps_get_hyp(ps, nullptr);
      std::string text = hyp != nullptr ? CleanHypothesis(hyp) : std::string();
      if (text.empty()) return;
      Utterance u;
      u.channel = channel;
      u.start_s = static_cast<double>(utt_start) / kRate;
      u.end_s = static_cast<double>(at) / kRate;
      if (keyphrases) {
        // Several phrases may be detected in one stretch: one segment each.
        for (ps_seg_t* seg = ps_seg_iter(ps); seg != nullptr; seg = ps_seg_next(seg)) {
          std::string phrase = CleanHypothesis(ps_seg_word(seg));
          if (!phrase.empty() &&
              std::find(u.keywords.begin(), u.keywords.end(), phrase) == u.keywords.end()) {
            u.keywords.push_back(std::move(phrase));
          }
        }
        if (u.keywords.empty()) u.keywords.push_back(std::move(text));
      } else {
        u.text = std::move(text);
      }
      out->push_back(std::move(u));
    };
    auto finish = [&](size_t at) {
      end_utterance(at);
      ps_start_utt(ps);
    };
    for (size_t b = 0; b < length; b += block) {
      const size_t block_end = std::min<size_t>(length, b + block);
      if (auto st = fetch(b, std::span<int16_t>(samples.data(), block_end - b)); !st) {
        ps_end_utt(ps);
        return st;
      }
      for (size_t p = b; p < block_end; p += kPiece) {
        const size_t n = std::min(kPiece, block_end - p);
        ps_process_raw(ps, samples.data() + (p - b), n, FALSE, FALSE);
        const size_t at = p + n;
        if (keyphrases) {
          // A detection shows as a hypothesis; restart to look for the next one.
          const char* hyp = ps_get_hyp(ps, nullptr);
          if (hyp != nullptr && *hyp != '\0') {
            utt_start = at > kRate ? at - kRate : 0;  // detections come at the phrase's end
            finish(at);
          }
          continue;
        }
        const bool speech = ps_get_in_speech(ps) != 0;
        if (speech && !in_utt) {
          in_utt = true;
          // The detector reports speech a little after it starts.
          utt_start = p > kRate / 5 ? p - kRate / 5 : 0;
        } else if (!speech && in_utt) {
          in_utt = false;
          finish(at);
        }
      }
      *done_s += static_cast<double>(block_end - b) / kRate;
      if (progress) progress(*done_s, total_s);
    }
    if (!in_utt) utt_start = length > kRate ? length - kRate : 0;
    end_utterance(length);
    return {};
  }
};

Recognizer::~Recognizer() = default;

Result<std::unique_ptr<Recognizer>> Recognizer::Create(const SpeechOptions& options) {
  static std::once_flag quiet;
  // PocketSphinx logs every step to stderr; the module reports through values instead.
  std::call_once(quiet, [] { err_set_logfp(nullptr); });
  std::unique_ptr<Recognizer> r(new Recognizer());
  r->impl_ = std::make_unique<Impl>();
  Impl& impl = *r->impl_;
  impl.options = options;
  const std::string hmm = options.model_dir + "/en-us";
  const std::string lm = options.model_dir + "/en-us.lm.bin";
  const std::string dict = options.model_dir + "/cmudict-en-us.dict";
  for (const std::string& p : {hmm, lm, dict}) {
    if (::access(p.c_str(), R_OK) != 0) {
      return Fail(ErrorCode::kNotFound,
                  "PocketSphinx model file missing (Debian pocketsphinx-en-us): " + p);
    }
  }
  impl.config = cmd_ln_init(nullptr, ps_args(), TRUE, "-hmm", hmm.c_str(), "-lm", lm.c_str(),
                            "-dict", dict.c_str(), "-samprate", "16000", nullptr);
  if (impl.config == nullptr) return Fail(ErrorCode::kInternal, "PocketSphinx configuration failed");
  impl.ps = ps_init(impl.config);
  if (impl.ps == nullptr) return Fail(ErrorCode::kInternal, "PocketSphinx decoder did not start");

  // Keyphrases whose words are all in the dictionary, one per line with a threshold. A
  // phrase's acoustic score shrinks geometrically with its length, so the threshold is scaled
  // per phone (options.kws_threshold is for 10 phones); phrases under min_phones are too short
  // to spot without a flood of false alarms.
  std::string kws;
  for (const std::string& phrase : options.keyphrases) {
    const std::vector<std::string> words = Words(phrase);
    if (words.empty()) continue;
    std::string joined;
    for (const std::string& w : words) joined += (joined.empty() ? "" : " ") + w;
    const int phones = r->PhoneCount(joined);
    if (phones < options.kws_min_phones) continue;
    if (std::find(r->keyphrases_.begin(), r->keyphrases_.end(), joined) != r->keyphrases_.end()) {
      continue;
    }
    r->keyphrases_.push_back(joined);
    char threshold[32];
    std::snprintf(threshold, sizeof threshold, "%.0e",
                  std::pow(10.0, std::log10(options.kws_threshold) * phones / 10.0));
    kws += joined + " /" + threshold + "/\n";
  }
  if (!kws.empty()) {
    char path[] = "/tmp/bantay-kws-XXXXXX";
    const int fd = ::mkstemp(path);
    if (fd < 0) return Fail(ErrorCode::kIo, "cannot create the keyphrase file in /tmp");
    impl.kws_file = path;
    const bool written = ::write(fd, kws.data(), kws.size()) == static_cast<ssize_t>(kws.size());
    ::close(fd);
    if (!written) return Fail(ErrorCode::kIo, "cannot write the keyphrase file", path);
    if (ps_set_kws(impl.ps, kKwsSearch, path) != 0) {
      return Fail(ErrorCode::kInternal, "PocketSphinx refused the keyphrase list");
    }
    ps_set_search(impl.ps, kLmSearch);
  }
  return r;
}

int Recognizer::PhoneCount(std::string_view phrase) const {
  const std::vector<std::string> words = Words(phrase);
  if (words.empty()) return -1;
  int phones = 0;
  for (const std::string& w : words) {
    char* pron = ps_lookup_word(impl_->ps, w.c_str());
    if (pron == nullptr) return -1;
    std::istringstream in(pron);
    for (std::string p; in >> p;) ++phones;
    ckd_free(pron);
  }
  return phones;
}

bool Recognizer::InDictionary(std::string_view phrase) const { return PhoneCount(phrase) >= 0; }

Result<std::vector<Utterance>> Recognizer::Transcribe(
    const Audio& audio, const std::function<void(double, double)>& progress) {
  if (audio.channels.empty() || audio.frames() == 0) {
    return Fail(ErrorCode::kInvalidArgument, "no audio to transcribe");
  }
  return Transcribe(*MemoryPcmSource(audio), progress);
}

Result<std::vector<Utterance>> Recognizer::Transcribe(
    PcmSource& source, const std::function<void(double, double)>& progress) {
  if (source.channel_count() == 0 || source.frames() == 0) {
    return Fail(ErrorCode::kInvalidArgument, "no audio to transcribe");
  }
  const uint64_t length = ResampledLength(source.frames(), source.sample_rate(), kRate);
  const int channels = source.channel_count();
  const bool kws = !keyphrases_.empty();
  const double total = static_cast<double>(length) / kRate * channels * (kws ? 2 : 1);
  double done = 0;
  std::vector<Utterance> speech, spotted;
  std::vector<int16_t> scratch;
  // Each pass reads the source again, block by block: memory stays flat for long files.
  auto pass = [&](bool keyphrases, std::vector<Utterance>* out) -> Status {
    for (int c = 0; c < channels; ++c) {
      auto fetch = [&](uint64_t first, std::span<int16_t> block) {
        return ResampleBlock(source, c, kRate, first, block, &scratch);
      };
      if (auto st = impl_->Pass(fetch, length, c, keyphrases, &done, total, progress, out); !st) {
        return st;
      }
    }
    return {};
  };
  if (auto st = pass(false, &speech); !st) return tl::unexpected(st.error());
  if (kws) {
    ps_set_search(impl_->ps, kKwsSearch);
    auto st = pass(true, &spotted);
    ps_set_search(impl_->ps, kLmSearch);
    if (!st) return tl::unexpected(st.error());
  }
  // A spotted phrase joins the utterance of its channel that it falls in (its end time), or
  // stands alone when the recogniser heard no utterance there.
  for (Utterance& k : spotted) {
    auto it = std::find_if(speech.begin(), speech.end(), [&](const Utterance& u) {
      return u.channel == k.channel && k.end_s >= u.start_s && k.end_s <= u.end_s + 0.5;
    });
    if (it != speech.end()) {
      for (std::string& w : k.keywords) {
        if (std::find(it->keywords.begin(), it->keywords.end(), w) == it->keywords.end()) {
          it->keywords.push_back(std::move(w));
        }
      }
    } else {
      speech.push_back(std::move(k));
    }
  }
  std::stable_sort(speech.begin(), speech.end(), [](const Utterance& a, const Utterance& b) {
    return a.start_s < b.start_s || (a.start_s == b.start_s && a.channel < b.channel);
  });
  return speech;
}

double WordErrorRate(std::string_view reference, std::string_view hypothesis, size_t* edits,
                     size_t* words) {
  const std::vector<std::string> ref = Words(reference), hyp = Words(hypothesis);
  std::vector<size_t> prev(hyp.size() + 1), cur(hyp.size() + 1);
  for (size_t j = 0; j <= hyp.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= ref.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= hyp.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ref[i - 1] == hyp[j - 1] ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  const size_t e = prev[hyp.size()];
  if (edits != nullptr) *edits = e;
  if (words != nullptr) *words = ref.size();
  return ref.empty() ? (hyp.empty() ? 0.0 : 1.0) : static_cast<double>(e) / ref.size();
}

}  // namespace bantay::media
