// What happens around the body of every call, in one place: admission
// against the in-flight bound (and, as the server grows, authentication,
// deadlines, logs and metrics). Handlers state what a call needs; the guard
// decides whether it runs.
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace bilateral::api {

// The access a method needs.
enum class Access { kRead, kWrite, kAdmin };

// What the guard knows of a call before it runs.
struct CallInfo {
  absl::string_view method;  // e.g. "bilateral.v1.VisitService/GetVisit"
  Access access;
};

struct CallGuardOptions {
  // Calls worked on at once; past it, calls fail with RESOURCE_EXHAUSTED.
  int max_in_flight = 1024;
};

class CallGuard {
 public:
  explicit CallGuard(const CallGuardOptions& options);

  // Runs `body` for the call if it is admitted and returns the status the
  // call finishes with: RESOURCE_EXHAUSTED past the in-flight bound,
  // CANCELLED when the client has gone, otherwise `body`'s.
  absl::Status Run(grpc::CallbackServerContext* context, const CallInfo& info,
                   size_t request_bytes, absl::FunctionRef<absl::Status()> body);

  int in_flight() const { return in_flight_.load(std::memory_order_relaxed); }

 private:
  bool TryAcquire();
  void Release();

  const CallGuardOptions options_;
  std::atomic<int> in_flight_{0};
};

}  // namespace bilateral::api
