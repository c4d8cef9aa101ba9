// Runs a unary call on the callback API: admission against the in-flight
// limit, the handler body, and the status conversion at the edge.
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "api/grpc_status.h"

namespace bilateral::api {

// Bounds the calls a server works on at once; past the bound, calls fail
// fast with RESOURCE_EXHAUSTED instead of queueing without limit.
class CallLimiter {
 public:
  explicit CallLimiter(int max_in_flight) : max_in_flight_(max_in_flight) {}

  // True, and one slot taken, when below the bound.
  bool TryAcquire() {
    if (in_flight_.fetch_add(1, std::memory_order_acq_rel) >= max_in_flight_) {
      in_flight_.fetch_sub(1, std::memory_order_acq_rel);
      return false;
    }
    return true;
  }
  void Release() { in_flight_.fetch_sub(1, std::memory_order_acq_rel); }
  int in_flight() const { return in_flight_.load(std::memory_order_relaxed); }

 private:
  const int max_in_flight_;
  std::atomic<int> in_flight_{0};
};

// Finishes the call with `body()`'s status. Storage work is short and runs
// on the callback thread; see docs/adr/0001-threading-and-storage.md.
template <typename Body>
grpc::ServerUnaryReactor* RunUnary(grpc::CallbackServerContext* context,
                                   CallLimiter& limiter, Body&& body) {
  auto* reactor = context->DefaultReactor();
  if (!limiter.TryAcquire()) {
    reactor->Finish(ToGrpcStatus(absl::ResourceExhaustedError(
        "the server is at its limit of calls in flight; retry with backoff")));
    return reactor;
  }
  absl::Status status = context->IsCancelled()
                            ? absl::CancelledError("the call was cancelled")
                            : std::forward<Body>(body)();
  limiter.Release();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

// Moves a successful result into the response message.
template <typename T>
absl::Status Respond(absl::StatusOr<T> result, T* response) {
  if (!result.ok()) return result.status();
  *response = std::move(*result);
  return absl::OkStatus();
}

}  // namespace bilateral::api
