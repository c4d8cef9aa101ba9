// A running bilateral-server: the gRPC services, health and reflection over
// one store, with the call guard (keys, limits, deadlines, logs, metrics),
// optional TLS and an optional metrics port. Used by the binary and by
// tests, so tests run the real thing.
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "api/api_keys.h"
#include "api/change_feed.h"
#include "api/services.h"
#include "common/executor.h"
#include "common/metrics.h"
#include "server/metrics_endpoint.h"
#include "server/tls.h"
#include "store/store.h"

namespace bilateral::server {

struct ServerOptions {
  // host:port to listen on; port 0 picks a free port.
  std::string listen = "127.0.0.1:50051";
  // Calls worked on at once before new ones get RESOURCE_EXHAUSTED.
  int max_in_flight = 1024;
  // Threads running the bodies of reads; as many as the store has
  // connections for reads, so a read never waits for a connection.
  int read_workers = 8;
  // Threads running the bodies of writes (and admin calls).
  int write_workers = 16;
  // Calls of each kind (reads, writes) waiting for a worker; a call that
  // finds them all taken gets RESOURCE_EXHAUSTED on arrival.
  int max_queued_calls = 256;
  // Largest request and response message, in bytes.
  int max_receive_message_bytes = 4 << 20;
  int max_send_message_bytes = 4 << 20;
  // The longest a call may work; a client's earlier deadline wins.
  absl::Duration default_deadline = absl::Seconds(30);
  // Pings on idle connections, and how long an answer may take before the
  // connection is closed.
  absl::Duration keepalive_time = absl::Minutes(1);
  absl::Duration keepalive_timeout = absl::Seconds(20);
  // Clients pinging more often than this are disconnected.
  absl::Duration keepalive_min_client_interval = absl::Seconds(10);
  // Connections idle this long are closed; zero: never.
  absl::Duration max_connection_idle = absl::ZeroDuration();
  // Connections older than this are asked to reconnect (so load balancers
  // can rebalance), with this grace for their calls; zero: never.
  absl::Duration max_connection_age = absl::Minutes(30);
  absl::Duration max_connection_age_grace = absl::Minutes(1);
  // API keys file; empty turns authentication off.
  std::string keys_file;
  // TLS for the gRPC port; off when no certificate is given.
  TlsFiles tls;
  // Listening beyond loopback needs keys or TLS unless this is set.
  bool allow_insecure_public = false;
  // host:port of the HTTP metrics and probe port; empty: off.
  std::string metrics_listen;
  // Serve gRPC channelz (connection and call statistics, unauthenticated).
  bool channelz = false;
  // The SQLite file, for the store size metric; empty: no such metric.
  std::string database_path;
  // How often the store is checked; while it cannot be reached, health is
  // NOT_SERVING so load balancers route around this replica. Zero: never.
  absl::Duration store_check_interval = absl::Seconds(1);
  // Change streams (WatchChanges) open at once; more get RESOURCE_EXHAUSTED.
  int max_change_streams = 256;
};

// Refuses options that would serve beyond loopback with neither API keys
// nor TLS, unless allow_insecure_public is set: FAILED_PRECONDITION naming
// the settings that fix it.
absl::Status CheckExposure(const ServerOptions& options);

class Server {
 public:
  // Starts serving `store` (which must outlive the server). Fails when the
  // options are unsafe (public without keys or TLS), a keys or TLS file is
  // unusable, or an address cannot be bound.
  static absl::StatusOr<std::unique_ptr<Server>> Start(const ServerOptions& options,
                                                       store::Store* store);

  ~Server();

  // The port actually bound.
  int port() const { return port_; }
  // The metrics port actually bound; 0 when off.
  int metrics_port() const { return endpoint_ ? endpoint_->port() : 0; }

  // Re-reads the keys file and the TLS files. What fails to load is logged
  // and keeps its previous contents; calls are served throughout.
  absl::Status Reload();

  // Marks health NOT_SERVING, refuses new calls with UNAVAILABLE, and lets
  // calls in flight finish for up to `grace`; then cancels what is left and
  // stops its storage work. Returns when no call is left.
  void Shutdown(absl::Duration grace);

  // Blocks until the server has shut down.
  void Wait();

  // Every metric in the Prometheus text format, as /metrics serves it.
  std::string RenderMetrics() const { return metrics_.Render(); }
  // Calls being worked on now.
  int in_flight() const { return guard_->in_flight(); }
  // Whether the last check reached the store.
  bool store_reachable() const { return store_reachable_.load(); }

 private:
  Server() = default;

  // Checks the store every `interval` until shutdown, and keeps the health
  // status in step: SERVING only while not draining and the store answers.
  void WatchStore(absl::Duration interval);
  void PublishHealth();

  // Declared in the order they are built; destroyed in reverse.
  metrics::Registry metrics_;
  std::unique_ptr<api::KeyRing> keys_;
  std::unique_ptr<ReloadableTls> tls_;
  // Where call bodies run; destroyed after gRPC has finished every call.
  std::unique_ptr<Executor> readers_;
  std::unique_ptr<Executor> writers_;
  std::unique_ptr<api::CallGuard> guard_;
  std::unique_ptr<api::ChangeFeed> change_feed_;
  std::vector<std::unique_ptr<grpc::Service>> services_;
  std::unique_ptr<grpc::Server> server_;
  store::Store* store_ = nullptr;
  std::atomic<bool> serving_{false};
  std::atomic<bool> store_reachable_{true};
  absl::Mutex health_mu_;
  bool stop_watching_ ABSL_GUARDED_BY(health_mu_) = false;
  std::thread store_watcher_;
  std::unique_ptr<MetricsEndpoint> endpoint_;
  int port_ = 0;
  bool shut_down_ = false;
};

}  // namespace bilateral::server
