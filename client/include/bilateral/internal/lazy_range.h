// The range that PaginatedRange (bilateral/pagination.h) and StreamRange
// (bilateral/stream_range.h) share: elements read one by one as the loop
// advances, an error as the last element. Not part of the API.
#pragma once

#include <functional>
#include <iterator>
#include <memory>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/optional.h"

namespace bilateral::internal {

template <typename T>
class LazyRange {
  struct State;

 public:
  // Reads the next element: an element, an error (the last element), or
  // nullopt when there are no more.
  using Reader = std::function<absl::optional<absl::StatusOr<T>>()>;

  explicit LazyRange(Reader read) : state_(std::make_shared<State>(std::move(read))) {}

  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = absl::StatusOr<T>;
    using difference_type = std::ptrdiff_t;
    using pointer = value_type*;
    using reference = value_type&;

    reference operator*() const { return state_->current; }
    pointer operator->() const { return &state_->current; }
    iterator& operator++() {
      state_->Advance();
      if (state_->done) state_ = nullptr;
      return *this;
    }
    bool operator==(const iterator& other) const { return state_ == other.state_; }
    bool operator!=(const iterator& other) const { return !(*this == other); }

   private:
    friend class LazyRange;
    explicit iterator(std::shared_ptr<State> state) : state_(std::move(state)) {}
    std::shared_ptr<State> state_;
  };

  // Starts the range, reading the first element. A range is walked once.
  iterator begin() {
    if (!state_->started) {
      state_->started = true;
      state_->Advance();
    }
    return state_->done ? end() : iterator(state_);
  }
  iterator end() { return iterator(nullptr); }

 private:
  struct State {
    explicit State(Reader r) : read(std::move(r)) {}

    void Advance() {
      if (failed) {
        done = true;
        return;
      }
      absl::optional<absl::StatusOr<T>> next = read();
      if (!next.has_value()) {
        done = true;
        return;
      }
      failed = !next->ok();
      current = *std::move(next);
    }

    Reader read;
    bool started = false;
    bool failed = false;
    bool done = false;
    absl::StatusOr<T> current = absl::UnknownError("not started");
  };

  std::shared_ptr<State> state_;
};

}  // namespace bilateral::internal
