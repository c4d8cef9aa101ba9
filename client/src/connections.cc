// The gRPC implementations of the connections: each method is one call through
// internal::ServiceStub, which holds everything they share, and says how safe
// its call is to repeat: reads always, Creates with their request_id (one is
// generated when the caller gave none), Updates and Deletes only with an etag.

#include "bilateral/country_client.h"
#include "bilateral/exchange_client.h"
#include "bilateral/finding_client.h"
#include "bilateral/infrastructure_project_client.h"
#include "bilateral/observation_client.h"
#include "bilateral/partnership_client.h"
#include "bilateral/relationship_client.h"
#include "bilateral/search_client.h"
#include "bilateral/source_client.h"
#include "bilateral/trade_record_client.h"
#include "bilateral/v1/country.grpc.pb.h"
#include "bilateral/v1/exchange.grpc.pb.h"
#include "bilateral/v1/finding.grpc.pb.h"
#include "bilateral/v1/infrastructure.grpc.pb.h"
#include "bilateral/v1/observation.grpc.pb.h"
#include "bilateral/v1/partnership.grpc.pb.h"
#include "bilateral/v1/relationship.grpc.pb.h"
#include "bilateral/v1/search.grpc.pb.h"
#include "bilateral/v1/source.grpc.pb.h"
#include "bilateral/v1/trade.grpc.pb.h"
#include "bilateral/v1/visit.grpc.pb.h"
#include "bilateral/visit_client.h"
#include "grpc_call.h"
#include "request_id.h"

namespace bilateral {
namespace {

class GrpcSourceConnection final : public SourceConnection {
 public:
  using Stub = v1::SourceService::Stub;
  GrpcSourceConnection(absl::StatusOr<std::shared_ptr<grpc::Channel>> channel,
                       const ClientOptions& options)
      : rpc_(std::move(channel), options) {}

  absl::StatusOr<v1::Source> GetSource(const v1::GetSourceRequest& request) override {
    return rpc_.Call(&Stub::GetSource, request, internal::Idempotency::kRead);
  }
  PaginatedRange<v1::Source> ListSources(v1::ListSourcesRequest request) override {
    return rpc_.List<v1::Source>(
        &Stub::ListSources, std::move(request),
        [](v1::ListSourcesResponse& r) -> auto& { return *r.mutable_sources(); });
  }
  absl::StatusOr<v1::BatchGetSourcesResponse> BatchGetSources(
      const v1::BatchGetSourcesRequest& request) override {
    return rpc_.Call(&Stub::BatchGetSources, request, internal::Idempotency::kRead);
  }
  absl::StatusOr<v1::Source> CreateSource(const v1::CreateSourceRequest& request) override {
    return rpc_.Call(&Stub::CreateSource, internal::WithRequestId(request),
                     internal::Idempotency::kCreate);
  }
  absl::StatusOr<v1::Source> UpdateSource(const v1::UpdateSourceRequest& request) override {
    return rpc_.Call(&Stub::UpdateSource, request,
                     internal::WriteWithKey(request.source().etag()));
  }
  absl::Status DeleteSource(const v1::DeleteSourceRequest& request) override {
    return rpc_.CallForStatus(&Stub::DeleteSource, request,
                              internal::WriteWithKey(request.etag()));
  }

 private:
  internal::ServiceStub<v1::SourceService> rpc_;
};

class GrpcVisitConnection final : public VisitConnection {
 public:
  using Stub = v1::VisitService::Stub;
  GrpcVisitConnection(absl::StatusOr<std::shared_ptr<grpc::Channel>> channel,
                      const ClientOptions& options)
      : rpc_(std::move(channel), options) {}

