// Binds each resource type to its part of the SDK and the API, so that the
// commands, the loader and the output are written once as templates over the
// message type.
#pragma once

#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "bilateral/options.h"
#include "bilateral/pagination.h"
#include "bilateral/source_client.h"
#include "bilateral/visit_client.h"

namespace bilateral::cli {

template <typename T>
struct Resource;

template <>
struct Resource<v1::Visit> {
  using Client = VisitClient;
  using ListRequest = v1::ListVisitsRequest;
  using ListResponse = v1::ListVisitsResponse;
  static constexpr const char* kCollection = "visits";

  static Client Connect(const ClientOptions& options) {
    return Client(MakeVisitConnection(options));
  }
  static absl::StatusOr<v1::Visit> Get(Client& client, const std::string& name) {
    return client.GetVisit(name);
  }
  static PaginatedRange<v1::Visit> List(Client& client, ListRequest request) {
    return client.ListVisits(std::move(request));
  }
  static absl::StatusOr<v1::Visit> Create(Client& client, v1::Visit record,
                                          const std::string& id,
                                          const std::string& request_id) {
    v1::CreateVisitRequest request;
    *request.mutable_visit() = std::move(record);
    request.set_visit_id(id);
    request.set_request_id(request_id);
    return client.CreateVisit(request);
  }
  static auto* Items(ListResponse& response) { return response.mutable_visits(); }
};

template <>
struct Resource<v1::Source> {
  using Client = SourceClient;
  using ListRequest = v1::ListSourcesRequest;
  using ListResponse = v1::ListSourcesResponse;
  static constexpr const char* kCollection = "sources";

  static Client Connect(const ClientOptions& options) {
    return Client(MakeSourceConnection(options));
  }
  static absl::StatusOr<v1::Source> Get(Client& client, const std::string& name) {
    return client.GetSource(name);
  }
  static PaginatedRange<v1::Source> List(Client& client, ListRequest request) {
    return client.ListSources(std::move(request));
  }
  static absl::StatusOr<v1::Source> Create(Client& client, v1::Source record,
                                           const std::string& id,
                                           const std::string& request_id) {
    v1::CreateSourceRequest request;
    *request.mutable_source() = std::move(record);
    request.set_source_id(id);
    request.set_request_id(request_id);
    return client.CreateSource(request);
  }
  static auto* Items(ListResponse& response) { return response.mutable_sources(); }
};

// The resource name a NAME argument means: "visits/ID" is kept as given (so
// the server judges any other form), a bare "ID" gets the collection prefix.
template <typename T>
std::string ResourceName(const std::string& argument) {
  if (absl::StrContains(argument, '/')) return argument;
  return absl::StrCat(Resource<T>::kCollection, "/", argument);
}

// The id to create a record under so that it keeps `name`: the part after
// "visits/" or "sources/"; any other name is passed whole for the server to
// reject, and an empty one lets the server generate the id.
template <typename T>
std::string IdFromName(const std::string& name) {
  std::string prefix = absl::StrCat(Resource<T>::kCollection, "/");
  return absl::StartsWith(name, prefix) ? name.substr(prefix.size()) : name;
}

}  // namespace bilateral::cli
