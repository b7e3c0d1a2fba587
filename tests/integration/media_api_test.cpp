// End to end: /api/v1/media against the real server on both backends
// (contract §19; docs/media.md) — the upload request and its checks (415,
// 413, 422), the offset list, org scoping, deleting (and the 409 while an
// unsettled post uses the asset), scopes, and the whole flow: PUT the bytes
// to the presigned URL, confirm, read the asset and fetch its URL.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>

#include <memory>
#include <optional>
#include <set>
#include <string>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/time_format.hpp"
#include "crypto/secure_random.hpp"
#include "media/media_store.hpp"
#include "store/database.hpp"
#include "support/media_samples.hpp"
#include "support/server_fixture.hpp"

namespace postfuze::test {
namespace {

namespace json = boost::json;

class MediaApi : public ServerTest {
 protected:
  // A small image cap so the env var is exercised too.
  Env extra_env() const override { return {{"POSTFUZE_MEDIA_MAX_IMAGE_BYTES", "1000000"}}; }

  HttpResult upload(const std::string& body, const std::string& key = {}) {
    return call(verb::post, "/api/v1/media/upload", key.empty() ? key_ : key, body);
  }
  // Asks for an upload URL; returns the response object.
  json::object new_upload(const std::string& filename = "cat.jpg", const std::string& type = "image/jpeg",
                          const std::string& key = {}) {
    const auto r = upload(R"({"filename":")" + filename + R"(","content_type":")" + type + "\"}", key);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json().as_object();
  }
  static std::string id_of(const json::object& o) { return std::string(o.at("id").as_string()); }
  static std::int64_t number(const json::value& v) { return v.to_number<std::int64_t>(); }
  // pagination.total of GET /media?<query> with `key` (default: the first key).
  std::int64_t total(const std::string& query = "", const std::string& key = {}) {
    const auto r = call(verb::get, "/api/v1/media" + query, key.empty() ? key_ : key);
    EXPECT_EQ(r.status, 200) << r.body;
    return number(r.json().as_object().at("pagination").as_object().at("total"));
  }

  // The path and query of an absolute URL the server minted.
  static std::string target_of(std::string_view url) {
    auto u = boost::urls::parse_absolute_uri(url);
    if (!u) throw std::runtime_error("not a URL: " + std::string(url));
    return std::string(u->encoded_target());
  }

  // PUTs `bytes` as the upload response says.
  HttpResult put_bytes(const json::object& upload_response, const std::string& bytes) {
    Headers headers;
    for (const auto& kv : upload_response.at("upload_headers").as_object())
      headers.emplace_back(std::string(kv.key()), std::string(kv.value().as_string()));
    return http_request(port(), verb::put, target_of(upload_response.at("upload_url").as_string()), bytes, headers);
  }

  std::unique_ptr<store::Database> open_store() {
    auto db = store::open_database(db_->url());
    if (!db) throw std::runtime_error("open_database failed");
    return std::move(*db);
  }

