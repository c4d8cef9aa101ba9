// Settings shared by every client connection.
#pragma once

#include <grpcpp/security/credentials.h>

#include <memory>
#include <string>

#include "absl/time/time.h"

namespace bilateral {

struct ClientOptions {
  // Where the server listens: "host:port" or any gRPC target URI.
  std::string endpoint = "127.0.0.1:50051";
  // Transport credentials; null means plaintext (loopback and tests).
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  // Deadline of each call.
  absl::Duration timeout = absl::Seconds(30);
};

}  // namespace bilateral
