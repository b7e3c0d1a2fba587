#include "app/key_reload.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <boost/asio/post.hpp>

#include "app/key_source.hpp"

namespace postfuze::app {

namespace asio = boost::asio;

namespace {

std::string joined(const crypto::KeyRing::Ids& ids) {
  std::string out = ids.active;
  for (const auto& id : ids.others) out += "," + id;
  return out;
}

}  // namespace

KeyReloader::KeyReloader(asio::io_context& io, const Config& config, crypto::KeyRing& keys, core::Logger& log,
                         std::function<void()> on_changed)
    : config_(config),
      keys_(keys),
      log_(log),
      on_changed_(std::move(on_changed)),
      strand_(asio::make_strand(io)),
      timer_(strand_) {}

void KeyReloader::start() {
  if (config_.encryption_keys) return;  // the environment cannot change under us
  // The first check reads the file even if unchanged since start-up: a
  // rotation between load_key_ring() and now is not missed.
  asio::post(strand_, [this] { arm(); });
}

void KeyReloader::reload_now(std::string reason) {
  asio::post(strand_, [this, reason = std::move(reason)] {
    if (stopped_) return;
    if (config_.encryption_keys) {
      log_.warn("encryption keys come from POSTFUZE_ENCRYPTION_KEYS, which cannot change under a running process: "
                "restart the server to use new keys",
                {{"reason", reason}, {"active_key", keys_.active_key_id()}});
      return;
    }
    check(true, reason);
  });
}

void KeyReloader::stop() {
  asio::post(strand_, [this] {
    stopped_ = true;
    timer_.cancel();
  });
}

void KeyReloader::arm() {
  if (stopped_) return;
  timer_.expires_after(config_.key_reload_interval);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    check(false, "key file changed");
    arm();
  });
}

void KeyReloader::check(bool force, const std::string& reason) {
  const std::filesystem::path path = key_file_path(config_);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (force) log_.warn("encryption keys not reloaded: the key file cannot be read", {{"key_file", path.string()}});
    return;
  }
  const Stamp now{static_cast<unsigned long long>(st.st_ino), static_cast<long long>(st.st_size), st.st_mtim};
  if (!force && now == seen_) return;
  seen_ = now;  // a refused file is reported once, not on every tick

  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::string spec = text.str();
  const crypto::KeyRing::Ids before = keys_.ids();
  auto reloaded = keys_.reload(spec);
  std::fill(spec.begin(), spec.end(), '\0');
  if (!reloaded) {
    const auto& e = reloaded.error();
    log_.error("encryption keys not reloaded: the key file was refused; the server keeps its current keys",
               {{"key_file", path.string()},
                {"reason", reason},
                {"error", e.fields.empty() ? e.detail : e.fields.front().message},
                {"active_key", before.active}});
    return;
  }
  const crypto::KeyRing::Ids after = keys_.ids();
  if (after.active == before.active && after.others == before.others) {
    if (force) log_.info("encryption keys unchanged", {{"reason", reason}, {"active_key", after.active}});
    return;
  }
  log_.info("encryption keys reloaded",
            {{"reason", reason},
             {"active_key", after.active},
             {"previous_active_key", before.active},
             {"key_ids", joined(after)}});
  if (on_changed_) on_changed_();
}

}  // namespace postfuze::app