  absl::StatusOr<v1::Visit> GetVisit(const v1::GetVisitRequest& request) override {
    return rpc_.Call(&Stub::GetVisit, request, internal::Idempotency::kRead);
  }
  PaginatedRange<v1::Visit> ListVisits(v1::ListVisitsRequest request) override {
    return rpc_.List<v1::Visit>(
        &Stub::ListVisits, std::move(request),
        [](v1::ListVisitsResponse& r) -> auto& { return *r.mutable_visits(); });
  }
  absl::StatusOr<v1::BatchGetVisitsResponse> BatchGetVisits(
      const v1::BatchGetVisitsRequest& request) override {
    return rpc_.Call(&Stub::BatchGetVisits, request, internal::Idempotency::kRead);
  }
  absl::StatusOr<v1::Visit> CreateVisit(const v1::CreateVisitRequest& request) override {
    return rpc_.Call(&Stub::CreateVisit, internal::WithRequestId(request),
                     internal::Idempotency::kCreate);
  }
  absl::StatusOr<v1::Visit> UpdateVisit(const v1::UpdateVisitRequest& request) override {
    return rpc_.Call(&Stub::UpdateVisit, request,
                     internal::WriteWithKey(request.visit().etag()));
  }
  absl::Status DeleteVisit(const v1::DeleteVisitRequest& request) override {
    return rpc_.CallForStatus(&Stub::DeleteVisit, request,
                              internal::WriteWithKey(request.etag()));
  }

 private:
  internal::ServiceStub<v1::VisitService> rpc_;
};

class GrpcPartnershipConnection final : public PartnershipConnection {
 public:
  using Stub = v1::PartnershipService::Stub;
  GrpcPartnershipConnection(absl::StatusOr<std::shared_ptr<grpc::Channel>> channel,
                            const ClientOptions& options)
      : rpc_(std::move(channel), options) {}

  absl::StatusOr<v1::Partnership> GetPartnership(
      const v1::GetPartnershipRequest& request) override {
    return rpc_.Call(&Stub::GetPartnership, request, internal::Idempotency::kRead);
  }
  PaginatedRange<v1::Partnership> ListPartnerships(v1::ListPartnershipsRequest request) override {
    return rpc_.List<v1::Partnership>(
        &Stub::ListPartnerships, std::move(request),
        [](v1::ListPartnershipsResponse& r) -> auto& { return *r.mutable_partnerships(); });
  }
  absl::StatusOr<v1::BatchGetPartnershipsResponse> BatchGetPartnerships(
      const v1::BatchGetPartnershipsRequest& request) override {
    return rpc_.Call(&Stub::BatchGetPartnerships, request, internal::Idempotency::kRead);
  }
  absl::StatusOr<v1::Partnership> CreatePartnership(
      const v1::CreatePartnershipRequest& request) override {
    return rpc_.Call(&Stub::CreatePartnership, internal::WithRequestId(request),
                     internal::Idempotency::kCreate);
  }
  absl::StatusOr<v1::Partnership> UpdatePartnership(
      const v1::UpdatePartnershipRequest& request) override {
    return rpc_.Call(&Stub::UpdatePartnership, request,
                     internal::WriteWithKey(request.partnership().etag()));
  }
  absl::Status DeletePartnership(const v1::DeletePartnershipRequest& request) override {
    return rpc_.CallForStatus(&Stub::DeletePartnership, request,
                              internal::WriteWithKey(request.etag()));
  }

 private:
  internal::ServiceStub<v1::PartnershipService> rpc_;
};

class GrpcTradeRecordConnection final : public TradeRecordConnection {
 public:
  using Stub = v1::TradeRecordService::Stub;
  GrpcTradeRecordConnection(absl::StatusOr<std::shared_ptr<grpc::Channel>> channel,
                            const ClientOptions& options)
      : rpc_(std::move(channel), options) {}

