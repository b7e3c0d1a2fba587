#include "http/response.hpp"

#include <boost/json/serialize.hpp>

namespace postfuze::http {

Response json_response(bhttp::status status, const boost::json::value& body) {
  Response res{status, 11};
  res.set(bhttp::field::content_type, "application/json");
  res.body() = boost::json::serialize(body);
  res.prepare_payload();
  return res;
}

Response empty_response(bhttp::status status) {
  Response res{status, 11};
  res.prepare_payload();
  return res;
}

Response problem_response(const core::Error& error) {
  const auto status = static_cast<bhttp::status>(error.status());
  boost::json::object body;
  body["type"] = "about:blank";
  body["title"] = bhttp::obsolete_reason(status);
  body["status"] = error.status();
  if (error.detail.empty())
    body["detail"] = nullptr;
  else
    body["detail"] = error.detail;
  body["code"] = core::to_string(error.code);
  if (!error.fields.empty()) {
    boost::json::array items;
    for (const auto& f : error.fields) {
      boost::json::object item{{"field", f.field}, {"message", f.message}, {"code", f.code}};
      if (!f.account_id.empty()) item["account_id"] = f.account_id;
      if (!f.platform.empty()) item["platform"] = f.platform;
      items.push_back(std::move(item));
    }
    body["errors"] = std::move(items);
  }
  Response res{status, 11};
  res.set(bhttp::field::content_type, "application/problem+json");
  // Contract §5: 503 tells the client when to come back (429 sets its own).
  if (status == bhttp::status::service_unavailable) res.set(bhttp::field::retry_after, "5");
  res.body() = boost::json::serialize(body);
  res.prepare_payload();
  return res;
}

}  // namespace postfuze::http
