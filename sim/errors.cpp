#include "sim/errors.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>

#include "crypto/encoding.hpp"
#include "sim/wire.hpp"

namespace postfuze::sim {

namespace {

namespace json = boost::json;
using http::bhttp::status;

http::Response with_body(int code, std::string_view content_type, const json::value& body) {
  http::Response res{static_cast<status>(code), 11};
  res.set(http::bhttp::field::content_type, content_type);
  res.set(http::bhttp::field::cache_control, "no-store");
  res.body() = json::serialize(body);
  res.prepare_payload();
  return res;
}

http::Response json_body(int code, const json::value& body) { return with_body(code, "application/json", body); }

std::string reason(int code) { return std::string(http::bhttp::obsolete_reason(static_cast<status>(code))); }

// Opaque request ids some platforms put in error bodies (fbtrace_id, log_id).
std::string trace_id(Call& call) { return crypto::hex_encode(call.sim.random.bytes(10)); }

json::object graph_error(Call& call, std::string_view message, GraphCode graph,
                         std::string_view type = "OAuthException") {
  json::object inner{{"message", message}, {"type", type}, {"code", graph.code}};
  if (graph.subcode) inner["error_subcode"] = graph.subcode;
  inner["fbtrace_id"] = trace_id(call);
  return {{"error", std::move(inner)}};
}

// Status → the RFC 6749 error an injected token-endpoint failure carries.
OAuthFailure injected_failure(int code) {
  OAuthFailure f{code, "invalid_request", "Simulated failure (token_status)", {100, 0}};
  if (code == 400)
    f = {code, "invalid_grant", "Simulated failure (token_status)", {100, 0}};
  else if (code == 401)
    f = {code, "invalid_client", "Simulated failure (token_status)", {190, 0}};
  else if (code == 403)
    f = {code, "access_denied", "Simulated failure (token_status)", {10, 0}};
  else if (code == 429)
    f = {code, "temporarily_unavailable", "Simulated rate limit (token_status)", {4, 0}};
  else if (code == 503)
    f = {code, "temporarily_unavailable", "Simulated outage (token_status)", {2, 0}};
  else if (code >= 500)
    f = {code, "server_error", "Simulated server error (token_status)", {1, 0}};
  return f;
}

http::Response render_oauth(Call& call, const OAuthFailure& f, bool injected) {
  switch (call.platform.oauth_errors) {
    case OAuthErrorStyle::oauth:
      return json_body(f.status, json::object{{"error", f.error}, {"error_description", f.description}});
    case OAuthErrorStyle::tiktok:
      return json_body(
          f.status, json::object{{"error", f.error}, {"error_description", f.description}, {"log_id", trace_id(call)}});
    case OAuthErrorStyle::graph:
      // Graph answers OAuthExceptions with 400, whatever the cause.
      return json_body(injected ? f.status : 400, graph_error(call, f.description, f.graph));
    case OAuthErrorStyle::reddit:
      // Reddit: bad client credentials are a plain 401; grant errors come back
      // with HTTP 200 and only an "error" member (the prawcore client checks
      // for "error" in a 200 body).
      if (injected || f.status == 401)
        return json_body(f.status, json::object{{"message", reason(f.status)}, {"error", f.status}});
      return json_body(200, json::object{{"error", f.error}});
  }
  return json_body(f.status, json::object{{"error", f.error}});
}

int status_of(ApiProblem p) {
  switch (p) {
    case ApiProblem::unauthorized:
      return 401;
    case ApiProblem::insufficient_scope:
      return 403;
    case ApiProblem::invalid_request:
      return 400;
    case ApiProblem::not_found:
      return 404;
    case ApiProblem::method_not_allowed:
      return 405;
    case ApiProblem::failure:
      return 500;
  }
  return 400;
}

std::string_view google_status(int code) {
  switch (code) {
    case 400:
      return "INVALID_ARGUMENT";
    case 401:
      return "UNAUTHENTICATED";
    case 403:
      return "PERMISSION_DENIED";
    case 404:
      return "NOT_FOUND";
    case 405:
      return "UNIMPLEMENTED";
    case 409:
      return "ABORTED";
    case 429:
      return "RESOURCE_EXHAUSTED";
    case 501:
      return "UNIMPLEMENTED";
    case 503:
      return "UNAVAILABLE";
    case 504:
      return "DEADLINE_EXCEEDED";
    default:
      return code >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
  }
}

GraphCode graph_api_code(int code, ApiProblem problem) {
  if (problem == ApiProblem::unauthorized || code == 401) return {190, 0};
  if (problem == ApiProblem::insufficient_scope || code == 403) return {200, 0};
  if (problem == ApiProblem::not_found) return {2500, 0};
  if (code == 429) return {4, 0};
  if (code >= 500) return {2, 0};
  return {100, 0};
}

std::string_view linkedin_code(int code) {
  switch (code) {
    case 401:
      return "INVALID_ACCESS_TOKEN";
    case 403:
      return "ACCESS_DENIED";
    case 404:
      return "NOT_FOUND";
    case 405:
      return "METHOD_NOT_ALLOWED";
    case 429:
      return "TOO_MANY_REQUESTS";
    default:
      return code >= 500 ? "INTERNAL_SERVER_ERROR" : "ILLEGAL_ARGUMENT";
  }
}

std::string_view tiktok_code(int code, ApiProblem problem) {
  if (problem == ApiProblem::insufficient_scope) return "scope_not_authorized";
  switch (code) {
    case 401:
      return "access_token_invalid";
    case 404:
      return "not_found";
    case 429:
      return "rate_limit_exceeded";
    default:
      return code >= 500 ? "internal_error" : "invalid_params";
  }
}

http::Response render_api(Call& call, int code, ApiProblem problem, std::string_view message, bool injected) {
  switch (call.platform.api_errors) {
    case ApiErrorStyle::x_problem: {
      json::object body{{"title", reason(code)},
                        {"type", "about:blank"},
                        {"status", code},
                        {"detail", code == 401 ? std::string("Unauthorized") : std::string(message)}};
      if (problem == ApiProblem::invalid_request) {
        body["title"] = "Invalid Request";
        body["type"] = "https://api.x.com/2/problems/invalid-request";
        body["errors"] = json::array{json::object{{"message", message}}};
        body["detail"] = "One or more parameters to your request was invalid.";
      }
      return with_body(code, "application/problem+json", body);
    }
    case ApiErrorStyle::graph:
      return json_body(code, graph_error(call, message, graph_api_code(code, problem)));
    case ApiErrorStyle::google:
      return json_body(
          code, json::object{{"error", {{"code", code}, {"message", message}, {"status", google_status(code)}}}});
    case ApiErrorStyle::linkedin: {
      json::object body{{"status", code}};
      if (code == 401)
        body["serviceErrorCode"] = 65600;
      else if (code == 403)
        body["serviceErrorCode"] = 100;
      body["code"] = linkedin_code(code);
      body["message"] = message;
      return json_body(code, body);
    }
    case ApiErrorStyle::tiktok: {
      // An insufficient scope is a 401 on TikTok (platforms.md §10).
      const int http_code = !injected && problem == ApiProblem::insufficient_scope ? 401 : code;
      return json_body(
          http_code,
          json::object{
              {"data", json::object{}},
              {"error", {{"code", tiktok_code(code, problem)}, {"message", message}, {"log_id", trace_id(call)}}}});
    }
    case ApiErrorStyle::pinterest:
      return json_body(code, json::object{{"code", code == 401 ? 2 : code}, {"message", message}});
    case ApiErrorStyle::reddit:
      return json_body(code, json::object{{"message", reason(code)}, {"error", code}});
  }
  return json_body(code, json::object{{"error", message}});
}

}  // namespace

http::Response oauth_error(Call& call, const OAuthFailure& failure, Cause cause) {
  if (cause == Cause::request) call.count(Counter::rejected);
  return render_oauth(call, failure, false);
}

http::Response injected_oauth_error(Call& call, int status) {
  return render_oauth(call, injected_failure(status), true);
}

http::Response api_error(Call& call, ApiProblem problem, std::string_view message) {
  call.count(Counter::rejected);
  return render_api(call, status_of(problem), problem, message, false);
}

http::Response injected_api_error(Call& call, int status) {
  const ApiProblem problem = status == 401   ? ApiProblem::unauthorized
                             : status == 403 ? ApiProblem::insufficient_scope
                             : status == 404 ? ApiProblem::not_found
                                             : ApiProblem::failure;
  return render_api(call, status, problem, "Simulated failure (" + reason(status) + ")", true);
}

http::Response injected_publish_error(Call& call, const InjectedPublishError& e) {
  const std::string message = e.message.empty() ? std::string("Simulated failure (publish_error)") : e.message;
  if (e.status == 200)  // Reddit: a refusal inside a 200 (platforms.md §13)
    return json_body(200, json::object{{"json", {{"errors", json::array{json::array{e.code, message, ""}}}}}});
  const ApiProblem problem = e.status == 401 ? ApiProblem::unauthorized : ApiProblem::failure;
  http::Response res = render_api(call, e.status, problem, message, true);
  if (call.platform.api_errors == ApiErrorStyle::x_problem && e.status == 429) {
    // X answers a rate limit with its window headers (platforms.md §3).
    const auto reset = std::chrono::duration_cast<std::chrono::seconds>(
                           (call.now() + std::chrono::seconds(e.retry_after > 0 ? e.retry_after : 900)).time_since_epoch())
                           .count();
    res.set("x-rate-limit-limit", "100");
    res.set("x-rate-limit-remaining", "0");
    res.set("x-rate-limit-reset", std::to_string(reset));
  }
  if (e.code.empty()) return res;
  boost::system::error_code ec;
  json::value body = json::parse(res.body(), ec);
  if (ec || !body.is_object()) return res;
  json::object& o = body.as_object();
  int numeric = 0;
  const bool is_number =
      std::from_chars(e.code.data(), e.code.data() + e.code.size(), numeric).ec == std::errc{} && !e.code.empty();
  switch (call.platform.api_errors) {
    case ApiErrorStyle::x_problem:
      o["type"] = "https://api.x.com/2/problems/" + e.code;
      o["title"] = e.code;
      break;
    case ApiErrorStyle::graph:
      if (is_number) o["error"].as_object()["code"] = numeric;
      else o["error"].as_object()["type"] = e.code;
      break;
    case ApiErrorStyle::google:
      o["error"].as_object()["status"] = e.code;
      break;
    case ApiErrorStyle::linkedin:
      o["code"] = e.code;
      break;
    case ApiErrorStyle::tiktok:
      o["error"].as_object()["code"] = e.code;
      break;
    case ApiErrorStyle::pinterest:
      if (is_number) o["code"] = numeric;
      break;
    case ApiErrorStyle::reddit:
      o["reason"] = e.code;
      break;
  }
  res.body() = json::serialize(body);
  res.prepare_payload();
  return res;
}

http::Response html_error(Call& call, std::string_view message) {
  call.count(Counter::rejected);
  std::string body = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>";
  body += html_escape(call.platform.display_name);
  body += " — error</title></head>\n<body><h1>";
  body += html_escape(call.platform.display_name);
  body += "</h1>\n<p id=\"error\">";
  body += html_escape(message);
  body += "</p>\n<p><small>PostFuze platform simulator</small></p></body></html>\n";
  return html_page(http::bhttp::status::bad_request, std::move(body));
}

}  // namespace postfuze::sim
