#include "app/key_source.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "crypto/encoding.hpp"

namespace postfuze::app {

namespace {

core::Error keys_error(const std::string& message) {
  return core::Error::bad_request("POSTFUZE_ENCRYPTION_KEYS: " + message);
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string_view trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  const auto first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

core::Error rotation_error(const std::string& message) { return core::Error::bad_request(message); }

// Writes `text` to `path` as a new 0600 file and replaces `path` with it
// atomically; the directory is synced so the rename survives a crash.
core::Status replace_file(const std::filesystem::path& path, const std::string& text) {
  const std::filesystem::path tmp = path.string() + ".new";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0)
    return rotation_error(errno == EEXIST ? tmp.string() + " exists (another rotation, or a crashed one: remove it)"
                                      : "cannot create " + tmp.string());
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!written || !synced || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return rotation_error("cannot write " + path.string());
  }
  const int dir = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return core::Ok{};
}

}  // namespace

std::filesystem::path key_file_path(const Config& config) {
  return std::filesystem::path(config.data_dir) / "encryption.keys";
}

std::string new_key_id(core::Random& random, const std::vector<std::string>& taken) {
  while (true) {
    std::string id = "k" + crypto::hex_encode(random.bytes(4));
    if (std::find(taken.begin(), taken.end(), id) == taken.end()) return id;
  }
}

core::Result<KeyFileRotation> rotate_key_file(const Config& config, core::Random& random) {
  const std::filesystem::path path = key_file_path(config);
  if (!std::filesystem::exists(path))
    return rotation_error("there is no key file " + path.string() +
                      " to rotate (the server creates it on first start when POSTFUZE_ENCRYPTION_KEYS is unset)");
  const std::string spec(trim(read_text(path)));
  auto ring = crypto::KeyRing::parse(spec);
  if (!ring) return rotation_error("the key file " + path.string() + " is not valid");

  KeyFileRotation rotation{path, new_key_id(random, ring->key_ids()), {}};
  // The new entry first (active), then every previous entry as it was.
  std::string text = crypto::KeyRing::generate_entry(random, rotation.new_key_id);
  std::string_view rest = spec;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string_view entry = trim(rest.substr(0, comma));
    rotation.kept_key_ids.emplace_back(entry.substr(0, entry.find(':')));
    text.append(",\n").append(entry);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
  }
  text += "\n";
  auto written = replace_file(path, text);
  std::fill(text.begin(), text.end(), '\0');
  if (!written) return std::move(written).error();
  return rotation;
}

core::Result<crypto::KeyRing> load_key_ring(const Config& config, core::Logger& log, core::Random& random) {
  if (config.encryption_keys) {
    auto ring = crypto::KeyRing::parse(*config.encryption_keys);
    if (!ring) {
      const auto& e = ring.error();
      return keys_error(e.fields.empty() ? e.detail : e.fields.front().message);
    }
    return ring;
  }

  const std::filesystem::path path = std::filesystem::path(config.data_dir) / "encryption.keys";
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) return keys_error("cannot create data dir " + config.data_dir + ": " + ec.message());

  if (!std::filesystem::exists(path)) {
    const std::string entry =
        crypto::KeyRing::generate_entry(random, "k" + crypto::hex_encode(random.bytes(4))) + "\n";
    // O_EXCL: two first starts racing do not overwrite each other's key.
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd >= 0) {
      const bool ok = ::write(fd, entry.data(), entry.size()) == static_cast<ssize_t>(entry.size());
      ::fsync(fd);
      ::close(fd);
      if (!ok) return keys_error("cannot write " + path.string());
      log.warn("POSTFUZE_ENCRYPTION_KEYS is not set: generated a key file beside the data. Fine for development; "
               "in production set POSTFUZE_ENCRYPTION_KEYS from a secret store (see `postfuze keys generate`).",
               {{"key_file", path.string()}});
    } else if (errno != EEXIST) {
      return keys_error("cannot create " + path.string());
    }
  }
  std::string spec = read_text(path);
  while (!spec.empty() && (spec.back() == '\n' || spec.back() == '\r' || spec.back() == ' ')) spec.pop_back();
  auto ring = crypto::KeyRing::parse(spec);
  if (!ring) return keys_error("the key file " + path.string() + " is not valid");
  return ring;
}

}  // namespace postfuze::app
