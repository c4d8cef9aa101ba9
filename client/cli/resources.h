// Binds each resource type to its part of the SDK and the API, so that the
// commands, the loader and the output are written once as templates over the
// message type. A record resource (every one but countries and findings) has
// all of:
//   Client, ListRequest, ListResponse   the SDK client and List messages
//   kCommand, kCollection               its command line word and name prefix
//   kNoun, kPlural                      what --help calls one and several
//   Connect                             a client over the command's channel
//   Get, List, BatchGet, Create, Update, Delete
//   Items                               the records of a List response
//   InDataset                           its records in a bilateral.v1.Dataset
// Countries and findings are read-only: they have no write methods and no
// InDataset. The results of the derived reads have only what their commands
// use: a relationship's dossier Client, kCommand, kCollection, Connect and
// Get; search results and timeline entries Client, ListResponse, Connect and
// Items.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "bilateral/bilateral.h"
#include "bilateral/v1/dataset.pb.h"
#include "context.h"

namespace bilateral::cli {

template <typename T>
struct Resource;

template <>
struct Resource<v1::Source> {
  using Client = SourceClient;
  using ListRequest = v1::ListSourcesRequest;
  using ListResponse = v1::ListSourcesResponse;
  static constexpr const char* kCommand = "sources";
  static constexpr const char* kCollection = "sources";
  static constexpr const char* kNoun = "source";
  static constexpr const char* kPlural = "sources";

  static Client Connect(const Context& context) {
    return Client(MakeSourceConnection(context.channel, context.options));
  }
  static absl::StatusOr<v1::Source> Get(Client& client, const std::string& name) {
    return client.GetSource(name);
  }
  static PaginatedRange<v1::Source> List(Client& client, ListRequest request) {
    return client.ListSources(std::move(request));
  }
  static absl::StatusOr<std::vector<v1::Source>> BatchGet(Client& client,
                                                          const std::vector<std::string>& names) {
    return client.BatchGetSources(names);
  }
  static absl::StatusOr<v1::Source> Create(Client& client, v1::Source record, const std::string& id,
                                           const std::string& request_id) {
    v1::CreateSourceRequest request;
    *request.mutable_source() = std::move(record);
    request.set_source_id(id);
    request.set_request_id(request_id);
    return client.CreateSource(request);
  }
  static absl::StatusOr<v1::Source> Update(Client& client, const v1::Source& record,
                                           const std::vector<std::string>& paths) {
    return client.UpdateSource(record, paths);
  }
  static absl::Status Delete(Client& client, const std::string& name, const std::string& etag) {
    return client.DeleteSource(name, etag);
  }
  static auto* Items(ListResponse& response) { return response.mutable_sources(); }
  static const auto& InDataset(const v1::Dataset& dataset) { return dataset.sources(); }
};

template <>
struct Resource<v1::Visit> {
  using Client = VisitClient;
  using ListRequest = v1::ListVisitsRequest;
  using ListResponse = v1::ListVisitsResponse;
  static constexpr const char* kCommand = "visits";
  static constexpr const char* kCollection = "visits";
  static constexpr const char* kNoun = "visit";
  static constexpr const char* kPlural = "visits";

  static Client Connect(const Context& context) {
    return Client(MakeVisitConnection(context.channel, context.options));
  }
  static absl::StatusOr<v1::Visit> Get(Client& client, const std::string& name) {
    return client.GetVisit(name);
  }
  static PaginatedRange<v1::Visit> List(Client& client, ListRequest request) {
    return client.ListVisits(std::move(request));
  }
  static absl::StatusOr<std::vector<v1::Visit>> BatchGet(Client& client,
                                                         const std::vector<std::string>& names) {
    return client.BatchGetVisits(names);
  }
  static absl::StatusOr<v1::Visit> Create(Client& client, v1::Visit record, const std::string& id,
                                          const std::string& request_id) {
    v1::CreateVisitRequest request;
    *request.mutable_visit() = std::move(record);
    request.set_visit_id(id);
    request.set_request_id(request_id);
    return client.CreateVisit(request);
  }
  static absl::StatusOr<v1::Visit> Update(Client& client, const v1::Visit& record,
                                          const std::vector<std::string>& paths) {
    return client.UpdateVisit(record, paths);
  }
  static absl::Status Delete(Client& client, const std::string& name, const std::string& etag) {
    return client.DeleteVisit(name, etag);
  }
  static auto* Items(ListResponse& response) { return response.mutable_visits(); }
  static const auto& InDataset(const v1::Dataset& dataset) { return dataset.visits(); }
};

template <>
struct Resource<v1::Partnership> {
  using Client = PartnershipClient;
  using ListRequest = v1::ListPartnershipsRequest;
  using ListResponse = v1::ListPartnershipsResponse;
  static constexpr const char* kCommand = "partnerships";
  static constexpr const char* kCollection = "partnerships";
  static constexpr const char* kNoun = "partnership";
  static constexpr const char* kPlural = "partnerships";

