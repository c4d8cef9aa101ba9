// Structured logs: one JSON object per line on standard error, so that log
// collectors can parse them without configuration.
#pragma once

#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace bilateral {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

// Lines below `level` are dropped. Default: kInfo.
void SetLogLevel(LogLevel level);

// Whether lines at `level` are written.
bool LogEnabled(LogLevel level);

// Parses "debug", "info", "warning" or "error"; false when unknown.
bool ParseLogLevel(absl::string_view text, LogLevel* level);

// One extra key/value pair of a line: text is written as a JSON string,
// numbers and booleans as JSON numbers and booleans.
struct LogField {
  LogField(std::string key, std::string value);
  LogField(std::string key, const char* value);
  LogField(std::string key, absl::string_view value);
  template <
      typename Integer,
      std::enable_if_t<std::is_integral_v<Integer> && !std::is_same_v<Integer, bool>, int> = 0>
  LogField(std::string key, Integer value) : key(std::move(key)), json(std::to_string(value)) {}
  LogField(std::string key, double value);
  LogField(std::string key, bool value);

  std::string key;
  std::string json;  // the value, already encoded as JSON
};
using LogFields = std::vector<LogField>;

// Writes one line: time, level, component, message, then `fields`.
void Log(LogLevel level, absl::string_view component, absl::string_view message,
         const LogFields& fields = {});

inline void LogInfo(absl::string_view component, absl::string_view message,
                    const LogFields& fields = {}) {
  Log(LogLevel::kInfo, component, message, fields);
}
inline void LogDebug(absl::string_view component, absl::string_view message,
                     const LogFields& fields = {}) {
  Log(LogLevel::kDebug, component, message, fields);
}
inline void LogWarning(absl::string_view component, absl::string_view message,
                       const LogFields& fields = {}) {
  Log(LogLevel::kWarning, component, message, fields);
}
inline void LogError(absl::string_view component, absl::string_view message,
                     const LogFields& fields = {}) {
  Log(LogLevel::kError, component, message, fields);
}

// `text` as a JSON string literal, quotes included. Invalid UTF-8 bytes are
// replaced so the line stays valid JSON.
std::string JsonQuote(absl::string_view text);

}  // namespace bilateral
