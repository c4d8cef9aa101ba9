// The one conversion of a stored row to the message it holds. Every reader
// of rows (the standard methods, derived values, the change feed, search,
// findings, countries) goes through these, so a record reads the same
// wherever it is served, and an unreadable payload is the same DATA_LOSS.
#pragma once

#include <type_traits>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "domain/resources.h"
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

}  // namespace bilateral::domain
