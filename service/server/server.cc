#include "server/server.h"

#include <grpcpp/ext/channelz_service_plugin.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <sys/stat.h>

#include <climits>
#include <limits>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "api/search_service.h"
#include "common/log.h"
#include "server/address.h"

namespace bilateral::server {
namespace {

// A duration as a gRPC millisecond argument; zero means never.
int Millis(absl::Duration duration) {
  if (duration <= absl::ZeroDuration()) return INT_MAX;
  return static_cast<int>(std::min<int64_t>(absl::ToInt64Milliseconds(duration), INT_MAX));
}

// How long no call must arrive before a draining server stops gRPC.
constexpr absl::Duration kDrainQuietPeriod = absl::Milliseconds(200);

int64_t FileBytes(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0 ? static_cast<int64_t>(info.st_size) : 0;
}

}  // namespace

absl::Status CheckExposure(const ServerOptions& options) {
  if (!IsLocalOnly(options.listen) && options.keys_file.empty() && !options.tls.enabled() &&
      !options.allow_insecure_public) {
    return absl::FailedPreconditionError(
        absl::StrCat("refusing to serve on '", options.listen,
                     "', beyond loopback, with neither API keys (keys_file) nor TLS "
                     "(tls_cert_file); set allow_insecure_public to do so anyway"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Server>> Server::Start(const ServerOptions& options,
                                                      store::Store* store) {
  if (auto status = CheckExposure(options); !status.ok()) return status;
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  if (options.channelz) grpc::channelz::experimental::InitChannelzService();

  auto server = std::unique_ptr<Server>(new Server());
  server->store_ = store;
  if (!options.keys_file.empty()) {
    auto keys = api::KeyRing::Open(options.keys_file);
    if (!keys.ok()) return keys.status();
    server->keys_ = std::move(*keys);
    LogInfo("server", "API keys required",
            {{"file", options.keys_file}, {"keys", server->keys_->size()}});
  } else {
    LogWarning("server", "API keys are off: every caller may do everything");
  }
  std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials();
  if (options.tls.enabled()) {
    auto tls = ReloadableTls::Create(options.tls);
    if (!tls.ok()) return tls.status();
    server->tls_ = std::move(*tls);
    credentials = server->tls_->credentials();
  }

  server->readers_ =
      std::make_unique<Executor>("reads", options.read_workers, options.max_queued_calls);
  server->writers_ =
      std::make_unique<Executor>("writes", options.write_workers, options.max_queued_calls);
  api::CallGuardOptions guard_options;
  guard_options.readers = server->readers_.get();
  guard_options.writers = server->writers_.get();
  guard_options.max_in_flight = options.max_in_flight;
  guard_options.default_deadline = options.default_deadline;
  // gRPC reads a negative limit as none.
  guard_options.max_response_bytes = options.max_send_message_bytes >= 0
                                         ? static_cast<size_t>(options.max_send_message_bytes)
                                         : std::numeric_limits<size_t>::max();
  guard_options.keys = server->keys_.get();
  guard_options.metrics = &server->metrics_;
  server->guard_ = std::make_unique<api::CallGuard>(guard_options);
  server->services_ = api::MakeServices(store, server->guard_.get());
  api::ChangeFeedOptions feed_options;
  feed_options.max_streams = options.max_change_streams;
  server->change_feed_ =
      std::make_unique<api::ChangeFeed>(store, server->guard_.get(), feed_options);
  server->services_.push_back(server->change_feed_->MakeService());
  server->services_.push_back(api::MakeSearchService(store, server->guard_.get()));

  Server* self = server.get();
  server->metrics_.AddGauge("bilateral_serving",
                            "1 while the server takes calls, 0 once it drains.",
                            [self] { return self->serving_.load() ? 1.0 : 0.0; });
  server->metrics_.AddGauge("bilateral_store_reachable",
                            "1 while the last check reached the store, 0 otherwise.",
                            [self] { return self->store_reachable_.load() ? 1.0 : 0.0; });
  for (Executor* executor : {server->readers_.get(), server->writers_.get()}) {
    server->metrics_.AddGauge(
        absl::StrCat("bilateral_", executor->name(), "_queued"),
        absl::StrCat("Calls (", executor->name(), ") admitted and waiting for a worker."),
        [executor] { return static_cast<double>(executor->queued()); });
  }
  if (!options.database_path.empty()) {
    const std::string path = options.database_path;
    server->metrics_.AddGauge(
        "bilateral_store_bytes", "Size of the SQLite database and its write-ahead log, in bytes.",
        [path] {
          return static_cast<double>(FileBytes(path) + FileBytes(absl::StrCat(path, "-wal")));
        });
  }

  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen, credentials, &server->port_);
  builder.SetMaxReceiveMessageSize(options.max_receive_message_bytes);
  builder.SetMaxSendMessageSize(options.max_send_message_bytes);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, Millis(options.keepalive_time));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, Millis(options.keepalive_timeout));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                             Millis(options.keepalive_min_client_interval));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS, Millis(options.max_connection_idle));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS, Millis(options.max_connection_age));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS,
                             Millis(options.max_connection_age_grace));
  for (const auto& service : server->services_) {
    builder.RegisterService(service.get());
  }
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on '", options.listen, "': address invalid or in use"));
  }
  server->serving_ = true;
  server->PublishHealth();
  if (options.store_check_interval > absl::ZeroDuration()) {
    server->store_watcher_ = std::thread(
        [self, interval = options.store_check_interval] { self->WatchStore(interval); });
  }
  LogInfo("server", "serving",
          {{"address", options.listen},
           {"port", server->port_},
           {"tls", options.tls.enabled()},
           {"mutual_tls", !options.tls.client_ca_file.empty()},
           {"api_keys", server->keys_ != nullptr}});

  if (!options.metrics_listen.empty()) {
    auto endpoint = MetricsEndpoint::Start(
        options.metrics_listen, [self] { return self->RenderMetrics(); },
        [self] { return self->serving_.load() && self->store_reachable_.load(); });
    if (!endpoint.ok()) return endpoint.status();
    server->endpoint_ = std::move(*endpoint);
  }
  return server;
}

