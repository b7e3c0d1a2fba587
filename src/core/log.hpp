// Logger: structured JSON lines ({"time","level","msg",...fields}) written
// whole, one per call, to one sink. Callers pass only fields that are safe to
// log — never a request body, token, key or secret (core::Secret cannot be
// passed: it has no conversion to a JSON value). Safe to use from any thread.
#pragma once

#include <cstdio>
#include <mutex>
#include <optional>
#include <string_view>

#include <boost/json/object.hpp>

#include "core/clock.hpp"

namespace postfuze::core {

enum class LogLevel { debug = 0, info = 1, warn = 2, error = 3 };

std::optional<LogLevel> parse_log_level(std::string_view s);

class Logger {
 public:
  Logger(const Clock& clock, LogLevel level, std::FILE* sink = stderr);

  bool enabled(LogLevel level) const { return level >= level_; }
  void log(LogLevel level, std::string_view msg, boost::json::object fields = {});

  void debug(std::string_view msg, boost::json::object fields = {}) { log(LogLevel::debug, msg, std::move(fields)); }
  void info(std::string_view msg, boost::json::object fields = {}) { log(LogLevel::info, msg, std::move(fields)); }
  void warn(std::string_view msg, boost::json::object fields = {}) { log(LogLevel::warn, msg, std::move(fields)); }
  void error(std::string_view msg, boost::json::object fields = {}) { log(LogLevel::error, msg, std::move(fields)); }

 private:
  const Clock& clock_;
  LogLevel level_;
  std::FILE* sink_;
  std::mutex mu_;
};

}  // namespace postfuze::core
