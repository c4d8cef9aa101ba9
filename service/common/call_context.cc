#include "common/call_context.h"

#include "absl/time/clock.h"

namespace bilateral {

bool CallContext::ShouldStop() const {
  if (stop_ != nullptr && stop_->load(std::memory_order_relaxed)) return true;
  if (deadline_ != absl::InfiniteFuture() && absl::Now() >= deadline_) return true;
  return cancelled_ && cancelled_();
}

}  // namespace bilateral
