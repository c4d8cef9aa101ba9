// The retry loop every call of a connection runs in: the call's retry
// policy decides (by its idempotency and the status) whether a failed
// attempt is tried again, its backoff policy how long to wait first.
#pragma once

#include <memory>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bilateral/options.h"
#include "bilateral/retry_policy.h"

namespace bilateral::internal {

// The retries of one call: clones of the policies of `options` (the
// defaults where unset), made when the call starts.
class Retrier {
 public:
  Retrier(const Options& options, Idempotency idempotency);

  // Called after a failed attempt. When the call may be tried again, waits
  // the backoff and returns true; otherwise returns false at once.
  bool WaitBeforeRetry(const absl::Status& status);

 private:
  std::unique_ptr<RetryPolicy> retry_;
  std::unique_ptr<BackoffPolicy> backoff_;
  const Idempotency idempotency_;
};

inline const absl::Status& StatusOf(const absl::Status& status) { return status; }
template <typename T>
const absl::Status& StatusOf(const absl::StatusOr<T>& result) {
  return result.status();
}

// Runs `attempt` (returning absl::Status or absl::StatusOr) until it
// succeeds or the policies say to stop, and returns its last result.
template <typename Attempt>
auto RetryLoop(const Options& options, Idempotency idempotency, Attempt&& attempt)
    -> decltype(attempt()) {
  Retrier retrier(options, idempotency);
  while (true) {
    auto result = attempt();
    if (result.ok() || !retrier.WaitBeforeRetry(StatusOf(result))) return result;
  }
}

}  // namespace bilateral::internal
