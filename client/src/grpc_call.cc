#include "grpc_call.h"

#include "absl/strings/cord.h"
#include "google/rpc/status.pb.h"

namespace bilateral {

std::shared_ptr<grpc::Channel> MakeChannel(const ClientOptions& options) {
  auto credentials = options.credentials != nullptr
                         ? options.credentials
                         : grpc::InsecureChannelCredentials();
  return grpc::CreateChannel(options.endpoint, credentials);
}

namespace internal {

absl::Status FromGrpcStatus(const grpc::Status& status) {
  absl::Status result(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
  google::rpc::Status details;
  if (!status.error_details().empty() &&
      details.ParseFromString(status.error_details())) {
    for (const auto& any : details.details()) {
      result.SetPayload(any.type_url(), absl::Cord(any.value()));
    }
  }
  return result;
}

void SetDeadline(const ClientOptions& options, grpc::ClientContext& context) {
  context.set_deadline(absl::ToChronoTime(absl::Now() + options.timeout));
}

}  // namespace internal
}  // namespace bilateral
