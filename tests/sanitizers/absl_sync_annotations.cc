// Makes the ordering that Abseil's locks give visible to ThreadSanitizer.
//
// Debian's Abseil is not built with -fsanitize=thread: absl::Mutex locks and
// unlocks inside code ThreadSanitizer does not see, so every field a mutex
// guards would be reported as a race. Preloaded into the processes of the
// ThreadSanitizer build (the `tsan` preset sets LD_PRELOAD), this library
// defines the exported functions of absl::Mutex, absl::CondVar,
// absl::Notification and absl::BlockingCounter before Abseil does: each calls
// Abseil's own and tells ThreadSanitizer of the acquire or release it
// performs. gRPC's locks are absl::Mutex and call it through the dynamic
// linker, so they become visible too.
//
// Not covered: Notification::HasBeenNotified(), inline in Abseil's header,
// orders nothing for ThreadSanitizer; wait with WaitForNotification() where
// a notification hands data over.
//
// The library itself is not instrumented, and its calls into the
// ThreadSanitizer runtime are weak: the preload also reaches the helper
// processes tests start (shells, PostgreSQL, nginx), which have no runtime
// and never call Abseil.
//
// Reader locks are treated as exclusive: readers are ordered among
// themselves, which can hide a race between two readers but never reports
// a false one.
#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/base/options.h"
#include "absl/synchronization/blocking_counter.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

// From the ThreadSanitizer runtime (sanitizer/tsan_interface.h), when the
// process has one.
extern "C" {
void __tsan_acquire(void* addr) __attribute__((weak));
void __tsan_release(void* addr) __attribute__((weak));
}

namespace {

#define BILATERAL_STRINGIFY_INNER(x) #x
#define BILATERAL_STRINGIFY(x) BILATERAL_STRINGIFY_INNER(x)

// The mangled tails below refer back to `absl::<inline namespace>` as S0_.
static_assert(ABSL_OPTION_USE_INLINE_NAMESPACE,
              "the mangled names assume Abseil's inline namespace");

// Abseil's definition of the member function whose Itanium mangled name is
// `head` + the mangled `absl::<inline namespace>::` + `tail`, for example
// ("_ZN", "5Mutex4LockEv") for absl::Mutex::Lock().
template <typename Function>
Function Next(const char* head, const char* tail) {
  const std::string inline_namespace = BILATERAL_STRINGIFY(ABSL_OPTION_INLINE_NAMESPACE_NAME);
  const std::string name = std::string(head) + "4absl" + std::to_string(inline_namespace.size()) +
                           inline_namespace + tail;
  void* symbol = dlsym(RTLD_NEXT, name.c_str());
  if (symbol == nullptr) {
    std::fprintf(stderr, "absl_sync_annotations: %s not found: %s\n", name.c_str(), dlerror());
    std::abort();
  }
  return reinterpret_cast<Function>(symbol);
}

void Acquired(const void* mu) {
  if (__tsan_acquire != nullptr) __tsan_acquire(const_cast<void*>(mu));
}

void Releasing(const void* mu) {
  if (__tsan_release != nullptr) __tsan_release(const_cast<void*>(mu));
}

// Abseil evaluates a waiter's condition on whichever thread holds the mutex
// at the time, often inside another thread's Unlock(), after that thread's
// release was announced. The evaluation is announced as a critical section
// of its own, so the waiter that wakes is ordered after what it read.
struct Annotated {
  const absl::Condition* condition;
  const void* mu;
};

bool EvalAnnotated(void* arg) {
  const auto* annotated = static_cast<const Annotated*>(arg);
  Acquired(annotated->mu);
  const bool holds = annotated->condition->Eval();
  Releasing(annotated->mu);
  return holds;
}

// Calls Abseil's `next(mu, cond, rest...)` with `cond` evaluated as above.
template <typename Next, typename... Rest>
auto CallAnnotated(Next next, absl::Mutex* mu, const absl::Condition& cond, Rest... rest) {
  Annotated annotated{&cond, mu};
  return next(mu, absl::Condition(&EvalAnnotated, &annotated), rest...);
}

}  // namespace

