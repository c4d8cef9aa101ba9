// Builders for the request shapes every resource's client shares; not part
// of the API (the clients' methods are).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace bilateral::internal {

// A Get request: the name alone.
template <typename Request>
Request NameRequest(const std::string& name) {
  Request request;
  request.set_name(name);
  return request;
}

// A Delete request: the name, and the etag it must still have ("" for any).
template <typename Request>
Request DeleteRequest(const std::string& name, const std::string& etag) {
  Request request;
  request.set_name(name);
  request.set_etag(etag);
  return request;
}

// A List request from its filter and ordering.
template <typename Request>
Request ListRequest(const std::string& filter, const std::string& order_by) {
  Request request;
  request.set_filter(filter);
  request.set_order_by(order_by);
  return request;
}

// A BatchGet request for `names`.
template <typename Request>
Request BatchGetRequest(const std::vector<std::string>& names) {
  Request request;
  request.mutable_names()->Add(names.begin(), names.end());
  return request;
}

// Sets the update mask of an Update request to `paths`; leaves it absent
// (every field set in the record) when `paths` is empty.
template <typename Request>
void SetUpdatePaths(const std::vector<std::string>& paths, Request& request) {
  if (paths.empty()) return;
  request.mutable_update_mask()->mutable_paths()->Add(paths.begin(), paths.end());
}

// The records of a BatchGet response, taken out of it, or its error.
template <typename T, typename Response>
absl::StatusOr<std::vector<T>> TakeRecords(
    absl::StatusOr<Response> response,
    google::protobuf::RepeatedPtrField<T>* (Response::*records)()) {
  if (!response.ok()) return response.status();
  auto& list = *((*response).*records)();
  return std::vector<T>(std::make_move_iterator(list.begin()), std::make_move_iterator(list.end()));
}

}  // namespace bilateral::internal
