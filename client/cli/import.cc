#include "import.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "csv.h"
#include "errors.h"
#include "json_input.h"
#include "output.h"
#include "progress.h"
#include "resources.h"

namespace bilateral::cli {

const std::vector<const char*> kTradeCsvColumns = {
    "reporter",  "partner",  "year",  "quarter", "month",  "flow", "hs_code",
    "commodity", "currency", "units", "nanos",   "source", "quote"};

namespace {

// Rows per ImportTradeRecords stream: each stream ends with a summary, so
// progress advances by this much at a time.
constexpr size_t kRowsPerStream = 10000;

// The records to import, each with the line it came from, and their names
// (kept for messages, since the records are moved into the calls).
struct Input {
  std::vector<v1::TradeRecord> records;
  std::vector<int> lines;
  std::vector<std::string> names;
};

// One CSV row's fields by column name.
class CsvFields {
 public:
  CsvFields(const std::map<std::string, size_t>& columns, const CsvRow& row)
      : columns_(columns), row_(row) {}

  std::string Text(const std::string& column) const {
    return std::string(absl::StripAsciiWhitespace(row_.fields[columns_.at(column)]));
  }
  // An empty field is 0.
  template <typename Int>
  absl::Status Number(const std::string& column, Int* value) const {
    std::string text = Text(column);
    *value = 0;
    if (text.empty() || absl::SimpleAtoi(text, value)) return absl::OkStatus();
    return absl::InvalidArgumentError(
        absl::StrCat("column ", column, ": '", text, "' is not a whole number"));
  }

