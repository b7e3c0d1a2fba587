// Content sniffing: what the stored bytes are, decided by libmagic from the
// object's first bytes — never by the client's Content-Type or file name.
// Safe to call from any thread (one shared libmagic handle behind a mutex:
// a magic_t is not thread-safe).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace postfuze::media {

// How many leading bytes sniffing reads (enough for every type we allow).
inline constexpr std::size_t kSniffBytes = 64 * 1024;

// The content type of `head` (an object's first bytes) in our spelling
// (media_types.hpp: libmagic's "audio/x-m4a" is our "audio/mp4", …);
// "application/octet-stream" when libmagic does not recognise it or cannot
// be loaded.
std::string sniff_content_type(std::string_view head);

}  // namespace postfuze::media
