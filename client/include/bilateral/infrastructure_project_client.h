// Infrastructure projects: what two countries build or run together. The client
// that applications use, and the connection it calls.
//
//   bilateral::InfrastructureProjectClient client(
//       bilateral::MakeInfrastructureProjectConnection(bilateral::ClientOptions{}));
//   auto project = client.GetInfrastructureProject("infrastructureProjects/zhanatas-wind-farm");
//   if (!project.ok()) std::cerr << project.status() << "\n";
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
#include "bilateral/v1/infrastructure.pb.h"

namespace bilateral {

// The calls an InfrastructureProjectClient makes, one per RPC of
// v1::InfrastructureProjectService and with its meaning.
// MakeInfrastructureProjectConnection implements it over gRPC, with the retries
// that RetryOptions (bilateral/options.h) describes and the CallOptions of the
// client call that invokes it (internal::CurrentCallOptions()); tests of code
// that uses InfrastructureProjectClient give it a
// MockInfrastructureProjectConnection
// (bilateral/mocks/mock_infrastructure_project_connection.h) instead.
class InfrastructureProjectConnection {
 public:
  virtual ~InfrastructureProjectConnection() = default;
  virtual absl::StatusOr<v1::InfrastructureProject> GetInfrastructureProject(
      const v1::GetInfrastructureProjectRequest& request) = 0;
  // Fetches pages lazily; `request.page_token` is the starting point.
  virtual PaginatedRange<v1::InfrastructureProject> ListInfrastructureProjects(
      v1::ListInfrastructureProjectsRequest request) = 0;
  virtual absl::StatusOr<v1::BatchGetInfrastructureProjectsResponse> BatchGetInfrastructureProjects(
      const v1::BatchGetInfrastructureProjectsRequest& request) = 0;
  virtual absl::StatusOr<v1::InfrastructureProject> CreateInfrastructureProject(
      const v1::CreateInfrastructureProjectRequest& request) = 0;
  virtual absl::StatusOr<v1::InfrastructureProject> UpdateInfrastructureProject(
      const v1::UpdateInfrastructureProjectRequest& request) = 0;
  virtual absl::Status DeleteInfrastructureProject(
      const v1::DeleteInfrastructureProjectRequest& request) = 0;
};

// A connection over a new channel made with MakeChannel(options). When that
// fails, every call of the connection returns its error.
std::shared_ptr<InfrastructureProjectConnection> MakeInfrastructureProjectConnection(
    const ClientOptions& options);
// A connection over `channel` (from MakeChannel), shared with other
// connections; of `options`, the endpoint and TLS settings do not apply.
std::shared_ptr<InfrastructureProjectConnection> MakeInfrastructureProjectConnection(
    std::shared_ptr<grpc::Channel> channel, const ClientOptions& options = {});

// Reads and writes infrastructure projects. Cheap to copy; copies share the
// connection. Every method returns the server's error as a status: use
// FieldViolations() and ErrorReason() from bilateral/status.h for its details.
// Each method takes an optional CallOptions last (bilateral/options.h); calls
// that are safe to repeat are retried as its RetryOptions say.
class InfrastructureProjectClient {
 public:
  explicit InfrastructureProjectClient(std::shared_ptr<InfrastructureProjectConnection> connection)
      : connection_(std::move(connection)) {}

  // The infrastructure project called `name` ("infrastructureProjects/{id}");
  // NOT_FOUND when absent.
  absl::StatusOr<v1::InfrastructureProject> GetInfrastructureProject(
      const std::string& name, const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->GetInfrastructureProject(
        internal::NameRequest<v1::GetInfrastructureProjectRequest>(name));
  }

  // Every infrastructure project matching `filter` (AIP-160, over the fields
  // that v1::ListInfrastructureProjectsRequest lists), in `order_by` order,
  // page by page.
  PaginatedRange<v1::InfrastructureProject> ListInfrastructureProjects(
      const std::string& filter = "", const std::string& order_by = "",
      const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->ListInfrastructureProjects(
        internal::ListRequest<v1::ListInfrastructureProjectsRequest>(filter, order_by));
  }
  // As above, with every field of the request, e.g. `page_size`.
  PaginatedRange<v1::InfrastructureProject> ListInfrastructureProjects(
      v1::ListInfrastructureProjectsRequest request, const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->ListInfrastructureProjects(std::move(request));
  }

  // The infrastructure projects called `names` (at most 100), in that order,
  // from one consistent read; NOT_FOUND naming the first that does not exist.
  absl::StatusOr<std::vector<v1::InfrastructureProject>> BatchGetInfrastructureProjects(
      const std::vector<std::string>& names, const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    auto request = internal::BatchGetRequest<v1::BatchGetInfrastructureProjectsRequest>(names);
    return internal::TakeRecords(
        connection_->BatchGetInfrastructureProjects(request),
        &v1::BatchGetInfrastructureProjectsResponse::mutable_infrastructure_projects);
  }

  // Stores `infrastructure_project` as
  // "infrastructureProjects/{infrastructure_project_id}" (generated when empty)
  // and returns it as stored; ALREADY_EXISTS when the id is taken.
  absl::StatusOr<v1::InfrastructureProject> CreateInfrastructureProject(
      const v1::InfrastructureProject& infrastructure_project,
      const std::string& infrastructure_project_id = "", const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    v1::CreateInfrastructureProjectRequest request;
    *request.mutable_infrastructure_project() = infrastructure_project;
    request.set_infrastructure_project_id(infrastructure_project_id);
    return connection_->CreateInfrastructureProject(request);
  }
  // As above, with every field of the request. The connection gives a
  // request without `request_id` a random one, so that retries cannot create
  // the record twice; set your own to make your own retries safe too.
  absl::StatusOr<v1::InfrastructureProject> CreateInfrastructureProject(
      const v1::CreateInfrastructureProjectRequest& request, const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->CreateInfrastructureProject(request);
  }

  // Replaces the fields named in `update_paths` (every field set in
  // `infrastructure_project` when empty) of the infrastructure project
  // `infrastructure_project.name()`, and returns it as stored. With
  // `infrastructure_project.etag()` set and stale: ABORTED, and nothing is
  // written.
  absl::StatusOr<v1::InfrastructureProject> UpdateInfrastructureProject(
      const v1::InfrastructureProject& infrastructure_project,
      const std::vector<std::string>& update_paths = {}, const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    v1::UpdateInfrastructureProjectRequest request;
    *request.mutable_infrastructure_project() = infrastructure_project;
    internal::SetUpdatePaths(update_paths, request);
    return connection_->UpdateInfrastructureProject(request);
  }
  // As above, with the update mask in the request.
  absl::StatusOr<v1::InfrastructureProject> UpdateInfrastructureProject(
      const v1::UpdateInfrastructureProjectRequest& request, const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->UpdateInfrastructureProject(request);
  }

  // Deletes the infrastructure project called `name`; with an `etag`, only
  // while it is current (else ABORTED). NOT_FOUND when absent.
  absl::Status DeleteInfrastructureProject(const std::string& name, const std::string& etag = "",
                                           const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->DeleteInfrastructureProject(
        internal::DeleteRequest<v1::DeleteInfrastructureProjectRequest>(name, etag));
  }

 private:
  std::shared_ptr<InfrastructureProjectConnection> connection_;
};

}  // namespace bilateral
