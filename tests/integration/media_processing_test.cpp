// Media processing end to end with the real server binary, per backend:
// upload through the signed URL (a real PUT to the disk store's route),
// confirm, and the worker's result — images ready at confirm, videos
// processed to ready with a cover frame, corrupt videos failed, wrong types
// and sizes refused at confirm — and a server killed (SIGKILL) while its
// job is leased, the job then finished by a second server on the same
// database and data directory.
#include <chrono>
#include <csignal>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <gtest/gtest.h>

#include "media/sniff.hpp"
#include "store/database.hpp"
#include "support/http_client.hpp"
#include "support/media_samples.hpp"
#include "support/postgres.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

namespace postfuze::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using boost::beast::http::verb;

std::string str(const json::value& v) { return std::string(v.as_string()); }

class MediaProcessing : public testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<BackendDatabase>(GetParam());
    start();
    key_ = server_->first_key();
    ASSERT_FALSE(key_.empty()) << server_->stdout_text();
  }

  // Both servers of a test share the data directory: the disk object store
  // lives there.
  void start(Env extra = {}) {
    Env env{{"POSTFUZE_DATA_DIR", data_.path().string()},
            {"POSTFUZE_MEDIA_POLL_MS", "100"},
            {"POSTFUZE_MEDIA_LEASE_MS", "1000"}};
    for (auto& [k, v] : extra) env[k] = v;
    server_ = std::make_unique<ServerProcess>(db_->url(), env);
  }

  HttpResult call(verb method, const std::string& target, const std::string& body = "") {
    return api_call(server_->port(), method, target, key_, body);
  }

  // POST /media/upload, then PUT `bytes` to the signed URL. Returns the id.
  std::string upload(const std::string& content_type, const std::string& bytes,
                     std::optional<std::int64_t> declared_size = std::nullopt) {
    json::object body{{"filename", "sample"}, {"content_type", content_type}};
    if (declared_size) body["size"] = *declared_size;
    const auto r = call(verb::post, "/api/v1/media/upload", json::serialize(body));
    if (r.status != 201) throw std::runtime_error("upload request: " + std::to_string(r.status) + " " + r.body);
    const auto doc = r.json();
    const std::string upload_url = str(doc.at("upload_url"));  // the view below points into it
    auto url = boost::urls::parse_absolute_uri(upload_url);
    if (!url) throw std::runtime_error("upload_url is not absolute");
    Headers headers;
    for (const auto& [name, value] : doc.at("upload_headers").as_object())
      headers.emplace_back(std::string(name), str(value));
    std::string target(url->encoded_path());
    if (url->has_query()) target += "?" + std::string(url->encoded_query());
    const auto put = http_request(static_cast<std::uint16_t>(url->port_number()), verb::put, target, bytes, headers);
    if (put.status / 100 != 2) throw std::runtime_error("PUT: " + std::to_string(put.status) + " " + put.body);
    return str(doc.at("id"));
  }

  HttpResult confirm(const std::string& id) { return call(verb::post, "/api/v1/media/" + id + "/confirm"); }

  json::object get(const std::string& id) {
    const auto r = call(verb::get, "/api/v1/media/" + id);
    if (r.status != 200) throw std::runtime_error("GET media: " + std::to_string(r.status) + " " + r.body);
    return r.json().as_object();
  }

  json::object wait_for(const std::string& id, const std::set<std::string>& statuses, std::chrono::seconds limit = 30s) {
    json::object last;
    const bool reached = wait_until(
        [&] {
          last = get(id);
          return statuses.count(str(last.at("status"))) > 0;
        },
        limit);
    EXPECT_TRUE(reached) << "media " << id << " stayed " << json::serialize(last) << "\n"
                         << server_->log_text().substr(0, 6000);
    return last;
  }

  // One value from the database the servers share.
  std::vector<store::Row> rows(const std::string& sql, const store::Params& params) {
    if (!direct_) direct_ = std::move(store::open_database(db_->url()).value());
    std::vector<store::Row> out;
    auto s = direct_->with_connection([&](store::Connection& c) -> core::Status {
      auto r = c.query(sql, params);
      if (!r) return std::move(r).error();
      out = std::move(*r);
      return core::Ok{};
    });
    if (!s) throw std::runtime_error(s.error().internal);
    return out;
  }

  HttpResult fetch(const std::string& absolute) {
    auto url = boost::urls::parse_absolute_uri(absolute);
    std::string target(url->encoded_path());
    if (url->has_query()) target += "?" + std::string(url->encoded_query());
    return http_request(static_cast<std::uint16_t>(url->port_number()), verb::get, target);
  }

  void expect_processed_video(const json::object& m) {
    EXPECT_EQ(str(m.at("status")), "ready") << json::serialize(m);
    EXPECT_EQ(m.at("width").as_int64(), 320);
    EXPECT_EQ(m.at("height").as_int64(), 240);
    EXPECT_NEAR(static_cast<double>(m.at("duration_ms").as_int64()), 2000.0, 40.0);
    ASSERT_TRUE(m.at("thumbnail").is_object()) << json::serialize(m);
    const auto& t = m.at("thumbnail").as_object();
    EXPECT_EQ(str(t.at("source")), "generated");
    EXPECT_EQ(t.at("frame_time_ms").as_int64(), 1000);
    EXPECT_EQ(t.at("width").as_int64(), 320);
    EXPECT_EQ(t.at("height").as_int64(), 240);
    const auto cover = fetch(str(t.at("url")));
    ASSERT_EQ(cover.status, 200) << cover.body.substr(0, 200);
    EXPECT_EQ(media::sniff_content_type(cover.body), "image/jpeg");
  }

  TempDir data_{"postfuze-media-data"};
  std::unique_ptr<BackendDatabase> db_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<store::Database> direct_;
  std::string key_;
};

