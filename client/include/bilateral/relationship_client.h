// Relationships: what is stored about a pair of countries, summarised as a
// dossier and laid out as a timeline. Read-only: the server derives both from
// the stored records on every call. The client that applications use, and
// the connection it calls.
//
//   bilateral::RelationshipClient client(
//       bilateral::MakeRelationshipConnection(bilateral::ClientOptions{}));
//   auto dossier = client.GetRelationship("relationships/CN-KZ");
//   for (auto& entry : client.ListTimeline("relationships/CN-KZ", "kind = VISIT")) {
//     if (!entry.ok()) { std::cerr << entry.status() << "\n"; break; }
//     std::cout << entry->record() << ": " << entry->summary() << "\n";
//   }
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "bilateral/internal/call_options.h"
#include "bilateral/internal/requests.h"
#include "bilateral/options.h"
#include "bilateral/pagination.h"
#include "bilateral/v1/relationship.pb.h"

namespace bilateral {

// The calls a RelationshipClient makes, one per RPC of
// v1::RelationshipService and with its meaning. MakeRelationshipConnection
// implements it over gRPC, with the retries that RetryOptions
// (bilateral/options.h) describes and the CallOptions of the client call that
// invokes it (internal::CurrentCallOptions()); tests of code that uses
// RelationshipClient give it a MockRelationshipConnection
// (bilateral/mocks/mock_relationship_connection.h) instead.
class RelationshipConnection {
 public:
  virtual ~RelationshipConnection() = default;
  virtual absl::StatusOr<v1::Relationship> GetRelationship(
      const v1::GetRelationshipRequest& request) = 0;
  // Fetches pages lazily; `request.page_token` is the starting point.
  virtual PaginatedRange<v1::TimelineEntry> ListTimeline(v1::ListTimelineRequest request) = 0;
};

// A connection over a new channel made with MakeChannel(options). When that
// fails, every call of the connection returns its error.
std::shared_ptr<RelationshipConnection> MakeRelationshipConnection(const ClientOptions& options);
// A connection over `channel` (from MakeChannel), shared with other
// connections; of `options`, the endpoint and TLS settings do not apply.
std::shared_ptr<RelationshipConnection> MakeRelationshipConnection(
    std::shared_ptr<grpc::Channel> channel, const ClientOptions& options = {});

// Reads relationships. Cheap to copy; copies share the connection. Every
// method returns the server's error as a status: use FieldViolations() and
// ErrorReason() from bilateral/status.h for its details. Each method takes an
// optional CallOptions last (bilateral/options.h); every call is a read, and
// is retried as its RetryOptions say.
class RelationshipClient {
 public:
  explicit RelationshipClient(std::shared_ptr<RelationshipConnection> connection)
      : connection_(std::move(connection)) {}

  // The dossier of the pair `name` ("relationships/{a}-{b}", the countries
  // in either order and as any code, e.g. "relationships/KZ-CN"); its name
  // is the canonical one ("relationships/CN-KZ"). Every pair of distinct
  // countries has one, empty when nothing is stored about it.
  // INVALID_ARGUMENT for a malformed name, an unknown code or the same
  // country twice.
  absl::StatusOr<v1::Relationship> GetRelationship(const std::string& name,
                                                   const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->GetRelationship(
        internal::NameRequest<v1::GetRelationshipRequest>(name));
  }

  // Every dated fact stored about the pair `parent` (named as in
  // GetRelationship) matching `filter` (over `kind` and `date`, as
  // v1::ListTimelineRequest says, e.g. "kind = VISIT AND date >= 2020"),
  // oldest first.
  PaginatedRange<v1::TimelineEntry> ListTimeline(const std::string& parent,
                                                 const std::string& filter = "",
                                                 const CallOptions& call_options = {}) {
    v1::ListTimelineRequest request;
    request.set_parent(parent);
    request.set_filter(filter);
    return ListTimeline(std::move(request), call_options);
  }
  // As above, with every field of the request, e.g. `page_size`.
  PaginatedRange<v1::TimelineEntry> ListTimeline(v1::ListTimelineRequest request,
                                                 const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->ListTimeline(std::move(request));
  }

 private:
  std::shared_ptr<RelationshipConnection> connection_;
};

}  // namespace bilateral
