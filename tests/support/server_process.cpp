#include "support/server_process.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace postfuze::test {

namespace {

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// fork + exec with stdout/stderr redirected to files; returns the pid.
pid_t spawn(const std::vector<std::string>& args, const Env& env, const std::filesystem::path& out,
            const std::filesystem::path& err) {
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<char*> argv, envp;
  std::string binary = POSTFUZE_BINARY;
  argv.push_back(binary.data());
  std::vector<std::string> args_copy = args;
  for (auto& a : args_copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    // If the test process dies (a crash, an abort), take this child with it.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(o, 1);
    ::dup2(e, 2);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  return pid;
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

Env child_env(const std::string& data_dir, const std::string& database_url, const Env& extra) {
  Env env;
  for (char** e = environ; *e; ++e) {
    std::string s(*e);
    const auto eq = s.find('=');
    if (eq == std::string::npos || s.starts_with("POSTFUZE_")) continue;
    env[s.substr(0, eq)] = s.substr(eq + 1);
  }
  env["POSTFUZE_LISTEN"] = "127.0.0.1:0";
  env["POSTFUZE_DATA_DIR"] = data_dir;
  env["POSTFUZE_DATABASE_URL"] = database_url;
  env["POSTFUZE_ENCRYPTION_KEYS"] = kTestEncryptionKeys;
  env["POSTFUZE_LOG_LEVEL"] = "info";
  env["POSTFUZE_THREADS"] = "2";
  env["POSTFUZE_DB_POOL_SIZE"] = "4";
  for (const auto& [k, v] : extra) {
    if (v.empty())
      env.erase(k);  // an empty value in `extra` unsets the variable
    else
      env[k] = v;
  }
  return env;
}

ServerProcess::ServerProcess(const std::string& database_url, const Env& extra_env,
                             const std::vector<std::string>& extra_args)
    : dir_("postfuze-server") {
  std::vector<std::string> args{"serve"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  pid_ = spawn(args, child_env(dir_.path().string(), database_url, extra_env), dir_.file("stdout.txt"),
               dir_.file("stderr.txt"));
  const std::regex listening(R"re("msg":"listening".*"port":([0-9]+))re");
  std::smatch m;
  std::string log;  // outlives the loop: m points into it
  const bool up = wait_until(
      [&] {
        int status;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
          pid_ = -1;
          return true;
        }
        log = log_text();
        return std::regex_search(log, m, listening);
      },
      std::chrono::milliseconds(30000));
  if (!up || pid_ < 0) {
    if (pid_ > 0) stop(SIGKILL);
    throw std::runtime_error("server did not start:\n" + log_text() + stdout_text());
  }
  port_ = static_cast<std::uint16_t>(std::stoi(m[1].str()));
  const std::regex key(R"(sk_live_[A-Za-z0-9_-]{43})");
  const std::string out = stdout_text();
  if (std::smatch km; std::regex_search(out, km, key)) first_key_ = km[0].str();
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) stop(SIGTERM);
}

std::string ServerProcess::stdout_text() const { return read_file(dir_.file("stdout.txt")); }
std::string ServerProcess::log_text() const { return read_file(dir_.file("stderr.txt")); }

int ServerProcess::stop(int sig, std::chrono::milliseconds wait) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, sig);
  int status = 0;
  int result = -1;
  const bool exited = wait_until(
      [&] {
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
          result = decode_status(status);
          return true;
        }
        return false;
      },
      wait);
  if (!exited) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
  }
  pid_ = -1;
  return result;
}

CliResult run_postfuze(const std::vector<std::string>& args, const Env& env) {
  TempDir dir("postfuze-cli");
  const pid_t pid = spawn(args, env, dir.file("out"), dir.file("err"));
  int status = 0;
  ::waitpid(pid, &status, 0);
  return {decode_status(status), read_file(dir.file("out")), read_file(dir.file("err"))};
}

}  // namespace postfuze::test
