// The gRPC implementations of the connections.
#include "bilateral/source_client.h"
#include "bilateral/v1/source.grpc.pb.h"
#include "bilateral/v1/visit.grpc.pb.h"
#include "bilateral/visit_client.h"
#include "grpc_call.h"

namespace bilateral {
namespace {

using internal::CallUnary;
using internal::FromGrpcStatus;
using internal::ListRange;

class GrpcVisitConnection final : public VisitConnection {
 public:
  explicit GrpcVisitConnection(const ClientOptions& options)
      : options_(options),
        stub_(v1::VisitService::NewStub(internal::MakeChannel(options))) {}

  absl::StatusOr<v1::Visit> GetVisit(const v1::GetVisitRequest& request) override {
    return CallUnary(*stub_, &Stub::GetVisit, options_, request);
  }
  PaginatedRange<v1::Visit> ListVisits(v1::ListVisitsRequest request) override {
    return ListRange<v1::Visit>(
        stub_, &Stub::ListVisits, options_, std::move(request),
        [](v1::ListVisitsResponse& r) -> auto& { return *r.mutable_visits(); });
  }
  absl::StatusOr<v1::Visit> CreateVisit(const v1::CreateVisitRequest& request) override {
    return CallUnary(*stub_, &Stub::CreateVisit, options_, request);
  }
  absl::StatusOr<v1::Visit> UpdateVisit(const v1::UpdateVisitRequest& request) override {
    return CallUnary(*stub_, &Stub::UpdateVisit, options_, request);
  }
  absl::Status DeleteVisit(const v1::DeleteVisitRequest& request) override {
    return CallUnary(*stub_, &Stub::DeleteVisit, options_, request).status();
  }

 private:
  using Stub = v1::VisitService::Stub;
  ClientOptions options_;
  std::shared_ptr<Stub> stub_;
};

class GrpcSourceConnection final : public SourceConnection {
 public:
  explicit GrpcSourceConnection(const ClientOptions& options)
      : options_(options),
        stub_(v1::SourceService::NewStub(internal::MakeChannel(options))) {}

  absl::StatusOr<v1::Source> GetSource(const v1::GetSourceRequest& request) override {
    return CallUnary(*stub_, &Stub::GetSource, options_, request);
  }
  PaginatedRange<v1::Source> ListSources(v1::ListSourcesRequest request) override {
    return ListRange<v1::Source>(
        stub_, &Stub::ListSources, options_, std::move(request),
        [](v1::ListSourcesResponse& r) -> auto& { return *r.mutable_sources(); });
  }
  absl::StatusOr<v1::Source> CreateSource(const v1::CreateSourceRequest& request) override {
    return CallUnary(*stub_, &Stub::CreateSource, options_, request);
  }

 private:
  using Stub = v1::SourceService::Stub;
  ClientOptions options_;
  std::shared_ptr<Stub> stub_;
};

}  // namespace

std::shared_ptr<VisitConnection> MakeVisitConnection(const ClientOptions& options) {
  return std::make_shared<GrpcVisitConnection>(options);
}

std::shared_ptr<SourceConnection> MakeSourceConnection(const ClientOptions& options) {
  return std::make_shared<GrpcSourceConnection>(options);
}

}  // namespace bilateral
