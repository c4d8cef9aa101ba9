#include "settings.h"

#include <cstdlib>

#include "absl/status/status.h"

namespace bilateral::internal {
namespace {

// `value` when given, else the environment variable `name` when set and not
// empty, else "".
std::string OrEnvironment(const std::string& value, const char* name) {
  if (!value.empty()) return value;
  const char* from_environment = std::getenv(name);
  return from_environment != nullptr ? from_environment : "";
}

}  // namespace

CallSettings ConnectionCallSettings(const ClientOptions& options) {
  CallSettings settings;
  settings.timeout = options.timeout;
  settings.retry = options.retry;
  settings.api_key = OrEnvironment(options.api_key, kApiKeyVariable);
  return settings;
}

CallSettings ForCall(CallSettings base, const CallOptions& call) {
  if (call.timeout.has_value()) base.timeout = *call.timeout;
  if (call.retry.has_value()) base.retry = *call.retry;
  if (call.api_key.has_value()) base.api_key = *call.api_key;
  return base;
}

absl::StatusOr<ChannelSettings> ResolveChannelSettings(const ClientOptions& options) {
  ChannelSettings settings;
  settings.endpoint = OrEnvironment(options.endpoint, kEndpointVariable);
  if (settings.endpoint.empty()) settings.endpoint = kDefaultEndpoint;
  if (options.credentials != nullptr) {
    if (!options.tls_ca_file.empty() || !options.tls_cert_file.empty() ||
        !options.tls_key_file.empty()) {
      return absl::InvalidArgumentError(
          "ClientOptions: set either credentials or the TLS files, not both");
    }
    return settings;
  }
  settings.tls_ca_file = OrEnvironment(options.tls_ca_file, kTlsCaFileVariable);
  settings.tls_cert_file = OrEnvironment(options.tls_cert_file, kTlsCertFileVariable);
  settings.tls_key_file = OrEnvironment(options.tls_key_file, kTlsKeyFileVariable);
  if (settings.tls_cert_file.empty() != settings.tls_key_file.empty()) {
    return absl::InvalidArgumentError(
        "a TLS client certificate needs its key: set tls_cert_file and tls_key_file "
        "(or BILATERAL_TLS_CERT_FILE and BILATERAL_TLS_KEY_FILE) together");
  }
  return settings;
}

}  // namespace bilateral::internal
