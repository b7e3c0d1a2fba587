#include "api/cursor.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"

namespace postfuze::api {

std::string CursorCodec::encode(const store::KeysetPosition& pos, std::string_view filters) const {
  const std::string payload =
      crypto::base64url_encode(boost::json::serialize(boost::json::array{pos.created_at_ms, pos.id, filters}));
  return payload + "." + crypto::base64url_encode(crypto::hmac_sha256(key_, payload));
}

core::Result<store::KeysetPosition> CursorCodec::decode(std::string_view cursor, std::string_view filters) const {
  if (cursor.size() > 1024) return core::Error::invalid_cursor();
  const auto dot = cursor.find('.');
  if (dot == std::string_view::npos) return core::Error::invalid_cursor();
  const auto payload = cursor.substr(0, dot);
  const auto sig = crypto::base64url_decode(cursor.substr(dot + 1));
  if (!sig || !crypto::constant_time_equal(*sig, crypto::hmac_sha256(key_, payload)))
    return core::Error::invalid_cursor();
  const auto json = crypto::base64url_decode(payload);
  if (!json) return core::Error::invalid_cursor();
  boost::system::error_code ec;
  const auto v = boost::json::parse(*json, ec);
  if (ec || !v.is_array()) return core::Error::invalid_cursor();
  const auto& a = v.as_array();
  if (a.size() != 3 || !a[0].is_int64() || !a[1].is_string() || !a[2].is_string() || a[2].as_string() != filters)
    return core::Error::invalid_cursor();
  return store::KeysetPosition{a[0].as_int64(), std::string(a[1].as_string())};
}

}  // namespace postfuze::api