  absl::StatusOr<v1::TradeRecord> GetTradeRecord(
      const v1::GetTradeRecordRequest& request) override {
    return rpc_.Call(&Stub::GetTradeRecord, request, internal::Idempotency::kRead);
  }
  PaginatedRange<v1::TradeRecord> ListTradeRecords(v1::ListTradeRecordsRequest request) override {
    return rpc_.List<v1::TradeRecord>(
        &Stub::ListTradeRecords, std::move(request),
        [](v1::ListTradeRecordsResponse& r) -> auto& { return *r.mutable_trade_records(); });
  }
  absl::StatusOr<v1::BatchGetTradeRecordsResponse> BatchGetTradeRecords(
      const v1::BatchGetTradeRecordsRequest& request) override {
    return rpc_.Call(&Stub::BatchGetTradeRecords, request, internal::Idempotency::kRead);
  }
  absl::StatusOr<v1::TradeRecord> CreateTradeRecord(
      const v1::CreateTradeRecordRequest& request) override {
    return rpc_.Call(&Stub::CreateTradeRecord, internal::WithRequestId(request),
                     internal::Idempotency::kCreate);
  }
  absl::StatusOr<v1::TradeRecord> UpdateTradeRecord(
      const v1::UpdateTradeRecordRequest& request) override {
    return rpc_.Call(&Stub::UpdateTradeRecord, request,
                     internal::WriteWithKey(request.trade_record().etag()));
  }
  absl::Status DeleteTradeRecord(const v1::DeleteTradeRecordRequest& request) override {
    return rpc_.CallForStatus(&Stub::DeleteTradeRecord, request,
                              internal::WriteWithKey(request.etag()));
  }
  absl::StatusOr<v1::ImportTradeRecordsResponse> ImportTradeRecords(
      const std::vector<v1::ImportTradeRecordsRequest>& chunks) override {
    return rpc_.Stream(&Stub::ImportTradeRecords, chunks);
  }

 private:
  internal::ServiceStub<v1::TradeRecordService> rpc_;
};

class GrpcInfrastructureProjectConnection final : public InfrastructureProjectConnection {
 public:
  using Stub = v1::InfrastructureProjectService::Stub;
  GrpcInfrastructureProjectConnection(absl::StatusOr<std::shared_ptr<grpc::Channel>> channel,
                                      const ClientOptions& options)
      : rpc_(std::move(channel), options) {}

  absl::StatusOr<v1::InfrastructureProject> GetInfrastructureProject(
      const v1::GetInfrastructureProjectRequest& request) override {
    return rpc_.Call(&Stub::GetInfrastructureProject, request, internal::Idempotency::kRead);
  }
  PaginatedRange<v1::InfrastructureProject> ListInfrastructureProjects(
      v1::ListInfrastructureProjectsRequest request) override {
    return rpc_.List<v1::InfrastructureProject>(
        &Stub::ListInfrastructureProjects, std::move(request),
        [](v1::ListInfrastructureProjectsResponse& r) -> auto& {
          return *r.mutable_infrastructure_projects();
        });
  }
  absl::StatusOr<v1::BatchGetInfrastructureProjectsResponse> BatchGetInfrastructureProjects(
      const v1::BatchGetInfrastructureProjectsRequest& request) override {
    return rpc_.Call(&Stub::BatchGetInfrastructureProjects, request,
                     internal::Idempotency::kRead);
  }
  absl::StatusOr<v1::InfrastructureProject> CreateInfrastructureProject(
      const v1::CreateInfrastructureProjectRequest& request) override {
    return rpc_.Call(&Stub::CreateInfrastructureProject, internal::WithRequestId(request),
                     internal::Idempotency::kCreate);
  }
  absl::StatusOr<v1::InfrastructureProject> UpdateInfrastructureProject(
      const v1::UpdateInfrastructureProjectRequest& request) override {
    return rpc_.Call(&Stub::UpdateInfrastructureProject, request,
                     internal::WriteWithKey(request.infrastructure_project().etag()));
  }
  absl::Status DeleteInfrastructureProject(
      const v1::DeleteInfrastructureProjectRequest& request) override {
    return rpc_.CallForStatus(&Stub::DeleteInfrastructureProject, request,
                              internal::WriteWithKey(request.etag()));
  }

