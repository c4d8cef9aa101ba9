// The settings a connection and each of its calls run with, resolved in the
// order bilateral/options.h documents: the call's options, the client's,
// the connection's, then the environment, then the defaults.
#pragma once

#include <memory>
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

// The defaults of the per-call settings: TimeoutOption 30 s, the retry and
// backoff policies of RetryOptions{}.
Options DefaultCallOptions();

// What the calls of a connection made with `options` run with, before any
// call's options: `options`, the API key from the environment when they have
// none (or an empty one), then the defaults. Null policies count as unset.
Options ConnectionOptions(Options options);

// The call's options over the connection's.
Options ForCall(const Options& call, const Options& connection);

// The policies of `options`, the defaults when unset.
const RetryPolicy& RetryPolicyOf(const Options& options);
const BackoffPolicy& BackoffPolicyOf(const Options& options);

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
// the options leave it empty (TLS files only when GrpcCredentialsOption is
// null). INVALID_ARGUMENT when the TLS settings contradict each other.
absl::StatusOr<ChannelSettings> ResolveChannelSettings(const Options& options);

}  // namespace bilateral::internal
