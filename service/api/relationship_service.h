// RelationshipService: the dossier and the timeline of a pair of countries,
// read-only. The handlers parse, call domain::Relationships and map the
// result.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>

#include "api/call_guard.h"
#include "store/store.h"

namespace bilateral::api {

// The RelationshipService over `store`, each call run through `guard`; both
// must outlive the service.
std::unique_ptr<grpc::Service> MakeRelationshipService(store::Store* store, CallGuard* guard);

}  // namespace bilateral::api
