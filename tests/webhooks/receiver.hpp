// Receiver: the independent webhook receiver (tests/webhooks/receiver.py, run
// with `/usr/bin/env python3`) as a child process of a test. It binds
// 127.0.0.1 (port 0 unless asked for one), answers according to a plan,
// verifies Standard Webhooks signatures with its own code and records every
// request as a JSON line, which records() reads back.
//
// Header-only: tests/CMakeLists.txt builds only tests/webhooks/*_test.cpp
// into webhooks_tests, so a receiver.cpp would not be compiled.
#pragma once

#include <fcntl.h>
#include <sys/prctl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

namespace postfuze::test {

struct ReceivedSignature {
  std::string text;              // "v1,<base64>"
  std::string version;           // "v1"
  std::vector<int> verified_by;  // indexes of the receiver's secrets this signature verifies with
};

struct ReceivedRequest {
  int index = 0;  // order of arrival at the receiver
  std::string method;
  std::string path;
  std::string webhook_id;
  std::string webhook_timestamp;
  std::string signature_header;
  std::vector<ReceivedSignature> signatures;
  bool timestamp_fresh = false;  // within 5 minutes of the receiver's clock
  std::string content_type;
  std::string user_agent;
  std::string body;
  std::optional<std::string> type;  // the body's "type"
  double received_at = 0;           // CLOCK_MONOTONIC seconds
  int responded = 0;                // the status answered (0: held without answering)

  // Some signature verifies with secret `secret_index`.
  bool verifies_with(int secret_index) const {
    for (const auto& s : signatures)
      for (int i : s.verified_by)
        if (i == secret_index) return true;
    return false;
  }
  // At least one signature, and every one of them verifies with some secret.
  bool every_signature_verifies() const {
    if (signatures.empty()) return false;
    for (const auto& s : signatures)
      if (s.verified_by.empty()) return false;
    return true;
  }
};

struct ReceiverOptions {
  std::vector<std::string> secrets;  // whsec_… or raw
  std::string plan;                  // e.g. "500,500,429:7,200"; "200/100000": a 100000-byte body
  std::string then = "200";          // the answer once the plan is used up ("hang": none)
  std::uint16_t port = 0;            // 0: any free port
};

class Receiver {
 public:
  explicit Receiver(ReceiverOptions options = {}) : dir_("postfuze-receiver") {
    const std::string script = std::string(POSTFUZE_SOURCE_DIR) + "/tests/webhooks/receiver.py";
    std::vector<std::string> args{"/usr/bin/env", "python3",     script,
                                  "--record",     record_path(), "--then",
                                  options.then,   "--port",      std::to_string(options.port)};
    if (!options.plan.empty()) {
      args.push_back("--plan");
      args.push_back(options.plan);
    }
    for (const auto& s : options.secrets) {
      args.push_back("--secret");
      args.push_back(s);
    }
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("receiver: pipe failed");
    const std::string err_path = dir_.file("stderr.txt").string();
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("receiver: fork failed");
    if (pid_ == 0) {
      // If the test process dies (a crash, an abort), take this child with it.
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(fds[1], 1);
      ::dup2(err, 2);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    out_fd_ = fds[0];
    std::string line;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (line.find('\n') == std::string::npos) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      pollfd p{out_fd_, POLLIN, 0};
      if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      char buf[64];
      const auto n = ::read(out_fd_, buf, sizeof buf);
      if (n <= 0) break;  // exited before printing its port
      line.append(buf, static_cast<std::size_t>(n));
    }
    if (line.find('\n') == std::string::npos) {
      stop();
      throw std::runtime_error("receiver did not start: " + stderr_text());
    }
    port_ = static_cast<std::uint16_t>(std::stoi(line.substr(0, line.find('\n'))));
  }
  ~Receiver() { stop(); }
  Receiver(const Receiver&) = delete;
  Receiver& operator=(const Receiver&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url(const std::string& path = "/hook") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  // Every request recorded so far, in order of arrival.
  std::vector<ReceivedRequest> records() const {
    std::ifstream in(record_path());
    std::stringstream s;
    s << in.rdbuf();
    const std::string text = s.str();
    std::vector<ReceivedRequest> out;
    std::size_t start = 0;
    // Only complete lines: a record may be half written right now.
    for (std::size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1)
      out.push_back(parse(text.substr(start, nl - start)));
    return out;
  }
  std::vector<ReceivedRequest> records_for(const std::string& webhook_id) const {
    std::vector<ReceivedRequest> out;
    for (auto& r : records())
      if (r.webhook_id == webhook_id) out.push_back(std::move(r));
    return out;
  }
  bool wait_for(std::size_t count, std::chrono::milliseconds timeout = std::chrono::milliseconds(10000)) const {
    return wait_until([&] { return records().size() >= count; }, timeout);
  }

  void stop() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      const bool exited =
          wait_until([&] { return ::waitpid(pid_, &status, WNOHANG) == pid_; }, std::chrono::milliseconds(5000));
      if (!exited) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
      }
      pid_ = -1;
    }
    if (out_fd_ >= 0) {
      ::close(out_fd_);
      out_fd_ = -1;
    }
  }

  std::string stderr_text() const {
    std::ifstream in(dir_.file("stderr.txt"));
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

 private:
  std::string record_path() const { return dir_.file("records.jsonl").string(); }

  static std::string text_of(const boost::json::object& o, const char* key) {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  }

  static ReceivedRequest parse(const std::string& line) {
    const auto o = boost::json::parse(line).as_object();
    ReceivedRequest r;
    r.index = static_cast<int>(o.at("index").as_int64());
    r.method = text_of(o, "method");
    r.path = text_of(o, "path");
    r.webhook_id = text_of(o, "webhook_id");
    r.webhook_timestamp = text_of(o, "webhook_timestamp");
    r.signature_header = text_of(o, "signature_header");
    for (const auto& sv : o.at("signatures").as_array()) {
      const auto& so = sv.as_object();
      ReceivedSignature sig{text_of(so, "signature"), text_of(so, "version"), {}};
      for (const auto& i : so.at("verified_by").as_array()) sig.verified_by.push_back(static_cast<int>(i.as_int64()));
      r.signatures.push_back(std::move(sig));
    }
    r.timestamp_fresh = o.at("timestamp_fresh").as_bool();
    r.content_type = text_of(o, "content_type");
    r.user_agent = text_of(o, "user_agent");
    r.body = text_of(o, "body");
    if (o.at("type").is_string()) r.type = std::string(o.at("type").as_string());
    r.received_at = o.at("received_at").to_number<double>();
    r.responded = static_cast<int>(o.at("responded").as_int64());
    return r;
  }

  TempDir dir_;
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace postfuze::test
