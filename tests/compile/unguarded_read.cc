// Must not compile under clang with the project's warnings: it reads a
// member guarded by a mutex without holding it. The thread_safety test
// builds it and expects the build to fail on exactly that.
#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace bilateral {

class Counter {
 public:
  void Add() {
    absl::MutexLock lock(&mu_);
    ++count_;
  }
  int Read() const { return count_; }  // no lock held

 private:
  mutable absl::Mutex mu_;
  int count_ ABSL_GUARDED_BY(mu_) = 0;
};

int ReadCounter(const Counter& counter) { return counter.Read(); }

}  // namespace bilateral
