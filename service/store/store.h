// The storage contract every backend (embedded SQLite, PostgreSQL) fulfils.
// Storage knows rows, not gRPC: a row is a record's serialized payload plus
// the columns that filters, orderings and uniqueness need.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/call_context.h"
#include "query/filter.h"
#include "store/pair_views.h"

namespace bilateral::store {

using query::SqlValue;

struct Row;
struct RowChange;
class RowEditor;

// Keeps values derived from several rows current: called inside each
// write transaction with every row the write changed.
using AfterWrite =
    std::function<absl::Status(RowEditor& editor, const std::vector<RowChange>& changes)>;

// Fills values derived from several rows into the rows of a bulk insert,
// from the rows themselves, before they are stored: what it sets,
// after_write finds already right and need not write a second time.
using BeforeInsert = std::function<void(std::vector<Row>& rows)>;

// Describes how one collection of records is stored. Its table has, besides the fixed columns (seq,
// id, payload, etag, revision, create_us, update_us), one column per entry of `columns`.
struct Collection {
  std::string name;                      // "visits", as in resource names
  std::string table;                     // "visits"
  std::vector<std::string> columns;      // indexed columns, in Row order
  std::vector<query::FieldSpec> fields;  // what filter and order_by accept
  // What, besides the id, a unique index of the table covers, in words
  // ("reporter, partner, period, flow and commodity"); empty when nothing.
  std::string unique_key;
  // Set for collections with values derived from several rows.
  AfterWrite after_write;
  // May be set besides after_write; called by InsertMany only.
  BeforeInsert before_insert;
  // Whether writes are recorded in the change feed (reference data is not).
  bool in_change_feed = true;
  // Set for collections whose records concern pairs of countries: the
  // timeline entries and list memberships a row gives its pairs
  // (store/pair_views.h), rewritten in the transaction of every write that
  // changes the row, derived writes included.
  PairViewsOf pair_views;
};

// Rows cite rows of this collection; a cited row cannot be deleted.
inline constexpr absl::string_view kCitedCollection = "sources";

// A row of another collection that a row names (a milestone's visit): it
// must exist when the row is written, and cannot be deleted while named.
struct Reference {
  const Collection* collection;
  std::string id;
};

// One stored record.
struct Row {
  std::string id;                 // final part of the resource name
  std::string payload;            // the serialized record
  std::vector<SqlValue> columns;  // one per Collection::columns
  // Ids of the kCitedCollection rows this row cites; each must exist.
  std::vector<std::string> cited_sources;
  // Rows of other collections this row names; each must exist.
  std::vector<Reference> references;
  // What full-text search finds the row by; unset leaves the stored text
  // as it is, empty removes the row from search.
  std::optional<std::string> search_text;
  // Set by the store on every write; ignored on input.
  std::string etag;
  int64_t create_time_us = 0;
  int64_t update_time_us = 0;
};

// What one write did to one row: the row as it was (unset for a new row)
// and as it is (unset once deleted).
struct RowChange {
  std::optional<Row> before;
  std::optional<Row> after;
};

// A range of rows in one ordering: those whose columns equal `equal`,
// ordered by (`order_column`, seq), from the value `from` on (or, when
// `descending`, from the last row before `from` backwards).
struct RowRange {
  std::vector<std::pair<std::string, SqlValue>> equal;
  std::string order_column;
  // A value of `order_column`: ascending, the rows with this value or a
  // larger one; descending, those with a smaller one. Unset: every row.
  std::optional<SqlValue> from;
  bool descending = false;
  int64_t limit = 0;  // most rows returned; 0: all
};

// Reads and rewrites rows inside the transaction of a write, so that values
// derived from several rows change in the same commit as the rows they
// derive from.
class RowEditor {
 public:
  virtual ~RowEditor() = default;

  // The rows of `collection` whose columns equal the given values, ordered
  // by `order_by` (column names, comma separated) and then insertion order.
  virtual absl::StatusOr<std::vector<Row>> Select(
      const Collection& collection, const std::vector<std::pair<std::string, SqlValue>>& equal,
      const std::string& order_by) = 0;

  // The rows of `collection` in `range`, read through an index on the
  // equal columns and the order column, so that the cost follows the rows
  // returned, not the rows that share the equal columns.
  virtual absl::StatusOr<std::vector<Row>> SelectRange(const Collection& collection,
                                                       const RowRange& range) = 0;

  // The rows of `collection` whose `columns` hold one of `keys` (a value
  // for each column, in their order), in no particular order; a key that
  // no row holds adds nothing. Read by joining the keys to the table
  // through an index on `columns`, in a few statements however many keys.
  virtual absl::StatusOr<std::vector<Row>> SelectKeys(
      const Collection& collection, const std::vector<std::string>& columns,
      const std::vector<std::vector<SqlValue>>& keys) = 0;

