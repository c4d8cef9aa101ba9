// Findings: where a figure a source states is not confirmed, or is
// contradicted, by the records stored. Read-only: the server opens and closes
// them as records change. The client that applications use, and the
// connection it calls.
//
//   bilateral::FindingClient client(
//       bilateral::MakeFindingConnection(bilateral::ClientOptions{}));
//   for (auto& finding : client.ListFindings("state = OPEN")) {
//     if (!finding.ok()) { std::cerr << finding.status() << "\n"; break; }
//     std::cout << finding->name() << ": " << finding->description() << "\n";
//   }
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "bilateral/internal/call_options.h"
#include "bilateral/internal/requests.h"
#include "bilateral/options.h"
#include "bilateral/pagination.h"
#include "bilateral/v1/finding.pb.h"

namespace bilateral {

// The calls a FindingClient makes, one per RPC of v1::FindingService and with
// its meaning. MakeFindingConnection implements it over gRPC, with the retries
// that RetryOptions (bilateral/options.h) describes and the CallOptions of the
// client call that invokes it (internal::CurrentCallOptions()); tests of code
// that uses FindingClient give it a MockFindingConnection
// (bilateral/mocks/mock_finding_connection.h) instead.
class FindingConnection {
 public:
  virtual ~FindingConnection() = default;
  virtual absl::StatusOr<v1::Finding> GetFinding(const v1::GetFindingRequest& request) = 0;
  // Fetches pages lazily; `request.page_token` is the starting point.
  virtual PaginatedRange<v1::Finding> ListFindings(v1::ListFindingsRequest request) = 0;
};

// A connection over a new channel made with MakeChannel(options). When that
// fails, every call of the connection returns its error.
std::shared_ptr<FindingConnection> MakeFindingConnection(const ClientOptions& options);
// A connection over `channel` (from MakeChannel), shared with other
// connections; of `options`, the endpoint and TLS settings do not apply.
std::shared_ptr<FindingConnection> MakeFindingConnection(std::shared_ptr<grpc::Channel> channel,
                                                         const ClientOptions& options = {});

// Reads findings. Cheap to copy; copies share the connection. Every method
// returns the server's error as a status: use FieldViolations() and
// ErrorReason() from bilateral/status.h for its details. Each method takes an
// optional CallOptions last (bilateral/options.h); every call is a read, and
// is retried as its RetryOptions say.
class FindingClient {
 public:
  explicit FindingClient(std::shared_ptr<FindingConnection> connection)
      : connection_(std::move(connection)) {}

  // The finding called `name` ("findings/{finding}"), open or closed.
  // NOT_FOUND when there is none of that name; INVALID_ARGUMENT for a name
  // of another form.
  absl::StatusOr<v1::Finding> GetFinding(const std::string& name,
                                         const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->GetFinding(internal::NameRequest<v1::GetFindingRequest>(name));
  }

  // Every finding matching `filter` (AIP-160, over the fields that
  // v1::ListFindingsRequest lists, e.g. "state = OPEN"), open and closed
  // alike unless the filter says, in `order_by` order (by default the order
  // they were first raised).
  PaginatedRange<v1::Finding> ListFindings(const std::string& filter = "",
                                           const std::string& order_by = "",
                                           const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->ListFindings(
        internal::ListRequest<v1::ListFindingsRequest>(filter, order_by));
  }
  // As above, with every field of the request, e.g. `page_size`.
  PaginatedRange<v1::Finding> ListFindings(v1::ListFindingsRequest request,
                                           const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->ListFindings(std::move(request));
  }

 private:
  std::shared_ptr<FindingConnection> connection_;
};

}  // namespace bilateral
