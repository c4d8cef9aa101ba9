// Sources: the documents that citations point at.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "bilateral/options.h"
#include "bilateral/pagination.h"
#include "bilateral/v1/source.pb.h"

namespace bilateral {

// The calls a SourceClient makes; see VisitConnection.
class SourceConnection {
 public:
  virtual ~SourceConnection() = default;
  virtual absl::StatusOr<v1::Source> GetSource(const v1::GetSourceRequest& request) = 0;
  virtual PaginatedRange<v1::Source> ListSources(v1::ListSourcesRequest request) = 0;
  virtual absl::StatusOr<v1::Source> CreateSource(const v1::CreateSourceRequest& request) = 0;
};

// A connection over a new gRPC channel to `options.endpoint`.
std::shared_ptr<SourceConnection> MakeSourceConnection(const ClientOptions& options);

// Reads and creates sources. Cheap to copy; copies share the connection.
class SourceClient {
 public:
  explicit SourceClient(std::shared_ptr<SourceConnection> connection)
      : connection_(std::move(connection)) {}

  // The source called `name` ("sources/{id}"); NOT_FOUND when absent.
  absl::StatusOr<v1::Source> GetSource(const std::string& name) {
    v1::GetSourceRequest request;
    request.set_name(name);
    return connection_->GetSource(request);
  }

  // Every source matching `filter` (AIP-160), in `order_by` order.
  PaginatedRange<v1::Source> ListSources(const std::string& filter = "",
                                         const std::string& order_by = "") {
    v1::ListSourcesRequest request;
    request.set_filter(filter);
    request.set_order_by(order_by);
    return connection_->ListSources(std::move(request));
  }
  PaginatedRange<v1::Source> ListSources(v1::ListSourcesRequest request) {
    return connection_->ListSources(std::move(request));
  }

  // Stores `source` as "sources/{source_id}" (generated when empty).
  absl::StatusOr<v1::Source> CreateSource(const v1::Source& source,
                                          const std::string& source_id = "") {
    v1::CreateSourceRequest request;
    *request.mutable_source() = source;
    request.set_source_id(source_id);
    return connection_->CreateSource(request);
  }
  absl::StatusOr<v1::Source> CreateSource(const v1::CreateSourceRequest& request) {
    return connection_->CreateSource(request);
  }

 private:
  std::shared_ptr<SourceConnection> connection_;
};

}  // namespace bilateral
