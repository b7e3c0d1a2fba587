#include "support/platform_sim.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace postfuze::test {

namespace {

namespace json = boost::json;
using boost::beast::http::verb;

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// fork + exec of the simulator on port 0, output to files (as server_process.cpp does).
pid_t spawn_sim(const std::filesystem::path& out, const std::filesystem::path& err) {
  std::string binary = POSTFUZE_PLATFORM_SIM_BINARY;
  std::string listen = "--listen", address = "127.0.0.1", port = "--port", zero = "0";
  char* argv[] = {binary.data(), listen.data(), address.data(), port.data(), zero.data(), nullptr};
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    // If the test process dies, take the simulator with it.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(o, 1);
    ::dup2(e, 2);
    ::execv(argv[0], argv);
    ::_exit(127);
  }
  return pid;
}

HttpResult expect_ok(HttpResult r, const std::string& what) {
  if (r.status < 200 || r.status >= 300)
    throw std::runtime_error("platform sim: " + what + " answered " + std::to_string(r.status) + ": " + r.body);
  return r;
}

}  // namespace

PlatformSim::PlatformSim() : dir_("postfuze-platform-sim") {
  pid_ = spawn_sim(dir_.file("stdout.txt"), dir_.file("stderr.txt"));
  const std::regex listening(R"re(\{"msg":"listening","port":([0-9]+)\})re");
  std::smatch m;
  std::string out;  // outlives the loop: m points into it
  const bool up = wait_until(
      [&] {
        int status;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
          pid_ = -1;
          return true;
        }
        out = read_file(dir_.file("stdout.txt"));
        return std::regex_search(out, m, listening);
      },
      std::chrono::milliseconds(30000));
  if (!up || pid_ < 0) {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    throw std::runtime_error("platform sim did not start:\n" + out + log_text());
  }
  port_ = static_cast<std::uint16_t>(std::stoi(m[1].str()));
}

PlatformSim::~PlatformSim() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  if (!wait_until([&] { return ::waitpid(pid_, &status, WNOHANG) == pid_; }, std::chrono::milliseconds(10000))) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
  }
}

std::string PlatformSim::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::string PlatformSim::log_text() const { return read_file(dir_.file("stderr.txt")); }

std::string PlatformSim::overrides_json() const {
  return expect_ok(http_request(port_, verb::get, "/_sim/overrides"), "GET /_sim/overrides").body;
}

void PlatformSim::register_app(const std::string& platform, const std::string& client_id,
                               const std::string& client_secret, const std::string& redirect_uri) const {
  const json::object body{{"platform", platform},
                          {"client_id", client_id},
                          {"client_secret", client_secret},
                          {"redirect_uri", redirect_uri}};
  expect_ok(
      http_request(port_, verb::post, "/_sim/apps", json::serialize(body), {{"Content-Type", "application/json"}}),
      "POST /_sim/apps");
}

json::object PlatformSim::scenario(const std::string& platform, json::object knobs) const {
  knobs["platform"] = platform;
  auto r = expect_ok(
      http_request(port_, verb::post, "/_sim/scenario", json::serialize(knobs), {{"Content-Type", "application/json"}}),
      "POST /_sim/scenario");
  return r.json().as_object();
}

void PlatformSim::reset() const { expect_ok(http_request(port_, verb::post, "/_sim/reset"), "POST /_sim/reset"); }

json::value PlatformSim::stats() const {
  return expect_ok(http_request(port_, verb::get, "/_sim/stats"), "GET /_sim/stats").json();
}

std::vector<std::string> PlatformSim::issued_secrets() const {
  const auto body = expect_ok(http_request(port_, verb::get, "/_sim/issued"), "GET /_sim/issued").json();
  std::vector<std::string> out;
  for (const auto& s : body.as_object().at("secrets").as_array()) out.emplace_back(s.as_string());
  return out;
}

long PlatformSim::stat(const std::string& platform, const std::string& counter) const {
  return static_cast<long>(stats().as_object().at(platform).as_object().at(counter).as_int64());
}

json::array PlatformSim::requests(const std::string& platform) const {
  return expect_ok(http_request(port_, verb::get, "/_sim/requests?platform=" + platform), "GET /_sim/requests")
      .json()
      .as_array();
}

void PlatformSim::advance_clock(std::chrono::seconds by) const {
  const json::object body{{"advance_seconds", by.count()}};
  expect_ok(
      http_request(port_, verb::post, "/_sim/clock", json::serialize(body), {{"Content-Type", "application/json"}}),
      "POST /_sim/clock");
}

void PlatformSim::register_bluesky_account(const std::string& handle, const std::string& did,
                                           const std::string& app_password, const std::string& password,
                                           const std::string& email, const std::string& display_name) const {
  json::object body{{"handle", handle}, {"did", did}, {"app_password", app_password}};
  if (!password.empty()) body["password"] = password;
  if (!email.empty()) body["email"] = email;
  if (!display_name.empty()) body["display_name"] = display_name;
  expect_ok(http_request(port_, verb::post, "/_sim/bluesky/accounts", json::serialize(body),
                         {{"Content-Type", "application/json"}}),
            "POST /_sim/bluesky/accounts");
}

json::object PlatformSim::bluesky_stats() const {
  return expect_ok(http_request(port_, verb::get, "/_sim/bluesky/stats"), "GET /_sim/bluesky/stats").json().as_object();
}

PlatformSim::Step PlatformSim::authorize(const std::string& authorize_url, std::string_view decision) const {
  auto url = boost::urls::parse_absolute_uri(authorize_url);
  if (!url || url->port_number() != port_)
    throw std::runtime_error("platform sim: not an authorize URL on this simulator: " + authorize_url);
  const std::string target =
      std::string(url->encoded_path()) + (url->has_query() ? "?" + std::string(url->encoded_query()) : "");
  HttpResult r = http_request(port_, verb::get, target);
  static const std::regex request_id(R"re(name="request_id" value="([^"]+)")re");
  std::smatch m;
  if (r.status == 200 && std::regex_search(r.body, m, request_id)) {
    // The consent form posts to the path next to the authorize page.
    std::string consent = std::string(url->encoded_path());
    consent.replace(consent.rfind('/') + 1, std::string::npos, "consent");
    r = http_request(port_, verb::post, consent, "request_id=" + m[1].str() + "&decision=" + std::string(decision),
                     {{"Content-Type", "application/x-www-form-urlencoded"}});
  }
  return {r.status, r.header("location"), r.body};
}

}  // namespace postfuze::test
