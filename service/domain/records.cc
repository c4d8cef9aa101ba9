#include "domain/records.h"

#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "store/hash.h"

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
  query.max_bytes = kMaxResponseBytes;
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
    violations.Add("request_id", absl::StrCat("longer than ", kMaxRequestIdBytes, " bytes"));
    return;
  }
  for (char c : request_id) {
    if (c < 0x21 || c > 0x7e) {
      violations.Add("request_id", "must be printable ASCII without spaces, e.g. a UUID");
      return;
    }
  }
}

std::string RequestFingerprint(const google::protobuf::Message& record,
                               absl::string_view requested_id) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    record.SerializeToCodedStream(&coded);
  }
  // The id cannot hold a newline, so id and record cannot run into each other.
  return absl::StrFormat("%016x",
                         store::Fnv1a(bytes, store::Fnv1a("\n", store::Fnv1a(requested_id))));
}

}  // namespace bilateral::domain