  // Stores `row` as a new revision of the row with its id (new etag and
  // update time), or inserts it when there is none. Rows with the payload
  // they already have are left alone. Citations are not touched.
  virtual absl::Status Put(const Collection& collection, Row row) = 0;

  // The rows that cite the kCitedCollection row `source_id`, as
  // (collection name, id) pairs ordered by both.
  virtual absl::StatusOr<std::vector<std::pair<std::string, std::string>>> Citing(
      absl::string_view source_id) = 0;
};

// One entry of the change feed: a row created, updated or deleted, in
// commit order.
struct Change {
  enum class Kind { kCreated, kUpdated, kDeleted };
  int64_t seq = 0;         // position in the feed; strictly increasing in commit order
  std::string collection;  // "visits"
  Kind kind = Kind::kCreated;
  Row row;  // id, and for creates and updates the payload, etag and times
};

struct ChangeBatch {
  std::vector<Change> changes;
  // Every change up to this position was looked at (those of other
  // collections skipped); the next read starts after it.
  int64_t scanned_through = 0;
};

// The part of the feed a store still holds.
struct ChangeRange {
  int64_t oldest = 0;  // first retained position; 0 when the feed is empty
  int64_t latest = 0;  // last position written; 0 when nothing was ever written
  // The database's own identity, drawn when it was made: positions of one
  // database mean nothing in another.
  std::string store_identity;
};

struct SearchQuery {
  std::string text;                      // words, all of which must match
  std::vector<std::string> collections;  // empty: every collection
  int page_size = 20;                    // already validated, 1..100
  std::string page_token;
};

struct SearchHit {
  std::string collection;
  std::string id;
  std::string snippet;  // the matched words in context, marked [like this]
  double score = 0;     // higher is better
};

struct SearchPage {
  std::vector<SearchHit> hits;  // best first
  std::string next_page_token;
};

struct ListQuery {
  int page_size = 50;      // already validated and coerced, 1..1000
  std::string page_token;  // empty for the first page
  std::string filter;      // AIP-160
  std::string order_by;    // AIP-132
  // When positive, a page ends early, before the row that would take its
  // rows past this many bytes (payload and kRowOverheadBytes each); never
  // before its first row. The next page token resumes at that row.
  size_t max_bytes = 0;
};

// What a row takes in a response besides its payload (name, times, etag,
// framing), for ListQuery::max_bytes.
inline constexpr size_t kRowOverheadBytes = 256;

// An idempotency key (AIP-155) and what identifies the request it came
// with: a retry carries both unchanged, a different request under the same
// key has another fingerprint. An empty `id` is no key.
struct RequestKey {
  RequestKey() = default;
  // Implicit, so that a bare key (no fingerprint to compare) reads as one.
  RequestKey(const char* id) : id(id) {}         // NOLINT
  RequestKey(const std::string& id) : id(id) {}  // NOLINT
  RequestKey(absl::string_view id, std::string fingerprint)
      : id(id), fingerprint(std::move(fingerprint)) {}
  std::string id;
  std::string fingerprint;
};

// A page of a pair's timeline: its entries, and the records they come
// from, read from the same snapshot.
struct TimelinePage {
  std::vector<TimelineRow> entries;
  std::vector<const Collection*> collections;  // of each entry's record
  std::vector<Row> records;                    // each entry's record
};

// The part of a pair's views one PairListQuery read.
struct PairListResult {
  std::vector<Row> rows;  // the records, in the list's order
  // With highest_rank_only: that rank and how many members have it.
  int64_t rank = 0;
  int64_t rank_count = 0;
};

// What a PairQuery read.
struct PairResult {
  std::vector<int64_t> counts;        // one per PairQuery::counters
  std::vector<PairListResult> lists;  // one per PairQuery::lists
};

struct Page {
  std::vector<Row> rows;
  std::string next_page_token;  // empty on the last page
};

// Every method that works for a call takes that call's context first: its
// statements stop when the call should (deadline, cancellation, shutdown).
// Maintenance done at start-up (RebuildPairViews, PendingReindex, Reindex)
// and Ping work for no call.
class Store {
 public:
  virtual ~Store() = default;

  // Returns the row with `id`, or NOT_FOUND.
  virtual absl::StatusOr<Row> Get(const CallContext& call, const Collection& collection,
                                  absl::string_view id) = 0;

  // Returns the rows with `ids`, in that order, from one consistent
  // snapshot; NOT_FOUND naming the first id that does not exist.
  virtual absl::StatusOr<std::vector<Row>> GetMany(const CallContext& call,
                                                   const Collection& collection,
                                                   const std::vector<std::string>& ids) = 0;

