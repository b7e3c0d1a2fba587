// WebhookTest: ServerTest with the webhook timing shortened for tests and
// private (loopback) destinations allowed, plus small helpers over the
// /api/v1/webhooks API. Helpers that return values throw std::runtime_error on
// an unexpected answer (gtest reports it as a failure of the test).
#pragma once

#include <algorithm>
#include <chrono>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "support/server_fixture.hpp"
#include "receiver.hpp"  // tests/webhooks/, beside this file

namespace postfuze::test {

// Test defaults: loopback receivers allowed, quick polling and retries.
inline Env webhook_env(const Env& overrides = {}) {
  Env env{{"POSTFUZE_ALLOW_PRIVATE_WEBHOOKS", "true"},
          {"POSTFUZE_WEBHOOK_POLL_MS", "50"},
          {"POSTFUZE_WEBHOOK_RETRY_SCHEDULE", "0.2,0.2,0.2"},
          {"POSTFUZE_WEBHOOK_TIMEOUT_MS", "1000"},
          {"POSTFUZE_WEBHOOK_LEASE_MS", "2000"}};
  for (const auto& [k, v] : overrides) env[k] = v;
  return env;
}

// Supplied signing secrets: whsec_ + base64 of 32 and 24 bytes, and a raw one.
inline const std::string kSecretA = "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
inline const std::string kSecretB = "whsec_MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIz";
inline const std::string kRawSecret = "a raw UTF-8 signing secret, 40+ chars long!";
// A secret no endpoint uses: the receiver must not verify anything with it.
inline const std::string kDecoySecret = "whsec_/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v4=";
// Nothing listens on the discard port; used until a receiver is attached.
inline const std::string kNowhere = "http://127.0.0.1:9/hook";

inline std::string str(const boost::json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_string()) return {};
  return std::string(v->as_string());
}

inline std::string json_text(const boost::json::value& v) { return boost::json::serialize(v); }

// wait_until, but trying only every 50 ms: conditions that call the API must
// stay well inside the 600 requests a minute an organisation may make.
inline bool poll(const std::function<bool()>& condition,
                 std::chrono::milliseconds timeout = std::chrono::milliseconds(10000)) {
  return wait_until(
      [&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        return condition();
      },
      timeout);
}

class WebhookTest : public ServerTest {
 protected:
  Env extra_env() const override { return webhook_env(); }

  // A call under /api/v1/webhooks (`path` "" or "/{id}/…") with key_ unless `key` is given.
  HttpResult wh(verb method, const std::string& path, const std::string& body = "", const std::string& key = "") {
    return call(method, "/api/v1/webhooks" + path, key.empty() ? key_ : key, body);
  }

  static std::string create_body(const std::string& url, const std::optional<std::string>& secret = std::nullopt,
                                 const std::vector<std::string>& events = {"post.published"},
                                 const std::string& description = "") {
    boost::json::object o{{"url", url}};
    boost::json::array ev;
    for (const auto& e : events) ev.emplace_back(e);
    o["events"] = std::move(ev);
    if (!description.empty()) o["description"] = description;
    if (secret) o["signing_secret"] = *secret;
    return json_text(o);
  }

  // POST /webhooks; the 201 body.
  boost::json::object create_webhook(const std::string& url, const std::optional<std::string>& secret = std::nullopt,
                                     const std::string& key = "") {
    const auto r = wh(verb::post, "", create_body(url, secret), key);
    if (r.status != 201) throw std::runtime_error("create webhook: " + std::to_string(r.status) + " " + r.body);
    return r.json().as_object();
  }

  void set_url(const std::string& id, const std::string& url) {
    const auto r = wh(verb::patch, "/" + id, json_text(boost::json::object{{"url", url}}));
    if (r.status != 200) throw std::runtime_error("PATCH url: " + std::to_string(r.status) + " " + r.body);
  }

  struct Sent {
    std::string event_id;
    std::string delivery_id;
  };
  // POST /webhooks/{id}/test; throws unless 202.
  Sent send_test(const std::string& id) {
    const auto r = wh(verb::post, "/" + id + "/test");
    if (r.status != 202) throw std::runtime_error("test event: " + std::to_string(r.status) + " " + r.body);
    const auto j = r.json().as_object();
    return {str(j, "event_id"), str(j, "delivery_id")};
  }

  // The delivery log (newest 100 attempts), optionally of one delivery, oldest first (a
  // resent or recovered delivery counts its attempts from 1 again).
  std::vector<boost::json::object> attempts(const std::string& id, const std::string& delivery_id = "") {
    const auto r = wh(verb::get, "/" + id + "/deliveries?limit=100");
    if (r.status != 200) throw std::runtime_error("deliveries: " + std::to_string(r.status) + " " + r.body);
    const auto page = r.json();  // kept: a range-for would not extend the temporary's life
    std::vector<boost::json::object> out;
    for (const auto& a : page.as_object().at("data").as_array())
      if (delivery_id.empty() || str(a.as_object(), "delivery_id") == delivery_id) out.push_back(a.as_object());
    std::stable_sort(out.begin(), out.end(), [](const auto& x, const auto& y) {
      return std::pair(str(x, "created_at"), x.at("attempt").as_int64()) <
             std::pair(str(y, "created_at"), y.at("attempt").as_int64());
    });
    return out;
  }
  // Waits until the delivery has `n` attempts logged and the last one is not `retrying`.
  bool wait_final(const std::string& id, const std::string& delivery_id, std::size_t n,
                  std::chrono::milliseconds timeout = std::chrono::milliseconds(10000)) {
    return poll(
        [&] {
          const auto a = attempts(id, delivery_id);
          return a.size() >= n && str(a.back(), "outcome") != "retrying";
        },
        timeout);
  }

  // How many webhooks GET /webhooks lists (first page) for key_ or `key`.
  std::size_t list_size(const std::string& key = "") {
    const auto r = wh(verb::get, "", "", key);
    if (r.status != 200) throw std::runtime_error("list webhooks: " + std::to_string(r.status) + " " + r.body);
    return r.json().as_object().at("data").as_array().size();
  }

  boost::json::object get_webhook(const std::string& id) {
    const auto r = wh(verb::get, "/" + id);
    if (r.status != 200) throw std::runtime_error("GET webhook: " + std::to_string(r.status) + " " + r.body);
    return r.json().as_object();
  }

  // Stops the server (SIGTERM, or `sig`) and starts a new one on the same database.
  void restart(const Env& env, int sig = 15) {
    server_->stop(sig);
    server_ = std::make_unique<ServerProcess>(db_->url(), env);
  }
};

// The fields a 422 names, in order.
inline std::vector<std::string> error_fields(const HttpResult& r) {
  std::vector<std::string> out;
  const auto j = r.json().as_object();
  if (const auto* e = j.if_contains("errors"))
    for (const auto& item : e->as_array()) out.push_back(str(item.as_object(), "field"));
  return out;
}

inline std::string error_code_of(const HttpResult& r, const std::string& field) {
  const auto j = r.json().as_object();
  if (const auto* e = j.if_contains("errors"))
    for (const auto& item : e->as_array())
      if (str(item.as_object(), "field") == field) return str(item.as_object(), "code");
  return {};
}

}  // namespace postfuze::test
