#include "connect/finalize.hpp"

#include <algorithm>
#include <set>

#include "connect/account_connector.hpp"
#include "connect/pending_session_store.hpp"
#include "core/blocking.hpp"

namespace postfuze::connect {

namespace {

core::Result<std::optional<PendingSession>> find(store::Connection& c, const std::optional<core::OrgId>& org,
                                                 const std::string& token) {
  const std::string hash = hash_session_token(token);
  return org ? find_pending_session(c, *org, hash) : find_pending_session_by_token(c, hash);
}

bool live(const PendingSession& s, core::TimePoint now) { return !s.consumed_at && now < s.expires_at; }

core::Status validate_selection(const PendingSession& s, const std::vector<std::string>& selected,
                                const std::string& field) {
  if (selected.empty()) return core::Error::validation(field, "Select at least one of the offered ids.", "required");
  if (selected.size() > kMaxSelected)
    return core::Error::validation(field, "At most " + std::to_string(kMaxSelected) + " ids.", "too_many");
  std::vector<core::FieldError> errors;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < selected.size(); ++i) {
    const std::string item = field + "." + std::to_string(i);
    if (!seen.insert(selected[i]).second) {
      errors.push_back({item, "Listed twice.", "duplicate"});
    } else if (std::none_of(s.choices.begin(), s.choices.end(),
                            [&](const PendingChoice& c) { return c.id == selected[i]; })) {
      errors.push_back({item, "Not one of this session's availablePages.", "unknown_id"});
    }
  }
  if (!errors.empty()) return core::Error::validation(std::move(errors));
  return core::Ok{};
}

}  // namespace

boost::asio::awaitable<core::Result<PendingSession>> find_live_session(ConnectDeps d, std::optional<core::OrgId> org,
                                                                       std::string token) {
  std::optional<PendingSession> found;
  auto s = co_await core::run_blocking(d.blocking, [&]() {
    return d.db.with_connection([&](store::Connection& c) -> core::Status {
      auto r = find(c, org, token);
      if (!r) return std::move(r).error();
      found = std::move(*r);
      return core::Ok{};
    });
  });
  if (!s) co_return std::move(s).error();
  if (!found || !live(*found, d.clock.now())) co_return core::Error::session_expired();
  co_return std::move(*found);
}

boost::asio::awaitable<core::Result<std::vector<accounts::SocialAccount>>> finalize_session(
    ConnectDeps d, std::optional<core::OrgId> org, std::string token, std::vector<std::string> selected,
    std::string field) {
  std::vector<accounts::SocialAccount> connected;
  auto s = co_await core::run_blocking(d.blocking, [&]() {
    return d.db.transaction([&](store::Connection& c) -> core::Status {
      auto found = find(c, org, token);
      if (!found) return std::move(found).error();
      const core::TimePoint now = d.clock.now();
      if (!*found || !live(**found, now)) return core::Error::session_expired();
      const PendingSession& session = **found;
      if (auto v = validate_selection(session, selected, field); !v) return v;
      auto won = consume_pending_session(c, session.org, session.id, now);
      if (!won) return std::move(won).error();
      if (!*won) return core::Error::session_expired();

      auto bundle = d.keys.open(session.secrets, secrets_aad(session.org, session.id));
      if (!bundle) return core::Error::internal_error("pending session secrets do not open");
      Authorization auth{session.platform, session.social_network_id, session.tenant_id, {}, {}};
      std::vector<Candidate> chosen;
      for (const auto& id : selected)
        for (const auto& choice : session.choices)
          if (choice.id == id) chosen.push_back(Candidate{choice, std::nullopt});
      if (auto r = read_token_bundle(*bundle, auth, chosen); !r) return r;
      auth.grant.scopes = session.scopes;
      auto accounts = connect_accounts(c, d.keys, d.clock, d.random, session.org, auth, chosen);
      if (!accounts) return std::move(accounts).error();
      connected = std::move(*accounts);
      return core::Ok{};
    });
  });
  if (!s) co_return std::move(s).error();
  d.wake_webhooks();
  co_return connected;
}

}  // namespace postfuze::connect
