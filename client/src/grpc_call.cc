#include "grpc_call.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/rpc/status.pb.h"

namespace bilateral::internal {

absl::Status FromGrpcStatus(const grpc::Status& status) {
  absl::Status result(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
  google::rpc::Status details;
  if (!status.error_details().empty() && details.ParseFromString(status.error_details())) {
    for (const auto& any : details.details()) {
      result.SetPayload(any.type_url(), absl::Cord(any.value()));
    }
  }
  return result;
}

void Authorize(const CallSettings& settings, grpc::ClientContext& context) {
  if (!settings.api_key.empty()) {
    context.AddMetadata("authorization", absl::StrCat("Bearer ", settings.api_key));
  }
}

void PrepareContext(const CallSettings& settings, grpc::ClientContext& context) {
  context.set_deadline(absl::ToChronoTime(absl::Now() + settings.timeout));
  Authorize(settings, context);
}

}  // namespace bilateral::internal
