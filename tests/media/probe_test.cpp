// probe_file and cut_frame against real ffprobe/ffmpeg on the ffmpeg-made
// samples: exact dimensions, durations within a frame, codecs, frame counts,
// scaled JPEG frames, and corrupt input as the corrupt_file error.
#include <cstdlib>
#include <fstream>
#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "media/probe.hpp"
#include "media/sniff.hpp"
#include "support/media_samples.hpp"
#include "support/temp_dir.hpp"

namespace postfuze::media {
namespace {

// Runs `op` to completion on a fresh io_context (Result<T> has no default
// value, so use_future cannot carry it).
template <typename T>
T run(boost::asio::awaitable<T> op) {
  boost::asio::io_context io;
  std::optional<T> out;
  boost::asio::co_spawn(
      io, [&]() -> boost::asio::awaitable<void> { out.emplace(co_await std::move(op)); },
      [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
      });
  io.run();
  return std::move(*out);
}

class Probe : public testing::Test {
 protected:
  std::filesystem::path write(const std::string& name, const std::string& bytes) {
    const auto p = dir_.file(name);
    std::ofstream(p, std::ios::binary) << bytes;
    return p;
  }
  core::Result<ProbeResult> probe(const std::filesystem::path& p) { return run(probe_file(p)); }
  test::TempDir dir_;
};

TEST_F(Probe, MeasuresAnMp4) {
  auto r = probe(write("v.mp4", test::sample_mp4(2, 320, 240)));
  ASSERT_TRUE(r) << r.error().detail << " " << r.error().internal;
  EXPECT_TRUE(r->has_video);
  EXPECT_EQ(r->width, 320);
  EXPECT_EQ(r->height, 240);
  ASSERT_TRUE(r->duration_ms);
  EXPECT_NEAR(static_cast<double>(*r->duration_ms), 2000.0, 40.0);  // one frame at 25 fps
  EXPECT_EQ(r->codec, "h264");
  EXPECT_EQ(r->frames, 50);
}

TEST_F(Probe, MeasuresAnOddSizedLongerMp4) {
  auto r = probe(write("v.mp4", test::sample_mp4(3, 640, 360)));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->width, 640);
  EXPECT_EQ(r->height, 360);
  EXPECT_NEAR(static_cast<double>(*r->duration_ms), 3000.0, 40.0);
}

TEST_F(Probe, MeasuresImagesAndAGif) {
  auto jpeg = probe(write("a.jpg", test::sample_jpeg(321, 123)));
  ASSERT_TRUE(jpeg);
  EXPECT_EQ(jpeg->width, 321);
  EXPECT_EQ(jpeg->height, 123);
  EXPECT_EQ(jpeg->codec, "mjpeg");
  auto png = probe(write("a.png", test::sample_png(64, 48)));
  ASSERT_TRUE(png);
  EXPECT_EQ(png->width, 64);
  EXPECT_EQ(png->height, 48);
  EXPECT_EQ(png->codec, "png");
  auto gif = probe(write("a.gif", test::sample_gif(160, 120, 5)));
  ASSERT_TRUE(gif);
  EXPECT_EQ(gif->width, 160);
  EXPECT_EQ(gif->height, 120);
  EXPECT_EQ(gif->codec, "gif");
  ASSERT_TRUE(gif->duration_ms);
  EXPECT_GT(*gif->duration_ms, 0);
}

TEST_F(Probe, ACorruptMp4IsCorruptFile) {
  auto r = probe(write("bad.mp4", test::corrupt_mp4()));
  ASSERT_FALSE(r);
  EXPECT_TRUE(is_corrupt_file(r.error()));
  EXPECT_EQ(r.error().status(), 422);
  EXPECT_EQ(r.error().fields.at(0).code, "corrupt_file");
}

TEST_F(Probe, TextIsCorruptFile) {
  auto r = probe(write("notes.mp4", "these are not the bytes you are looking for\n"));
  ASSERT_FALSE(r);
  EXPECT_TRUE(is_corrupt_file(r.error()));
}

TEST_F(Probe, AMissingFileIsCorruptFileNotACrash) {
  auto r = probe(dir_.file("absent.mp4"));
  ASSERT_FALSE(r);
  EXPECT_TRUE(is_corrupt_file(r.error()));
}

TEST_F(Probe, ParsesOnlyFfprobeOutput) {
  EXPECT_TRUE(is_corrupt_file(parse_probe_json("not json").error()));
  EXPECT_TRUE(is_corrupt_file(parse_probe_json(R"({"streams":[],"format":{}})").error()));
  auto r = parse_probe_json(
      R"({"streams":[{"codec_type":"audio","codec_name":"aac","duration":"1.500000"}],"format":{"format_name":"mov"}})");
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->has_video);
  EXPECT_TRUE(r->has_audio);
  EXPECT_EQ(r->codec, "aac");
  EXPECT_EQ(r->duration_ms, 1500);
}

TEST_F(Probe, CutsAFrameAsAJpeg) {
  const auto video = write("v.mp4", test::sample_mp4(2, 320, 240));
  const auto out = dir_.file("cover.jpg");
  auto s = run(cut_frame(video, out, 1000));
  ASSERT_TRUE(s) << s.error().internal;
  std::ifstream in(out, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(sniff_content_type(bytes), "image/jpeg");
  auto m = probe(out);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->width, 320);  // narrower than the limit: never enlarged
  EXPECT_EQ(m->height, 240);
}

TEST_F(Probe, ScalesAFrameDownToTheWidthLimit) {
  const auto video = write("v.mp4", test::sample_mp4(2, 1280, 720));
  const auto out = dir_.file("cover.jpg");
  ASSERT_TRUE(run(cut_frame(video, out, 0, 640)));
  auto m = probe(out);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->width, 640);
  EXPECT_EQ(m->height, 360);
}

TEST_F(Probe, AFramePastTheEndIsCorruptFile) {
  const auto video = write("v.mp4", test::sample_mp4(1, 320, 240));
  auto s = run(cut_frame(video, dir_.file("late.jpg"), 5000));
  ASSERT_FALSE(s);
  EXPECT_TRUE(is_corrupt_file(s.error()));
  EXPECT_FALSE(std::filesystem::exists(dir_.file("late.jpg")));
}

TEST_F(Probe, NoFrameDecodesFromACorruptMp4) {
  auto s = run(cut_frame(write("bad.mp4", test::corrupt_mp4()), dir_.file("c.jpg"), 0));
  ASSERT_FALSE(s);
  EXPECT_TRUE(is_corrupt_file(s.error()));
}

TEST_F(Probe, AToolThatCannotRunIsNotCorruptFile) {
  ToolOptions tools;
  tools.ffprobe = "postfuze-no-such-ffprobe";
  auto r = run(probe_file(write("v.mp4", test::sample_mp4()), tools));
  ASSERT_FALSE(r);
  EXPECT_FALSE(is_corrupt_file(r.error()));
  EXPECT_EQ(r.error().code, core::ErrorCode::internal);
}

}  // namespace
}  // namespace postfuze::media