  static Client Connect(const Context& context) {
    return Client(MakePartnershipConnection(context.channel, context.options));
  }
  static absl::StatusOr<v1::Partnership> Get(Client& client, const std::string& name) {
    return client.GetPartnership(name);
  }
  static PaginatedRange<v1::Partnership> List(Client& client, ListRequest request) {
    return client.ListPartnerships(std::move(request));
  }
  static absl::StatusOr<std::vector<v1::Partnership>> BatchGet(
      Client& client, const std::vector<std::string>& names) {
    return client.BatchGetPartnerships(names);
  }
  static absl::StatusOr<v1::Partnership> Create(Client& client, v1::Partnership record,
                                                const std::string& id,
                                                const std::string& request_id) {
    v1::CreatePartnershipRequest request;
    *request.mutable_partnership() = std::move(record);
    request.set_partnership_id(id);
    request.set_request_id(request_id);
    return client.CreatePartnership(request);
  }
  static absl::StatusOr<v1::Partnership> Update(Client& client, const v1::Partnership& record,
                                                const std::vector<std::string>& paths) {
    return client.UpdatePartnership(record, paths);
  }
  static absl::Status Delete(Client& client, const std::string& name, const std::string& etag) {
    return client.DeletePartnership(name, etag);
  }
  static auto* Items(ListResponse& response) { return response.mutable_partnerships(); }
  static const auto& InDataset(const v1::Dataset& dataset) { return dataset.partnerships(); }
};

template <>
struct Resource<v1::TradeRecord> {
  using Client = TradeRecordClient;
  using ListRequest = v1::ListTradeRecordsRequest;
  using ListResponse = v1::ListTradeRecordsResponse;
  static constexpr const char* kCommand = "trade";
  static constexpr const char* kCollection = "tradeRecords";
  static constexpr const char* kNoun = "trade record";
  static constexpr const char* kPlural = "trade records";

  static Client Connect(const Context& context) {
    return Client(MakeTradeRecordConnection(context.channel, context.options));
  }
  static absl::StatusOr<v1::TradeRecord> Get(Client& client, const std::string& name) {
    return client.GetTradeRecord(name);
  }
  static PaginatedRange<v1::TradeRecord> List(Client& client, ListRequest request) {
    return client.ListTradeRecords(std::move(request));
  }
  static absl::StatusOr<std::vector<v1::TradeRecord>> BatchGet(
      Client& client, const std::vector<std::string>& names) {
    return client.BatchGetTradeRecords(names);
  }
  static absl::StatusOr<v1::TradeRecord> Create(Client& client, v1::TradeRecord record,
                                                const std::string& id,
                                                const std::string& request_id) {
    v1::CreateTradeRecordRequest request;
    *request.mutable_trade_record() = std::move(record);
    request.set_trade_record_id(id);
    request.set_request_id(request_id);
    return client.CreateTradeRecord(request);
  }
  static absl::StatusOr<v1::TradeRecord> Update(Client& client, const v1::TradeRecord& record,
                                                const std::vector<std::string>& paths) {
    return client.UpdateTradeRecord(record, paths);
  }
  static absl::Status Delete(Client& client, const std::string& name, const std::string& etag) {
    return client.DeleteTradeRecord(name, etag);
  }
  static auto* Items(ListResponse& response) { return response.mutable_trade_records(); }
  static const auto& InDataset(const v1::Dataset& dataset) { return dataset.trade_records(); }
};

template <>
struct Resource<v1::InfrastructureProject> {
  using Client = InfrastructureProjectClient;
  using ListRequest = v1::ListInfrastructureProjectsRequest;
  using ListResponse = v1::ListInfrastructureProjectsResponse;
  static constexpr const char* kCommand = "infrastructure";
  static constexpr const char* kCollection = "infrastructureProjects";
  static constexpr const char* kNoun = "infrastructure project";
  static constexpr const char* kPlural = "infrastructure projects";

