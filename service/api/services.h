// The gRPC services. Each handler parses the request, calls the domain, and
// maps the result; nothing else happens here.
#pragma once

#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/service_type.h>

#include <memory>
#include <vector>

#include "api/call_guard.h"
#include "store/store.h"

namespace bilateral::api {

// Every service of the API over `store`, each call run through `guard`;
// both must outlive the services.
std::vector<std::unique_ptr<grpc::Service>> MakeServices(store::Store* store, CallGuard* guard);

}  // namespace bilateral::api
