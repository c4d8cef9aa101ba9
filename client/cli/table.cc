#include "table.h"

#include <algorithm>

namespace bilateral::cli {
namespace {

constexpr std::string_view kColumnGap = "  ";
constexpr std::string_view kNoteIndent = "    ";

// Width in code points: close enough to terminal columns for the
// alphabetic scripts the records use.
size_t DisplayWidth(std::string_view text) { return CodePointCount(text); }

void PrintLine(const std::vector<std::string>& cells, const std::vector<size_t>& widths,
               std::ostream& out) {
  for (size_t i = 0; i < cells.size(); ++i) {
    out << cells[i];
    // No padding after the last cell, so lines carry no trailing blanks.
    if (i + 1 < cells.size()) {
      out << std::string(widths[i] - DisplayWidth(cells[i]), ' ') << kColumnGap;
    }
  }
  out << "\n";
}

}  // namespace

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

size_t CodePointCount(std::string_view text) {
  return static_cast<size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return !IsContinuationByte(c); }));
}

void PrintTable(const std::vector<std::string>& headers, const std::vector<TableRow>& rows,
                std::ostream& out) {
  std::vector<size_t> widths;
  for (const std::string& header : headers) widths.push_back(DisplayWidth(header));
  for (const TableRow& row : rows) {
    for (size_t i = 0; i < row.cells.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], DisplayWidth(row.cells[i]));
    }
  }
  PrintLine(headers, widths, out);
  for (const TableRow& row : rows) {
    PrintLine(row.cells, widths, out);
    for (const std::string& note : row.notes) out << kNoteIndent << note << "\n";
  }
}

void PrintDetails(const std::vector<Detail>& details, std::ostream& out) {
  size_t width = 0;
  for (const Detail& detail : details) width = std::max(width, DisplayWidth(detail.label));
  for (const Detail& detail : details) {
    out << detail.label << ":";
    if (!detail.value.empty()) {
      out << std::string(width - DisplayWidth(detail.label) + 1, ' ') << detail.value;
    }
    out << "\n";
    for (const std::string& note : detail.notes) out << kNoteIndent << note << "\n";
  }
}

std::string Shorten(std::string_view text, size_t max_width) {
  if (DisplayWidth(text) <= max_width || max_width == 0) return std::string(text);
  size_t kept = 0;
  size_t end = 0;
  // Keep max_width - 1 code points, leaving room for the ellipsis.
  while (end < text.size()) {
    if (!IsContinuationByte(text[end])) {
      if (kept == max_width - 1) break;
      ++kept;
    }
    ++end;
  }
  return std::string(text.substr(0, end)) + "…";
}

}  // namespace bilateral::cli
