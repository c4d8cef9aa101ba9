// Errors as values. Domain code returns absl::Status; the details a client
// needs (AIP-193: every field violation, a machine-readable reason) travel
// as status payloads holding google.rpc messages, which the gRPC edge turns
// into `grpc-status-details-bin`.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "bilateral/status.h"

namespace bilateral::domain {

inline constexpr absl::string_view kErrorDomain = "bilateral.v1";
inline constexpr absl::string_view kBadRequestUrl = "type.googleapis.com/google.rpc.BadRequest";
inline constexpr absl::string_view kErrorInfoUrl = "type.googleapis.com/google.rpc.ErrorInfo";

using FieldViolation = bilateral::FieldViolation;

// Collects the violations of one request.
class Violations {
 public:
  void Add(std::string field, std::string description) {
    list_.push_back({std::move(field), std::move(description)});
  }
  bool empty() const { return list_.empty(); }
  const std::vector<FieldViolation>& list() const { return list_; }

  // INVALID_ARGUMENT listing every violation, or OK when there is none.
  absl::Status ToStatus() const;

 private:
  std::vector<FieldViolation> list_;
};

// INVALID_ARGUMENT with one violation of `field`.
absl::Status InvalidField(absl::string_view field, absl::string_view description);

// Attaches an ErrorInfo with `reason` (UPPER_SNAKE_CASE) to `status`.
absl::Status WithReason(absl::Status status, absl::string_view reason);

// Decoding is the SDK's: the same payloads travel on both sides.
using bilateral::ErrorReason;
using bilateral::FieldViolations;

}  // namespace bilateral::domain
