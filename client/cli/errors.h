// How bilateralctl ends, and how it tells the user why.
#pragma once

#include <ostream>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace bilateral::cli {

// The process exit codes; `bilateralctl --help` documents them.
enum ExitCode : int {
  kExitOk = 0,
  // The server answered with an error, or could not be reached (UNAVAILABLE).
  kExitServerError = 1,
  // Unknown command or flag, missing argument, or an input that is not the
  // JSON the command expects.
  kExitUsage = 2,
  // A local file could not be read.
  kExitIo = 3,
};

// Prints a failed call as "error: CODE: message", then one indented line per
// field violation and the machine-readable reason, so that the user sees
// every detail the server sent. Returns kExitServerError.
int ReportServerError(const absl::Status& status, std::ostream& err);

// Prints "error: message" and a pointer to --help. Returns kExitUsage.
int ReportUsageError(absl::string_view message, std::ostream& err);

// Prints "error: message" for a problem found on this side of the wire and
// returns `code`.
int ReportLocalError(ExitCode code, absl::string_view message, std::ostream& err);

}  // namespace bilateral::cli
