// A plain HTTP port for orchestrators: Prometheus metrics at /metrics and a
// probe at /healthz. It serves nothing else and needs no key; keep it on a
// network only monitoring can reach.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"

namespace httplib {
class Server;
}

namespace bilateral::server {

class MetricsEndpoint {
 public:
  // Serves on `listen` ("host:port"; port 0 picks a free port): /metrics
  // answers render(), /healthz answers 200 while serving() is true and 503
  // otherwise. Both functions are called from the endpoint's threads and
  // must stay valid until the endpoint is destroyed. Fails when the address
  // is invalid or cannot be bound.
  static absl::StatusOr<std::unique_ptr<MetricsEndpoint>> Start(const std::string& listen,
                                                                std::function<std::string()> render,
                                                                std::function<bool()> serving);

  // Stops serving and waits for the endpoint's threads.
  ~MetricsEndpoint();

  // The port actually bound.
  int port() const { return port_; }

 private:
  MetricsEndpoint();

  std::unique_ptr<httplib::Server> http_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace bilateral::server
