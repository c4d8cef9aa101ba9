// Observations: bilateral statistics other than trade values. The client that
// applications use, and the connection it calls.
//
//   bilateral::ObservationClient client(
//       bilateral::MakeObservationConnection(bilateral::ClientOptions{}));
//   auto observation = client.GetObservation("observations/cross-border-trips-2023");
//   if (!observation.ok()) std::cerr << observation.status() << "\n";
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
#include "bilateral/v1/observation.pb.h"

namespace bilateral {

// The calls an ObservationClient makes, one per RPC of v1::ObservationService
// and with its meaning. MakeObservationConnection implements it over gRPC, with
// the retries that RetryOptions (bilateral/options.h) describes and the
// CallOptions of the client call that invokes it
// (internal::CurrentCallOptions()); tests of code that uses ObservationClient
// give it a MockObservationConnection
// (bilateral/mocks/mock_observation_connection.h) instead.
class ObservationConnection {
 public:
  virtual ~ObservationConnection() = default;
  virtual absl::StatusOr<v1::Observation> GetObservation(
      const v1::GetObservationRequest& request) = 0;
  // Fetches pages lazily; `request.page_token` is the starting point.
  virtual PaginatedRange<v1::Observation> ListObservations(v1::ListObservationsRequest request) = 0;
  virtual absl::StatusOr<v1::BatchGetObservationsResponse> BatchGetObservations(
      const v1::BatchGetObservationsRequest& request) = 0;
  virtual absl::StatusOr<v1::Observation> CreateObservation(
      const v1::CreateObservationRequest& request) = 0;
  virtual absl::StatusOr<v1::Observation> UpdateObservation(
      const v1::UpdateObservationRequest& request) = 0;
  virtual absl::Status DeleteObservation(const v1::DeleteObservationRequest& request) = 0;
};

// A connection over a new channel made with MakeChannel(options). When that
// fails, every call of the connection returns its error.
std::shared_ptr<ObservationConnection> MakeObservationConnection(const ClientOptions& options);
// A connection over `channel` (from MakeChannel), shared with other
// connections; of `options`, the endpoint and TLS settings do not apply.
std::shared_ptr<ObservationConnection> MakeObservationConnection(
    std::shared_ptr<grpc::Channel> channel, const ClientOptions& options = {});

// Reads and writes observations. Cheap to copy; copies share the connection.
// Every method returns the server's error as a status: use FieldViolations()
// and ErrorReason() from bilateral/status.h for its details. Each method takes
// an optional CallOptions last (bilateral/options.h); calls that are safe to
// repeat are retried as its RetryOptions say.
class ObservationClient {
 public:
  explicit ObservationClient(std::shared_ptr<ObservationConnection> connection)
      : connection_(std::move(connection)) {}

  // The observation called `name` ("observations/{id}"); NOT_FOUND when absent.
  absl::StatusOr<v1::Observation> GetObservation(const std::string& name,
                                                 const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->GetObservation(internal::NameRequest<v1::GetObservationRequest>(name));
  }

  // Every observation matching `filter` (AIP-160, over the fields that
  // v1::ListObservationsRequest lists), in `order_by` order, page by page.
  PaginatedRange<v1::Observation> ListObservations(const std::string& filter = "",
                                                   const std::string& order_by = "",
                                                   const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->ListObservations(
        internal::ListRequest<v1::ListObservationsRequest>(filter, order_by));
  }
  // As above, with every field of the request, e.g. `page_size`.
  PaginatedRange<v1::Observation> ListObservations(v1::ListObservationsRequest request,
                                                   const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->ListObservations(std::move(request));
  }

  // The observations called `names` (at most 100), in that order, from one
  // consistent read; NOT_FOUND naming the first that does not exist.
  absl::StatusOr<std::vector<v1::Observation>> BatchGetObservations(
      const std::vector<std::string>& names, const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    auto request = internal::BatchGetRequest<v1::BatchGetObservationsRequest>(names);
    return internal::TakeRecords(connection_->BatchGetObservations(request),
                                 &v1::BatchGetObservationsResponse::mutable_observations);
  }

  // Stores `observation` as "observations/{observation_id}" (generated when
  // empty) and returns it as stored; ALREADY_EXISTS when the id is taken.
  absl::StatusOr<v1::Observation> CreateObservation(const v1::Observation& observation,
                                                    const std::string& observation_id = "",
                                                    const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    v1::CreateObservationRequest request;
    *request.mutable_observation() = observation;
    request.set_observation_id(observation_id);
    return connection_->CreateObservation(request);
  }
  // As above, with every field of the request. The connection gives a
  // request without `request_id` a random one, so that retries cannot create
  // the record twice; set your own to make your own retries safe too.
  absl::StatusOr<v1::Observation> CreateObservation(const v1::CreateObservationRequest& request,
                                                    const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->CreateObservation(request);
  }

  // Replaces the fields named in `update_paths` (every field set in
  // `observation` when empty) of the observation `observation.name()`, and
  // returns it as stored. With `observation.etag()` set and stale: ABORTED, and
  // nothing is written.
  absl::StatusOr<v1::Observation> UpdateObservation(
      const v1::Observation& observation, const std::vector<std::string>& update_paths = {},
      const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    v1::UpdateObservationRequest request;
    *request.mutable_observation() = observation;
    internal::SetUpdatePaths(update_paths, request);
    return connection_->UpdateObservation(request);
  }
  // As above, with the update mask in the request.
  absl::StatusOr<v1::Observation> UpdateObservation(const v1::UpdateObservationRequest& request,
                                                    const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->UpdateObservation(request);
  }

  // Deletes the observation called `name`; with an `etag`, only while it is
  // current (else ABORTED). NOT_FOUND when absent.
  absl::Status DeleteObservation(const std::string& name, const std::string& etag = "",
                                 const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->DeleteObservation(
        internal::DeleteRequest<v1::DeleteObservationRequest>(name, etag));
  }

 private:
  std::shared_ptr<ObservationConnection> connection_;
};

}  // namespace bilateral
