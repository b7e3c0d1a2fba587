#include "http/router.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <stdexcept>

namespace postfuze::http {

namespace {

std::vector<std::string> split_template(const std::string& t) {
  std::vector<std::string> out;
  if (t == "/") return out;  // the root path has no segments, as Boost.URL sees it
  std::size_t pos = 1;  // templates start with '/'
  while (pos <= t.size()) {
    const auto next = t.find('/', pos);
    out.push_back(t.substr(pos, next == std::string::npos ? std::string::npos : next - pos));
    if (next == std::string::npos) break;
    pos = next + 1;
  }
  return out;
}

bool is_param(const std::string& seg) { return seg.size() > 2 && seg.front() == '{' && seg.back() == '}'; }

}  // namespace

void Router::add(bhttp::verb method, std::string path_template, Handler handler) {
  if (path_template.empty() || path_template.front() != '/') throw std::invalid_argument("route must start with /");
  for (const auto& r : routes_)
    if (r.method == method && r.path_template == path_template)
      throw std::invalid_argument("duplicate route " + path_template);
  compiled_.push_back({split_template(path_template)});
  routes_.push_back({method, std::move(path_template), std::move(handler)});
}

Router::Match Router::match(bhttp::verb method, const boost::urls::url_view& target) const {
  // Work on decoded segments; an encoded '/' inside a segment stays inside it.
  std::vector<std::string> segs;
  for (auto s : target.segments()) segs.push_back(s);
  if (!target.is_path_absolute()) return NotFound{};

  // When several templates match, the one whose literal segments come first
  // wins ("/accounts/pending/{t}" over "/accounts/{id}/{x}"), whatever the order of add().
  std::vector<bhttp::verb> allowed;
  std::optional<Found> best;
  std::uint64_t best_score = 0;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const auto& tpl = compiled_[i].segments;
    if (tpl.size() != segs.size()) continue;
    std::vector<std::pair<std::string, std::string>> params;
    bool ok = true;
    std::uint64_t score = 1;
    for (std::size_t j = 0; j < tpl.size() && ok; ++j) {
      if (!is_param(tpl[j]) && j < 63) score |= std::uint64_t{1} << (63 - j);
      if (is_param(tpl[j])) {
        if (segs[j].empty()) ok = false;
        else params.emplace_back(tpl[j].substr(1, tpl[j].size() - 2), segs[j]);
      } else {
        ok = tpl[j] == segs[j];
      }
    }
    if (!ok) continue;
    if (routes_[i].method == method) {
      if (score > best_score) {
        best_score = score;
        best = Found{&routes_[i], std::move(params)};
      }
      continue;
    }
    if (std::find(allowed.begin(), allowed.end(), routes_[i].method) == allowed.end())
      allowed.push_back(routes_[i].method);
  }
  if (best) return std::move(*best);
  if (!allowed.empty()) return MethodNotAllowed{std::move(allowed)};
  return NotFound{};
}

Handler make_dispatcher(const Router& router) {
  return [&router](Request& req) -> boost::asio::awaitable<Response> {
    auto match = router.match(req.method(), req.target);
    if (auto* found = std::get_if<Router::Found>(&match)) {
      req.path_params = std::move(found->params);
      co_return co_await found->route->handler(req);
    }
    if (auto* not_allowed = std::get_if<Router::MethodNotAllowed>(&match)) {
      Response res = problem_response({core::ErrorCode::method_not_allowed,
                                       "This path does not support the method " +
                                           std::string(req.message.method_string()) + ".",
                                       {},
                                       {}});
      std::string allow;
      for (auto v : not_allowed->allowed) {
        if (!allow.empty()) allow += ", ";
        allow += std::string(bhttp::to_string(v));
      }
      res.set(bhttp::field::allow, allow);
      co_return res;
    }
    co_return problem_response(core::Error::not_found("No route matches this path."));
  };
}

}  // namespace postfuze::http
