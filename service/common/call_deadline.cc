#include "common/call_deadline.h"

#include "absl/time/clock.h"

namespace bilateral {
namespace {

thread_local absl::Time current_deadline = absl::InfiniteFuture();
thread_local const std::atomic<bool>* current_stop = nullptr;
thread_local const std::function<bool()>* current_cancelled = nullptr;

}  // namespace

ScopedCallDeadline::ScopedCallDeadline(absl::Time deadline, const std::atomic<bool>* stop,
                                       const std::function<bool()>* cancelled)
    : previous_deadline_(current_deadline),
      previous_stop_(current_stop),
      previous_cancelled_(current_cancelled) {
  current_deadline = deadline;
  current_stop = stop;
  current_cancelled = cancelled;
}

ScopedCallDeadline::~ScopedCallDeadline() {
  current_deadline = previous_deadline_;
  current_stop = previous_stop_;
  current_cancelled = previous_cancelled_;
}

CallScope CurrentCallScope() { return {current_deadline, current_stop, current_cancelled}; }

absl::Time CurrentCallDeadline() { return current_deadline; }

bool CallWorkShouldStop() {
  if (current_stop != nullptr && current_stop->load(std::memory_order_relaxed)) {
    return true;
  }
  if (current_deadline != absl::InfiniteFuture() && absl::Now() >= current_deadline) {
    return true;
  }
  return current_cancelled != nullptr && (*current_cancelled)();
}

}  // namespace bilateral
