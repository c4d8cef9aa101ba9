#include "api/relationship_service.h"

#include "api/unary.h"
#include "bilateral/v1/relationship.grpc.pb.h"
#include "domain/relationship.h"

namespace bilateral::api {
namespace {

class RelationshipServiceImpl final : public v1::RelationshipService::CallbackService {
 public:
  RelationshipServiceImpl(store::Store* store, CallGuard* guard)
      : relationships_(store), guard_(*guard) {}

  grpc::ServerUnaryReactor* GetRelationship(grpc::CallbackServerContext* context,
                                            const v1::GetRelationshipRequest* request,
                                            v1::Relationship* response) override {
    return RunUnary(context, guard_,
                    {"bilateral.v1.RelationshipService/GetRelationship", Access::kRead}, *request,
                    response, [this, request, response](const CallContext& call) {
                      return Respond(relationships_.Get(call, request->name()), response);
                    });
  }

  grpc::ServerUnaryReactor* ListTimeline(grpc::CallbackServerContext* context,
                                         const v1::ListTimelineRequest* request,
                                         v1::ListTimelineResponse* response) override {
    return RunUnary(
        context, guard_, {"bilateral.v1.RelationshipService/ListTimeline", Access::kRead}, *request,
        response, [this, request, response](const CallContext& call) -> absl::Status {
          auto page = relationships_.ListTimeline(call, request->parent(), request->page_size(),
                                                  request->page_token(), request->filter());
          if (!page.ok()) return page.status();
          response->mutable_entries()->Reserve(static_cast<int>(page->items.size()));
          for (auto& entry : page->items) *response->add_entries() = std::move(entry);
          response->set_next_page_token(std::move(page->next_page_token));
          return absl::OkStatus();
        });
  }

 private:
  domain::Relationships relationships_;
  CallGuard& guard_;
};

}  // namespace

std::unique_ptr<grpc::Service> MakeRelationshipService(store::Store* store, CallGuard* guard) {
  return std::make_unique<RelationshipServiceImpl>(store, guard);
}

}  // namespace bilateral::api
