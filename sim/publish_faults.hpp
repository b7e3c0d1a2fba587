// PublishFaults: the scenario knobs that make one platform's publish calls
// misbehave (POST /_sim/scenario {"platform":P, "publish_error":…,
// "publish_delay_ms":…, "created_then_timeout":…}). They apply to the
// create calls of P (publish_routes.hpp), Bluesky included, and sit beside
// the OAuth knobs of scenario.hpp: control.cpp splits a scenario request
// between the two. Plain data; SimState guards it.
//
//   publish_error         {"status":400-599 (200 on reddit: json.errors),
//                          "count"?:n (calls that fail, then the knob clears; absent: every call),
//                          "retry_after"?:seconds (Retry-After header), "code"?, "message"?,
//                          "path"?:prefix (only create calls whose path starts with it, e.g. an upload URL's)} | null
//   publish_delay_ms      every publish call (create and lookup) answers this much later
//   created_then_timeout  {"delay_ms":N, "count"?:n (default 1)} | null: the post is created
//                          and stored, then the answer waits delay_ms (a client with a shorter
//                          timeout sees a timeout although the post exists)
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace postfuze::sim {

struct InjectedPublishError {
  int status = 500;
  std::optional<int> remaining;  // nullopt: every call
  int retry_after = 0;           // seconds; 0: no Retry-After header
  std::string code;              // empty: the platform's usual code for the status
  std::string message;           // empty: "Simulated failure (publish_error)"
  std::string path;              // non-empty: only create calls whose request path starts with this
};

struct CreatedThenTimeout {
  int delay_ms = 0;
  int remaining = 1;
};

struct PublishFaults {
  std::optional<InjectedPublishError> error;
  int delay_ms = 0;
  std::optional<CreatedThenTimeout> created_then_timeout;
};

// True for the knob names this file owns.
bool is_publish_knob(std::string_view name);

// Applies the publish knobs of `knobs` (others are ignored) to a copy of
// `faults`; nullopt plus a message naming the first bad knob otherwise.
// `platform` decides whether status 200 is allowed (reddit only).
struct PublishKnobResult {
  std::optional<PublishFaults> faults;
  std::string problem;
};
PublishKnobResult merge_publish_knobs(const PublishFaults& faults, const boost::json::object& knobs,
                                      std::string_view platform);

// Adds "publish_error", "publish_delay_ms" and "created_then_timeout" to `out`.
void add_publish_knobs(boost::json::object& out, const PublishFaults& faults);

}  // namespace postfuze::sim
