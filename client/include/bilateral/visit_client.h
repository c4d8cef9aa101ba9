// Visits: one leader's or official's trip to another country. The client that
// applications use, and the connection it calls.
//
//   bilateral::VisitClient client(
//       bilateral::MakeVisitConnection(bilateral::ClientOptions{}));
//   auto visit = client.GetVisit("visits/xi-jinping-kz-2024");
//   if (!visit.ok()) std::cerr << visit.status() << "\n";
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
#include "bilateral/v1/visit.pb.h"

namespace bilateral {

// The calls a VisitClient makes, one per RPC of v1::VisitService and with its
// meaning. MakeVisitConnection implements it over gRPC, with the retries that
// RetryOptions (bilateral/options.h) describes and the CallOptions of the
// client call that invokes it (internal::CurrentCallOptions()); tests of code
// that uses VisitClient give it a MockVisitConnection
// (bilateral/mocks/mock_visit_connection.h) instead.
class VisitConnection {
 public:
  virtual ~VisitConnection() = default;
  virtual absl::StatusOr<v1::Visit> GetVisit(const v1::GetVisitRequest& request) = 0;
  // Fetches pages lazily; `request.page_token` is the starting point.
  virtual PaginatedRange<v1::Visit> ListVisits(v1::ListVisitsRequest request) = 0;
  virtual absl::StatusOr<v1::BatchGetVisitsResponse> BatchGetVisits(
      const v1::BatchGetVisitsRequest& request) = 0;
  virtual absl::StatusOr<v1::Visit> CreateVisit(const v1::CreateVisitRequest& request) = 0;
  virtual absl::StatusOr<v1::Visit> UpdateVisit(const v1::UpdateVisitRequest& request) = 0;
  virtual absl::Status DeleteVisit(const v1::DeleteVisitRequest& request) = 0;
};

// A connection over a new channel made with MakeChannel(options). When that
// fails, every call of the connection returns its error.
std::shared_ptr<VisitConnection> MakeVisitConnection(const ClientOptions& options);
// A connection over `channel` (from MakeChannel), shared with other
// connections; of `options`, the endpoint and TLS settings do not apply.
std::shared_ptr<VisitConnection> MakeVisitConnection(std::shared_ptr<grpc::Channel> channel,
                                                     const ClientOptions& options = {});

// Reads and writes visits. Cheap to copy; copies share the connection. Every
// method returns the server's error as a status: use FieldViolations() and
// ErrorReason() from bilateral/status.h for its details. Each method takes an
// optional CallOptions last (bilateral/options.h); calls that are safe to
// repeat are retried as its RetryOptions say.
class VisitClient {
 public:
  explicit VisitClient(std::shared_ptr<VisitConnection> connection)
      : connection_(std::move(connection)) {}

  // The visit called `name` ("visits/{id}"); NOT_FOUND when absent.
  absl::StatusOr<v1::Visit> GetVisit(const std::string& name,
                                     const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->GetVisit(internal::NameRequest<v1::GetVisitRequest>(name));
  }

  // Every visit matching `filter` (AIP-160, over the fields that
  // v1::ListVisitsRequest lists), in `order_by` order, page by page.
  PaginatedRange<v1::Visit> ListVisits(const std::string& filter = "",
                                       const std::string& order_by = "",
                                       const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->ListVisits(internal::ListRequest<v1::ListVisitsRequest>(filter, order_by));
  }
  // As above, with every field of the request, e.g. `page_size`.
  PaginatedRange<v1::Visit> ListVisits(v1::ListVisitsRequest request,
                                       const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->ListVisits(std::move(request));
  }

  // The visits called `names` (at most 100), in that order, from one consistent
  // read; NOT_FOUND naming the first that does not exist.
  absl::StatusOr<std::vector<v1::Visit>> BatchGetVisits(const std::vector<std::string>& names,
                                                        const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    auto request = internal::BatchGetRequest<v1::BatchGetVisitsRequest>(names);
    return internal::TakeRecords(connection_->BatchGetVisits(request),
                                 &v1::BatchGetVisitsResponse::mutable_visits);
  }

  // Stores `visit` as "visits/{visit_id}" (generated when empty) and returns it
  // as stored; ALREADY_EXISTS when the id is taken.
  absl::StatusOr<v1::Visit> CreateVisit(const v1::Visit& visit, const std::string& visit_id = "",
                                        const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    v1::CreateVisitRequest request;
    *request.mutable_visit() = visit;
    request.set_visit_id(visit_id);
    return connection_->CreateVisit(request);
  }
  // As above, with every field of the request. The connection gives a
  // request without `request_id` a random one, so that retries cannot create
  // the record twice; set your own to make your own retries safe too.
  absl::StatusOr<v1::Visit> CreateVisit(const v1::CreateVisitRequest& request,
                                        const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->CreateVisit(request);
  }

  // Replaces the fields named in `update_paths` (every field set in `visit`
  // when empty) of the visit `visit.name()`, and returns it as stored. With
  // `visit.etag()` set and stale: ABORTED, and nothing is written.
  absl::StatusOr<v1::Visit> UpdateVisit(const v1::Visit& visit,
                                        const std::vector<std::string>& update_paths = {},
                                        const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    v1::UpdateVisitRequest request;
    *request.mutable_visit() = visit;
    internal::SetUpdatePaths(update_paths, request);
    return connection_->UpdateVisit(request);
  }
  // As above, with the update mask in the request.
  absl::StatusOr<v1::Visit> UpdateVisit(const v1::UpdateVisitRequest& request,
                                        const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->UpdateVisit(request);
  }

  // Deletes the visit called `name`; with an `etag`, only while it is current
  // (else ABORTED). NOT_FOUND when absent.
  absl::Status DeleteVisit(const std::string& name, const std::string& etag = "",
                           const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->DeleteVisit(internal::DeleteRequest<v1::DeleteVisitRequest>(name, etag));
  }

 private:
  std::shared_ptr<VisitConnection> connection_;
};

}  // namespace bilateral
