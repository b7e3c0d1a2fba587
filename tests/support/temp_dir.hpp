// TempDir: a fresh, uniquely named directory under /tmp, removed with all its
// contents when the TempDir is destroyed.
#pragma once

#include <filesystem>
#include <string_view>

namespace postfuze::test {

class TempDir {
 public:
  explicit TempDir(std::string_view prefix = "postfuze-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // path() / name, not created.
  std::filesystem::path file(std::string_view name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace postfuze::test
