#include "common/call_deadline.h"

#include "absl/time/clock.h"

namespace bilateral {
namespace {

thread_local absl::Time current_deadline = absl::InfiniteFuture();
thread_local const std::atomic<bool>* current_stop = nullptr;

}  // namespace

ScopedCallDeadline::ScopedCallDeadline(absl::Time deadline,
                                       const std::atomic<bool>* stop)
    : previous_deadline_(current_deadline), previous_stop_(current_stop) {
  current_deadline = deadline;
  current_stop = stop;
}

ScopedCallDeadline::~ScopedCallDeadline() {
  current_deadline = previous_deadline_;
  current_stop = previous_stop_;
}

absl::Time CurrentCallDeadline() { return current_deadline; }

bool CallWorkShouldStop() {
  if (current_stop != nullptr && current_stop->load(std::memory_order_relaxed)) {
    return true;
  }
  return current_deadline != absl::InfiniteFuture() &&
         absl::Now() >= current_deadline;
}

}  // namespace bilateral
