// Helpers for the upload protocols the simulated platforms check strictly
// (X chunked media, LinkedIn images/videos, Bluesky blobs, Reddit asset
// leases, YouTube resumable sessions, TikTok chunked FILE_UPLOAD): the
// SimUpload records in SimState, a multipart/form-data reader, a
// Content-Range reader, content sniffing (does the data start like the type it
// claims?), and GET /_sim/media. Stateless apart from SimState; thread-safe.
#pragma once

#include <boost/json/array.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/sim.hpp"

namespace postfuze::sim {

// Stores `upload` (created time set) under its id; returns it.
SimUpload add_upload(Sim& sim, SimUpload upload);
// The upload with `id` on `platform`, if any.
std::optional<SimUpload> find_upload(Sim& sim, std::string_view platform, std::string_view id);
// Runs `change` on the stored upload under the state lock; false when there is none.
bool update_upload(Sim& sim, std::string_view platform, std::string_view id,
                   const std::function<void(SimUpload&)>& change);

// Does `data` start the way `content_type` files start (JPEG, PNG, GIF, WebP, MP4/MOV)?
// Unknown types: true.
bool looks_like(std::string_view content_type, std::string_view data);
// The pixel size a JPEG/PNG/GIF header declares, when it can be read.
struct PixelSize {
  int width = 0;
  int height = 0;
};
std::optional<PixelSize> image_size(std::string_view data);

// One part of a multipart/form-data body.
struct FormDataPart {
  std::string name;
  std::string filename;
  std::string content_type;
  std::string value;
};
// nullopt when the body is not multipart/form-data with the boundary of `content_type`.
std::optional<std::vector<FormDataPart>> parse_form_data(std::string_view content_type, std::string_view body);
const FormDataPart* form_part(const std::vector<FormDataPart>& parts, std::string_view name);

// "bytes first-last/total" (RFC 9110 §14.4); nullopt when malformed.
struct ContentRange {
  std::int64_t first = 0;
  std::int64_t last = 0;
  std::int64_t total = 0;
};
std::optional<ContentRange> parse_content_range(std::string_view value);

std::string sha256_hex(std::string_view data);

// GET /_sim/media[?platform=P]: [{"platform","id","owner","kind","content_type","declared_size",
// "size","sha256","chunks":[n…],"state","polls","used","extra"}], oldest first.
boost::json::array uploads_json(Sim& sim, std::optional<std::string_view> platform);

}  // namespace postfuze::sim
