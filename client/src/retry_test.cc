// The retry and backoff policies on their own, and the loop that runs a
// call by them: which failures are retried, the backoff's growth and cap,
// the attempt and time limits, and policies of the caller's own.
#include "retry.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace bilateral {
namespace {

using ::testing::ElementsAre;

TEST(IsRetryableTest, ReadsRetryEveryTransientCode) {
  for (auto code : {absl::StatusCode::kUnavailable, absl::StatusCode::kResourceExhausted,
                    absl::StatusCode::kDeadlineExceeded, absl::StatusCode::kCancelled}) {
    EXPECT_TRUE(IsRetryable(Idempotency::kRead, code)) << code;
  }
  for (auto code :
       {absl::StatusCode::kInvalidArgument, absl::StatusCode::kNotFound, absl::StatusCode::kAborted,
        absl::StatusCode::kInternal, absl::StatusCode::kUnauthenticated,
        absl::StatusCode::kPermissionDenied, absl::StatusCode::kFailedPrecondition}) {
    EXPECT_FALSE(IsRetryable(Idempotency::kRead, code)) << code;
  }
}

TEST(IsRetryableTest, KeyedWritesRetryClearRefusalsAndCancellation) {
  EXPECT_TRUE(IsRetryable(Idempotency::kKeyedWrite, absl::StatusCode::kUnavailable));
  EXPECT_TRUE(IsRetryable(Idempotency::kKeyedWrite, absl::StatusCode::kResourceExhausted));
  EXPECT_TRUE(IsRetryable(Idempotency::kKeyedWrite, absl::StatusCode::kCancelled));
  EXPECT_FALSE(IsRetryable(Idempotency::kKeyedWrite, absl::StatusCode::kDeadlineExceeded));
  EXPECT_FALSE(IsRetryable(Idempotency::kKeyedWrite, absl::StatusCode::kInvalidArgument));
}

TEST(IsRetryableTest, ConditionalWritesRetryOnlyClearRefusals) {
  EXPECT_TRUE(IsRetryable(Idempotency::kConditionalWrite, absl::StatusCode::kUnavailable));
  EXPECT_TRUE(IsRetryable(Idempotency::kConditionalWrite, absl::StatusCode::kResourceExhausted));
  EXPECT_FALSE(IsRetryable(Idempotency::kConditionalWrite, absl::StatusCode::kDeadlineExceeded));
  EXPECT_FALSE(IsRetryable(Idempotency::kConditionalWrite, absl::StatusCode::kAborted));
  EXPECT_FALSE(IsRetryable(Idempotency::kConditionalWrite, absl::StatusCode::kCancelled));
}

TEST(IsRetryableTest, OtherWritesAreNeverRetried) {
  EXPECT_FALSE(IsRetryable(Idempotency::kNonIdempotent, absl::StatusCode::kUnavailable));
  EXPECT_FALSE(IsRetryable(Idempotency::kNonIdempotent, absl::StatusCode::kResourceExhausted));
}

TEST(ExponentialBackoffPolicyTest, CapGrowsExponentiallyUpToTheMaximum) {
  ExponentialBackoffPolicy policy(absl::Milliseconds(100), absl::Seconds(1), 2);
  EXPECT_EQ(policy.Cap(0), absl::Milliseconds(100));
  EXPECT_EQ(policy.Cap(1), absl::Milliseconds(200));
  EXPECT_EQ(policy.Cap(3), absl::Milliseconds(800));
  EXPECT_EQ(policy.Cap(4), absl::Seconds(1));
  EXPECT_EQ(policy.Cap(1000), absl::Seconds(1));
}

TEST(ExponentialBackoffPolicyTest, ClampsNonsense) {
  EXPECT_EQ(ExponentialBackoffPolicy(absl::Milliseconds(-5), absl::Seconds(5), 2).Cap(3),
            absl::ZeroDuration());
  // A multiplier below 1 counts as 1: never shrinks.
  EXPECT_EQ(ExponentialBackoffPolicy(absl::Milliseconds(10), absl::Seconds(5), 0.5).Cap(5),
            absl::Milliseconds(10));
}

TEST(ExponentialBackoffPolicyTest, EachWaitIsDrawnUpToItsCapAndAClonesStartsOver) {
  ExponentialBackoffPolicy prototype(absl::Milliseconds(1), absl::Seconds(10), 10);
  auto policy = prototype.clone();
  std::vector<absl::Duration> caps = {absl::Milliseconds(1), absl::Milliseconds(10),
                                      absl::Milliseconds(100)};
  for (absl::Duration cap : caps) {
    absl::Duration wait = policy->OnCompletion();
    EXPECT_GE(wait, absl::ZeroDuration());
    EXPECT_LE(wait, cap);
  }
  // Full jitter: over many draws from [0, 1s], some land above the first cap.
  bool above_first = false;
  for (int i = 0; i < 50 && !above_first; ++i) {
    above_first = ExponentialBackoffPolicy(absl::Seconds(1), absl::Seconds(1), 2).OnCompletion() >
                  absl::Milliseconds(1);
  }
  EXPECT_TRUE(above_first);
  EXPECT_LE(prototype.clone()->OnCompletion(), absl::Milliseconds(1));
}

TEST(LimitedErrorCountRetryPolicyTest, RetriesUpToItsCountOnlyWhatIsRetryable) {
  LimitedErrorCountRetryPolicy prototype(2);
  auto policy = prototype.clone();
  const absl::Status down = absl::UnavailableError("down");
  EXPECT_FALSE(
      policy->OnFailure(absl::AbortedError("etag"), Idempotency::kRead, absl::ZeroDuration()));
  EXPECT_FALSE(policy->OnFailure(down, Idempotency::kNonIdempotent, absl::ZeroDuration()));
  EXPECT_TRUE(policy->OnFailure(down, Idempotency::kRead, absl::Hours(100)));
  EXPECT_TRUE(policy->OnFailure(down, Idempotency::kRead, absl::ZeroDuration()));
  EXPECT_FALSE(policy->OnFailure(down, Idempotency::kRead, absl::ZeroDuration()));
  // A clone counts afresh.
  EXPECT_TRUE(prototype.clone()->OnFailure(down, Idempotency::kRead, absl::ZeroDuration()));
}

TEST(LimitedTimeRetryPolicyTest, RefusesARetryThatWouldStartPastItsTime) {
  auto policy = LimitedTimeRetryPolicy(absl::Minutes(1)).clone();
  const absl::Status down = absl::UnavailableError("down");
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(policy->OnFailure(down, Idempotency::kRead, absl::Seconds(1))) << i;
  }
  EXPECT_FALSE(policy->OnFailure(down, Idempotency::kRead, absl::Minutes(2)));
  EXPECT_FALSE(LimitedTimeRetryPolicy(absl::ZeroDuration())
                   .clone()
                   ->OnFailure(down, Idempotency::kRead, absl::ZeroDuration()));
}

