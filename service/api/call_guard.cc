#include "api/call_guard.h"

#include <cassert>
#include <chrono>
#include <functional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log.h"

namespace bilateral::api {
namespace {

// The deadline the client set, or absl::InfiniteFuture() when it set none.
absl::Time ClientDeadline(const grpc::CallbackServerContext& context) {
  auto deadline = context.deadline();
  if (deadline == std::chrono::system_clock::time_point::max()) {
    return absl::InfiniteFuture();
  }
  return absl::FromChrono(deadline);
}

// Codes that say the store failed rather than the request.
bool IsStoreFailure(absl::StatusCode code) {
  return code == absl::StatusCode::kInternal || code == absl::StatusCode::kUnavailable ||
         code == absl::StatusCode::kDataLoss;
}

}  // namespace

CallGuard::CallGuard(const CallGuardOptions& options) : options_(options) {
  if (options_.metrics == nullptr) return;
  calls_ = options_.metrics->AddCounter(
      "bilateral_calls_total", "Calls finished, by method and status code.", {"method", "code"});
  latency_ = options_.metrics->AddHistogram(
      "bilateral_call_duration_seconds",
      "Time from a call's arrival in the handler to its status, by method.", {"method"},
      metrics::LatencyBuckets());
  store_errors_ = options_.metrics->AddCounter(
      "bilateral_store_errors_total",
      "Calls whose work failed with INTERNAL, UNAVAILABLE or DATA_LOSS, by "
      "code.",
      {"code"});
  unparseable_ = options_.metrics->AddCounter(
      "bilateral_unparseable_requests_total",
      "Calls refused because their request did not parse as its message, by method.", {"method"});
  options_.metrics->AddGauge("bilateral_calls_in_flight", "Calls being worked on now.",
                             [this] { return static_cast<double>(in_flight()); });
}

bool CallGuard::TryAcquire() {
  if (in_flight_.fetch_add(1, std::memory_order_acq_rel) >= options_.max_in_flight) {
    in_flight_.fetch_sub(1, std::memory_order_acq_rel);
    return false;
  }
  return true;
}

void CallGuard::Release() { in_flight_.fetch_sub(1, std::memory_order_acq_rel); }

bool CallGuard::WaitUntilQuiet(absl::Duration quiet, absl::Time deadline) const {
  for (;;) {
    const absl::Time now = absl::Now();
    const absl::Time last_arrival =
        absl::FromUnixNanos(last_arrival_ns_.load(std::memory_order_relaxed));
    if (in_flight() == 0 && now - last_arrival >= quiet) return true;
    if (now >= deadline) return false;
    absl::SleepFor(absl::Milliseconds(5));
  }
}

absl::Status CallGuard::Authorize(grpc::CallbackServerContext* context, const CallInfo& info,
                                  std::string* key_id) const {
  if (options_.keys == nullptr) return absl::OkStatus();
  const auto& metadata = context->client_metadata();
  auto it = metadata.find("authorization");
  std::string authorization;
  if (it != metadata.end()) {
    authorization.assign(it->second.data(), it->second.size());
  }
  auto principal = options_.keys->Authenticate(it != metadata.end() ? &authorization : nullptr);
  if (!principal.ok()) return principal.status();
  *key_id = principal->key_id;
  const Access needed = RequiredAccess(info.method);
  if (!RoleAllows(principal->role, needed)) {
    return absl::PermissionDeniedError(absl::StrCat("key '", principal->key_id, "' has role ",
                                                    RoleName(principal->role), "; ", info.method,
                                                    " needs ", RoleName(RoleFor(needed))));
  }
  return absl::OkStatus();
}

void CallGuard::MarkUnparseable(const grpc::CallbackServerContext* context, absl::Status problem) {
  absl::MutexLock lock(&unparseable_mu_);
  unparseable_calls_[context] = std::move(problem);
  unparseable_count_.store(static_cast<int>(unparseable_calls_.size()), std::memory_order_release);
}

absl::Status CallGuard::TakeUnparseable(const grpc::CallbackServerContext* context) {
  if (unparseable_count_.load(std::memory_order_acquire) == 0) return absl::OkStatus();
  absl::MutexLock lock(&unparseable_mu_);
  auto found = unparseable_calls_.find(context);
  if (found == unparseable_calls_.end()) return absl::OkStatus();
  absl::Status problem = std::move(found->second);
  unparseable_calls_.erase(found);
  unparseable_count_.store(static_cast<int>(unparseable_calls_.size()), std::memory_order_release);
  return problem;
}

absl::Status CallGuard::Reauthorize(grpc::CallbackServerContext* context,
                                    const CallInfo& info) const {
  std::string key_id;
  return Authorize(context, info, &key_id);
}

absl::Status CallGuard::Admit(grpc::CallbackServerContext* context, const CallInfo& info,
                              Admitted* admitted) {
  assert(info.access == RequiredAccess(info.method) &&
         "CallInfo.access disagrees with RequiredAccess(method)");
  admitted->start = absl::Now();
  last_arrival_ns_.store(absl::ToUnixNanos(admitted->start), std::memory_order_relaxed);
  absl::Status unparseable = TakeUnparseable(context);
  if (!info.continues_call && draining_.load(std::memory_order_acquire)) {
    return absl::UnavailableError("the server is shutting down; retry, another replica will serve");
  }
  if (!TryAcquire()) {
    return absl::ResourceExhaustedError(
        "the server is at its limit of calls in flight; retry with backoff");
  }
  if (absl::Status status = Authorize(context, info, &admitted->key_id); !status.ok()) {
    Release();
    return status;
  }
  if (!unparseable.ok()) {
    // Only a caller who may make the call learns why its request failed.
    if (unparseable_ != nullptr) unparseable_->Increment({std::string(info.method)});
    Release();
    return unparseable;
  }
  admitted->deadline =
      std::min(ClientDeadline(*context), admitted->start + options_.default_deadline);
  return absl::OkStatus();
}

absl::Status CallGuard::Execute(grpc::CallbackServerContext* context, const CallInfo& info,
                                const Admitted& admitted,
                                absl::FunctionRef<absl::Status(const CallContext&)> body,
                                bool* ran) {
  absl::Status status;
  const absl::Time deadline = admitted.deadline;
  if (context->IsCancelled()) {
    status = absl::CancelledError("the call was cancelled");
  } else if (absl::Now() >= deadline) {
    status = absl::DeadlineExceededError("the call's deadline has passed");
  } else {
    const CallContext call(deadline, &stop_, [context] { return context->IsCancelled(); });
    status = body(call);
    *ran = true;
    // Storage stopped for a call nobody waits for any more (an interrupted
    // statement, a lock wait given up): say why, not "busy".
    const bool stopped = status.code() == absl::StatusCode::kDeadlineExceeded ||
                         status.code() == absl::StatusCode::kUnavailable;
    if (stopped && absl::Now() >= deadline) {
      status = absl::DeadlineExceededError("the call's deadline passed; its work was stopped");
    } else if (stopped && context->IsCancelled()) {
      status = absl::CancelledError("the client cancelled the call; its work was stopped");
    }
    if (status.ok() && (info.response != nullptr || info.response_bytes != nullptr)) {
      const size_t bytes =
          info.response != nullptr ? info.response->ByteSizeLong() : info.response_bytes->size();
      if (bytes > options_.max_response_bytes) {
        status = absl::ResourceExhaustedError(absl::StrCat(
            "the response is ", bytes, " bytes, more than the ", options_.max_response_bytes,
            " the server sends (max_send_message_bytes); ask for less, e.g. a smaller "
            "page_size or fewer names"));
      }
    }
  }
  Release();
  return status;
}

absl::Status CallGuard::Run(grpc::CallbackServerContext* context, const CallInfo& info,
                            size_t request_bytes,
                            absl::FunctionRef<absl::Status(const CallContext&)> body) {
  Admitted admitted;
  bool ran = false;
  absl::Status status = Admit(context, info, &admitted);
  if (status.ok()) status = Execute(context, info, admitted, body, &ran);
  Record(context, info, status, ran, absl::Now() - admitted.start, admitted.key_id, request_bytes);
  return status;
}

void CallGuard::Start(grpc::CallbackServerContext* context, const CallInfo& info,
                      size_t request_bytes, std::function<absl::Status(const CallContext&)> body,
                      std::function<void(const absl::Status&)> done) {
  Executor* executor = info.access == Access::kRead ? options_.readers : options_.writers;
  if (executor == nullptr) {
    done(Run(context, info, request_bytes, body));
    return;
  }
  Admitted admitted;
  absl::Status status = Admit(context, info, &admitted);
  if (status.ok()) {
    // Only the call's own parts travel with it: the request and response
    // stay where gRPC keeps them until `done` finishes the call.
    std::function<void()> task = [this, context, info, request_bytes, admitted, body, done] {
      bool ran = false;
      absl::Status status = Execute(context, info, admitted, body, &ran);
      Record(context, info, status, ran, absl::Now() - admitted.start, admitted.key_id,
             request_bytes);
      done(status);
    };
    if (executor->TrySubmit(std::move(task))) return;
    Release();
    status = absl::ResourceExhaustedError(
        absl::StrCat("the server's ", executor->max_queued(), " places for ", executor->name(),
                     " waiting to run are taken; retry with backoff"));
  }
  Record(context, info, status, false, absl::Now() - admitted.start, admitted.key_id,
         request_bytes);
  done(status);
}

void CallGuard::Record(grpc::CallbackServerContext* context, const CallInfo& info,
                       const absl::Status& status, bool ran, absl::Duration latency,
                       const std::string& key_id, size_t request_bytes) {
  const std::string method(info.method);
  const std::string code = absl::StatusCodeToString(status.code());
  if (calls_ != nullptr) {
    calls_->Increment({method, code});
    latency_->Observe({method}, absl::ToDoubleSeconds(latency));
    if (ran && IsStoreFailure(status.code())) store_errors_->Increment({code});
  }
  const LogLevel level =
      ran && IsStoreFailure(status.code()) ? LogLevel::kWarning : LogLevel::kInfo;
  if (!LogEnabled(level)) return;
  LogFields fields = {{"method", method},
                      {"code", code},
                      {"latency_ms", absl::ToDoubleMilliseconds(latency)},
                      {"peer", context->peer()},
                      {"request_bytes", request_bytes}};
  if (!key_id.empty()) fields.emplace_back("key_id", key_id);
  // A call refused before its work says why: nothing else will.
  if (!ran && !status.ok()) fields.emplace_back("error", std::string(status.message()));
  Log(level, "call", "call finished", fields);
}

}  // namespace bilateral::api
