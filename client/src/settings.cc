#include "settings.h"

#include <cstdlib>
#include <memory>
#include <utility>

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

Options DefaultCallOptions() {
  static const Options* const kDefaults = new Options(ClientOptions{});
  Options defaults;
  defaults.set<TimeoutOption>(kDefaults->get<TimeoutOption>());
  defaults.set<RetryPolicyOption>(kDefaults->get<RetryPolicyOption>());
  defaults.set<BackoffPolicyOption>(kDefaults->get<BackoffPolicyOption>());
  return defaults;
}

Options ConnectionOptions(Options options) {
  if (options.has<RetryPolicyOption>() && options.get<RetryPolicyOption>() == nullptr) {
    options.unset<RetryPolicyOption>();
  }
  if (options.has<BackoffPolicyOption>() && options.get<BackoffPolicyOption>() == nullptr) {
    options.unset<BackoffPolicyOption>();
  }
  std::string api_key = OrEnvironment(options.get<ApiKeyOption>(), kApiKeyVariable);
  if (api_key.empty()) {
    options.unset<ApiKeyOption>();
  } else {
    options.set<ApiKeyOption>(std::move(api_key));
  }
  return MergeOptions(std::move(options), DefaultCallOptions());
}

Options ForCall(const Options& call, const Options& connection) {
  return MergeOptions(call, connection);
}

const RetryPolicy& RetryPolicyOf(const Options& options) {
  static const RetryPolicy* const kDefault =
      DefaultCallOptions().get<RetryPolicyOption>()->clone().release();
  const auto& policy = options.get<RetryPolicyOption>();
  return policy != nullptr ? *policy : *kDefault;
}

const BackoffPolicy& BackoffPolicyOf(const Options& options) {
  static const BackoffPolicy* const kDefault =
      DefaultCallOptions().get<BackoffPolicyOption>()->clone().release();
  const auto& policy = options.get<BackoffPolicyOption>();
  return policy != nullptr ? *policy : *kDefault;
}

absl::StatusOr<ChannelSettings> ResolveChannelSettings(const Options& options) {
  ChannelSettings settings;
  settings.endpoint = OrEnvironment(options.get<EndpointOption>(), kEndpointVariable);
  if (settings.endpoint.empty()) settings.endpoint = kDefaultEndpoint;
  const bool tls_files = !options.get<TlsCaFileOption>().empty() ||
                         !options.get<TlsCertFileOption>().empty() ||
                         !options.get<TlsKeyFileOption>().empty();
  if (options.get<GrpcCredentialsOption>() != nullptr) {
    if (tls_files) {
      return absl::InvalidArgumentError(
          "options: set either credentials or the TLS files, not both");
    }
    return settings;
  }
  settings.tls_ca_file = OrEnvironment(options.get<TlsCaFileOption>(), kTlsCaFileVariable);
  settings.tls_cert_file = OrEnvironment(options.get<TlsCertFileOption>(), kTlsCertFileVariable);
  settings.tls_key_file = OrEnvironment(options.get<TlsKeyFileOption>(), kTlsKeyFileVariable);
  if (settings.tls_cert_file.empty() != settings.tls_key_file.empty()) {
    return absl::InvalidArgumentError(
        "a TLS client certificate needs its key: set tls_cert_file and tls_key_file "
        "(or BILATERAL_TLS_CERT_FILE and BILATERAL_TLS_KEY_FILE) together");
  }
  return settings;
}

}  // namespace bilateral::internal
