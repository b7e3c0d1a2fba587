#include "connect/platform_profile.hpp"

#include "providers/json_path.hpp"

namespace postfuze::connect {

using providers::string_at;

core::Result<PlatformIdentity> read_identity(const providers::IdentitySpec& spec, const boost::json::value& response) {
  auto id = string_at(response, spec.id);
  if (!id) return core::Error::unavailable("", "identity response has no id at '" + spec.id + "'");
  return PlatformIdentity{std::move(*id), string_at(response, spec.username), string_at(response, spec.name),
                          string_at(response, spec.picture)};
}

Candidate identity_candidate(const PlatformIdentity& identity) {
  PendingChoice c{identity.id, "profile", identity.name.value_or(identity.username.value_or(identity.id)),
                  identity.username, identity.picture};
  return Candidate{std::move(c), std::nullopt};
}

core::Result<std::vector<Candidate>> read_candidates(const providers::SubAccountSpec& spec,
                                                     const boost::json::value& response) {
  const boost::json::value* list = providers::find_path(response, spec.list);
  if (list == nullptr || !list->is_array())
    return core::Error::unavailable("", "sub-account response has no array at '" + spec.list + "'");
  std::vector<Candidate> out;
  for (const auto& entry : list->get_array()) {
    auto id = string_at(entry, spec.id);
    if (!id) continue;
    Candidate c;
    c.choice.id = std::move(*id);
    c.choice.type = std::string(providers::to_string(spec.kind));
    c.choice.username = string_at(entry, spec.username);
    c.choice.name = string_at(entry, spec.name).value_or(c.choice.username.value_or(c.choice.id));
    c.choice.profile_picture_url = string_at(entry, spec.picture);
    if (auto token = string_at(entry, spec.token)) c.token = core::Secret(std::move(*token));
    out.push_back(std::move(c));
  }
  return out;
}

std::string sub_accounts_path(const providers::SubAccountSpec& spec, const PlatformIdentity& identity) {
  return providers::fill_placeholder(spec.path, "identity_id", identity.id);
}

}  // namespace postfuze::connect
