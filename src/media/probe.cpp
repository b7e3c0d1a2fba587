#include "media/probe.hpp"

#include <cmath>
#include <cstdio>
#include <system_error>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "media/child_process.hpp"

namespace postfuze::media {

namespace json = boost::json;

core::Error corrupt_file(std::string message) { return core::Error::validation("file", std::move(message), std::string(kCorruptFile)); }

bool is_corrupt_file(const core::Error& e) {
  return e.code == core::ErrorCode::validation_failed && e.fields.size() == 1 && e.fields[0].code == kCorruptFile;
}

namespace {

// ffprobe prints numbers such as durations and frame counts as strings.
std::optional<double> number(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v) return std::nullopt;
  if (v->is_int64()) return static_cast<double>(v->as_int64());
  if (v->is_uint64()) return static_cast<double>(v->as_uint64());
  if (v->is_double()) return v->as_double();
  if (!v->is_string()) return std::nullopt;
  const std::string s(v->as_string());
  char* end = nullptr;
  const double d = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || *end != '\0' || !std::isfinite(d) || d < 0) return std::nullopt;
  return d;
}

std::string text(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string{};
}

std::optional<std::int64_t> millis(std::optional<double> seconds) {
  if (!seconds) return std::nullopt;
  return static_cast<std::int64_t>(std::llround(*seconds * 1000.0));
}

std::string seconds_text(std::int64_t ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%03lld", static_cast<long long>(ms / 1000), static_cast<long long>(ms % 1000));
  return buf;
}

std::string first_line(const std::string& s) {
  const auto nl = s.find('\n');
  return s.substr(0, std::min<std::size_t>(nl, 200));
}

// Argument lists are built outside the coroutines (GCC 12 mishandles
// initializer lists of string literals inside a co_await expression).
std::vector<std::string> probe_args(const ToolOptions& tools, const std::filesystem::path& file) {
  return {tools.ffprobe, "-v", "error", "-protocol_whitelist", "file", "-print_format", "json",
          "-show_format", "-show_streams", file.string()};
}

std::vector<std::string> frame_args(const ToolOptions& tools, const std::filesystem::path& in,
                                    const std::filesystem::path& out, std::int64_t at_ms, int max_width) {
  return {tools.ffmpeg, "-nostdin", "-v", "error", "-protocol_whitelist", "file", "-y",
          "-ss", seconds_text(at_ms), "-i", in.string(), "-frames:v", "1",
          "-vf", "scale='min(" + std::to_string(max_width) + ",iw)':-1", "-q:v", "3",
          "-f", "image2", "-c:v", "mjpeg", out.string()};
}

}  // namespace

core::Result<ProbeResult> parse_probe_json(std::string_view text_in) {
  std::error_code ec;
  json::value doc = json::parse(text_in, ec);
  if (ec || !doc.is_object()) return corrupt_file("The file could not be read as media.");
  const json::object& root = doc.as_object();
  ProbeResult out;
  std::optional<std::int64_t> stream_duration;
  if (const json::value* streams = root.if_contains("streams"); streams && streams->is_array()) {
    for (const json::value& sv : streams->as_array()) {
      if (!sv.is_object()) continue;
      const json::object& s = sv.as_object();
      const std::string type = text(s, "codec_type");
      if (type == "video" && !out.has_video) {
        const auto w = number(s, "width"), h = number(s, "height");
        if (!w || !h || *w < 1 || *h < 1) continue;
        out.has_video = true;
        out.width = static_cast<int>(*w);
        out.height = static_cast<int>(*h);
        out.codec = text(s, "codec_name");
        if (auto f = number(s, "nb_frames")) out.frames = static_cast<std::int64_t>(*f);
        stream_duration = millis(number(s, "duration"));
      } else if (type == "audio" && !out.has_audio) {
        out.has_audio = true;
        if (!out.has_video) stream_duration = millis(number(s, "duration"));
      }
    }
  }
  if (!out.has_video && !out.has_audio) return corrupt_file("No video, image or audio stream could be read from the file.");
  if (out.codec.empty() && out.has_audio) {
    for (const json::value& sv : root.at("streams").as_array())
      if (sv.is_object() && text(sv.as_object(), "codec_type") == "audio") {
        out.codec = text(sv.as_object(), "codec_name");
        break;
      }
  }
  if (const json::value* f = root.if_contains("format"); f && f->is_object()) {
    out.format = text(f->as_object(), "format_name");
    out.duration_ms = millis(number(f->as_object(), "duration"));
  }
  // A stream's own duration is the better figure when the container's is
  // missing or larger than it (a damaged index can claim hours).
  if (stream_duration && (!out.duration_ms || *out.duration_ms > *stream_duration)) out.duration_ms = stream_duration;
  return out;
}

boost::asio::awaitable<core::Result<ProbeResult>> probe_file(std::filesystem::path file, ToolOptions tools) {
  auto r = co_await run_process(probe_args(tools, file), ProcessOptions{tools.timeout, 1024 * 1024});
  if (!r) co_return std::move(r).error();
  if (r->timed_out) co_return core::Error::unavailable("Measuring the file took too long.", "ffprobe timed out");
  if (r->exit_code != 0) {
    auto e = corrupt_file("The file could not be read as media.");
    e.internal = "ffprobe: " + first_line(r->err);
    co_return e;
  }
  co_return parse_probe_json(r->out);
}

boost::asio::awaitable<core::Status> cut_frame(std::filesystem::path in, std::filesystem::path out, std::int64_t at_ms,
                                               int max_width, ToolOptions tools) {
  std::error_code ec;
  std::filesystem::remove(out, ec);
  auto r = co_await run_process(frame_args(tools, in, out, at_ms, max_width), ProcessOptions{tools.timeout, 64 * 1024});
  if (!r) co_return std::move(r).error();
  if (r->timed_out) co_return core::Error::unavailable("Cutting a frame took too long.", "ffmpeg timed out");
  // ffmpeg exits 0 without writing anything when no frame decodes at that time.
  if (r->exit_code != 0 || !std::filesystem::exists(out, ec) || std::filesystem::file_size(out, ec) == 0) {
    auto e = corrupt_file("No frame could be decoded from the file at " + std::to_string(at_ms) + " ms.");
    e.internal = "ffmpeg: " + first_line(r->err);
    co_return e;
  }
  co_return core::Ok{};
}

}  // namespace postfuze::media
