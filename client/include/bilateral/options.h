// How the SDK connects and calls: ClientOptions for a connection,
// CallOptions for one call, RetryOptions for both, and the channel that
// connections share.
//
// Each setting is taken from the first of these that gives it:
//   1. the CallOptions passed to a client method (timeout, retry, api_key);
//   2. the ClientOptions the connection was made with;
//   3. the environment, read when the connection or channel is made:
//        BILATERAL_ENDPOINT       endpoint
//        BILATERAL_API_KEY        api_key
//        BILATERAL_TLS_CA_FILE    tls_ca_file
//        BILATERAL_TLS_CERT_FILE  tls_cert_file
//        BILATERAL_TLS_KEY_FILE   tls_key_file
//   4. the defaults written below.
// A text setting counts as given when it is not empty; an empty environment
// variable counts as unset.
#pragma once

#include <grpcpp/security/credentials.h>

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace grpc {
class Channel;
}  // namespace grpc

namespace bilateral {

// When and how often a failed call is tried again. Only calls that are safe
// to repeat are retried, and only on errors that may pass:
//   - reads (Get, List pages, BatchGet): UNAVAILABLE, RESOURCE_EXHAUSTED,
//     DEADLINE_EXCEEDED, CANCELLED (which the SDK never causes itself: a
//     server shutting down cancels calls that reach it late);
//   - writes that carry an idempotency key (every Create: the connection
//     gives one without a `request_id` a random one) or an etag (Update and
//     Delete with `etag` set): UNAVAILABLE, RESOURCE_EXHAUSTED; Creates also
//     CANCELLED, since a repeated request_id answers with the first result.
// Other writes and ImportTradeRecords are tried once. A retried Update or
// Delete whose first attempt was applied before the answer was lost ends
// with ABORTED, because its etag is no longer current.
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
};

// The settings of a connection and of the channel it makes.
struct ClientOptions {
  // Where the server listens: "host:port" or any gRPC target URI.
  // Default: BILATERAL_ENDPOINT, else "127.0.0.1:50051".
  std::string endpoint;
  // Sent with every call as the metadata "authorization: Bearer <api_key>".
  // Default: BILATERAL_API_KEY, else none.
  std::string api_key;
  // TLS is used when any of these three is set. CA certificates (PEM) that
  // the server's certificate must chain to; when unset under TLS, the
  // system's roots.
  std::string tls_ca_file;
  // The client's certificate chain and private key (PEM) for mutual TLS;
  // both or neither.
  std::string tls_cert_file;
  std::string tls_key_file;
  // Transport credentials made by the caller. When set, they are used as
  // they are and no TLS file may be set here (TLS variables of the
  // environment are then ignored).
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  // Deadline of each attempt of a call; for ImportTradeRecords, of the whole
  // stream.
  absl::Duration timeout = absl::Seconds(30);
  RetryOptions retry;
};

// Settings for one call, passed as the last argument of a client method;
// each one that is set replaces the connection's for that call (for a List,
// for every page it fetches).
//
//   bilateral::CallOptions quick;
//   quick.timeout = absl::Seconds(2);
//   quick.retry = bilateral::RetryOptions::None();
//   auto visit = visits.GetVisit("visits/xi-jinping-kz-2024", quick);
struct CallOptions {
  std::optional<absl::Duration> timeout;
  std::optional<RetryOptions> retry;
  std::optional<std::string> api_key;
};

// A channel to the endpoint, with TLS as the options and the environment
// say (see above). It connects on first use and reconnects by itself; pass
// it to several Make*Connection calls to share one connection to the server
// between clients. INVALID_ARGUMENT when the TLS settings contradict each
// other (a certificate without its key, or files together with
// `credentials`); FAILED_PRECONDITION naming the file when a TLS file cannot
// be read.
absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(const ClientOptions& options);

}  // namespace bilateral
