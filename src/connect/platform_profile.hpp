// Reading who connected, and what they may connect, from a platform's
// identity and sub-account responses, through the catalogue's field paths
// (IdentitySpec, SubAccountSpec). Pure functions over parsed JSON: thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "connect/pending_session.hpp"
#include "core/result.hpp"
#include "core/secret.hpp"
#include "providers/provider_spec.hpp"

namespace postfuze::connect {

struct PlatformIdentity {
  std::string id;
  std::optional<std::string> username;
  std::optional<std::string> name;
  std::optional<std::string> picture;
};

// One account the login can connect, with the token that acts for it when
// the platform issues one per entry (Facebook Page tokens).
struct Candidate {
  PendingChoice choice;
  std::optional<core::Secret> token;
};

// The identity; an error (internal: which path was missing) without an id.
core::Result<PlatformIdentity> read_identity(const providers::IdentitySpec& spec, const boost::json::value& response);

// The identity as a choice of type "profile".
Candidate identity_candidate(const PlatformIdentity& identity);

// The entries of a sub-account list; entries without an id are skipped.
// An error when the list itself is missing or not an array.
core::Result<std::vector<Candidate>> read_candidates(const providers::SubAccountSpec& spec,
                                                     const boost::json::value& response);

// The sub-account path with "{identity_id}" filled in.
std::string sub_accounts_path(const providers::SubAccountSpec& spec, const PlatformIdentity& identity);

}  // namespace postfuze::connect
