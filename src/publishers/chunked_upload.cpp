#include "publishers/chunked_upload.hpp"

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "publishers/http_outcome.hpp"

namespace postfuze::publishers {

UploadTuning& upload_tuning() {
  static UploadTuning tuning;
  return tuning;
}

boost::asio::awaitable<Bytes> read_bytes(const PublishContext& ctx, const MediaItem& item, std::int64_t offset,
                                         std::int64_t length) {
  Bytes out;
  if (ctx.media_bytes == nullptr) {
    out.failure = media_failure(kMediaUnavailable, "No media reader was given for " + item.id);
    co_return out;
  }
  auto r = co_await ctx.media_bytes->read(item, offset, length);
  if (!r) {
    PublishResult f;
    f.outcome = Outcome::transient;
    f.error_code = kMediaUnavailable;
    f.message = safe_message("Media " + item.id + " could not be read: " + r.error().detail);
    out.failure = std::move(f);
    co_return out;
  }
  out.data = std::move(*r);
  // A short read inside the file means the stored object is not what was confirmed.
  const std::int64_t want = std::min(length, item.size - offset);
  if (static_cast<std::int64_t>(out.data.size()) != want)
    out.failure = media_failure(kMediaUnavailable, "Media " + item.id + " is shorter than its recorded size");
  co_return out;
}

std::vector<Range> chunk_plan(std::int64_t size, std::int64_t chunk) {
  std::vector<Range> out;
  if (chunk <= 0) chunk = size;
  for (std::int64_t at = 0; at < size; at += chunk) out.push_back({at, std::min(chunk, size - at)});
  return out;
}

Multipart multipart(const std::vector<FormPart>& parts) {
  // A boundary that occurs in no part (RFC 2046 §5.1.1).
  std::string boundary;
  for (int n = 0;; ++n) {
    boundary = "postfuze-form-boundary-" + std::to_string(n);
    bool clash = false;
    for (const auto& p : parts) clash = clash || p.value.find(boundary) != std::string::npos;
    if (!clash) break;
  }
  Multipart out;
  out.content_type = "multipart/form-data; boundary=" + boundary;
  for (const auto& p : parts) {
    out.body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + p.name + "\"";
    if (!p.filename.empty()) out.body += "; filename=\"" + p.filename + "\"";
    out.body += "\r\n";
    if (!p.content_type.empty()) out.body += "Content-Type: " + p.content_type + "\r\n";
    out.body += "\r\n" + p.value + "\r\n";
  }
  out.body += "--" + boundary + "--\r\n";
  return out;
}

boost::asio::awaitable<void> wait_platform_seconds(std::int64_t seconds) {
  const UploadTuning& t = upload_tuning();
  auto wait = std::min<std::chrono::milliseconds>(t.poll_unit * std::max<std::int64_t>(seconds, 1), t.max_poll_wait);
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, wait);
  co_await timer.async_wait(boost::asio::use_awaitable);
}

const MediaItem* first_media(const PublishItem& item, std::string_view kind) {
  for (const auto& m : item.media)
    if (kind.empty() || m.kind == kind) return &m;
  return nullptr;
}

PublishResult upload_failure(const net::OutboundResult& r, const core::Clock& clock, std::string message) {
  PublishResult out;
  if (auto failed = transport_failure(r)) {
    out = *failed;
    // Nothing is published before the create call: redoing the upload is safe.
    if (out.outcome == Outcome::ambiguous) {
      out.outcome = Outcome::transient;
      out.error_code = kPlatformUnavailable;
    }
    return out;
  }
  out = by_status(*r.response, clock, std::move(message));
  if (out.outcome == Outcome::permanent) out.error_code = kMediaRejected;
  return out;
}

}  // namespace postfuze::publishers
