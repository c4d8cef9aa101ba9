#include "errors.h"

#include "bilateral/status.h"

namespace bilateral::cli {

int ReportServerError(const absl::Status& status, std::ostream& err) {
  err << "error: " << absl::StatusCodeToString(status.code()) << ": " << status.message() << "\n";
  for (const FieldViolation& violation : FieldViolations(status)) {
    err << "  " << violation.field << ": " << violation.description << "\n";
  }
  if (std::string reason = ErrorReason(status); !reason.empty()) {
    err << "  reason: " << reason << "\n";
  }
  return kExitServerError;
}

int ReportUsageError(absl::string_view message, std::ostream& err) {
  err << "error: " << message << "\nRun 'bilateralctl --help' for usage.\n";
  return kExitUsage;
}

int ReportLocalError(ExitCode code, absl::string_view message, std::ostream& err) {
  err << "error: " << message << "\n";
  return code;
}

}  // namespace bilateral::cli