 private:
  const std::map<std::string, size_t>& columns_;
  const CsvRow& row_;
};

absl::StatusOr<v1::TradeFlow> ParseFlow(const std::string& text) {
  std::string name = absl::AsciiStrToUpper(text);
  if (!absl::StartsWith(name, "TRADE_FLOW_")) name = "TRADE_FLOW_" + name;
  v1::TradeFlow flow = v1::TRADE_FLOW_UNSPECIFIED;
  if (!text.empty() && v1::TradeFlow_Parse(name, &flow)) return flow;
  return absl::InvalidArgumentError(
      absl::StrCat("column flow: '", text, "' is not EXPORT, IMPORT or TOTAL"));
}

absl::StatusOr<v1::TradeRecord> TradeRecordFromCsv(const CsvFields& fields) {
  v1::TradeRecord record;
  record.set_reporter(fields.Text("reporter"));
  record.set_partner(fields.Text("partner"));
  v1::Period period;
  int32_t year = 0, quarter = 0, month = 0;
  for (auto [column, value] :
       {std::pair{"year", &year}, {"quarter", &quarter}, {"month", &month}}) {
    if (auto status = fields.Number(column, value); !status.ok()) return status;
  }
  if (year != 0 || quarter != 0 || month != 0) {
    record.mutable_period()->set_year(year);
    record.mutable_period()->set_quarter(quarter);
    record.mutable_period()->set_month(month);
  }
  auto flow = ParseFlow(fields.Text("flow"));
  if (!flow.ok()) return flow.status();
  record.set_flow(*flow);
  if (!fields.Text("hs_code").empty() || !fields.Text("commodity").empty()) {
    record.mutable_commodity()->set_hs_code(fields.Text("hs_code"));
    record.mutable_commodity()->set_label(fields.Text("commodity"));
  }
  int64_t units = 0;
  int32_t nanos = 0;
  if (auto status = fields.Number("units", &units); !status.ok()) return status;
  if (auto status = fields.Number("nanos", &nanos); !status.ok()) return status;
  if (!fields.Text("currency").empty() || units != 0 || nanos != 0) {
    record.mutable_value()->set_currency_code(fields.Text("currency"));
    record.mutable_value()->set_units(units);
    record.mutable_value()->set_nanos(nanos);
  }
  if (!fields.Text("source").empty() || !fields.Text("quote").empty()) {
    v1::Citation* citation = record.add_citations();
    citation->set_source(ResourceName<v1::Source>(fields.Text("source")));
    citation->set_quote(fields.Text("quote"));
  }
  return record;
}

// The header's columns by name; a usage error unless it names each of
// kTradeCsvColumns exactly once and nothing else.
int ReadCsvHeader(const CsvRow& header, const std::string& path,
                  std::map<std::string, size_t>* columns, std::ostream& err) {
  std::vector<std::string> problems;
  for (size_t i = 0; i < header.fields.size(); ++i) {
    std::string name = absl::AsciiStrToLower(absl::StripAsciiWhitespace(header.fields[i]));
    if (std::find(kTradeCsvColumns.begin(), kTradeCsvColumns.end(), name) ==
        kTradeCsvColumns.end()) {
      problems.push_back(absl::StrCat("unknown column '", name, "'"));
    } else if (!columns->emplace(name, i).second) {
      problems.push_back(absl::StrCat("column '", name, "' twice"));
    }
  }
  for (const char* column : kTradeCsvColumns) {
    if (columns->count(column) == 0) problems.push_back(absl::StrCat("no column '", column, "'"));
  }
  if (problems.empty()) return kExitOk;
  return ReportLocalError(
      kExitUsage,
      absl::StrCat(path, ":", header.line, ": the header must name the columns ",
                   absl::StrJoin(kTradeCsvColumns, ","), ": ", absl::StrJoin(problems, "; ")),
      err);
}

// Reads the CSV file at `path` into `text` and `rows`: a usage error for a
// file that is not CSV or has no header line.
int ReadCsvFile(const std::string& path, std::string* text, std::vector<CsvRow>* rows,
                std::ostream& err) {
  if (int code = ReadFileText(path, text, err); code != kExitOk) return code;
  auto parsed = ParseCsv(*text);
  if (!parsed.ok()) {
    return ReportLocalError(kExitUsage, absl::StrCat(path, ": ", parsed.status().message()), err);
  }
  if (parsed->empty()) {
    return ReportLocalError(kExitUsage, absl::StrCat(path, ": no header line"), err);
  }
  *rows = *std::move(parsed);
  return kExitOk;
}

int ReadCsv(const std::string& path, Input* input, std::ostream& err) {
  std::string text;
  std::vector<CsvRow> parsed;
  if (int code = ReadCsvFile(path, &text, &parsed, err); code != kExitOk) return code;
  const std::vector<CsvRow>* rows = &parsed;
  std::map<std::string, size_t> columns;
  if (int code = ReadCsvHeader(rows->front(), path, &columns, err); code != kExitOk) return code;
  for (size_t i = 1; i < rows->size(); ++i) {
    const CsvRow& row = (*rows)[i];
    absl::StatusOr<v1::TradeRecord> record =
        row.fields.size() == columns.size()
            ? TradeRecordFromCsv(CsvFields(columns, row))
            : absl::InvalidArgumentError(
                  absl::StrCat(row.fields.size(), " fields, not ", columns.size()));
    if (!record.ok()) {
      return ReportLocalError(
          kExitUsage, absl::StrCat(path, ":", row.line, ": ", record.status().message()), err);
    }
    input->records.push_back(*std::move(record));
    input->lines.push_back(row.line);
  }
  return kExitOk;
}

// ----- UN Comtrade's CSV

// The columns a Comtrade file must have (its data API's and bulk
// downloads' names, matched without regard to case); others are ignored.
const std::vector<const char*> kComtradeColumns = {"refYear",    "refMonth",    "reporterISO",
                                                   "partnerISO", "flowCode",    "cmdCode",
                                                   "cmdDesc",    "primaryValue"};

// A Comtrade row's fields by column name.
std::string ComtradeField(const std::map<std::string, size_t>& columns, const CsvRow& row,
                          const char* column) {
  return std::string(
      absl::StripAsciiWhitespace(row.fields[columns.at(absl::AsciiStrToLower(column))]));
}

// A non-negative decimal amount ("1234.5", "1.2E+9") as whole units and
// nanos.
absl::Status ParseAmount(const std::string& text, v1::Money* money) {
  const auto malformed = [&] {
    return absl::InvalidArgumentError(
        absl::StrCat("primaryValue: '", text, "' is not a non-negative amount"));
  };
  if (text.empty() || text[0] == '-') return malformed();
  int64_t units = 0;
  int64_t nanos = 0;
  const size_t point = text.find('.');
  const bool plain =
      text.find_first_not_of("0123456789.") == std::string::npos && point == text.rfind('.');
  if (plain) {
    // Exact for plain decimals: the digits after the point, to nine places.
    const std::string whole = text.substr(0, point);
    std::string fraction = point == std::string::npos ? "" : text.substr(point + 1);
    if (whole.empty() && fraction.empty()) return malformed();
    if (!whole.empty() && !absl::SimpleAtoi(whole, &units)) return malformed();
    fraction = fraction.substr(0, 9);
    fraction.append(9 - fraction.size(), '0');
    if (!absl::SimpleAtoi(fraction, &nanos)) return malformed();
  } else {
    double value = 0;
    if (!absl::SimpleAtod(text, &value) || !(value >= 0) || value > 9e15) return malformed();
    units = static_cast<int64_t>(value);
    nanos = static_cast<int64_t>(std::llround((value - static_cast<double>(units)) * 1e9));
    if (nanos >= 1000000000) ++units, nanos = 0;
  }
  money->set_currency_code("USD");
  money->set_units(units);
  money->set_nanos(static_cast<int32_t>(nanos));
  return absl::OkStatus();
}

// One Comtrade row as a trade record citing `source` with `line` (the row's
// text) as its quote.
absl::StatusOr<v1::TradeRecord> TradeRecordFromComtrade(
    const std::map<std::string, size_t>& columns, const CsvRow& row, const std::string& source,
    absl::string_view line) {
  auto field = [&](const char* column) { return ComtradeField(columns, row, column); };
  v1::TradeRecord record;
  record.set_reporter(field("reporterISO"));
  record.set_partner(field("partnerISO"));
  int32_t year = 0;
  if (!absl::SimpleAtoi(field("refYear"), &year) || year < 1900 || year > 9999) {
    return absl::InvalidArgumentError(
        absl::StrCat("refYear: '", field("refYear"), "' is not a year"));
  }
  record.mutable_period()->set_year(year);
  // Annual figures carry refMonth 52 (or none); monthly ones 1 to 12.
  int32_t month = 0;
  const std::string month_text = field("refMonth");
  if (!month_text.empty() && (!absl::SimpleAtoi(month_text, &month) ||
                              !((month >= 1 && month <= 12) || month == 52 || month == 0))) {
    return absl::InvalidArgumentError(
        absl::StrCat("refMonth: '", month_text, "' is not a month (1-12) or 52 (the year)"));
  }
  if (month >= 1 && month <= 12) record.mutable_period()->set_month(month);
  const std::string flow = absl::AsciiStrToUpper(field("flowCode"));
  if (flow == "X") {
    record.set_flow(v1::TRADE_FLOW_EXPORT);
  } else if (flow == "M") {
    record.set_flow(v1::TRADE_FLOW_IMPORT);
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "flowCode: '", field("flowCode"),
        "' is not X (export) or M (import); re-exports, re-imports and other flows are not "
        "trade records"));
  }
  const std::string code = field("cmdCode");
  if (absl::AsciiStrToUpper(code) != "TOTAL") {
    const bool digits = !code.empty() && code.find_first_not_of("0123456789") == std::string::npos;
    if (!digits || (code.size() != 2 && code.size() != 4 && code.size() != 6)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "cmdCode: '", code, "' is not TOTAL or a Harmonized System code of 2, 4 or 6 digits"));
    }
    record.mutable_commodity()->set_hs_code(code);
    record.mutable_commodity()->set_label(field("cmdDesc"));
  }
  if (auto status = ParseAmount(field("primaryValue"), record.mutable_value()); !status.ok()) {
    return status;
  }
  v1::Citation* citation = record.add_citations();
  citation->set_source(source);
  citation->set_quote(std::string(absl::StripAsciiWhitespace(line)));
  return record;
}

