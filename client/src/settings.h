// The settings a connection and each of its calls run with, resolved in the
// order bilateral/options.h documents: per call, then the ClientOptions,
// then the environment, then the defaults.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bilateral/options.h"

namespace bilateral::internal {

inline constexpr char kDefaultEndpoint[] = "127.0.0.1:50051";
inline constexpr char kEndpointVariable[] = "BILATERAL_ENDPOINT";
inline constexpr char kApiKeyVariable[] = "BILATERAL_API_KEY";
inline constexpr char kTlsCaFileVariable[] = "BILATERAL_TLS_CA_FILE";
inline constexpr char kTlsCertFileVariable[] = "BILATERAL_TLS_CERT_FILE";
inline constexpr char kTlsKeyFileVariable[] = "BILATERAL_TLS_KEY_FILE";

// What one call runs with.
struct CallSettings {
  absl::Duration timeout;
  RetryOptions retry;
  std::string api_key;  // "" sends no authorization metadata
};

// What the calls of a connection made with `options` run with, before any
// CallOptions: the options' own values, the API key from the environment
// when the options have none.
CallSettings ConnectionCallSettings(const ClientOptions& options);

// `base` with every setting that `call` sets replaced.
CallSettings ForCall(CallSettings base, const CallOptions& call);

// Where and how a channel connects.
struct ChannelSettings {
  std::string endpoint;
  std::string tls_ca_file;
  std::string tls_cert_file;
  std::string tls_key_file;

  bool tls() const {
    return !tls_ca_file.empty() || !tls_cert_file.empty() || !tls_key_file.empty();
  }
};

// The endpoint and TLS files of `options`, each from the environment when
// the options leave it empty (TLS files only when `options.credentials` is
// null). INVALID_ARGUMENT when the TLS settings contradict each other.
absl::StatusOr<ChannelSettings> ResolveChannelSettings(const ClientOptions& options);

}  // namespace bilateral::internal