TEST_P(MediaProcessing, AnImageIsMeasuredAndReadyAtConfirm) {
  // A PNG declared as JPEG: same kind, so accepted, and the bytes' type wins.
  const std::string png = sample_png(320, 240);
  const std::string id = upload("image/jpeg", png, static_cast<std::int64_t>(png.size()));
  const auto r = confirm(id);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto m = r.json().as_object();
  EXPECT_EQ(str(m.at("status")), "ready");
  EXPECT_EQ(str(m.at("content_type")), "image/png");
  EXPECT_EQ(m.at("size").as_int64(), static_cast<std::int64_t>(png.size()));
  EXPECT_EQ(m.at("width").as_int64(), 320);
  EXPECT_EQ(m.at("height").as_int64(), 240);
  EXPECT_EQ(str(m.at("thumbnail").at("source")), "original");
  // Confirming again answers the asset as it is.
  const auto again = confirm(id);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(str(again.json().at("status")), "ready");
}

TEST_P(MediaProcessing, AGifGetsItsDurationAtConfirm) {
  const std::string id = upload("image/gif", sample_gif(160, 120, 5));
  const auto r = confirm(id);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(r.json().at("status")), "ready");
  EXPECT_EQ(r.json().at("width").as_int64(), 160);
  EXPECT_GT(r.json().at("duration_ms").as_int64(), 0);
}

TEST_P(MediaProcessing, AVideoIsProcessedToReadyWithACoverFrame) {
  const std::string id = upload("video/mp4", sample_mp4(2, 320, 240));
  const auto r = confirm(id);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(r.json().at("status")), "processing");
  expect_processed_video(wait_for(id, {"ready", "failed"}));
}

TEST_P(MediaProcessing, AServerKilledWhileAJobIsLeasedIsTakenOverByTheNextOne) {
  server_.reset();
  // The first server sits on each claimed job for a minute: it is killed
  // while the job is leased to it.
  start({{"POSTFUZE_MEDIA_PROCESS_DELAY_MS", "60000"}});
  const std::string id = upload("video/mp4", sample_mp4(2, 320, 240));
  ASSERT_EQ(str(confirm(id).json().at("status")), "processing");
  ASSERT_TRUE(wait_until([&] {
    return !rows("SELECT lease_owner FROM media_jobs WHERE media_id = $1", {id}).at(0).is_null(0);
  })) << server_->log_text();
  server_->stop(SIGKILL);
  EXPECT_EQ(rows("SELECT status FROM media WHERE id = $1", {id}).at(0).text(0), "processing");

  start();  // no delay; its poll claims the job once the dead server's lease has run out
  const auto m = wait_for(id, {"ready", "failed"});
  expect_processed_video(m);
  const auto job = rows("SELECT attempts, due_at, lease_owner FROM media_jobs WHERE media_id = $1", {id});
  ASSERT_EQ(job.size(), 1u);
  EXPECT_GE(job[0].integer(0), 2);  // claimed by the dead server, then by this one
  EXPECT_TRUE(job[0].is_null(1));
  EXPECT_TRUE(job[0].is_null(2));
}

