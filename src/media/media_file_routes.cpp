#include "media/media_file_routes.hpp"

#include <array>
#include <charconv>

#include <boost/asio/awaitable.hpp>

namespace postfuze::media {

namespace net = boost::asio;
namespace bhttp = boost::beast::http;

namespace {

constexpr std::size_t kChunk = 64 * 1024;  // per read and write: memory stays flat whatever the size

struct ByteRange {
  enum { whole, part, unsatisfiable } kind = whole;
  std::int64_t first = 0, last = 0;  // inclusive, for `part`
};

std::optional<std::int64_t> parse_int(std::string_view s) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

// RFC 9110 §14.1.2: "bytes=first-last", "bytes=first-" or "bytes=-suffix".
// A header this server does not understand — including several ranges — is
// ignored and the whole object sent (§14.2 allows that).
ByteRange parse_range(std::string_view header, std::int64_t size) {
  ByteRange r;
  if (!header.starts_with("bytes=")) return r;
  const std::string_view spec = header.substr(6);
  const auto dash = spec.find('-');
  if (dash == std::string_view::npos || spec.find(',') != std::string_view::npos) return r;
  const std::string_view a = spec.substr(0, dash), b = spec.substr(dash + 1);
  if (a.empty()) {
    const auto suffix = parse_int(b);
    if (!suffix) return r;
    if (*suffix == 0 || size == 0) return {ByteRange::unsatisfiable};
    return {ByteRange::part, std::max<std::int64_t>(0, size - *suffix), size - 1};
  }
  const auto first = parse_int(a);
  const auto last = b.empty() ? std::optional<std::int64_t>(size - 1) : parse_int(b);
  if (!first || !last) return r;
  if (*first >= size) return {ByteRange::unsatisfiable};
  if (*last < *first) return r;  // invalid: ignored
  return {ByteRange::part, *first, std::min(*last, size - 1)};
}

// Errors are built in plain functions: GCC 12 mishandles aggregate
// temporaries inside a co_await argument.
core::Error over_cap(std::int64_t max) {
  return {core::ErrorCode::payload_too_large,
          "The upload is larger than this URL allows (" + std::to_string(max) + " bytes).", {}, {}};
}

core::Error wrong_method() { return {core::ErrorCode::method_not_allowed, "Use GET, HEAD or PUT.", {}, {}}; }

net::awaitable<void> answer(http::StreamExchange& ex, const core::Error& error) {
  co_await ex.respond(http::problem_response(error));
}

net::awaitable<void> put_file(http::StreamExchange& ex, DiskStore& store, core::Logger& log, std::string_view key) {
  const std::string content_type(ex.header(bhttp::field::content_type));
  auto grant = store.check("PUT", key, ex.target().params(), content_type);
  if (!grant) co_return co_await answer(ex, grant.error());
  const auto declared = ex.content_length();
  if (!declared && !ex.chunked()) co_return co_await answer(ex, core::Error::bad_request("Content-Length is required."));
  if (declared && *declared > static_cast<std::uint64_t>(grant->max_bytes))
    co_return co_await answer(ex, over_cap(grant->max_bytes));
  ex.limit_body(static_cast<std::uint64_t>(grant->max_bytes));
  auto upload = store.begin_upload(key);
  if (!upload) {
    log.error("media upload failed", {{"error", upload.error().internal}});
    co_return co_await answer(ex, core::Error::internal_error("begin upload"));
  }
  std::array<char, kChunk> buf;
  for (;;) {
    auto n = co_await ex.read(buf);
    if (!n) co_return co_await answer(ex, n.error());  // the temporary file goes with `upload`
    if (*n == 0) break;
    if (auto s = upload->append(std::string_view(buf.data(), *n)); !s) {
      log.error("media upload failed", {{"error", s.error().internal}});
      co_return co_await answer(ex, core::Error::internal_error("append"));
    }
  }
  if (auto s = upload->commit(content_type); !s) {
    log.error("media upload failed", {{"error", s.error().internal}});
    co_return co_await answer(ex, core::Error::internal_error("commit"));
  }
  co_await ex.respond(http::empty_response(bhttp::status::ok));
}

net::awaitable<void> get_file(http::StreamExchange& ex, DiskStore& store, core::Logger& log, std::string_view key) {
  auto grant = store.check("GET", key, ex.target().params(), {});
  if (!grant) co_return co_await answer(ex, grant.error());
  auto opened = store.open(key);
  if (!opened) {
    log.error("media read failed", {{"error", opened.error().internal}});
    co_return co_await answer(ex, core::Error::internal_error("open"));
  }
  if (!*opened) co_return co_await answer(ex, core::Error::not_found("No file is stored at this URL."));
  const DiskObject& obj = **opened;
  const ByteRange range = parse_range(ex.header(bhttp::field::range), obj.size);
  if (range.kind == ByteRange::unsatisfiable) {
    http::Response res = http::empty_response(bhttp::status::range_not_satisfiable);
    res.set(bhttp::field::content_range, "bytes */" + std::to_string(obj.size));
    co_await ex.respond(std::move(res));
    co_return;
  }
  const std::int64_t first = range.kind == ByteRange::part ? range.first : 0;
  const std::int64_t length = range.kind == ByteRange::part ? range.last - range.first + 1 : obj.size;
  bhttp::response_header<> header;
  header.result(range.kind == ByteRange::part ? bhttp::status::partial_content : bhttp::status::ok);
  header.set(bhttp::field::content_type, obj.content_type);
  header.set(bhttp::field::accept_ranges, "bytes");
  header.set(bhttp::field::content_length, std::to_string(length));
  if (range.kind == ByteRange::part)
    header.set(bhttp::field::content_range,
               "bytes " + std::to_string(first) + "-" + std::to_string(range.last) + "/" + std::to_string(obj.size));
  if (!co_await ex.begin(std::move(header))) co_return;
  if (ex.method() == bhttp::verb::get) {
    std::array<char, kChunk> buf;
    for (std::int64_t done = 0; done < length;) {
      const auto want = static_cast<std::size_t>(std::min<std::int64_t>(kChunk, length - done));
      auto n = obj.read_at(first + done, std::span<char>(buf.data(), want));
      if (!n || *n == 0) {  // truncated under us: the client sees a short body and retries
        log.error("media read failed", {{"error", n ? std::string("short file") : n.error().internal}});
        co_return;
      }
      if (!co_await ex.write(std::string_view(buf.data(), *n))) co_return;
      done += static_cast<std::int64_t>(*n);
    }
  }
  co_await ex.finish();
}

}  // namespace

http::StreamHandler media_file_handler(DiskStore& store, core::Logger& log) {
  return [&store, &log](http::StreamExchange& ex) -> net::awaitable<void> {
    const std::string_view path = ex.target().encoded_path();
    const std::string_view key = path.substr(std::min(path.size(), kMediaFilesPrefix.size()));
    if (!valid_object_key(key)) co_return co_await answer(ex, core::Error::not_found());
    switch (ex.method()) {
      case bhttp::verb::put:
        co_return co_await put_file(ex, store, log, key);
      case bhttp::verb::get:
      case bhttp::verb::head:
        co_return co_await get_file(ex, store, log, key);
      default: {
        http::Response res = http::problem_response(wrong_method());
        res.set(bhttp::field::allow, "GET, HEAD, PUT");
        co_await ex.respond(std::move(res));
      }
    }
  };
}

}  // namespace postfuze::media
