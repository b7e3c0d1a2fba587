#include "core/log.hpp"

#include <boost/json/serialize.hpp>

#include "core/time_format.hpp"

namespace postfuze::core {

namespace {
constexpr std::string_view kLevelNames[] = {"debug", "info", "warn", "error"};
}

std::optional<LogLevel> parse_log_level(std::string_view s) {
  for (int i = 0; i < 4; ++i)
    if (s == kLevelNames[i]) return static_cast<LogLevel>(i);
  return std::nullopt;
}

Logger::Logger(const Clock& clock, LogLevel level, std::FILE* sink) : clock_(clock), level_(level), sink_(sink) {}

void Logger::log(LogLevel level, std::string_view msg, boost::json::object fields) {
  if (!enabled(level)) return;
  boost::json::object line;
  line.reserve(fields.size() + 3);
  line["time"] = format_timestamp(clock_.now());
  line["level"] = kLevelNames[static_cast<int>(level)];
  line["msg"] = msg;
  for (auto& kv : fields) line[kv.key()] = std::move(kv.value());
  std::string text = boost::json::serialize(line);
  text.push_back('\n');
  std::lock_guard lock(mu_);
  std::fwrite(text.data(), 1, text.size(), sink_);
  std::fflush(sink_);
}

}  // namespace postfuze::core
