// Which failed calls are tried again, and how long the SDK waits between
// attempts: the policies a connection takes as options (RetryPolicyOption,
// BackoffPolicyOption in bilateral/options.h), and the idempotency of a
// call that they decide by.
//
//   bilateral::Options options;
//   options.set<bilateral::RetryPolicyOption>(
//       std::make_shared<bilateral::LimitedErrorCountRetryPolicy>(2));
//   options.set<bilateral::BackoffPolicyOption>(
//       std::make_shared<bilateral::ExponentialBackoffPolicy>(
//           absl::Milliseconds(50), absl::Seconds(1), 2.0));
//
// A connection clones the policies it is given at the start of every call
// (and, for a stream that resumes, after every message), so one policy
// object may serve many calls and threads.
#pragma once

#include <limits>
#include <memory>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace bilateral {

// What repeating a call could do; each service's idempotency policy
// (generated, e.g. VisitIdempotencyPolicy) says it for each request.
enum class Idempotency {
  // Nothing: Get, a page of a List, BatchGet, a resumed stream.
  kRead,
  // Nothing twice: a write with an idempotency key (a Create's
  // `request_id`), whose repetition answers with the first result.
  kKeyedWrite,
  // At most once: a write applied only while its etag is current (an Update
  // or Delete with `etag`), whose repetition after it was applied fails
  // with ABORTED.
  kConditionalWrite,
  // Anything: tried once.
  kNonIdempotent,
};

// Whether a call of `idempotency` that failed with `code` may be tried
// again, by the rules of the SDK:
//   - kRead: UNAVAILABLE, RESOURCE_EXHAUSTED, DEADLINE_EXCEEDED, CANCELLED
//     (which the SDK never causes itself: a server shutting down cancels
//     calls that reach it late);
//   - kKeyedWrite: UNAVAILABLE, RESOURCE_EXHAUSTED, CANCELLED;
//   - kConditionalWrite: UNAVAILABLE, RESOURCE_EXHAUSTED (a write past its
//     deadline may have been applied);
//   - kNonIdempotent: never.
// The retry policies below decide by it; a policy of your own may too.
bool IsRetryable(Idempotency idempotency, absl::StatusCode code);

// Whether a failed call is tried again. Not thread-safe: each call works on
// its own clone.
class RetryPolicy {
 public:
  virtual ~RetryPolicy() = default;
  // A policy in its initial state, for one call; its clock (if it has one)
  // starts now.
  virtual std::unique_ptr<RetryPolicy> clone() const = 0;
  // Called after each failed attempt of a call of `idempotency`, with the
  // wait the backoff policy chose before the next attempt. True to try
  // again after that wait.
  virtual bool OnFailure(const absl::Status& status, Idempotency idempotency,
                         absl::Duration delay) = 0;
};

// Retries what IsRetryable allows, while at most `max_failures` failures
// have been retried (so at most max_failures + 1 attempts) and each retry
// would start less than `max_duration` after the call started (negative
// counts as zero). The default policy is LimitedRetryPolicy(4, 60 s).
class LimitedRetryPolicy : public RetryPolicy {
 public:
  LimitedRetryPolicy(int max_failures, absl::Duration max_duration)
      : max_failures_(max_failures), max_duration_(max_duration), start_(absl::Now()) {}

  std::unique_ptr<RetryPolicy> clone() const override {
    return std::make_unique<LimitedRetryPolicy>(max_failures_, max_duration_);
  }
  bool OnFailure(const absl::Status& status, Idempotency idempotency,
                 absl::Duration delay) override;

  int max_failures() const { return max_failures_; }
  absl::Duration max_duration() const { return max_duration_; }

 private:
  int max_failures_;
  absl::Duration max_duration_;
  absl::Time start_;
  int failures_ = 0;
};

// At most `max_failures` retries, however long they take.
class LimitedErrorCountRetryPolicy : public LimitedRetryPolicy {
 public:
  explicit LimitedErrorCountRetryPolicy(int max_failures)
      : LimitedRetryPolicy(max_failures, absl::InfiniteDuration()) {}
};

// Retries that start within `max_duration` of the call's start, however
// many.
class LimitedTimeRetryPolicy : public LimitedRetryPolicy {
 public:
  explicit LimitedTimeRetryPolicy(absl::Duration max_duration)
      : LimitedRetryPolicy(std::numeric_limits<int>::max(), max_duration) {}
};

// How long to wait before each retry of a call. Not thread-safe: each call
// works on its own clone.
class BackoffPolicy {
 public:
  virtual ~BackoffPolicy() = default;
  // A policy in its initial state, for one call.
  virtual std::unique_ptr<BackoffPolicy> clone() const = 0;
  // The wait before the next retry; called once per failed attempt.
  virtual absl::Duration OnCompletion() = 0;
};

// Capped exponential backoff with full jitter: the wait before retry n
// (n = 0, 1, ...) is drawn uniformly from
// [0, min(maximum, initial * multiplier^n)]. Negative durations count as
// zero, a multiplier below 1 as 1. The default policy is
// ExponentialBackoffPolicy(100 ms, 5 s, 2).
class ExponentialBackoffPolicy : public BackoffPolicy {
 public:
  ExponentialBackoffPolicy(absl::Duration initial, absl::Duration maximum, double multiplier)
      : initial_(initial), maximum_(maximum), multiplier_(multiplier) {}

  std::unique_ptr<BackoffPolicy> clone() const override {
    return std::make_unique<ExponentialBackoffPolicy>(initial_, maximum_, multiplier_);
  }
  absl::Duration OnCompletion() override;

  // The upper bound of the wait before retry `retry` (0 for the first).
  absl::Duration Cap(int retry) const;

 private:
  absl::Duration initial_;
  absl::Duration maximum_;
  double multiplier_;
  int retries_ = 0;
};

}  // namespace bilateral
