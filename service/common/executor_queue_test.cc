#include "common/executor.h"

#include <atomic>
#include <thread>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace bilateral {
namespace {

// A task that an idle worker will take does not wait for one: an idle
// executor accepts one task per worker besides its queue, whether or not
// its workers have woken to take them yet.
TEST(ExecutorQueueTest, AnIdleExecutorAcceptsATaskPerWorkerBesidesItsQueue) {
  absl::Notification release;
  std::atomic<int> ran{0};
  {
    Executor executor("test tasks", /*threads=*/2, /*max_queued=*/1);
    auto task = [&] {
      release.WaitForNotification();
      ++ran;
    };
    EXPECT_TRUE(executor.TrySubmit(task));
    EXPECT_TRUE(executor.TrySubmit(task));
    EXPECT_TRUE(executor.TrySubmit(task));
    EXPECT_FALSE(executor.TrySubmit(task));
    EXPECT_EQ(executor.queued(), 1);
    release.Notify();
  }  // runs what was accepted, then joins
  EXPECT_EQ(ran.load(), 3);
}

// Once every worker is busy, the queue alone bounds what is accepted, and a
// worker that finishes makes room again.
TEST(ExecutorQueueTest, BusyWorkersLeaveOnlyTheQueue) {
  absl::Notification release;
  absl::Notification started;
  std::atomic<int> ran{0};
  Executor executor("test tasks", /*threads=*/1, /*max_queued=*/2);
  ASSERT_TRUE(executor.TrySubmit([&] {
    started.Notify();
    release.WaitForNotification();
    ++ran;
  }));
  started.WaitForNotification();
  EXPECT_TRUE(executor.TrySubmit([&] { ++ran; }));
  EXPECT_TRUE(executor.TrySubmit([&] { ++ran; }));
  EXPECT_FALSE(executor.TrySubmit([&] { ++ran; }));
  EXPECT_EQ(executor.queued(), 2);
  release.Notify();
  while (ran.load() < 3) std::this_thread::yield();
  EXPECT_TRUE(executor.TrySubmit([&] { ++ran; }));
}

}  // namespace
}  // namespace bilateral
