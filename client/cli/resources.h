// Binds each resource type to its part of the SDK and the API, so that the
// commands, the loader and the output are written once as templates over the
// message type. The traits, Resource<T>, are generated from the services
// (resource_table.h says what each has); here are the helpers over them.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "resource_table.h"

namespace bilateral::cli {

// The resource name a NAME argument means: "visits/ID" is kept as given (so the
// server judges any other form), a bare "ID" gets the collection prefix: "KAZ"
// is "countries/KAZ", "x" as a trade record is "tradeRecords/x".
template <typename T>
std::string ResourceName(const std::string& argument) {
  if (absl::StrContains(argument, '/')) return argument;
  return absl::StrCat(Resource<T>::kCollection, "/", argument);
}

// The id to create a record under so that it keeps `name`: the part after the
// collection ("visits/"); any other name is passed whole for the server to
// reject, and an empty one lets the server generate the id.
template <typename T>
std::string IdFromName(const std::string& name) {
  std::string prefix = absl::StrCat(Resource<T>::kCollection, "/");
  return absl::StartsWith(name, prefix) ? name.substr(prefix.size()) : name;
}

// Creates `record` under the id its name gives (a generated id when it has
// no name); ALREADY_EXISTS when that id is taken. The SDK adds a request_id,
// so a retried create cannot store it twice.
template <typename T>
absl::StatusOr<T> CreateKeepingName(typename Resource<T>::Client& client, const T& record) {
  return Resource<T>::Create(client, record, IdFromName<T>(record.name()), "");
}

}  // namespace bilateral::cli
