// UrlRedactor: keeps the password of a database URL out of error text. It
// renders the URL with its password masked and scrubs the password (raw and
// percent-decoded) from any driver message that might echo it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace postfuze::store {

class UrlRedactor {
 public:
  explicit UrlRedactor(std::string_view url);

  // The URL with every password replaced by "***".
  const std::string& redacted_url() const { return redacted_; }
  // text with every occurrence of the password replaced by "***".
  std::string scrub(std::string_view text) const;

 private:
  std::string redacted_;
  std::vector<std::string> secrets_;
};

}  // namespace postfuze::store
