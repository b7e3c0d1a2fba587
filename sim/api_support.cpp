#include "sim/api_support.hpp"

namespace postfuze::sim {

std::string derived_id(const Identity& user, std::string_view kind, int index) {
  return user.id + "-" + std::string(kind) + "-" + std::to_string(index);
}

std::uint64_t numeric_id(std::string_view seed) {
  std::uint64_t h = 14695981039346656037ull;  // FNV-1a
  for (unsigned char c : seed) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return 100'000'000'000ull + h % 900'000'000'000ull;
}

std::string picture_url(std::string_view platform, std::string_view id) {
  return "https://pictures.platform-sim.invalid/" + std::string(platform) + "/" + std::string(id) + ".jpg";
}

bool has_scope(const Grant& grant, std::string_view scope) {
  for (const auto& s : grant.scopes)
    if (s == scope) return true;
  return false;
}

std::string page_token(ApiCall& api, int index) {
  Call& call = api.call;
  return call.sim.state.with([&](SimState::Data& d) {
    for (const auto& [value, t] : d.tokens)
      if (t.kind == TokenKind::page && t.grant == api.token.grant && t.page == index && t.live(call.now()))
        return value;
    std::string value = call.sim.mint(call.platform.id, "page");
    d.tokens.emplace(value, Token{TokenKind::page, api.token.grant, std::nullopt, false, index});
    return value;
  });
}

http::Response ok_json(const boost::json::value& body) { return http::json_response(http::bhttp::status::ok, body); }

}  // namespace postfuze::sim
