// Reddit's media-asset lease (the wire format PRAW's _upload_media and JRAW's
// MediaUploadLeaseResponse use; docs/decisions.md "Media publishing: byte uploads"):
//
//   POST /api/media/asset.json  form filepath=<name>&mimetype=<type>  (scope submit)
//        → {"args":{"action":"//<host>/reddit/api/reddit-media","fields":[{"name","value"}…]},
//           "asset":{"asset_id","processing_state":"incomplete","payload":{"filepath"},"websocket_url"}}
//   POST {action}  multipart/form-data: every lease field, then the file part last
//        (S3's browser-form POST: no Reddit token; the signed policy is the credential)
//        → 201 <PostResponse><Location/><Bucket/><Key/><ETag/></PostResponse>
//
// The action is scheme-relative, as Reddit's; it points back at this
// simulator. Strictness: filepath and mimetype (image/jpeg, image/png,
// image/gif) are required and must agree; the upload must carry every lease
// field with its exact value and nothing else, the file last, at most 20 MB,
// starting the way its mimetype's files start, and no Authorization header. POST /api/submit kind=image
// takes only the URL of a completed upload of the same user (reddit_uploaded_image).
#include <boost/url/parse.hpp>

#include "sim/api_support.hpp"
#include "sim/errors.hpp"
#include "sim/media_uploads.hpp"
#include "sim/publish_builders.hpp"
#include "sim/publish_upload_builders.hpp"

