// The /media-files/ stream route: the disk store's signed URLs served over
// HTTP (docs/decisions.md "Media storage").
//
//   PUT  /media-files/<key>?expires=&max_bytes=&sig=   store the body
//   GET  /media-files/<key>?expires=&sig=              the bytes (Range: bytes=a-b → 206)
//   HEAD /media-files/<key>?expires=&sig=              the headers of GET
//
// A PUT must carry exactly the signed Content-Type (else the signature does
// not match: 403 invalid_signature, as S3 answers), and a Content-Length no
// larger than the signed cap (413 payload_too_large before any body byte is
// read; a chunked body is cut when it passes the cap). The body streams to a
// temporary file that becomes the object only once complete. Expired,
// tampered or wrong-operation URLs → 403 invalid_signature; an unknown
// object → 404; a range beyond the object → 416 with Content-Range.
#pragma once

#include <string_view>

#include "core/log.hpp"
#include "http/stream_exchange.hpp"
#include "media/disk_store.hpp"

namespace postfuze::media {

inline constexpr std::string_view kMediaFilesPrefix = "/media-files/";

// The store must outlive the handler.
http::StreamHandler media_file_handler(DiskStore& store, core::Logger& log);

}  // namespace postfuze::media
