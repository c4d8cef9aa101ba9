#include "api/services.h"

namespace bilateral::api {
namespace {

template <typename Request>
domain::ListParams ListParamsOf(const Request& request) {
  return {request.page_size(), request.page_token(), request.filter(),
          request.order_by()};
}

// Copies one page into a List response whose items live in `items`.
template <typename Message, typename Response>
absl::Status RespondPage(
    absl::StatusOr<domain::ListResult<Message>> page,
    google::protobuf::RepeatedPtrField<Message>* items, Response* response) {
  if (!page.ok()) return page.status();
  items->Reserve(static_cast<int>(page->items.size()));
  for (auto& item : page->items) *items->Add() = std::move(item);
  response->set_next_page_token(std::move(page->next_page_token));
  return absl::OkStatus();
}

}  // namespace

grpc::ServerUnaryReactor* SourceServiceImpl::GetSource(
    grpc::CallbackServerContext* context, const v1::GetSourceRequest* request,
    v1::Source* response) {
  return RunUnary(context, guard_, {"bilateral.v1.SourceService/GetSource", Access::kRead}, *request,
                  [&] {
    return Respond(records_.Get(request->name()), response);
  });
}

grpc::ServerUnaryReactor* SourceServiceImpl::ListSources(
    grpc::CallbackServerContext* context, const v1::ListSourcesRequest* request,
    v1::ListSourcesResponse* response) {
  return RunUnary(context, guard_, {"bilateral.v1.SourceService/ListSources", Access::kRead}, *request,
                  [&] {
    return RespondPage(records_.List(ListParamsOf(*request)),
                       response->mutable_sources(), response);
  });
}

grpc::ServerUnaryReactor* SourceServiceImpl::CreateSource(
    grpc::CallbackServerContext* context, const v1::CreateSourceRequest* request,
    v1::Source* response) {
  return RunUnary(context, guard_, {"bilateral.v1.SourceService/CreateSource", Access::kWrite}, *request,
                  [&] {
    return Respond(records_.Create(request->source(), request->source_id(),
                                   request->request_id()),
                   response);
  });
}

grpc::ServerUnaryReactor* VisitServiceImpl::GetVisit(
    grpc::CallbackServerContext* context, const v1::GetVisitRequest* request,
    v1::Visit* response) {
  return RunUnary(context, guard_, {"bilateral.v1.VisitService/GetVisit", Access::kRead}, *request,
                  [&] {
    return Respond(records_.Get(request->name()), response);
  });
}

grpc::ServerUnaryReactor* VisitServiceImpl::ListVisits(
    grpc::CallbackServerContext* context, const v1::ListVisitsRequest* request,
    v1::ListVisitsResponse* response) {
  return RunUnary(context, guard_, {"bilateral.v1.VisitService/ListVisits", Access::kRead}, *request,
                  [&] {
    return RespondPage(records_.List(ListParamsOf(*request)),
                       response->mutable_visits(), response);
  });
}

grpc::ServerUnaryReactor* VisitServiceImpl::CreateVisit(
    grpc::CallbackServerContext* context, const v1::CreateVisitRequest* request,
    v1::Visit* response) {
  return RunUnary(context, guard_, {"bilateral.v1.VisitService/CreateVisit", Access::kWrite}, *request,
                  [&] {
    return Respond(records_.Create(request->visit(), request->visit_id(),
                                   request->request_id()),
                   response);
  });
}

grpc::ServerUnaryReactor* VisitServiceImpl::UpdateVisit(
    grpc::CallbackServerContext* context, const v1::UpdateVisitRequest* request,
    v1::Visit* response) {
  return RunUnary(context, guard_, {"bilateral.v1.VisitService/UpdateVisit", Access::kWrite}, *request,
                  [&] {
    return Respond(records_.Update(request->visit(), request->has_update_mask()
                                                         ? &request->update_mask()
                                                         : nullptr),
                   response);
  });
}

grpc::ServerUnaryReactor* VisitServiceImpl::DeleteVisit(
    grpc::CallbackServerContext* context, const v1::DeleteVisitRequest* request,
    google::protobuf::Empty* response) {
  return RunUnary(context, guard_, {"bilateral.v1.VisitService/DeleteVisit", Access::kWrite}, *request,
                  [&] {
    return records_.Delete(request->name(), request->etag());
  });
}

std::vector<std::unique_ptr<grpc::Service>> MakeServices(store::Store* store,
                                                         CallGuard* guard) {
  std::vector<std::unique_ptr<grpc::Service>> services;
  services.push_back(std::make_unique<SourceServiceImpl>(store, guard));
  services.push_back(std::make_unique<VisitServiceImpl>(store, guard));
  return services;
}

}  // namespace bilateral::api
