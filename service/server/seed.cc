#include "server/seed.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "domain/records.h"
#include "google/protobuf/util/json_util.h"

namespace bilateral::server {
namespace {

// Creates each record of `records` with the id its name gives.
template <typename Message>
absl::Status LoadAll(store::Store& store,
                     const google::protobuf::RepeatedPtrField<Message>& records,
                     LoadSummary& summary) {
  domain::Records<Message> service(&store);
  const auto& collection = domain::Resource<Message>::Collection().name;
  for (const auto& record : records) {
    auto id = domain::IdFromName(collection, record.name(), "name");
    if (!id.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("record '", record.name(), "': ", id.status().message()));
    }
    auto created = service.Create(record, *id, "");
    if (created.ok()) {
      ++summary.created;
    } else if (absl::IsAlreadyExists(created.status())) {
      ++summary.already_present;
    } else {
      return absl::Status(created.status().code(),
                          absl::StrCat("record '", record.name(),
                                       "': ", created.status().message()));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::Dataset> ParseDataset(const std::string& json,
                                         const std::string& origin) {
  v1::Dataset dataset;
  auto status = google::protobuf::util::JsonStringToMessage(json, &dataset);
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        origin, " is not a bilateral.v1.Dataset in JSON: ", status.message().as_string()));
  }
  return dataset;
}

absl::StatusOr<LoadSummary> LoadDataset(store::Store& store,
                                        const v1::Dataset& dataset) {
  LoadSummary summary;
  if (auto status = LoadAll(store, dataset.sources(), summary); !status.ok()) {
    return status;
  }
  if (auto status = LoadAll(store, dataset.visits(), summary); !status.ok()) {
    return status;
  }
  return summary;
}

absl::Status SeedIfEmpty(store::Store& store) {
  for (const auto* collection :
       {&domain::Resource<v1::Source>::Collection(),
        &domain::Resource<v1::Visit>::Collection()}) {
    auto count = store.Count(*collection);
    if (!count.ok()) return count.status();
    if (*count > 0) return absl::OkStatus();
  }
  for (const auto& [file, json] : EmbeddedSeedFiles()) {
    auto dataset = ParseDataset(json, file);
    if (!dataset.ok()) return dataset.status();
    auto summary = LoadDataset(store, *dataset);
    if (!summary.ok()) return summary.status();
    LogInfo("seed", "loaded seed data",
            {{"file", file}, {"created", absl::StrCat(summary->created)}});
  }
  return absl::OkStatus();
}

}  // namespace bilateral::server
