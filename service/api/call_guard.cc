#include "api/call_guard.h"

namespace bilateral::api {

CallGuard::CallGuard(const CallGuardOptions& options) : options_(options) {}

bool CallGuard::TryAcquire() {
  if (in_flight_.fetch_add(1, std::memory_order_acq_rel) >= options_.max_in_flight) {
    in_flight_.fetch_sub(1, std::memory_order_acq_rel);
    return false;
  }
  return true;
}

void CallGuard::Release() { in_flight_.fetch_sub(1, std::memory_order_acq_rel); }

absl::Status CallGuard::Run(grpc::CallbackServerContext* context,
                            const CallInfo& info, size_t request_bytes,
                            absl::FunctionRef<absl::Status()> body) {
  if (!TryAcquire()) {
    return absl::ResourceExhaustedError(
        "the server is at its limit of calls in flight; retry with backoff");
  }
  absl::Status status = context->IsCancelled()
                            ? absl::CancelledError("the call was cancelled")
                            : body();
  Release();
  return status;
}

}  // namespace bilateral::api