namespace postfuze::sim::publish {

namespace {

namespace json = boost::json;
using http::bhttp::status;

constexpr std::int64_t kMaxImage = 20 * 1000 * 1000;  // Reddit's image cap
constexpr std::string_view kUploadPath = "/reddit/api/reddit-media";
constexpr std::string_view kKeyPrefix = "rte_images/";

struct ImageType {
  std::string_view mimetype;
  std::string_view ext;
  std::string_view kind;
};
constexpr ImageType kTypes[] = {{"image/jpeg", "jpg", "image"}, {"image/png", "png", "image"}, {"image/gif", "gif", "gif"}};

const ImageType* image_type(std::string_view mimetype) {
  for (const auto& t : kTypes)
    if (t.mimetype == mimetype) return &t;
  return nullptr;
}

// The upload endpoint's URL, and the action that names it without a scheme.
std::string upload_url(const Sim& sim) { return sim.base_url + std::string(kUploadPath); }
std::string action(const Sim& sim) {
  const std::string url = upload_url(sim);
  return url.substr(url.find("//"));
}

// S3's XML error document.
http::Response s3_error(PublishCall& pc, status code, std::string_view s3_code, std::string_view message) {
  pc.rejected();
  http::Response res{code, 11};
  res.set(http::bhttp::field::content_type, "application/xml");
  res.body() = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + std::string(s3_code) + "</Code><Message>" +
               std::string(message) + "</Message></Error>";
  res.prepare_payload();
  return res;
}

}  // namespace

http::Response reddit_media_asset(PublishCall& pc) {
  if (auto throttled = reddit_throttled(pc)) return std::move(*throttled);
  std::optional<Params> form;
  if (!is_form(pc.req.header(http::bhttp::field::content_type)) || !(form = Params::parse(pc.req.message.body())))
    return api_error(*pc.call, ApiProblem::invalid_request, "The body must be application/x-www-form-urlencoded.");
  const std::string filepath(form->get("filepath").value_or(""));
  const std::string mimetype(form->get("mimetype").value_or(""));
  if (filepath.empty() || mimetype.empty())
    return api_error(*pc.call, ApiProblem::invalid_request, "filepath and mimetype are required.");
  const ImageType* type = image_type(mimetype);
  if (!type) return api_error(*pc.call, ApiProblem::invalid_request, "mimetype must be image/jpeg, image/png or image/gif.");
  const std::string ext = filepath.substr(filepath.rfind('.') + 1);
  if (filepath.find('.') == std::string::npos || (ext != type->ext && !(type->ext == "jpg" && ext == "jpeg")))
    return api_error(*pc.call, ApiProblem::invalid_request, "filepath's extension does not match mimetype.");

  SimUpload u;
  u.platform = "reddit";
  u.id = "a" + std::to_string(pc.next_id());
  u.owner = pc.actor;
  u.kind = std::string(type->kind);
  u.content_type = mimetype;
  const std::string key = std::string(kKeyPrefix) + u.id;
  // The lease's fields, as Reddit hands them out (an S3 POST policy); the upload must echo them all.
  const json::array fields{
      json::object{{"name", "acl"}, {"value", "private"}},
      json::object{{"name", "key"}, {"value", key}},
      json::object{{"name", "X-Amz-Credential"}, {"value", "SIMKEY/20260101/us-east-1/s3/aws4_request"}},
      json::object{{"name", "X-Amz-Algorithm"}, {"value", "AWS4-HMAC-SHA256"}},
      json::object{{"name", "X-Amz-Date"}, {"value", "20260101T000000Z"}},
      json::object{{"name", "success_action_status"}, {"value", "201"}},
      json::object{{"name", "content-type"}, {"value", mimetype}},
      json::object{{"name", "x-amz-storage-class"}, {"value", "STANDARD"}},
      json::object{{"name", "x-amz-meta-ext"}, {"value", type->ext}},
      json::object{{"name", "policy"}, {"value", pc.sim.mint("reddit", "policy")}},
      json::object{{"name", "X-Amz-Signature"}, {"value", pc.sim.mint("reddit", "signature")}},
      json::object{{"name", "x-amz-security-token"}, {"value", pc.sim.mint("reddit", "s3token")}}};
  u.extra["filepath"] = filepath;
  u.extra["key"] = key;
  u.extra["fields"] = fields;
  u = add_upload(pc.sim, std::move(u));
  return ok_json(json::object{
      {"args", {{"action", action(pc.sim)}, {"fields", fields}}},
      {"asset",
       {{"asset_id", u.id},
        {"processing_state", "incomplete"},
        {"payload", {{"filepath", filepath}}},
        {"websocket_url", "wss://ws.redditmedia.invalid/" + key + "?m=" + pc.sim.mint("reddit", "ws")}}}});
}

http::Response reddit_media_upload(PublishCall& pc) {
  // The signed policy is the only credential S3 takes here; a Reddit token must not travel.
  if (!pc.req.header(http::bhttp::field::authorization).empty())
    return s3_error(pc, status::bad_request, "InvalidArgument",
                    "Only one auth mechanism allowed; the Authorization header must not accompany a POST policy.");
  auto parts = parse_form_data(pc.req.header(http::bhttp::field::content_type), pc.req.message.body());
  if (!parts || parts->empty())
    return s3_error(pc, status::precondition_failed, "PreconditionFailed", "The body must be multipart/form-data.");
  const FormDataPart* key = form_part(*parts, "key");
  if (!key || !key->value.starts_with(kKeyPrefix))
    return s3_error(pc, status::bad_request, "InvalidArgument", "Bucket POST must contain a field named 'key'.");
  auto u = find_upload(pc.sim, "reddit", std::string_view(key->value).substr(kKeyPrefix.size()));
  if (!u) return s3_error(pc, status::forbidden, "AccessDenied", "Invalid according to Policy: Policy Condition failed: key");
  // Every lease field exactly, no other field, the file last (S3 ignores what follows it).
  const json::array& fields = u->extra.at("fields").as_array();
  const FormDataPart& file = parts->back();
  if (file.name != "file" || file.filename.empty())
    return s3_error(pc, status::bad_request, "InvalidArgument", "The file part must come last, with a filename.");
  if (parts->size() != fields.size() + 1)
    return s3_error(pc, status::forbidden, "AccessDenied",
                    "Invalid according to Policy: the form must carry exactly the lease's fields and the file.");
  for (const auto& f : fields) {
    const std::string_view name = f.at("name").as_string();
    const FormDataPart* part = form_part(*parts, name);
    if (!part || part->value != f.at("value").as_string())
      return s3_error(pc, status::forbidden, "AccessDenied",
                      "Invalid according to Policy: Policy Condition failed: " + std::string(name));
  }
  const auto size = static_cast<std::int64_t>(file.value.size());
  if (size == 0) return s3_error(pc, status::bad_request, "InvalidArgument", "The file is empty.");
  if (size > kMaxImage)
    return s3_error(pc, status::bad_request, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size");
  if (!looks_like(u->content_type, file.value))
    return s3_error(pc, status::bad_request, "InvalidArgument", "The file is not a " + u->content_type + " file.");
  update_upload(pc.sim, "reddit", u->id, [&](SimUpload& s) {
    s.bytes = file.value;
    s.chunks = {size};
    s.declared_size = size;
    s.state = "succeeded";
  });
  const std::string location = upload_url(pc.sim) + "/" + key->value;
  http::Response res{status::created, 11};
  res.set(http::bhttp::field::content_type, "application/xml");
  res.set(http::bhttp::field::location, location);
  res.set(http::bhttp::field::etag, "\"" + sha256_hex(file.value).substr(0, 32) + "\"");
  res.body() = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PostResponse><Location>" + location +
               "</Location><Bucket>reddit-uploaded-media</Bucket><Key>" + key->value + "</Key><ETag>\"" +
               sha256_hex(file.value).substr(0, 32) + "\"</ETag></PostResponse>";
  res.prepare_payload();
  return res;
}

std::variant<SimUpload, std::string> reddit_uploaded_image(PublishCall& pc, std::string_view url) {
  const std::string prefix = upload_url(pc.sim) + "/" + std::string(kKeyPrefix);
  if (!url.starts_with(prefix)) return std::string("the url must name an image uploaded through /api/media/asset.json");
  auto u = find_upload(pc.sim, "reddit", url.substr(prefix.size()));
  if (!u || u->owner != pc.actor) return std::string("that upload does not exist");
  if (u->state != "succeeded") return std::string("that upload has not completed");
  update_upload(pc.sim, "reddit", u->id, [](SimUpload& s) { s.used = true; });
  return *u;
}

}  // namespace postfuze::sim::publish
