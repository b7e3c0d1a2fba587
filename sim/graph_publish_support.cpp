#include "sim/graph_publish_support.hpp"

#include <boost/json/parse.hpp>

#include "crypto/encoding.hpp"
#include "sim/wire.hpp"

namespace postfuze::sim::publish {

namespace json = boost::json;
using http::bhttp::field;

http::Response graph_refusal(PublishCall& pc, int status, int code, int subcode, std::string_view message,
                             std::string_view type) {
  pc.rejected();
  json::object inner{{"message", message}, {"type", type}, {"code", code}};
  if (subcode) inner["error_subcode"] = subcode;
  inner["fbtrace_id"] = crypto::hex_encode(pc.sim.random.bytes(10));
  return http::json_response(static_cast<http::bhttp::status>(status), json::object{{"error", std::move(inner)}});
}

std::optional<json::object> graph_parameters(PublishCall& pc) {
  json::object out;
  for (const auto& [k, v] : pc.query.items())
    if (k != "access_token") out[k] = v;
  const std::string& body = pc.req.message.body();
  if (body.empty()) return out;
  const std::string_view type = pc.req.header(field::content_type);
  if (type.starts_with("application/json")) {
    boost::system::error_code ec;
    json::value v = json::parse(body, ec);
    if (ec || !v.is_object()) return std::nullopt;
    for (auto& [k, value] : v.get_object())
      if (k != "access_token") out[k] = value;
    return out;
  }
  if (!is_form(type)) return std::nullopt;
  auto form = Params::parse(body);
  if (!form) return std::nullopt;
  for (const auto& [k, v] : form->items())
    if (k != "access_token") out[k] = v;
  return out;
}

std::string param(const json::object& params, std::string_view key) {
  const auto* v = params.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::string graph_time(core::TimePoint t) {
  const std::time_t s = std::chrono::system_clock::to_time_t(std::chrono::time_point_cast<std::chrono::seconds>(t));
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S+0000", &tm);
  return buf;
}

void attach_media(json::object& fields, const std::vector<FetchedMedia>& media) {
  json::array list;
  bool decodable = true, video = false;
  for (const auto& m : media) {
    list.push_back(m.json());
    decodable = decodable && m.decodable;
    video = video || m.video();
  }
  fields["_media"] = std::move(list);
  fields["_decodable"] = decodable;
  fields["_polls_left"] = video ? kVideoProcessingPolls : 0;
}

json::array container_media(const json::object& fields) {
  const auto* m = fields.if_contains("_media");
  return m != nullptr && m->is_array() ? m->get_array() : json::array();
}

std::optional<std::string> container_status(PublishCall& pc, std::string_view id, bool poll) {
  return pc.sim.state.with([&](SimState::Data& d) -> std::optional<std::string> {
    auto it = d.containers.find(std::string(id));
    if (it == d.containers.end() || it->second.platform != pc.platform) return std::nullopt;
    if (!it->second.published_id.empty()) return "PUBLISHED";
    json::object& f = it->second.fields;
    const auto* left = f.if_contains("_polls_left");
    if (left != nullptr && left->is_int64() && left->get_int64() > 0) {
      if (poll) f["_polls_left"] = left->get_int64() - 1;
      return "IN_PROGRESS";
    }
    const auto* ok = f.if_contains("_decodable");
    return ok != nullptr && ok->is_bool() && !ok->get_bool() ? "ERROR" : "FINISHED";
  });
}

}  // namespace postfuze::sim::publish
