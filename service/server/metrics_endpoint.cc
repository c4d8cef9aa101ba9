#include "server/metrics_endpoint.h"

#include <httplib.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/log.h"
#include "server/address.h"

namespace bilateral::server {

MetricsEndpoint::MetricsEndpoint() : http_(std::make_unique<httplib::Server>()) {}

absl::StatusOr<std::unique_ptr<MetricsEndpoint>> MetricsEndpoint::Start(
    const std::string& listen, std::function<std::string()> render, std::function<bool()> serving) {
  std::string host;
  int port = 0;
  if (auto status = SplitHostPort(listen, &host, &port); !status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("metrics_listen: ", status.message()));
  }
  auto endpoint = std::unique_ptr<MetricsEndpoint>(new MetricsEndpoint());
  httplib::Server& http = *endpoint->http_;
  // Scrapes and probes are few; two threads serve them.
  http.new_task_queue = [] { return new httplib::ThreadPool(2); };
  http.Get("/metrics", [render](const httplib::Request&, httplib::Response& response) {
    response.set_content(render(), "text/plain; version=0.0.4; charset=utf-8");
  });
  http.Get("/healthz", [serving](const httplib::Request&, httplib::Response& response) {
    const bool up = serving();
    response.status = up ? 200 : 503;
    response.set_content(up ? "SERVING\n" : "NOT_SERVING\n", "text/plain");
  });
  if (port == 0) {
    port = http.bind_to_any_port(host);
  } else if (!http.bind_to_port(host, port)) {
    port = -1;
  }
  if (port <= 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen for metrics on '", listen, "': address invalid or in use"));
  }
  endpoint->port_ = port;
  endpoint->thread_ = std::thread([&http] { http.listen_after_bind(); });
  // stop() only takes effect once the loop runs, so wait for it to start.
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  while (!http.is_running() && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(1));
  }
  LogInfo("server", "serving metrics", {{"address", listen}, {"port", port}});
  return endpoint;
}

MetricsEndpoint::~MetricsEndpoint() {
  http_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace bilateral::server
