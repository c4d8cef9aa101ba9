// Plain-text layouts for terminals: an aligned table whose rows may carry
// indented lines beneath them, and "label: value" blocks.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace bilateral::cli {

struct TableRow {
  std::vector<std::string> cells;
  // Printed under the row, indented; they do not widen the columns.
  std::vector<std::string> notes;
};

// One line of a "label: value" block, with lines of its own beneath it.
struct Detail {
  std::string label;
  std::string value;
  std::vector<std::string> notes;
};

// Columns are as wide as their widest cell in code points, so that names
// and quotes in any script line up.
void PrintTable(const std::vector<std::string>& headers, const std::vector<TableRow>& rows,
                std::ostream& out);

void PrintDetails(const std::vector<Detail>& details, std::ostream& out);

// Whether `c` continues a UTF-8 sequence rather than starting one.
bool IsContinuationByte(char c);

// How many code points UTF-8 `text` holds.
size_t CodePointCount(std::string_view text);

// `text` cut to at most `max_width` code points, ending in "…" when cut.
std::string Shorten(std::string_view text, size_t max_width);

}  // namespace bilateral::cli
