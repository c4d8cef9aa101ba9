#include "retry.h"

#include <algorithm>
#include <cstdint>

#include "absl/random/random.h"
#include "absl/time/clock.h"
#include "settings.h"

namespace bilateral {
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
    case Idempotency::kKeyedWrite:
      // A repeated request_id answers with the first result, so a create
      // the server cancelled, applied or not, is safe to send again.
      return refused || cancelled_by_server;
    case Idempotency::kConditionalWrite:
      // A write past its deadline or cancelled may still be applied; with an
      // etag, a second attempt would then fail, so only clear refusals are
      // retried.
      return refused;
    case Idempotency::kNonIdempotent:
      return false;
  }
  return false;
}

bool LimitedRetryPolicy::OnFailure(const absl::Status& status, Idempotency idempotency,
                                   absl::Duration delay) {
  if (failures_ >= max_failures_) return false;
  if (!IsRetryable(idempotency, status.code())) return false;
  if (absl::Now() + delay - start_ >= NotNegative(max_duration_)) return false;
  ++failures_;
  return true;
}

absl::Duration ExponentialBackoffPolicy::Cap(int retry) const {
  const absl::Duration initial = NotNegative(initial_);
  const absl::Duration max = NotNegative(maximum_);
  const double multiplier = std::max(1.0, multiplier_);
  // Grows until it passes the cap; the loop stops long before overflow.
  absl::Duration cap = initial;
  for (int i = 0; i < retry && cap < max; ++i) cap = cap * multiplier;
  return std::min(cap, max);
}

absl::Duration ExponentialBackoffPolicy::OnCompletion() { return FullJitter(Cap(retries_++)); }

namespace internal {

Retrier::Retrier(const Options& options, Idempotency idempotency)
    : retry_(RetryPolicyOf(options).clone()),
      backoff_(BackoffPolicyOf(options).clone()),
      idempotency_(idempotency) {}

bool Retrier::WaitBeforeRetry(const absl::Status& status) {
  const absl::Duration delay = backoff_->OnCompletion();
  if (!retry_->OnFailure(status, idempotency_, delay)) return false;
  absl::SleepFor(delay);
  return true;
}

}  // namespace internal
}  // namespace bilateral
