// Error details of a failed call. Every error the service returns carries
// its canonical code and message in the absl::Status, and its google.rpc
// details (AIP-193) as payloads, decoded by these functions.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace bilateral {

// One problem with one field of a request.
struct FieldViolation {
  std::string field;        // path in the request, e.g. "visit.start_date.year"
  std::string description;  // what is wrong, in English
};

// Every field violation the server listed (google.rpc.BadRequest); empty
// when the error is not about the request's fields.
std::vector<FieldViolation> FieldViolations(const absl::Status& status);

// The machine-readable reason (google.rpc.ErrorInfo.reason), e.g.
// "FIELD_VIOLATION" or "ETAG_MISMATCH"; empty when none was sent.
std::string ErrorReason(const absl::Status& status);

}  // namespace bilateral
