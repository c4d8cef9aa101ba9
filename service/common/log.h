// Structured logs: one JSON object per line on standard error, so that log
// collectors can parse them without configuration.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace bilateral {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

// Lines below `level` are dropped. Default: kInfo.
void SetLogLevel(LogLevel level);

// Parses "debug", "info", "warning" or "error"; false when unknown.
bool ParseLogLevel(absl::string_view text, LogLevel* level);

// Extra key/value pairs of one line; values are written as JSON strings.
using LogFields = std::vector<std::pair<std::string, std::string>>;

// Writes one line: time, level, component, message, then `fields`.
void Log(LogLevel level, absl::string_view component,
         absl::string_view message, const LogFields& fields = {});

inline void LogInfo(absl::string_view component, absl::string_view message,
                    const LogFields& fields = {}) {
  Log(LogLevel::kInfo, component, message, fields);
}
inline void LogError(absl::string_view component, absl::string_view message,
                     const LogFields& fields = {}) {
  Log(LogLevel::kError, component, message, fields);
}

// `text` as a JSON string literal, quotes included. Invalid UTF-8 bytes are
// replaced so the line stays valid JSON.
std::string JsonQuote(absl::string_view text);

}  // namespace bilateral