  // A post row of the asset's org in `status`, linked to the asset through
  // the store (what POST /posts does once posts carry media ids).
  void link_post(const std::string& media_id, const std::string& status) {
    auto db = open_store();
    auto s = db->transaction([&](store::Connection& c) -> core::Status {
      auto org = c.query("SELECT org_id FROM media WHERE id = $1", {media_id});
      if (!org) return std::move(org).error();
      const core::OrgId owner{org->at(0).text(0)};
      crypto::SecureRandom random;
      const std::string post_id = core::new_uuid(random);
      const auto now = core::to_unix_ms(core::SystemClock().now());
      auto ins = c.execute(
          "INSERT INTO posts (id, org_id, status, is_draft, containers, default_config, version, created_at, "
          "updated_at) VALUES ($1, $2, $3, 0, '[]', '{}', 1, $4, $4)",
          {post_id, owner.value, status, now});
      if (!ins) return std::move(ins).error();
      return media::link_post_media(c, owner, post_id, {media_id});
    });
    ASSERT_TRUE(s) << s.error().detail << s.error().internal;
  }
};

TEST_P(MediaApi, UploadAnswersAPendingAssetAndAPresignedPut) {
  const auto r = upload(R"({"filename":"Cat photo (1).JPG","content_type":"Image/JPEG","size":1234})");
  ASSERT_EQ(r.status, 201) << r.body;
  const auto j = r.json().as_object();
  EXPECT_TRUE(core::is_uuid(j.at("id").as_string()));
  EXPECT_EQ(j.at("kind").as_string(), "image");
  EXPECT_EQ(j.at("filename").as_string(), "Cat photo (1).JPG");
  EXPECT_EQ(j.at("content_type").as_string(), "image/jpeg");
  EXPECT_EQ(j.at("status").as_string(), "pending_upload");
  for (const char* null_field : {"size", "width", "height", "duration_ms", "url", "thumbnail_url", "thumbnail"})
    EXPECT_TRUE(j.at(null_field).is_null()) << null_field;
  EXPECT_FALSE(j.contains("failure"));
  EXPECT_EQ(j.at("upload_method").as_string(), "PUT");
  const std::string url(j.at("upload_url").as_string());
  EXPECT_TRUE(url.starts_with("http://127.0.0.1:" + std::to_string(port()) + "/")) << url;
  EXPECT_NE(url.find(std::string(j.at("id").as_string())), std::string::npos) << "the key names the asset";
  EXPECT_EQ(j.at("upload_headers").as_object().at("Content-Type").as_string(), "image/jpeg");
  const auto created = core::parse_timestamp(j.at("created_at").as_string());
  const auto expires = core::parse_timestamp(j.at("upload_expires_at").as_string());
  const auto purge = core::parse_timestamp(j.at("purge_at").as_string());
  ASSERT_TRUE(created && expires && purge);
  // Whole seconds (signed URLs carry Unix seconds), so up to a second short of 15 minutes.
  EXPECT_LE(*expires - *created, std::chrono::minutes(15));
  EXPECT_GT(*expires - *created, std::chrono::minutes(15) - std::chrono::seconds(1));
  EXPECT_EQ(*purge - *created, std::chrono::hours(24 * 60));

  const auto got = call(verb::get, "/api/v1/media/" + id_of(j), key_);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.json().as_object().at("status").as_string(), "pending_upload");
  EXPECT_FALSE(got.json().as_object().contains("upload_url"));
}

TEST_P(MediaApi, TypesOutsideTheListAre415AndStoreNothing) {
  for (const char* type : {"image/svg+xml", "text/html", "application/octet-stream", "video/x-msvideo"}) {
    const auto r = upload(R"({"filename":"x","content_type":")" + std::string(type) + "\"}");
    ASSERT_EQ(r.status, 415) << type << r.body;
    EXPECT_EQ(r.json().as_object().at("code").as_string(), "unsupported_media_type");
    EXPECT_NE(r.json().as_object().at("detail").as_string().find("image/jpeg"), std::string::npos);
  }
  EXPECT_EQ(total(), 0);
}

TEST_P(MediaApi, DeclaredSizesOverTheKindsCapAre413) {
  // 1 GB of video is over the default 512 MiB cap.
  auto r = upload(R"({"filename":"big.mp4","content_type":"video/mp4","size":1000000000})");
  ASSERT_EQ(r.status, 413) << r.body;
  EXPECT_EQ(r.json().as_object().at("code").as_string(), "payload_too_large");
  // POSTFUZE_MEDIA_MAX_IMAGE_BYTES=1000000 for this server.
  r = upload(R"({"filename":"a.png","content_type":"image/png","size":1000001})");
  ASSERT_EQ(r.status, 413) << r.body;
  EXPECT_EQ(upload(R"({"filename":"a.png","content_type":"image/png","size":1000000})").status, 201);
  EXPECT_EQ(upload(R"({"filename":"big.mp4","content_type":"video/mp4","size":536870912})").status, 201);
  EXPECT_EQ(total(), 2);
}

