// ProviderSpec: everything PostFuze knows about one platform's connect flow,
// as read from the provider catalogue (src/providers/providers.json, see catalog.hpp).
// Every field is resolved when the catalogue is loaded — defaults applied,
// "{api_version}" substituted, enums parsed — so call sites read values and
// never decide a default themselves. Platform differences belong here, not in
// branches on the platform name (tools/check_style.sh refuses those).
// Plain immutable data once loaded: safe to share between threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

namespace postfuze::providers {

// How a customer connects an account: an OAuth 2.0 authorization-code flow,
// or an identifier plus an app password (Bluesky).
enum class AuthKind { oauth2, app_password };

// PKCE (RFC 7636) on the authorize request and code exchange: none, or S256.
enum class Pkce { none, s256 };

// Where the client credentials go on the token endpoint: an HTTP Basic
// Authorization header, or client id/secret as form (or query) parameters.
enum class ClientAuth { basic, body };

// How the code exchange is sent: a POST with a form body (RFC 6749), or a GET
// with the parameters in the query (Facebook's documented manual flow).
enum class TokenRequest { form, query };

// What the user picks among the accounts reachable through one login.
enum class SubAccountKind { page, organization, location, channel, business_account };

std::string_view to_string(AuthKind kind);
std::string_view to_string(Pkce pkce);
std::string_view to_string(ClientAuth auth);
std::string_view to_string(SubAccountKind kind);
std::string_view to_string(TokenRequest request);

// A second exchange right after the code exchange that trades the
// short-lived token for a long-lived one (Facebook's fb_exchange_token,
// Threads' th_exchange_token): GET `path` (as IdentitySpec::path) with
// grant_type, `token_param`=<short-lived token>, client_secret, and
// client_id when `send_client_id`.
struct LongLivedSpec {
  std::string path;
  std::string grant_type;
  std::string token_param;
  bool send_client_id = false;
};

// The OAuth 2.0 half of a spec; present exactly when auth == oauth2.
struct OAuthSpec {
  std::string authorize_url;  // absolute URL, "{api_version}" already substituted
  std::string token_url;      // absolute URL
  Pkce pkce = Pkce::none;
  ClientAuth client_auth = ClientAuth::body;
  TokenRequest token_request = TokenRequest::form;
  std::optional<LongLivedSpec> long_lived;
  // Token revocation (RFC 7009 shape): POST `path` (as IdentitySpec::path)
  // with token=<refresh token, else access token> and token_type_hint; the
  // client's credentials as at the token endpoint when `client_auth`.
  // nullopt: the platform has no revocation endpoint we use.
  struct Revoke {
    std::string path;
    bool client_auth = false;
  };
  std::optional<Revoke> revoke;
  std::string client_id_param = "client_id";  // TikTok: "client_key"
  std::string scope_separator = " ";          // " " or ","
  std::vector<std::string> default_scopes;    // in catalogue order, never empty
  // Extra query parameters for the authorize URL, in catalogue order
  // (e.g. Google's access_type=offline, prompt=consent).
  std::vector<std::pair<std::string, std::string>> extra_authorize_params;

