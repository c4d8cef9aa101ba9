#include "domain/errors.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/rpc/error_details.pb.h"

namespace bilateral::domain {

absl::Status Violations::ToStatus() const {
  if (list_.empty()) return absl::OkStatus();
  google::rpc::BadRequest details;
  std::vector<std::string> summary;
  for (const auto& violation : list_) {
    auto* entry = details.add_field_violations();
    entry->set_field(violation.field);
    entry->set_description(violation.description);
    summary.push_back(absl::StrCat(violation.field, ": ", violation.description));
  }
  absl::Status status = absl::InvalidArgumentError(absl::StrCat(
      "invalid request (", list_.size(),
      list_.size() == 1 ? " violation): " : " violations): ", absl::StrJoin(summary, "; ")));
  status.SetPayload(kBadRequestUrl, absl::Cord(details.SerializeAsString()));
  return WithReason(std::move(status), "FIELD_VIOLATION");
}

absl::Status InvalidField(absl::string_view field, absl::string_view description) {
  Violations violations;
  violations.Add(std::string(field), std::string(description));
  return violations.ToStatus();
}

absl::Status WithReason(absl::Status status, absl::string_view reason) {
  google::rpc::ErrorInfo info;
  info.set_reason(std::string(reason));
  info.set_domain(std::string(kErrorDomain));
  status.SetPayload(kErrorInfoUrl, absl::Cord(info.SerializeAsString()));
  return status;
}

}  // namespace bilateral::domain
