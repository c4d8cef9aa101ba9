#include "retry.h"

#include <algorithm>
#include <cmath>

#include "absl/random/random.h"

namespace bilateral::internal {
namespace {

absl::Duration NotNegative(absl::Duration duration) {
  return std::max(duration, absl::ZeroDuration());
}

// A uniform draw from [0, cap].
absl::Duration FullJitter(absl::Duration cap) {
  if (cap <= absl::ZeroDuration()) return absl::ZeroDuration();
  // One generator per thread: absl::BitGen is not safe to share.
  thread_local absl::BitGen generator;
  return absl::Nanoseconds(
      absl::Uniform<int64_t>(absl::IntervalClosed, generator, 0, absl::ToInt64Nanoseconds(cap)));
}

}  // namespace

bool IsRetryable(Idempotency idempotency, absl::StatusCode code) {
  // The server refused the call without doing it.
  const bool refused =
      code == absl::StatusCode::kUnavailable || code == absl::StatusCode::kResourceExhausted;
  // The SDK never cancels its own calls, so CANCELLED comes from the other
  // side: a server cancels the calls that reach it once its shutdown has
  // begun, as a balancer still sending to a draining replica finds.
  const bool cancelled_by_server = code == absl::StatusCode::kCancelled;
  switch (idempotency) {
    case Idempotency::kRead:
      return refused || cancelled_by_server || code == absl::StatusCode::kDeadlineExceeded;
    case Idempotency::kCreate:
      // A repeated request_id answers with the first result, so a create
      // the server cancelled, applied or not, is safe to send again.
      return refused || cancelled_by_server;
    case Idempotency::kIdempotentWrite:
      // A write past its deadline or cancelled may still be applied; with an
      // etag, a second attempt would then fail, so only clear refusals are
      // retried.
      return refused;
    case Idempotency::kNonIdempotent:
      return false;
  }
  return false;
}

absl::Duration BackoffCap(const RetryOptions& options, int retry) {
  const absl::Duration initial = NotNegative(options.initial_backoff);
  const absl::Duration max = NotNegative(options.max_backoff);
  const double multiplier = std::max(1.0, options.backoff_multiplier);
  // Grows until it passes the cap; the loop stops long before overflow.
  absl::Duration cap = initial;
  for (int i = 0; i < retry && cap < max; ++i) cap = cap * multiplier;
  return std::min(cap, max);
}

RetryState::RetryState(const RetryOptions& options, Idempotency idempotency)
    : options_(options), idempotency_(idempotency), start_(absl::Now()) {}

bool RetryState::WaitBeforeRetry(const absl::Status& status) {
  if (attempts_ >= options_.max_attempts) return false;
  if (!IsRetryable(idempotency_, status.code())) return false;
  const absl::Duration wait = FullJitter(BackoffCap(options_, attempts_ - 1));
  if (absl::Now() + wait - start_ >= NotNegative(options_.budget)) return false;
  absl::SleepFor(wait);
  ++attempts_;
  return true;
}

}  // namespace bilateral::internal
