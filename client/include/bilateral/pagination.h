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
#include "absl/types/optional.h"
#include "bilateral/internal/lazy_range.h"

namespace bilateral {

// One page: its items and the token of the next page ("" on the last).
template <typename T>
struct Page {
  std::vector<T> items;
  std::string next_page_token;
};

template <typename T>
class PaginatedRange : public internal::LazyRange<T> {
 public:
  // Fetches the page that `page_token` names ("" for the first page).
  using PageFetcher = std::function<absl::StatusOr<Page<T>>(const std::string&)>;

  explicit PaginatedRange(PageFetcher fetch)
      : internal::LazyRange<T>(ItemReader(std::move(fetch))) {}

 private:
  // Reads the items page by page, skipping empty pages.
  static typename internal::LazyRange<T>::Reader ItemReader(PageFetcher fetch) {
    return [fetch = std::move(fetch), page = Page<T>{}, index = size_t{0},
            fetched_any = false]() mutable -> absl::optional<absl::StatusOr<T>> {
      while (index >= page.items.size()) {
        if (fetched_any && page.next_page_token.empty()) return absl::nullopt;
        auto next = fetch(page.next_page_token);
        fetched_any = true;
        if (!next.ok()) return absl::StatusOr<T>(next.status());
        page = std::move(*next);
        index = 0;
      }
      return absl::StatusOr<T>(std::move(page.items[index++]));
    };
  }
};

// A range over `items`, in order, as one page: what a List returns in a test.
template <typename T>
PaginatedRange<T> MakePaginatedRange(std::vector<T> items) {
  return PaginatedRange<T>(
      [items = std::move(items)](const std::string&) mutable -> absl::StatusOr<Page<T>> {
        return Page<T>{std::move(items), ""};
      });
}

// A range over `items` that then fails with `error` (not OK), as a List does
// when a later page cannot be fetched; with no items, it holds only the error.
template <typename T>
PaginatedRange<T> MakePaginatedRange(std::vector<T> items, absl::Status error) {
  return PaginatedRange<T>([items = std::move(items), error = std::move(error)](
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
