// ScratchDir: a private directory under the media work dir for one confirm
// or one job (downloads, tool output), removed with everything in it when
// the owner is done, whatever the outcome. Work dirs left by a crash are
// cleared when the worker starts (media_worker.cpp).
#pragma once

#include <filesystem>
#include <string>
#include <system_error>

#include "core/result.hpp"

namespace postfuze::media {

class ScratchDir {
 public:
  ScratchDir() = default;
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ~ScratchDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }

  // Creates <work_dir>/<name> (and work_dir itself when missing).
  core::Status create(const std::filesystem::path& work_dir, const std::string& name) {
    std::error_code ec;
    std::filesystem::create_directories(work_dir / name, ec);
    if (ec) return core::Error::internal_error("media work dir " + (work_dir / name).string() + ": " + ec.message());
    path_ = work_dir / name;
    return core::Ok{};
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace postfuze::media
