#include "csv.h"

#include "absl/strings/str_cat.h"

namespace bilateral::cli {

absl::StatusOr<std::vector<CsvRow>> ParseCsv(absl::string_view text) {
  std::vector<CsvRow> rows;
  CsvRow row;
  std::string field;
  int line = 1;
  row.line = line;
  bool quoted = false;        // inside a quoted field
  bool after_quote = false;   // the quoted field just closed
  bool row_has_text = false;  // the row is not a blank line
  auto end_field = [&] {
    row.fields.push_back(std::move(field));
    field.clear();
    after_quote = false;
  };
  auto end_row = [&] {
    if (row_has_text) {
      end_field();
      rows.push_back(std::move(row));
    }
    row = CsvRow();
    field.clear();
    after_quote = false;
    row_has_text = false;
    row.line = line;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
        after_quote = true;
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    if (c == '\n') {
      ++line;
      end_row();
      continue;
    }
    row_has_text = true;
    if (c == ',') {
      end_field();
    } else if (after_quote) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", line, ": text after the closing quote of a field"));
    } else if (c == '"' && field.empty()) {
      quoted = true;
    } else {
      field += c;
    }
  }
  if (quoted) {
    return absl::InvalidArgumentError(
        absl::StrCat("line ", row.line, ": a quoted field is not closed"));
  }
  end_row();
  return rows;
}

}  // namespace bilateral::cli