TEST_P(MediaApi, BadBodiesAre422NamingEveryField) {
  const auto r = upload(R"({"filename":"../etc/passwd","size":0,"colour":"red"})");
  ASSERT_EQ(r.status, 422) << r.body;
  const auto j = r.json().as_object();
  EXPECT_EQ(j.at("code").as_string(), "validation_failed");
  std::set<std::string> fields;
  for (const auto& e : j.at("errors").as_array()) fields.insert(std::string(e.as_object().at("field").as_string()));
  EXPECT_EQ(fields, (std::set<std::string>{"filename", "content_type", "size", "colour"}));
  for (const std::string& body : std::vector<std::string>{
           R"({"filename":"","content_type":"image/png"})", R"({"filename":"a\\b","content_type":"image/png"})",
        R"({"filename":"a\u0001b","content_type":"image/png"})",
        R"({"filename":")" + std::string(256, 'a') + R"(","content_type":"image/png"})",
        R"({"filename":"a","content_type":"image/png","size":-5})",
        R"({"filename":"a","content_type":"image/png","size":1.5})",
        R"({"filename":"a","content_type":"image/png","size":"12"})", R"({"filename":7,"content_type":"image/png"})"})
    EXPECT_EQ(upload(body).status, 422) << body;
  EXPECT_EQ(total(), 0);
}

TEST_P(MediaApi, ListsNewestFirstWithOffsetLimitAndTotal) {
  std::vector<std::string> ids;  // oldest first
  for (int i = 0; i < 5; ++i) ids.push_back(id_of(new_upload("f" + std::to_string(i) + ".png", "image/png")));
  ids.push_back(id_of(new_upload("v.mp4", "video/mp4")));

  auto r = call(verb::get, "/api/v1/media?limit=4", key_);
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = r.json().as_object();
  EXPECT_EQ(json::serialize(j.at("pagination")), R"({"limit":4,"offset":0,"total":6})");
  ASSERT_EQ(j.at("data").as_array().size(), 4u);
  std::vector<std::string> seen;
  for (const auto& m : j.at("data").as_array()) seen.push_back(id_of(m.as_object()));
  r = call(verb::get, "/api/v1/media?limit=4&offset=4", key_);
  j = r.json().as_object();
  EXPECT_EQ(json::serialize(j.at("pagination")), R"({"limit":4,"offset":4,"total":6})");
  for (const auto& m : j.at("data").as_array()) seen.push_back(id_of(m.as_object()));
  // created_at has millisecond resolution: several uploads may share one, so
  // compare as sets and check the newest is first when its time is unique.
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), std::set<std::string>(ids.begin(), ids.end()));
  EXPECT_EQ(seen.size(), 6u);

  j = call(verb::get, "/api/v1/media?kind=video", key_).json().as_object();
  ASSERT_EQ(j.at("data").as_array().size(), 1u);
  EXPECT_EQ(id_of(j.at("data").as_array()[0].as_object()), ids.back());
  EXPECT_EQ(number(j.at("pagination").as_object().at("total")), 1);
  EXPECT_EQ(total("?status=pending_upload&kind=image"), 5);
  EXPECT_EQ(call(verb::get, "/api/v1/media?status=ready", key_).json().as_object().at("data").as_array().size(), 0u);
  j = call(verb::get, "/api/v1/media?offset=100", key_).json().as_object();
  EXPECT_TRUE(j.at("data").as_array().empty());
  EXPECT_EQ(number(j.at("pagination").as_object().at("total")), 6);
  EXPECT_EQ(number(call(verb::get, "/api/v1/media", key_).json().as_object().at("pagination").as_object().at("limit")),
            25);

  for (const std::string bad : {"limit=0", "limit=101", "limit=x", "offset=-1", "offset=1.5", "status=gone",
                                "kind=spreadsheet"}) {
    r = call(verb::get, "/api/v1/media?" + bad, key_);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_EQ(r.json().as_object().at("code").as_string(), "invalid_parameter") << bad;
  }
}

TEST_P(MediaApi, AnotherOrgsAssetIsNotFound) {
  const auto id = id_of(new_upload());
  const std::string other = cli_key("globex");
  for (auto [method, path] : {std::pair{verb::get, ""}, {verb::delete_, ""}, {verb::post, "/confirm"}}) {
    const auto r = call(method, "/api/v1/media/" + id + path, other);
    EXPECT_EQ(r.status, 404) << path << r.body;
    EXPECT_EQ(r.json().as_object().at("code").as_string(), "not_found");
  }
  EXPECT_EQ(call(verb::post, "/api/v1/media/" + id + "/thumbnail", other, R"({"frame_time_ms":0})").status, 404);
  EXPECT_EQ(total("", other), 0);
  EXPECT_EQ(call(verb::get, "/api/v1/media/not-a-uuid", key_).status, 404);
  EXPECT_EQ(call(verb::get, "/api/v1/media/" + id, key_).status, 200);
}

