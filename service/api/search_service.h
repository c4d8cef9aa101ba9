// SearchService: ranked full-text search over every record.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>

#include "api/call_guard.h"
#include "store/store.h"

namespace bilateral::api {

std::unique_ptr<grpc::Service> MakeSearchService(store::Store* store, CallGuard* guard);

}  // namespace bilateral::api
