#include "api/post_request.hpp"

#include <algorithm>
#include <chrono>

#include "api/body_reader.hpp"

namespace postfuze::api {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxContentBytes = 100'000;
constexpr auto kMaxHorizon = std::chrono::hours(24 * 366 * 2);

// `media`: ids, or {"id", "alt_text"} objects (D30).
void read_media(BodyReader& reader, const json::value& v, const std::string& field,
                std::vector<publish::MediaInput>& out) {
  if (!v.is_array()) {
    reader.fail(field, "Must be an array of media ids or {\"id\", \"alt_text\"} objects.", "type");
    return;
  }
  for (std::size_t i = 0; i < v.as_array().size(); ++i) {
    const auto& m = v.as_array()[i];
    const std::string f = field + "." + std::to_string(i);
    if (m.is_string()) {
      out.push_back({std::string(m.as_string()), std::nullopt});
    } else if (m.is_object() && m.as_object().if_contains("id") && m.as_object().at("id").is_string()) {
      publish::MediaInput item{std::string(m.as_object().at("id").as_string()), std::nullopt};
      if (const auto* alt = m.as_object().if_contains("alt_text"); alt && alt->is_string())
        item.alt_text = std::string(alt->as_string());
      out.push_back(std::move(item));
    } else {
      reader.fail(f, "Must be a media id or {\"id\", \"alt_text\"}.", "type");
    }
  }
}

}  // namespace

core::Result<publish::PostRequest> parse_post_request(const json::object& body, core::TimePoint now) {
  BodyReader reader(body);
  reader.allow_only({"accounts", "content", "containers", "scheduled_at", "queued_from_account", "is_draft",
                     "external_ref", "tenant_id", "config", "x", "linkedin", "instagram", "tiktok", "youtube",
                     "facebook", "threads", "pinterest", "reddit", "google_business", "bluesky"});
  publish::PostRequest r;
  r.body = body;
  if (auto ids = reader.strings("accounts", publish::kMaxTargets, true)) {
    if (ids->empty()) reader.fail("accounts", "Name at least one account.", "required");
    for (std::size_t i = 0; i < ids->size(); ++i)
      if (std::find(ids->begin(), ids->begin() + static_cast<std::ptrdiff_t>(i), (*ids)[i]) !=
          ids->begin() + static_cast<std::ptrdiff_t>(i))
        reader.fail("accounts." + std::to_string(i), "This account is listed twice.", "duplicate");
    r.account_ids = std::move(*ids);
  }

  const bool has_content = reader.has("content"), has_containers = reader.has("containers");
  if (has_content && has_containers)
    reader.fail("containers", "Send either content or containers, not both.", "conflict");
  else if (!has_content && !has_containers)
    reader.fail("content", "Send content or containers.", "required");
  if (has_content) {
    if (auto c = reader.string("content", kMaxContentBytes)) r.containers.push_back({std::move(*c), {}});
  } else if (has_containers) {
    const auto& v = body.at("containers");
    if (!v.is_array() || v.as_array().empty() || v.as_array().size() > publish::kMaxContainers) {
      reader.fail("containers", "Must be an array of 1 to 10 containers.", "type");
    } else {
      for (std::size_t i = 0; i < v.as_array().size(); ++i) {
        const std::string f = "containers." + std::to_string(i);
        const auto& item = v.as_array()[i];
        if (!item.is_object()) {
          reader.fail(f, "Must be an object {\"content\", \"media\"}.", "type");
          continue;
        }
        publish::ContainerInput c;
        BodyReader inner(item.as_object());
        inner.allow_only({"content", "media"});
        if (auto text = inner.string("content", kMaxContentBytes)) c.content = std::move(*text);
        if (const auto* m = item.as_object().if_contains("media"); m && !m->is_null())
          read_media(inner, *m, "media", c.media);
        if (!inner.ok())
          for (const auto& e : inner.error().fields) reader.fail(f + "." + e.field, e.message, e.code);
        r.containers.push_back(std::move(c));
      }
    }
  }

  r.is_draft = reader.boolean("is_draft").value_or(false);
  r.scheduled_at = reader.timestamp("scheduled_at");
  if (r.scheduled_at && !r.is_draft) {
    if (*r.scheduled_at <= now) reader.fail("scheduled_at", "Must be in the future.", "past");
    else if (*r.scheduled_at > now + kMaxHorizon) reader.fail("scheduled_at", "Must be within two years.", "too_far");
  }
  if (reader.has("queued_from_account"))
    reader.fail("queued_from_account", "Posting slots are not available on this server yet; send scheduled_at.",
                "not_supported");
  r.external_ref = reader.string("external_ref", 255);
  if (r.external_ref && r.external_ref->empty()) reader.fail("external_ref", "Must not be empty.", "invalid");
  r.tenant_id = reader.string("tenant_id", 255);
  if (const auto* c = body.if_contains("config"); c && !c->is_null() && !c->is_object())
    reader.fail("config", "Must be an object keyed by platform.", "type");
  if (!reader.ok()) return reader.error();
  return r;
}

}  // namespace postfuze::api
