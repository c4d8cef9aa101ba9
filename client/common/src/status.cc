#include "bilateral/status.h"

#include "google/rpc/error_details.pb.h"

namespace bilateral {
namespace {

constexpr absl::string_view kBadRequestUrl = "type.googleapis.com/google.rpc.BadRequest";
constexpr absl::string_view kErrorInfoUrl = "type.googleapis.com/google.rpc.ErrorInfo";

}  // namespace

std::vector<FieldViolation> FieldViolations(const absl::Status& status) {
  std::vector<FieldViolation> result;
  auto payload = status.GetPayload(kBadRequestUrl);
  google::rpc::BadRequest details;
  if (payload.has_value() && details.ParseFromString(std::string(*payload))) {
    for (const auto& violation : details.field_violations()) {
      result.push_back({violation.field(), violation.description()});
    }
  }
  return result;
}

std::string ErrorReason(const absl::Status& status) {
  auto payload = status.GetPayload(kErrorInfoUrl);
  google::rpc::ErrorInfo info;
  if (payload.has_value() && info.ParseFromString(std::string(*payload))) {
    return info.reason();
  }
  return "";
}

}  // namespace bilateral
