#include "server/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log.h"

namespace bilateral::server {

absl::StatusOr<std::unique_ptr<Server>> Server::Start(const ServerOptions& options,
                                                      store::Store* store) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  auto server = std::unique_ptr<Server>(new Server());
  api::CallGuardOptions guard_options;
  guard_options.max_in_flight = options.max_in_flight;
  server->guard_ = std::make_unique<api::CallGuard>(guard_options);
  server->services_ = api::MakeServices(store, server->guard_.get());

  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen, grpc::InsecureServerCredentials(),
                           &server->port_);
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.SetMaxSendMessageSize(options.max_message_bytes);
  for (const auto& service : server->services_) {
    builder.RegisterService(service.get());
  }
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on '", options.listen,
                     "': address invalid or in use"));
  }
  server->server_->GetHealthCheckService()->SetServingStatus(true);
  LogInfo("server", "serving",
          {{"address", options.listen}, {"port", absl::StrCat(server->port_)}});
  return server;
}

Server::~Server() {
  if (!shut_down_) Shutdown(absl::ZeroDuration());
  Wait();
}

void Server::Shutdown(absl::Duration grace) {
  if (shut_down_) return;
  shut_down_ = true;
  server_->GetHealthCheckService()->SetServingStatus(false);
  server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
}

void Server::Wait() { server_->Wait(); }

}  // namespace bilateral::server
