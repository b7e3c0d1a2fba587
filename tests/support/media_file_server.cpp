#include "support/media_file_server.hpp"

#include <stdexcept>

namespace postfuze::test {

MediaFileServer::MediaFileServer() {
  server_ = std::make_unique<http::Server>(
      io_, http::ServerOptions{}, [this](http::Request& req) { return serve(req); }, clock_, log_, random_);
  auto bound = server_->listen("127.0.0.1", 0);
  if (!bound) throw std::runtime_error("media file server: " + bound.error().detail);
  port_ = bound->port();
  server_->start();
  thread_ = std::thread([this] { io_.run(); });
}

MediaFileServer::~MediaFileServer() {
  server_->shutdown([] {});
  io_.stop();
  thread_.join();
}

std::string MediaFileServer::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::string MediaFileServer::add(const std::string& path, std::string bytes, std::string content_type) {
  std::lock_guard lock(mu_);
  files_[path] = File{std::move(bytes), std::move(content_type), false};
  return url(path);
}

void MediaFileServer::expire(const std::string& path) {
  std::lock_guard lock(mu_);
  files_[path].expired = true;
}

int MediaFileServer::hits(const std::string& path) const {
  std::lock_guard lock(mu_);
  auto it = hits_.find(path);
  return it == hits_.end() ? 0 : it->second;
}

boost::asio::awaitable<http::Response> MediaFileServer::serve(http::Request& req) {
  const std::string path(req.target.encoded_path());
  http::Response res;
  res.version(11);
  {
    std::lock_guard lock(mu_);
    ++hits_[path];
    auto it = files_.find(path);
    if (req.method() != http::bhttp::verb::get && req.method() != http::bhttp::verb::head) {
      res.result(http::bhttp::status::method_not_allowed);
    } else if (it == files_.end()) {
      res.result(http::bhttp::status::not_found);
    } else if (it->second.expired) {
      // What S3-style storage answers for a presigned URL past its expiry.
      res.result(http::bhttp::status::forbidden);
      res.set(http::bhttp::field::content_type, "application/xml");
      res.body() = "<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>";
    } else {
      res.result(http::bhttp::status::ok);
      res.set(http::bhttp::field::content_type, it->second.content_type);
      res.body() = it->second.bytes;
    }
  }
  res.prepare_payload();
  co_return res;
}

}  // namespace postfuze::test
