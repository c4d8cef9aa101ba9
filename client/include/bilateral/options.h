// Settings shared by every client connection, and the channel they use.
#pragma once

#include <grpcpp/security/credentials.h>

#include <memory>
#include <string>

#include "absl/time/time.h"

namespace grpc {
class Channel;
}  // namespace grpc

namespace bilateral {

struct ClientOptions {
  // Where the server listens: "host:port" or any gRPC target URI.
  std::string endpoint = "127.0.0.1:50051";
  // Transport credentials; null means plaintext (loopback and tests).
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  // Deadline of each call; for ImportTradeRecords, of the whole stream.
  absl::Duration timeout = absl::Seconds(30);
};

// A channel to `options.endpoint` with `options.credentials`. It connects on
// first use and reconnects by itself; pass it to several Make*Connection
// calls to share one connection to the server between clients.
std::shared_ptr<grpc::Channel> MakeChannel(const ClientOptions& options);

}  // namespace bilateral
