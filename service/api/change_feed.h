// The change feed service: WatchChanges streams the store's changes in
// commit order from a resumable cursor.
//
// Streams do not hold threads, and their cost does not grow with the
// feed's history. One feed thread reads each new batch of changes once, as
// an indexed range read from where it last stopped, and keeps the latest
// `window` of them in memory with their events already built; every stream
// that has caught up takes its next message from there, filtering by
// collection, without a query of its own. Only a stream behind that window
// (resuming an old cursor, or one that fell behind) reads the store, from
// its cursor, on the feed thread. A stream waiting for its client to read
// its one message in flight is not looked at at all. So a slow consumer
// costs one message of memory and never holds up writers: changes wait in
// the store, and a consumer that falls behind the retained history is told
// to resync (CURSOR_EXPIRED).
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <deque>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

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
  // Latest changes kept in memory for streams that have caught up.
  int window = 1024;
};

class WatchReactor;
struct FeedEvent;

// Changes for one stream from where it stands.
struct FeedSlice {
  std::vector<std::shared_ptr<const FeedEvent>> events;
  // Every change up to here was looked at; the stream may move to it.
  int64_t scanned_through = 0;
  // The first change the store retains, to tell a stream it fell behind.
  int64_t oldest = 0;
  // The store's identity, which cursors carry.
  std::string store_identity;
};

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
  // Parks a stream until the feed has changes past it; `behind`: it needs
  // a read of the store, which the feed thread does at once.
  void Wait(WatchReactor* reactor, bool behind);
  // The feed thread: reads new changes into the window and moves the
  // streams that wait.
  void Poll();
  // Reads the changes after the window into it; false when nothing new.
  bool Advance();
  // Up to `limit` changes after `after` of `collections` (every one when
  // empty) from the window; false when the window no longer holds them.
  bool FromWindow(int64_t after, const std::vector<std::string>& collections, int limit,
                  FeedSlice* slice) const;
  // The same from the store: an indexed range read from `after`.
  absl::StatusOr<FeedSlice> FromStore(const CallContext& call, int64_t after,
                                      const std::vector<std::string>& collections, int limit) const;

  store::Store& store_;
  CallGuard& guard_;
  const ChangeFeedOptions options_;
  mutable absl::Mutex mu_;
  std::set<WatchReactor*> streams_ ABSL_GUARDED_BY(mu_);
  std::set<WatchReactor*> waiting_ ABSL_GUARDED_BY(mu_);
  // Set when a waiting stream needs the store: the feed thread runs now.
  bool urgent_ ABSL_GUARDED_BY(mu_) = false;
  // Every change in (window_from_, window_through_], oldest first. Written
  // by the feed thread only.
  mutable absl::Mutex window_mu_;
  std::deque<std::shared_ptr<const FeedEvent>> window_ ABSL_GUARDED_BY(window_mu_);
  int64_t window_from_ ABSL_GUARDED_BY(window_mu_) = -1;  // -1: not read yet
  int64_t window_through_ ABSL_GUARDED_BY(window_mu_) = -1;
  int64_t oldest_ ABSL_GUARDED_BY(window_mu_) = 0;
  std::string store_identity_ ABSL_GUARDED_BY(window_mu_);
  std::atomic<bool> stopped_{false};
  std::thread poller_;
};

}  // namespace bilateral::api
