#include "connect/hosted_page.hpp"

namespace postfuze::connect {

namespace {

constexpr std::string_view kStyle =
    "body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#1d2330}"
    "h1{font-size:1.4rem}.ok{color:#116329}.err{color:#a40e26}ul{padding-left:1.2rem}"
    "label{display:block;margin:.4rem 0}button{margin-top:1rem;padding:.5rem 1.2rem}";

std::string csp(std::string_view nonce) {
  return "default-src 'none'; style-src 'nonce-" + std::string(nonce) +
         "'; img-src 'none'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
}

std::string page(std::string_view nonce, std::string_view title, const std::string& body) {
  return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
         "<meta name=\"referrer\" content=\"same-origin\"><title>" +
         html_escape(title) + "</title><style nonce=\"" + html_escape(nonce) + "\">" + std::string(kStyle) +
         "</style></head><body>" + body + "</body></html>\n";
}

std::string account_label(const accounts::SocialAccount& a) {
  std::string label = a.display_name.value_or(a.username.value_or(a.network_unique_id));
  if (a.username && a.display_name && *a.username != *a.display_name) label += " (@" + *a.username + ")";
  return label;
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string_view error_message(std::string_view code) {
  if (code == "access_denied") return "The connection was declined on the platform.";
  if (code == "invalid_state") return "This connection link is invalid or was already used. Please start again.";
  if (code == "state_expired") return "This connection link has expired. Please start again.";
  if (code == "network_disabled") return "This platform's app is no longer enabled.";
  if (code == "exchange_failed") return "The platform did not complete the sign-in. Please try again.";
  if (code == "identity_failed") return "The platform did not tell us which account signed in. Please try again.";
  if (code == "no_accounts") return "This login has no account that can be connected.";
  if (code == "platform_error") return "The platform reported an error. Please try again.";
  if (code == "session_expired") return "This selection has expired or was already submitted.";
  return "Something went wrong on our side. Please try again.";
}

HostedPage connected_page(std::string_view nonce, std::string_view platform,
                          const std::vector<accounts::SocialAccount>& accounts) {
  std::string body = "<h1 class=\"ok\" id=\"result\" data-status=\"connected\">Connected</h1><p>Your " +
                     html_escape(platform) + " account" + (accounts.size() == 1 ? " is" : "s are") +
                     " now connected:</p><ul>";
  for (const auto& a : accounts)
    body += "<li data-account-id=\"" + html_escape(a.id) + "\">" + html_escape(account_label(a)) + "</li>";
  body += "</ul><p>You can close this window.</p>";
  return {page(nonce, "Connected", body), csp(nonce)};
}

HostedPage error_page(std::string_view nonce, std::string_view platform, std::string_view error_code) {
  std::string body = "<h1 class=\"err\" id=\"result\" data-status=\"error\" data-error=\"" + html_escape(error_code) +
                     "\">Not connected</h1><p>" + html_escape(error_message(error_code)) + "</p>";
  if (!platform.empty()) body += "<p>Platform: " + html_escape(platform) + "</p>";
  body += "<p><small>Error code: <code>" + html_escape(error_code) + "</code></small></p>";
  return {page(nonce, "Not connected", body), csp(nonce)};
}

HostedPage picker_page(std::string_view nonce, std::string_view platform, const std::vector<PendingChoice>& choices,
                       std::string_view session_token, std::string_view csrf_token, std::string_view form_action) {
  std::string body = "<h1 id=\"result\" data-status=\"pending\">Choose what to connect</h1><p>Your " +
                     html_escape(platform) + " login can act for several accounts. Pick the ones to connect.</p>"
                     "<form method=\"post\" action=\"" + html_escape(form_action) + "\">"
                     "<input type=\"hidden\" name=\"session\" value=\"" + html_escape(session_token) + "\">"
                     "<input type=\"hidden\" name=\"csrf\" value=\"" + html_escape(csrf_token) + "\">";
  for (std::size_t i = 0; i < choices.size(); ++i) {
    const auto& c = choices[i];
    std::string label = c.name;
    if (c.username && *c.username != c.name) label += " (@" + *c.username + ")";
    body += "<label><input type=\"checkbox\" name=\"page\" id=\"page-" + std::to_string(i) + "\" value=\"" +
            html_escape(c.id) + "\"> " + html_escape(label) + " <small>" + html_escape(c.type) + "</small></label>";
  }
  body += "<button type=\"submit\" id=\"connect\">Connect</button></form>";
  return {page(nonce, "Choose accounts", body), csp(nonce)};
}

}  // namespace postfuze::connect
