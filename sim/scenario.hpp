// Scenario: the knobs a test sets per platform (POST /_sim/scenario) to make
// the simulated platform behave a certain way — who logs in, how many
// sub-accounts they have, how the consent step ends, which errors and delays
// the endpoints inject. Plain data; SimState guards it.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>

#include "sim/platform.hpp"

namespace postfuze::sim {

// How the authorize step ends.
enum class Consent {
  page,          // an HTML consent page with Approve / Deny buttons
  auto_approve,  // redirect with a code at once (tests without a browser)
  auto_deny,     // redirect with access_denied at once
};

// The person who logs in. Sub-account ids derive from `id`.
struct Identity {
  std::string id;
  std::string username;
  std::string name;
};

struct Scenario {
  Consent consent = Consent::page;
  std::optional<int> accounts;   // nullopt: the platform's default
  std::optional<Identity> user;  // nullopt: the platform's default user
  int token_status = 0;          // token endpoints answer this status (0: off)
  int identity_status = 0;       // identity calls answer this status (0: off)
  int sub_accounts_status = 0;   // sub-account calls answer this status (0: off)
  int token_delay_ms = 0;
  int api_delay_ms = 0;
  bool revoke_refresh = false;  // refresh grants answer invalid_grant
  std::string error;            // the authorize step redirects back with this error (empty: off)
};

// Applies the knobs in `knobs` (every member except "platform") to a copy of
// `scenario` and returns it, or a message naming the first bad knob (unknown
// name, wrong type, out of range). The input is never half-applied.
struct KnobResult {
  std::optional<Scenario> scenario;
  std::string problem;
};
KnobResult merge_knobs(const Scenario& scenario, const boost::json::object& knobs);

// The platform's deterministic default login, e.g. {"x-user-1", "x_user_1", "X User 1"}.
Identity default_user(const Platform& platform);
Identity user_of(const Scenario& scenario, const Platform& platform);
int accounts_of(const Scenario& scenario, const Platform& platform);

// The effective knobs (defaults filled in), as GET/POST /_sim/scenario answer them.
boost::json::object to_json(const Scenario& scenario, const Platform& platform);

}  // namespace postfuze::sim
