// Checks that the ThreadSanitizer build finds what it must and only that.
// Each mode is one scenario; tests/CMakeLists.txt states what ThreadSanitizer
// must say of it.
//
//   unguarded  two threads write one int with no ordering: a race.
//   locks      the same writes ordered by absl::Mutex (Lock, Await on a
//              condition another thread's Unlock evaluates, CondVar),
//              absl::Notification and absl::BlockingCounter: no race with
//              the Abseil annotations preloaded, a race without them.
//   handler    a gRPC callback handler and a thread of the process write one
//              int with no ordering: a race, though gRPC's own hand-offs are
//              suppressed.
//   on_done    the same from a reactor's OnDone, which gRPC runs from the
//              completion of the call's last operation.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <thread>

#include "absl/synchronization/blocking_counter.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "grpc/health/v1/health.grpc.pb.h"

// Outside the anonymous namespace, so the compiler keeps its writes.
int canary_shared_value = 0;

namespace {

__attribute__((noinline)) void WriteShared(int value) { canary_shared_value = value; }

int Unguarded() {
  std::thread writer([] { WriteShared(1); });
  WriteShared(2);
  writer.join();
  return 0;
}

int Locks() {
  absl::Mutex mu;
  int guarded = 0;  // under mu
  int turn = 0;     // under mu
  absl::CondVar changed;

  // The writer waits for its turn with Await; the main thread's Unlock
  // evaluates the condition on the writer's behalf.
  std::thread writer([&] {
    absl::MutexLock lock(&mu);
    mu.Await(absl::Condition(
        +[](int* t) { return *t == 1; }, &turn));
    guarded += 1;
    turn = 2;
    changed.SignalAll();
  });
  {
    absl::MutexLock lock(&mu);
    guarded += 1;
    turn = 1;
  }
  {
    absl::MutexLock lock(&mu);
    while (turn != 2) changed.Wait(&mu);
    guarded += 1;
  }

  // A value handed over by a notification alone, whether the reader waits
  // or finds it already notified.
  int handed_over = 0;
  absl::Notification ready;
  std::thread reader([&] {
    ready.WaitForNotification();
    handed_over += 1;
  });
  handed_over = 41;
  ready.Notify();

  // Values handed over by a counter alone: the first thread to count down
  // does not take the counter's mutex.
  int parts[2] = {0, 0};
  absl::BlockingCounter done(2);
  std::thread first([&] {
    parts[0] = 1;
    done.DecrementCount();
  });
  std::thread second([&] {
    parts[1] = 2;
    done.DecrementCount();
  });
  done.Wait();
  const int sum = parts[0] + parts[1];

  reader.join();
  writer.join();
  first.join();
  second.join();
  return guarded == 3 && handed_over == 42 && sum == 3 ? 0 : 1;
}

// Reactors whose OnDone has run; OnDone may run after the client has its
// answer.
std::atomic<int> reactors_done{0};

// Writes the shared int from the handler, or from the reactor's OnDone.
class Service final : public grpc::health::v1::Health::CallbackService {
 public:
  explicit Service(bool on_done) : on_done_(on_done) {}

  grpc::ServerUnaryReactor* Check(grpc::CallbackServerContext*,
                                  const grpc::health::v1::HealthCheckRequest*,
                                  grpc::health::v1::HealthCheckResponse*) override {
    class Reactor final : public grpc::ServerUnaryReactor {
     public:
      explicit Reactor(bool on_done) : on_done_(on_done) {}
      void OnDone() override {
        if (on_done_) WriteShared(3);
        reactors_done.fetch_add(1);
        delete this;
      }

     private:
      const bool on_done_;
    };
    if (!on_done_) WriteShared(4);
    auto* reactor = new Reactor(on_done_);
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

 private:
  const bool on_done_;
};

int CallsRaceWithAThread(bool on_done) {
  Service service(on_done);
  int port = 0;
  std::unique_ptr<grpc::Server> server =
      grpc::ServerBuilder()
          .AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port)
          .RegisterService(&service)
          .BuildAndStart();
  if (server == nullptr) return 1;
  auto stub = grpc::health::v1::Health::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));

  // A thread of the process that shares nothing with gRPC writes the int.
  std::thread writer([] { WriteShared(5); });
  for (int i = 0; i < 2; ++i) {
    grpc::ClientContext context;
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse response;
    if (!stub->Check(&context, request, &response).ok()) return 1;
  }
  // Joining the writer orders its write before whatever this thread does
  // next, and gRPC's locks, visible to ThreadSanitizer, would pass that on
  // to an OnDone still to come; so the writer is joined once both are done.
  while (reactors_done.load() < 2) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  writer.join();
  server->Shutdown();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const char* mode = argc == 2 ? argv[1] : "";
  if (std::strcmp(mode, "unguarded") == 0) return Unguarded();
  if (std::strcmp(mode, "locks") == 0) return Locks();
  if (std::strcmp(mode, "handler") == 0) return CallsRaceWithAThread(false);
  if (std::strcmp(mode, "on_done") == 0) return CallsRaceWithAThread(true);
  std::fprintf(stderr, "usage: tsan_canary unguarded|locks|handler|on_done\n");
  return 2;
}
