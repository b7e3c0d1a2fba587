// What the media tools say about a local file: ffprobe measures it
// (dimensions, duration, codec, frames) and ffmpeg cuts a still frame from
// it as a JPEG. Both run as child processes (child_process.hpp) awaited on
// the caller's executor. Tools only read local files (protocol whitelist
// "file"): a crafted upload cannot make them fetch anything.
//
// A file the tools cannot read is the error corrupt_file (422
// validation_failed, field "file", rule "corrupt_file"); a tool that cannot
// be run or runs past its deadline is internal / unavailable (worth a retry).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "core/result.hpp"

namespace postfuze::media {

inline constexpr std::string_view kCorruptFile = "corrupt_file";
core::Error corrupt_file(std::string message);
bool is_corrupt_file(const core::Error& e);

struct ToolOptions {
  std::string ffprobe = "ffprobe";
  std::string ffmpeg = "ffmpeg";
  std::chrono::milliseconds timeout{120'000};
};

struct ProbeResult {
  std::string format;  // ffprobe's format_name, e.g. "mov,mp4,m4a,3gp,3g2,mj2"
  bool has_video = false;  // a video (or picture) stream with dimensions
  bool has_audio = false;
  int width = 0;  // of the first video stream
  int height = 0;
  std::optional<std::int64_t> duration_ms;  // container duration, else the stream's
  std::string codec;  // first video stream's codec, else the first audio stream's
  std::optional<std::int64_t> frames;  // nb_frames of the video stream when the container records it
};

// ffprobe -show_format -show_streams. corrupt_file when ffprobe refuses the
// file or finds no stream in it.
// (No default arguments on the coroutines themselves: GCC 12 destroys a
// defaulted class-type coroutine argument twice. The overloads fill them in.)
boost::asio::awaitable<core::Result<ProbeResult>> probe_file(std::filesystem::path file, ToolOptions tools);
inline boost::asio::awaitable<core::Result<ProbeResult>> probe_file(std::filesystem::path file) {
  return probe_file(std::move(file), ToolOptions{});
}

// Parses ffprobe's JSON (exposed for tests). corrupt_file when it is not
// ffprobe output or lists no stream.
core::Result<ProbeResult> parse_probe_json(std::string_view json);

// Cuts the frame at `at_ms` from `in` (a video, or an image: its only frame)
// into `out` as a JPEG at most `max_width` pixels wide (aspect kept, never
// enlarged). corrupt_file when no frame decodes there.
boost::asio::awaitable<core::Status> cut_frame(std::filesystem::path in, std::filesystem::path out,
                                               std::int64_t at_ms, int max_width, ToolOptions tools);
inline boost::asio::awaitable<core::Status> cut_frame(std::filesystem::path in, std::filesystem::path out,
                                                      std::int64_t at_ms, int max_width = 640) {
  return cut_frame(std::move(in), std::move(out), at_ms, max_width, ToolOptions{});
}

}  // namespace postfuze::media