  // default_scopes joined with scope_separator, ready for the `scope` parameter.
  std::string joined_default_scopes() const;
};

struct RefreshPolicy {
  bool supported = false;  // the platform has a way to renew the token without the user
  bool rotates = false;    // each renewal replaces the refresh credential (store the new one)
  // How long before expiry a token is renewed (proactively, and on use).
  std::chrono::seconds margin{300};
  // Set when renewal is not RFC 6749's refresh_token grant at the token URL
  // but a GET trading the current access token (Threads' th_refresh_token).
  std::optional<LongLivedSpec> request;
};

// The call that tells who connected. `path` is either "/..." relative to
// api_base_url or an absolute https URL; it may hold caller-filled
// placeholders such as "{did}". The other fields are dotted JSON paths into
// the response ("data.user.open_id", "items.0.id": a numeric segment indexes
// an array); an empty path means the platform does not report that field.
struct IdentitySpec {
  std::string path;
  std::string id;  // never empty
  std::string username;
  std::string name;
  std::string picture;
};

// How to list the accounts the login can act for. Entries of `list` whose
// `id` path is missing are skipped (e.g. Facebook Pages without a linked
// Instagram account). `path` may hold "{identity_id}", filled with the
// identity's id (Google Business: the account whose locations to list).
struct SubAccountSpec {
  SubAccountKind kind = SubAccountKind::page;
  std::string path;      // as IdentitySpec::path
  std::string list;      // dotted path to the array in the response
  std::string id;        // dotted path inside one entry, never empty
  std::string name;      // dotted path inside one entry, never empty
  std::string username;  // optional dotted paths inside one entry
  std::string picture;
  // The entry's own access token, when the platform issues one per entry
  // (Facebook Page tokens); otherwise the login's token acts for it.
  std::string token;
  // The login's own identity is one of the choices too, as a "profile"
  // (LinkedIn: the member may post as themself or as an organisation).
  bool include_identity = false;
  // Dotted path to the absolute URL of the next page of the list (Graph's
  // paging.next); empty when the platform answers in one page.
  std::string next;
};

// Publishing (contract §15, §25; platforms.md): how text is counted and
// limited, what the main container needs, how containers 1+ are published,
// and how many creates may run at once. Parsed from the entry's "publish"
// object. The calls themselves are code (src/publishers/).
enum class TextUnit { code_points, graphemes, utf8_bytes };
enum class OverLimit { reject, truncate };
// Containers 1+: native replies chained off the previous post, comments on
// the root post, or nothing (the platform has no such surface).
enum class ReplyMode { reply_chain, comments, ignored };

std::string_view to_string(TextUnit unit);
std::string_view to_string(OverLimit over);
std::string_view to_string(ReplyMode mode);

// One text field's limit, e.g. {"text", 280, code_points, reject}. `field`
// names where the text goes: "content" (every published container's text),
// "media.alt_text" (every media item's alt text) or a string config field
// such as "title". `raised_by`: a boolean config field that, when
// true, replaces `max` with `raised_max` (X's long_form).
struct TextLimit {
  std::string field = "content";
  std::size_t max = 0;
  TextUnit unit = TextUnit::code_points;
  OverLimit over = OverLimit::reject;
  std::string raised_by;
  std::size_t raised_max = 0;
};

// The per-platform `config` slice of a post (contract §16, §25), as data:
// which fields exist, their JSON types, allowed values, alias spellings and
// the rules preflight checks. Read by publish/post_config (resolution) and
// publish/preflight (create-time rules); the publishers read the values.
enum class ConfigType { boolean, string, integer, string_array, object };

std::string_view to_string(ConfigType type);

// "Required when `field` (a dotted path from the slice root, read with its
// catalogue default when absent) is one of `in`", e.g. TikTok's
// privacy_level when post_mode is DIRECT_POST.
struct ConfigCondition {
  std::string field;
  std::vector<std::string> in;
};

// A string field that names an account the connected account may act as
// (LinkedIn's organizationId / organizationUrn). The value, with `prefix`
// added unless it already has it, must equal the account's own
// network_unique_id when the account's type is `account_type`, or be listed
// in the string array platform_data[`stored_in`].
struct AccountRef {
  std::string prefix;
  std::string account_type;
  std::string stored_in;
};

struct ConfigField {
  std::string name;                  // canonical spelling (echoed in default_config)
  ConfigType type = ConfigType::string;
  std::vector<std::string> aliases;  // other accepted spellings, in precedence order
  std::vector<std::string> allowed;  // string fields: the only accepted values; empty = any
  // The platform's default, for documentation, conditions and publishers;
  // null when there is none. Never filled into a post's config.
  boost::json::value default_value;
  std::optional<std::int64_t> min;   // integer fields: smallest accepted value
  bool required = false;             // missing (or "") → preflight missing_field
  std::optional<ConfigCondition> required_when;
  std::optional<AccountRef> account_ref;
  std::vector<ConfigField> fields;   // object fields: their members
};

struct ConfigSchema {
  std::vector<ConfigField> fields;
  // Keys refused outright (422 forbidden) instead of ignored as unknown
  // (Bluesky's service/pds/serviceUrl).
  std::vector<std::string> forbidden;
  // Keys whose object members are read as fields of the slice itself
  // (YouTube's youtubeConfiguration); a field given directly wins.
  std::vector<std::string> nested;

  // The top-level field named `name` (canonical spelling), or nullptr.
  const ConfigField* find(std::string_view name) const;
  // The field at a dotted path through object fields ("event.title"), or nullptr.
  const ConfigField* find_path(std::string_view path) const;
};

// What media a platform takes (contract §25), checked by preflight against
// the stored asset's facts. A kind not listed is refused; `types` empty
// means any type of that kind the server accepts.
struct MediaKindRule {
  std::string kind;  // image, gif, video, audio, document
  std::vector<std::string> types;
  std::int64_t max_bytes = 0;
};

struct MediaRules {
  std::vector<MediaKindRule> kinds;  // empty: no media at all
  int max_items = 0;                 // per container
  bool ignore_extra_items = false;   // "first used" platforms: extras are dropped, not refused
  bool mix_kinds = false;            // videos and images in one container
  int max_videos = 1;                // per container
  bool replies = false;              // containers 1+ may carry media
  const MediaKindRule* find(std::string_view kind) const;
};

struct PublishSpec {
  bool supported = false;         // publishing is implemented for the platform
  bool media_required = false;    // the main container needs at least one media item
  MediaRules media;
  std::vector<TextLimit> limits;  // checked on every container
  ReplyMode replies = ReplyMode::ignored;
  // Concurrent creates this process runs at once, per connected account and
  // per platform app (the platform's own pacing).
  int per_account_concurrency = 1;
  int per_app_concurrency = 8;
  ConfigSchema config;
};

struct ProviderSpec {
  std::string platform;  // the platform id, e.g. "x", "google_business"
  AuthKind auth = AuthKind::oauth2;
  std::optional<OAuthSpec> oauth;  // set iff auth == oauth2
  std::string api_base_url;        // absolute URL without trailing '/'
  std::string api_version;         // e.g. "v22.0", "202601"; empty when unversioned
  RefreshPolicy refresh;
  IdentitySpec identity;
  std::optional<SubAccountSpec> sub_accounts;  // nullopt: one account per login
  std::vector<std::string> hooks;  // code hooks this platform needs (hooks.hpp)
  PublishSpec publish;

  // `path_or_url` made absolute: api_base_url + path when it starts with '/',
  // unchanged otherwise.
  std::string api_url(std::string_view path_or_url) const;
};

// `path` with the caller-filled placeholder "{name}" replaced by `value`
// (e.g. "{identity_id}", "{did}"); unchanged when it has none.
std::string fill_placeholder(std::string_view path, std::string_view name, std::string_view value);

}  // namespace postfuze::providers
