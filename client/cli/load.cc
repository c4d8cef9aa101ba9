#include "load.h"

#include <cstdint>
#include <filesystem>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "bilateral/v1/dataset.pb.h"
#include "errors.h"
#include "json_input.h"
#include "output.h"
#include "progress.h"
#include "resources.h"

namespace bilateral::cli {
namespace {

using DatasetFiles = std::vector<std::pair<std::string, v1::Dataset>>;

struct LoadCount {
  int64_t created = 0;
  int64_t already_present = 0;

  std::string Text(OutputFormat format) const {
    return CountsText({{"created", created}, {"already present", already_present}}, format);
  }
};

// Creates the records of one kind from every file, in file order.
template <typename T>
int LoadAll(const Context& context, const DatasetFiles& files, LoadCount& count,
            Progress& progress) {
  auto client = Resource<T>::Connect(context);
  for (const auto& [path, dataset] : files) {
    for (const T& record : Resource<T>::InDataset(dataset)) {
      auto created = CreateKeepingName<T>(client, record);
      if (created.ok()) {
        ++count.created;
      } else if (absl::IsAlreadyExists(created.status())) {
        ++count.already_present;
      } else {
        progress.Finish();
        ReportServerError(created.status(), *context.err);
        *context.err << "  record: " << record.name() << " in " << path << "\n"
                     << "  before it: " << count.Text(OutputFormat::kTable);
        return kExitServerError;
      }
      progress.Add();
    }
  }
  return kExitOk;
}

// Where the texts of a data set file's sources are: --texts, else the
// `sources` directory beside the file, else the one beside its directory
// (data/seed/x.json and data/sources/, as this repository keeps them).
std::filesystem::path TextsDirectory(const Context& context, const std::string& path) {
  if (context.invocation.Has("texts")) return context.invocation.Get("texts");
  const std::filesystem::path here = std::filesystem::path(path).parent_path();
  std::error_code ignored;
  if (std::filesystem::is_directory(here / "sources", ignored)) return here / "sources";
  return (here.empty() ? std::filesystem::path("..") : here / "..") / "sources";
}

// Gives each source of `dataset` without text the file {id}.txt of
// `directory`, when there is one, as text/plain.
int AttachTexts(const std::filesystem::path& directory, v1::Dataset& dataset, std::ostream& err) {
  for (v1::Source& source : *dataset.mutable_sources()) {
    absl::string_view id = source.name();
    if (!source.text().empty() || !absl::ConsumePrefix(&id, "sources/")) continue;
    const std::filesystem::path file = directory / absl::StrCat(id, ".txt");
    std::error_code ignored;
    if (!std::filesystem::is_regular_file(file, ignored)) continue;
    std::string text;
    if (int code = ReadFileText(file.string(), &text, err); code != kExitOk) return code;
    source.set_text(std::move(text));
    if (source.media_type().empty()) source.set_media_type("text/plain");
  }
  return kExitOk;
}

}  // namespace

int RunLoad(const Context& context) {
  DatasetFiles files;
  for (const std::string& path : context.args) {
    v1::Dataset dataset;
    if (int code = ReadJsonFile(path, &dataset, *context.err); code != kExitOk) {
      return code;
    }
    if (int code = AttachTexts(TextsDirectory(context, path), dataset, *context.err);
        code != kExitOk) {
      return code;
    }
    files.emplace_back(path, std::move(dataset));
  }
  LoadCount count;
  Progress progress(context, "loaded", "records");
  using LoadKind = int (*)(const Context&, const DatasetFiles&, LoadCount&, Progress&);
  // Kind by kind in Dataset order, each across every file, so that a record
  // may cite or link to a record of an earlier kind that another file brings.
  for (LoadKind load_kind : {&LoadAll<v1::Source>, &LoadAll<v1::Visit>, &LoadAll<v1::Partnership>,
                             &LoadAll<v1::TradeRecord>, &LoadAll<v1::InfrastructureProject>,
                             &LoadAll<v1::Exchange>, &LoadAll<v1::Observation>}) {
    if (int code = load_kind(context, files, count, progress); code != kExitOk) return code;
  }
  progress.Finish();
  *context.out << count.Text(context.format);
  return kExitOk;
}

}  // namespace bilateral::cli
