#include "import.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "errors.h"
#include "json_input.h"
#include "output.h"
#include "resources.h"

namespace bilateral::cli {
namespace {

// The records of an NDJSON file, each with the line it came from.
struct NdjsonRecords {
  std::vector<v1::TradeRecord> records;
  std::vector<int> lines;
};

int ReadNdjson(const std::string& path, NdjsonRecords* result, std::ostream& err) {
  std::string text;
  if (int code = ReadFileText(path, &text, err); code != kExitOk) return code;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    v1::TradeRecord record;
    if (int code = ParseJson(std::string(line), absl::StrCat(path, ":", line_number), &record,
                             err);
        code != kExitOk) {
      return code;
    }
    result->records.push_back(std::move(record));
    result->lines.push_back(line_number);
  }
  return kExitOk;
}

// "rejected line 3 (row 2): INVALID_ARGUMENT: ..." and its field violations.
void PrintRejectedRow(const v1::ImportRowError& error, const std::string& path,
                      const std::vector<int>& lines, std::ostream& err) {
  err << "rejected ";
  if (error.index() >= 0 && static_cast<size_t>(error.index()) < lines.size()) {
    err << path << ":" << lines[static_cast<size_t>(error.index())] << " ";
  }
  err << "(row " << error.index() << "): " << error.code() << ": " << error.message() << "\n";
  for (const std::string& violation : error.field_violations()) {
    err << "  " << violation << "\n";
  }
}

}  // namespace

int RunImportTrade(const Context& context) {
  const std::string& path = context.args[0];
  ImportOptions options;
  options.use_names = context.invocation.Has("use-names");
  // The parser has checked that the value is a whole number.
  if (context.invocation.Has("chunk-size") &&
      (!absl::SimpleAtoi(context.invocation.Get("chunk-size"), &options.chunk_size) ||
       options.chunk_size < 1)) {
    return ReportUsageError("--chunk-size must be at least 1", *context.err);
  }
  NdjsonRecords input;
  if (int code = ReadNdjson(path, &input, *context.err); code != kExitOk) return code;

  auto client = Resource<v1::TradeRecord>::Connect(context);
  auto summary = client.ImportTradeRecords(std::move(input.records), options);
  if (!summary.ok()) return ReportServerError(summary.status(), *context.err);

  for (const v1::ImportRowError& error : summary->errors()) {
    PrintRejectedRow(error, path, input.lines, *context.err);
  }
  if (summary->rejected_count() > summary->errors_size()) {
    *context.err << "and " << summary->rejected_count() - summary->errors_size()
                 << " more rejected rows not listed by the server\n";
  }
  if (context.format == OutputFormat::kJson) {
    *context.out << ToJson(*summary);
  } else {
    *context.out << "received " << summary->received_count() << ", stored "
                 << summary->stored_count() << ", rejected " << summary->rejected_count()
                 << "\n";
  }
  return kExitOk;
}

}  // namespace bilateral::cli
