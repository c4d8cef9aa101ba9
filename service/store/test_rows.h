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
// Trade records as storage sees them: a table with a unique key besides
// the id, without derived values and pair views.
inline const Collection& TradeRecords() {
  static const auto* trade_records = [] {
    auto* collection = new Collection(domain::Resource<v1::TradeRecord>::Collection());
    collection->after_write = nullptr;
    collection->before_insert = nullptr;
    collection->pair_views = nullptr;
    return collection;
  }();
  return *trade_records;
}

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

// A sources row with the columns sources index.
inline Row SourceRow(const std::string& id) {
  Row row;
  row.id = id;
  row.payload = "source";
  row.columns = {std::string("title"), std::string(""),       std::string(""),
                 std::string(""),      std::string("REPORT"), int64_t{0}};
  return row;
}

// A trade records row; rows with the same `hs_code` have the same unique
// key.
inline Row TradeRow(const std::string& id, const std::string& hs_code,
                    const std::string& payload = "payload") {
  Row row;
  row.id = id;
  row.payload = payload;
  row.columns = {std::string("countries/CN"),
                 std::string("countries/KZ"),
                 int64_t{2023},
                 int64_t{0},
                 int64_t{0},
                 std::string("EXPORT"),
                 hs_code,
                 std::string("goods"),
                 std::string("USD"),
                 int64_t{1000},
                 int64_t{0},
                 std::string("[]")};
  return row;
}

}  // namespace bilateral::store::test_rows