TEST_P(MediaApi, DeletedAssetsAre404AndLeaveTheList) {
  const auto keep = id_of(new_upload("keep.png", "image/png"));
  const auto id = id_of(new_upload());
  auto r = call(verb::delete_, "/api/v1/media/" + id, key_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().as_object().at("status").as_string(), "deleted");
  EXPECT_TRUE(r.json().as_object().at("url").is_null());
  EXPECT_EQ(call(verb::get, "/api/v1/media/" + id, key_).status, 404);
  EXPECT_EQ(call(verb::delete_, "/api/v1/media/" + id, key_).status, 404);
  const auto j = call(verb::get, "/api/v1/media", key_).json().as_object();
  ASSERT_EQ(j.at("data").as_array().size(), 1u);
  EXPECT_EQ(id_of(j.at("data").as_array()[0].as_object()), keep);
  EXPECT_EQ(number(j.at("pagination").as_object().at("total")), 1);
}

TEST_P(MediaApi, DeleteIs409WhileAnUnsettledPostUsesTheAsset) {
  const auto used = id_of(new_upload());
  link_post(used, "scheduled");
  auto r = call(verb::delete_, "/api/v1/media/" + used, key_);
  ASSERT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(r.json().as_object().at("code").as_string(), "conflict");
  EXPECT_EQ(call(verb::get, "/api/v1/media/" + used, key_).status, 200);

  const auto released = id_of(new_upload());
  link_post(released, "published");
  EXPECT_EQ(call(verb::delete_, "/api/v1/media/" + released, key_).status, 200);
}

TEST_P(MediaApi, WritesNeedTheMediaScopeReadsDoNot) {
  const auto id = id_of(new_upload());
  const auto [key_id, read_only] = issue_key(R"({"name":"reader","scopes":[]})");
  const auto [key_id2, posts_only] = issue_key(R"({"name":"poster","scopes":["posts:write"]})");
  for (const auto& key : {read_only, posts_only}) {
    auto r = upload(R"({"filename":"a.png","content_type":"image/png"})", key);
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_EQ(r.json().as_object().at("code").as_string(), "insufficient_scope");
    EXPECT_EQ(call(verb::delete_, "/api/v1/media/" + id, key).status, 403);
    EXPECT_EQ(call(verb::post, "/api/v1/media/" + id + "/confirm", key).status, 403);
    EXPECT_EQ(call(verb::get, "/api/v1/media/" + id, key).status, 200);
    EXPECT_EQ(call(verb::get, "/api/v1/media", key).status, 200);
  }
  const auto [key_id3, media_key] = issue_key(R"({"name":"media","scopes":["media:write"]})");
  EXPECT_EQ(upload(R"({"filename":"a.png","content_type":"image/png"})", media_key).status, 201);
  // Test keys may upload: media never reaches a platform by itself.
  const auto [key_id4, test_key] = issue_key(R"({"name":"test","mode":"test","scopes":["media:write"]})");
  EXPECT_EQ(upload(R"({"filename":"a.png","content_type":"image/png"})", test_key).status, 201);
}

TEST_P(MediaApi, ThumbnailBodiesAreValidated) {
  const auto id = id_of(new_upload());
  for (const std::string body : {R"({})", R"({"frame_time_ms":1,"media_id":"x"})", R"({"frame_time_ms":-1})",
                                 R"({"frame_time_ms":"1"})", R"({"at":1})"}) {
    const auto r = call(verb::post, "/api/v1/media/" + id + "/thumbnail", key_, body);
    EXPECT_EQ(r.status, 422) << body << r.body;
  }
}

