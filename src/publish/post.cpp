#include "publish/post.hpp"

#include <array>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace postfuze::publish {

namespace json = boost::json;

namespace {

std::string text_or(const json::object& o, std::string_view key) {
  if (const auto* v = o.if_contains(key); v && v->is_string()) return std::string(v->as_string());
  return {};
}

std::optional<std::string> optional_text(const json::object& o, std::string_view key) {
  if (const auto* v = o.if_contains(key); v && v->is_string()) return std::string(v->as_string());
  return std::nullopt;
}

json::value error_json(const TargetError& e) {
  json::object o{{"code", e.code}, {"message", e.message}, {"retryable", e.retryable}};
  o["platform_status"] = e.platform_status ? json::value(*e.platform_status) : json::value(nullptr);
  return o;
}

std::optional<TargetError> error_from(const json::value& v) {
  if (!v.is_object()) return std::nullopt;
  const auto& o = v.as_object();
  TargetError e{text_or(o, "code"), text_or(o, "message"), false, std::nullopt};
  if (const auto* r = o.if_contains("retryable"); r && r->is_bool()) e.retryable = r->as_bool();
  if (const auto* s = o.if_contains("platform_status"); s && s->is_int64()) e.platform_status = static_cast<int>(s->as_int64());
  return e;
}

}  // namespace

bool is_post_status(std::string_view s) {
  static constexpr std::array kAll{kDraft, kScheduled, kQueued, kPublishing, kPublished, kPartial, kFailed, kCanceled};
  for (auto k : kAll)
    if (k == s) return true;
  return false;
}

bool is_settled_post_status(std::string_view s) {
  return s == kPublished || s == kPartial || s == kFailed || s == kCanceled;
}

std::string_view role_for(int position) {
  if (position == 0) return "main";
  if (position == 1) return "first_comment";
  return "thread";
}

std::string containers_to_text(const std::vector<Container>& containers) {
  json::array out;
  for (const auto& c : containers) {
    json::array media;
    for (const auto& m : c.media) {
      json::object item{{"id", m.id}};
      item["alt_text"] = m.alt_text ? json::value(*m.alt_text) : json::value(nullptr);
      media.push_back(std::move(item));
    }
    out.push_back(json::object{{"id", c.id},
                               {"position", c.position},
                               {"role", c.role},
                               {"content", c.content},
                               {"media", std::move(media)}});
  }
  return json::serialize(out);
}

std::vector<Container> containers_from_text(std::string_view text) {
  std::vector<Container> out;
  const json::value v = json::parse(text);
  for (const auto& item : v.as_array()) {
    const auto& o = item.as_object();
    Container c{text_or(o, "id"), static_cast<int>(o.at("position").as_int64()), text_or(o, "role"),
                text_or(o, "content"), {}};
    if (const auto* media = o.if_contains("media"); media && media->is_array())
      for (const auto& m : media->as_array())
        c.media.push_back({text_or(m.as_object(), "id"), optional_text(m.as_object(), "alt_text")});
    out.push_back(std::move(c));
  }
  return out;
}

std::string replies_to_text(const std::vector<ReplyState>& replies) {
  json::array out;
  for (const auto& r : replies) {
    json::object o{{"container_id", r.container_id}, {"position", r.position}, {"status", r.status}};
    o["platform_post_id"] = r.platform_post_id ? json::value(*r.platform_post_id) : json::value(nullptr);
    o["platform_post_url"] = r.platform_post_url ? json::value(*r.platform_post_url) : json::value(nullptr);
    o["ref"] = r.ref_extra;
    o["error"] = error_to_json(r.error);
    out.push_back(std::move(o));
  }
  return json::serialize(out);
}

std::vector<ReplyState> replies_from_text(std::string_view text) {
  std::vector<ReplyState> out;
  const json::value v = json::parse(text);
  for (const auto& item : v.as_array()) {
    const auto& o = item.as_object();
    ReplyState r;
    r.container_id = text_or(o, "container_id");
    r.position = static_cast<int>(o.at("position").as_int64());
    r.status = text_or(o, "status");
    r.platform_post_id = optional_text(o, "platform_post_id");
    r.platform_post_url = optional_text(o, "platform_post_url");
    if (const auto* ref = o.if_contains("ref"); ref && ref->is_object()) r.ref_extra = ref->as_object();
    if (const auto* e = o.if_contains("error")) r.error = error_from(*e);
    out.push_back(std::move(r));
  }
  return out;
}

json::value error_to_json(const std::optional<TargetError>& e) { return e ? error_json(*e) : json::value(nullptr); }

std::optional<TargetError> error_from_text(const std::optional<std::string>& text) {
  if (!text || text->empty()) return std::nullopt;
  return error_from(json::parse(*text));
}

}  // namespace postfuze::publish
