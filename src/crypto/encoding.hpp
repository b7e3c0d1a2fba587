// Byte-to-text encodings. Decoders return nullopt on any malformed input
// (bad alphabet, bad length, non-canonical padding) instead of guessing.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace postfuze::crypto {

std::string base64_encode(std::string_view bytes);                   // RFC 4648 §4, padded
std::optional<std::string> base64_decode(std::string_view text);     // padded input required
std::string base64url_encode(std::string_view bytes);                // RFC 4648 §5, no padding
std::optional<std::string> base64url_decode(std::string_view text);  // no padding accepted
std::string hex_encode(std::string_view bytes);                      // lowercase
std::optional<std::string> hex_decode(std::string_view text);

}  // namespace postfuze::crypto
