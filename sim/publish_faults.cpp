#include "sim/publish_faults.hpp"

#include <array>

namespace postfuze::sim {

namespace {

namespace json = boost::json;

constexpr std::array<std::string_view, 3> kKnobs{"publish_error", "publish_delay_ms", "created_then_timeout"};

// An integer in [lo, hi], or a problem.
std::string read_int(const json::value& v, int lo, int hi, int& out) {
  if (!v.is_int64() && !v.is_uint64()) return "must be an integer";
  const auto n = v.is_int64() ? v.as_int64() : static_cast<std::int64_t>(v.as_uint64());
  if (n < lo || n > hi) return "must be between " + std::to_string(lo) + " and " + std::to_string(hi);
  out = static_cast<int>(n);
  return {};
}

std::string read_error(const json::value& v, std::string_view platform, std::optional<InjectedPublishError>& out) {
  if (v.is_null()) {
    out.reset();
    return {};
  }
  if (!v.is_object()) return "must be an object {\"status\",\"count\"?,\"retry_after\"?,\"code\"?,\"message\"?,\"path\"?} or null";
  InjectedPublishError e;
  bool has_status = false;
  for (const auto& [key, value] : v.as_object()) {
    std::string problem;
    if (key == "status") {
      has_status = true;
      problem = read_int(value, 200, 599, e.status);
    } else if (key == "count") {
      int n = 0;
      problem = read_int(value, 1, 1'000'000, n);
      e.remaining = n;
    } else if (key == "retry_after") {
      problem = read_int(value, 0, 86'400, e.retry_after);
    } else if (key == "code" || key == "message") {
      if (!value.is_string()) problem = "must be a string";
      else (key == "code" ? e.code : e.message) = value.as_string();
    } else if (key == "path") {
      if (!value.is_string() || !value.as_string().starts_with("/")) problem = "must be a path starting with /";
      else e.path = value.as_string();
    } else {
      return "has an unknown member " + std::string(key);
    }
    if (!problem.empty()) return std::string(key) + " " + problem;
  }
  if (!has_status) return "needs a status";
  // Reddit alone answers refusals as HTTP 200 with json.errors (platforms.md §13).
  const bool ok_allowed = platform == "reddit";
  if (e.status < 400 && !(ok_allowed && e.status == 200))
    return ok_allowed ? "status must be 200 (json.errors) or 400-599" : "status must be 400-599";
  if (e.status == 200 && e.code.empty()) return "status 200 needs a code (e.g. RATELIMIT)";
  out = std::move(e);
  return {};
}

std::string read_created_then_timeout(const json::value& v, std::optional<CreatedThenTimeout>& out) {
  if (v.is_null()) {
    out.reset();
    return {};
  }
  if (!v.is_object()) return "must be an object {\"delay_ms\",\"count\"?} or null";
  CreatedThenTimeout c;
  bool has_delay = false;
  for (const auto& [key, value] : v.as_object()) {
    std::string problem;
    if (key == "delay_ms") {
      has_delay = true;
      problem = read_int(value, 1, 600'000, c.delay_ms);
    } else if (key == "count") {
      problem = read_int(value, 1, 1'000'000, c.remaining);
    } else {
      return "has an unknown member " + std::string(key);
    }
    if (!problem.empty()) return std::string(key) + " " + problem;
  }
  if (!has_delay) return "needs delay_ms";
  out = c;
  return {};
}

}  // namespace

bool is_publish_knob(std::string_view name) {
  for (auto k : kKnobs)
    if (k == name) return true;
  return false;
}

PublishKnobResult merge_publish_knobs(const PublishFaults& faults, const json::object& knobs,
                                      std::string_view platform) {
  PublishFaults next = faults;
  for (const auto& [key, value] : knobs) {
    std::string problem;
    if (key == "publish_error")
      problem = read_error(value, platform, next.error);
    else if (key == "publish_delay_ms")
      problem = read_int(value, 0, 600'000, next.delay_ms);
    else if (key == "created_then_timeout")
      problem = read_created_then_timeout(value, next.created_then_timeout);
    else
      continue;
    if (!problem.empty()) return {std::nullopt, std::string(key) + " " + problem};
  }
  return {std::move(next), {}};
}

void add_publish_knobs(json::object& out, const PublishFaults& f) {
  if (f.error) {
    json::object e{{"status", f.error->status}};
    e["count"] = f.error->remaining ? json::value(*f.error->remaining) : json::value(nullptr);
    e["retry_after"] = f.error->retry_after;
    e["code"] = f.error->code;
    e["message"] = f.error->message;
    e["path"] = f.error->path;
    out["publish_error"] = std::move(e);
  } else {
    out["publish_error"] = nullptr;
  }
  out["publish_delay_ms"] = f.delay_ms;
  if (f.created_then_timeout)
    out["created_then_timeout"] = {{"delay_ms", f.created_then_timeout->delay_ms},
                                   {"count", f.created_then_timeout->remaining}};
  else
    out["created_then_timeout"] = nullptr;
}

}  // namespace postfuze::sim
