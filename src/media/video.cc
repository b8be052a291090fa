// media/video.cc: vPDQ: frames of a video sampled at a fixed rate (FFmpeg's libavformat,
// libavcodec, libswscale), PDQ per frame, and the two-sided video match rule.
extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libswscale/swscale.h>
}

#include <algorithm>
#include <cmath>
#include <mutex>

#include "media/media.h"

namespace bantay::media {

namespace {

std::string AvError(int code) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, buf, sizeof buf);
  return buf;
}

// Owners of the libav objects, freed in reverse order of creation.
struct AvState {
  AVFormatContext* format = nullptr;
  AVCodecContext* codec = nullptr;
  AVPacket* packet = nullptr;
  AVFrame* frame = nullptr;
  SwsContext* sws = nullptr;
  ~AvState() {
    sws_freeContext(sws);
    av_frame_free(&frame);
    av_packet_free(&packet);
    avcodec_free_context(&codec);
    avformat_close_input(&format);
  }
};

}  // namespace

void DedupConsecutive(std::vector<FrameHash>* frames) {
  auto last = std::unique(frames->begin(), frames->end(), [](const FrameHash& a, const FrameHash& b) {
    return a.pdq.hash == b.pdq.hash;
  });
  frames->erase(last, frames->end());
}

Result<VideoHash> HashVideoFile(const std::string& path, const VideoOptions& options,
                                PdqHasher& hasher) {
  static std::once_flag quiet;
  // libav logs to stderr by default; errors come back as values here instead.
  std::call_once(quiet, [] { av_log_set_level(AV_LOG_QUIET); });
  if (!(options.fps > 0) || options.fps > 1000) {
    return Fail(ErrorCode::kInvalidArgument, "frame rate must be in (0, 1000] fps", path);
  }
  AvState av;
  int rc = avformat_open_input(&av.format, path.c_str(), nullptr, nullptr);
  if (rc < 0) return Fail(ErrorCode::kParse, "cannot open as video: " + AvError(rc), path);
  rc = avformat_find_stream_info(av.format, nullptr);
  if (rc < 0) return Fail(ErrorCode::kParse, "no stream information: " + AvError(rc), path);
  const AVCodec* decoder = nullptr;
  const int stream = av_find_best_stream(av.format, AVMEDIA_TYPE_VIDEO, -1, -1, &decoder, 0);
  if (stream < 0 || decoder == nullptr) {
    return Fail(ErrorCode::kParse, "no decodable video stream", path);
  }
  AVStream* st = av.format->streams[stream];
  const AVCodecParameters* par = st->codecpar;
  if (Status s = [&]() -> Status {
        if (par->width <= 0 || par->height <= 0) return {};
        const uint64_t w = par->width, h = par->height;
        if (w > options.limits.max_side || h > options.limits.max_side ||
            w * h > options.limits.max_pixels) {
          return Fail(ErrorCode::kParse,
                      "video frames are " + std::to_string(w) + "x" + std::to_string(h) +
                          ", over the size limit",
                      path);
        }
        return {};
      }();
      !s) {
    return tl::unexpected(s.error());
  }
  av.codec = avcodec_alloc_context3(decoder);
  if (av.codec == nullptr || avcodec_parameters_to_context(av.codec, par) < 0) {
    return Fail(ErrorCode::kInternal, "cannot set up the decoder", path);
  }
  av.codec->thread_count = 1;
  rc = avcodec_open2(av.codec, decoder, nullptr);
  if (rc < 0) return Fail(ErrorCode::kParse, "cannot open the decoder: " + AvError(rc), path);
  av.packet = av_packet_alloc();
  av.frame = av_frame_alloc();
  if (av.packet == nullptr || av.frame == nullptr) {
    return Fail(ErrorCode::kInternal, "out of memory", path);
  }

  VideoHash out;
  Image rgb;
  rgb.channels = 3;
  const double time_base = av_q2d(st->time_base);
  const double step = 1.0 / options.fps;
  double next_sample = 0;
  uint64_t decoded = 0;
  uint64_t bad_packets = 0;
  const AVRational rate = av_guess_frame_rate(av.format, st, nullptr);
  const double frame_duration = rate.num > 0 ? av_q2d(av_inv_q(rate)) : 1.0 / 25;
  std::string error;

  auto take_frames = [&]() -> Status {
    while (true) {
      const int r = avcodec_receive_frame(av.codec, av.frame);
      if (r == AVERROR(EAGAIN) || r == AVERROR_EOF) return {};
      if (r < 0) {
        ++bad_packets;
        return {};
      }
      const AVFrame* f = av.frame;
      const int64_t pts = f->best_effort_timestamp;
      const double t = pts != AV_NOPTS_VALUE ? (pts - (st->start_time != AV_NOPTS_VALUE
                                                           ? st->start_time
                                                           : 0)) * time_base
                                             : static_cast<double>(decoded) * frame_duration;
      ++decoded;
      if (t + 1e-9 < next_sample) {
        av_frame_unref(av.frame);
        continue;
      }
      while (next_sample <= t + 1e-9) next_sample += step;
      const uint64_t w = f->width, h = f->height;
      if (w == 0 || h == 0 || w > options.limits.max_side || h > options.limits.max_side ||
          w * h > options.limits.max_pixels) {
        return Fail(ErrorCode::kParse, "frame size " + std::to_string(w) + "x" +
                                           std::to_string(h) + " out of limits",
                    path);
      }
      if (out.frames_sampled >= options.max_frames) {
        return Fail(ErrorCode::kParse,
                    "more than " + std::to_string(options.max_frames) + " sampled frames", path);
      }
      av.sws = sws_getCachedContext(av.sws, f->width, f->height,
                                    static_cast<AVPixelFormat>(f->format), f->width, f->height,
                                    AV_PIX_FMT_RGB24, SWS_BILINEAR, nullptr, nullptr, nullptr);
      if (av.sws == nullptr) {
        return Fail(ErrorCode::kParse, "unsupported pixel format", path);
      }
      rgb.width = f->width;
      rgb.height = f->height;
      rgb.pixels.resize(static_cast<size_t>(w) * h * 3);
      uint8_t* dst[4] = {rgb.pixels.data(), nullptr, nullptr, nullptr};
      int dst_stride[4] = {static_cast<int>(w * 3), 0, 0, 0};
      sws_scale(av.sws, f->data, f->linesize, 0, f->height, dst, dst_stride);
      av_frame_unref(av.frame);
      out.width = rgb.width;
      out.height = rgb.height;
      ++out.frames_sampled;
      out.frames.push_back({t, hasher.Hash(rgb)});
    }
  };

  while (true) {
    rc = av_read_frame(av.format, av.packet);
    if (rc < 0) break;  // end of file, or a cut: what was read is used
    if (av.packet->stream_index == stream) {
      if (avcodec_send_packet(av.codec, av.packet) < 0) ++bad_packets;
      if (Status s = take_frames(); !s) {
        av_packet_unref(av.packet);
        return tl::unexpected(s.error());
      }
    }
    av_packet_unref(av.packet);
  }
  avcodec_send_packet(av.codec, nullptr);  // drain
  if (Status s = take_frames(); !s) return tl::unexpected(s.error());
  if (out.frames.empty()) {
    return Fail(ErrorCode::kParse,
                "no frame could be decoded (" + std::to_string(bad_packets) + " bad packets)",
                path);
  }
  out.bad_packets = bad_packets;
  DedupConsecutive(&out.frames);
  return out;
}

