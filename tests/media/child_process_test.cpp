// run_process: output of both streams, exit codes, the deadline that kills
// a child, a missing program, and output beyond the cap (the child must not
// stall on a full pipe).
#include <chrono>
#include <csignal>
#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "media/child_process.hpp"

namespace postfuze::media {
namespace {

// Starts run_process for each argv on one io_context and runs them all to
// completion (Result<T> has no default value, so use_future cannot carry it).
std::vector<core::Result<ProcessResult>> run_all(std::vector<std::vector<std::string>> argvs,
                                                 ProcessOptions options = {}) {
  boost::asio::io_context io;
  std::vector<std::optional<core::Result<ProcessResult>>> out(argvs.size());
  for (std::size_t i = 0; i < argvs.size(); ++i)
    boost::asio::co_spawn(
        io,
        [&, i]() -> boost::asio::awaitable<void> { out[i].emplace(co_await run_process(argvs[i], options)); },
        [](std::exception_ptr e) {
          if (e) std::rethrow_exception(e);
        });
  io.run();
  std::vector<core::Result<ProcessResult>> results;
  for (auto& r : out) results.push_back(std::move(*r));
  return results;
}

core::Result<ProcessResult> run(std::vector<std::string> argv, ProcessOptions options = {}) {
  return std::move(run_all({std::move(argv)}, options).front());
}

TEST(ChildProcess, CapturesBothStreamsAndTheExitCode) {
  auto r = run({"sh", "-c", "printf out; printf err >&2; exit 3"});
  ASSERT_TRUE(r) << r.error().internal;
  EXPECT_EQ(r->out, "out");
  EXPECT_EQ(r->err, "err");
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_FALSE(r->timed_out);
  EXPECT_FALSE(r->ok());
}

TEST(ChildProcess, SucceedsWithExitZero) {
  auto r = run({"true"});
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->ok());
  EXPECT_EQ(r->signal, 0);
}

TEST(ChildProcess, KillsAChildPastItsDeadline) {
  const auto start = std::chrono::steady_clock::now();
  auto r = run({"sleep", "30"}, {std::chrono::milliseconds(200)});
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->timed_out);
  EXPECT_EQ(r->signal, SIGKILL);
  EXPECT_EQ(r->exit_code, -1);
  EXPECT_LT(took, std::chrono::seconds(10));
}

TEST(ChildProcess, AChildThatFinishesInTimeIsNotTimedOut) {
  auto r = run({"sh", "-c", "exit 0"}, {std::chrono::milliseconds(5000)});
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->timed_out);
  EXPECT_TRUE(r->ok());
}

TEST(ChildProcess, AMissingProgramIsAnError) {
  auto r = run({"postfuze-no-such-tool-here"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::internal);
  EXPECT_NE(r.error().internal.find("postfuze-no-such-tool-here"), std::string::npos);
}

TEST(ChildProcess, OutputBeyondTheCapIsDrainedAndDropped) {
  // 4 MB is far past a pipe's buffer: a child left unread would block forever.
  auto r = run({"sh", "-c", "head -c 4000000 /dev/zero; echo done >&2"}, {std::chrono::milliseconds(20000), 1000});
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->ok());
  EXPECT_EQ(r->out.size(), 1000u);
  EXPECT_EQ(r->err, "done\n");
}

TEST(ChildProcess, ManyChildrenAtOnceOnOneThread) {
  std::vector<std::vector<std::string>> argvs;
  for (int i = 0; i < 8; ++i) argvs.push_back({"sh", "-c", "sleep 0.5; echo " + std::to_string(i)});
  const auto start = std::chrono::steady_clock::now();
  auto results = run_all(argvs);
  // One after another they would take 4 s at least.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(3500));
  for (int i = 0; i < 8; ++i) {
    ASSERT_TRUE(results[i]);
    EXPECT_EQ(results[i]->out, std::to_string(i) + "\n");
  }
}

}  // namespace
}  // namespace postfuze::media
