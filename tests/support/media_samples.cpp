#include "support/media_samples.hpp"

#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include "support/temp_dir.hpp"

namespace postfuze::test {
namespace {

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs ffmpeg with `args` writing `name` in a scratch dir; cached by args.
std::string generate(const std::string& args, const std::string& name) {
  static std::mutex mu;
  static std::map<std::string, std::string> cache;
  std::lock_guard lock(mu);
  const std::string cache_key = args + "|" + name;
  if (auto it = cache.find(cache_key); it != cache.end()) return it->second;
  TempDir dir("postfuze-sample");
  const auto out = dir.file(name);
  const std::string cmd = "ffmpeg -nostdin -hide_banner -loglevel error -y " + args + " '" + out.string() + "'";
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("ffmpeg failed: " + cmd);
  std::string bytes = read_file(out);
  if (bytes.empty()) throw std::runtime_error("ffmpeg wrote nothing: " + cmd);
  cache.emplace(cache_key, bytes);
  return bytes;
}

std::string size(int w, int h) { return std::to_string(w) + "x" + std::to_string(h); }

}  // namespace

std::string sample_jpeg(int width, int height) {
  return generate("-f lavfi -i testsrc=size=" + size(width, height) + ":rate=1 -frames:v 1", "sample.jpg");
}

std::string sample_png(int width, int height) {
  return generate("-f lavfi -i testsrc=size=" + size(width, height) + ":rate=1 -frames:v 1", "sample.png");
}

std::string sample_gif(int width, int height, int frames) {
  return generate("-f lavfi -i testsrc=size=" + size(width, height) + ":rate=10 -frames:v " + std::to_string(frames),
                  "sample.gif");
}

std::string sample_mp4(int seconds, int width, int height) {
  return generate("-f lavfi -i testsrc=size=" + size(width, height) + ":rate=25:duration=" + std::to_string(seconds) +
                      " -c:v libx264 -pix_fmt yuv420p -movflags +faststart",
                  "sample.mp4");
}

std::string corrupt_mp4() {
  std::string bytes = sample_mp4(2, 320, 240);
  // Keep the ftyp box (so it sniffs as MP4), destroy everything after it.
  for (std::size_t i = 64; i < bytes.size(); ++i) bytes[i] = static_cast<char>((i * 131) & 0xff);
  return bytes;
}

}  // namespace postfuze::test
