// ServerProcess: the real `postfuze` binary (POSTFUZE_BINARY) started as a
// child process for end-to-end tests — port 0, its own data dir, the given
// database URL, a fixed test encryption key — with stdout and stderr captured
// to files. The constructor returns once the server logs "listening" (or
// throws with the captured output if it exits first). The destructor stops it
// with SIGTERM and waits.
//
// run_postfuze() runs a one-shot CLI command with the same environment rules.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <sys/types.h>

#include "support/temp_dir.hpp"

namespace postfuze::test {

using Env = std::map<std::string, std::string>;

// The fixed key ring tests run with, unless they override it.
inline constexpr const char* kTestEncryptionKeys = "test1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

// Base environment for a child: the parent's environment without any
// POSTFUZE_* variable, plus the test defaults, plus `extra`.
Env child_env(const std::string& data_dir, const std::string& database_url, const Env& extra);

class ServerProcess {
 public:
  ServerProcess(const std::string& database_url, const Env& extra_env = {},
                const std::vector<std::string>& extra_args = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  std::uint16_t port() const { return port_; }
  // The key printed on first start with an empty store (empty if none).
  const std::string& first_key() const { return first_key_; }
  const std::filesystem::path& data_dir() const { return dir_.path(); }
  std::string stdout_text() const;
  std::string log_text() const;  // stderr: the JSON log

  // Sends `sig` (0: none) and waits up to `wait` for exit; returns the exit status
  // (or 128+signal). Returns -1 if it did not exit in time (then SIGKILLs it).
  int stop(int sig = 15, std::chrono::milliseconds wait = std::chrono::milliseconds(20000));
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

 private:
  TempDir dir_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  std::string first_key_;
};

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

CliResult run_postfuze(const std::vector<std::string>& args, const Env& env);

// Polls `condition` every few milliseconds until it holds or `timeout` passes.
bool wait_until(const std::function<bool()>& condition,
                std::chrono::milliseconds timeout = std::chrono::milliseconds(10000));

}  // namespace postfuze::test
