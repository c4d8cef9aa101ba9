// The plumbing every gRPC connection shares: one unary call with its
// deadline, status conversion, List pagination, client streaming, and
// ServiceStub, which bundles them for the connection of one service.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "bilateral/options.h"
#include "bilateral/pagination.h"

namespace bilateral::internal {

// grpc::Status to absl::Status, keeping the google.rpc details (BadRequest,
// ErrorInfo) of `grpc-status-details-bin` as payloads.
absl::Status FromGrpcStatus(const grpc::Status& status);

// A context whose deadline is `options.timeout` from now.
void SetDeadline(const ClientOptions& options, grpc::ClientContext& context);

// Calls `method` on `stub` with the options' deadline.
template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> CallUnary(
    Stub& stub,
    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
    const ClientOptions& options, const Request& request) {
  grpc::ClientContext context;
  SetDeadline(options, context);
  Response response;
  grpc::Status status = (stub.*method)(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

// Calls the client-streaming `method`, writing `requests` in order, and
// returns its one response. The deadline covers the whole stream.
template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> CallClientStream(
    Stub& stub,
    std::unique_ptr<grpc::ClientWriter<Request>> (Stub::*method)(grpc::ClientContext*,
                                                                 Response*),
    const ClientOptions& options, const std::vector<Request>& requests) {
  grpc::ClientContext context;
  SetDeadline(options, context);
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

// A range over every page of a List method. `items` picks the repeated
// field of the response that holds the records.
template <typename Item, typename Stub, typename Request, typename Response,
          typename Items>
PaginatedRange<Item> ListRange(
    std::shared_ptr<Stub> stub,
    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
    ClientOptions options, Request request, Items items) {
  return PaginatedRange<Item>(
      [stub = std::move(stub), method, options = std::move(options),
       request = std::move(request), items](const std::string& token) mutable
      -> absl::StatusOr<Page<Item>> {
        if (!token.empty()) request.set_page_token(token);
        auto response = CallUnary(*stub, method, options, request);
        if (!response.ok()) return response.status();
        Page<Item> page;
        auto& list = items(*response);
        page.items.assign(std::make_move_iterator(list.begin()),
                          std::make_move_iterator(list.end()));
        page.next_page_token = response->next_page_token();
        return page;
      });
}

// The stub of one generated gRPC service and the options its calls run
// with, so that each method of a connection is one line.
template <typename Service>
class ServiceStub {
 public:
  using Stub = typename Service::Stub;

  ServiceStub(std::shared_ptr<grpc::Channel> channel, ClientOptions options)
      : stub_(Service::NewStub(std::move(channel))), options_(std::move(options)) {}

  template <typename Request, typename Response>
  absl::StatusOr<Response> Call(
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
      const Request& request) const {
    return CallUnary(*stub_, method, options_, request);
  }

  // For methods that return google.protobuf.Empty: only the status counts.
  template <typename Request, typename Response>
  absl::Status CallForStatus(
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
      const Request& request) const {
    return CallUnary(*stub_, method, options_, request).status();
  }

  // The range shares the stub, so it may outlive the connection.
  template <typename Item, typename Request, typename Response, typename Items>
  PaginatedRange<Item> List(
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
      Request request, Items items) const {
    return ListRange<Item>(stub_, method, options_, std::move(request), items);
  }

  template <typename Request, typename Response>
  absl::StatusOr<Response> Stream(
      std::unique_ptr<grpc::ClientWriter<Request>> (Stub::*method)(grpc::ClientContext*,
                                                                   Response*),
      const std::vector<Request>& requests) const {
    return CallClientStream(*stub_, method, options_, requests);
  }

 private:
  std::shared_ptr<Stub> stub_;
  ClientOptions options_;
};

}  // namespace bilateral::internal
