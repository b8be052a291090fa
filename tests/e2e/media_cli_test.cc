// End-to-end tests of the media commands: hash, hashlist import, match leads, and the ASR round
// trip (espeak-ng speech -> bantay transcribe -> bantay scan) with its word error rate.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "media/media.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using bantay::e2e::CliRun;

class MediaCli : public bantay::e2e::CliTest {
 protected:
  static std::string Data(const std::string& name) {
    return std::string(BANTAY_SOURCE_DIR) + "/tests/media/data/" + name;
  }
  static bool Sh(const std::string& cmd) { return std::system((cmd + " >/dev/null 2>&1").c_str()) == 0; }
  static std::vector<json> Lines(const std::string& out) {
    std::vector<json> lines;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) lines.push_back(json::parse(line));
    }
    return lines;
  }
};

TEST_F(MediaCli, HashPrintsReferenceHashesAndVideoFrames) {
  ASSERT_TRUE(Sh("ffmpeg -nostdin -y -f lavfi -i testsrc=size=160x120:rate=5 -t 3 -pix_fmt yuv420p " +
                 Path("clip.mp4")));
  auto r = Bantay("hash " + Data("wee.jpg") + " " + Path("clip.mp4"));
  ASSERT_EQ(r.code, 0) << r.err;
  auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["file"], Data("wee.jpg"));
  EXPECT_EQ(lines[0]["pdq"], "6227401f601ff4ccafcc9fad4b0d95d371a2eb7265a3285234d228ca94deeb2d");
  EXPECT_EQ(lines[0]["quality"], 100);
  EXPECT_EQ(lines[1]["kind"], "video");
  ASSERT_EQ(lines[1]["frames"].size(), 3u);
  EXPECT_EQ(lines[1]["frames"][1]["t"], 1.0);
  EXPECT_EQ(lines[1]["frames"][0]["pdq"].get<std::string>().size(), 64u);
}