// No waiting, no time limit.
Options Immediate(int max_attempts) {
  RetryOptions options;
  options.max_attempts = max_attempts;
  options.initial_backoff = absl::ZeroDuration();
  options.budget = absl::InfiniteDuration();
  return options.ToOptions();
}

TEST(RetryLoopTest, StopsAtTheFirstSuccess) {
  int attempts = 0;
  absl::StatusOr<int> result = internal::RetryLoop(Immediate(5), Idempotency::kRead, [&] {
    ++attempts;
    return attempts < 3 ? absl::StatusOr<int>(absl::UnavailableError("down"))
                        : absl::StatusOr<int>(7);
  });
  EXPECT_EQ(*result, 7);
  EXPECT_EQ(attempts, 3);
}

TEST(RetryLoopTest, ReturnsTheLastErrorWhenAttemptsRunOut) {
  int attempts = 0;
  absl::Status result = internal::RetryLoop(Immediate(4), Idempotency::kRead, [&] {
    ++attempts;
    return absl::UnavailableError(std::to_string(attempts));
  });
  EXPECT_EQ(result, absl::UnavailableError("4"));
}

TEST(RetryLoopTest, ZeroOrNegativeAttemptsStillTryOnce) {
  for (int max_attempts : {0, -1, 1}) {
    int attempts = 0;
    (void)internal::RetryLoop(Immediate(max_attempts), Idempotency::kRead, [&] {
      ++attempts;
      return absl::UnavailableError("down");
    });
    EXPECT_EQ(attempts, 1) << max_attempts;
  }
}

