#include "publishers/publish_steps.hpp"

#include "publishers/http_outcome.hpp"

namespace postfuze::publishers {

std::string first_code_points(std::string_view s, std::size_t n) {
  std::size_t i = 0, seen = 0;
  while (i < s.size()) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {  // a lead byte starts a code point
      if (seen == n) break;
      ++seen;
    }
    ++i;
  }
  return std::string(s.substr(0, i));
}

bool succeeded(const net::OutboundResult& r) {
  return !r.failure && r.response && r.response->status >= 200 && r.response->status < 300;
}

PublishResult refusal(const net::OutboundResult& r, const core::Clock& clock, std::string message) {
  if (auto failed = transport_failure(r)) return *failed;
  return by_status(*r.response, clock, std::move(message));
}

PublishResult created(const net::OutboundResult& r, PlatformRef ref) {
  PublishResult out;
  out.outcome = Outcome::created;
  out.ref = std::move(ref);
  out.platform_status = r.response->status;
  out.platform_request_id = request_id(*r.response);
  return out;
}

PublishResult missing_root(const PublishItem& item) {
  PublishResult out;
  out.outcome = Outcome::permanent;
  out.error_code = kPlatformRejected;
  out.message = "Container " + std::to_string(item.position) + " has no root post to comment on.";
  return out;
}

PublishResult not_supported(std::string_view why) {
  PublishResult out;
  out.outcome = Outcome::permanent;
  out.error_code = kPlatformRejected;
  out.message = std::string(why);
  return out;
}

PublishResult invalid_config(const core::Error& error) {
  PublishResult out;
  out.outcome = Outcome::permanent;
  out.error_code = std::string(core::to_string(error.code));
  out.message = error.fields.empty() ? error.detail : error.fields.front().field + ": " + error.fields.front().message;
  return out;
}

boost::asio::awaitable<Listing> get_listing(net::HttpClient& http, net::OutboundRequest request) {
  const net::OutboundResult r = co_await http.send(std::move(request));
  Listing out;
  if (!succeeded(r)) {
    out.problem = r.failure ? "listing failed: " + std::string(net::to_string(*r.failure))
                            : "listing answered " + std::to_string(r.response->status);
    co_return out;
  }
  out.object = json_object(r.response->body);
  if (!out.object) out.problem = "listing answer is not a JSON object";
  co_return out;
}

std::vector<const boost::json::object*> objects_in(const boost::json::object& o, std::string_view key) {
  std::vector<const boost::json::object*> out;
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_array()) return out;
  for (const auto& item : v->get_array())
    if (item.is_object()) out.push_back(&item.get_object());
  return out;
}

LookupResult found(PlatformRef ref) { return LookupResult{LookupOutcome::found, std::move(ref), {}}; }

LookupResult absent() { return LookupResult{LookupOutcome::absent, std::nullopt, {}}; }

LookupResult unavailable(const Listing& listing) {
  return LookupResult{LookupOutcome::unavailable, std::nullopt, listing.problem};
}

}  // namespace postfuze::publishers