namespace absl {
ABSL_NAMESPACE_BEGIN

void Mutex::Lock() {
  static const auto next = Next<void (*)(Mutex*)>("_ZN", "5Mutex4LockEv");
  next(this);
  Acquired(this);
}

void Mutex::ReaderLock() {
  static const auto next = Next<void (*)(Mutex*)>("_ZN", "5Mutex10ReaderLockEv");
  next(this);
  Acquired(this);
}

bool Mutex::TryLock() {
  static const auto next = Next<bool (*)(Mutex*)>("_ZN", "5Mutex7TryLockEv");
  const bool locked = next(this);
  if (locked) Acquired(this);
  return locked;
}

bool Mutex::ReaderTryLock() {
  static const auto next = Next<bool (*)(Mutex*)>("_ZN", "5Mutex13ReaderTryLockEv");
  const bool locked = next(this);
  if (locked) Acquired(this);
  return locked;
}

void Mutex::Unlock() {
  static const auto next = Next<void (*)(Mutex*)>("_ZN", "5Mutex6UnlockEv");
  Releasing(this);
  next(this);
}

void Mutex::ReaderUnlock() {
  static const auto next = Next<void (*)(Mutex*)>("_ZN", "5Mutex12ReaderUnlockEv");
  Releasing(this);
  next(this);
}

void Mutex::Await(const Condition& cond) {
  static const auto next =
      Next<void (*)(Mutex*, const Condition&)>("_ZN", "5Mutex5AwaitERKNS0_9ConditionE");
  Releasing(this);
  CallAnnotated(next, this, cond);
  Acquired(this);
}

bool Mutex::AwaitWithTimeout(const Condition& cond, absl::Duration timeout) {
  static const auto next = Next<bool (*)(Mutex*, const Condition&, absl::Duration)>(
      "_ZN", "5Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  Releasing(this);
  const bool holds = CallAnnotated(next, this, cond, timeout);
  Acquired(this);
  return holds;
}

bool Mutex::AwaitWithDeadline(const Condition& cond, absl::Time deadline) {
  static const auto next = Next<bool (*)(Mutex*, const Condition&, absl::Time)>(
      "_ZN", "5Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  Releasing(this);
  const bool holds = CallAnnotated(next, this, cond, deadline);
  Acquired(this);
  return holds;
}

void Mutex::LockWhen(const Condition& cond) {
  static const auto next =
      Next<void (*)(Mutex*, const Condition&)>("_ZN", "5Mutex8LockWhenERKNS0_9ConditionE");
  CallAnnotated(next, this, cond);
  Acquired(this);
}

void Mutex::ReaderLockWhen(const Condition& cond) {
  static const auto next =
      Next<void (*)(Mutex*, const Condition&)>("_ZN", "5Mutex14ReaderLockWhenERKNS0_9ConditionE");
  CallAnnotated(next, this, cond);
  Acquired(this);
}

bool Mutex::LockWhenWithTimeout(const Condition& cond, absl::Duration timeout) {
  static const auto next = Next<bool (*)(Mutex*, const Condition&, absl::Duration)>(
      "_ZN", "5Mutex19LockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  const bool holds = CallAnnotated(next, this, cond, timeout);
  Acquired(this);
  return holds;
}

bool Mutex::LockWhenWithDeadline(const Condition& cond, absl::Time deadline) {
  static const auto next = Next<bool (*)(Mutex*, const Condition&, absl::Time)>(
      "_ZN", "5Mutex20LockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  const bool holds = CallAnnotated(next, this, cond, deadline);
  Acquired(this);
  return holds;
}

bool Mutex::ReaderLockWhenWithTimeout(const Condition& cond, absl::Duration timeout) {
  static const auto next = Next<bool (*)(Mutex*, const Condition&, absl::Duration)>(
      "_ZN", "5Mutex25ReaderLockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  const bool holds = CallAnnotated(next, this, cond, timeout);
  Acquired(this);
  return holds;
}

bool Mutex::ReaderLockWhenWithDeadline(const Condition& cond, absl::Time deadline) {
  static const auto next = Next<bool (*)(Mutex*, const Condition&, absl::Time)>(
      "_ZN", "5Mutex26ReaderLockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  const bool holds = CallAnnotated(next, this, cond, deadline);
  Acquired(this);
  return holds;
}

void CondVar::Wait(Mutex* mu) {
  static const auto next = Next<void (*)(CondVar*, Mutex*)>("_ZN", "7CondVar4WaitEPNS0_5MutexE");
  Releasing(mu);
  next(this, mu);
  Acquired(mu);
}

bool CondVar::WaitWithTimeout(Mutex* mu, absl::Duration timeout) {
  static const auto next = Next<bool (*)(CondVar*, Mutex*, absl::Duration)>(
      "_ZN", "7CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE");
  Releasing(mu);
  const bool timed_out = next(this, mu, timeout);
  Acquired(mu);
  return timed_out;
}

bool CondVar::WaitWithDeadline(Mutex* mu, absl::Time deadline) {
  static const auto next = Next<bool (*)(CondVar*, Mutex*, absl::Time)>(
      "_ZN", "7CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE");
  Releasing(mu);
  const bool timed_out = next(this, mu, deadline);
  Acquired(mu);
  return timed_out;
}

// A notification orders what came before Notify() before what follows any
// wait that saw it, including waits that find it already notified and never
// take its mutex.
void Notification::Notify() {
  static const auto next = Next<void (*)(Notification*)>("_ZN", "12Notification6NotifyEv");
  Releasing(this);
  next(this);
}

void Notification::WaitForNotification() const {
  static const auto next =
      Next<void (*)(const Notification*)>("_ZNK", "12Notification19WaitForNotificationEv");
  next(this);
  Acquired(this);
}

bool Notification::WaitForNotificationWithTimeout(absl::Duration timeout) const {
  static const auto next = Next<bool (*)(const Notification*, absl::Duration)>(
      "_ZNK", "12Notification30WaitForNotificationWithTimeoutENS0_8DurationE");
  const bool notified = next(this, timeout);
  if (notified) Acquired(this);
  return notified;
}

bool Notification::WaitForNotificationWithDeadline(absl::Time deadline) const {
  static const auto next = Next<bool (*)(const Notification*, absl::Time)>(
      "_ZNK", "12Notification31WaitForNotificationWithDeadlineENS0_4TimeE");
  const bool notified = next(this, deadline);
  if (notified) Acquired(this);
  return notified;
}

// Every DecrementCount() before what follows Wait(): only the last one takes
// the counter's mutex, the others count down with an atomic inside Abseil.
bool BlockingCounter::DecrementCount() {
  static const auto next =
      Next<bool (*)(BlockingCounter*)>("_ZN", "15BlockingCounter14DecrementCountEv");
  Releasing(this);
  return next(this);
}

void BlockingCounter::Wait() {
  static const auto next = Next<void (*)(BlockingCounter*)>("_ZN", "15BlockingCounter4WaitEv");
  next(this);
  Acquired(this);
}

ABSL_NAMESPACE_END
}  // namespace absl