  // Returns one page in the requested order (ties broken by insertion
  // order), seeking past the position the page token records. A malformed
  // filter or order, or a token that was tampered with or issued for another
  // query, is INVALID_ARGUMENT.
  virtual absl::StatusOr<Page> List(const CallContext& call, const Collection& collection,
                                    const ListQuery& query) = 0;

  // Stores a new row and returns it as stored. ALREADY_EXISTS when the id is
  // taken. With a non-empty `request.id` that was seen before, stores
  // nothing and returns the row exactly as the first call returned it;
  // INVALID_ARGUMENT, naming the first call's record, if that key was used
  // for another collection or with another request (fingerprints differ).
  virtual absl::StatusOr<Row> Insert(const CallContext& call, const Collection& collection, Row row,
                                     const RequestKey& request) = 0;

  // Stores `rows` in one transaction: each row that can be stored is, and
  // the result for each row says OK or why not (ALREADY_EXISTS,
  // FAILED_PRECONDITION for a cited row that does not exist). Fails as a
  // whole, storing nothing, only when the store itself fails.
  virtual absl::StatusOr<std::vector<absl::Status>> InsertMany(const CallContext& call,
                                                               const Collection& collection,
                                                               std::vector<Row> rows) = 0;

  // Stores rows copied from another store exactly as given: ids, payloads,
  // etags, times and citations are kept; cited sources are not checked (the
  // rows come from a consistent store, in any order), and `after_write` is
  // not called (derived values come with the rows). Results per row as for
  // InsertMany.
  virtual absl::StatusOr<std::vector<absl::Status>> Restore(const CallContext& call,
                                                            const Collection& collection,
                                                            std::vector<Row> rows) = 0;

  // Replaces the row with `row.id` atomically. NOT_FOUND when it does not
  // exist; ABORTED, writing nothing, when `expected_etag` is non-empty and
  // differs from the stored etag.
  virtual absl::StatusOr<Row> Update(const CallContext& call, const Collection& collection, Row row,
                                     absl::string_view expected_etag) = 0;

  // Deletes the row with `id`. NOT_FOUND when it does not exist; ABORTED,
  // deleting nothing, on a stale non-empty `expected_etag`;
  // FAILED_PRECONDITION, naming the citing records, when other rows cite it.
  virtual absl::Status Delete(const CallContext& call, const Collection& collection,
                              absl::string_view id, absl::string_view expected_etag) = 0;

  // Number of rows in `collection`.
  virtual absl::StatusOr<int64_t> Count(const CallContext& call, const Collection& collection) = 0;

  // Rows whose search text has every word of `query.text` (stemmed), best
  // match first, a page at a time. INVALID_ARGUMENT for a query without
  // words or a token issued for another query.
  virtual absl::StatusOr<SearchPage> Search(const CallContext& call, const SearchQuery& query) = 0;

  // Up to `limit` changes after position `after`, in commit order, of the
  // `collections` named (every collection when empty).
  virtual absl::StatusOr<ChangeBatch> ReadChanges(const CallContext& call, int64_t after,
                                                  const std::vector<std::string>& collections,
                                                  int limit) = 0;

  // The positions the feed holds; older changes were dropped.
  virtual absl::StatusOr<ChangeRange> Changes(const CallContext& call) = 0;

  // OK when the database answers; UNAVAILABLE, saying why, when it does not.
  virtual absl::Status Ping() = 0;

  // One page of a pair's timeline (store/pair_views.h), through the index
  // on its order: the cost follows the entries returned, not the pair's.
  virtual absl::StatusOr<TimelinePage> ReadTimeline(const CallContext& call,
                                                    const TimelineQuery& query) = 0;

  // The counts and lists of a pair that `query` names, from one snapshot,
  // each list through the index on its order.
  virtual absl::StatusOr<PairResult> ReadPair(const CallContext& call, const PairQuery& query) = 0;

  // Derives the pair views again from every row of `collections`, which
  // must be all that have pair views (after a migration that introduced or
  // changed them), and clears the mark PendingReindex reports as "views".
  // Rebuilds run one at a time, across replicas too.
  virtual absl::Status RebuildPairViews(const std::vector<const Collection*>& collections) = 0;

  // Collections whose derived columns a migration added or changed, so that
  // they must be derived again from the stored payloads.
  virtual absl::StatusOr<std::vector<std::string>> PendingReindex() = 0;

  // Re-derives every row of `collection`: `derive` maps a stored row (id and
  // payload) to its columns and citations; then the collection's
  // `after_write` sees every row as changed. Payloads, etags and times stay
  // as they are unless `after_write` changes them. Clears the collection's
  // pending mark.
  virtual absl::Status Reindex(const Collection& collection,
                               const std::function<absl::StatusOr<Row>(const Row&)>& derive) = 0;
};

}  // namespace bilateral::store