TEST_P(MediaProcessing, ACorruptVideoEndsFailedWithCorruptFile) {
  const std::string id = upload("video/mp4", corrupt_mp4());
  const auto r = confirm(id);
  ASSERT_EQ(r.status, 200) << r.body;  // it sniffs as MP4: only decoding finds the damage
  EXPECT_EQ(str(r.json().at("status")), "processing");
  const auto m = wait_for(id, {"ready", "failed"});
  EXPECT_EQ(str(m.at("status")), "failed");
  EXPECT_EQ(str(m.at("failure").at("code")), "corrupt_file");
}

TEST_P(MediaProcessing, APngDeclaredAsVideoIsRefusedAtConfirm) {
  const std::string id = upload("video/mp4", sample_png());
  const auto r = confirm(id);
  ASSERT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(str(r.json().at("code")), "validation_failed");
  EXPECT_EQ(str(r.json().at("errors").at(0).at("code")), "type_mismatch");
  const auto m = get(id);
  EXPECT_EQ(str(m.at("status")), "failed");
  EXPECT_EQ(str(m.at("failure").at("code")), "type_mismatch");
  EXPECT_EQ(confirm(id).status, 409);  // failed for good
}

TEST_P(MediaProcessing, AStoredSizeOtherThanTheDeclaredOneIsRefusedAtConfirm) {
  const std::string jpeg = sample_jpeg();
  const std::string id = upload("image/jpeg", jpeg, static_cast<std::int64_t>(jpeg.size()) + 10);
  const auto r = confirm(id);
  ASSERT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(str(r.json().at("errors").at(0).at("code")), "size_mismatch");
  EXPECT_EQ(str(get(id).at("failure").at("code")), "size_mismatch");
}

TEST_P(MediaProcessing, ConfirmingBeforeAnyUploadIsUploadMissing) {
  const auto r = call(verb::post, "/api/v1/media/upload", R"({"filename":"a.jpg","content_type":"image/jpeg"})");
  ASSERT_EQ(r.status, 201) << r.body;
  const auto c = confirm(str(r.json().at("id")));
  ASSERT_EQ(c.status, 422) << c.body;
  EXPECT_EQ(str(c.json().at("errors").at(0).at("code")), "upload_missing");
  // The upload URL is still valid: nothing changed, the client may still PUT.
  EXPECT_EQ(str(get(str(r.json().at("id"))).at("status")), "pending_upload");
}

TEST_P(MediaProcessing, AVideoFrameCanBecomeTheThumbnail) {
  const std::string id = upload("video/mp4", sample_mp4(2, 320, 240));
  ASSERT_EQ(confirm(id).status, 200);
  wait_for(id, {"ready"});
  const auto r = call(verb::post, "/api/v1/media/" + id + "/thumbnail", R"({"frame_time_ms":1500})");
  ASSERT_EQ(r.status / 100, 2) << r.body;
  const auto m = wait_for(id, {"ready"});
  EXPECT_EQ(m.at("thumbnail").at("frame_time_ms").as_int64(), 1500);
  EXPECT_EQ(str(m.at("thumbnail").at("source")), "generated");
  const auto late = call(verb::post, "/api/v1/media/" + id + "/thumbnail", R"({"frame_time_ms":5000})");
  EXPECT_EQ(late.status, 422) << late.body;
}

TEST_P(MediaProcessing, AnImageCanBecomeAVideosCustomThumbnail) {
  const std::string video = upload("video/mp4", sample_mp4(2, 320, 240));
  ASSERT_EQ(confirm(video).status, 200);
  const std::string image = upload("image/jpeg", sample_jpeg(1280, 960));
  ASSERT_EQ(confirm(image).status, 200);
  wait_for(video, {"ready"});
  const auto r = call(verb::post, "/api/v1/media/" + video + "/thumbnail", R"({"media_id":")" + image + R"("})");
  ASSERT_EQ(r.status / 100, 2) << r.body;
  const auto m = wait_for(video, {"ready"});
  const auto& t = m.at("thumbnail").as_object();
  EXPECT_EQ(str(t.at("source")), "custom");
  EXPECT_EQ(t.at("width").as_int64(), 640);  // scaled to the thumbnail width
  EXPECT_EQ(t.at("height").as_int64(), 480);
  EXPECT_TRUE(t.at("frame_time_ms").is_null());
}

INSTANTIATE_TEST_SUITE_P(Backends, MediaProcessing, testing::ValuesIn(store_backends()), BackendParamName());

}  // namespace
}  // namespace postfuze::test
