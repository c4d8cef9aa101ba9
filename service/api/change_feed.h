// The change feed service: WatchChanges streams the store's changes in
// commit order from a resumable cursor.
//
// Streams do not hold threads. Each stream has at most one message in
// flight and reads the next batch from the store when it is written; a
// stream that has caught up waits in the feed, and one poller thread checks
// the store's latest position and wakes the streams behind it. So a slow
// consumer costs one batch of memory and never holds up writers: changes
// wait in the store, and a consumer that falls behind the retained history
// is told to resync (CURSOR_EXPIRED).
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <memory>
#include <set>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "api/call_guard.h"
#include "store/store.h"

namespace bilateral::api {

struct ChangeFeedOptions {
  // Streams open at once; more get RESOURCE_EXHAUSTED.
  int max_streams = 256;
  // How often the store is checked for changes while streams wait.
  absl::Duration poll_interval = absl::Milliseconds(100);
  // Most changes in one message.
  int batch_size = 100;
};

class WatchReactor;

class ChangeFeed {
 public:
  ChangeFeed(store::Store* store, CallGuard* guard, ChangeFeedOptions options);
  ~ChangeFeed();

  // The gRPC service; the feed must outlive it.
  std::unique_ptr<grpc::Service> MakeService();

  // Ends every stream with UNAVAILABLE (clients resume elsewhere) and
  // refuses new ones; for shutdown.
  void Stop();

  int open_streams() const;

  // Ends every stream whose caller the guard no longer lets watch (its key
  // revoked) with UNAUTHENTICATED: at once when it waits for changes, else
  // when its message in flight is written. Returns how many; for after the
  // keys are reloaded.
  int EndStreamsNoLongerAuthorized();

 private:
  friend class WatchReactor;
  class Service;

  // Admits a stream: false when the feed is stopping or full.
  absl::Status Register(WatchReactor* reactor);
  void Unregister(WatchReactor* reactor);
  // Parks a stream that has caught up until the store moves past it.
  void Wait(WatchReactor* reactor);
  void Poll();

  store::Store& store_;
  CallGuard& guard_;
  const ChangeFeedOptions options_;
  mutable absl::Mutex mu_;
  std::set<WatchReactor*> streams_ ABSL_GUARDED_BY(mu_);
  std::set<WatchReactor*> waiting_ ABSL_GUARDED_BY(mu_);
  std::atomic<bool> stopped_{false};
  std::thread poller_;
};

}  // namespace bilateral::api
