#include "media/child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <memory>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

extern char** environ;

namespace postfuze::media {

namespace asio = boost::asio;
using asio::posix::stream_descriptor;

namespace {

// Raw system calls: glibc 2.36's <sys/pidfd.h> declares its wrappers without
// C linkage, so C++ cannot link against them.
int open_pidfd(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }
void kill_through(int pidfd) { ::syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, nullptr, 0); }

// Owns a raw descriptor until it is handed to Asio.
struct Fd {
  int fd = -1;
  Fd() = default;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  void reset() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
  int release() { return std::exchange(fd, -1); }
};

struct SpawnArgs {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  SpawnArgs() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~SpawnArgs() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
};

// The pidfd and the deadline, shared with the timer's handler (which may
// run after the coroutine has returned).
struct Watch {
  stream_descriptor pidfd;
  asio::steady_timer timer;
  std::atomic<bool> timed_out{false};
  Watch(const asio::any_io_executor& ex, int fd) : pidfd(ex, fd), timer(ex) {}
};

asio::awaitable<void> drain(stream_descriptor& pipe, std::string& out, std::size_t cap) {
  std::array<char, 16384> buf;
  for (;;) {
    auto [ec, n] = co_await pipe.async_read_some(asio::buffer(buf), asio::as_tuple(asio::use_awaitable));
    if (n > 0 && out.size() < cap) out.append(buf.data(), std::min(n, cap - out.size()));
    if (ec) co_return;  // end of output (or a broken pipe): nothing more comes
  }
}

// Resolves once the child has exited and is reaped; `status` is waitpid's.
asio::awaitable<void> await_exit(Watch& watch, pid_t pid, int& status) {
  for (;;) {
    auto [ec] = co_await watch.pidfd.async_wait(stream_descriptor::wait_read, asio::as_tuple(asio::use_awaitable));
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno != EINTR)) co_return;
    if (ec) {
      // The pidfd cannot be waited on (never seen): end the child and reap it.
      kill_through(watch.pidfd.native_handle());
      ::waitpid(pid, &status, 0);
      co_return;
    }
  }
}

core::Error spawn_error(const std::string& tool, const std::string& what, int err) {
  return core::Error::internal_error("cannot run " + tool + ": " + what + ": " + std::strerror(err));
}

}  // namespace

asio::awaitable<core::Result<ProcessResult>> run_process(std::vector<std::string> argv, ProcessOptions options) {
  if (argv.empty()) co_return core::Error::internal_error("run_process: no program");
  const std::string& tool = argv[0];
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) co_return spawn_error(tool, "pipe", errno);
  Fd out_read, out_write;
  out_read.fd = out_pipe[0];
  out_write.fd = out_pipe[1];
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) co_return spawn_error(tool, "pipe", errno);
  Fd err_read, err_write;
  err_read.fd = err_pipe[0];
  err_write.fd = err_pipe[1];

  SpawnArgs spawn;
  posix_spawn_file_actions_addopen(&spawn.actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&spawn.actions, out_write.fd, 1);
  posix_spawn_file_actions_adddup2(&spawn.actions, err_write.fd, 2);
  // The child starts with no blocked signals and default dispositions,
  // whatever the server set for itself.
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (int s : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD}) sigaddset(&defaults, s);
  posix_spawnattr_setsigmask(&spawn.attr, &none);
  posix_spawnattr_setsigdefault(&spawn.attr, &defaults);
  posix_spawnattr_setflags(&spawn.attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  pid_t pid = -1;
  if (int rc = ::posix_spawnp(&pid, tool.c_str(), &spawn.actions, &spawn.attr, args.data(), environ); rc != 0)
    co_return spawn_error(tool, "spawn", rc);
  out_write.reset();  // the child holds the only write ends now: EOF comes when it exits
  err_write.reset();

  const int pidfd = open_pidfd(pid);
  if (pidfd < 0) {
    const int err = errno;
    ::kill(pid, SIGKILL);  // the child was just started: its pid cannot have been reused yet
    int ignored = 0;
    ::waitpid(pid, &ignored, 0);
    co_return spawn_error(tool, "pidfd_open", err);
  }

  auto executor = co_await asio::this_coro::executor;
  auto watch = std::make_shared<Watch>(executor, pidfd);
  stream_descriptor out(executor, out_read.release());
  stream_descriptor err(executor, err_read.release());
  watch->timer.expires_after(options.timeout);
  watch->timer.async_wait([watch](boost::system::error_code ec) {
    if (ec) return;
    watch->timed_out = true;
    kill_through(watch->pidfd.native_handle());
  });

  ProcessResult result;
  int status = 0;
  using namespace asio::experimental::awaitable_operators;
  co_await (drain(out, result.out, options.max_output) && drain(err, result.err, options.max_output) &&
            await_exit(*watch, pid, status));
  watch->timer.cancel();
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  // A deadline that fired as the child exited on its own changed nothing.
  result.timed_out = watch->timed_out && result.signal == SIGKILL;
  co_return result;
}

}  // namespace postfuze::media
