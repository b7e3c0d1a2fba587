#include "media/object_store_factory.hpp"

#include <boost/url/parse.hpp>

namespace postfuze::media {

namespace {

core::Error setting_error(const std::string& var, const std::string& message) {
  return core::Error::bad_request(var + ": " + message);
}

// S3 bucket names: 3–63 of [a-z0-9.-], starting and ending alphanumeric.
bool valid_bucket(std::string_view b) {
  if (b.size() < 3 || b.size() > 63) return false;
  for (char c : b)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-')) return false;
  return std::isalnum(static_cast<unsigned char>(b.front())) && std::isalnum(static_cast<unsigned char>(b.back()));
}

}  // namespace

core::Result<ObjectStoreSettings> parse_object_store_settings(const std::optional<std::string>& store,
                                                              const std::optional<std::string>& endpoint,
                                                              const std::optional<std::string>& region,
                                                              const std::optional<std::string>& access_key_id,
                                                              const std::optional<std::string>& secret_access_key) {
  ObjectStoreSettings s;
  if (!store || *store == "disk") return s;
  if (!store->starts_with("s3://") || !valid_bucket(store->substr(5)))
    return setting_error("POSTFUZE_MEDIA_STORE", "expected disk or s3://BUCKET, got '" + *store + "'");
  s.kind = "s3";
  s.s3.bucket = store->substr(5);
  s.credentials.region = region.value_or("us-east-1");
  if (s.credentials.region.empty() || s.credentials.region.find_first_of("/ \r\n") != std::string::npos)
    return setting_error("POSTFUZE_S3_REGION", "expected a region name such as us-east-1");
  s.s3.endpoint = endpoint.value_or("https://s3." + s.credentials.region + ".amazonaws.com");
  while (s.s3.endpoint.ends_with('/')) s.s3.endpoint.pop_back();
  auto u = boost::urls::parse_absolute_uri(s.s3.endpoint);
  if (!u || u->has_query() || u->has_fragment() || u->has_userinfo() || u->encoded_host().empty() ||
      !u->encoded_path().empty() || (u->scheme() != "http" && u->scheme() != "https"))
    return setting_error("POSTFUZE_S3_ENDPOINT", "expected an http(s) URL without path, got '" + s.s3.endpoint + "'");
  if (!access_key_id || access_key_id->empty())
    return setting_error("POSTFUZE_S3_ACCESS_KEY_ID", "is required with an s3:// media store");
  if (!secret_access_key || secret_access_key->empty())
    return setting_error("POSTFUZE_S3_SECRET_ACCESS_KEY", "is required with an s3:// media store");
  s.credentials.access_key_id = *access_key_id;
  s.credentials.secret_access_key = core::Secret(*secret_access_key);
  return s;
}

BuiltObjectStore make_object_store(const ObjectStoreSettings& settings, const std::filesystem::path& data_dir,
                                   std::string public_url, std::string url_key, net::HttpClient& http,
                                   const core::Clock& clock, core::Random& random) {
  BuiltObjectStore out;
  if (settings.kind == "s3") {
    out.store = std::make_unique<S3Store>(settings.s3, settings.credentials, http, clock);
    return out;
  }
  auto disk = std::make_unique<DiskStore>(data_dir / "media", std::move(public_url), UrlSigner(std::move(url_key)),
                                          clock, random);
  out.disk = disk.get();
  out.store = std::move(disk);
  return out;
}

}  // namespace postfuze::media