 private:
  internal::ServiceStub<v1::InfrastructureProjectService> rpc_;
};

class GrpcExchangeConnection final : public ExchangeConnection {
 public:
  using Stub = v1::ExchangeService::Stub;
  GrpcExchangeConnection(absl::StatusOr<std::shared_ptr<grpc::Channel>> channel,
                         const ClientOptions& options)
      : rpc_(std::move(channel), options) {}

  absl::StatusOr<v1::Exchange> GetExchange(const v1::GetExchangeRequest& request) override {
    return rpc_.Call(&Stub::GetExchange, request, internal::Idempotency::kRead);
  }
  PaginatedRange<v1::Exchange> ListExchanges(v1::ListExchangesRequest request) override {
    return rpc_.List<v1::Exchange>(
        &Stub::ListExchanges, std::move(request),
        [](v1::ListExchangesResponse& r) -> auto& { return *r.mutable_exchanges(); });
  }
  absl::StatusOr<v1::BatchGetExchangesResponse> BatchGetExchanges(
      const v1::BatchGetExchangesRequest& request) override {
    return rpc_.Call(&Stub::BatchGetExchanges, request, internal::Idempotency::kRead);
  }
  absl::StatusOr<v1::Exchange> CreateExchange(const v1::CreateExchangeRequest& request) override {
    return rpc_.Call(&Stub::CreateExchange, internal::WithRequestId(request),
                     internal::Idempotency::kCreate);
  }
  absl::StatusOr<v1::Exchange> UpdateExchange(const v1::UpdateExchangeRequest& request) override {
    return rpc_.Call(&Stub::UpdateExchange, request,
                     internal::WriteWithKey(request.exchange().etag()));
  }
  absl::Status DeleteExchange(const v1::DeleteExchangeRequest& request) override {
    return rpc_.CallForStatus(&Stub::DeleteExchange, request,
                              internal::WriteWithKey(request.etag()));
  }

 private:
  internal::ServiceStub<v1::ExchangeService> rpc_;
};

class GrpcObservationConnection final : public ObservationConnection {
 public:
  using Stub = v1::ObservationService::Stub;
  GrpcObservationConnection(absl::StatusOr<std::shared_ptr<grpc::Channel>> channel,
                            const ClientOptions& options)
      : rpc_(std::move(channel), options) {}

  absl::StatusOr<v1::Observation> GetObservation(
      const v1::GetObservationRequest& request) override {
    return rpc_.Call(&Stub::GetObservation, request, internal::Idempotency::kRead);
  }
  PaginatedRange<v1::Observation> ListObservations(v1::ListObservationsRequest request) override {
    return rpc_.List<v1::Observation>(
        &Stub::ListObservations, std::move(request),
        [](v1::ListObservationsResponse& r) -> auto& { return *r.mutable_observations(); });
  }
  absl::StatusOr<v1::BatchGetObservationsResponse> BatchGetObservations(
      const v1::BatchGetObservationsRequest& request) override {
    return rpc_.Call(&Stub::BatchGetObservations, request, internal::Idempotency::kRead);
  }
  absl::StatusOr<v1::Observation> CreateObservation(
      const v1::CreateObservationRequest& request) override {
    return rpc_.Call(&Stub::CreateObservation, internal::WithRequestId(request),
                     internal::Idempotency::kCreate);
  }
  absl::StatusOr<v1::Observation> UpdateObservation(
      const v1::UpdateObservationRequest& request) override {
    return rpc_.Call(&Stub::UpdateObservation, request,
                     internal::WriteWithKey(request.observation().etag()));
  }
  absl::Status DeleteObservation(const v1::DeleteObservationRequest& request) override {
    return rpc_.CallForStatus(&Stub::DeleteObservation, request,
                              internal::WriteWithKey(request.etag()));
  }

 private:
  internal::ServiceStub<v1::ObservationService> rpc_;
};

class GrpcCountryConnection final : public CountryConnection {
 public:
  using Stub = v1::CountryService::Stub;
  GrpcCountryConnection(absl::StatusOr<std::shared_ptr<grpc::Channel>> channel,
                        const ClientOptions& options)
      : rpc_(std::move(channel), options) {}