Server::~Server() {
  if (server_ == nullptr) return;  // Start failed before serving
  if (!shut_down_) Shutdown(absl::ZeroDuration());
  Wait();
  endpoint_.reset();
}

// Every service of the API: each has a health status of its own (as load
// balancers and Kubernetes probes ask by name), the same as the server's.
// tests/server_test.cc checks that this covers every service the server
// registers.
constexpr const char* kApiServices[] = {
    "bilateral.v1.ChangeService",
    "bilateral.v1.CountryService",
    "bilateral.v1.ExchangeService",
    "bilateral.v1.FindingService",
    "bilateral.v1.InfrastructureProjectService",
    "bilateral.v1.ObservationService",
    "bilateral.v1.PartnershipService",
    "bilateral.v1.RelationshipService",
    "bilateral.v1.SearchService",
    "bilateral.v1.SourceService",
    "bilateral.v1.TradeRecordService",
    "bilateral.v1.VisitService",
};

void Server::PublishHealth() {
  const bool serving = serving_.load() && store_reachable_.load();
  auto* health = server_->GetHealthCheckService();
  health->SetServingStatus(serving);  // the server as a whole: ""
  for (const char* service : kApiServices) health->SetServingStatus(service, serving);
}

void Server::WatchStore(absl::Duration interval) {
  absl::MutexLock lock(&health_mu_);
  while (!health_mu_.AwaitWithTimeout(absl::Condition(&stop_watching_), interval)) {
    health_mu_.Unlock();
    const absl::Status status = store_->Ping();
    health_mu_.Lock();
    if (stop_watching_) break;
    const bool reachable = status.ok();
    if (reachable == store_reachable_.load()) continue;
    store_reachable_ = reachable;
    if (reachable) {
      LogInfo("server", "store reachable again; serving");
    } else {
      LogError("server", "store unreachable; health is NOT_SERVING until it answers",
               {{"error", std::string(status.message())}});
    }
    PublishHealth();
  }
}

absl::Status Server::Reload() {
  absl::Status result;
  if (keys_ != nullptr) {
    if (auto status = keys_->Reload(); status.ok()) {
      LogInfo("server", "reloaded API keys", {{"keys", keys_->size()}});
      if (int ended = change_feed_->EndStreamsNoLongerAuthorized(); ended > 0) {
        LogInfo("server", "ended the change streams of keys no longer accepted",
                {{"streams", ended}});
      }
    } else {
      LogError("server", "API keys not reloaded; the previous keys stay",
               {{"error", std::string(status.message())}});
      result.Update(status);
    }
  }
  if (tls_ != nullptr) {
    if (auto status = tls_->Reload(); status.ok()) {
      LogInfo("server", "reloaded TLS certificates");
    } else {
      LogError("server", "TLS certificates not reloaded; the previous ones stay",
               {{"error", std::string(status.message())}});
      result.Update(status);
    }
  }
  return result;
}

void Server::Shutdown(absl::Duration grace) {
  if (shut_down_) return;
  shut_down_ = true;
  const absl::Time deadline = absl::Now() + grace;
  {
    absl::MutexLock lock(&health_mu_);
    stop_watching_ = true;
    serving_ = false;
    PublishHealth();
  }
  if (store_watcher_.joinable()) store_watcher_.join();
  LogInfo("server", "draining",
          {{"in_flight", guard_->in_flight()}, {"grace_s", absl::ToDoubleSeconds(grace)}});
  // First the guard refuses new calls with UNAVAILABLE, which clients retry
  // elsewhere, while the calls it admitted finish. Only once calls have
  // stopped arriving does gRPC stop taking them: gRPC cancels calls that
  // reach it after its shutdown has begun, and CANCELLED would not tell a
  // client that the call never ran.
  guard_->StartDraining();
  // Change streams never go quiet by themselves: they end now, and their
  // clients resume from their cursors elsewhere.
  change_feed_->Stop();
  guard_->WaitUntilQuiet(kDrainQuietPeriod, deadline);
  LogDebug("server", "calls stopped arriving; stopping gRPC", {{"in_flight", guard_->in_flight()}});
  // gRPC cancels what is left at the deadline, but a handler body runs to
  // its end; past the grace, ask storage to stop their statements too.
  absl::Notification drained;
  std::thread watchdog([this, deadline, &drained] {
    if (!drained.WaitForNotificationWithDeadline(deadline)) guard_->StopCallWork();
  });
  server_->Shutdown(absl::ToChronoTime(deadline));
  drained.Notify();
  watchdog.join();
  LogInfo("server", "drained");
}

void Server::Wait() { server_->Wait(); }

}  // namespace bilateral::server
