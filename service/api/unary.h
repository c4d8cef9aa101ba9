// Runs a unary call on the callback API: the call guard around the handler
// body, and the status conversion at the edge.
#pragma once

#include <grpcpp/grpcpp.h>

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "api/call_guard.h"
#include "api/grpc_status.h"

namespace bilateral::api {

// Finishes the call with the guarded `body()`'s status. The guard decides
// admission on arrival and runs `body` on the server's executor for the
// call's access, never on gRPC's callback thread (see
// docs/adr/0001-threading-and-storage.md). `body` runs after this returns:
// it must capture the request and response by pointer or reference to what
// gRPC holds, never a reference to a local of the handler. `response` is
// the message `body` fills, which the guard measures (CallInfo::response).
template <typename Request, typename Body>
grpc::ServerUnaryReactor* RunUnary(grpc::CallbackServerContext* context,
                                   CallGuard& guard, CallInfo info,
                                   const Request& request,
                                   const google::protobuf::MessageLite* response, Body body) {
  auto* reactor = context->DefaultReactor();
  info.response = response;
  guard.Start(context, info, request.ByteSizeLong(), std::move(body),
              [reactor](const absl::Status& status) { reactor->Finish(ToGrpcStatus(status)); });
  return reactor;
}

// Moves a successful result into the response message.
template <typename T>
absl::Status Respond(absl::StatusOr<T> result, T* response) {
  if (!result.ok()) return result.status();
  *response = std::move(*result);
  return absl::OkStatus();
}

}  // namespace bilateral::api
