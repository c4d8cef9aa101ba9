// Exchanges: cultural and people-to-people cooperation. The client that
// applications use, and the connection it calls.
//
//   bilateral::ExchangeClient client(
//       bilateral::MakeExchangeConnection(bilateral::ClientOptions{}));
//   auto exchange = client.GetExchange("exchanges/luban-workshop");
//   if (!exchange.ok()) std::cerr << exchange.status() << "\n";
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "bilateral/internal/call_options.h"
#include "bilateral/internal/requests.h"
#include "bilateral/options.h"
#include "bilateral/pagination.h"
#include "bilateral/v1/exchange.pb.h"

namespace bilateral {

// The calls an ExchangeClient makes, one per RPC of v1::ExchangeService and
// with its meaning. MakeExchangeConnection implements it over gRPC, with the
// retries that RetryOptions (bilateral/options.h) describes and the CallOptions
// of the client call that invokes it (internal::CurrentCallOptions()); tests of
// code that uses ExchangeClient give it a MockExchangeConnection
// (bilateral/mocks/mock_exchange_connection.h) instead.
class ExchangeConnection {
 public:
  virtual ~ExchangeConnection() = default;
  virtual absl::StatusOr<v1::Exchange> GetExchange(const v1::GetExchangeRequest& request) = 0;
  // Fetches pages lazily; `request.page_token` is the starting point.
  virtual PaginatedRange<v1::Exchange> ListExchanges(v1::ListExchangesRequest request) = 0;
  virtual absl::StatusOr<v1::BatchGetExchangesResponse> BatchGetExchanges(
      const v1::BatchGetExchangesRequest& request) = 0;
  virtual absl::StatusOr<v1::Exchange> CreateExchange(const v1::CreateExchangeRequest& request) = 0;
  virtual absl::StatusOr<v1::Exchange> UpdateExchange(const v1::UpdateExchangeRequest& request) = 0;
  virtual absl::Status DeleteExchange(const v1::DeleteExchangeRequest& request) = 0;
};

// A connection over a new channel made with MakeChannel(options). When that
// fails, every call of the connection returns its error.
std::shared_ptr<ExchangeConnection> MakeExchangeConnection(const ClientOptions& options);
// A connection over `channel` (from MakeChannel), shared with other
// connections; of `options`, the endpoint and TLS settings do not apply.
std::shared_ptr<ExchangeConnection> MakeExchangeConnection(std::shared_ptr<grpc::Channel> channel,
                                                           const ClientOptions& options = {});

// Reads and writes exchanges. Cheap to copy; copies share the connection. Every
// method returns the server's error as a status: use FieldViolations() and
// ErrorReason() from bilateral/status.h for its details. Each method takes an
// optional CallOptions last (bilateral/options.h); calls that are safe to
// repeat are retried as its RetryOptions say.
class ExchangeClient {
 public:
  explicit ExchangeClient(std::shared_ptr<ExchangeConnection> connection)
      : connection_(std::move(connection)) {}

  // The exchange called `name` ("exchanges/{id}"); NOT_FOUND when absent.
  absl::StatusOr<v1::Exchange> GetExchange(const std::string& name,
                                           const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->GetExchange(internal::NameRequest<v1::GetExchangeRequest>(name));
  }

  // Every exchange matching `filter` (AIP-160, over the fields that
  // v1::ListExchangesRequest lists), in `order_by` order, page by page.
  PaginatedRange<v1::Exchange> ListExchanges(const std::string& filter = "",
                                             const std::string& order_by = "",
                                             const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->ListExchanges(
        internal::ListRequest<v1::ListExchangesRequest>(filter, order_by));
  }
  // As above, with every field of the request, e.g. `page_size`.
  PaginatedRange<v1::Exchange> ListExchanges(v1::ListExchangesRequest request,
                                             const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->ListExchanges(std::move(request));
  }

  // The exchanges called `names` (at most 100), in that order, from one
  // consistent read; NOT_FOUND naming the first that does not exist.
  absl::StatusOr<std::vector<v1::Exchange>> BatchGetExchanges(
      const std::vector<std::string>& names, const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    auto request = internal::BatchGetRequest<v1::BatchGetExchangesRequest>(names);
    return internal::TakeRecords(connection_->BatchGetExchanges(request),
                                 &v1::BatchGetExchangesResponse::mutable_exchanges);
  }

  // Stores `exchange` as "exchanges/{exchange_id}" (generated when empty) and
  // returns it as stored; ALREADY_EXISTS when the id is taken.
  absl::StatusOr<v1::Exchange> CreateExchange(const v1::Exchange& exchange,
                                              const std::string& exchange_id = "",
                                              const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    v1::CreateExchangeRequest request;
    *request.mutable_exchange() = exchange;
    request.set_exchange_id(exchange_id);
    return connection_->CreateExchange(request);
  }
  // As above, with every field of the request. The connection gives a
  // request without `request_id` a random one, so that retries cannot create
  // the record twice; set your own to make your own retries safe too.
  absl::StatusOr<v1::Exchange> CreateExchange(const v1::CreateExchangeRequest& request,
                                              const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->CreateExchange(request);
  }

  // Replaces the fields named in `update_paths` (every field set in `exchange`
  // when empty) of the exchange `exchange.name()`, and returns it as stored.
  // With `exchange.etag()` set and stale: ABORTED, and nothing is written.
  absl::StatusOr<v1::Exchange> UpdateExchange(const v1::Exchange& exchange,
                                              const std::vector<std::string>& update_paths = {},
                                              const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    v1::UpdateExchangeRequest request;
    *request.mutable_exchange() = exchange;
    internal::SetUpdatePaths(update_paths, request);
    return connection_->UpdateExchange(request);
  }
  // As above, with the update mask in the request.
  absl::StatusOr<v1::Exchange> UpdateExchange(const v1::UpdateExchangeRequest& request,
                                              const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->UpdateExchange(request);
  }

  // Deletes the exchange called `name`; with an `etag`, only while it is
  // current (else ABORTED). NOT_FOUND when absent.
  absl::Status DeleteExchange(const std::string& name, const std::string& etag = "",
                              const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->DeleteExchange(
        internal::DeleteRequest<v1::DeleteExchangeRequest>(name, etag));
  }

 private:
  std::shared_ptr<ExchangeConnection> connection_;
};

}  // namespace bilateral
