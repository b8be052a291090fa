// media/image_decode.cc: JPEG (libjpeg-turbo) and PNG (libpng) decoding with size limits
// checked before any pixel buffer is allocated, and errors as values.
#include <csetjmp>
#include <cstdio>
#include <cstring>

#include <jpeglib.h>
#include <jerror.h>
#include <png.h>

#include "media/media.h"

namespace bantay::media {

namespace {

// Progressive JPEGs can carry thousands of tiny scans that take minutes to decode; real ones
// have about ten.
constexpr int kMaxJpegScans = 500;

struct JpegErrorManager {
  jpeg_error_mgr pub;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
  bool truncated;
};

void JpegErrorExit(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<JpegErrorManager*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->message);
  std::longjmp(err->jump, 1);
}

void JpegEmitMessage(j_common_ptr cinfo, int level) {
  auto* err = reinterpret_cast<JpegErrorManager*>(cinfo->err);
  if (level < 0) {  // a warning: corrupt data the library works around
    if (cinfo->err->msg_code == JWRN_JPEG_EOF) err->truncated = true;
    ++cinfo->err->num_warnings;
  }
}

void JpegProgress(j_common_ptr cinfo) {
  if (cinfo->is_decompressor) {
    auto* d = reinterpret_cast<j_decompress_ptr>(cinfo);
    if (d->input_scan_number > kMaxJpegScans) {
      auto* err = reinterpret_cast<JpegErrorManager*>(cinfo->err);
      std::snprintf(err->message, sizeof err->message, "more than %d progressive scans",
                    kMaxJpegScans);
      std::longjmp(err->jump, 1);
    }
  }
}

Status CheckSize(uint64_t width, uint64_t height, std::string_view name,
                 const DecodeLimits& limits) {
  if (width == 0 || height == 0) {
    return Fail(ErrorCode::kParse, "image has no pixels (" + std::to_string(width) + "x" +
                                       std::to_string(height) + ")",
                std::string(name));
  }
  if (width > limits.max_side || height > limits.max_side ||
      width * height > limits.max_pixels) {
    return Fail(ErrorCode::kParse,
                "image is " + std::to_string(width) + "x" + std::to_string(height) +
                    ", over the limit of " + std::to_string(limits.max_side) + " px a side and " +
                    std::to_string(limits.max_pixels) + " pixels",
                std::string(name));
  }
  return {};
}

// The setjmp region holds no object with a destructor that a longjmp could skip: `image`
// lives in the caller.
Status DecodeJpegInto(std::span<const uint8_t> data, std::string_view name,
                      const DecodeLimits& limits, Image* image) {
  jpeg_decompress_struct cinfo;
  JpegErrorManager err;
  std::memset(&cinfo, 0, sizeof cinfo);
  err.message[0] = '\0';
  err.truncated = false;
  cinfo.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = JpegErrorExit;
  err.pub.emit_message = JpegEmitMessage;
  jpeg_progress_mgr progress;
  progress.progress_monitor = JpegProgress;
  // Status is built after the jump, from plain data only.
  enum { kOk, kLibError, kSize, kColour } volatile outcome = kOk;
  if (setjmp(err.jump) == 0) {
    jpeg_create_decompress(&cinfo);
    cinfo.progress = &progress;
    jpeg_mem_src(&cinfo, data.data(), static_cast<unsigned long>(data.size()));
    jpeg_read_header(&cinfo, TRUE);
    if (!CheckSize(cinfo.image_width, cinfo.image_height, name, limits)) {
      outcome = kSize;
    } else if (cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK) {
      outcome = kColour;
    } else {
      const bool grey = cinfo.num_components == 1;
      cinfo.out_color_space = grey ? JCS_GRAYSCALE : JCS_RGB;
      jpeg_start_decompress(&cinfo);
      image->width = static_cast<int>(cinfo.output_width);
      image->height = static_cast<int>(cinfo.output_height);
      image->channels = static_cast<int>(cinfo.output_components);
      const size_t stride = static_cast<size_t>(image->width) * image->channels;
      image->pixels.resize(stride * image->height);
      while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = image->pixels.data() + cinfo.output_scanline * stride;
        jpeg_read_scanlines(&cinfo, &row, 1);
      }
      jpeg_finish_decompress(&cinfo);
    }
  } else {
    outcome = kLibError;
  }
  jpeg_destroy_decompress(&cinfo);
  switch (outcome) {
    case kOk:
      if (err.truncated) {
        return Fail(ErrorCode::kParse, "JPEG data is truncated (premature end of file)",
                    std::string(name));
      }
      return {};
    case kSize:
      return CheckSize(cinfo.image_width, cinfo.image_height, name, limits);
    case kColour:
      return Fail(ErrorCode::kParse, "CMYK JPEG is not supported", std::string(name));
    case kLibError:
      break;
  }
  return Fail(ErrorCode::kParse, std::string("corrupt JPEG: ") + err.message, std::string(name));
}

Status DecodePngInto(std::span<const uint8_t> data, std::string_view name,
                     const DecodeLimits& limits, Image* image) {
  png_image png;
  std::memset(&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&png, data.data(), data.size())) {
    std::string message = png.message;
    png_image_free(&png);
    return Fail(ErrorCode::kParse, "corrupt PNG: " + message, std::string(name));
  }
  if (Status s = CheckSize(png.width, png.height, name, limits); !s) {
    png_image_free(&png);
    return s;
  }
  const bool grey = (png.format & PNG_FORMAT_FLAG_COLOR) == 0;
  png.format = grey ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;
  image->width = static_cast<int>(png.width);
  image->height = static_cast<int>(png.height);
  image->channels = grey ? 1 : 3;
  image->pixels.resize(PNG_IMAGE_SIZE(png));
  // Transparent pixels are composited on white, as a viewer would show them.
  png_color background{255, 255, 255};
  if (!png_image_finish_read(&png, &background, image->pixels.data(), 0, nullptr)) {
    std::string message = png.message;
    png_image_free(&png);
    return Fail(ErrorCode::kParse, "corrupt or truncated PNG: " + message, std::string(name));
  }
  png_image_free(&png);
  return {};
}

}  // namespace

MediaKind SniffMedia(std::span<const uint8_t> head) {
  auto starts = [&](std::string_view magic, size_t at = 0) {
    return head.size() >= at + magic.size() &&
           std::memcmp(head.data() + at, magic.data(), magic.size()) == 0;
  };
  if (starts("\xFF\xD8\xFF")) return MediaKind::kJpeg;
  if (starts("\x89PNG\r\n\x1A\n")) return MediaKind::kPng;
  if (starts("RIFF") && starts("WAVE", 8)) return MediaKind::kWav;
  return MediaKind::kOther;
}

Result<Image> DecodeImage(std::span<const uint8_t> data, std::string_view name,
                          const DecodeLimits& limits) {
  if (data.empty()) return Fail(ErrorCode::kParse, "empty file (0 bytes)", std::string(name));
  Image image;
  Status s;
  switch (SniffMedia(data)) {
    case MediaKind::kJpeg: s = DecodeJpegInto(data, name, limits, &image); break;
    case MediaKind::kPng: s = DecodePngInto(data, name, limits, &image); break;
    default:
      return Fail(ErrorCode::kParse, "not a JPEG or PNG image", std::string(name));
  }
  if (!s) return tl::unexpected(s.error());
  return image;
}

}  // namespace bantay::media
