// The one conversion of a stored row to the message it holds. Every reader
// of rows (the standard methods, derived values, the change feed, search,
// findings, countries) goes through these, so a record reads the same
// wherever it is served, and an unreadable payload is the same DATA_LOSS.
#pragma once

#include <cstdint>
#include <string>
#include <type_traits>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "domain/resources.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/time_util.h"
#include "store/store.h"

namespace bilateral::domain {

// The record `row` stores as it was written: its payload alone, without the
// fields the row keeps beside it (name, times, etag). For derived values,
// which read and rewrite payloads.
template <typename Message>
absl::Status PayloadInto(const store::Row& row, Message* message) {
  if (!message->ParseFromString(row.payload)) {
    return absl::DataLossError(absl::StrCat("stored record ", Resource<Message>::Collection().name,
                                            "/", row.id, " is unreadable"));
  }
  return absl::OkStatus();
}

template <typename Message>
absl::StatusOr<Message> PayloadOf(const store::Row& row) {
  Message message;
  if (auto status = PayloadInto(row, &message); !status.ok()) return status;
  return message;
}

// The resource `row` stores, as a reader sees it: its payload with its name,
// create and update times and etag from the row.
template <typename Message>
absl::Status MessageInto(const store::Row& row, Message* message) {
  using google::protobuf::util::TimeUtil;
  if (auto status = PayloadInto(row, message); !status.ok()) return status;
  message->set_name(absl::StrCat(Resource<Message>::Collection().name, "/", row.id));
  *message->mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row.create_time_us);
  *message->mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(row.update_time_us);
  message->set_etag(row.etag);
  return absl::OkStatus();
}

template <typename Message>
absl::StatusOr<Message> MessageOf(const store::Row& row) {
  Message message;
  if (auto status = MessageInto(row, &message); !status.ok()) return status;
  return message;
}

// The wire encoding of what MessageInto gives, without parsing the payload:
// the payload's bytes as stored, then the name, times and etag. A parser
// reads the later fields as setting them (the times with both their seconds
// and nanos written), so the bytes parse to exactly MessageOf's message.
// For serving a page of records as stored.
class EncodedRecord {
 public:
  // Appends `row`'s record, a `Message`, to `out` as the length-delimited
  // field `number` (an element of a response's repeated field).
  template <typename Message>
  static void AppendAsField(int number, const store::Row& row, std::string* out) {
    static const Fields fields = FieldsOf(*Message::descriptor());
    const std::string rest =
        Rest(fields, absl::StrCat(Resource<Message>::Collection().name, "/", row.id), row);
    AppendHeader(number, row.payload.size() + rest.size(), out);
    out->append(row.payload);
    out->append(rest);
  }

  // Appends `bytes` as the length-delimited field `number`.
  static void AppendField(int number, absl::string_view bytes, std::string* out) {
    AppendHeader(number, bytes.size(), out);
    out->append(bytes.data(), bytes.size());
  }

 private:
  struct Fields {
    int name = 0;
    int create_time = 0;
    int update_time = 0;
    int etag = 0;
  };
  static Fields FieldsOf(const google::protobuf::Descriptor& type);
  static void AppendHeader(int number, size_t length, std::string* out);
  // The encoding of the fields the row keeps beside the payload.
  static std::string Rest(const Fields& fields, absl::string_view name, const store::Row& row);
};

}  // namespace bilateral::domain
