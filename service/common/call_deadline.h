// The deadline of the call the current thread works on, so that layers which
// know nothing of gRPC (the store) can stop work nobody is waiting for. The
// call guard sets it around each handler body; storage checks it while it
// runs statements.
#pragma once

#include <atomic>

#include "absl/time/time.h"

namespace bilateral {

// Sets the current thread's call deadline for the life of the scope, and
// restores the previous one afterwards. `stop`, if not null, is a flag that
// ends the work early when raised (the server raises it when a shutdown's
// grace period runs out); it must outlive the scope.
class ScopedCallDeadline {
 public:
  ScopedCallDeadline(absl::Time deadline, const std::atomic<bool>* stop);
  ~ScopedCallDeadline();
  ScopedCallDeadline(const ScopedCallDeadline&) = delete;
  ScopedCallDeadline& operator=(const ScopedCallDeadline&) = delete;

 private:
  absl::Time previous_deadline_;
  const std::atomic<bool>* previous_stop_;
};

// The current thread's call deadline; absl::InfiniteFuture() outside a call.
absl::Time CurrentCallDeadline();

// True when the current call's deadline has passed or its stop flag is
// raised: work for it should end now. Always false outside a call.
bool CallWorkShouldStop();

}  // namespace bilateral
