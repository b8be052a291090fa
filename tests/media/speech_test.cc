// Speech: word error rate, dictionary filtering of keyphrases, recognition of synthetic speech.
#include "media/media.h"
#include "media_test_util.h"

namespace bantay::media {
namespace {

TEST(WordErrorRate, CountsSubstitutionsInsertionsDeletions) {
  size_t edits = 0, words = 0;
  EXPECT_DOUBLE_EQ(WordErrorRate("the cat sat", "the cat sat"), 0.0);
  EXPECT_NEAR(WordErrorRate("the cat sat", "a cat sat down", &edits, &words), 2.0 / 3, 1e-9);
  EXPECT_EQ(edits, 2u);
  EXPECT_EQ(words, 3u);
  EXPECT_DOUBLE_EQ(WordErrorRate("Hello, World!", "hello world"), 0.0);
  EXPECT_DOUBLE_EQ(WordErrorRate("one two", ""), 1.0);
}

class Speech : public testing::TempDirTest {};

TEST_F(Speech, KeyphrasesOutsideTheDictionaryAreLeftOut) {
  SpeechOptions o;
  o.keyphrases = {"western union", "gcashxyz", "Private Show", "western union", "pay"};
  auto r = Recognizer::Create(o);
  ASSERT_TRUE(r) << r.error().ToString();
  // "pay" is in the dictionary but too short (2 phones) to spot reliably.
  EXPECT_EQ((*r)->keyphrases(), (std::vector<std::string>{"western union", "private show"}));
  EXPECT_EQ((*r)->PhoneCount("pay"), 2);  // P EY
  EXPECT_TRUE((*r)->InDictionary("hello world"));
  EXPECT_FALSE((*r)->InDictionary("qqzzx"));
}

TEST_F(Speech, MissingModelIsANotFoundError) {
  SpeechOptions o;
  o.model_dir = Path("no-model");
  auto r = Recognizer::Create(o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
}

TEST_F(Speech, SyntheticSpeechIsTranscribedWithOffsetsAndStereoChannels) {
  // Left channel speaks first, the right one after a pause; espeak-ng writes 22.05 kHz mono.
  // PocketSphinx hears espeak-ng's Klatt voices best (WER ~0.3 against ~0.8 for the default).
  ASSERT_TRUE(Run("espeak-ng -v en-us+klatt2 -s 170 -w " + Path("a.wav") +
                  " 'please call me back tomorrow morning'"));
  ASSERT_TRUE(Run("espeak-ng -v en-us+klatt2 -s 170 -w " + Path("b.wav") +
                  " 'the weather is nice today'"));
  auto a = ParseWav(testing::ReadBytes(Path("a.wav")), "a.wav");
  auto b = ParseWav(testing::ReadBytes(Path("b.wav")), "b.wav");
  ASSERT_TRUE(a && b);
  Audio stereo;
  stereo.sample_rate = a->sample_rate;
  const size_t gap = a->sample_rate;  // 1 s
  const size_t n = a->frames() + gap + b->frames() + gap;
  stereo.channels.assign(2, std::vector<int16_t>(n, 0));
  std::copy(a->channels[0].begin(), a->channels[0].end(), stereo.channels[0].begin() + gap / 2);
  std::copy(b->channels[0].begin(), b->channels[0].end(),
            stereo.channels[1].begin() + a->frames() + gap);
  auto rec = Recognizer::Create({});
  ASSERT_TRUE(rec);
  double last_done = 0;
  auto utts = (*rec)->Transcribe(stereo, [&](double done, double total) {
    EXPECT_GE(done, last_done);
    EXPECT_LE(done, total + 1e-9);
    last_done = done;
  });
  ASSERT_TRUE(utts) << utts.error().ToString();
  ASSERT_GE(utts->size(), 2u);
  EXPECT_GT(last_done, 0);
  std::string left, right;
  double right_start = -1;
  for (const Utterance& u : *utts) {
    (u.channel == 0 ? left : right) += u.text + " ";
    if (u.channel == 1 && right_start < 0) right_start = u.start_s;
  }
  EXPECT_LT(WordErrorRate("please call me back tomorrow morning", left), 0.7) << left;
  EXPECT_LT(WordErrorRate("the weather is nice today", right), 0.7) << right;
  EXPECT_GT(right_start, static_cast<double>(a->frames()) / a->sample_rate);
}

// A file read block by block (as `bantay transcribe` does, so that long recordings never sit
// whole in memory) gives exactly what transcribing the decoded file at once gives.
TEST_F(Speech, StreamedFileGivesTheSameUtterancesAsWholeAudio) {
  ASSERT_TRUE(Run("espeak-ng -v en-us+klatt2 -s 170 -w " + Path("a.wav") +
                  " 'please call me back tomorrow morning. the weather is nice today'"));
  SpeechOptions o;
  o.block_s = 0.35;
  o.keyphrases = {"western union", "private show"};
  // One recogniser each: the decoder adapts its cepstral mean from utterance to utterance.
  auto rec_a = Recognizer::Create(o);
  auto rec_b = Recognizer::Create(o);
  ASSERT_TRUE(rec_a && rec_b);
  auto whole = ParseWav(testing::ReadBytes(Path("a.wav")), "a.wav");
  auto file = OpenWav(Path("a.wav"));
  ASSERT_TRUE(whole && file);
  auto a = (*rec_a)->Transcribe(*whole);
  auto b = (*rec_b)->Transcribe(**file);
  ASSERT_TRUE(a && b);
  ASSERT_FALSE(a->empty());
  ASSERT_EQ(a->size(), b->size());
  for (size_t i = 0; i < a->size(); ++i) {
    EXPECT_EQ((*a)[i].text, (*b)[i].text);
    EXPECT_EQ((*a)[i].start_s, (*b)[i].start_s);
    EXPECT_EQ((*a)[i].end_s, (*b)[i].end_s);
    EXPECT_EQ((*a)[i].keywords, (*b)[i].keywords);
  }
}

}  // namespace
}  // namespace bantay::media
