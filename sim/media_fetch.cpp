#include "sim/media_fetch.hpp"

#include <boost/asio/this_coro.hpp>

#include "core/clock.hpp"
#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"
#include "net/http_client.hpp"

namespace postfuze::sim {

namespace {

constexpr std::size_t kMaxMediaBytes = 256 * 1024 * 1024;  // far above any test sample
constexpr std::chrono::milliseconds kFetchTimeout{20'000};

std::uint64_t be(std::string_view b, std::size_t at, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(b[at + i]);
  return v;
}

bool box_type(std::string_view t) {
  for (char c : t)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' || c == '\xa9'))
      return false;
  return true;
}

// Walks the ISO BMFF boxes of [begin, end): each header readable, each type
// four letters, the sizes adding up to exactly `end`. Collects top-level types.
bool walk_boxes(std::string_view b, std::size_t begin, std::size_t end, std::string* types, int depth) {
  std::size_t at = begin;
  while (at < end) {
    if (end - at < 8) return false;
    std::uint64_t size = be(b, at, 4);
    const std::string_view type = b.substr(at + 4, 4);
    std::size_t header = 8;
    if (size == 1) {
      if (end - at < 16) return false;
      size = be(b, at + 8, 8);
      header = 16;
    } else if (size == 0) {
      size = end - at;
    }
    if (!box_type(type) || size < header || size > end - at) return false;
    if (types) *types += std::string(type) + "/";
    // moov's children are boxes too: a damaged movie header shows here.
    if (depth == 0 && type == "moov" && !walk_boxes(b, at + header, at + size, nullptr, 1)) return false;
    at += size;
  }
  return at == end;
}

bool whole_mp4(std::string_view b) {
  std::string types;
  if (!walk_boxes(b, 0, b.size(), &types, 0)) return false;
  return types.starts_with("ftyp/") && types.find("moov/") != std::string::npos &&
         types.find("mdat/") != std::string::npos;
}

// What the bytes are, by their magic (and for MP4 their structure); "" when unreadable.
std::string sniff(std::string_view b) {
  if (b.size() > 4 && b.starts_with("\xff\xd8\xff") && b.ends_with("\xff\xd9")) return "image/jpeg";
  if (b.starts_with("\x89PNG\r\n\x1a\n") && b.find("IEND") != std::string_view::npos) return "image/png";
  if (b.starts_with("GIF87a") || b.starts_with("GIF89a")) return b.ends_with(";") ? "image/gif" : "";
  if (b.size() > 12 && b.substr(4, 4) == "ftyp") return whole_mp4(b) ? "video/mp4" : "";
  return "";
}

}  // namespace

boost::json::object FetchedMedia::json() const {
  return {{"url", url},   {"status", status}, {"content_type", content_type},
          {"size", size}, {"sha256", sha256}, {"decodable", decodable}};
}

boost::asio::awaitable<FetchedMedia> fetch_media(std::string url, MediaExpect expect) {
  FetchedMedia out;
  out.url = url;
  core::SystemClock clock;
  net::HttpClientOptions options;
  options.user_agent = "facebookexternalhit/1.1 (postfuze-platform-sim)";
  options.allow_private_destinations = true;  // the test's media server is on loopback
  net::HttpClient client(co_await boost::asio::this_coro::executor, clock, options);
  net::OutboundRequest req;
  req.method = boost::beast::http::verb::get;
  req.url = std::move(url);
  req.timeout = kFetchTimeout;
  req.max_response_bytes = kMaxMediaBytes;
  const net::OutboundResult r = co_await client.send(std::move(req));
  if (!r.response || r.failure) {
    out.problem = "the media URL could not be fetched (" +
                  std::string(r.failure ? net::to_string(*r.failure) : std::string_view("no answer")) + ")";
    co_return out;
  }
  const net::OutboundResponse& res = *r.response;
  out.status = res.status;
  out.content_type = res.header("content-type");
  if (const auto semi = out.content_type.find(';'); semi != std::string::npos) out.content_type.resize(semi);
  if (res.status != 200) {
    out.problem = "the media URL answered HTTP " + std::to_string(res.status);
    co_return out;
  }
  const bool kind_ok = expect == MediaExpect::any
                           ? out.content_type.starts_with("image/") || out.content_type.starts_with("video/")
                           : out.content_type.starts_with(expect == MediaExpect::image ? "image/" : "video/");
  if (!kind_ok) {
    out.problem = "the media URL served Content-Type '" + out.content_type + "', not " +
                  (expect == MediaExpect::video ? "a video" : expect == MediaExpect::image ? "an image" : "media");
    co_return out;
  }
  const std::string length = res.header("content-length");
  if (length.empty() || length != std::to_string(res.body.size())) {
    out.problem = "the media body does not match its Content-Length";
    co_return out;
  }
  out.fetched = true;
  out.size = static_cast<std::int64_t>(res.body.size());
  out.sha256 = crypto::hex_encode(crypto::sha256(res.body));
  const std::string actual = sniff(res.body);
  out.decodable = !actual.empty() && actual.substr(0, 6) == out.content_type.substr(0, 6);
  if (!out.decodable) out.problem = "the media file is corrupt or of an unsupported format";
  co_return out;
}

}  // namespace postfuze::sim
