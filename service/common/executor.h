// A fixed set of threads working through a bounded queue of tasks. The server
// runs the bodies of calls that touch storage on executors of its own, so
// gRPC's callback threads only ever react and never wait on a database
// (docs/adr/0001-threading-and-storage.md).
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace bilateral {

class Executor {
 public:
  // `threads` workers (at least one); at most `max_queued` tasks wait for a
  // worker at once (at least one). A task that an idle worker will take
  // does not wait, so `threads + max_queued` tasks are always accepted by
  // an idle executor, however the workers happen to be scheduled.
  Executor(std::string name, int threads, int max_queued);
  // Runs every task already queued, then joins the workers.
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // Queues `task` and returns true; returns false at once, queuing nothing,
  // when `max_queued` tasks are already waiting for a worker.
  bool TrySubmit(std::function<void()> task);

  const std::string& name() const { return name_; }
  int threads() const { return static_cast<int>(workers_.size()); }
  int max_queued() const { return max_queued_; }
  // Tasks waiting for a worker now.
  int queued() const;

 private:
  void Work();

  const std::string name_;
  const int max_queued_;
  mutable absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  // Workers not running a task: each takes one of the queue's tasks.
  int idle_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> workers_;
};

}  // namespace bilateral
