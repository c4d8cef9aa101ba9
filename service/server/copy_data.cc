#include "server/copy_data.h"

#include "absl/strings/str_cat.h"
#include "domain/records.h"

namespace bilateral::server {
namespace {

constexpr int kBatch = 1000;

// A finding's columns, from its payload.
absl::StatusOr<store::Row> DeriveFinding(const store::Row& row) {
  v1::Finding finding;
  if (!finding.ParseFromString(row.payload)) {
    return absl::DataLossError(absl::StrCat("stored finding ", row.id, " is unreadable"));
  }
  store::Row derived = row;
  derived.columns = domain::Resource<v1::Finding>::Columns(finding);
  return derived;
}

template <typename Derive>
absl::Status CopyCollection(const store::Collection& collection, Derive derive, store::Store& from,
                            store::Store& to, CopySummary& summary) {
  store::ListQuery query;
  query.page_size = kBatch;
  while (true) {
    auto page = from.List(CallContext(), collection, query);
    if (!page.ok()) return page.status();
    std::vector<store::Row> rows;
    rows.reserve(page->rows.size());
    for (const auto& row : page->rows) {
      auto derived = derive(row);
      if (!derived.ok()) return derived.status();
      rows.push_back(*std::move(derived));
    }
    auto results = to.Restore(CallContext(), collection, std::move(rows));
    if (!results.ok()) return results.status();
    for (size_t i = 0; i < results->size(); ++i) {
      if (!(*results)[i].ok()) {
        return absl::FailedPreconditionError(
            absl::StrCat("cannot copy ", collection.name, "/", page->rows[i].id, ": ",
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
    if (status.ok()) {
      status = CopyCollection(domain::Resource<Message>::Collection(),
                              domain::Records<Message>::Rederive, from, to, summary);
    }
  });
  // Findings as they are: the copied records carry the values they compare.
  if (status.ok()) {
    status = CopyCollection(domain::Resource<v1::Finding>::Collection(), DeriveFinding, from, to,
                            summary);
  }
  if (!status.ok()) return status;
  return summary;
}

}  // namespace bilateral::server
