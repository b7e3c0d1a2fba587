// SimState: everything the simulator remembers between requests — registered
// apps, scenarios, pending consent requests, authorization codes, tokens,
// counters and the recent-request log — behind one mutex.
//
// Handlers read and change it through with(), which holds the mutex for the
// duration of the callback: keep callbacks short and never co_await, render a
// response or call count()/record() inside one (the mutex is not recursive).
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include <boost/json/object.hpp>

#include "sim/platform.hpp"
#include "sim/publish_faults.hpp"
#include "sim/scenario.hpp"
#include "sim/sim_upload.hpp"

namespace postfuze::sim {

// One OAuth app registered through POST /_sim/apps.
struct App {
  std::string client_secret;
  std::vector<std::string> redirect_uris;  // compared byte for byte
};

// What one user approved for one app. Identity, sub-account count and scopes
// are fixed when the user authorizes, so tokens keep answering for the person
// who logged in even after the scenario changes.
struct Grant {
  const Platform* platform = nullptr;
  std::string client_id;
  Identity user;
  int accounts = 0;
  std::vector<std::string> scopes;
  bool refresh_token = false;  // the code exchange issues a refresh token
};

// A validated authorize request: waiting on the consent page, or behind a code.
struct Authorization {
  std::shared_ptr<const Grant> grant;
  std::string redirect_uri;
  std::string state;
  std::string code_challenge;         // empty: no PKCE
  std::string code_challenge_method;  // "S256" or "plain" when a challenge is set
  core::TimePoint expires;            // of the consent page
};

struct Code {
  Authorization authorization;
  core::TimePoint expires;
  bool used = false;
  std::vector<std::string> issued;  // tokens minted from it, revoked if the code is replayed
};

enum class TokenKind {
  access,       // a plain OAuth access token
  short_lived,  // Graph / Threads user token from the code exchange
  long_lived,   // Graph / Threads long-lived user token
  page,         // a Facebook Page (or Instagram-linked Page) token; `page` is its 1-based index
  refresh,
};

struct Token {
  TokenKind kind = TokenKind::access;
  std::shared_ptr<const Grant> grant;
  std::optional<core::TimePoint> expires;  // nullopt: does not expire
  bool revoked = false;
  int page = 0;

  bool live(core::TimePoint now) const { return !revoked && (!expires || now < *expires); }
  bool bearer() const { return kind != TokenKind::refresh; }
};

// Per-platform counters (GET /_sim/stats); never renumber without kCounterNames.
enum class Counter {
  authorize,
  consent,
  token,
  refresh,
  identity,
  sub_accounts,
  long_lived,
  rejected,
  revoke,
  publish
};
inline constexpr std::array<std::string_view, 10> kCounterNames{
    "authorize", "consent", "token", "refresh", "identity", "sub_accounts", "long_lived", "rejected", "revoke",
    "publish"};

struct RecordedRequest {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;  // lowercase names, in arrival order
  std::string body;
  int status = 0;
};

// Bluesky mode (bluesky.hpp): an account registered through
// POST /_sim/bluesky/accounts, and the sessions createSession issued.
struct BlueskyAccount {
  std::string handle;  // lowercase
  std::string did;
  std::string email;  // empty: none
  std::string app_password;
  std::string password;  // the main account password; empty: none
  std::string display_name;
};

struct BlueskySession {
  std::string did;
  bool refresh = false;       // a refresh JWT (else an access JWT)
  bool app_password = false;  // minted from the app password (revoke_app_password kills it)
  core::TimePoint expires;
  bool revoked = false;  // rotated away by refreshSession
};

struct BlueskyScenario {
  bool down = false;                 // every PDS call answers 503
  bool revoke_app_password = false;  // the app password and its sessions stop working
  bool rate_limited = false;         // createSession answers 429 RateLimitExceeded
};

// A post, reply or comment a publish call created (GET /_sim/posts). Ids
// are the platform's own (X tweet id, Threads media id, Reddit id36, Bluesky
// at:// URI); `author` is the acting user, Page or DID.
struct SimPost {
  std::string platform;
  std::string id;
  std::string author;
  std::string text;
  std::string parent_id;  // empty: a root post
  std::string root_id;    // empty: a root post
  core::TimePoint created;
  boost::json::object extra;  // platform-specific facts (title, subreddit, cid, record, …)
};

// A created but unpublished media container (Threads' two-step publish, and
// any platform that creates first and publishes later).
struct SimContainer {
  std::string platform;
  std::string author;
  boost::json::object fields;  // what the create call set (media_type, text, reply_to_id, …)
  std::string published_id;    // empty until published (a container publishes once)
  core::TimePoint created;
};

class SimState {
 public:
  static constexpr std::size_t kRequestLogSize = 50;

  struct Data {
    std::map<std::pair<std::string, std::string>, App> apps;  // (platform, client_id)
    std::map<std::string, Scenario, std::less<>> scenarios;   // by platform
    std::map<std::string, Authorization> pending;             // by consent request id
    std::map<std::string, Code> codes;
    std::map<std::string, Token> tokens;
    std::map<std::string, std::array<long, kCounterNames.size()>, std::less<>> counters;
    std::map<std::string, std::deque<RecordedRequest>, std::less<>> requests;
    std::vector<BlueskyAccount> bluesky_accounts;
    std::map<std::string, BlueskySession> bluesky_sessions;  // by JWT
    BlueskyScenario bluesky;
    std::map<std::string, long, std::less<>> bluesky_counters;
    std::map<std::string, PublishFaults, std::less<>> publish_faults;  // by platform ("bluesky" too)
    std::vector<SimPost> posts;                                        // in creation order
    std::map<std::string, SimContainer> containers;                    // by container id
    std::map<std::string, SimUpload> uploads;                          // by upload id (media_uploads.hpp)
    std::uint64_t next_id = 1;  // feeds post ids: unique and increasing within a run

    Scenario scenario(std::string_view platform) const;
    const App* app(std::string_view platform, std::string_view client_id) const;
  };

  template <typename F>
  auto with(F&& f) {
    std::lock_guard lock(mu_);
    return f(data_);
  }

  Scenario scenario(std::string_view platform);
  PublishFaults publish_faults(std::string_view platform);
  void count(std::string_view platform, Counter counter);
  // Keeps the newest kRequestLogSize requests per platform.
  void record(std::string_view platform, RecordedRequest request);
  void reset();

 private:
  std::mutex mu_;
  Data data_;
};

}  // namespace postfuze::sim
