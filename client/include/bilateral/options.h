// How the SDK connects and calls: Options, a set of settings keyed by type,
// for a connection, a client or one call; the channel that connections
// share; and ClientOptions and CallOptions, the fixed structs that earlier
// versions took, which convert to Options.
//
//   bilateral::Options options;
//   options.set<bilateral::EndpointOption>("bilateral.example:443")
//          .set<bilateral::ApiKeyOption>("...")
//          .set<bilateral::TimeoutOption>(absl::Seconds(10));
//   bilateral::VisitClient visits(bilateral::MakeVisitConnection(options));
//   auto visit = visits.GetVisit("visits/xi-jinping-kz-2024",
//       bilateral::Options{}.set<bilateral::TimeoutOption>(absl::Seconds(2)));
//
// Each setting is taken from the first of these that gives it:
//   1. the Options passed to a client method (the call's options);
//   2. the Options the client was made with;
//   3. the Options the connection was made with;
//   4. the environment, read when the connection or channel is made:
//        BILATERAL_ENDPOINT       EndpointOption
//        BILATERAL_API_KEY        ApiKeyOption
//        BILATERAL_TLS_CA_FILE    TlsCaFileOption
//        BILATERAL_TLS_CERT_FILE  TlsCertFileOption
//        BILATERAL_TLS_KEY_FILE   TlsKeyFileOption
//   5. the defaults written below.
// The endpoint, TLS, credentials and logging belong to the connection (or
// its channel) and are read when it is made; the others may differ per call.
// Of the settings the environment may give, an empty text counts as unset
// at the connection; a call's empty ApiKeyOption sends no key.
#pragma once

#include <grpcpp/security/credentials.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <typeindex>
#include <unordered_map>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "bilateral/retry_policy.h"

namespace grpc {
class Channel;
}  // namespace grpc

namespace bilateral {

// A set of settings, each keyed by its option type: a struct with a member
// type `Type`, the type of its value. A new option is a new struct, so
// adding one changes no existing signature. Copies are cheap (values are
// shared and never changed in place) and independent.
class Options {
 public:
  Options() = default;

  // Sets option T to `value`, replacing any value it had.
  template <typename T>
  Options& set(typename T::Type value) {
    values_[typeid(T)] = std::make_shared<const typename T::Type>(std::move(value));
    return *this;
  }
  // Whether option T is set.
  template <typename T>
  bool has() const {
    return values_.count(typeid(T)) > 0;
  }
  // Removes option T.
  template <typename T>
  Options& unset() {
    values_.erase(typeid(T));
    return *this;
  }
  // The value of option T; a value-initialized one when it is not set.
  template <typename T>
  const typename T::Type& get() const {
    auto found = values_.find(typeid(T));
    if (found == values_.end()) {
      static const auto* const kUnset = new typename T::Type();
      return *kUnset;
    }
    return *static_cast<const typename T::Type*>(found->second.get());
  }

