// What happens around the body of every call, in one place: refusal while
// the server drains, admission against the in-flight bound, authentication
// and the role check, the call's deadline, and one log line and the metrics
// of each call. Handlers state what a call needs; the guard decides whether
// it runs.
#pragma once

#include <google/protobuf/message_lite.h>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <functional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "api/access.h"
#include "api/api_keys.h"
#include "common/call_context.h"
#include "common/executor.h"
#include "common/metrics.h"

namespace bilateral::api {

// What the guard knows of a call before it runs.
struct CallInfo {
  absl::string_view method;  // e.g. "bilateral.v1.VisitService/GetVisit"
  // What the handler believes the method needs. RequiredAccess(method) is
  // the rule the guard enforces; debug builds check that the two agree.
  Access access;
  // True for a later step of a call the guard already admitted (a stream's
  // next message): it is not refused while the server drains.
  bool continues_call = false;
  // The message the call answers with, filled by the body. A response larger
  // than the server sends (CallGuardOptions::max_response_bytes) ends the
  // call RESOURCE_EXHAUSTED in the guard, so its log line and metrics record
  // what the client receives, not an OK that gRPC then fails to send. Must
  // stay valid until the call is done.
  const google::protobuf::MessageLite* response = nullptr;
  // Or the encoded response, for a method that answers with bytes it
  // encodes itself (RunRawUnary).
  const std::string* response_bytes = nullptr;
};

struct CallGuardOptions {
  // Calls worked on at once; past it, calls fail with RESOURCE_EXHAUSTED.
  int max_in_flight = 1024;
  // The longest a call may work: its deadline is the client's or now plus
  // this, whichever comes first.
  absl::Duration default_deadline = absl::Seconds(30);
  // The largest response message the server sends (its
  // max_send_message_bytes).
  size_t max_response_bytes = 4 << 20;
  // The keys calls must present; null turns authentication off. Must outlive
  // the guard.
  const KeyRing* keys = nullptr;
  // Where call metrics are recorded; null records none. Must outlive the
  // guard.
  metrics::Registry* metrics = nullptr;
  // Where the bodies of admitted calls run: reads on `readers`, writes and
  // admin calls on `writers`. Null runs them on the calling thread. Each
  // must outlive the guard.
  Executor* readers = nullptr;
  Executor* writers = nullptr;
};

class CallGuard {
 public:
  explicit CallGuard(const CallGuardOptions& options);

  // Runs `body` for the call if it is admitted and returns the status the
  // call finishes with: UNAVAILABLE once the server drains,
  // RESOURCE_EXHAUSTED past the in-flight bound, UNAUTHENTICATED without a valid key,
  // PERMISSION_DENIED when the key's role is too low (all before `body` runs), CANCELLED when the
  // client has gone, DEADLINE_EXCEEDED when the deadline has passed, otherwise `body`'s; a body
  // whose storage work stopped because the deadline passed or the client cancelled ends
  // DEADLINE_EXCEEDED or CANCELLED. `body` gets the call's context (common/call_context.h), its
  // deadline, cancellation and the server's stop flag, to pass to the work it does for the call.
  // Logs one line and records metrics per run.
  absl::Status Run(grpc::CallbackServerContext* context, const CallInfo& info, size_t request_bytes,
                   absl::FunctionRef<absl::Status(const CallContext&)> body);

  // Marks the call `context` as one whose request did not parse: Run for it
  // authenticates the caller as usual, then returns `problem` (an
  // INVALID_ARGUMENT) without running the body. The mark is taken by the
  // call's first Run. See api/request_parsing.h.
  void MarkUnparseable(const grpc::CallbackServerContext* context, absl::Status problem);

  // Whether the caller of the call `context` may still make it with the
  // keys in use now: OK when keys are off or its key is still accepted,
  // else UNAUTHENTICATED or PERMISSION_DENIED. For calls that outlast a
  // reload of the keys, such as streams.
  absl::Status Reauthorize(grpc::CallbackServerContext* context, const CallInfo& info) const;
  // As Run, but `body` runs on the executor of the call's access, and the
  // status goes to `done` (on that executor's thread; on the calling thread
  // when the call is refused on arrival). Admission is decided now: a call
  // the executor cannot queue within its bound ends RESOURCE_EXHAUSTED at
  // once. A queued call whose client has cancelled, or whose deadline has
  // passed, by the time a worker takes it ends CANCELLED or
  // DEADLINE_EXCEEDED without `body` running. `body` and `done` must stay
  // valid until `done` has been called.
  void Start(grpc::CallbackServerContext* context, const CallInfo& info, size_t request_bytes,
             std::function<absl::Status(const CallContext&)> body,
             std::function<void(const absl::Status&)> done);

  // From now on, new calls are refused with UNAVAILABLE before they start;
  // calls already running go on.
  void StartDraining() { draining_.store(true, std::memory_order_release); }

  // Waits until no call runs and none has arrived for `quiet`, or until
  // `deadline`; true when the server went quiet.
  bool WaitUntilQuiet(absl::Duration quiet, absl::Time deadline) const;

  // Asks the work of calls still running to stop: storage interrupts their
  // statements as if their deadline had passed.
  void StopCallWork() { stop_.store(true, std::memory_order_release); }

  int in_flight() const { return in_flight_.load(std::memory_order_relaxed); }

 private:
  // A call let in on arrival, holding a slot of the in-flight bound.
  struct Admitted {
    absl::Time start;
    absl::Time deadline = absl::InfiniteFuture();
    std::string key_id;
  };

  bool TryAcquire();
  // The problem MarkUnparseable left for `context`, removed; OK when none.
  absl::Status TakeUnparseable(const grpc::CallbackServerContext* context);
  void Release();
  // The checks on arrival: draining, the in-flight bound, the key and its
  // role. OK takes a slot of the bound, which Execute gives back.
  absl::Status Admit(grpc::CallbackServerContext* context, const CallInfo& info,
                     Admitted* admitted);
  // Runs an admitted call's body unless its client has gone or its deadline
  // has passed (`ran` says whether it ran); frees its slot.
  // A body that succeeded but whose response is too large to send ends
  // RESOURCE_EXHAUSTED.
  absl::Status Execute(grpc::CallbackServerContext* context, const CallInfo& info,
                       const Admitted& admitted,
                       absl::FunctionRef<absl::Status(const CallContext&)> body, bool* ran);
  // The caller's key id when the call may run; the error otherwise.
  absl::Status Authorize(grpc::CallbackServerContext* context, const CallInfo& info,
                         std::string* key_id) const;
  void Record(grpc::CallbackServerContext* context, const CallInfo& info,
              const absl::Status& status, bool ran, absl::Duration latency,
              const std::string& key_id, size_t request_bytes);

  const CallGuardOptions options_;
  std::atomic<int> in_flight_{0};
  std::atomic<bool> draining_{false};
  std::atomic<int64_t> last_arrival_ns_{0};  // absl::ToUnixNanos of a Run's start
  std::atomic<bool> stop_{false};
  metrics::CounterFamily* calls_ = nullptr;
  metrics::HistogramFamily* latency_ = nullptr;
  metrics::CounterFamily* store_errors_ = nullptr;
  metrics::CounterFamily* unparseable_ = nullptr;
  // Calls marked by MarkUnparseable whose Run has not come yet; rare, so
  // Run checks the count before it takes the lock.
  std::atomic<int> unparseable_count_{0};
  absl::Mutex unparseable_mu_;
  absl::flat_hash_map<const grpc::CallbackServerContext*, absl::Status> unparseable_calls_
      ABSL_GUARDED_BY(unparseable_mu_);
};

}  // namespace bilateral::api
