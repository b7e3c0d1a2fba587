// The authorize step: GET /P/oauth/authorize validates the request the way
// the platform does, then (per the scenario) shows a consent page, approves,
// denies or fails at once; POST /P/oauth/consent carries the page's decision.
//
//   authorize ──bad client / redirect_uri──▶ 400 HTML page (never a redirect)
//       │──other problem──▶ 302 redirect_uri?error=invalid_request|invalid_scope|…
//       │──scenario.error──▶ 302 redirect_uri?error=<knob>
//       ▼
//   consent: page ──POST approve──▶ 302 redirect_uri?code=…&state=…
//            auto_approve ──────────▶ (same)
//            auto_deny / POST deny ─▶ 302 redirect_uri?error=access_denied&…
#include <boost/url/url.hpp>
#include <variant>

#include "sim/errors.hpp"
#include "sim/handlers.hpp"
#include "sim/wire.hpp"

namespace postfuze::sim {

namespace {

namespace urls = boost::urls;
using namespace std::chrono_literals;

constexpr auto kConsentTtl = 10min;

// A problem reported back to the (registered) redirect_uri, RFC 6749 §4.1.2.1.
struct RedirectProblem {
  std::string error;
  std::string description;
};

bool one_of(std::string_view value, std::string_view options) {
  for (std::size_t pos = 0;;) {
    const auto bar = options.find('|', pos);
    if (options.substr(pos, bar == std::string_view::npos ? std::string_view::npos : bar - pos) == value) return true;
    if (bar == std::string_view::npos) return false;
    pos = bar + 1;
  }
}

bool known_scope(const Platform& p, std::string_view scope) {
  for (auto s : p.known_scopes)
    if (s == scope) return true;
  return false;
}

bool wants_refresh_token(const Platform& p, const Params& params, const std::vector<std::string>& scopes) {
  switch (p.refresh_issued) {
    case RefreshIssued::never:
      return false;
    case RefreshIssued::always:
      return true;
    case RefreshIssued::with_offline_access_scope:
      for (const auto& s : scopes)
        if (s == "offline.access") return true;
      return false;
    case RefreshIssued::with_access_type_offline:
      return params.get("access_type") == "offline";
    case RefreshIssued::with_duration_permanent:
      return params.get("duration") == "permanent";
  }
  return false;
}

// Scope, PKCE and platform parameter checks, once client and redirect_uri are known good.
std::variant<Authorization, RedirectProblem> validate(Call& call, const Params& params, std::string client_id,
                                                      std::string redirect_uri) {
  const Platform& p = call.platform;
  if (auto twice = params.repeated())
    return RedirectProblem{"invalid_request", "The parameter " + *twice + " appears more than once."};

  const auto response_type = params.get("response_type");
  if (!response_type && !p.response_type_optional)
    return RedirectProblem{"invalid_request", "response_type is required."};
  if (response_type && *response_type != "code")
    return RedirectProblem{"unsupported_response_type", "response_type must be code."};

  const auto state = params.get("state");
  if (!state || state->empty()) return RedirectProblem{"invalid_request", "state is required."};
  if (p.max_state_length && state->size() > p.max_state_length)
    return RedirectProblem{"invalid_request",
                           "state must be at most " + std::to_string(p.max_state_length) + " characters."};

  // Scopes: present, joined with the platform's separator, each one known.
  const auto scope = params.get("scope");
  if (!scope || scope->empty()) return RedirectProblem{"invalid_scope", "scope is required."};
  const char other = p.scope_separator == ' ' ? ',' : ' ';
  if (scope->find(other) != std::string_view::npos)
    return RedirectProblem{"invalid_scope", std::string(p.display_name) + " expects scopes separated by " +
                                                (p.scope_separator == ' ' ? "spaces" : "commas") + "."};
  auto scopes = split_list(*scope, p.scope_separator);
  if (!scopes) return RedirectProblem{"invalid_scope", "scope has an empty item."};
  for (const auto& s : *scopes)
    if (!known_scope(p, s)) return RedirectProblem{"invalid_scope", "Unknown scope: " + s};

  for (const auto& [name, allowed] : p.required_authorize_params) {
    const auto v = params.get(name);
    if (!v || !one_of(*v, allowed))
      return RedirectProblem{"invalid_request", std::string(name) + " must be one of " + std::string(allowed) + "."};
  }
  for (const auto& [name, allowed] : p.optional_authorize_params) {
    const auto v = params.get(name);
    if (v && !one_of(*v, allowed))
      return RedirectProblem{"invalid_request", std::string(name) + " must be one of " + std::string(allowed) + "."};
  }

  // PKCE, RFC 7636 §4.3.
  std::string challenge, method;
  if (p.pkce != Pkce::ignored) {
    const auto c = params.get("code_challenge");
    const auto m = params.get("code_challenge_method");
    if (p.pkce == Pkce::required_s256) {
      if (!c) return RedirectProblem{"invalid_request", "code_challenge is required."};
      if (m != "S256") return RedirectProblem{"invalid_request", "code_challenge_method must be S256."};
    }
    if (!c && m) return RedirectProblem{"invalid_request", "code_challenge_method without code_challenge."};
    if (c) {
      method = m ? std::string(*m) : "plain";  // RFC 7636 §4.3: plain when absent
      if (method != "S256" && method != "plain")
        return RedirectProblem{"invalid_request", "code_challenge_method must be S256 or plain."};
      if (!valid_pkce_value(*c) || (method == "S256" && c->size() != 43))
        return RedirectProblem{"invalid_request", "code_challenge is malformed."};
      challenge = *c;
    }
  }

  const Scenario scenario = call.scenario();
  auto grant = std::make_shared<Grant>();
  grant->platform = &p;
  grant->client_id = std::move(client_id);
  grant->user = user_of(scenario, p);
  grant->accounts = accounts_of(scenario, p);
  grant->refresh_token = wants_refresh_token(p, params, *scopes);
  grant->scopes = std::move(*scopes);
  return Authorization{std::move(grant),     std::move(redirect_uri), std::string(*state),
                       std::move(challenge), std::move(method),       call.now() + kConsentTtl};
}

// 302 to the registered redirect_uri with `params` added to its own query.
http::Response back_to_client(const Platform& p, std::string_view redirect_uri,
                              const std::vector<std::pair<std::string, std::string>>& params) {
  urls::url url(redirect_uri);  // registered URIs were parsed at registration
  for (const auto& [k, v] : params) append_param(url, k, v);
  if (!p.callback_fragment.empty()) url.set_encoded_fragment(p.callback_fragment);
  return redirect_to(url);
}

http::Response redirect_problem(Call& call, std::string_view redirect_uri, std::string_view state,
                                const RedirectProblem& problem) {
  std::vector<std::pair<std::string, std::string>> params{{"error", problem.error},
                                                          {"error_description", problem.description}};
  if (!state.empty()) params.emplace_back("state", state);
  return back_to_client(call.platform, redirect_uri, params);
}

http::Response approve(Call& call, const Authorization& auth) {
  const Platform& p = call.platform;
  std::string code = call.sim.mint(p.id, "code");
  call.sim.state.with([&](SimState::Data& d) {
    d.codes.emplace(code, Code{auth, call.now() + p.code_ttl, false, {}});
  });
  std::vector<std::pair<std::string, std::string>> params{{"code", code}, {"state", auth.state}};
  if (p.callback_scope) params.emplace_back("scope", join(auth.grant->scopes, p.granted_scope_separator));
  return back_to_client(p, auth.redirect_uri, params);
}

http::Response deny(Call& call, const Authorization& auth) {
  std::vector<std::pair<std::string, std::string>> params{{"error", "access_denied"},
                                                          {"error_description", "The user denied the request."}};
  for (const auto& [k, v] : call.platform.denial_params) params.emplace_back(k, v);
  params.emplace_back("state", auth.state);
  return back_to_client(call.platform, auth.redirect_uri, params);
}

std::string consent_page(const Platform& p, const Authorization& auth, std::string_view request_id) {
  const std::string name = html_escape(p.display_name);
  std::string html = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
  html += "<meta name=\"viewport\" content=\"width=device-width\">\n";
  html += "<title>Sign in with " + name + " (simulated)</title>\n";
  html += "<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}";
  html += "button{font-size:1rem;padding:.5rem 1.25rem;margin-right:.5rem}#approve{font-weight:bold}</style>";
  html += "</head>\n<body><main>\n<h1 id=\"platform\">" + name + "</h1>\n";
  html += "<p><strong id=\"client\">" + html_escape(auth.grant->client_id) + "</strong> wants to access the " + name;
  html += " account <strong id=\"user\">" + html_escape(auth.grant->user.username) + "</strong>.</p>\n";
  html += "<p>It asks for these permissions:</p>\n<ul id=\"scopes\">";
  for (const auto& s : auth.grant->scopes) html += "<li><code>" + html_escape(s) + "</code></li>";
  html += "</ul>\n<form method=\"post\" action=\"/" + std::string(p.id) + "/oauth/consent\">\n";
  html += "<input type=\"hidden\" name=\"request_id\" value=\"" + html_escape(request_id) + "\">\n";
  html += "<button id=\"approve\" name=\"decision\" value=\"approve\" type=\"submit\">Allow</button>\n";
  html += "<button id=\"deny\" name=\"decision\" value=\"deny\" type=\"submit\">Cancel</button>\n";
  html += "</form>\n<p><small>PostFuze platform simulator</small></p>\n</main></body></html>\n";
  return html;
}

}  // namespace

boost::asio::awaitable<http::Response> authorize(Call& call) {
  call.count(Counter::authorize);
  const Platform& p = call.platform;
  const Params params = Params::of(call.req.target);

  // Client and redirect_uri first: until both are known good, errors stay on
  // this page (RFC 6749 §4.1.2.1).
  const auto client_id = params.get(p.client_id_param);
  if (!client_id || client_id->empty()) co_return html_error(call, "Missing " + std::string(p.client_id_param) + ".");
  const auto redirect_uri = params.get("redirect_uri");
  const bool client_known = call.sim.state.with([&](SimState::Data& d) { return d.app(p.id, *client_id) != nullptr; });
  if (!client_known)
    co_return html_error(call, "Unknown " + std::string(p.client_id_param) + ": " + std::string(*client_id));
  if (!redirect_uri) co_return html_error(call, "Missing redirect_uri.");
  const bool registered = call.sim.state.with([&](SimState::Data& d) {
    const App* app = d.app(p.id, *client_id);
    for (const auto& r : app->redirect_uris)
      if (r == *redirect_uri) return true;
    return false;
  });
  if (!registered)
    co_return html_error(call, "redirect_uri is not registered for this app: " + std::string(*redirect_uri));

  auto checked = validate(call, params, std::string(*client_id), std::string(*redirect_uri));
  if (auto* problem = std::get_if<RedirectProblem>(&checked)) {
    call.count(Counter::rejected);
    co_return redirect_problem(call, *redirect_uri, params.get("state").value_or(""), *problem);
  }
  auto& auth = std::get<Authorization>(checked);

  const Scenario scenario = call.scenario();
  if (!scenario.error.empty())
    co_return redirect_problem(call, auth.redirect_uri, auth.state,
                               {scenario.error, "Simulated authorize failure (scenario error)."});
  switch (scenario.consent) {
    case Consent::auto_approve:
      call.count(Counter::consent);
      co_return approve(call, auth);
    case Consent::auto_deny:
      call.count(Counter::consent);
      co_return deny(call, auth);
    case Consent::page:
      break;
  }
  const std::string request_id = call.sim.mint(p.id, "consent");
  std::string page = consent_page(p, auth, request_id);
  call.sim.state.with([&](SimState::Data& d) { d.pending.emplace(request_id, std::move(auth)); });
  co_return html_page(http::bhttp::status::ok, std::move(page));
}

boost::asio::awaitable<http::Response> consent(Call& call) {
  if (!is_form(call.req.header(http::bhttp::field::content_type)))
    co_return html_error(call, "The consent form must be posted as application/x-www-form-urlencoded.");
  const auto params = Params::parse(call.req.message.body());
  if (!params) co_return html_error(call, "The consent form is malformed.");
  const auto decision = params->get("decision");
  if (decision != "approve" && decision != "deny") co_return html_error(call, "decision must be approve or deny.");
  const std::string request_id(params->get("request_id").value_or(""));

  // Each consent request is answered once.
  auto auth = call.sim.state.with([&](SimState::Data& d) -> std::optional<Authorization> {
    auto it = d.pending.find(request_id);
    if (it == d.pending.end() || it->second.grant->platform != &call.platform) return std::nullopt;
    Authorization a = std::move(it->second);
    d.pending.erase(it);
    return a;
  });
  if (!auth) co_return html_error(call, "This consent request is unknown or was already answered.");
  if (call.now() >= auth->expires) co_return html_error(call, "This consent request has expired; start again.");
  call.count(Counter::consent);
  co_return *decision == "approve" ? approve(call, *auth) : deny(call, *auth);
}

}  // namespace postfuze::sim
