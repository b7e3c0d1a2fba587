#include "sim/media_uploads.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "core/time_format.hpp"
#include "crypto/digest.hpp"

namespace postfuze::sim {

namespace {

namespace json = boost::json;

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The value of `name`="…" (or unquoted) among a header's ;-separated parameters.
std::string header_param(std::string_view header, std::string_view name) {
  const std::string h = lower(header);
  const std::string key = std::string(name) + "=";
  std::size_t at = 0;
  while ((at = h.find(key, at)) != std::string::npos) {
    if (at == 0 || h[at - 1] == ';' || h[at - 1] == ' ') break;
    at += key.size();
  }
  if (at == std::string::npos) return {};
  std::string_view v = header.substr(at + key.size());
  if (!v.empty() && v.front() == '"') {
    v.remove_prefix(1);
    return std::string(v.substr(0, v.find('"')));
  }
  return std::string(trim(v.substr(0, v.find(';'))));
}

std::optional<std::int64_t> number(std::string_view s) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

int be16(std::string_view d, std::size_t at) {
  return (static_cast<unsigned char>(d[at]) << 8) | static_cast<unsigned char>(d[at + 1]);
}

}  // namespace

SimUpload add_upload(Sim& sim, SimUpload upload) {
  upload.created = sim.clock.now();
  sim.state.with([&](SimState::Data& d) {
    upload.seq = d.next_id++;
    d.uploads[upload.platform + "|" + upload.id] = upload;
  });
  return upload;
}

std::optional<SimUpload> find_upload(Sim& sim, std::string_view platform, std::string_view id) {
  return sim.state.with([&](SimState::Data& d) -> std::optional<SimUpload> {
    auto it = d.uploads.find(std::string(platform) + "|" + std::string(id));
    if (it == d.uploads.end()) return std::nullopt;
    return it->second;
  });
}

bool update_upload(Sim& sim, std::string_view platform, std::string_view id,
                   const std::function<void(SimUpload&)>& change) {
  return sim.state.with([&](SimState::Data& d) {
    auto it = d.uploads.find(std::string(platform) + "|" + std::string(id));
    if (it == d.uploads.end()) return false;
    change(it->second);
    return true;
  });
}

bool looks_like(std::string_view content_type, std::string_view d) {
  const std::string t = lower(content_type.substr(0, content_type.find(';')));
  if (t == "image/jpeg") return d.size() >= 3 && d.substr(0, 3) == "\xFF\xD8\xFF";
  if (t == "image/png") return d.substr(0, 8) == std::string_view("\x89PNG\r\n\x1A\n", 8);
  if (t == "image/gif") return d.starts_with("GIF87a") || d.starts_with("GIF89a");
  if (t == "image/webp") return d.size() >= 12 && d.starts_with("RIFF") && d.substr(8, 4) == "WEBP";
  if (t == "video/mp4" || t == "video/quicktime") return d.size() >= 8 && d.substr(4, 4) == "ftyp";
  return true;
}

std::optional<PixelSize> image_size(std::string_view d) {
  if (d.substr(0, 8) == std::string_view("\x89PNG\r\n\x1A\n", 8) && d.size() >= 24)
    return PixelSize{(be16(d, 16) << 16) | be16(d, 18), (be16(d, 20) << 16) | be16(d, 22)};
  if ((d.starts_with("GIF87a") || d.starts_with("GIF89a")) && d.size() >= 10)
    return PixelSize{static_cast<unsigned char>(d[6]) | (static_cast<unsigned char>(d[7]) << 8),
                     static_cast<unsigned char>(d[8]) | (static_cast<unsigned char>(d[9]) << 8)};
  if (d.size() >= 4 && d.substr(0, 2) == "\xFF\xD8") {
    // Walk the JPEG segments to the first start-of-frame (SOF0-SOF15 but DHT, JPG, DAC).
    std::size_t at = 2;
    while (at + 9 < d.size()) {
      if (static_cast<unsigned char>(d[at]) != 0xFF) return std::nullopt;
      const unsigned char marker = static_cast<unsigned char>(d[at + 1]);
      if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC)
        return PixelSize{be16(d, at + 7), be16(d, at + 5)};
      at += 2 + static_cast<std::size_t>(be16(d, at + 2));
    }
  }
  return std::nullopt;
}

