#include "support/s3_server.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "support/server_process.hpp"

namespace postfuze::test {

namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

S3Server::S3Server()
    : bucket_(env_or("POSTFUZE_TEST_S3_BUCKET", "postfuze-test")),
      // s3rver's fixed credentials.
      access_key_id_(env_or("POSTFUZE_TEST_S3_ACCESS_KEY_ID", "S3RVER")),
      secret_(env_or("POSTFUZE_TEST_S3_SECRET_ACCESS_KEY", "S3RVER")) {
  endpoint_ = env_or("POSTFUZE_TEST_S3_ENDPOINT", "");
  if (!endpoint_.empty()) return;
  const std::string binary = std::string(POSTFUZE_SOURCE_DIR) + "/tests/s3/node_modules/.bin/s3rver";
  if (::access(binary.c_str(), X_OK) != 0)
    throw std::runtime_error("no S3 for the test: set POSTFUZE_TEST_S3_ENDPOINT or run `npm ci` in tests/s3 (" +
                             binary + " is missing)");
  dir_ = std::make_unique<TempDir>("postfuze-s3rver");
  const auto data = dir_->path() / "data";
  std::filesystem::create_directories(data);
  const auto log = dir_->file("s3rver.log");
  std::vector<std::string> args = {binary, "-d", data.string(), "-a", "127.0.0.1", "-p", "0", "--configure-bucket", bucket_};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the test
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  // It prints "S3rver listening on 127.0.0.1:PORT" once bound to port 0.
  const std::regex listening(R"(listening on 127\.0\.0\.1:([0-9]+))");
  std::smatch m;
  std::string out;
  const bool up = wait_until(
      [&] {
        int status;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
          pid_ = -1;
          return true;
        }
        out = read_file(log);
        return std::regex_search(out, m, listening);
      },
      std::chrono::milliseconds(30000));
  if (!up || pid_ < 0) {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    throw std::runtime_error("s3rver did not start:\n" + out);
  }
  endpoint_ = "http://127.0.0.1:" + m[1].str();
}

S3Server::~S3Server() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  if (!wait_until([&] { return ::waitpid(pid_, &status, WNOHANG) == pid_; }, std::chrono::milliseconds(10000))) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
  }
}

media::ObjectStoreSettings S3Server::settings() const {
  return media::parse_object_store_settings("s3://" + bucket_, endpoint_, std::string("us-east-1"), access_key_id_,
                                            secret_)
      .value();
}

Env S3Server::server_env() const {
  return {{"POSTFUZE_MEDIA_STORE", "s3://" + bucket_},
          {"POSTFUZE_S3_ENDPOINT", endpoint_},
          {"POSTFUZE_S3_REGION", "us-east-1"},
          {"POSTFUZE_S3_ACCESS_KEY_ID", access_key_id_},
          {"POSTFUZE_S3_SECRET_ACCESS_KEY", secret_}};
}

std::string S3Server::unique_prefix() {
  std::random_device rd;
  std::uniform_int_distribution<std::uint64_t> d;
  std::ostringstream s;
  s << "t" << std::hex << d(rd);
  return s.str();
}

}  // namespace postfuze::test
