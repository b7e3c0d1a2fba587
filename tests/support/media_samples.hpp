// Media samples made by the tests themselves with Debian's ffmpeg (never
// checked-in binaries): real JPEG/PNG/GIF images and MP4 videos of a chosen
// size and length. Each distinct sample is generated once per process and
// cached; the returned bytes are the file's contents.
#pragma once

#include <string>

namespace postfuze::test {

std::string sample_jpeg(int width = 320, int height = 240);
std::string sample_png(int width = 320, int height = 240);
std::string sample_gif(int width = 160, int height = 120, int frames = 5);
// H.264 in MP4 (yuv420p, faststart), `seconds` long at 25 fps.
std::string sample_mp4(int seconds = 2, int width = 320, int height = 240);
// An MP4 whose header survives (it sniffs as video/mp4) but whose boxes
// after the first 64 bytes are garbage: no decoder can read it.
std::string corrupt_mp4();

}  // namespace postfuze::test