std::optional<std::vector<FormDataPart>> parse_form_data(std::string_view content_type, std::string_view body) {
  if (!lower(content_type).starts_with("multipart/form-data")) return std::nullopt;
  const std::string boundary = header_param(content_type, "boundary");
  if (boundary.empty()) return std::nullopt;
  const std::string delimiter = "--" + boundary;
  std::vector<FormDataPart> parts;
  std::size_t at = body.find(delimiter);
  if (at != 0) return std::nullopt;
  while (true) {
    at += delimiter.size();
    if (body.substr(at, 2) == "--") return parts;  // the close delimiter
    if (body.substr(at, 2) != "\r\n") return std::nullopt;
    at += 2;
    const std::size_t head_end = body.find("\r\n\r\n", at);
    if (head_end == std::string_view::npos) return std::nullopt;
    FormDataPart part;
    std::string_view head = body.substr(at, head_end - at);
    while (!head.empty()) {
      const std::size_t eol = head.find("\r\n");
      const std::string_view line = head.substr(0, eol);
      const std::size_t colon = line.find(':');
      if (colon != std::string_view::npos) {
        const std::string name = lower(trim(line.substr(0, colon)));
        const std::string_view value = trim(line.substr(colon + 1));
        if (name == "content-disposition") {
          if (!lower(value).starts_with("form-data")) return std::nullopt;
          part.name = header_param(value, "name");
          part.filename = header_param(value, "filename");
        } else if (name == "content-type") {
          part.content_type = std::string(value);
        }
      }
      if (eol == std::string_view::npos) break;
      head.remove_prefix(eol + 2);
    }
    const std::size_t data_start = head_end + 4;
    const std::size_t next = body.find("\r\n" + delimiter, data_start);
    if (next == std::string_view::npos || part.name.empty()) return std::nullopt;
    part.value = std::string(body.substr(data_start, next - data_start));
    parts.push_back(std::move(part));
    at = next + 2;
  }
}

const FormDataPart* form_part(const std::vector<FormDataPart>& parts, std::string_view name) {
  for (const auto& p : parts)
    if (p.name == name) return &p;
  return nullptr;
}

std::optional<ContentRange> parse_content_range(std::string_view v) {
  v = trim(v);
  if (!v.starts_with("bytes ")) return std::nullopt;
  v.remove_prefix(6);
  const std::size_t dash = v.find('-'), slash = v.find('/');
  if (dash == std::string_view::npos || slash == std::string_view::npos || dash > slash) return std::nullopt;
  auto first = number(v.substr(0, dash)), last = number(v.substr(dash + 1, slash - dash - 1)),
       total = number(v.substr(slash + 1));
  if (!first || !last || !total || *first > *last || *last >= *total) return std::nullopt;
  return ContentRange{*first, *last, *total};
}

std::string sha256_hex(std::string_view data) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : crypto::sha256(data)) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

json::array uploads_json(Sim& sim, std::optional<std::string_view> platform) {
  std::vector<SimUpload> all;
  sim.state.with([&](SimState::Data& d) {
    for (const auto& [key, u] : d.uploads)
      if (!platform || u.platform == *platform) all.push_back(u);
  });
  std::stable_sort(all.begin(), all.end(), [](const SimUpload& a, const SimUpload& b) { return a.seq < b.seq; });
  json::array out;
  for (const auto& u : all) {
    json::array chunks;
    for (auto c : u.chunks) chunks.push_back(c);
    out.push_back(json::object{{"platform", u.platform},
                               {"id", u.id},
                               {"owner", u.owner},
                               {"kind", u.kind},
                               {"content_type", u.content_type},
                               {"declared_size", u.declared_size},
                               {"size", static_cast<std::int64_t>(u.bytes.size())},
                               {"sha256", sha256_hex(u.bytes)},
                               {"chunks", std::move(chunks)},
                               {"state", u.state},
                               {"polls", u.polls},
                               {"used", u.used},
                               {"created_at", core::format_timestamp(u.created)},
                               {"extra", u.extra}});
  }
  return out;
}

}  // namespace postfuze::sim
