#include "server/copy_data.h"

#include "absl/strings/str_cat.h"
#include "domain/records.h"

namespace bilateral::server {
namespace {

constexpr int kBatch = 1000;

template <typename Message>
absl::Status CopyType(store::Store& from, store::Store& to, CopySummary& summary) {
  const auto& collection = domain::Resource<Message>::Collection();
  store::ListQuery query;
  query.page_size = kBatch;
  while (true) {
    auto page = from.List(collection, query);
    if (!page.ok()) return page.status();
    std::vector<store::Row> rows;
    rows.reserve(page->rows.size());
    for (const auto& row : page->rows) {
      auto derived = domain::Records<Message>::Rederive(row);
      if (!derived.ok()) return derived.status();
      rows.push_back(*std::move(derived));
    }
    auto results = to.Restore(collection, std::move(rows));
    if (!results.ok()) return results.status();
    for (size_t i = 0; i < results->size(); ++i) {
      if (!(*results)[i].ok()) {
        return absl::FailedPreconditionError(absl::StrCat(
            "cannot copy ", collection.name, "/", page->rows[i].id, ": ",
            (*results)[i].message(), "; copy into an empty store"));
      }
    }
    summary.copied += static_cast<int64_t>(results->size());
    if (page->next_page_token.empty()) return absl::OkStatus();
    query.page_token = page->next_page_token;
  }
}

}  // namespace

absl::StatusOr<CopySummary> CopyData(store::Store& from, store::Store& to) {
  CopySummary summary;
  absl::Status status;
  domain::ForEachRecordType([&](auto tag) {
    using Message = typename decltype(tag)::type;
    if (status.ok()) status = CopyType<Message>(from, to, summary);
  });
  if (!status.ok()) return status;
  return summary;
}

}  // namespace bilateral::server