  absl::StatusOr<v1::Country> GetCountry(const v1::GetCountryRequest& request) override {
    return rpc_.Call(&Stub::GetCountry, request, internal::Idempotency::kRead);
  }
  PaginatedRange<v1::Country> ListCountries(v1::ListCountriesRequest request) override {
    return rpc_.List<v1::Country>(
        &Stub::ListCountries, std::move(request),
        [](v1::ListCountriesResponse& r) -> auto& { return *r.mutable_countries(); });
  }

 private:
  internal::ServiceStub<v1::CountryService> rpc_;
};

class GrpcFindingConnection final : public FindingConnection {
 public:
  using Stub = v1::FindingService::Stub;
  GrpcFindingConnection(absl::StatusOr<std::shared_ptr<grpc::Channel>> channel,
                        const ClientOptions& options)
      : rpc_(std::move(channel), options) {}

  absl::StatusOr<v1::Finding> GetFinding(const v1::GetFindingRequest& request) override {
    return rpc_.Call(&Stub::GetFinding, request, internal::Idempotency::kRead);
  }
  PaginatedRange<v1::Finding> ListFindings(v1::ListFindingsRequest request) override {
    return rpc_.List<v1::Finding>(
        &Stub::ListFindings, std::move(request),
        [](v1::ListFindingsResponse& r) -> auto& { return *r.mutable_findings(); });
  }

 private:
  internal::ServiceStub<v1::FindingService> rpc_;
};

class GrpcSearchConnection final : public SearchConnection {
 public:
  using Stub = v1::SearchService::Stub;
  GrpcSearchConnection(absl::StatusOr<std::shared_ptr<grpc::Channel>> channel,
                       const ClientOptions& options)
      : rpc_(std::move(channel), options) {}

  PaginatedRange<v1::SearchResult> Search(v1::SearchRequest request) override {
    return rpc_.List<v1::SearchResult>(
        &Stub::Search, std::move(request),
        [](v1::SearchResponse& r) -> auto& { return *r.mutable_results(); });
  }

 private:
  internal::ServiceStub<v1::SearchService> rpc_;
};

class GrpcRelationshipConnection final : public RelationshipConnection {
 public:
  using Stub = v1::RelationshipService::Stub;
  GrpcRelationshipConnection(absl::StatusOr<std::shared_ptr<grpc::Channel>> channel,
                             const ClientOptions& options)
      : rpc_(std::move(channel), options) {}

  absl::StatusOr<v1::Relationship> GetRelationship(
      const v1::GetRelationshipRequest& request) override {
    return rpc_.Call(&Stub::GetRelationship, request, internal::Idempotency::kRead);
  }
  PaginatedRange<v1::TimelineEntry> ListTimeline(v1::ListTimelineRequest request) override {
    return rpc_.List<v1::TimelineEntry>(
        &Stub::ListTimeline, std::move(request),
        [](v1::ListTimelineResponse& r) -> auto& { return *r.mutable_entries(); });
  }

