// Copying every record from one store to another, e.g. from the embedded
// store to PostgreSQL when a deployment outgrows one machine, or back.
#pragma once

#include <cstdint>

#include "absl/status/statusor.h"
#include "store/store.h"

namespace bilateral::server {

struct CopySummary {
  int64_t copied = 0;
};

// Copies every record of every type from `from` into `to`, which must hold
// none of them yet: names, payloads, etags and times are kept, so clients'
// etags stay valid. Sources go first, so citations find them. Country data
// is not copied (each store loads it at start); idempotency keys are not
// either (they only matter for retries in flight). FAILED_PRECONDITION when
// `to` already holds a record of the same name.
absl::StatusOr<CopySummary> CopyData(store::Store& from, store::Store& to);

}  // namespace bilateral::server
