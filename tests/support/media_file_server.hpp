// MediaFileServer: a loopback HTTP server that plays the object store's
// public media URLs for tests of platforms that fetch media by URL. Each
// file is served at the path it was added under with its content type and an
// exact Content-Length; a path marked expired answers 403 (what a presigned
// URL answers after its lifetime), an unknown path 404. It counts the GETs
// per path so tests can tell the platform really fetched.
//
// Runs on its own io_context and thread (the publisher under test runs the
// test thread's io_context only while a call is in flight). Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <boost/asio/io_context.hpp>

#include "core/clock.hpp"
#include "core/log.hpp"
#include "crypto/secure_random.hpp"
#include "http/server.hpp"

namespace postfuze::test {

class MediaFileServer {
 public:
  MediaFileServer();
  ~MediaFileServer();
  MediaFileServer(const MediaFileServer&) = delete;
  MediaFileServer& operator=(const MediaFileServer&) = delete;

  // Serves `bytes` as `content_type` at `path` ("/media/a.jpg"); returns its absolute URL.
  std::string add(const std::string& path, std::string bytes, std::string content_type);
  // From now on `path` answers 403 (an expired presigned link).
  void expire(const std::string& path);
  // How many GETs `path` has answered (any status).
  int hits(const std::string& path) const;
  std::string url(const std::string& path) const;

 private:
  struct File {
    std::string bytes;
    std::string content_type;
    bool expired = false;
  };
  boost::asio::awaitable<http::Response> serve(http::Request& req);

  mutable std::mutex mu_;
  std::map<std::string, File> files_;
  std::map<std::string, int> hits_;

  core::SystemClock clock_;
  core::Logger log_{clock_, core::LogLevel::error};
  crypto::SecureRandom random_;
  boost::asio::io_context io_{1};
  std::unique_ptr<http::Server> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

}  // namespace postfuze::test