// The whole flow; needs the disk store's file routes (PUT/GET) and confirm.
TEST_P(MediaApi, PutConfirmAndFetchAnImage) {
  const std::string jpeg = sample_jpeg(320, 240);
  const auto up = new_upload("cat.jpg", "image/jpeg");
  const auto put = put_bytes(up, jpeg);
  ASSERT_TRUE(put.status == 200 || put.status == 201 || put.status == 204) << put.status << put.body;

  const auto r = call(verb::post, "/api/v1/media/" + id_of(up) + "/confirm", key_);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto j = r.json().as_object();
  EXPECT_EQ(j.at("status").as_string(), "ready");
  EXPECT_EQ(number(j.at("size")), static_cast<std::int64_t>(jpeg.size()));
  EXPECT_EQ(number(j.at("width")), 320);
  EXPECT_EQ(number(j.at("height")), 240);
  ASSERT_TRUE(j.at("url").is_string());
  EXPECT_EQ(j.at("thumbnail_url"), j.at("url"));
  EXPECT_EQ(j.at("thumbnail").as_object().at("source").as_string(), "original");

  const auto fetched = http_request(port(), verb::get, target_of(j.at("url").as_string()));
  ASSERT_EQ(fetched.status, 200);
  EXPECT_EQ(fetched.body, jpeg);
  // Confirming again answers the asset as it is.
  const auto again = call(verb::post, "/api/v1/media/" + id_of(up) + "/confirm", key_);
  EXPECT_EQ(again.status, 200) << again.body;

  // Deleting removes the bytes too: the old URL finds nothing.
  ASSERT_EQ(call(verb::delete_, "/api/v1/media/" + id_of(up), key_).status, 200);
  EXPECT_EQ(http_request(port(), verb::get, target_of(j.at("url").as_string())).status, 404);
}

// Needs the media worker too: a video is processing after confirm and ready
// once its cover frame is cut.
TEST_P(MediaApi, AConfirmedVideoBecomesReadyWithACover) {
  const std::string mp4 = sample_mp4(2, 320, 240);
  const auto up = new_upload("clip.mp4", "video/mp4");
  const auto put = put_bytes(up, mp4);
  ASSERT_TRUE(put.status == 200 || put.status == 201 || put.status == 204) << put.status << put.body;
  const auto r = call(verb::post, "/api/v1/media/" + id_of(up) + "/confirm", key_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json().as_object().at("status").as_string() == "processing" ||
              r.json().as_object().at("status").as_string() == "ready");
  EXPECT_TRUE(r.json().as_object().at("url").is_string()) << "confirmed bytes have a URL while processing";

  json::object ready;
  ASSERT_TRUE(wait_until(
      [&] {
        ready = call(verb::get, "/api/v1/media/" + id_of(up), key_).json().as_object();
        return ready.at("status").as_string() != "processing";
      },
      std::chrono::milliseconds(60000)))
      << server_->log_text();
  ASSERT_EQ(ready.at("status").as_string(), "ready") << json::serialize(ready);
  EXPECT_EQ(number(ready.at("size")), static_cast<std::int64_t>(mp4.size()));
  EXPECT_EQ(number(ready.at("width")), 320);
  EXPECT_EQ(number(ready.at("height")), 240);
  EXPECT_NEAR(static_cast<double>(number(ready.at("duration_ms"))), 2000.0, 100.0);
  ASSERT_TRUE(ready.at("thumbnail").is_object());
  EXPECT_EQ(ready.at("thumbnail").as_object().at("source").as_string(), "generated");
  ASSERT_TRUE(ready.at("thumbnail_url").is_string());
  EXPECT_NE(ready.at("thumbnail_url"), ready.at("url"));
  const auto cover = http_request(port(), verb::get, target_of(ready.at("thumbnail_url").as_string()));
  ASSERT_EQ(cover.status, 200);
  EXPECT_EQ(cover.body.substr(0, 3), std::string("\xFF\xD8\xFF")) << "a JPEG";
}

TEST_P(MediaApi, AConfirmBeforeTheBytesLeavesTheUploadOpen) {
  const auto up = new_upload("cat.jpg", "image/jpeg");
  const auto r = call(verb::post, "/api/v1/media/" + id_of(up) + "/confirm", key_);
  ASSERT_EQ(r.status, 422) << r.body;
  EXPECT_NE(r.body.find("upload_missing"), std::string::npos) << r.body;
  const auto j = call(verb::get, "/api/v1/media/" + id_of(up), key_).json().as_object();
  EXPECT_EQ(j.at("status").as_string(), "pending_upload");
  EXPECT_TRUE(j.at("url").is_null());
}

INSTANTIATE_TEST_SUITE_P(Backends, MediaApi, testing::ValuesIn(store_backends()), BackendParamName());

}  // namespace
}  // namespace postfuze::test
