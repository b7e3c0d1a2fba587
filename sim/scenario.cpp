#include "sim/scenario.hpp"

#include <array>
#include <functional>

namespace postfuze::sim {

namespace {

namespace json = boost::json;

std::string_view to_string(Consent c) {
  switch (c) {
    case Consent::page:
      return "page";
    case Consent::auto_approve:
      return "auto_approve";
    case Consent::auto_deny:
      return "auto_deny";
  }
  return "page";
}

// Reads an integer knob in [lo, hi]; returns a problem or "".
std::string read_int(const json::value& v, int lo, int hi, int& out) {
  if (!v.is_int64() && !v.is_uint64()) return "must be an integer";
  const auto n = v.is_int64() ? v.as_int64() : static_cast<std::int64_t>(v.as_uint64());
  if (n < lo || n > hi) return "must be between " + std::to_string(lo) + " and " + std::to_string(hi);
  out = static_cast<int>(n);
  return {};
}

// An injected status is 0 (off) or an error status.
std::string read_status(const json::value& v, int& out) {
  int n = 0;
  if (auto p = read_int(v, 0, 599, n); !p.empty()) return p;
  if (n != 0 && n < 400) return "must be 0 (off) or an HTTP error status (400-599)";
  out = n;
  return {};
}

// Ids end up in URL paths and derived ids: keep them to unreserved characters.
bool path_safe(std::string_view s) {
  if (s.empty() || s.size() > 100) return false;
  for (unsigned char c : s)
    if (!std::isalnum(c) && c != '-' && c != '_' && c != '.') return false;
  return true;
}

std::string read_user(const json::value& v, std::optional<Identity>& out) {
  if (v.is_null()) {
    out.reset();
    return {};
  }
  if (!v.is_object()) return "must be an object {\"id\",\"username\",\"name\"} or null";
  const auto& o = v.as_object();
  Identity id;
  for (const auto& [key, value] : o) {
    if (!value.is_string()) return std::string(key) + " must be a string";
    if (key == "id")
      id.id = value.as_string();
    else if (key == "username")
      id.username = value.as_string();
    else if (key == "name")
      id.name = value.as_string();
    else
      return "has an unknown member " + std::string(key);
  }
  if (!path_safe(id.id)) return "id must be 1-100 characters of [A-Za-z0-9._-]";
  if (id.username.empty()) id.username = id.id;
  if (id.name.empty()) id.name = id.id;
  out = std::move(id);
  return {};
}

struct Knob {
  std::string_view name;
  std::function<std::string(Scenario&, const json::value&)> apply;  // returns a problem or ""
};

const std::array<Knob, 10> kKnobs{
    Knob{"consent",
         [](Scenario& s, const json::value& v) -> std::string {
           for (auto c : {Consent::page, Consent::auto_approve, Consent::auto_deny})
             if (v.is_string() && v.as_string() == to_string(c)) {
               s.consent = c;
               return {};
             }
           return "must be \"page\", \"auto_approve\" or \"auto_deny\"";
         }},
    Knob{"accounts",
         [](Scenario& s, const json::value& v) -> std::string {
           if (v.is_null()) {
             s.accounts.reset();
             return {};
           }
           int n = 0;
           auto p = read_int(v, 0, 1000, n);
           if (p.empty()) s.accounts = n;
           return p;
         }},
    Knob{"user", [](Scenario& s, const json::value& v) { return read_user(v, s.user); }},
    Knob{"token_status", [](Scenario& s, const json::value& v) { return read_status(v, s.token_status); }},
    Knob{"identity_status", [](Scenario& s, const json::value& v) { return read_status(v, s.identity_status); }},
    Knob{"sub_accounts_status",
         [](Scenario& s, const json::value& v) { return read_status(v, s.sub_accounts_status); }},
    Knob{"token_delay_ms", [](Scenario& s, const json::value& v) { return read_int(v, 0, 600'000, s.token_delay_ms); }},
    Knob{"api_delay_ms", [](Scenario& s, const json::value& v) { return read_int(v, 0, 600'000, s.api_delay_ms); }},
    Knob{"revoke_refresh",
         [](Scenario& s, const json::value& v) -> std::string {
           if (!v.is_bool()) return "must be true or false";
           s.revoke_refresh = v.as_bool();
           return {};
         }},
    Knob{"error",
         [](Scenario& s, const json::value& v) -> std::string {
           if (v.is_null()) {
             s.error.clear();
             return {};
           }
           if (!v.is_string()) return "must be an OAuth error code string or null";
           s.error = v.as_string();
           return {};
         }},
};

}  // namespace

KnobResult merge_knobs(const Scenario& scenario, const json::object& knobs) {
  Scenario next = scenario;
  for (const auto& [key, value] : knobs) {
    if (key == "platform") continue;
    const Knob* knob = nullptr;
    for (const auto& k : kKnobs)
      if (k.name == key) knob = &k;
    if (!knob) return {std::nullopt, "unknown knob \"" + std::string(key) + "\""};
    if (auto problem = knob->apply(next, value); !problem.empty())
      return {std::nullopt, std::string(key) + " " + problem};
  }
  return {std::move(next), {}};
}

Identity default_user(const Platform& platform) {
  std::string username(platform.id);
  username += "_user_1";
  return {std::string(platform.id) + "-user-1", std::move(username), std::string(platform.display_name) + " User 1"};
}

Identity user_of(const Scenario& scenario, const Platform& platform) {
  return scenario.user ? *scenario.user : default_user(platform);
}

int accounts_of(const Scenario& scenario, const Platform& platform) {
  return scenario.accounts.value_or(platform.default_accounts);
}

json::object to_json(const Scenario& s, const Platform& platform) {
  const Identity user = user_of(s, platform);
  return {{"platform", platform.id},
          {"consent", to_string(s.consent)},
          {"accounts", accounts_of(s, platform)},
          {"user", {{"id", user.id}, {"username", user.username}, {"name", user.name}}},
          {"token_status", s.token_status},
          {"identity_status", s.identity_status},
          {"sub_accounts_status", s.sub_accounts_status},
          {"token_delay_ms", s.token_delay_ms},
          {"api_delay_ms", s.api_delay_ms},
          {"revoke_refresh", s.revoke_refresh},
          {"error", s.error.empty() ? json::value(nullptr) : json::value(s.error)}};
}

}  // namespace postfuze::sim
