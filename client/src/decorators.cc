#include "decorators.h"

#include <iostream>

#include "absl/strings/str_cat.h"

namespace bilateral::internal {

const std::string& UserAgent() {
  static const std::string* const kUserAgent =
      new std::string(std::string("bilateral-cpp/") + BILATERAL_CLIENT_VERSION);
  return *kUserAgent;
}

void AddCallMetadata(grpc::ClientContext& context, const Options& options) {
  const std::string& api_key = options.get<ApiKeyOption>();
  if (!api_key.empty()) context.AddMetadata("authorization", absl::StrCat("Bearer ", api_key));
}

RequestLogSink RequestLogSinkOf(const Options& options) {
  if (options.get<RequestLogSinkOption>()) return options.get<RequestLogSinkOption>();
  return [](const RequestLogEntry& entry) {
    // One write per line, so that lines of concurrent calls do not mix.
    std::cerr << FormatRequestLogEntry(entry) + "\n" << std::flush;
  };
}

}  // namespace bilateral::internal