// Reads a Comtrade file: rows that cannot be trade records go to `rejected`
// with their line and why, and the others to `input`.
int ReadComtrade(const std::string& path, const std::string& source, Input* input,
                 std::vector<std::pair<int, std::string>>* rejected, std::ostream& err) {
  std::string text;
  std::vector<CsvRow> parsed;
  if (int code = ReadCsvFile(path, &text, &parsed, err); code != kExitOk) return code;
  const std::vector<CsvRow>* rows = &parsed;
  std::map<std::string, size_t> columns;
  for (size_t i = 0; i < rows->front().fields.size(); ++i) {
    columns.emplace(absl::AsciiStrToLower(absl::StripAsciiWhitespace(rows->front().fields[i])), i);
  }
  std::vector<std::string> missing;
  for (const char* column : kComtradeColumns) {
    if (columns.count(absl::AsciiStrToLower(column)) == 0) missing.push_back(column);
  }
  if (!missing.empty()) {
    return ReportLocalError(
        kExitUsage,
        absl::StrCat(path, ":", rows->front().line, ": not a UN Comtrade file: no column ",
                     absl::StrJoin(missing, ", ")),
        err);
  }
  const std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  for (size_t i = 1; i < rows->size(); ++i) {
    const CsvRow& row = (*rows)[i];
    absl::string_view line = static_cast<size_t>(row.line) <= lines.size()
                                 ? lines[static_cast<size_t>(row.line) - 1]
                                 : absl::string_view();
    absl::StatusOr<v1::TradeRecord> record =
        row.fields.size() == rows->front().fields.size()
            ? TradeRecordFromComtrade(columns, row, source, line)
            : absl::InvalidArgumentError(
                  absl::StrCat(row.fields.size(), " fields, not ", rows->front().fields.size()));
    if (!record.ok()) {
      rejected->emplace_back(row.line, std::string(record.status().message()));
      continue;
    }
    input->records.push_back(*std::move(record));
    input->lines.push_back(row.line);
  }
  return kExitOk;
}

// Adds one stream's summary to the import's; `first_row` is the position of
// the stream's first row in the whole import.
void Merge(v1::ImportTradeRecordsResponse part, int64_t first_row,
           v1::ImportTradeRecordsResponse* total) {
  total->set_received_count(total->received_count() + part.received_count());
  total->set_stored_count(total->stored_count() + part.stored_count());
  total->set_rejected_count(total->rejected_count() + part.rejected_count());
  for (v1::ImportRowError& error : *part.mutable_errors()) {
    error.set_index(error.index() + first_row);
    *total->add_errors() = std::move(error);
  }
}

