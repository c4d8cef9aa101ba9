// Partnerships: the formal level of a relationship and its milestones. The
// client that applications use, and the connection it calls.
//
//   bilateral::PartnershipClient client(
//       bilateral::MakePartnershipConnection(bilateral::ClientOptions{}));
//   auto partnership = client.GetPartnership("partnerships/china-kazakhstan");
//   if (!partnership.ok()) std::cerr << partnership.status() << "\n";
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
#include "bilateral/v1/partnership.pb.h"

namespace bilateral {

// The calls a PartnershipClient makes, one per RPC of v1::PartnershipService
// and with its meaning. MakePartnershipConnection implements it over gRPC, with
// the retries that RetryOptions (bilateral/options.h) describes and the
// CallOptions of the client call that invokes it
// (internal::CurrentCallOptions()); tests of code that uses PartnershipClient
// give it a MockPartnershipConnection
// (bilateral/mocks/mock_partnership_connection.h) instead.
class PartnershipConnection {
 public:
  virtual ~PartnershipConnection() = default;
  virtual absl::StatusOr<v1::Partnership> GetPartnership(
      const v1::GetPartnershipRequest& request) = 0;
  // Fetches pages lazily; `request.page_token` is the starting point.
  virtual PaginatedRange<v1::Partnership> ListPartnerships(v1::ListPartnershipsRequest request) = 0;
  virtual absl::StatusOr<v1::BatchGetPartnershipsResponse> BatchGetPartnerships(
      const v1::BatchGetPartnershipsRequest& request) = 0;
  virtual absl::StatusOr<v1::Partnership> CreatePartnership(
      const v1::CreatePartnershipRequest& request) = 0;
  virtual absl::StatusOr<v1::Partnership> UpdatePartnership(
      const v1::UpdatePartnershipRequest& request) = 0;
  virtual absl::Status DeletePartnership(const v1::DeletePartnershipRequest& request) = 0;
};

// A connection over a new channel made with MakeChannel(options). When that
// fails, every call of the connection returns its error.
std::shared_ptr<PartnershipConnection> MakePartnershipConnection(const ClientOptions& options);
// A connection over `channel` (from MakeChannel), shared with other
// connections; of `options`, the endpoint and TLS settings do not apply.
std::shared_ptr<PartnershipConnection> MakePartnershipConnection(
    std::shared_ptr<grpc::Channel> channel, const ClientOptions& options = {});

// Reads and writes partnerships. Cheap to copy; copies share the connection.
// Every method returns the server's error as a status: use FieldViolations()
// and ErrorReason() from bilateral/status.h for its details. Each method takes
// an optional CallOptions last (bilateral/options.h); calls that are safe to
// repeat are retried as its RetryOptions say.
class PartnershipClient {
 public:
  explicit PartnershipClient(std::shared_ptr<PartnershipConnection> connection)
      : connection_(std::move(connection)) {}

  // The partnership called `name` ("partnerships/{id}"); NOT_FOUND when absent.
  absl::StatusOr<v1::Partnership> GetPartnership(const std::string& name,
                                                 const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->GetPartnership(internal::NameRequest<v1::GetPartnershipRequest>(name));
  }

  // Every partnership matching `filter` (AIP-160, over the fields that
  // v1::ListPartnershipsRequest lists), in `order_by` order, page by page.
  PaginatedRange<v1::Partnership> ListPartnerships(const std::string& filter = "",
                                                   const std::string& order_by = "",
                                                   const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->ListPartnerships(
        internal::ListRequest<v1::ListPartnershipsRequest>(filter, order_by));
  }
  // As above, with every field of the request, e.g. `page_size`.
  PaginatedRange<v1::Partnership> ListPartnerships(v1::ListPartnershipsRequest request,
                                                   const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->ListPartnerships(std::move(request));
  }

  // The partnerships called `names` (at most 100), in that order, from one
  // consistent read; NOT_FOUND naming the first that does not exist.
  absl::StatusOr<std::vector<v1::Partnership>> BatchGetPartnerships(
      const std::vector<std::string>& names, const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    auto request = internal::BatchGetRequest<v1::BatchGetPartnershipsRequest>(names);
    return internal::TakeRecords(connection_->BatchGetPartnerships(request),
                                 &v1::BatchGetPartnershipsResponse::mutable_partnerships);
  }

  // Stores `partnership` as "partnerships/{partnership_id}" (generated when
  // empty) and returns it as stored; ALREADY_EXISTS when the id is taken.
  absl::StatusOr<v1::Partnership> CreatePartnership(const v1::Partnership& partnership,
                                                    const std::string& partnership_id = "",
                                                    const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    v1::CreatePartnershipRequest request;
    *request.mutable_partnership() = partnership;
    request.set_partnership_id(partnership_id);
    return connection_->CreatePartnership(request);
  }
  // As above, with every field of the request. The connection gives a
  // request without `request_id` a random one, so that retries cannot create
  // the record twice; set your own to make your own retries safe too.
  absl::StatusOr<v1::Partnership> CreatePartnership(const v1::CreatePartnershipRequest& request,
                                                    const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->CreatePartnership(request);
  }

  // Replaces the fields named in `update_paths` (every field set in
  // `partnership` when empty) of the partnership `partnership.name()`, and
  // returns it as stored. With `partnership.etag()` set and stale: ABORTED, and
  // nothing is written.
  absl::StatusOr<v1::Partnership> UpdatePartnership(
      const v1::Partnership& partnership, const std::vector<std::string>& update_paths = {},
      const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    v1::UpdatePartnershipRequest request;
    *request.mutable_partnership() = partnership;
    internal::SetUpdatePaths(update_paths, request);
    return connection_->UpdatePartnership(request);
  }
  // As above, with the update mask in the request.
  absl::StatusOr<v1::Partnership> UpdatePartnership(const v1::UpdatePartnershipRequest& request,
                                                    const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->UpdatePartnership(request);
  }

  // Deletes the partnership called `name`; with an `etag`, only while it is
  // current (else ABORTED). NOT_FOUND when absent.
  absl::Status DeletePartnership(const std::string& name, const std::string& etag = "",
                                 const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->DeletePartnership(
        internal::DeleteRequest<v1::DeletePartnershipRequest>(name, etag));
  }

 private:
  std::shared_ptr<PartnershipConnection> connection_;
};

}  // namespace bilateral
