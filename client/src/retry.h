// The retry loop every call of the gRPC connections runs in: which failures
// are retried (by the call's idempotency and the status code), capped
// exponential backoff with full jitter, and the attempt and time budgets of
// RetryOptions.
#pragma once

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bilateral/options.h"

namespace bilateral::internal {

// What repeating a call could do.
enum class Idempotency {
  kRead,             // nothing: Get, List, BatchGet
  kCreate,           // nothing twice: a Create, which always has a request_id
  kIdempotentWrite,  // nothing twice: an Update or Delete with an etag
  kNonIdempotent,    // anything: tried once
};

// An Update's or Delete's idempotency: idempotent when it carries `key` (its
// etag), since the server applies it at most once.
inline Idempotency WriteWithKey(const std::string& key) {
  return key.empty() ? Idempotency::kNonIdempotent : Idempotency::kIdempotentWrite;
}

// Whether a call of `idempotency` that failed with `code` may be tried again.
bool IsRetryable(Idempotency idempotency, absl::StatusCode code);

// The upper bound of the wait before retry `retry` (0 for the first retry):
// min(max_backoff, initial_backoff * backoff_multiplier^retry).
absl::Duration BackoffCap(const RetryOptions& options, int retry);

// The state of one call's retries.
class RetryState {
 public:
  // Starts the clock of the budget.
  RetryState(const RetryOptions& options, Idempotency idempotency);

  // Called after a failed attempt. When the call may be tried again, waits
  // the backoff and returns true; otherwise returns false at once.
  bool WaitBeforeRetry(const absl::Status& status);

 private:
  const RetryOptions options_;
  const Idempotency idempotency_;
  const absl::Time start_;
  int attempts_ = 1;
};

inline const absl::Status& StatusOf(const absl::Status& status) { return status; }
template <typename T>
const absl::Status& StatusOf(const absl::StatusOr<T>& result) {
  return result.status();
}

// Runs `attempt` (returning absl::Status or absl::StatusOr) until it
// succeeds or RetryState says to stop, and returns its last result.
template <typename Attempt>
auto RetryLoop(const RetryOptions& options, Idempotency idempotency, Attempt&& attempt)
    -> decltype(attempt()) {
  RetryState state(options, idempotency);
  while (true) {
    auto result = attempt();
    if (result.ok() || !state.WaitBeforeRetry(StatusOf(result))) return result;
  }
}

}  // namespace bilateral::internal