// "tradeRecords/x (FILE:3, row 2)", without the name for a record that had
// none, and only the row when it is not one of the file's.
std::string RowText(const v1::ImportRowError& error, const std::string& path, const Input& input) {
  if (error.index() < 0 || static_cast<size_t>(error.index()) >= input.lines.size()) {
    return absl::StrCat("(row ", error.index(), ")");
  }
  const size_t row = static_cast<size_t>(error.index());
  const std::string& name = input.names[row];
  return absl::StrCat(name, name.empty() ? "(" : " (", path, ":", input.lines[row], ", row ", row,
                      ")");
}

}  // namespace

int RunImportTrade(const Context& context) {
  const std::string& path = context.args[0];
  ImportOptions options;
  options.use_names = true;
  // The parser has checked that the value is a whole number.
  if (context.invocation.Has("chunk-size") &&
      (!absl::SimpleAtoi(context.invocation.Get("chunk-size"), &options.chunk_size) ||
       options.chunk_size < 1)) {
    return ReportUsageError("--chunk-size must be at least 1", *context.err);
  }
  Input input;
  // Rows of the file that are not trade records (Comtrade files only): the
  // line and why.
  std::vector<std::pair<int, std::string>> unreadable;
  const std::string format = context.invocation.Get("format", "ndjson");
  const std::string source = context.invocation.Get("source");
  if ((format == "comtrade") != !source.empty()) {
    return ReportUsageError(format == "comtrade"
                                ? "--format comtrade needs --source, the source the rows cite"
                                : "--source goes with --format comtrade",
                            *context.err);
  }
  int code = format == "csv"        ? ReadCsv(path, &input, *context.err)
             : format == "comtrade" ? ReadComtrade(path, ResourceName<v1::Source>(source), &input,
                                                   &unreadable, *context.err)
                                    : ReadNdjson(path, &input.records, &input.lines, *context.err);
  if (code != kExitOk) return code;
  for (const auto& [line, why] : unreadable) {
    *context.err << "rejected (" << path << ":" << line << "): INVALID_ARGUMENT: " << why << "\n";
  }
  for (const v1::TradeRecord& record : input.records) input.names.push_back(record.name());

  auto client = Resource<v1::TradeRecord>::Connect(context);
  Progress progress(context, "imported", "trade records");
  v1::ImportTradeRecordsResponse summary;
  // One stream even for no records, so that the summary is the server's.
  size_t first = 0;
  do {
    size_t end = std::min(input.records.size(), first + kRowsPerStream);
    std::vector<v1::TradeRecord> part(std::make_move_iterator(input.records.begin() + first),
                                      std::make_move_iterator(input.records.begin() + end));
    auto result = client.ImportTradeRecords(std::move(part), options);
    if (!result.ok()) {
      progress.Finish();
      ReportServerError(result.status(), *context.err);
      if (first > 0) {
        *context.err << "  before it: "
                     << CountsText({{"received", summary.received_count()},
                                    {"stored", summary.stored_count()}},
                                   OutputFormat::kTable);
      }
      return kExitServerError;
    }
    Merge(*std::move(result), static_cast<int64_t>(first), &summary);
    progress.Add(static_cast<int64_t>(end - first));
    first = end;
  } while (first < input.records.size());
  progress.Finish();

  int64_t already_present = 0;
  for (const v1::ImportRowError& error : summary.errors()) {
    if (error.code() == "ALREADY_EXISTS") {
      ++already_present;
      *context.err << "already present: " << RowText(error, path, input) << "\n";
      continue;
    }
    *context.err << "rejected " << RowText(error, path, input) << ": " << error.code() << ": "
                 << error.message() << "\n";
    for (const std::string& violation : error.field_violations()) {
      *context.err << "  " << violation << "\n";
    }
  }
  const int64_t rejected =
      summary.rejected_count() - already_present + static_cast<int64_t>(unreadable.size());
  if (summary.rejected_count() > summary.errors_size()) {
    *context.err << "and " << summary.rejected_count() - summary.errors_size()
                 << " more rejected rows not listed by the server\n";
  }
  if (context.format == OutputFormat::kTable) {
    *context.out << CountsText(
        {{"received", summary.received_count() + static_cast<int64_t>(unreadable.size())},
         {"stored", summary.stored_count()},
         {"already present", already_present},
         {"rejected", rejected}},
        OutputFormat::kTable);
  } else {
    *context.out << ToJson(summary, context.format);
  }
  return rejected > 0 ? kExitServerError : kExitOk;
}

}  // namespace bilateral::cli
