#include "domain/records.h"

namespace bilateral::domain {

absl::StatusOr<store::ListQuery> PageQuery(const ListParams& params) {
  if (params.page_size < 0) return InvalidField("page_size", "must not be negative");
  for (const auto& [field, text] : {std::pair{"filter", &params.filter},
                                    {"order_by", &params.order_by},
                                    {"page_token", &params.page_token}}) {
    if (HasControlCharacter(*text)) return InvalidField(field, "holds a control character");
  }
  store::ListQuery query;
  query.page_size =
      params.page_size == 0 ? kDefaultPageSize : std::min(params.page_size, kMaxPageSize);
  query.page_token = params.page_token;
  query.filter = params.filter;
  query.order_by = params.order_by;
  return query;
}

absl::Status QueryError(const absl::Status& status) {
  if (!absl::IsInvalidArgument(status)) return status;
  for (absl::string_view field : {"filter", "order_by", "page_token"}) {
    absl::string_view message = status.message();
    if (absl::ConsumePrefix(&message, field) && absl::ConsumePrefix(&message, ":")) {
      return InvalidField(field, absl::StripLeadingAsciiWhitespace(message));
    }
  }
  return status;
}

void CheckRequestId(absl::string_view request_id, Violations& violations) {
  if (request_id.size() > kMaxRequestIdBytes) {
    violations.Add("request_id",
                   absl::StrCat("longer than ", kMaxRequestIdBytes, " bytes"));
    return;
  }
  for (char c : request_id) {
    if (c < 0x21 || c > 0x7e) {
      violations.Add("request_id",
                     "must be printable ASCII without spaces, e.g. a UUID");
      return;
    }
  }
}

}  // namespace bilateral::domain
