// The hosted result page (contract §11.6): what the customer's browser shows
// when the flow has no allow-listed redirect_uri. Self-contained HTML — no
// scripts, no external assets; the one inline style is allowed by a per-page
// CSP nonce — for connected, failed, pending (a page picker: a form POSTed to
// /api/v1/connect/pending carrying the session token and a CSRF token) and
// the picker's result. Every value is HTML-escaped. Never shows a token other
// than the session token the form needs.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "accounts/social_account.hpp"
#include "connect/pending_session.hpp"

namespace postfuze::connect {

struct HostedPage {
  std::string html;
  std::string csp;  // the Content-Security-Policy header value
};

// `nonce` is a fresh random token (base64url) for the page's style element.
HostedPage connected_page(std::string_view nonce, std::string_view platform,
                          const std::vector<accounts::SocialAccount>& accounts);
HostedPage error_page(std::string_view nonce, std::string_view platform, std::string_view error_code);
HostedPage picker_page(std::string_view nonce, std::string_view platform, const std::vector<PendingChoice>& choices,
                       std::string_view session_token, std::string_view csrf_token, std::string_view form_action);

// What an error code means, for people.
std::string_view error_message(std::string_view error_code);

std::string html_escape(std::string_view text);

}  // namespace postfuze::connect
