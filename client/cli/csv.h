// Comma-separated values as RFC 4180 writes them, for imports from
// spreadsheets.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace bilateral::cli {

// One record of a CSV text: its fields, and the line it starts on (from 1).
struct CsvRow {
  std::vector<std::string> fields;
  int line = 0;
};

// Splits `text` into records. Fields are separated by commas and records by
// newlines (LF or CRLF); a field in double quotes may hold commas, newlines
// and doubled quotes (""). Blank lines are skipped. INVALID_ARGUMENT naming
// the line where a quoted field is not closed, or where text follows its
// closing quote.
absl::StatusOr<std::vector<CsvRow>> ParseCsv(absl::string_view text);

}  // namespace bilateral::cli
