// Sources: the documents that citations point at. The client that applications
// use, and the connection it calls.
//
//   bilateral::SourceClient client(
//       bilateral::MakeSourceConnection(bilateral::ClientOptions{}));
//   auto source = client.GetSource("sources/xi-kazakhstan-sco-2024");
//   if (!source.ok()) std::cerr << source.status() << "\n";
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
#include "bilateral/v1/source.pb.h"

namespace bilateral {

// The calls a SourceClient makes, one per RPC of v1::SourceService and with its
// meaning. MakeSourceConnection implements it over gRPC, with the retries that
// RetryOptions (bilateral/options.h) describes and the CallOptions of the
// client call that invokes it (internal::CurrentCallOptions()); tests of code
// that uses SourceClient give it a MockSourceConnection
// (bilateral/mocks/mock_source_connection.h) instead.
class SourceConnection {
 public:
  virtual ~SourceConnection() = default;
  virtual absl::StatusOr<v1::Source> GetSource(const v1::GetSourceRequest& request) = 0;
  // Fetches pages lazily; `request.page_token` is the starting point.
  virtual PaginatedRange<v1::Source> ListSources(v1::ListSourcesRequest request) = 0;
  virtual absl::StatusOr<v1::BatchGetSourcesResponse> BatchGetSources(
      const v1::BatchGetSourcesRequest& request) = 0;
  virtual absl::StatusOr<v1::Source> CreateSource(const v1::CreateSourceRequest& request) = 0;
  virtual absl::StatusOr<v1::Source> UpdateSource(const v1::UpdateSourceRequest& request) = 0;
  virtual absl::Status DeleteSource(const v1::DeleteSourceRequest& request) = 0;
};

// A connection over a new channel made with MakeChannel(options). When that
// fails, every call of the connection returns its error.
std::shared_ptr<SourceConnection> MakeSourceConnection(const ClientOptions& options);
// A connection over `channel` (from MakeChannel), shared with other
// connections; of `options`, the endpoint and TLS settings do not apply.
std::shared_ptr<SourceConnection> MakeSourceConnection(std::shared_ptr<grpc::Channel> channel,
                                                       const ClientOptions& options = {});

// Reads and writes sources. Cheap to copy; copies share the connection. Every
// method returns the server's error as a status: use FieldViolations() and
// ErrorReason() from bilateral/status.h for its details. Each method takes an
// optional CallOptions last (bilateral/options.h); calls that are safe to
// repeat are retried as its RetryOptions say.
class SourceClient {
 public:
  explicit SourceClient(std::shared_ptr<SourceConnection> connection)
      : connection_(std::move(connection)) {}

  // The source called `name` ("sources/{id}"); NOT_FOUND when absent.
  absl::StatusOr<v1::Source> GetSource(const std::string& name,
                                       const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->GetSource(internal::NameRequest<v1::GetSourceRequest>(name));
  }

  // Every source matching `filter` (AIP-160, over the fields that
  // v1::ListSourcesRequest lists), in `order_by` order, page by page.
  PaginatedRange<v1::Source> ListSources(const std::string& filter = "",
                                         const std::string& order_by = "",
                                         const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->ListSources(
        internal::ListRequest<v1::ListSourcesRequest>(filter, order_by));
  }
  // As above, with every field of the request, e.g. `page_size`.
  PaginatedRange<v1::Source> ListSources(v1::ListSourcesRequest request,
                                         const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->ListSources(std::move(request));
  }

  // The sources called `names` (at most 100), in that order, from one
  // consistent read; NOT_FOUND naming the first that does not exist.
  absl::StatusOr<std::vector<v1::Source>> BatchGetSources(const std::vector<std::string>& names,
                                                          const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    auto request = internal::BatchGetRequest<v1::BatchGetSourcesRequest>(names);
    return internal::TakeRecords(connection_->BatchGetSources(request),
                                 &v1::BatchGetSourcesResponse::mutable_sources);
  }

  // Stores `source` as "sources/{source_id}" (generated when empty) and returns
  // it as stored; ALREADY_EXISTS when the id is taken.
  absl::StatusOr<v1::Source> CreateSource(const v1::Source& source,
                                          const std::string& source_id = "",
                                          const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    v1::CreateSourceRequest request;
    *request.mutable_source() = source;
    request.set_source_id(source_id);
    return connection_->CreateSource(request);
  }
  // As above, with every field of the request. The connection gives a
  // request without `request_id` a random one, so that retries cannot create
  // the record twice; set your own to make your own retries safe too.
  absl::StatusOr<v1::Source> CreateSource(const v1::CreateSourceRequest& request,
                                          const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->CreateSource(request);
  }

  // Replaces the fields named in `update_paths` (every field set in `source`
  // when empty) of the source `source.name()`, and returns it as stored. With
  // `source.etag()` set and stale: ABORTED, and nothing is written.
  absl::StatusOr<v1::Source> UpdateSource(const v1::Source& source,
                                          const std::vector<std::string>& update_paths = {},
                                          const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    v1::UpdateSourceRequest request;
    *request.mutable_source() = source;
    internal::SetUpdatePaths(update_paths, request);
    return connection_->UpdateSource(request);
  }
  // As above, with the update mask in the request.
  absl::StatusOr<v1::Source> UpdateSource(const v1::UpdateSourceRequest& request,
                                          const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->UpdateSource(request);
  }

  // Deletes the source called `name`; with an `etag`, only while it is current
  // (else ABORTED). NOT_FOUND when absent. A source that records still cite
  // cannot be deleted.
  absl::Status DeleteSource(const std::string& name, const std::string& etag = "",
                            const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->DeleteSource(internal::DeleteRequest<v1::DeleteSourceRequest>(name, etag));
  }

 private:
  std::shared_ptr<SourceConnection> connection_;
};

}  // namespace bilateral
