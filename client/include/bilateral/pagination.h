// A List call's results as a range: pages are fetched lazily as the loop
// advances, and an error ends the range as a final element holding it.
//
//   for (absl::StatusOr<v1::Visit>& visit : client.ListVisits(request)) {
//     if (!visit.ok()) return visit.status();
//     Use(*visit);
//   }
//
// MakePaginatedRange builds one from items already at hand, for fakes and
// mocks of a connection.
#pragma once

#include <functional>
#include <iterator>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace bilateral {

// One page: its items and the token of the next page ("" on the last).
template <typename T>
struct Page {
  std::vector<T> items;
  std::string next_page_token;
};

template <typename T>
class PaginatedRange {
  // Declared before the iterator that names it (defined below).
  struct State;

 public:
  // Fetches the page that `page_token` names ("" for the first page).
  using PageFetcher = std::function<absl::StatusOr<Page<T>>(const std::string&)>;

  explicit PaginatedRange(PageFetcher fetch)
      : state_(std::make_shared<State>(std::move(fetch))) {}

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
    friend class PaginatedRange;
    explicit iterator(std::shared_ptr<State> state) : state_(std::move(state)) {}
    std::shared_ptr<State> state_;
  };

  // Starts the range, fetching the first page. A range is walked once.
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
    explicit State(PageFetcher f) : fetch(std::move(f)) {}

    // Moves to the next item, fetching pages (skipping empty ones) as needed.
    void Advance() {
      if (failed) {
        done = true;
        return;
      }
      while (index >= page.items.size()) {
        if (fetched_any && page.next_page_token.empty()) {
          done = true;
          return;
        }
        auto next = fetch(page.next_page_token);
        fetched_any = true;
        if (!next.ok()) {
          current = next.status();
          failed = true;
          return;
        }
        page = std::move(*next);
        index = 0;
      }
      current = std::move(page.items[index++]);
    }

    PageFetcher fetch;
    Page<T> page;
    size_t index = 0;
    bool started = false;
    bool fetched_any = false;
    bool failed = false;
    bool done = false;
    absl::StatusOr<T> current = absl::UnknownError("not started");
  };

  std::shared_ptr<State> state_;
};

// A range over `items`, in order, as one page: what a List returns in a test.
template <typename T>
PaginatedRange<T> MakePaginatedRange(std::vector<T> items) {
  return PaginatedRange<T>([items = std::move(items)](const std::string&) mutable
                           -> absl::StatusOr<Page<T>> {
    return Page<T>{std::move(items), ""};
  });
}

// A range over `items` that then fails with `error` (not OK), as a List does
// when a later page cannot be fetched; with no items, it holds only the error.
template <typename T>
PaginatedRange<T> MakePaginatedRange(std::vector<T> items, absl::Status error) {
  return PaginatedRange<T>(
      [items = std::move(items), error = std::move(error)](
          const std::string& token) mutable -> absl::StatusOr<Page<T>> {
        if (!token.empty() || items.empty()) return error;
        // Any non-empty token asks for the page that fails.
        return Page<T>{std::move(items), "error"};
      });
}

// A range holding only `error` (not OK): a List that fails at once.
template <typename T>
PaginatedRange<T> MakePaginatedRange(absl::Status error) {
  return MakePaginatedRange<T>(std::vector<T>{}, std::move(error));
}

}  // namespace bilateral
