// The plumbing every gRPC connection shares, as layers around the generated
// stub: each attempt gets a fresh context with its deadline and the
// authorization metadata (PrepareContext), runs once (CallUnary), and runs
// inside the retry loop (RetryLoop, retry.h) when its idempotency allows.
// ServiceStub bundles the layers for the connection of one service, so that
// each method of a connection is one line naming its RPC and idempotency.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "bilateral/internal/call_options.h"
#include "bilateral/options.h"
#include "bilateral/pagination.h"
#include "retry.h"
#include "settings.h"

namespace bilateral::internal {

// grpc::Status to absl::Status, keeping the google.rpc details (BadRequest,
// ErrorInfo) of `grpc-status-details-bin` as payloads.
absl::Status FromGrpcStatus(const grpc::Status& status);

// Sets the deadline (`settings.timeout` from now) and, with an API key, the
// "authorization: Bearer <key>" metadata of one attempt's context.
void PrepareContext(const CallSettings& settings, grpc::ClientContext& context);

// One attempt of a unary call.
template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> CallUnary(
    Stub& stub,
    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
    const CallSettings& settings, const Request& request) {
  grpc::ClientContext context;
  PrepareContext(settings, context);
  Response response;
  grpc::Status status = (stub.*method)(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

// A unary call with its retries.
template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> CallWithRetries(
    Stub& stub,
    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
    const CallSettings& settings, Idempotency idempotency, const Request& request) {
  return RetryLoop(settings.retry, idempotency,
                   [&] { return CallUnary(stub, method, settings, request); });
}

// Calls the client-streaming `method` once, writing `requests` in order,
// and returns its one response. Never retried: the server may have stored
// chunks before a failure. The deadline covers the whole stream.
template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> CallClientStream(
    Stub& stub,
    std::unique_ptr<grpc::ClientWriter<Request>> (Stub::*method)(grpc::ClientContext*,
                                                                 Response*),
    const CallSettings& settings, const std::vector<Request>& requests) {
  grpc::ClientContext context;
  PrepareContext(settings, context);
  Response response;
  auto writer = (stub.*method)(&context, &response);
  for (const Request& request : requests) {
    // A failed write means the stream is over; Finish says why.
    if (!writer->Write(request)) break;
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

// A range over every page of a List method; each page is a read with its
// own retries. `items` picks the repeated field of the response that holds
// the records.
template <typename Item, typename Stub, typename Request, typename Response, typename Items>
PaginatedRange<Item> ListRange(
    std::shared_ptr<Stub> stub,
    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
    CallSettings settings, Request request, Items items) {
  return PaginatedRange<Item>(
      [stub = std::move(stub), method, settings = std::move(settings),
       request = std::move(request), items](const std::string& token) mutable
      -> absl::StatusOr<Page<Item>> {
        if (!token.empty()) request.set_page_token(token);
        auto response = CallWithRetries(*stub, method, settings, Idempotency::kRead, request);
        if (!response.ok()) return response.status();
        Page<Item> page;
        auto& list = items(*response);
        page.items.assign(std::make_move_iterator(list.begin()),
                          std::make_move_iterator(list.end()));
        page.next_page_token = response->next_page_token();
        return page;
      });
}

// The stub of one generated gRPC service and the settings its calls run
// with. Every call takes the CallOptions current on its thread (see
// bilateral/internal/call_options.h) over the connection's settings.
template <typename Service>
class ServiceStub {
 public:
  using Stub = typename Service::Stub;

  // A stub over `channel`; when `channel` is an error, every call returns it.
  ServiceStub(absl::StatusOr<std::shared_ptr<grpc::Channel>> channel,
              const ClientOptions& options)
      : settings_(ConnectionCallSettings(options)) {
    if (!channel.ok()) {
      unusable_ = channel.status();
    } else if (*channel == nullptr) {
      unusable_ = absl::InvalidArgumentError("the connection was made with a null channel");
    } else {
      stub_ = Service::NewStub(*std::move(channel));
    }
  }

  template <typename Request, typename Response>
  absl::StatusOr<Response> Call(
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
      const Request& request, Idempotency idempotency) const {
    if (!unusable_.ok()) return unusable_;
    return CallWithRetries(*stub_, method, ForCall(settings_, CurrentCallOptions()),
                           idempotency, request);
  }

  // For methods that return google.protobuf.Empty: only the status counts.
  template <typename Request, typename Response>
  absl::Status CallForStatus(
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
      const Request& request, Idempotency idempotency) const {
    return Call(method, request, idempotency).status();
  }

  // The range shares the stub, so it may outlive the connection; it keeps
  // the settings current when it was made.
  template <typename Item, typename Request, typename Response, typename Items>
  PaginatedRange<Item> List(
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
      Request request, Items items) const {
    if (!unusable_.ok()) return MakePaginatedRange<Item>(unusable_);
    return ListRange<Item>(stub_, method, ForCall(settings_, CurrentCallOptions()),
                           std::move(request), items);
  }

  template <typename Request, typename Response>
  absl::StatusOr<Response> Stream(
      std::unique_ptr<grpc::ClientWriter<Request>> (Stub::*method)(grpc::ClientContext*,
                                                                   Response*),
      const std::vector<Request>& requests) const {
    if (!unusable_.ok()) return unusable_;
    return CallClientStream(*stub_, method, ForCall(settings_, CurrentCallOptions()),
                            requests);
  }

 private:
  std::shared_ptr<Stub> stub_;
  absl::Status unusable_;
  CallSettings settings_;
};

}  // namespace bilateral::internal
