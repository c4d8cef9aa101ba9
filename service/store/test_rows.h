// Rows for store tests: the collections they use and rows with the columns
// those collections index.
#pragma once

#include <cstdint>
#include <string>

#include "domain/resources.h"
#include "store/store.h"

namespace bilateral::store::test_rows {

// The call the tests' store calls work for: no deadline, never cancelled.
inline const CallContext kCall;

// Visits as storage sees them, without the service's derived values and
// pair views: the rows here carry placeholder payloads.
inline const Collection& Visits() {
  static const auto* visits = [] {
    auto* collection = new Collection(domain::Resource<v1::Visit>::Collection());
    collection->after_write = nullptr;
    collection->pair_views = nullptr;
    return collection;
  }();
  return *visits;
}
inline const Collection& Sources() { return domain::Resource<v1::Source>::Collection(); }

// A visits row with the columns a filter looks at.
inline Row VisitRow(const std::string& id, const std::string& host, int64_t start_date,
                    const std::string& payload = "payload") {
  Row row;
  row.id = id;
  row.payload = payload;
  row.columns = {std::string("Visitor"),
                 std::string(""),
                 std::string("countries/CN"),
                 host,
                 std::string("STATE"),
                 start_date,
                 int64_t{0},
                 int64_t{0},
                 std::string("[\"Astana\"]"),
                 std::string("[]"),
                 std::string("[]"),
                 std::string("visitor")};
  return row;
}

}  // namespace bilateral::store::test_rows
