// Visits: the client that applications use, and the connection it calls.
//
//   auto client = bilateral::VisitClient(
//       bilateral::MakeVisitConnection(bilateral::ClientOptions{}));
//   auto visit = client.GetVisit("visits/xi-jinping-kz-2024");
//   if (!visit.ok()) std::cerr << visit.status() << "\n";
#pragma once

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "bilateral/options.h"
#include "bilateral/pagination.h"
#include "bilateral/v1/visit.pb.h"

namespace bilateral {

// The calls a VisitClient makes. Implemented over gRPC by
// MakeVisitConnection; tests of code that uses VisitClient can implement it
// themselves to run without a server.
class VisitConnection {
 public:
  virtual ~VisitConnection() = default;
  virtual absl::StatusOr<v1::Visit> GetVisit(const v1::GetVisitRequest& request) = 0;
  // Fetches pages lazily; `request.page_token` is the starting point.
  virtual PaginatedRange<v1::Visit> ListVisits(v1::ListVisitsRequest request) = 0;
  virtual absl::StatusOr<v1::Visit> CreateVisit(const v1::CreateVisitRequest& request) = 0;
  virtual absl::StatusOr<v1::Visit> UpdateVisit(const v1::UpdateVisitRequest& request) = 0;
  virtual absl::Status DeleteVisit(const v1::DeleteVisitRequest& request) = 0;
};

// A connection over a new gRPC channel to `options.endpoint`.
std::shared_ptr<VisitConnection> MakeVisitConnection(const ClientOptions& options);

// Reads and writes visits. Cheap to copy; copies share the connection.
// Every method returns the server's error as a status: use FieldViolations()
// and ErrorReason() from bilateral/status.h for its details.
class VisitClient {
 public:
  explicit VisitClient(std::shared_ptr<VisitConnection> connection)
      : connection_(std::move(connection)) {}

  // The visit called `name` ("visits/{id}"); NOT_FOUND when absent.
  absl::StatusOr<v1::Visit> GetVisit(const std::string& name) {
    v1::GetVisitRequest request;
    request.set_name(name);
    return connection_->GetVisit(request);
  }

  // Every visit matching `filter` (AIP-160), in `order_by` order.
  PaginatedRange<v1::Visit> ListVisits(const std::string& filter = "",
                                       const std::string& order_by = "") {
    v1::ListVisitsRequest request;
    request.set_filter(filter);
    request.set_order_by(order_by);
    return connection_->ListVisits(std::move(request));
  }
  PaginatedRange<v1::Visit> ListVisits(v1::ListVisitsRequest request) {
    return connection_->ListVisits(std::move(request));
  }

  // Stores `visit` as "visits/{visit_id}" (generated when empty) and returns
  // it as stored.
  absl::StatusOr<v1::Visit> CreateVisit(const v1::Visit& visit,
                                        const std::string& visit_id = "") {
    v1::CreateVisitRequest request;
    *request.mutable_visit() = visit;
    request.set_visit_id(visit_id);
    return connection_->CreateVisit(request);
  }
  absl::StatusOr<v1::Visit> CreateVisit(const v1::CreateVisitRequest& request) {
    return connection_->CreateVisit(request);
  }

  // Replaces the fields of `visit.name()` that `update_mask` names.
  absl::StatusOr<v1::Visit> UpdateVisit(const v1::UpdateVisitRequest& request) {
    return connection_->UpdateVisit(request);
  }

  // Deletes the visit, only while it has `etag` when one is given.
  absl::Status DeleteVisit(const std::string& name, const std::string& etag = "") {
    v1::DeleteVisitRequest request;
    request.set_name(name);
    request.set_etag(etag);
    return connection_->DeleteVisit(request);
  }

 private:
  std::shared_ptr<VisitConnection> connection_;
};

}  // namespace bilateral
