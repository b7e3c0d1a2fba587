#include "connect/pending_session_store.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "store/word_list.hpp"

namespace postfuze::connect {

namespace {

constexpr std::string_view kColumns =
    "id, org_id, token_hash, platform, social_network_id, tenant_id, choices, secrets, scopes, expires_at, "
    "consumed_at, created_at";

// choices: a JSON array of {"id", "type", "name", "username", "profilePictureUrl"},
// the absent optional members as null.
boost::json::value optional_json(const std::optional<std::string>& v) {
  if (v) return boost::json::value(*v);
  return nullptr;
}

std::string serialize_choices(const std::vector<PendingChoice>& choices) {
  boost::json::array out;
  for (const auto& ch : choices)
    out.push_back(boost::json::object{{"id", ch.id},
                                      {"type", ch.type},
                                      {"name", ch.name},
                                      {"username", optional_json(ch.username)},
                                      {"profilePictureUrl", optional_json(ch.profile_picture_url)}});
  return boost::json::serialize(out);
}

std::optional<std::string> string_member(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return std::string(v->as_string());
}

// The column is only ever written by serialize_choices(); anything else is
// corruption, reported rather than read as "no choices".
core::Result<std::vector<PendingChoice>> parse_choices(const std::string& text) {
  const auto malformed = [] { return core::Error::internal_error("pending_sessions.choices is malformed"); };
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec || !v.is_array()) return malformed();
  std::vector<PendingChoice> out;
  for (const auto& item : v.as_array()) {
    if (!item.is_object()) return malformed();
    const auto& o = item.as_object();
    auto id = string_member(o, "id");
    auto type = string_member(o, "type");
    auto name = string_member(o, "name");
    if (!id || !type || !name) return malformed();
    out.push_back({std::move(*id), std::move(*type), std::move(*name), string_member(o, "username"),
                   string_member(o, "profilePictureUrl")});
  }
  return out;
}

core::Result<PendingSession> from_row(const store::Row& r) {
  auto choices = parse_choices(r.text(6));
  if (!choices) return std::move(choices).error();
  PendingSession s;
  s.id = r.text(0);
  s.org = core::OrgId{r.text(1)};
  s.token_hash = r.text(2);
  s.platform = r.text(3);
  s.social_network_id = r.text(4);
  s.tenant_id = r.optional_text(5);
  s.choices = std::move(*choices);
  s.secrets = core::Sealed::from_storage(r.text(7));
  s.scopes = store::split_words(r.text(8));
  s.expires_at = r.time(9);
  s.consumed_at = r.optional_time(10);
  s.created_at = r.time(11);
  return s;
}

core::Result<std::optional<PendingSession>> find_where(store::Connection& c, std::string_view condition,
                                                       const store::Params& params) {
  auto rows =
      c.query("SELECT " + std::string(kColumns) + " FROM pending_sessions WHERE " + std::string(condition), params);
  if (!rows) return std::move(rows).error();
  if (rows->empty()) return std::optional<PendingSession>();
  auto s = from_row(rows->front());
  if (!s) return std::move(s).error();
  return std::optional<PendingSession>(std::move(*s));
}

}  // namespace

core::Status insert_pending_session(store::Connection& c, const PendingSession& s) {
  auto r = c.execute(
      "INSERT INTO pending_sessions (" + std::string(kColumns) +
          ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
      {s.id, s.org.value, s.token_hash, s.platform, s.social_network_id, s.tenant_id, serialize_choices(s.choices),
       s.secrets, store::join_words(s.scopes), s.expires_at, s.consumed_at, s.created_at});
  if (!r) return std::move(r).error();
  return core::Ok{};
}

core::Result<std::optional<PendingSession>> find_pending_session(store::Connection& c, const core::OrgId& org,
                                                                 std::string_view token_hash) {
  return find_where(c, "org_id = $1 AND token_hash = $2", {org.value, token_hash});
}

core::Result<std::optional<PendingSession>> find_pending_session_by_token(store::Connection& c,
                                                                          std::string_view token_hash) {
  return find_where(c, "token_hash = $1", {token_hash});
}

core::Result<bool> consume_pending_session(store::Connection& c, const core::OrgId& org, std::string_view id,
                                           core::TimePoint now) {
  // One conditional UPDATE decides: of racing callers exactly one changes the
  // row (PostgreSQL re-checks the condition after waiting on the row lock;
  // SQLite serialises writers).
  auto r = c.execute(
      "UPDATE pending_sessions SET consumed_at = $3 "
      "WHERE org_id = $1 AND id = $2 AND consumed_at IS NULL AND expires_at > $3",
      {org.value, id, now});
  if (!r) return std::move(r).error();
  return *r == 1;
}

core::Result<std::int64_t> purge_pending_sessions(store::Connection& c, core::TimePoint before) {
  return c.execute("DELETE FROM pending_sessions WHERE expires_at < $1", {before});
}

core::Result<bool> use_state_nonce(store::Connection& c, std::string_view nonce, core::TimePoint expires_at,
                                   core::TimePoint now) {
  auto purged = c.execute("DELETE FROM connect_state_nonces WHERE expires_at < $1", {now});
  if (!purged) return std::move(purged).error();
  // The primary key decides between replays, concurrent or not; DO NOTHING
  // (SQLite ≥ 3.24, PostgreSQL) keeps a replay from aborting the caller's
  // PostgreSQL transaction.
  auto inserted =
      c.execute("INSERT INTO connect_state_nonces (nonce, expires_at) VALUES ($1, $2) ON CONFLICT (nonce) DO NOTHING",
                {nonce, expires_at});
  if (!inserted) return std::move(inserted).error();
  return *inserted == 1;
}

}  // namespace postfuze::connect
