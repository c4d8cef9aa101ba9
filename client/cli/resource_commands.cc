#include "resource_commands.h"

#include <algorithm>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "args.h"
#include "errors.h"
#include "evidence.h"
#include "google/protobuf/empty.pb.h"
#include "import.h"
#include "json_input.h"
#include "output.h"
#include "resources.h"
#include "transfer.h"

namespace bilateral::cli {
namespace {

const std::vector<std::string> kListFlags = {"filter", "order-by", "page-size"};
const std::vector<std::string> kCreateFlags = {"file", "json", "id", "request-id"};
const std::vector<std::string> kUpdateFlags = {"file", "json", "update-mask", "etag"};

// The --page-size flag's value, 0 (the server's default) when not given.
int PageSize(const Context& context) {
  int page_size = 0;
  // The parser has checked the value, so the conversion cannot fail.
  (void)absl::SimpleAtoi(context.invocation.Get("page-size", "0"), &page_size);
  return page_size;
}

// Prints every item of `range`, fetching every page first: a table needs all
// rows for its widths, and a failure must not leave half a JSON document
// behind.
template <typename T>
int PrintAll(PaginatedRange<T> range, const Context& context) {
  std::vector<T> records;
  for (absl::StatusOr<T>& record : range) {
    if (!record.ok()) return ReportServerError(record.status(), *context.err);
    records.push_back(std::move(*record));
  }
  PrintRecords(records, context.format, *context.out);
  return kExitOk;
}

// `<resource> list [--filter F] [--order-by O] [--page-size N]`: every page.
template <typename T>
int RunList(const Context& context) {
  typename Resource<T>::ListRequest request;
  request.set_filter(context.invocation.Get("filter"));
  request.set_order_by(context.invocation.Get("order-by"));
  request.set_page_size(PageSize(context));
  auto client = Resource<T>::Connect(context);
  return PrintAll(Resource<T>::List(client, std::move(request)), context);
}

// `search QUERY [--collections A,B] [--page-size N]`: every result, best
// first.
int RunSearch(const Context& context) {
  v1::SearchRequest request;
  request.set_query(context.args[0]);
  for (std::string& collection : CommaList(context.invocation.Get("collections"))) {
    request.add_collections(std::move(collection));
  }
  request.set_page_size(PageSize(context));
  auto client = Resource<v1::SearchResult>::Connect(context);
  return PrintAll(client.Search(std::move(request)), context);
}

// `relationships timeline NAME [--filter F] [--page-size N]`: every entry,
// oldest first.
int RunTimeline(const Context& context) {
  v1::ListTimelineRequest request;
  request.set_parent(ResourceName<v1::Relationship>(context.args[0]));
  request.set_filter(context.invocation.Get("filter"));
  request.set_page_size(PageSize(context));
  auto client = Resource<v1::TimelineEntry>::Connect(context);
  return PrintAll(client.ListTimeline(std::move(request)), context);
}

// `<resource> get NAME [--evidence]`.
template <typename T>
int RunGet(const Context& context) {
  auto client = Resource<T>::Connect(context);
  auto record = Resource<T>::Get(client, ResourceName<T>(context.args[0]));
  if (!record.ok()) return ReportServerError(record.status(), *context.err);
  if (context.invocation.Has("evidence")) {
    std::ostringstream details;
    PrintRecord(*record, OutputFormat::kTable, details);
    return PrintWithEvidence(context, *record, details.str());
  }
  PrintRecord(*record, context.format, *context.out);
  return kExitOk;
}

// `<resource> batch-get NAME...`: one call, records in the order named.
template <typename T>
int RunBatchGet(const Context& context) {
  std::vector<std::string> names;
  for (const std::string& argument : context.args) names.push_back(ResourceName<T>(argument));
  auto client = Resource<T>::Connect(context);
  auto records = Resource<T>::BatchGet(client, names);
  if (!records.ok()) return ReportServerError(records.status(), *context.err);
  PrintRecords(*records, context.format, *context.out);
  return kExitOk;
}

// The body of a create or update; a source's may come from --text-file
// alone, or take its text from it.
template <typename T>
int ReadRecordBody(const Context& context, T* body) {
  if constexpr (std::is_same_v<T, v1::Source>) {
    const Invocation& invocation = context.invocation;
    if (invocation.Has("text-file")) {
      if (invocation.Has("file") || invocation.Has("json")) {
        if (int code = ReadBody(context, body); code != kExitOk) return code;
      }
      std::string text;
      if (int code = ReadFileText(invocation.Get("text-file"), &text, *context.err);
          code != kExitOk) {
        return code;
      }
      body->set_text(std::move(text));
      return kExitOk;
    }
  }
  return ReadBody(context, body);
}

// `<resource> create (--file|--json) [--id ID] [--request-id RID]`; sources
// also [--text-file FILE].
template <typename T>
int RunCreate(const Context& context) {
  T body;
  if (int code = ReadRecordBody(context, &body); code != kExitOk) return code;
  auto client = Resource<T>::Connect(context);
  auto created = Resource<T>::Create(client, std::move(body), context.invocation.Get("id"),
                                     context.invocation.Get("request-id"));
  if (!created.ok()) return ReportServerError(created.status(), *context.err);
  PrintRecord(*created, context.format, *context.out);
  return kExitOk;
}

// `<resource> update NAME (--file|--json) [--update-mask PATHS] [--etag E]`.
template <typename T>
int RunUpdate(const Context& context) {
  T record;
  if (int code = ReadRecordBody(context, &record); code != kExitOk) return code;
  // The NAME argument decides which record changes, whatever the body says.
  record.set_name(ResourceName<T>(context.args[0]));
  if (context.invocation.Has("etag")) record.set_etag(context.invocation.Get("etag"));
  std::vector<std::string> paths = CommaList(context.invocation.Get("update-mask"));
  // A text given is a text to replace, whatever else the mask names.
  if (context.invocation.Has("text-file") && !paths.empty() &&
      std::find(paths.begin(), paths.end(), "text") == paths.end()) {
    paths.push_back("text");
  }
  auto client = Resource<T>::Connect(context);
  auto updated = Resource<T>::Update(client, record, paths);
  if (!updated.ok()) return ReportServerError(updated.status(), *context.err);
  PrintRecord(*updated, context.format, *context.out);
  return kExitOk;
}

// `<resource> delete NAME [--etag E]`.
template <typename T>
int RunDelete(const Context& context) {
  std::string name = ResourceName<T>(context.args[0]);
  auto client = Resource<T>::Connect(context);
  auto status = Resource<T>::Delete(client, name, context.invocation.Get("etag"));
  if (!status.ok()) return ReportServerError(status, *context.err);
  if (context.format == OutputFormat::kTable) {
    *context.out << "deleted " << name << "\n";
  } else {
    *context.out << ToJson(google::protobuf::Empty(), context.format);
  }
  return kExitOk;
}

// "a visit", "an exchange", "an Exchange".
std::string WithArticle(absl::string_view noun) {
  bool vowel = !noun.empty() && absl::string_view("aeiouAEIOU").find(noun[0]) != noun.npos;
  return absl::StrCat(vowel ? "an " : "a ", noun);
}

// The list, get and export commands, which every resource has; `list_help`,
// when given, adds lines to the summary of list.
template <typename T>
void AddReadCommands(std::vector<Command>& commands, const std::string& name_help,
                     const std::string& list_help = "") {
  using R = Resource<T>;
  commands.push_back(
      {R::kCommand, "list", "", 0, 0, kListFlags,
       absl::StrCat("List ", R::kPlural, " matching the filter, fetching every page.",
                    list_help.empty() ? "" : "\n", list_help),
       &RunList<T>});
  // Records with citations show their evidence on request.
  constexpr bool kCites = !std::is_same_v<T, v1::Country> && !std::is_same_v<T, v1::Finding>;
  commands.push_back(
      {R::kCommand, "get", "NAME", 1, 1,
       kCites ? std::vector<std::string>{"evidence"} : std::vector<std::string>{},
       absl::StrCat("Show one ", R::kNoun, " (NAME: ", name_help, ").",
                    kCites ? "\n--evidence adds each citation's state and offsets, and the "
                             "sentence of\nthe source's text that holds its quote, the quote "
                             "in [brackets]."
                           : ""),
       &RunGet<T>});
  commands.push_back(
      {R::kCommand,
       "export",
       "[FILE]",
       0,
       1,
       {"filter"},
       absl::StrCat("Write every ", R::kNoun,
                    " matching the filter as NDJSON: one record in protobuf JSON\n"
                    "per line, with its name, in the order they were stored. To FILE (which\n"
                    "appears only once the export is complete), or to stdout without FILE\n"
                    "or with -. Shows progress on stderr when it is a terminal."),
       &RunExport<T>});
}

// How a record resource imports: through Create calls, or for trade records
// through the streamed ImportTradeRecords.
template <typename T>
Command ImportCommand() {
  using R = Resource<T>;
  return {R::kCommand,
          "import",
          "FILE",
          1,
          1,
          {},
          absl::StrCat("Create the ", R::kPlural,
                       " of an NDJSON file (as export writes it; - reads\n"
                       "stdin) under the ids their names give, in file order. Records that\n"
                       "exist already are skipped and listed on stderr; any other error stops\n"
                       "the import, naming the record, and running it again resumes it."),
          &RunImport<T>};
}

template <>
Command ImportCommand<v1::TradeRecord>() {
  return {"trade",
          "import",
          "FILE",
          1,
          1,
          {"format", "chunk-size", "source"},
          "Import trade records from NDJSON (as trade export writes it; - reads\n"
          "stdin), keeping the ids their names give, or from CSV with the header\n"
          "reporter,partner,year,quarter,month,flow,hs_code,commodity,currency,\n"
          "units,nanos,source,quote (any order; flow is EXPORT, IMPORT or TOTAL;\n"
          "one citation per row; ids generated), or with --format comtrade from\n"
          "UN Comtrade's CSV (refYear, refMonth, reporterISO, partnerISO,\n"
          "flowCode, cmdCode, cmdDesc, primaryValue in US dollars; other columns\n"
          "ignored), each row citing --source with its own line as the quote.\n"
          "Streamed in chunks, each stored as a unit. Prints the received,\n"
          "stored, already present and rejected counts; each row not stored goes\n"
          "to stderr with its line and reasons. Exits 1 when a row was rejected\n"
          "for another reason than existing.",
          &RunImportTrade};
}

// The commands of a record resource.
template <typename T>
void AddRecordCommands(std::vector<Command>& commands) {
  using R = Resource<T>;
  AddReadCommands<T>(commands, absl::StrCat(R::kCollection, "/ID or ID"));
  commands.push_back({R::kCommand,
                      "batch-get",
                      "NAME...",
                      1,
                      Command::kUnlimited,
                      {},
                      absl::StrCat("Show several ", R::kPlural, " at once, in the order named."),
                      &RunBatchGet<T>});
  std::vector<std::string> create_flags = kCreateFlags;
  std::vector<std::string> update_flags = kUpdateFlags;
  std::string text_help;
  if constexpr (std::is_same_v<T, v1::Source>) {
    create_flags.push_back("text-file");
    update_flags.push_back("text-file");
    text_help =
        "\n--text-file sends a file as the source's text (with --file or --json,\n"
        "or alone); the server checks every quote of the source against it.";
  }
  commands.push_back(
      {R::kCommand, "create", "", 0, 0, create_flags,
       absl::StrCat("Create ", WithArticle(R::kNoun), " from ",
                    WithArticle(T::descriptor()->name()), " in protobuf JSON.", text_help),
       &RunCreate<T>});
  commands.push_back({R::kCommand, "update", "NAME", 1, 1, update_flags,
                      absl::StrCat("Replace fields of ", WithArticle(R::kNoun),
                                   " with those of the body.", text_help),
                      &RunUpdate<T>});
  commands.push_back({R::kCommand,
                      "delete",
                      "NAME",
                      1,
                      1,
                      {"etag"},
                      absl::StrCat("Delete ", WithArticle(R::kNoun), "."),
                      &RunDelete<T>});
  commands.push_back(ImportCommand<T>());
  if constexpr (std::is_same_v<T, v1::Source>) {
    commands.push_back({R::kCommand,
                        "verify",
                        "[NAME]",
                        0,
                        1,
                        {},
                        "List every citation of the source NAME (of any source without NAME),\n"
                        "reading every record: the record, the citation's field, its source,\n"
                        "what checking its quote against the source's text found (VERIFIED,\n"
                        "AMBIGUOUS, NOT_IN_SOURCE, SOURCE_HAS_NO_TEXT, or NOT_CHECKED for one\n"
                        "stored before quotes were checked and not written since) and where the\n"
                        "quote stands, in code points; the quote of each one that is not\n"
                        "VERIFIED beneath it; then the counts per state.",
                        &RunVerifySources});
  }
}

}  // namespace

std::vector<Command> ResourceCommands() {
  std::vector<Command> commands;
  AddRecordCommands<v1::Source>(commands);
  AddRecordCommands<v1::Visit>(commands);
  AddRecordCommands<v1::Partnership>(commands);
  AddRecordCommands<v1::TradeRecord>(commands);
  AddRecordCommands<v1::InfrastructureProject>(commands);
  AddRecordCommands<v1::Exchange>(commands);
  AddRecordCommands<v1::Observation>(commands);
  AddReadCommands<v1::Country>(commands, "countries/CODE or CODE, as KZ, KAZ or 398");
  AddReadCommands<v1::Finding>(
      commands, "findings/ID or ID",
      "Findings are stated figures (visit ordinals, trade changes) that the\n"
      "stored records do not bear out; the server opens and closes them as\n"
      "records change. Filter on state, kind, subject and countries, e.g.\n"
      "'state = OPEN' or 'countries:\"KZ\"'.");
  commands.push_back({"search",
                      "",
                      "QUERY",
                      1,
                      1,
                      {"collections", "page-size"},
                      "Search the text of every record (names and titles, descriptions,\n"
                      "people and places, the quotes of citations) for every word of QUERY\n"
                      "(quote several words, e.g. \"wind farm\"), best matches first, each\n"
                      "with its name, score and a snippet with the matches in [brackets]; for\n"
                      "a source matched in its text, TEXT AT says where the snippet stands in\n"
                      "it, in code points.",
                      &RunSearch});
  commands.push_back({"relationships",
                      "get",
                      "NAME",
                      1,
                      1,
                      {},
                      "Show the dossier of a pair of countries (NAME: relationships/A-B or\n"
                      "A-B, in either order and as any code, e.g. relationships/CN-KZ):\n"
                      "partnership, visits each way, trade, infrastructure, exchanges, latest\n"
                      "observations and open findings. Every pair has one.",
                      &RunGet<v1::Relationship>});
  commands.push_back({"relationships",
                      "timeline",
                      "NAME",
                      1,
                      1,
                      {"filter", "page-size"},
                      "List every dated fact stored about a pair of countries, oldest first,\n"
                      "with its evidence. Filter on kind and date, e.g. 'kind = VISIT' or\n"
                      "'kind = VISIT OR kind = EXCHANGE AND date >= 2020'.",
                      &RunTimeline});
  return commands;
}

}  // namespace bilateral::cli
