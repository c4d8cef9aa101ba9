// The deadline of the call the current thread works on, so that layers which
// know nothing of gRPC (the store) can stop work nobody is waiting for. The
// call guard sets it around each handler body; storage checks it while it
// runs statements.
#pragma once

#include <atomic>
#include <functional>

#include "absl/time/time.h"

namespace bilateral {

// Sets the current thread's call deadline for the life of the scope, and
// restores the previous one afterwards. `stop`, if not null, is a flag that
// ends the work early when raised (the server raises it when a shutdown's
// grace period runs out); it must outlive the scope. `cancelled`, if set,
// says whether the caller has gone (a cancelled call); it must outlive the
// scope too.
// What ScopedCallDeadline installs: the deadline, stop flag and
// cancellation of one call.
struct CallScope {
  absl::Time deadline = absl::InfiniteFuture();
  const std::atomic<bool>* stop = nullptr;
  const std::function<bool()>* cancelled = nullptr;
};

class ScopedCallDeadline {
 public:
  ScopedCallDeadline(absl::Time deadline, const std::atomic<bool>* stop,
                     const std::function<bool()>* cancelled = nullptr);
  // Installs a scope captured on another thread (CurrentCallScope()), so
  // that work done there for that call stops as the call would; what the
  // scope points to must outlive this object.
  explicit ScopedCallDeadline(const CallScope& scope)
      : ScopedCallDeadline(scope.deadline, scope.stop, scope.cancelled) {}
  ~ScopedCallDeadline();
  ScopedCallDeadline(const ScopedCallDeadline&) = delete;
  ScopedCallDeadline& operator=(const ScopedCallDeadline&) = delete;

 private:
  absl::Time previous_deadline_;
  const std::atomic<bool>* previous_stop_;
  const std::function<bool()>* previous_cancelled_;
};

// The current thread's call, to be installed on a thread that works for it.
CallScope CurrentCallScope();

// The current thread's call deadline; absl::InfiniteFuture() outside a call.
absl::Time CurrentCallDeadline();

// True when the current call's deadline has passed, its stop flag is raised
// or its caller cancelled it: work for it should end now. Always false
// outside a call.
bool CallWorkShouldStop();

}  // namespace bilateral