TEST_F(MediaCli, BadFilesAreRejectedWithReasonsAndCounted) {
  Write("empty.jpg", "");
  Write("note.txt", "not an image at all, just words");
  auto r = Bantay("hash " + Path("empty.jpg") + " " + Path("note.txt") + " " + Data("wee.jpg") +
                  " " + Path("missing.png"));
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(Lines(r.out).size(), 1u);
  EXPECT_NE(r.err.find(Path("empty.jpg") + ": empty file"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("3 rejected"), std::string::npos) << r.err;
  EXPECT_EQ(Bantay("hash --strict " + Path("empty.jpg")).code, 1);
}

TEST_F(MediaCli, ImportThenMatchEmitsLeadsForIngest) {
  // The list holds the 512 px bridge's hash (from its reference vector) and an unrelated one.
  Write("list.csv",
        "hash,label,source\n"
        "d8f8f0cec0f4a84f0637022a278f67f0b36e2ed596621e1d33e6339c4e9c9b22,bridge,test-hotline\n"
        "0000000000000000000000000000000000000000000000000000000000000000,zeros,test-hotline\n"
        "nothex,bad,test-hotline\n");
  auto imp = Bantay("hashlist import --name known " + Path("list.csv") + " -o " + Path("known.tsv"));
  EXPECT_EQ(imp.code, 0) << imp.err;
  EXPECT_NE(imp.err.find("list.csv:4:pdq"), std::string::npos) << imp.err;
  EXPECT_NE(imp.err.find("1 rejected"), std::string::npos) << imp.err;
  // Only hashes and their labels are stored.
  EXPECT_EQ(Slurp(Path("known.tsv")).substr(0, 29), "pdq\tlist\tlabel\tsource\titem\n00");

  // The 256 px copy is a few bits from the 512 px one; the wee image matches nothing.
  auto r = Bantay("match --list " + Path("known.tsv") + " --account acct-7 " +
                  Data("bridge-square-256x256.jpg") + " " + Data("wee.jpg"));
  ASSERT_EQ(r.code, 0) << r.err;
  auto leads = Lines(r.out);
  ASSERT_EQ(leads.size(), 1u);
  const json& lead = leads[0];
  EXPECT_EQ(lead["kind"], "media_match");
  EXPECT_EQ(lead["file"], Data("bridge-square-256x256.jpg"));
  EXPECT_EQ(lead["account"], "acct-7");
  EXPECT_EQ(lead["sha256"].get<std::string>().size(), 64u);
  EXPECT_EQ(lead["pdq"], "d8f8f0cec4f4a84f0637022a078f67f0b36e2ee5b6621e1d33e6239c4e9c9b22");
  EXPECT_EQ(lead["quality"], 100);
  EXPECT_TRUE(lead["flagged"].get<bool>());
  ASSERT_EQ(lead["matches"].size(), 1u);
  EXPECT_EQ(lead["matches"][0]["list"], "known");
  EXPECT_EQ(lead["matches"][0]["label"], "bridge");
  EXPECT_EQ(lead["matches"][0]["source"], "test-hotline");
  EXPECT_LE(lead["matches"][0]["distance"].get<int>(), 10);
  EXPECT_GT(lead["score"].get<double>(), 0.8);
  // --all shows the unmatched file too.
  auto all = Bantay("match --all --list " + Path("known.tsv") + " " + Data("wee.jpg"));
  auto lines = Lines(all.out);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_FALSE(lines[0]["flagged"].get<bool>());
}

TEST_F(MediaCli, VideoMatchesListedVideoByTheTwoSidedRule) {
  ASSERT_TRUE(Sh("ffmpeg -nostdin -y -f lavfi -i testsrc2=size=160x120:rate=5 -t 4 -pix_fmt yuv420p " +
                 Path("a.mp4")));
  ASSERT_TRUE(Sh("ffmpeg -nostdin -y -f lavfi -i mandelbrot=size=160x120:rate=5 -t 4 -pix_fmt yuv420p " +
                 Path("b.mp4")));
  // Re-encoded at another size: the same video to PDQ.
  ASSERT_TRUE(Sh("ffmpeg -nostdin -y -i " + Path("a.mp4") + " -vf scale=320:240 " + Path("a2.mp4")));
  auto h = Bantay("hash " + Path("a.mp4"));
  ASSERT_EQ(h.code, 0) << h.err;
  std::string csv = "pdq,item,label\n";
  const std::vector<json> hashed = Lines(h.out);  // kept alive for the loop below
  ASSERT_EQ(hashed.size(), 1u);
  for (const json& f : hashed[0]["frames"]) {
    csv += f["pdq"].get<std::string>() + ",video-a,test-pattern\n";
  }
  Write("frames.csv", csv);
  ASSERT_EQ(Bantay("hashlist import --name vids " + Path("frames.csv") + " -o " + Path("v.tsv")).code, 0);
  auto r = Bantay("match --list " + Path("v.tsv") + " " + Path("a2.mp4") + " " + Path("b.mp4"));
  ASSERT_EQ(r.code, 0) << r.err;
  auto leads = Lines(r.out);
  ASSERT_EQ(leads.size(), 1u) << r.out << r.err;
  EXPECT_EQ(leads[0]["file"], Path("a2.mp4"));
  EXPECT_EQ(leads[0]["matches"][0]["item"], "video-a");
  EXPECT_GE(leads[0]["matches"][0]["query_share"].get<double>(), 0.8);
  EXPECT_GE(leads[0]["matches"][0]["candidate_share"].get<double>(), 0.8);
}

// Short synthetic calls, keyword level (SAFETY.md): two in which an adult asks a child's age
// and offers payment for a webcam show (scan must flag them), and the look-alikes it must not
// flag: adult cam commerce (stated age 25), a family remittance for school fees that mentions a
// child, and two benign calls. Each WAV is one call (one conversation); espeak-ng's Klatt
// voice, which PocketSphinx hears best.
struct Call {
  const char* text;
  bool flagged;
};
constexpr Call kCalls[] = {
    {"how old are you. i am twelve years old. i will pay you by western union for a private "
     "show on webcam", true},
    {"how old are you. i am ten years old. i will pay you by paypal for a webcam show", true},
    {"i am twenty five years old. private show on webcam. send the money by western union first",
     false},
    {"i will send the school fees by western union. my son is twelve years old", false},
    {"the weather is nice today. please call me back tomorrow morning", false},
    {"we went to the park with the dog", false},
};

TEST_F(MediaCli, AsrRoundTripFlagsExactlyTheSolicitingCalls) {
  std::string files;
  for (size_t i = 0; i < std::size(kCalls); ++i) {
    const std::string wav = Path("s" + std::to_string(i) + ".wav");
    ASSERT_TRUE(Sh(std::string("espeak-ng -v en-us+klatt2 -s 170 -w ") + wav + " '" +
                   kCalls[i].text + "'"));
    files += " " + wav;
  }
  auto t = Bantay("transcribe --base-time 2026-03-01T10:00:00Z" + files);
  ASSERT_EQ(t.code, 0) << t.err;
  Write("transcript.jsonl", t.out);
  size_t edits = 0, words = 0;
  std::map<std::string, std::string> heard;
  for (const json& m : Lines(t.out)) {
    EXPECT_EQ(m["author"], "channel0");
    EXPECT_EQ(m["time"].get<std::string>().substr(0, 16), "2026-03-01T10:00");
    EXPECT_TRUE(m.contains("offset_s"));
    heard[m["conversation"]] += m["text"].get<std::string>() + " ";
  }
  // `bantay scan` reads the transcript unchanged, with its default threshold; --all prints
  // every conversation with its `flagged` verdict.
  auto s = Bantay("scan --all " + Path("transcript.jsonl"));
  ASSERT_EQ(s.code, 0) << s.err;
  std::map<std::string, bool> flagged;
  for (const json& c : Lines(s.out)) flagged[c["conversation"]] = c["flagged"].get<bool>();
  ASSERT_EQ(flagged.size(), std::size(kCalls)) << s.out;
  for (size_t i = 0; i < std::size(kCalls); ++i) {
    const std::string wav = Path("s" + std::to_string(i) + ".wav");
    EXPECT_EQ(flagged[wav], kCalls[i].flagged) << kCalls[i].text << " heard as: " << heard[wav];
    // Word error rate of the recogniser's text (without the spotted keyphrases appended).
    std::string recognised;
    for (const json& m : Lines(t.out)) {
      if (m["conversation"] != wav) continue;
      std::string text = m["text"];
      for (const json& k : m.value("keywords", json::array())) {
        const std::string kw = k.get<std::string>();
        if (text.size() >= kw.size() && text.ends_with(" " + kw)) text.resize(text.size() - kw.size() - 1);
      }
      recognised += text + " ";
    }
    size_t e = 0, n = 0;
    bantay::media::WordErrorRate(kCalls[i].text, recognised, &e, &n);
    edits += e;
    words += n;
  }
  const double wer = static_cast<double>(edits) / words;
  std::printf("ASR round trip: word error rate %.2f (%zu edits / %zu words) on %zu calls\n", wer,
              edits, words, std::size(kCalls));
  RecordProperty("word_error_rate", std::to_string(wer));
  EXPECT_LT(wer, 0.6);
}

TEST_F(MediaCli, TranscribeRejectsBadAudioAndStereoGivesTwoAuthors) {
  Write("bad.wav", "RIFF\x10\0\0\0WAVEjunk");
  Write("empty.wav", "");
  auto r = Bantay("transcribe --no-keywords " + Path("bad.wav") + " " + Path("empty.wav"));
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.err.find("2 rejected"), std::string::npos) << r.err;
  ASSERT_TRUE(Sh("espeak-ng -v en-us+klatt2 -s 170 -w " + Path("l.wav") + " 'good morning'"));
  ASSERT_TRUE(Sh("espeak-ng -v en-us+klatt2 -s 170 -w " + Path("r.wav") + " 'thank you very much'"));
  ASSERT_TRUE(Sh("ffmpeg -nostdin -y -i " + Path("l.wav") + " -i " + Path("r.wav") +
                 " -filter_complex '[0:a]apad=pad_dur=4,aformat=sample_fmts=s16:channel_layouts=mono[a];"
                 "[1:a]adelay=2500,aformat=sample_fmts=s16:channel_layouts=mono[b];"
                 "[a][b]join=inputs=2:channel_layout=stereo' -ar 16000 -t 6 " + Path("st.wav")));
  auto t = Bantay("transcribe --no-keywords --base-time 2026-03-01T10:00:00Z " + Path("st.wav"));
  ASSERT_EQ(t.code, 0) << t.err;
  std::set<std::string> authors;
  for (const json& m : Lines(t.out)) authors.insert(m["author"]);
  EXPECT_EQ(authors, (std::set<std::string>{"channel0", "channel1"})) << t.out;
  // The right channel starts 2.5 s in; its time is base + offset.
  for (const json& m : Lines(t.out)) {
    if (m["author"] == "channel1") {
      EXPECT_GT(m["offset_s"].get<double>(), 2.0);
    }
  }
}

