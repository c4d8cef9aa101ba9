// The retry policy on its own: which failures are retried, the backoff's
// growth and cap, and the attempt and time budgets of the loop.
#include "retry.h"

#include "gtest/gtest.h"

namespace bilateral::internal {
namespace {

TEST(IsRetryableTest, ReadsRetryEveryTransientCode) {
  for (auto code : {absl::StatusCode::kUnavailable, absl::StatusCode::kResourceExhausted,
                    absl::StatusCode::kDeadlineExceeded, absl::StatusCode::kCancelled}) {
    EXPECT_TRUE(IsRetryable(Idempotency::kRead, code)) << code;
  }
  for (auto code : {absl::StatusCode::kInvalidArgument, absl::StatusCode::kNotFound,
                    absl::StatusCode::kAborted, absl::StatusCode::kInternal,
                    absl::StatusCode::kUnauthenticated, absl::StatusCode::kPermissionDenied,
                    absl::StatusCode::kFailedPrecondition}) {
    EXPECT_FALSE(IsRetryable(Idempotency::kRead, code)) << code;
  }
}

TEST(IsRetryableTest, CreatesRetryClearRefusalsAndCancellation) {
  EXPECT_TRUE(IsRetryable(Idempotency::kCreate, absl::StatusCode::kUnavailable));
  EXPECT_TRUE(IsRetryable(Idempotency::kCreate, absl::StatusCode::kResourceExhausted));
  EXPECT_TRUE(IsRetryable(Idempotency::kCreate, absl::StatusCode::kCancelled));
  EXPECT_FALSE(IsRetryable(Idempotency::kCreate, absl::StatusCode::kDeadlineExceeded));
  EXPECT_FALSE(IsRetryable(Idempotency::kCreate, absl::StatusCode::kInvalidArgument));
}

TEST(IsRetryableTest, KeyedWritesRetryOnlyClearRefusals) {
  EXPECT_TRUE(IsRetryable(Idempotency::kIdempotentWrite, absl::StatusCode::kUnavailable));
  EXPECT_TRUE(IsRetryable(Idempotency::kIdempotentWrite, absl::StatusCode::kResourceExhausted));
  EXPECT_FALSE(IsRetryable(Idempotency::kIdempotentWrite, absl::StatusCode::kDeadlineExceeded));
  EXPECT_FALSE(IsRetryable(Idempotency::kIdempotentWrite, absl::StatusCode::kAborted));
  EXPECT_FALSE(IsRetryable(Idempotency::kIdempotentWrite, absl::StatusCode::kCancelled));
}

TEST(IsRetryableTest, OtherWritesAreNeverRetried) {
  EXPECT_FALSE(IsRetryable(Idempotency::kNonIdempotent, absl::StatusCode::kUnavailable));
  EXPECT_FALSE(IsRetryable(Idempotency::kNonIdempotent, absl::StatusCode::kResourceExhausted));
  EXPECT_EQ(WriteWithKey(""), Idempotency::kNonIdempotent);
  EXPECT_EQ(WriteWithKey("etag-1"), Idempotency::kIdempotentWrite);
}

TEST(BackoffCapTest, GrowsExponentiallyUpToTheCap) {
  RetryOptions options;
  options.initial_backoff = absl::Milliseconds(100);
  options.backoff_multiplier = 2;
  options.max_backoff = absl::Seconds(1);
  EXPECT_EQ(BackoffCap(options, 0), absl::Milliseconds(100));
  EXPECT_EQ(BackoffCap(options, 1), absl::Milliseconds(200));
  EXPECT_EQ(BackoffCap(options, 3), absl::Milliseconds(800));
  EXPECT_EQ(BackoffCap(options, 4), absl::Seconds(1));
  EXPECT_EQ(BackoffCap(options, 1000), absl::Seconds(1));
}

TEST(BackoffCapTest, ClampsNonsense) {
  RetryOptions options;
  options.initial_backoff = absl::Milliseconds(-5);
  EXPECT_EQ(BackoffCap(options, 3), absl::ZeroDuration());
  options.initial_backoff = absl::Milliseconds(10);
  options.backoff_multiplier = 0.5;  // counts as 1: never shrinks
  EXPECT_EQ(BackoffCap(options, 5), absl::Milliseconds(10));
}

// No waiting, no time limit.
RetryOptions Immediate(int max_attempts) {
  RetryOptions options;
  options.max_attempts = max_attempts;
  options.initial_backoff = absl::ZeroDuration();
  options.budget = absl::InfiniteDuration();
  return options;
}

TEST(RetryLoopTest, StopsAtTheFirstSuccess) {
  int attempts = 0;
  absl::StatusOr<int> result = RetryLoop(Immediate(5), Idempotency::kRead, [&] {
    ++attempts;
    return attempts < 3 ? absl::StatusOr<int>(absl::UnavailableError("down"))
                        : absl::StatusOr<int>(7);
  });
  EXPECT_EQ(*result, 7);
  EXPECT_EQ(attempts, 3);
}

TEST(RetryLoopTest, ReturnsTheLastErrorWhenAttemptsRunOut) {
  int attempts = 0;
  absl::Status result = RetryLoop(Immediate(4), Idempotency::kRead, [&] {
    ++attempts;
    return absl::UnavailableError(std::to_string(attempts));
  });
  EXPECT_EQ(result, absl::UnavailableError("4"));
}

TEST(RetryLoopTest, ZeroOrNegativeAttemptsStillTryOnce) {
  for (int max_attempts : {0, -1, 1}) {
    int attempts = 0;
    (void)RetryLoop(Immediate(max_attempts), Idempotency::kRead, [&] {
      ++attempts;
      return absl::UnavailableError("down");
    });
    EXPECT_EQ(attempts, 1) << max_attempts;
  }
}

TEST(RetryLoopTest, AZeroBudgetAllowsNoRetry) {
  RetryOptions options = Immediate(100);
  options.budget = absl::ZeroDuration();
  int attempts = 0;
  (void)RetryLoop(options, Idempotency::kRead, [&] {
    ++attempts;
    return absl::UnavailableError("down");
  });
  EXPECT_EQ(attempts, 1);
}

TEST(RetryLoopTest, ABackoffThatWouldOverrunTheBudgetEndsTheCall) {
  // Every wait would be drawn from [0, 1h]; almost surely past a 1ns budget,
  // and a wait of exactly 0 would still end after the budget (time passes).
  RetryOptions options = Immediate(100);
  options.initial_backoff = absl::Hours(1);
  options.max_backoff = absl::Hours(1);
  options.budget = absl::Nanoseconds(1);
  int attempts = 0;
  (void)RetryLoop(options, Idempotency::kRead, [&] {
    ++attempts;
    return absl::UnavailableError("down");
  });
  EXPECT_EQ(attempts, 1);
}

}  // namespace
}  // namespace bilateral::internal