  static Client Connect(const Context& context) {
    return Client(MakeInfrastructureProjectConnection(context.channel, context.options));
  }
  static absl::StatusOr<v1::InfrastructureProject> Get(Client& client, const std::string& name) {
    return client.GetInfrastructureProject(name);
  }
  static PaginatedRange<v1::InfrastructureProject> List(Client& client, ListRequest request) {
    return client.ListInfrastructureProjects(std::move(request));
  }
  static absl::StatusOr<std::vector<v1::InfrastructureProject>> BatchGet(
      Client& client, const std::vector<std::string>& names) {
    return client.BatchGetInfrastructureProjects(names);
  }
  static absl::StatusOr<v1::InfrastructureProject> Create(Client& client,
                                                          v1::InfrastructureProject record,
                                                          const std::string& id,
                                                          const std::string& request_id) {
    v1::CreateInfrastructureProjectRequest request;
    *request.mutable_infrastructure_project() = std::move(record);
    request.set_infrastructure_project_id(id);
    request.set_request_id(request_id);
    return client.CreateInfrastructureProject(request);
  }
  static absl::StatusOr<v1::InfrastructureProject> Update(Client& client,
                                                          const v1::InfrastructureProject& record,
                                                          const std::vector<std::string>& paths) {
    return client.UpdateInfrastructureProject(record, paths);
  }
  static absl::Status Delete(Client& client, const std::string& name, const std::string& etag) {
    return client.DeleteInfrastructureProject(name, etag);
  }
  static auto* Items(ListResponse& response) { return response.mutable_infrastructure_projects(); }
  static const auto& InDataset(
      const v1::Dataset& dataset) { return dataset.infrastructure_projects(); }
};

template <>
struct Resource<v1::Exchange> {
  using Client = ExchangeClient;
  using ListRequest = v1::ListExchangesRequest;
  using ListResponse = v1::ListExchangesResponse;
  static constexpr const char* kCommand = "exchanges";
  static constexpr const char* kCollection = "exchanges";
  static constexpr const char* kNoun = "exchange";
  static constexpr const char* kPlural = "exchanges";

  static Client Connect(const Context& context) {
    return Client(MakeExchangeConnection(context.channel, context.options));
  }
  static absl::StatusOr<v1::Exchange> Get(Client& client, const std::string& name) {
    return client.GetExchange(name);
  }
  static PaginatedRange<v1::Exchange> List(Client& client, ListRequest request) {
    return client.ListExchanges(std::move(request));
  }
  static absl::StatusOr<std::vector<v1::Exchange>> BatchGet(Client& client,
                                                            const std::vector<std::string>& names) {
    return client.BatchGetExchanges(names);
  }
  static absl::StatusOr<v1::Exchange> Create(Client& client, v1::Exchange record,
                                             const std::string& id,
                                             const std::string& request_id) {
    v1::CreateExchangeRequest request;
    *request.mutable_exchange() = std::move(record);
    request.set_exchange_id(id);
    request.set_request_id(request_id);
    return client.CreateExchange(request);
  }
  static absl::StatusOr<v1::Exchange> Update(Client& client, const v1::Exchange& record,
                                             const std::vector<std::string>& paths) {
    return client.UpdateExchange(record, paths);
  }
  static absl::Status Delete(Client& client, const std::string& name, const std::string& etag) {
    return client.DeleteExchange(name, etag);
  }
  static auto* Items(ListResponse& response) { return response.mutable_exchanges(); }
  static const auto& InDataset(const v1::Dataset& dataset) { return dataset.exchanges(); }
};

template <>
struct Resource<v1::Observation> {
  using Client = ObservationClient;
  using ListRequest = v1::ListObservationsRequest;
  using ListResponse = v1::ListObservationsResponse;
  static constexpr const char* kCommand = "observations";
  static constexpr const char* kCollection = "observations";
  static constexpr const char* kNoun = "observation";
  static constexpr const char* kPlural = "observations";

