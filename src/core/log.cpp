#include "feederlab/core/log.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>

namespace feederlab::core {

namespace {
std::atomic<LogLevel> g_level{LogLevel::Warning};
std::mutex g_mutex;
const char* prefix(LogLevel level) {
  switch (level) {
    case LogLevel::Debug: return "debug: ";
    case LogLevel::Info: return "";
    case LogLevel::Warning: return "warning: ";
    case LogLevel::Error: return "error: ";
    case LogLevel::Quiet: return "";
  }
  return "";
}
}  // namespace

void setLogLevel(LogLevel level) { g_level = level; }
LogLevel logLevel() { return g_level; }

void log(LogLevel level, std::string_view message) {
  if (level < g_level.load() || level == LogLevel::Quiet) return;
  std::lock_guard<std::mutex> lock(g_mutex);
  std::fprintf(stderr, "%s%.*s\n", prefix(level), static_cast<int>(message.size()), message.data());
}

}  // namespace feederlab::core
