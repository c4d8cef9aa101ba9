// Options: merging, the conversions of the fixed structs, the request log's
// line, and the options of the call in progress on a thread.
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bilateral/internal/call_options.h"
#include "bilateral/options.h"

namespace bilateral {

Options MergeOptions(Options preferred, const Options& fallback) {
  for (const auto& [type, value] : fallback.values_) preferred.values_.emplace(type, value);
  return preferred;
}

Options RetryOptions::ToOptions() const {
  Options options;
  options.set<RetryPolicyOption>(std::make_shared<LimitedRetryPolicy>(max_attempts - 1, budget));
  options.set<BackoffPolicyOption>(
      std::make_shared<ExponentialBackoffPolicy>(initial_backoff, max_backoff, backoff_multiplier));
  return options;
}

ClientOptions::operator Options() const {
  Options options = retry.ToOptions();
  if (!endpoint.empty()) options.set<EndpointOption>(endpoint);
  if (!api_key.empty()) options.set<ApiKeyOption>(api_key);
  if (!tls_ca_file.empty()) options.set<TlsCaFileOption>(tls_ca_file);
  if (!tls_cert_file.empty()) options.set<TlsCertFileOption>(tls_cert_file);
  if (!tls_key_file.empty()) options.set<TlsKeyFileOption>(tls_key_file);
  if (credentials != nullptr) options.set<GrpcCredentialsOption>(credentials);
  options.set<TimeoutOption>(timeout);
  return options;
}

CallOptions::operator Options() const {
  Options options = retry.has_value() ? retry->ToOptions() : Options();
  if (timeout.has_value()) options.set<TimeoutOption>(*timeout);
  if (api_key.has_value()) options.set<ApiKeyOption>(*api_key);
  return options;
}

std::string FormatRequestLogEntry(const RequestLogEntry& entry) {
  std::string status = absl::StatusCodeToString(entry.status.code());
  if (!entry.status.ok() && !entry.status.message().empty()) {
    absl::StrAppend(&status, " (", entry.status.message(), ")");
  }
  return absl::StrFormat("bilateral: %s %s %.1fms", entry.method, status,
                         absl::ToDoubleMilliseconds(entry.latency));
}

namespace internal {
namespace {

thread_local const Options* current_call_options = nullptr;

}  // namespace

const Options& CurrentCallOptions() {
  static const Options* const kNone = new Options();
  return current_call_options != nullptr ? *current_call_options : *kNone;
}

CallOptionsScope::CallOptionsScope(Options options)
    : options_(std::move(options)), previous_(current_call_options) {
  current_call_options = &options_;
}

CallOptionsScope::~CallOptionsScope() { current_call_options = previous_; }

}  // namespace internal
}  // namespace bilateral
