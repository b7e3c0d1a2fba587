#include "http/json_body.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>

namespace postfuze::http {

namespace {

bool is_json_content_type(std::string_view ct) {
  const auto semi = ct.find(';');
  std::string_view media = ct.substr(0, semi);
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  return boost::beast::iequals(media, "application/json");
}

}  // namespace

core::Result<boost::json::object> parse_json_object(const Request& req) {
  if (!is_json_content_type(req.header(bhttp::field::content_type)))
    return core::Error{core::ErrorCode::unsupported_media_type, "Send the body as application/json.", {}, {}};
  boost::json::parse_options opts;
  opts.max_depth = 32;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(req.message.body(), ec, {}, opts);
  if (ec) return core::Error::invalid_json("The body is not valid JSON: " + ec.message() + ".");
  if (!v.is_object()) return core::Error::validation("", "The body must be a JSON object.", "type");
  return std::move(v.as_object());
}

}  // namespace postfuze::http
