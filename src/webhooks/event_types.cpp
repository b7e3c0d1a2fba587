#include "webhooks/event_types.hpp"

#include <algorithm>

namespace postfuze::webhooks {

const std::vector<std::string_view>& event_types() {
  static const std::vector<std::string_view> types = {
      "post.published",         "post.error",              "post.target.published", "post.target.failed",
      "account.token_expired",  "account.reauth_required", "account.connected",     "account.disconnected",
      "import.completed",       "import.failed",
  };
  return types;
}

bool is_event_type(std::string_view name) {
  const auto& t = event_types();
  return std::find(t.begin(), t.end(), name) != t.end();
}

}  // namespace postfuze::webhooks
