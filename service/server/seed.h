// Preparing a store for the service, and loading data sets into it
// (bilateral.v1.Dataset in the protobuf JSON mapping): the seed data on first
// start, and any user's files.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "bilateral/v1/dataset.pb.h"
#include "store/store.h"

namespace bilateral::server {

// Brings a freshly opened store up to what the service expects: the
// country reference data present, and the derived columns that a migration
// invalidated derived again. Idempotent; run at every start.
absl::Status PrepareStore(store::Store& store);

struct LoadSummary {
  int created = 0;
  int already_present = 0;
};

// Parses one data set file's text. INVALID_ARGUMENT naming `origin` when it
// is not a Dataset in the protobuf JSON mapping.
absl::StatusOr<v1::Dataset> ParseDataset(const std::string& json, const std::string& origin);

// Creates every record of `dataset`, sources first, under the names the
// file gives. Records that already exist are left as they are and counted;
// any other failure stops the load and names the record.
absl::StatusOr<LoadSummary> LoadDataset(store::Store& store, const v1::Dataset& dataset);

// The data sets under data/seed, compiled into the binary.
const std::vector<std::pair<std::string, std::string>>& EmbeddedSeedFiles();

// The texts of the seed's sources (data/sources/{id}.txt), by source id,
// compiled into the binary.
const std::map<std::string, std::string>& EmbeddedSourceTexts();

// Gives each source of `dataset` that has no text the one `texts` holds for
// its id, if any, as text/plain.
void AttachSourceTexts(v1::Dataset& dataset, const std::map<std::string, std::string>& texts);

// Loads the embedded seed data sets, their sources with their texts, when
// the store holds no records of any kind; does nothing otherwise.
absl::Status SeedIfEmpty(store::Store& store);

}  // namespace bilateral::server
