// ServerTest: a gtest fixture parameterized over the store backends that
// starts the real server on a fresh database of that backend, with the first
// (full-access, live) key it prints. Subclasses may override extra_env().
#pragma once

#include <memory>
#include <string>

#include <boost/beast/http/verb.hpp>
#include <gtest/gtest.h>

#include "support/http_client.hpp"
#include "support/postgres.hpp"
#include "support/server_process.hpp"

namespace postfuze::test {

using boost::beast::http::verb;

class ServerTest : public testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<BackendDatabase>(backend());
    server_ = std::make_unique<ServerProcess>(db_->url(), extra_env());
    key_ = server_->first_key();
    ASSERT_FALSE(key_.empty()) << "the first start printed no key:\n" << server_->stdout_text();
  }
  void TearDown() override { server_.reset(); }
  virtual Env extra_env() const { return {}; }
  // The store backend for this run: the test parameter, unless a fixture's
  // parameter says more (e.g. "sqlite-s3").
  virtual std::string backend() const { return GetParam(); }

  std::uint16_t port() const { return server_->port(); }
  HttpResult call(verb method, const std::string& target, const std::string& key, const std::string& body = "") {
    return api_call(port(), method, target, key, body);
  }
  // Issues a key through the API with the first key; returns {id, plaintext}.
  std::pair<std::string, std::string> issue_key(const std::string& body_json, const std::string& with_key = {});
  // Issues a key for another organisation through the CLI; returns the plaintext.
  std::string cli_key(const std::string& org, const std::string& extra_flags = "");

  std::unique_ptr<BackendDatabase> db_;
  std::unique_ptr<ServerProcess> server_;
  std::string key_;
};

}  // namespace postfuze::test