// The media commands run in a module loaded only when one of them runs (cli/media_module.h):
// every other command starts without FFmpeg, PocketSphinx, libjpeg or libpng.
TEST_F(MediaCli, OtherCommandsDoNotLoadTheMediaLibraries) {
  // What the dynamic loader maps at start (ldd's own mechanism), without running bantay.
  const std::string cmd =
      std::string("LD_TRACE_LOADED_OBJECTS=1 ") + BANTAY_BINARY + " > " + Path("libs") + " 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  const std::string libs = Slurp(Path("libs"));
  ASSERT_NE(libs.find("libhs"), std::string::npos) << libs;  // the scan's own are there
  for (const char* media : {"libavcodec", "libavformat", "libswscale", "libpocketsphinx",
                            "libsphinxbase", "libjpeg", "libpng"}) {
    EXPECT_EQ(libs.find(media), std::string::npos) << media << " loaded at start:\n" << libs;
  }
}

TEST_F(MediaCli, CopiedBinaryFindsTheModuleBesideItOrWhereTheBuildWroteIt) {
  // The bench runs a copy of bantay from a temp dir: with no module beside it, and with an
  // unusable file in the module's place, the copy falls back to the build's module.
  ASSERT_TRUE(Sh(std::string("cp ") + BANTAY_BINARY + " " + Path("bantay")));
  for (int broken = 0; broken < 2; ++broken) {
    if (broken) Write("libbantay_media_cli.so", "not a shared object");
    const std::string cmd =
        Path("bantay") + " hash " + Data("wee.jpg") + " > " + Path("out") + " 2> " + Path("err");
    ASSERT_EQ(std::system(cmd.c_str()), 0) << Slurp(Path("err"));
    auto lines = Lines(Slurp(Path("out")));
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0]["pdq"], "6227401f601ff4ccafcc9fad4b0d95d371a2eb7265a3285234d228ca94deeb2d");
  }
}

}  // namespace
