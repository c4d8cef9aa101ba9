#include "load.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
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

}  // namespace

int RunLoad(const Context& context) {
  DatasetFiles files;
  for (const std::string& path : context.args) {
    v1::Dataset dataset;
    if (int code = ReadJsonFile(path, &dataset, *context.err); code != kExitOk) {
      return code;
    }
    files.emplace_back(path, std::move(dataset));
  }
  LoadCount count;
  Progress progress(context, "loaded", "records");
  using LoadKind = int (*)(const Context&, const DatasetFiles&, LoadCount&, Progress&);
  // Kind by kind in Dataset order, each across every file, so that a record
  // may cite or link to a record of an earlier kind that another file brings.
  for (LoadKind load_kind :
       {&LoadAll<v1::Source>, &LoadAll<v1::Visit>, &LoadAll<v1::Partnership>,
        &LoadAll<v1::TradeRecord>, &LoadAll<v1::InfrastructureProject>, &LoadAll<v1::Exchange>,
        &LoadAll<v1::Observation>}) {
    if (int code = load_kind(context, files, count, progress); code != kExitOk) return code;
  }
  progress.Finish();
  *context.out << count.Text(context.format);
  return kExitOk;
}

}  // namespace bilateral::cli
