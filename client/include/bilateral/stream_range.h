// A server stream's messages as a range: each is read as the loop advances,
// and an error ends the range as a final element holding it. A stream that
// the server ends cleanly ends the range without one.
//
//   for (absl::StatusOr<v1::WatchChangesResponse>& batch : client.WatchChanges(request)) {
//     if (!batch.ok()) return batch.status();
//     Use(*batch);
//   }
//
// Leaving the loop early and destroying the range cancels the stream.
// MakeStreamRange builds one from messages already at hand, for fakes and
// mocks of a connection. Not thread-safe: one thread walks a range.
#pragma once

#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/optional.h"
#include "bilateral/internal/lazy_range.h"

namespace bilateral {

template <typename T>
class StreamRange : public internal::LazyRange<T> {
 public:
  // Reads the next message: a message, an error (the last element), or
  // nullopt when the stream is over.
  using Reader = typename internal::LazyRange<T>::Reader;
  explicit StreamRange(Reader read) : internal::LazyRange<T>(std::move(read)) {}
};

// A range over `messages`, in order, then `error` when it is not OK (a
// stream that breaks), else the end of the stream.
template <typename T>
StreamRange<T> MakeStreamRange(std::vector<T> messages, absl::Status error = absl::OkStatus()) {
  size_t index = 0;
  bool error_given = false;
  return StreamRange<T>([messages = std::move(messages), error = std::move(error), index,
                         error_given]() mutable -> absl::optional<absl::StatusOr<T>> {
    if (index < messages.size()) return absl::StatusOr<T>(std::move(messages[index++]));
    if (!error.ok() && !error_given) {
      error_given = true;
      return absl::StatusOr<T>(error);
    }
    return absl::nullopt;
  });
}

}  // namespace bilateral