  static Client Connect(const Context& context) {
    return Client(MakeObservationConnection(context.channel, context.options));
  }
  static absl::StatusOr<v1::Observation> Get(Client& client, const std::string& name) {
    return client.GetObservation(name);
  }
  static PaginatedRange<v1::Observation> List(Client& client, ListRequest request) {
    return client.ListObservations(std::move(request));
  }
  static absl::StatusOr<std::vector<v1::Observation>> BatchGet(
      Client& client, const std::vector<std::string>& names) {
    return client.BatchGetObservations(names);
  }
  static absl::StatusOr<v1::Observation> Create(Client& client, v1::Observation record,
                                                const std::string& id,
                                                const std::string& request_id) {
    v1::CreateObservationRequest request;
    *request.mutable_observation() = std::move(record);
    request.set_observation_id(id);
    request.set_request_id(request_id);
    return client.CreateObservation(request);
  }
  static absl::StatusOr<v1::Observation> Update(Client& client, const v1::Observation& record,
                                                const std::vector<std::string>& paths) {
    return client.UpdateObservation(record, paths);
  }
  static absl::Status Delete(Client& client, const std::string& name, const std::string& etag) {
    return client.DeleteObservation(name, etag);
  }
  static auto* Items(ListResponse& response) { return response.mutable_observations(); }
  static const auto& InDataset(const v1::Dataset& dataset) { return dataset.observations(); }
};

template <>
struct Resource<v1::Country> {
  using Client = CountryClient;
  using ListRequest = v1::ListCountriesRequest;
  using ListResponse = v1::ListCountriesResponse;
  static constexpr const char* kCommand = "countries";
  static constexpr const char* kCollection = "countries";
  static constexpr const char* kNoun = "country";
  static constexpr const char* kPlural = "countries";

  static Client Connect(const Context& context) {
    return Client(MakeCountryConnection(context.channel, context.options));
  }
  static absl::StatusOr<v1::Country> Get(Client& client, const std::string& name) {
    return client.GetCountry(name);
  }
  static PaginatedRange<v1::Country> List(Client& client, ListRequest request) {
    return client.ListCountries(std::move(request));
  }
  static auto* Items(ListResponse& response) { return response.mutable_countries(); }
};

template <>
struct Resource<v1::Finding> {
  using Client = FindingClient;
  using ListRequest = v1::ListFindingsRequest;
  using ListResponse = v1::ListFindingsResponse;
  static constexpr const char* kCommand = "findings";
  static constexpr const char* kCollection = "findings";
  static constexpr const char* kNoun = "finding";
  static constexpr const char* kPlural = "findings";

  static Client Connect(const Context& context) {
    return Client(MakeFindingConnection(context.channel, context.options));
  }
  static absl::StatusOr<v1::Finding> Get(Client& client, const std::string& name) {
    return client.GetFinding(name);
  }
  static PaginatedRange<v1::Finding> List(Client& client, ListRequest request) {
    return client.ListFindings(std::move(request));
  }
  static auto* Items(ListResponse& response) { return response.mutable_findings(); }
};

template <>
struct Resource<v1::Relationship> {
  using Client = RelationshipClient;
  static constexpr const char* kCommand = "relationships";
  static constexpr const char* kCollection = "relationships";

  static Client Connect(const Context& context) {
    return Client(MakeRelationshipConnection(context.channel, context.options));
  }
  static absl::StatusOr<v1::Relationship> Get(Client& client, const std::string& name) {
    return client.GetRelationship(name);
  }
};

template <>
struct Resource<v1::TimelineEntry> {
  using Client = RelationshipClient;
  using ListResponse = v1::ListTimelineResponse;

  static Client Connect(const Context& context) {
    return Resource<v1::Relationship>::Connect(context);
  }
  static auto* Items(ListResponse& response) { return response.mutable_entries(); }
};

template <>
struct Resource<v1::SearchResult> {
  using Client = SearchClient;
  using ListResponse = v1::SearchResponse;

  static Client Connect(const Context& context) {
    return Client(MakeSearchConnection(context.channel, context.options));
  }
  static auto* Items(ListResponse& response) { return response.mutable_results(); }
};

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
