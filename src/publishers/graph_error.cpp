#include "publishers/graph_error.hpp"

#include "publishers/facebook_publisher.hpp"
#include "publishers/http_outcome.hpp"
#include "publishers/media_by_url.hpp"
#include "publishers/publish_steps.hpp"

namespace postfuze::publishers {

PublishResult graph_refusal(const PublishContext& ctx, const net::OutboundResult& r, bool media) {
  PublishResult out = refusal(r, ctx.clock, {});
  if (!r.response) return out;
  const auto body = json_object(r.response->body);
  const auto* e = body ? body->if_contains("error") : nullptr;
  if (e == nullptr || !e->is_object()) return out;
  const auto& err = e->get_object();
  auto number = [&](std::string_view key) -> int {
    const auto* n = err.if_contains(key);
    return n != nullptr && n->is_int64() ? static_cast<int>(n->get_int64()) : 0;
  };
  if (const auto* m = err.if_contains("message"); m != nullptr && m->is_string()) out.message = safe_message(m->get_string());
  if (const auto* t = err.if_contains("fbtrace_id"); t != nullptr && t->is_string())
    out.platform_request_id = safe_message(t->get_string());
  const int code = number("code"), subcode = number("error_subcode");
  if (auto verdict = graph_outcome(code, subcode)) {
    out.outcome = verdict->outcome;
    out.error_code = verdict->error_code;
    // A Graph throttle may come without Retry-After: the engine picks the pause.
  }
  if (media)
    if (auto verdict = graph_media_outcome(code, subcode)) {
      out.outcome = verdict->outcome;
      out.error_code = std::string(verdict->error_code);
    }
  return out;
}

}  // namespace postfuze::publishers
