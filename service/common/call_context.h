// What the work done for one call needs to know of that call: when to stop.
// The call guard makes one for each call it runs and passes it, as an
// argument, to the domain and on to the store, whose statements stop when
// it says so. Work that no call waits for (start-up, migrations, copying a
// store) uses a default one, which never stops.
#pragma once

#include <atomic>
#include <functional>
#include <utility>

#include "absl/time/time.h"

namespace bilateral {

class CallContext {
 public:
  // No call: no deadline, never stopped.
  CallContext() = default;

  // A call that stops at `deadline`, when `stop` (if not null) is raised
  // (the server raises it when a shutdown's grace period runs out), or when
  // `cancelled` (if set) says the caller has gone. `stop` and whatever
  // `cancelled` reads must outlive the context and its copies.
  CallContext(absl::Time deadline, const std::atomic<bool>* stop,
              std::function<bool()> cancelled = nullptr)
      : deadline_(deadline), stop_(stop), cancelled_(std::move(cancelled)) {}

  // absl::InfiniteFuture() when the call has none.
  absl::Time deadline() const { return deadline_; }

  // True when the deadline has passed, the stop flag is raised or the
  // caller has cancelled: work for the call should end now.
  bool ShouldStop() const;

 private:
  absl::Time deadline_ = absl::InfiniteFuture();
  const std::atomic<bool>* stop_ = nullptr;
  std::function<bool()> cancelled_;
};

}  // namespace bilateral
