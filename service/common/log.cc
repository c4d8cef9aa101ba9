#include "common/log.h"

#include <atomic>
#include <cmath>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace bilateral {
namespace {

std::atomic<int> min_level{static_cast<int>(LogLevel::kInfo)};

constexpr absl::string_view kLevelNames[] = {"debug", "info", "warning", "error"};

// Length of the valid UTF-8 sequence at the start of `s`, or 0.
size_t Utf8SequenceLength(absl::string_view s) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char lead = byte(0);
  size_t length = lead < 0x80         ? 1
                  : lead >> 5 == 0x6  ? 2
                  : lead >> 4 == 0xe  ? 3
                  : lead >> 3 == 0x1e ? 4
                                      : 0;
  if (length == 0 || length > s.size()) return 0;
  for (size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xc0) != 0x80) return 0;
  }
  return length;
}

}  // namespace

void SetLogLevel(LogLevel level) { min_level = static_cast<int>(level); }

bool LogEnabled(LogLevel level) {
  return static_cast<int>(level) >= min_level.load(std::memory_order_relaxed);
}

LogField::LogField(std::string key, std::string value)
    : key(std::move(key)), json(JsonQuote(value)) {}
LogField::LogField(std::string key, const char* value)
    : key(std::move(key)), json(JsonQuote(value)) {}
LogField::LogField(std::string key, absl::string_view value)
    : key(std::move(key)), json(JsonQuote(value)) {}
LogField::LogField(std::string key, double value)
    : key(std::move(key)), json(std::isfinite(value) ? absl::StrFormat("%.6g", value) : "null") {}
LogField::LogField(std::string key, bool value)
    : key(std::move(key)), json(value ? "true" : "false") {}

bool ParseLogLevel(absl::string_view text, LogLevel* level) {
  for (int i = 0; i < 4; ++i) {
    if (text == kLevelNames[i]) {
      *level = static_cast<LogLevel>(i);
      return true;
    }
  }
  return false;
}

std::string JsonQuote(absl::string_view text) {
  std::string out = "\"";
  while (!text.empty()) {
    unsigned char c = static_cast<unsigned char>(text[0]);
    size_t length = Utf8SequenceLength(text);
    if (length == 0) {
      out += "\\ufffd";
      text.remove_prefix(1);
      continue;
    }
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      absl::StrAppendFormat(&out, "\\u%04x", c);
    } else {
      out.append(text.data(), length);
    }
    text.remove_prefix(length);
  }
  out += '"';
  return out;
}

void Log(LogLevel level, absl::string_view component, absl::string_view message,
         const LogFields& fields) {
  if (!LogEnabled(level)) return;
  std::string line = absl::StrCat(
      "{\"time\":\"", absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", absl::Now(), absl::UTCTimeZone()),
      "\",\"level\":\"", kLevelNames[static_cast<int>(level)],
      "\",\"component\":", JsonQuote(component), ",\"message\":", JsonQuote(message));
  for (const auto& field : fields) {
    absl::StrAppend(&line, ",", JsonQuote(field.key), ":", field.json);
  }
  line += "}\n";
  // One write per line keeps concurrent lines from interleaving.
  fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace bilateral