 private:
  friend Options MergeOptions(Options preferred, const Options& fallback);
  std::unordered_map<std::type_index, std::shared_ptr<const void>> values_;
};

// `preferred`, with each option it does not set taken from `fallback`.
Options MergeOptions(Options preferred, const Options& fallback);

// ---------------------------------------------------------------------------
// The connection's channel. MakeChannel reads these; a connection made over
// a channel of the caller's ignores them.

// Where the server listens: "host:port" or any gRPC target URI.
// Default: BILATERAL_ENDPOINT, else "127.0.0.1:50051".
struct EndpointOption {
  using Type = std::string;
};
// TLS is used when any of these three is set. CA certificates (PEM) that the
// server's certificate must chain to; when unset under TLS, the system's
// roots. Default: BILATERAL_TLS_CA_FILE.
struct TlsCaFileOption {
  using Type = std::string;
};
// The client's certificate chain and private key (PEM) for mutual TLS; both
// or neither. Default: BILATERAL_TLS_CERT_FILE, BILATERAL_TLS_KEY_FILE.
struct TlsCertFileOption {
  using Type = std::string;
};
struct TlsKeyFileOption {
  using Type = std::string;
};
// Transport credentials made by the caller. When set, they are used as they
// are and no TLS file option may be set (TLS variables of the environment
// are then ignored).
struct GrpcCredentialsOption {
  using Type = std::shared_ptr<grpc::ChannelCredentials>;
};

// ---------------------------------------------------------------------------
// Each call.

// Sent with every call as the metadata "authorization: Bearer <key>".
// Default: BILATERAL_API_KEY, else none. Never logged.
struct ApiKeyOption {
  using Type = std::string;
};
// Deadline of each attempt of a call; for ImportTradeRecords, of the whole
// stream. Default: 30 s.
struct TimeoutOption {
  using Type = absl::Duration;
};
// Whether a call that failed is tried again (bilateral/retry_policy.h); the
// connection works on a clone per call. Default:
// LimitedRetryPolicy(4, 60 s): 5 attempts, none starting later than 60 s
// after the first. Null counts as unset.
struct RetryPolicyOption {
  using Type = std::shared_ptr<const RetryPolicy>;
};
// The wait before each retry. Default: ExponentialBackoffPolicy(100 ms,
// 5 s, 2). Null counts as unset.
struct BackoffPolicyOption {
  using Type = std::shared_ptr<const BackoffPolicy>;
};
// Each service's idempotency policy is an option of its own, generated with
// the service (e.g. VisitIdempotencyPolicyOption in bilateral/visit_client.h).

// ---------------------------------------------------------------------------
// Request logging, of the connection; off by default.

// One attempt of a call, as the request log sees it.
struct RequestLogEntry {
  std::string method;      // the RPC, e.g. "GetVisit"
  absl::Status status;     // how the attempt ended; for a stream, the stream
  absl::Duration latency;  // from the attempt's start to its end
};

// Logs every attempt of every call of the connection: its method, status
// and latency; never its metadata (so never the API key) nor its messages.
struct RequestLoggingOption {
  using Type = bool;
};
// Where the request log goes. Default (or null): one line on stderr per
// attempt, "bilateral: GetVisit OK 3.2ms". Called on the thread of the call;
// it must be safe to call from several threads at once.
struct RequestLogSinkOption {
  using Type = std::function<void(const RequestLogEntry&)>;
};
// The line the default sink writes for `entry` (without the newline).
std::string FormatRequestLogEntry(const RequestLogEntry& entry);

// ---------------------------------------------------------------------------
// The fixed structs of earlier versions. They keep working wherever Options
// are taken, and convert to them as written with each field.

// When and how often a failed call is tried again: converts to a
// LimitedRetryPolicy(max_attempts - 1, budget) and an
// ExponentialBackoffPolicy(initial_backoff, max_backoff,
// backoff_multiplier). Only calls that are safe to repeat are retried, and
// only on errors that may pass (see IsRetryable in bilateral/retry_policy.h).
struct RetryOptions {
  // Attempts per call, the first included; 1 (or less) turns retries off.
  int max_attempts = 5;
  // The wait before retry n (n = 0, 1, ...) is drawn uniformly from
  // [0, min(max_backoff, initial_backoff * backoff_multiplier^n)]: capped
  // exponential backoff with full jitter. Negative durations count as zero;
  // a multiplier below 1 counts as 1.
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(5);
  double backoff_multiplier = 2.0;
  // No retry starts later than this after the first attempt started. Each
  // attempt keeps its whole timeout, so a call lasts at most about
  // budget + timeout. Zero turns retries off.
  absl::Duration budget = absl::Seconds(60);

  // Options that try every call exactly once.
  static RetryOptions None() {
    RetryOptions options;
    options.max_attempts = 1;
    return options;
  }

  // RetryPolicyOption and BackoffPolicyOption as above.
  Options ToOptions() const;
};

// The settings of a connection and of the channel it makes: each text field
// that is not empty sets the option of the same name (api_key:
// ApiKeyOption, ...), `credentials` when not null, `timeout` and `retry`
// always.
struct ClientOptions {
  std::string endpoint;
  std::string api_key;
  std::string tls_ca_file;
  std::string tls_cert_file;
  std::string tls_key_file;
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  absl::Duration timeout = absl::Seconds(30);
  RetryOptions retry;

  operator Options() const;  // NOLINT(google-explicit-constructor): kept as before
};

// Settings for one call: each that is set sets its option (api_key, even
// empty: ApiKeyOption, so "" sends no key).
//
//   bilateral::CallOptions quick;
//   quick.timeout = absl::Seconds(2);
//   auto visit = visits.GetVisit("visits/xi-jinping-kz-2024", quick);
struct CallOptions {
  std::optional<absl::Duration> timeout;
  std::optional<RetryOptions> retry;
  std::optional<std::string> api_key;

  operator Options() const;  // NOLINT(google-explicit-constructor): kept as before
};

// A channel to the endpoint, with TLS as the options and the environment
// say (see above), naming the SDK and its version in its user-agent
// ("bilateral-cpp/0.1.0 grpc-c++/..."). It connects on first use and
// reconnects by itself; pass it to several Make*Connection calls to share
// one connection to the server between clients. INVALID_ARGUMENT when the
// TLS settings contradict each other (a certificate without its key, or
// files together with GrpcCredentialsOption); FAILED_PRECONDITION naming the
// file when a TLS file cannot be read.
absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(const Options& options);

}  // namespace bilateral