 private:
  internal::ServiceStub<v1::RelationshipService> rpc_;
};

}  // namespace

std::shared_ptr<SourceConnection> MakeSourceConnection(const ClientOptions& options) {
  return std::make_shared<GrpcSourceConnection>(MakeChannel(options), options);
}
std::shared_ptr<SourceConnection> MakeSourceConnection(std::shared_ptr<grpc::Channel> channel,
                                                       const ClientOptions& options) {
  return std::make_shared<GrpcSourceConnection>(std::move(channel), options);
}

std::shared_ptr<VisitConnection> MakeVisitConnection(const ClientOptions& options) {
  return std::make_shared<GrpcVisitConnection>(MakeChannel(options), options);
}
std::shared_ptr<VisitConnection> MakeVisitConnection(std::shared_ptr<grpc::Channel> channel,
                                                     const ClientOptions& options) {
  return std::make_shared<GrpcVisitConnection>(std::move(channel), options);
}

std::shared_ptr<PartnershipConnection> MakePartnershipConnection(const ClientOptions& options) {
  return std::make_shared<GrpcPartnershipConnection>(MakeChannel(options), options);
}
std::shared_ptr<PartnershipConnection> MakePartnershipConnection(
    std::shared_ptr<grpc::Channel> channel, const ClientOptions& options) {
  return std::make_shared<GrpcPartnershipConnection>(std::move(channel), options);
}

std::shared_ptr<TradeRecordConnection> MakeTradeRecordConnection(const ClientOptions& options) {
  return std::make_shared<GrpcTradeRecordConnection>(MakeChannel(options), options);
}
std::shared_ptr<TradeRecordConnection> MakeTradeRecordConnection(
    std::shared_ptr<grpc::Channel> channel, const ClientOptions& options) {
  return std::make_shared<GrpcTradeRecordConnection>(std::move(channel), options);
}

std::shared_ptr<InfrastructureProjectConnection> MakeInfrastructureProjectConnection(
    const ClientOptions& options) {
  return std::make_shared<GrpcInfrastructureProjectConnection>(MakeChannel(options), options);
}
std::shared_ptr<InfrastructureProjectConnection> MakeInfrastructureProjectConnection(
    std::shared_ptr<grpc::Channel> channel, const ClientOptions& options) {
  return std::make_shared<GrpcInfrastructureProjectConnection>(std::move(channel), options);
}

std::shared_ptr<ExchangeConnection> MakeExchangeConnection(const ClientOptions& options) {
  return std::make_shared<GrpcExchangeConnection>(MakeChannel(options), options);
}
std::shared_ptr<ExchangeConnection> MakeExchangeConnection(std::shared_ptr<grpc::Channel> channel,
                                                           const ClientOptions& options) {
  return std::make_shared<GrpcExchangeConnection>(std::move(channel), options);
}

std::shared_ptr<ObservationConnection> MakeObservationConnection(const ClientOptions& options) {
  return std::make_shared<GrpcObservationConnection>(MakeChannel(options), options);
}
std::shared_ptr<ObservationConnection> MakeObservationConnection(
    std::shared_ptr<grpc::Channel> channel, const ClientOptions& options) {
  return std::make_shared<GrpcObservationConnection>(std::move(channel), options);
}

std::shared_ptr<CountryConnection> MakeCountryConnection(const ClientOptions& options) {
  return std::make_shared<GrpcCountryConnection>(MakeChannel(options), options);
}
std::shared_ptr<CountryConnection> MakeCountryConnection(std::shared_ptr<grpc::Channel> channel,
                                                         const ClientOptions& options) {
  return std::make_shared<GrpcCountryConnection>(std::move(channel), options);
}

std::shared_ptr<FindingConnection> MakeFindingConnection(const ClientOptions& options) {
  return std::make_shared<GrpcFindingConnection>(MakeChannel(options), options);
}
std::shared_ptr<FindingConnection> MakeFindingConnection(std::shared_ptr<grpc::Channel> channel,
                                                         const ClientOptions& options) {
  return std::make_shared<GrpcFindingConnection>(std::move(channel), options);
}

std::shared_ptr<SearchConnection> MakeSearchConnection(const ClientOptions& options) {
  return std::make_shared<GrpcSearchConnection>(MakeChannel(options), options);
}
std::shared_ptr<SearchConnection> MakeSearchConnection(std::shared_ptr<grpc::Channel> channel,
                                                       const ClientOptions& options) {
  return std::make_shared<GrpcSearchConnection>(std::move(channel), options);
}

std::shared_ptr<RelationshipConnection> MakeRelationshipConnection(const ClientOptions& options) {
  return std::make_shared<GrpcRelationshipConnection>(MakeChannel(options), options);
}
std::shared_ptr<RelationshipConnection> MakeRelationshipConnection(
    std::shared_ptr<grpc::Channel> channel, const ClientOptions& options) {
  return std::make_shared<GrpcRelationshipConnection>(std::move(channel), options);
}

}  // namespace bilateral
