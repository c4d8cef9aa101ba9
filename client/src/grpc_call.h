// The plumbing every gRPC connection shares: channel creation, one unary
// call with its deadline, status conversion, and List pagination.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "bilateral/options.h"
#include "bilateral/pagination.h"

namespace bilateral::internal {

// A channel to `options.endpoint` with `options.credentials`.
std::shared_ptr<grpc::Channel> MakeChannel(const ClientOptions& options);

// grpc::Status to absl::Status, keeping the google.rpc details (BadRequest,
// ErrorInfo) of `grpc-status-details-bin` as payloads.
absl::Status FromGrpcStatus(const grpc::Status& status);

// Calls `method` on `stub` with the options' deadline.
template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> CallUnary(
    Stub& stub,
    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
    const ClientOptions& options, const Request& request) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + options.timeout));
  Response response;
  grpc::Status status = (stub.*method)(&context, request, &response);
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

}  // namespace bilateral::internal
