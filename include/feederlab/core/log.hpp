// One run-level logger: human-readable lines on stderr.
#pragma once

#include <string_view>

namespace feederlab::core {

enum class LogLevel { Debug, Info, Warning, Error, Quiet };

void setLogLevel(LogLevel level);
LogLevel logLevel();
void log(LogLevel level, std::string_view message);
inline void logInfo(std::string_view m) { log(LogLevel::Info, m); }
inline void logWarning(std::string_view m) { log(LogLevel::Warning, m); }

}  // namespace feederlab::core
