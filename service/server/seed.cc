#include "server/seed.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/log.h"
#include "domain/countries.h"
#include "domain/pair_views.h"
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
    auto created = service.Create(CallContext(), record, *id, "");
    if (created.ok()) {
      ++summary.created;
    } else if (absl::IsAlreadyExists(created.status())) {
      ++summary.already_present;
    } else {
      return absl::Status(created.status().code(), absl::StrCat("record '", record.name(),
                                                                "': ", created.status().message()));
    }
  }
  return absl::OkStatus();
}

// Stores the countries of the registry that the store lacks.
absl::Status SyncCountries(store::Store& store) {
  const auto& collection = domain::Resource<v1::Country>::Collection();
  const auto& countries = domain::Countries().all();
  if (countries.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read the ISO 3166-1 country list at '", domain::kIsoCodesPath,
                     "'; install Debian's iso-codes package"));
  }
  auto count = store.Count(CallContext(), collection);
  if (!count.ok()) return count.status();
  if (*count == static_cast<int64_t>(countries.size())) return absl::OkStatus();
  std::vector<store::Row> rows;
  for (const auto& country : countries) {
    store::Row row;
    row.id = country.alpha2();
    row.payload = country.SerializeAsString();
    row.columns = domain::Resource<v1::Country>::Columns(country);
    rows.push_back(std::move(row));
  }
  auto results = store.InsertMany(CallContext(), collection, std::move(rows));
  if (!results.ok()) return results.status();
  for (const auto& result : *results) {
    if (!result.ok() && !absl::IsAlreadyExists(result)) return result;
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status PrepareStore(store::Store& store) {
  if (auto status = SyncCountries(store); !status.ok()) return status;
  auto pending = store.PendingReindex();
  if (!pending.ok()) return pending.status();
  absl::Status status;
  for (const auto& name : *pending) {
    domain::ForEachRecordType([&](auto tag) {
      using Message = typename decltype(tag)::type;
      if (!status.ok() || domain::Resource<Message>::Collection().name != name) return;
      status = domain::Records<Message>(&store).Reindex();
      if (status.ok()) LogInfo("store", "derived columns rebuilt", {{"collection", name}});
    });
  }
  // Pair views, after the records they come from.
  if (status.ok() && std::find(pending->begin(), pending->end(), "views") != pending->end()) {
    status = store.RebuildPairViews(domain::PairViewCollections());
    if (status.ok()) LogInfo("store", "pair views rebuilt", {});
  }
  return status;
}

absl::StatusOr<v1::Dataset> ParseDataset(const std::string& json, const std::string& origin) {
  v1::Dataset dataset;
  auto status = google::protobuf::util::JsonStringToMessage(json, &dataset);
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        origin, " is not a bilateral.v1.Dataset in JSON: ", status.message().as_string()));
  }
  return dataset;
}

absl::StatusOr<LoadSummary> LoadDataset(store::Store& store, const v1::Dataset& dataset) {
  LoadSummary summary;
  absl::Status status = LoadAll(store, dataset.sources(), summary);
  if (status.ok()) status = LoadAll(store, dataset.visits(), summary);
  if (status.ok()) status = LoadAll(store, dataset.partnerships(), summary);
  if (status.ok()) status = LoadAll(store, dataset.trade_records(), summary);
  if (status.ok()) status = LoadAll(store, dataset.infrastructure_projects(), summary);
  if (status.ok()) status = LoadAll(store, dataset.exchanges(), summary);
  if (status.ok()) status = LoadAll(store, dataset.observations(), summary);
  if (!status.ok()) return status;
  return summary;
}

void AttachSourceTexts(v1::Dataset& dataset, const std::map<std::string, std::string>& texts) {
  for (auto& source : *dataset.mutable_sources()) {
    absl::string_view id = source.name();
    if (!source.text().empty() || !absl::ConsumePrefix(&id, "sources/")) continue;
    auto found = texts.find(std::string(id));
    if (found == texts.end()) continue;
    source.set_text(found->second);
    if (source.media_type().empty()) source.set_media_type("text/plain");
  }
}

absl::Status SeedIfEmpty(store::Store& store) {
  absl::Status status;
  bool empty = true;
  domain::ForEachRecordType([&](auto tag) {
    using Message = typename decltype(tag)::type;
    auto count = store.Count(CallContext(), domain::Resource<Message>::Collection());
    if (!count.ok()) status.Update(count.status());
    if (count.ok() && *count > 0) empty = false;
  });
  if (!status.ok() || !empty) return status;
  for (const auto& [file, json] : EmbeddedSeedFiles()) {
    auto dataset = ParseDataset(json, file);
    if (!dataset.ok()) return dataset.status();
    AttachSourceTexts(*dataset, EmbeddedSourceTexts());
    auto summary = LoadDataset(store, *dataset);
    if (!summary.ok()) return summary.status();
    LogInfo("seed", "loaded seed data",
            {{"file", file}, {"created", absl::StrCat(summary->created)}});
  }
  return absl::OkStatus();
}

}  // namespace bilateral::server