TEST(RetryLoopTest, AZeroBudgetAllowsNoRetry) {
  RetryOptions retry;
  retry.max_attempts = 100;
  retry.initial_backoff = absl::ZeroDuration();
  retry.budget = absl::ZeroDuration();
  int attempts = 0;
  (void)internal::RetryLoop(retry.ToOptions(), Idempotency::kRead, [&] {
    ++attempts;
    return absl::UnavailableError("down");
  });
  EXPECT_EQ(attempts, 1);
}

TEST(RetryLoopTest, ABackoffThatWouldOverrunTheBudgetEndsTheCall) {
  // Every wait would be drawn from [0, 1h]; almost surely past a 1ns budget,
  // and a wait of exactly 0 would still end after the budget (time passes).
  RetryOptions retry;
  retry.max_attempts = 100;
  retry.initial_backoff = absl::Hours(1);
  retry.max_backoff = absl::Hours(1);
  retry.budget = absl::Nanoseconds(1);
  int attempts = 0;
  (void)internal::RetryLoop(retry.ToOptions(), Idempotency::kRead, [&] {
    ++attempts;
    return absl::UnavailableError("down");
  });
  EXPECT_EQ(attempts, 1);
}

TEST(RetryLoopTest, UnsetPoliciesAreTheDefaults) {
  // The default retry policy allows 5 attempts; its backoff (100 ms doubling)
  // would make this test wait, so only the attempt count is read, with
  // NOT_FOUND (not retried) and a read.
  int attempts = 0;
  (void)internal::RetryLoop(Options(), Idempotency::kRead, [&] {
    ++attempts;
    return absl::NotFoundError("gone");
  });
  EXPECT_EQ(attempts, 1);
}

// A policy of the caller's own sees every failure, the call's idempotency
// and the wait the backoff chose.
class RecordingRetryPolicy : public RetryPolicy {
 public:
  struct Seen {
    absl::StatusCode code;
    Idempotency idempotency;
    absl::Duration delay;
  };
  explicit RecordingRetryPolicy(std::shared_ptr<std::vector<Seen>> seen) : seen_(std::move(seen)) {}
  std::unique_ptr<RetryPolicy> clone() const override {
    return std::make_unique<RecordingRetryPolicy>(seen_);
  }
  bool OnFailure(const absl::Status& status, Idempotency idempotency,
                 absl::Duration delay) override {
    seen_->push_back({status.code(), idempotency, delay});
    // Retries even what the SDK's rules would not, twice.
    return seen_->size() < 3;
  }

 private:
  std::shared_ptr<std::vector<Seen>> seen_;
};

class CountingBackoffPolicy : public BackoffPolicy {
 public:
  std::unique_ptr<BackoffPolicy> clone() const override {
    return std::make_unique<CountingBackoffPolicy>();
  }
  absl::Duration OnCompletion() override { return absl::Nanoseconds(++calls_); }

 private:
  int calls_ = 0;
};

TEST(RetryLoopTest, PoliciesOfTheCallersOwnDecideAndWait) {
  auto seen = std::make_shared<std::vector<RecordingRetryPolicy::Seen>>();
  Options options;
  options.set<RetryPolicyOption>(std::make_shared<RecordingRetryPolicy>(seen));
  options.set<BackoffPolicyOption>(std::make_shared<CountingBackoffPolicy>());
  int attempts = 0;
  absl::Status result = internal::RetryLoop(options, Idempotency::kNonIdempotent, [&] {
    ++attempts;
    return absl::InvalidArgumentError("bad");
  });
  EXPECT_EQ(result.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(attempts, 3);
  ASSERT_EQ(seen->size(), 3u);
  std::vector<absl::Duration> delays;
  for (const auto& s : *seen) {
    EXPECT_EQ(s.code, absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(s.idempotency, Idempotency::kNonIdempotent);
    delays.push_back(s.delay);
  }
  EXPECT_THAT(delays,
              ElementsAre(absl::Nanoseconds(1), absl::Nanoseconds(2), absl::Nanoseconds(3)));
}

}  // namespace
}  // namespace bilateral
