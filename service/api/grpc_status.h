// The one place where absl::Status becomes grpc::Status: canonical code,
// message, and a google.rpc.Status in `grpc-status-details-bin` holding the
// BadRequest and ErrorInfo details (AIP-193).
#pragma once

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace bilateral::api {

grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace bilateral::api
