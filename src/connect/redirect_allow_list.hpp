// RedirectAllowList: which `redirect_uri` values the connect flow may send a
// customer's browser to (contract §11.4; docs/decisions.md D12). A value is
// allowed only when it is an absolute http(s) URL, parsed by Boost.URL, whose
// origin — lowercase scheme, lowercase host, effective port (an explicit
// default port equals none) — exactly equals one configured origin
// (POSTFUZE_APP_URL). Refused outright: userinfo, fragments, backslashes,
// control characters or spaces anywhere, percent-encoded or non-ASCII hosts,
// a trailing dot on the host, and any host that is not plainly that origin's.
// No wildcards or suffix matching. Checked when the URL is sealed into `state`
// and again before redirecting. Immutable after construction: thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace postfuze::connect {

class RedirectAllowList {
 public:
  // `origins` are already normalised (app::normalize_origin), e.g. "https://app.example.com".
  explicit RedirectAllowList(std::vector<std::string> origins);

  // The URL to redirect to (as given) when allowed; nullopt when refused.
  std::optional<std::string> check(std::string_view redirect_uri) const;
  bool allows(std::string_view redirect_uri) const { return check(redirect_uri).has_value(); }
  const std::vector<std::string>& origins() const { return origins_; }

 private:
  std::vector<std::string> origins_;
};

}  // namespace postfuze::connect