VideoMatchShares MatchVideos(std::span<const PdqHash> query, std::span<const PdqHash> candidate,
                             const VideoMatchOptions& options) {
  VideoMatchShares shares;
  size_t q_usable = 0, q_matched = 0, c_usable = 0, c_matched = 0;
  for (const PdqHash& q : query) {
    if (q.quality < options.min_quality) continue;
    ++q_usable;
    for (const PdqHash& c : candidate) {
      if (c.quality >= options.min_quality && Distance(q.hash, c.hash) <= options.max_distance) {
        ++q_matched;
        break;
      }
    }
  }
  for (const PdqHash& c : candidate) {
    if (c.quality < options.min_quality) continue;
    ++c_usable;
    for (const PdqHash& q : query) {
      if (q.quality >= options.min_quality && Distance(q.hash, c.hash) <= options.max_distance) {
        ++c_matched;
        break;
      }
    }
  }
  if (q_usable > 0) shares.query = static_cast<double>(q_matched) / q_usable;
  if (c_usable > 0) shares.candidate = static_cast<double>(c_matched) / c_usable;
  shares.matched = q_usable > 0 && c_usable > 0 && shares.query >= options.query_share &&
                   shares.candidate >= options.candidate_share;
  return shares;
}

}  // namespace bantay::media
