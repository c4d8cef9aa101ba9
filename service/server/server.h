// A running bilateral-server: the gRPC services, health and reflection over
// one store. Used by the binary and by tests, so tests run the real thing.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "api/services.h"
#include "store/store.h"

namespace bilateral::server {

struct ServerOptions {
  // host:port to listen on; port 0 picks a free port.
  std::string listen = "127.0.0.1:50051";
  // Calls worked on at once before new ones get RESOURCE_EXHAUSTED.
  int max_in_flight = 1024;
  // Largest request or response message, in bytes.
  int max_message_bytes = 4 << 20;
};

class Server {
 public:
  // Starts serving `store` (which must outlive the server). Fails when the
  // address cannot be bound.
  static absl::StatusOr<std::unique_ptr<Server>> Start(
      const ServerOptions& options, store::Store* store);

  ~Server();

  // The port actually bound.
  int port() const { return port_; }

  // Marks health NOT_SERVING, stops taking calls, and lets calls in flight
  // finish for up to `grace` before cancelling them.
  void Shutdown(absl::Duration grace);

  // Blocks until the server has shut down.
  void Wait();

 private:
  Server() = default;

  std::unique_ptr<api::CallGuard> guard_;
  std::vector<std::unique_ptr<grpc::Service>> services_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  bool shut_down_ = false;
};

}  // namespace bilateral::server
