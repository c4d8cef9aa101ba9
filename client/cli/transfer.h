// `<resource> export` and `<resource> import`: every record of a kind to and
// from NDJSON, one record in protobuf JSON per line with its name, so that
// an export imported into an empty server gives the same records.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "errors.h"
#include "json_input.h"
#include "output.h"
#include "progress.h"
#include "resources.h"

namespace bilateral::cli {

// Where an export writes: standard output (no FILE, or "-"), or FILE, which
// is written as FILE.partial and takes its name only once the export is
// complete, so that a failed export never leaves a file that looks whole.
class ExportSink {
 public:
  // Opens the sink for `path`; null after printing why to `err` when the
  // file cannot be created.
  static std::unique_ptr<ExportSink> Open(const std::string& path, const Context& context);
  // Removes the partial file unless Commit() succeeded.
  ~ExportSink();

  std::ostream& stream() { return *stream_; }
  // Flushes, and gives FILE its name. kExitOk, or kExitIo after printing
  // why to `err`.
  int Commit(std::ostream& err);
  bool to_file() const { return !path_.empty(); }

 private:
  ExportSink() = default;
  std::string path_;  // "" for standard output
  std::unique_ptr<std::ostream> file_;
  std::ostream* stream_ = nullptr;
  bool committed_ = false;
};

// `<resource> export [--filter F] [FILE]`: every record matching the filter,
// in the order they were stored, one per line. Prints "exported N" when
// writing to FILE. A failed call ends the export with kExitServerError.
template <typename T>
int RunExport(const Context& context) {
  using R = Resource<T>;
  typename R::ListRequest request;
  request.set_filter(context.invocation.Get("filter"));
  request.set_page_size(1000);  // the largest page the server gives
  // Sources with their texts, so that an import elsewhere checks quotes.
  if constexpr (std::is_same_v<T, v1::Source>) request.set_view(v1::SOURCE_VIEW_FULL);
  auto sink = ExportSink::Open(context.args.empty() ? "" : context.args[0], context);
  if (sink == nullptr) return kExitIo;

  auto client = R::Connect(context);
  Progress progress(context, "exported", R::kPlural);
  int64_t exported = 0;
  for (absl::StatusOr<T>& record : R::List(client, std::move(request))) {
    if (!record.ok()) {
      progress.Finish();
      return ReportServerError(record.status(), *context.err);
    }
    sink->stream() << ToJsonLine(*record);
    ++exported;
    progress.Add();
  }
  progress.Finish();
  if (int code = sink->Commit(*context.err); code != kExitOk) return code;
  if (sink->to_file()) *context.out << CountsText({{"exported", exported}}, context.format);
  return kExitOk;
}

// `<resource> import FILE`: creates each record of an NDJSON file (as
// `export` writes them; "-" reads standard input) under the id its name
// gives, in file order. The file is read whole first: a line that is not a
// record stops the import before anything is sent. A record whose id is
// taken is skipped and reported on stderr; any other error stops the import
// (kExitServerError) naming the record and its line, and importing the file
// again then picks up where it stopped. Prints the counts.
template <typename T>
int RunImport(const Context& context) {
  using R = Resource<T>;
  const std::string& path = context.args[0];
  std::vector<T> records;
  std::vector<int> lines;
  if (int code = ReadNdjson(path, &records, &lines, *context.err); code != kExitOk) return code;

  auto client = R::Connect(context);
  Progress progress(context, "imported", R::kPlural);
  int64_t created = 0;
  int64_t already_present = 0;
  auto counts = [&](OutputFormat format) {
    return CountsText({{"created", created}, {"already present", already_present}}, format);
  };
  for (size_t i = 0; i < records.size(); ++i) {
    auto stored = CreateKeepingName<T>(client, records[i]);
    const std::string where = absl::StrCat(records[i].name(), " (", path, ":", lines[i], ")");
    if (stored.ok()) {
      ++created;
    } else if (absl::IsAlreadyExists(stored.status())) {
      ++already_present;
      progress.Note(absl::StrCat("already present: ", where, "\n"));
    } else {
      progress.Finish();
      ReportServerError(stored.status(), *context.err);
      *context.err << "  record: " << where << "\n  before it: " << counts(OutputFormat::kTable);
      return kExitServerError;
    }
    progress.Add();
  }
  progress.Finish();
  *context.out << counts(context.format);
  return kExitOk;
}

}  // namespace bilateral::cli
