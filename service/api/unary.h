// Runs a unary call on the callback API: the call guard around the handler
// body, and the status conversion at the edge.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "api/call_guard.h"
#include "api/grpc_status.h"
#include "api/request_parsing.h"

namespace bilateral::api {

// Finishes the call with the guarded `body(call)`'s status, `call` being
// the call's context (common/call_context.h) for the work body does. The guard decides
// admission on arrival and runs `body` on the server's executor for the
// call's access, never on gRPC's callback thread (see
// docs/adr/0001-threading-and-storage.md). `body` runs after this returns:
// it must capture the request and response by pointer or reference to what
// gRPC holds, never a reference to a local of the handler. `response` is
// the message `body` fills, which the guard measures (CallInfo::response).
template <typename Request, typename Body>
grpc::ServerUnaryReactor* RunUnary(grpc::CallbackServerContext* context, CallGuard& guard,
                                   CallInfo info, const Request& request,
                                   const google::protobuf::MessageLite* response, Body body) {
  auto* reactor = context->DefaultReactor();
  info.response = response;
  guard.Start(context, info, request.ByteSizeLong(), std::move(body),
              [reactor](const absl::Status& status) { reactor->Finish(ToGrpcStatus(status)); });
  return reactor;
}

// As RunUnary, for a method registered raw (gRPC's WithRawCallbackMethod),
// which answers with bytes it encodes itself. The request is parsed here as
// a `Request`; one that does not parse is refused by the guard as the typed
// methods' are (api/request_parsing.h). `body(call, request, &bytes)` appends the
// response's encoding to `bytes`, which are sent when it returns OK.
template <typename Request, typename Body>
grpc::ServerUnaryReactor* RunRawUnary(grpc::CallbackServerContext* context, CallGuard& guard,
                                      CallInfo info, const grpc::ByteBuffer& request_bytes,
                                      grpc::ByteBuffer* response_bytes, Body body) {
  struct Call {
    Request request;
    std::string response;
  };
  auto call = std::make_shared<Call>();
  const std::string flat = Flattened(request_bytes);
  if (!call->request.ParseFromString(flat)) {
    guard.MarkUnparseable(context, WhyUnparseable(flat, *Request::descriptor()));
  }
  auto* reactor = context->DefaultReactor();
  info.response_bytes = &call->response;
  guard.Start(
      context, info, flat.size(),
      [call, body = std::move(body)](const CallContext& context) {
        return body(context, call->request, &call->response);
      },
      [reactor, call, response_bytes](const absl::Status& status) {
        if (status.ok()) {
          grpc::Slice slice(call->response);
          *response_bytes = grpc::ByteBuffer(&slice, 1);
        }
        reactor->Finish(ToGrpcStatus(status));
      });
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
