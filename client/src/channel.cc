// MakeChannel: the endpoint and transport security that the options and the
// environment give.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "bilateral/options.h"
#include "decorators.h"
#include "settings.h"

namespace bilateral {
namespace {

// The whole file at `path`; FAILED_PRECONDITION naming it and `what` it is
// when it cannot be read.
absl::StatusOr<std::string> ReadPem(const std::string& path, const char* what) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  std::string text;
  if (file != nullptr) {
    char buffer[16 * 1024];
    size_t read = 0;
    while ((read = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) {
      text.append(buffer, read);
    }
  }
  if (file == nullptr || std::ferror(file.get())) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read the ", what, " ", path, ": ", std::strerror(errno)));
  }
  return text;
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> TlsCredentials(
    const internal::ChannelSettings& settings) {
  grpc::SslCredentialsOptions ssl;
  if (!settings.tls_ca_file.empty()) {
    auto roots = ReadPem(settings.tls_ca_file, "TLS CA file");
    if (!roots.ok()) return roots.status();
    ssl.pem_root_certs = *std::move(roots);
  }
  if (!settings.tls_cert_file.empty()) {
    auto cert = ReadPem(settings.tls_cert_file, "TLS certificate file");
    if (!cert.ok()) return cert.status();
    auto key = ReadPem(settings.tls_key_file, "TLS key file");
    if (!key.ok()) return key.status();
    ssl.pem_cert_chain = *std::move(cert);
    ssl.pem_private_key = *std::move(key);
  }
  return grpc::SslCredentials(ssl);
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(const Options& options) {
  auto settings = internal::ResolveChannelSettings(options);
  if (!settings.ok()) return settings.status();
  std::shared_ptr<grpc::ChannelCredentials> credentials = options.get<GrpcCredentialsOption>();
  if (credentials == nullptr && settings->tls()) {
    auto tls = TlsCredentials(*settings);
    if (!tls.ok()) return tls.status();
    credentials = *std::move(tls);
  }
  if (credentials == nullptr) credentials = grpc::InsecureChannelCredentials();
  // Every call names the SDK and its version ("bilateral-cpp/0.1.0 grpc-c++/..."),
  // so that a server's logs tell its clients apart.
  grpc::ChannelArguments arguments;
  arguments.SetUserAgentPrefix(internal::UserAgent());
  return grpc::CreateCustomChannel(settings->endpoint, credentials, arguments);
}

}  // namespace bilateral
