// The gRPC services. Each handler parses the request, calls the domain, and
// maps the result; nothing else happens here.
#pragma once

#include <memory>
#include <vector>

#include "api/unary.h"
#include "bilateral/v1/source.grpc.pb.h"
#include "bilateral/v1/visit.grpc.pb.h"
#include "domain/records.h"
#include "store/store.h"

namespace bilateral::api {

class SourceServiceImpl final : public v1::SourceService::CallbackService {
 public:
  // `store` and `guard` must outlive the service.
  SourceServiceImpl(store::Store* store, CallGuard* guard)
      : records_(store), guard_(*guard) {}

  grpc::ServerUnaryReactor* GetSource(grpc::CallbackServerContext* context,
                                      const v1::GetSourceRequest* request,
                                      v1::Source* response) override;
  grpc::ServerUnaryReactor* ListSources(grpc::CallbackServerContext* context,
                                        const v1::ListSourcesRequest* request,
                                        v1::ListSourcesResponse* response) override;
  grpc::ServerUnaryReactor* CreateSource(grpc::CallbackServerContext* context,
                                         const v1::CreateSourceRequest* request,
                                         v1::Source* response) override;

 private:
  domain::Records<v1::Source> records_;
  CallGuard& guard_;
};

class VisitServiceImpl final : public v1::VisitService::CallbackService {
 public:
  VisitServiceImpl(store::Store* store, CallGuard* guard)
      : records_(store), guard_(*guard) {}

  grpc::ServerUnaryReactor* GetVisit(grpc::CallbackServerContext* context,
                                     const v1::GetVisitRequest* request,
                                     v1::Visit* response) override;
  grpc::ServerUnaryReactor* ListVisits(grpc::CallbackServerContext* context,
                                       const v1::ListVisitsRequest* request,
                                       v1::ListVisitsResponse* response) override;
  grpc::ServerUnaryReactor* CreateVisit(grpc::CallbackServerContext* context,
                                        const v1::CreateVisitRequest* request,
                                        v1::Visit* response) override;
  grpc::ServerUnaryReactor* UpdateVisit(grpc::CallbackServerContext* context,
                                        const v1::UpdateVisitRequest* request,
                                        v1::Visit* response) override;
  grpc::ServerUnaryReactor* DeleteVisit(grpc::CallbackServerContext* context,
                                        const v1::DeleteVisitRequest* request,
                                        google::protobuf::Empty* response) override;

 private:
  domain::Records<v1::Visit> records_;
  CallGuard& guard_;
};

// Every service of the API over `store`, each call run through `guard`;
// both must outlive the services.
std::vector<std::unique_ptr<grpc::Service>> MakeServices(store::Store* store,
                                                         CallGuard* guard);

}  // namespace bilateral::api
