// Error envelopes: every refusal a simulated platform answers goes through
// here, so each platform's errors look the way that platform's look
// (platforms.md §2.4 and §18) and are counted once in stats.rejected.
// Injected errors (the token_status / identity_status knobs) use the same
// envelopes but are not counted as rejections: nothing was wrong with the
// request.
#pragma once

#include <string>
#include <string_view>

#include "http/response.hpp"
#include "sim/publish_faults.hpp"
#include "sim/sim.hpp"

namespace postfuze::sim {

// Graph's numeric code and optional subcode for an OAuthException.
struct GraphCode {
  int code = 100;
  int subcode = 0;
};

// A refusal at the authorize or token endpoint, in RFC 6749 terms.
struct OAuthFailure {
  int status = 400;
  std::string error;  // invalid_request, invalid_client, invalid_grant, unsupported_grant_type, ...
  std::string description;
  GraphCode graph{};
};

// Who caused a refusal: a bad request (counted in stats.rejected), or a
// scenario knob such as revoke_refresh (not counted).
enum class Cause { request, scenario };

// The token endpoint's refusal in the platform's envelope.
http::Response oauth_error(Call& call, const OAuthFailure& failure, Cause cause = Cause::request);
// The token_status knob: `status` in the platform's envelope.
http::Response injected_oauth_error(Call& call, int status);

enum class ApiProblem {
  unauthorized,
  insufficient_scope,
  invalid_request,
  not_found,
  method_not_allowed,
  failure,  // any other status (injected rate limits and server errors)
};
// An API refusal (bad bearer, missing scope, bad query, unknown path); counts as rejected.
http::Response api_error(Call& call, ApiProblem problem, std::string_view message);
// The identity_status / sub_accounts_status knobs.
http::Response injected_api_error(Call& call, int status);

// The publish_error knob (publish_faults.hpp) on a create call: its status in
// P's envelope, with its code and message where the envelope has room for
// them (X problem type, Graph code, Google status, LinkedIn/TikTok code,
// Reddit reason; status 200 is Reddit's {"json":{"errors":[[code,message,""]]}}).
// X's 429 carries x-rate-limit-* headers. Not counted as rejected.
http::Response injected_publish_error(Call& call, const InjectedPublishError& error);

// The authorize step's own HTML error page, for an unknown client or
// redirect_uri (never a redirect to an unregistered URI); counts as rejected.
http::Response html_error(Call& call, std::string_view message);

}  // namespace postfuze::sim
