// TLS for the gRPC port, from PEM files that can be replaced while the
// server runs: Reload() reads them again and every handshake after it uses
// the new certificate, key and client CAs. Connections already open keep the
// ones they were made with.
#pragma once

#include <grpc/grpc_security.h>
#include <grpcpp/security/server_credentials.h>

#include <cstdint>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace bilateral::server {

struct TlsFiles {
  // The server's certificate chain and private key, PEM. TLS is on when the
  // certificate is set.
  std::string cert_file;
  std::string key_file;
  // CA certificates, PEM. When set, clients must present a certificate
  // signed by one of them (mutual TLS).
  std::string client_ca_file;

  bool enabled() const { return !cert_file.empty(); }
};

class ReloadableTls {
 public:
  // Reads and checks the files (the key must match the certificate). Fails
  // naming the file at fault.
  static absl::StatusOr<std::unique_ptr<ReloadableTls>> Create(const TlsFiles& files);

  // Reads the files again. On failure the certificates in use stay.
  absl::Status Reload();

  // Credentials for ServerBuilder::AddListeningPort. This object must
  // outlive every server they are added to.
  std::shared_ptr<grpc::ServerCredentials> credentials() const { return credentials_; }

 private:
  struct Pems {
    std::string cert_chain;
    std::string private_key;
    std::string client_ca;
  };

  explicit ReloadableTls(TlsFiles files) : files_(std::move(files)) {}

  static absl::StatusOr<Pems> Load(const TlsFiles& files);
  // Called by gRPC before each handshake: hands over the newest PEMs when
  // they changed since it last asked.
  static grpc_ssl_certificate_config_reload_status Fetch(
      void* self, grpc_ssl_server_certificate_config** config);

  const TlsFiles files_;
  absl::Mutex mu_;
  Pems pems_ ABSL_GUARDED_BY(mu_);
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 1;
  uint64_t fetched_generation_ ABSL_GUARDED_BY(mu_) = 0;
  std::shared_ptr<grpc::ServerCredentials> credentials_;
};

}  // namespace bilateral::server
