// The platform table. Sources per row: /work/shared/platforms.md (section
// named in each row's comment); facts that file leaves open are decided here
// and listed in sim/README.md.
#include "sim/platform.hpp"

#include <array>

namespace postfuze::sim {

namespace {

using namespace std::chrono_literals;
using Param = std::pair<std::string_view, std::string_view>;

// Scope names each platform knows; anything else is invalid_scope. Generous on
// purpose: the point is to catch a typo or a wrong separator, not to police
// which permissions PostFuze asks for.
constexpr std::array<std::string_view, 22> kXScopes{
    "tweet.read",   "tweet.write",   "tweet.moderate.write", "users.read",     "users.email",
    "follows.read", "follows.write", "offline.access",       "space.read",     "mute.read",
    "mute.write",   "like.read",     "like.write",           "list.read",      "list.write",
    "block.read",   "block.write",   "bookmark.read",        "bookmark.write", "media.write",
    "dm.read",      "dm.write"};
constexpr std::array<std::string_view, 17> kLinkedInScopes{"openid",
                                                           "profile",
                                                           "email",
                                                           "w_member_social",
                                                           "r_basicprofile",
                                                           "r_liteprofile",
                                                           "r_emailaddress",
                                                           "w_organization_social",
                                                           "r_organization_social",
                                                           "rw_organization_admin",
                                                           "r_organization_admin",
                                                           "r_1st_connections_size",
                                                           "r_ads",
                                                           "rw_ads",
                                                           "r_ads_reporting",
                                                           "r_member_social",
                                                           "w_member_social_feed"};
// Facebook Login serves Facebook and Instagram (Graph permissions).
constexpr std::array<std::string_view, 21> kGraphScopes{"public_profile",
                                                        "email",
                                                        "pages_show_list",
                                                        "pages_manage_posts",
                                                        "pages_manage_engagement",
                                                        "pages_read_engagement",
                                                        "pages_read_user_content",
                                                        "pages_manage_metadata",
                                                        "pages_manage_ads",
                                                        "pages_messaging",
                                                        "publish_video",
                                                        "read_insights",
                                                        "business_management",
                                                        "ads_management",
                                                        "ads_read",
                                                        "instagram_basic",
                                                        "instagram_content_publish",
                                                        "instagram_manage_comments",
                                                        "instagram_manage_insights",
                                                        "instagram_manage_messages",
                                                        "instagram_shopping_tag_products"};
constexpr std::array<std::string_view, 6> kTikTokScopes{"user.info.basic", "user.info.profile", "user.info.stats",
                                                        "video.publish",   "video.upload",      "video.list"};
// Google's one OAuth server serves YouTube and Business Profile.
constexpr std::array<std::string_view, 14> kGoogleScopes{"openid",
                                                         "email",
                                                         "profile",
                                                         "https://www.googleapis.com/auth/userinfo.email",
                                                         "https://www.googleapis.com/auth/userinfo.profile",
                                                         "https://www.googleapis.com/auth/youtube",
                                                         "https://www.googleapis.com/auth/youtube.upload",
                                                         "https://www.googleapis.com/auth/youtube.readonly",
                                                         "https://www.googleapis.com/auth/youtube.force-ssl",
                                                         "https://www.googleapis.com/auth/youtubepartner",
                                                         "https://www.googleapis.com/auth/yt-analytics.readonly",
                                                         "https://www.googleapis.com/auth/business.manage",
                                                         "https://www.googleapis.com/auth/plus.business.manage",
                                                         "https://www.googleapis.com/auth/cloud-platform"};
constexpr std::array<std::string_view, 10> kThreadsScopes{"threads_basic",
                                                          "threads_content_publish",
                                                          "threads_manage_replies",
                                                          "threads_read_replies",
                                                          "threads_manage_insights",
                                                          "threads_keyword_search",
                                                          "threads_manage_mentions",
                                                          "threads_delete",
                                                          "threads_location_tagging",
                                                          "threads_profile_discovery"};
constexpr std::array<std::string_view, 16> kPinterestScopes{
    "ads:read",           "ads:write",           "boards:read",      "boards:read_secret",
    "boards:write",       "boards:write_secret", "catalogs:read",    "catalogs:write",
    "pins:read",          "pins:read_secret",    "pins:write",       "pins:write_secret",
    "user_accounts:read", "biz_access:read",     "biz_access:write", "billing:read"};
constexpr std::array<std::string_view, 27> kRedditScopes{
    "identity",        "edit",      "flair",        "history",         "modconfig",  "modflair",        "modlog",
    "modposts",        "modwiki",   "mysubreddits", "privatemessages", "read",       "report",          "save",
    "submit",          "subscribe", "vote",         "wikiedit",        "wikiread",   "account",         "creddits",
    "modcontributors", "modmail",   "modothers",    "modself",         "modtraffic", "structuredstyles"};

// Google §7: access_type selects a refresh token; the others are optional knobs.
constexpr std::array<Param, 2> kGoogleOptionalParams{Param{"access_type", "online|offline"},
                                                     Param{"include_granted_scopes", "true|false"}};
// Reddit §13: duration is one of the documented (required) authorize parameters.
constexpr std::array<Param, 1> kRedditRequiredParams{Param{"duration", "temporary|permanent"}};
// Facebook's manual flow: a cancelled dialog adds these to the OAuth error.
constexpr std::array<Param, 2> kGraphDenialParams{Param{"error_code", "200"}, Param{"error_reason", "user_denied"}};

// Graph (Facebook Login): long-lived user token lifetime, §4.
constexpr auto kGraphLongLived = 5183944s;

constexpr Platform graph_login(std::string_view id, std::string_view display_name) {
  return Platform{.id = id,
                  .display_name = display_name,
                  .client_id_param = "client_id",
                  .client_auth = ClientAuth::body,
                  .scope_separator = ',',
                  .granted_scope_separator = ',',
                  .pkce = Pkce::ignored,
                  .max_state_length = 0,
                  .response_type_optional = true,
                  .known_scopes = kGraphScopes,
                  .required_authorize_params = {},
                  .optional_authorize_params = {},
                  .callback_scope = false,
                  .callback_fragment = "_=_",
                  .denial_params = kGraphDenialParams,
                  .code_ttl = 10min,
                  .access_ttl = kGraphLongLived,
                  .refresh_ttl = 0s,
                  .long_lived_ttl = kGraphLongLived,
                  .refresh_issued = RefreshIssued::never,
                  .refresh_grant = RefreshGrant::unsupported,
                  .token_shape = TokenShape::graph_user,
                  .token_via_get = true,
                  .grant_type_optional = true,
                  .graph_exchange = true,
                  .access_token_parameter = true,
                  .oauth_errors = OAuthErrorStyle::graph,
                  .api_errors = ApiErrorStyle::graph,
                  .default_accounts = 1};
}

constexpr Platform google_login(std::string_view id, std::string_view display_name) {
  return Platform{.id = id,
                  .display_name = display_name,
                  .client_id_param = "client_id",
                  .client_auth = ClientAuth::body,
                  .scope_separator = ' ',
                  .granted_scope_separator = ' ',
                  .pkce = Pkce::optional,
                  .max_state_length = 0,
                  .response_type_optional = false,
                  .known_scopes = kGoogleScopes,
                  .required_authorize_params = {},
                  .optional_authorize_params = kGoogleOptionalParams,
                  .callback_scope = true,
                  .callback_fragment = "",
                  .denial_params = {},
                  .code_ttl = 10min,
                  .access_ttl = 3599s,
                  .refresh_ttl = 0s,
                  .long_lived_ttl = 0s,
                  .refresh_issued = RefreshIssued::with_access_type_offline,
                  .refresh_grant = RefreshGrant::keeps,
                  .token_shape = TokenShape::google,
                  .token_via_get = false,
                  .grant_type_optional = false,
                  .graph_exchange = false,
                  .access_token_parameter = false,
                  .oauth_errors = OAuthErrorStyle::oauth,
                  .api_errors = ApiErrorStyle::google,
                  .default_accounts = 1};
}

const std::array<Platform, 10> kPlatforms{
    // §3
    Platform{.id = "x",
             .display_name = "X",
             .client_id_param = "client_id",
             .client_auth = ClientAuth::basic,
             .scope_separator = ' ',
             .granted_scope_separator = ' ',
             .pkce = Pkce::required_s256,
             .max_state_length = 500,
             .response_type_optional = false,
             .known_scopes = kXScopes,
             .required_authorize_params = {},
             .optional_authorize_params = {},
             .callback_scope = false,
             .callback_fragment = "",
             .denial_params = {},
             .code_ttl = 30s,
             .access_ttl = 7200s,
             .refresh_ttl = 0s,
             .long_lived_ttl = 0s,
             .refresh_issued = RefreshIssued::with_offline_access_scope,
             .refresh_grant = RefreshGrant::rotates,
             .token_shape = TokenShape::x,
             .token_via_get = false,
             .grant_type_optional = false,
             .graph_exchange = false,
             .access_token_parameter = false,
             .oauth_errors = OAuthErrorStyle::oauth,
             .api_errors = ApiErrorStyle::x_problem,
             .default_accounts = 1},
    // §6
    Platform{.id = "linkedin",
             .display_name = "LinkedIn",
             .client_id_param = "client_id",
             .client_auth = ClientAuth::body,
             .scope_separator = ' ',
             .granted_scope_separator = ',',
             .pkce = Pkce::ignored,
             .max_state_length = 0,
             .response_type_optional = false,
             .known_scopes = kLinkedInScopes,
             .required_authorize_params = {},
             .optional_authorize_params = {},
             .callback_scope = false,
             .callback_fragment = "",
             .denial_params = {},
             .code_ttl = 10min,
             .access_ttl = 5184000s,
             .refresh_ttl = 0s,
             .long_lived_ttl = 0s,
             .refresh_issued = RefreshIssued::never,
             .refresh_grant = RefreshGrant::unsupported,
             .token_shape = TokenShape::linkedin,
             .token_via_get = false,
             .grant_type_optional = false,
             .graph_exchange = false,
             .access_token_parameter = false,
             .oauth_errors = OAuthErrorStyle::oauth,
             .api_errors = ApiErrorStyle::linkedin,
             .default_accounts = 0},
    // §5A: Instagram through Facebook Login
    graph_login("instagram", "Instagram"),
    // §10
    Platform{.id = "tiktok",
             .display_name = "TikTok",
             .client_id_param = "client_key",
             .client_auth = ClientAuth::body,
             .scope_separator = ',',
             .granted_scope_separator = ',',
             .pkce = Pkce::ignored,
             .max_state_length = 0,
             .response_type_optional = false,
             .known_scopes = kTikTokScopes,
             .required_authorize_params = {},
             .optional_authorize_params = {},
             .callback_scope = false,
             .callback_fragment = "",
             .denial_params = {},
             .code_ttl = 10min,
             .access_ttl = 86400s,
             .refresh_ttl = 31536000s,
             .long_lived_ttl = 0s,
             .refresh_issued = RefreshIssued::always,
             .refresh_grant = RefreshGrant::rotates,
             .token_shape = TokenShape::tiktok,
             .token_via_get = false,
             .grant_type_optional = false,
             .graph_exchange = false,
             .access_token_parameter = false,
             .oauth_errors = OAuthErrorStyle::tiktok,
             .api_errors = ApiErrorStyle::tiktok,
             .default_accounts = 1},
    // §7, §8
    google_login("youtube", "YouTube"),
    // §4
    graph_login("facebook", "Facebook"),
    // §11
    Platform{.id = "threads",
             .display_name = "Threads",
             .client_id_param = "client_id",
             .client_auth = ClientAuth::body,
             .scope_separator = ',',
             .granted_scope_separator = ',',
             .pkce = Pkce::ignored,
             .max_state_length = 0,
             .response_type_optional = false,
             .known_scopes = kThreadsScopes,
             .required_authorize_params = {},
             .optional_authorize_params = {},
             .callback_scope = false,
             .callback_fragment = "",
             .denial_params = {},
             .code_ttl = 10min,
             .access_ttl = 3600s,  // the short-lived token
             .refresh_ttl = 0s,
             .long_lived_ttl = kGraphLongLived,  // th_exchange_token and th_refresh_token, §11
             .refresh_issued = RefreshIssued::never,
             .refresh_grant = RefreshGrant::unsupported,  // refreshed by th_refresh_token instead
             .token_shape = TokenShape::threads_short,
             .token_via_get = true,
             .grant_type_optional = false,
             .graph_exchange = false,
             .access_token_parameter = true,
             .oauth_errors = OAuthErrorStyle::graph,
             .api_errors = ApiErrorStyle::graph,
             .default_accounts = 1},
    // §12
    Platform{.id = "pinterest",
             .display_name = "Pinterest",
             .client_id_param = "client_id",
             .client_auth = ClientAuth::basic,
             .scope_separator = ',',
             .granted_scope_separator = ',',
             .pkce = Pkce::ignored,
             .max_state_length = 0,
             .response_type_optional = false,
             .known_scopes = kPinterestScopes,
             .required_authorize_params = {},
             .optional_authorize_params = {},
             .callback_scope = false,
             .callback_fragment = "",
             .denial_params = {},
             .code_ttl = 10min,
             .access_ttl = 2592000s,
             .refresh_ttl = 5184000s,
             .long_lived_ttl = 0s,
             .refresh_issued = RefreshIssued::always,
             .refresh_grant = RefreshGrant::rotates,
             .token_shape = TokenShape::pinterest,
             .token_via_get = false,
             .grant_type_optional = false,
             .graph_exchange = false,
             .access_token_parameter = false,
             .oauth_errors = OAuthErrorStyle::oauth,
             .api_errors = ApiErrorStyle::pinterest,
             .default_accounts = 1},
    // §13
    Platform{.id = "reddit",
             .display_name = "Reddit",
             .client_id_param = "client_id",
             .client_auth = ClientAuth::basic,
             .scope_separator = ' ',
             .granted_scope_separator = ' ',
             .pkce = Pkce::ignored,
             .max_state_length = 0,
             .response_type_optional = false,
             .known_scopes = kRedditScopes,
             .required_authorize_params = kRedditRequiredParams,
             .optional_authorize_params = {},
             .callback_scope = false,
             .callback_fragment = "",
             .denial_params = {},
             .code_ttl = 10min,
             .access_ttl = 3600s,
             .refresh_ttl = 0s,
             .long_lived_ttl = 0s,
             .refresh_issued = RefreshIssued::with_duration_permanent,
             .refresh_grant = RefreshGrant::keeps,
             .token_shape = TokenShape::reddit,
             .token_via_get = false,
             .grant_type_optional = false,
             .graph_exchange = false,
             .access_token_parameter = false,
             .oauth_errors = OAuthErrorStyle::reddit,
             .api_errors = ApiErrorStyle::reddit,
             .default_accounts = 1},
    // §7, §9
    google_login("google_business", "Google Business Profile"),
};

}  // namespace

std::span<const Platform> all_platforms() { return kPlatforms; }

const Platform* find_platform(std::string_view id) {
  for (const auto& p : kPlatforms)
    if (p.id == id) return &p;
  return nullptr;
}

}  // namespace postfuze::sim
