// LinkedIn (platforms.md §6): OpenID userinfo and the organisation ACL finder.
#include "sim/api_builders.hpp"
#include "sim/api_support.hpp"
#include "sim/errors.hpp"

namespace postfuze::sim::api {

namespace json = boost::json;

http::Response linkedin_userinfo(ApiCall& api) {
  const Identity& u = api.user();
  const auto space = u.name.find(' ');
  json::object body{{"sub", u.id},
                    {"name", u.name},
                    {"given_name", u.name.substr(0, space)},
                    {"family_name", space == std::string::npos ? std::string() : u.name.substr(space + 1)},
                    {"picture", picture_url("linkedin", u.id)},
                    {"locale", {{"country", "US"}, {"language", "en"}}}};
  if (has_scope(api.grant(), "email")) {
    body["email"] = u.username + "@example.com";
    body["email_verified"] = true;
  }
  return ok_json(body);
}

// GET /v2/organizationalEntityAcls?q=roleAssignee[&state=APPROVED][&projection=(...)]
// Rest.li decorates "organizationalTarget~" only when the projection asks for it.
http::Response linkedin_organization_acls(ApiCall& api) {
  if (api.query.get("q") != "roleAssignee")
    return api_error(api.call, ApiProblem::invalid_request, "The finder q=roleAssignee is required.");
  const auto state = api.query.get("state");
  const std::string projection(api.query.get("projection").value_or(""));
  const bool decorate = projection.find("organizationalTarget~") != std::string::npos;
  const Identity& u = api.user();
  json::array elements;
  if (!state || *state == "APPROVED") {
    for (int i = 1; i <= api.grant().accounts; ++i) {
      const std::string org = "urn:li:organization:" + std::to_string(numeric_id(derived_id(u, "org", i)));
      json::object e{{"role", "ADMINISTRATOR"},
                     {"state", "APPROVED"},
                     {"roleAssignee", "urn:li:person:" + u.id},
                     {"organizationalTarget", org}};
      if (decorate)
        e["organizationalTarget~"] = {{"localizedName", u.name + " Organization " + std::to_string(i)},
                                      {"vanityName", u.username + "-org-" + std::to_string(i)}};
      elements.push_back(std::move(e));
    }
  }
  return ok_json(json::object{{"elements", std::move(elements)},
                              {"paging", {{"count", 10}, {"start", 0}, {"links", json::array{}}}}});
}

}  // namespace postfuze::sim::api
