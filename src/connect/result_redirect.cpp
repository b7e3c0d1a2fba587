#include "connect/result_redirect.hpp"

#include <array>

#include <boost/url/url.hpp>

namespace postfuze::connect {

std::string result_redirect(std::string_view redirect_uri,
                            const std::vector<std::pair<std::string, std::string>>& outcome) {
  boost::urls::url url(redirect_uri);  // allow-listed, so it parses
  auto params = url.params();
  for (std::string_view name : std::array<std::string_view, 4>{"status", "account_id", "session", "error"})
    params.erase(name);
  for (const auto& [k, v] : outcome) params.append({k, v});
  return std::string(url.buffer());
}

}  // namespace postfuze::connect
