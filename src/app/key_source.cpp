#include "app/key_source.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "crypto/encoding.hpp"

namespace postfuze::app {

namespace {

core::Error keys_error(const std::string& message) {
  return core::Error::bad_request("POSTFUZE_ENCRYPTION_KEYS: " + message);
}

}  // namespace

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
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::string spec = text.str();
  while (!spec.empty() && (spec.back() == '\n' || spec.back() == '\r' || spec.back() == ' ')) spec.pop_back();
  auto ring = crypto::KeyRing::parse(spec);
  if (!ring) return keys_error("the key file " + path.string() + " is not valid");
  return ring;
}

}  // namespace postfuze::app
