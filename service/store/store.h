// The storage contract every backend (embedded SQLite, PostgreSQL) fulfils.
// Storage knows rows, not gRPC: a row is a record's serialized payload plus
// the columns that filters, orderings and uniqueness need.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "query/filter.h"

namespace bilateral::store {

using query::SqlValue;

// Describes how one collection of records is stored. The table is named
// after the collection and has, besides the fixed columns (seq, id, payload,
// etag, revision, create_us, update_us), one column per entry of `columns`.
struct Collection {
  std::string name;                      // "visits"; also the table name
  std::vector<std::string> columns;      // indexed columns, in Row order
  std::vector<query::FieldSpec> fields;  // what filter and order_by accept
};

// One stored record.
struct Row {
  std::string id;                 // final part of the resource name
  std::string payload;            // the serialized record
  std::vector<SqlValue> columns;  // one per Collection::columns
  // Set by the store on every write; ignored on input.
  std::string etag;
  int64_t create_time_us = 0;
  int64_t update_time_us = 0;
};

struct ListQuery {
  int page_size = 50;      // already validated and coerced, 1..1000
  std::string page_token;  // empty for the first page
  std::string filter;      // AIP-160
  std::string order_by;    // AIP-132
};

struct Page {
  std::vector<Row> rows;
  std::string next_page_token;  // empty on the last page
};

class Store {
 public:
  virtual ~Store() = default;

  // Returns the row with `id`, or NOT_FOUND.
  virtual absl::StatusOr<Row> Get(const Collection& collection,
                                  absl::string_view id) = 0;

  // Returns one page in the requested order (ties broken by insertion
  // order), seeking past the position the page token records. A malformed
  // filter or order, or a token that was tampered with or issued for another
  // query, is INVALID_ARGUMENT.
  virtual absl::StatusOr<Page> List(const Collection& collection,
                                    const ListQuery& query) = 0;

  // Stores a new row and returns it as stored. ALREADY_EXISTS when the id is
  // taken. With a non-empty `request_id` that was seen before, stores
  // nothing and returns the row exactly as the first call returned it;
  // INVALID_ARGUMENT if that key was used for another collection.
  virtual absl::StatusOr<Row> Insert(const Collection& collection, Row row,
                                     absl::string_view request_id) = 0;

  // Replaces the row with `row.id` atomically. NOT_FOUND when it does not
  // exist; ABORTED, writing nothing, when `expected_etag` is non-empty and
  // differs from the stored etag.
  virtual absl::StatusOr<Row> Update(const Collection& collection, Row row,
                                     absl::string_view expected_etag) = 0;

  // Deletes the row with `id`. NOT_FOUND when it does not exist; ABORTED,
  // deleting nothing, on a stale non-empty `expected_etag`.
  virtual absl::Status Delete(const Collection& collection,
                              absl::string_view id,
                              absl::string_view expected_etag) = 0;

  // Number of rows in `collection`.
  virtual absl::StatusOr<int64_t> Count(const Collection& collection) = 0;
};

}  // namespace bilateral::store
