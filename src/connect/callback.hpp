// GET /connect/callback (contract §11.3; docs/decisions.md D12, D13): the
// platform sends the customer's browser back with `code` and `state`. This
// opens the state, makes it single-use, exchanges the code as the platform
// expects, reads the identity and the choices, and either connects the one
// account or opens a pending session for several — then says where the
// browser goes. Nothing is stored unless every step succeeded.
//
// Error codes (the `error` redirect parameter and the hosted page):
//   invalid_state     state missing, malformed, altered, already used, or made for another platform's app
//   state_expired     state older than 10 minutes
//   access_denied     the customer declined at the platform
//   platform_error    the platform redirected back with another error, or without a code
//   network_disabled  the app in the state was disabled or removed meanwhile
//   exchange_failed   the token endpoint refused or failed
//   identity_failed   the identity or sub-account call failed
//   no_accounts       the login can act for no account (e.g. no Facebook Page)
//   server_error      our store failed
// A state that cannot be trusted (the first two, and replays) never leads to
// a redirect: the hosted page shows the error.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "accounts/social_account.hpp"
#include "connect/connect_services.hpp"
#include "connect/pending_session.hpp"

namespace postfuze::connect {

struct CallbackParams {
  std::optional<std::string> state;
  std::optional<std::string> code;
  std::optional<std::string> error;
  std::optional<std::string> iss;  // RFC 9207: tolerated, not required
};

enum class OutcomeKind { connected, pending, error };

struct CallbackOutcome {
  OutcomeKind kind = OutcomeKind::error;
  std::string platform;                     // empty when the state was unusable
  std::optional<std::string> redirect_uri;  // allow-listed (checked again here); nullopt: hosted page
  std::string error;                        // OutcomeKind::error
  std::vector<accounts::SocialAccount> accounts;  // connected
  std::string session_token;                      // pending
  std::vector<PendingChoice> choices;             // pending
};

boost::asio::awaitable<CallbackOutcome> handle_callback(ConnectDeps deps, CallbackParams params);

}  // namespace postfuze::connect
