#include "store/sql_store.h"

#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <optional>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "store/hash.h"
#include "store/list_plan.h"

namespace bilateral::store {

absl::Status ForEachRow(SqlRows& rows, absl::FunctionRef<void(SqlRows&)> each) {
  while (true) {
    auto has_row = rows.Next();
    if (!has_row.ok()) return has_row.status();
    if (!*has_row) return absl::OkStatus();
    each(rows);
  }
}

std::vector<SqlParam> ToParams(const std::vector<query::SqlValue>& values) {
  std::vector<SqlParam> params;
  params.reserve(values.size());
  for (const auto& value : values) {
    if (const auto* number = std::get_if<int64_t>(&value)) {
      params.emplace_back(*number);
    } else {
      params.emplace_back(std::get<std::string>(value));
    }
  }
  return params;
}

namespace {

constexpr char kFixedColumns[] = "seq, id, payload, etag, create_us, update_us";

// Attempts at an insert whose idempotency key a concurrent insert took.
constexpr int kInsertAttempts = 3;

// Arbitrary, fixed: the PostgreSQL advisory lock a rebuild of the pair
// views holds.
constexpr int64_t kPairViewsLock = 0x62696c7076;  // "bilpv"

// What PendingReindex reports while the pair views must be rebuilt.
constexpr absl::string_view kViewsPending = "views";

absl::Status NotFound(const Collection& collection, absl::string_view id) {
  return absl::NotFoundError(absl::StrCat(collection.name, "/", id, " does not exist"));
}

absl::Status StaleEtag(const Collection& collection, absl::string_view id) {
  return absl::AbortedError(absl::StrCat("etag mismatch: ", collection.name, "/", id,
                                         " changed since it was read; read it again and retry"));
}

// A concurrent call stored the same idempotency key first; the whole
// transaction is undone and tried again, and then finds that call's result.
absl::Status KeyTakenConcurrently() {
  return absl::AbortedError("request_id taken by a concurrent call");
}

// Payloads longer than this (a source with its text) are stored deflated,
// behind a zero byte: no serialised record begins with one, as field
// number 0 does not exist, so shorter payloads are stored as they are.
constexpr size_t kDeflateAboveBytes = 16 * 1024;

// A payload as stored.
Blob StoredPayload(const std::string& payload) {
  if (payload.size() <= kDeflateAboveBytes) return Blob{payload};
  uLongf size = compressBound(static_cast<uLong>(payload.size()));
  std::string stored(1 + size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(&stored[1]), &size,
                reinterpret_cast<const Bytef*>(payload.data()), static_cast<uLong>(payload.size()),
                Z_BEST_SPEED) != Z_OK) {
    return Blob{payload};
  }
  stored.resize(1 + size);
  return Blob{std::move(stored)};
}

// A payload as read; one that does not inflate is returned as stored, and
// then fails to parse as the unreadable record it is.
std::string LoadedPayload(std::string stored) {
  if (stored.empty() || stored[0] != '\0') return stored;
  z_stream stream{};
  if (inflateInit(&stream) != Z_OK) return stored;
  std::string payload;
  char buffer[64 * 1024];
  stream.next_in = reinterpret_cast<Bytef*>(&stored[1]);
  stream.avail_in = static_cast<uInt>(stored.size() - 1);
  int result = Z_OK;
  while (result == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    result = inflate(&stream, Z_NO_FLUSH);
    payload.append(buffer, sizeof buffer - stream.avail_out);
  }
  inflateEnd(&stream);
  return result == Z_STREAM_END ? payload : stored;
}

// Reads the fixed columns seq, id, payload, etag, create_us, update_us.
Row ReadRow(SqlRows& rows, int64_t* seq) {
  Row row;
  if (seq != nullptr) *seq = rows.Int(0);
  row.id = rows.Text(1);
  row.payload = LoadedPayload(rows.Text(2));
  row.etag = rows.Text(3);
  row.create_time_us = rows.Int(4);
  row.update_time_us = rows.Int(5);
  return row;
}

std::string Placeholders(size_t count) {
  std::vector<std::string> marks(count, "?");
  return absl::StrJoin(marks, ", ");
}

// Rows of `width` values one multi-row statement takes out of `remaining`:
// as many as `max_parameters` allows, in a power of two, so that the
// statements of one table take few shapes, each prepared once per
// connection.
size_t RowsPerStatement(size_t remaining, size_t width, size_t max_parameters) {
  const size_t fit = std::max<size_t>(1, std::min(remaining, max_parameters / width));
  size_t rows = 1;
  while (rows * 2 <= fit) rows *= 2;
  return rows;
}

// Calls `run` on statements `head` VALUES (?, ...), (?, ...) ... `tail`
// and their values, which together cover the rows of `values` (`width`
// values each, moved out), in order.
absl::Status ForEachValuesStatement(
    SqlConnection& db, absl::string_view head, size_t width, std::vector<SqlParam>& values,
    absl::string_view tail,
    absl::FunctionRef<absl::Status(const std::string&, const std::vector<SqlParam>&)> run) {
  const std::string row = absl::StrCat("(", Placeholders(width), ")");
  const size_t total = values.size() / width;
  for (size_t done = 0; done < total;) {
    const size_t rows = RowsPerStatement(total - done, width, db.MaxParameters());
    std::vector<std::string> marks(rows, row);
    std::vector<SqlParam> batch(std::make_move_iterator(values.begin() + done * width),
                                std::make_move_iterator(values.begin() + (done + rows) * width));
    if (auto status = run(absl::StrCat(head, " VALUES ", absl::StrJoin(marks, ", "), tail), batch);
        !status.ok()) {
      return status;
    }
    done += rows;
  }
  return absl::OkStatus();
}

// Appends to `out` the statements `head` VALUES ... `tail` for the rows of
// `values` (`width` values each, moved out), in multi-row statements.
void AddValuesStatements(SqlConnection& db, absl::string_view head, size_t width,
                         std::vector<SqlParam>& values, std::vector<SqlStatement>& out,
                         absl::string_view tail = "") {
  ForEachValuesStatement(db, head, width, values, tail,
                         [&](const std::string& sql, const std::vector<SqlParam>& batch) {
                           out.push_back({sql, batch});
                           return absl::OkStatus();
                         })
      .IgnoreError();  // adding a statement cannot fail
}

// Runs `SELECT columns FROM collection WHERE id = ?` (with `suffix`), on its
// row; NOT_FOUND when there is none.
absl::StatusOr<std::unique_ptr<SqlRows>> FindById(SqlConnection& db, const Collection& collection,
                                                  absl::string_view columns, absl::string_view id,
                                                  absl::string_view suffix = "") {
  auto rows = db.Query(
      absl::StrCat("SELECT ", columns, " FROM ", collection.table, " WHERE id = ?", suffix),
      {std::string(id)});
  if (!rows.ok()) return rows.status();
  auto found = (*rows)->Next();
  if (!found.ok()) return found.status();
  if (!*found) return NotFound(collection, id);
  return rows;
}

// The words of a search query: runs of letters and digits (any byte of a
// multi-byte character counts as a letter), lower-cased, at most 32.
std::vector<std::string> SearchTerms(absl::string_view text) {
  std::vector<std::string> terms;
  std::string term;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (absl::ascii_isalnum(byte) || byte >= 0x80) {
      term.push_back(static_cast<char>(absl::ascii_tolower(byte)));
    } else if (!term.empty()) {
      terms.push_back(std::move(term));
      term.clear();
    }
  }
  if (!term.empty()) terms.push_back(std::move(term));
  if (terms.size() > 32) terms.resize(32);
  return terms;
}

// Arbitrary, fixed: the PostgreSQL advisory lock that orders appends to the
// change feed.
constexpr int64_t kChangeFeedLock = 0x62696c6174;  // "bilat"

std::string KindName(Change::Kind kind) {
  switch (kind) {
    case Change::Kind::kCreated:
      return "CREATED";
    case Change::Kind::kUpdated:
      return "UPDATED";
    case Change::Kind::kDeleted:
      return "DELETED";
  }
  return "UPDATED";
}

Change::Kind KindFromName(absl::string_view name) {
  if (name == "CREATED") return Change::Kind::kCreated;
  if (name == "DELETED") return Change::Kind::kDeleted;
  return Change::Kind::kUpdated;
}

// A row whose pair views a write changed, as it is at commit.
struct ViewChange {
  const Collection* collection = nullptr;
  Row row;               // id, payload and times
  bool created = false;  // new in this transaction: it has no views yet
  bool deleted = false;
  // The row as it was when the transaction began, which the stored views
  // follow; unset for a created row.
  std::optional<Row> before;
};

// The changes a write transaction made, one per row, appended to the feed
// just before it commits; and the rows whose pair views must follow them.
// Write hands each write's body its own, and the body passes it to every
// function that changes a row, which notes the change here.
class PendingChanges {
 public:
  void Note(const Collection& collection, Change::Kind kind, const Row& row,
            const std::optional<std::string>& before_payload) {
    NoteView(collection, kind, row, before_payload);
    if (!collection.in_change_feed) return;
    const std::string key = absl::StrCat(collection.name, "/", row.id);
    auto [it, added] = index_.emplace(key, changes_.size());
    if (added) {
      Change change;
      change.collection = collection.name;
      change.kind = kind;
      change.row.id = row.id;
      change.row.payload = row.payload;
      change.row.etag = row.etag;
      change.row.create_time_us = row.create_time_us;
      change.row.update_time_us = row.update_time_us;
      changes_.push_back(std::move(change));
      return;
    }
    // Later writes to the same row in one transaction: one change, with
    // the row as it is at commit; a row created and deleted never shows.
    Change& change = changes_[it->second];
    if (kind == Change::Kind::kDeleted && change.kind == Change::Kind::kCreated) {
      change.seq = -1;  // dropped
    } else if (kind != Change::Kind::kUpdated || change.kind != Change::Kind::kCreated) {
      change.kind = kind;
    }
    change.row.payload = row.payload;
    change.row.etag = row.etag;
    change.row.update_time_us = row.update_time_us;
  }

  std::vector<Change>& changes() { return changes_; }

  void NoteView(const Collection& collection, Change::Kind kind, const Row& row,
                const std::optional<std::string>& before_payload) {
    if (!collection.pair_views) return;
    auto [it, added] =
        view_index_.emplace(absl::StrCat(collection.name, "/", row.id), views_.size());
    if (added) {
      ViewChange view;
      view.collection = &collection;
      view.row = row;
      view.created = kind == Change::Kind::kCreated;
      view.deleted = kind == Change::Kind::kDeleted;
      if (before_payload.has_value()) {
        view.before = row;
        view.before->payload = *before_payload;
      }
      views_.push_back(std::move(view));
      return;
    }
    ViewChange& view = views_[it->second];
    view.row = row;
    view.deleted = kind == Change::Kind::kDeleted;
  }

  // The rows noted since the last call.
  std::vector<ViewChange> TakeViews() {
    view_index_.clear();
    return std::exchange(views_, {});
  }

 private:
  std::vector<Change> changes_;
  absl::flat_hash_map<std::string, size_t> index_;
  std::vector<ViewChange> views_;
  absl::flat_hash_map<std::string, size_t> view_index_;
};

class SqlStore final : public Store {
 public:
  SqlStore(std::unique_ptr<SqlPool> pool, int64_t change_retention)
      : pool_(std::move(pool)), change_retention_(std::max<int64_t>(1, change_retention)) {}

  absl::StatusOr<Row> Get(const CallContext& call, const Collection& collection,
                          absl::string_view id) override {
    return Read<Row>(call, false, [&](SqlConnection& db) -> absl::StatusOr<Row> {
      auto rows = FindById(db, collection, kFixedColumns, id);
      if (!rows.ok()) return rows.status();
      return ReadRow(**rows, nullptr);
    });
  }

  absl::StatusOr<std::vector<Row>> GetMany(const CallContext& call, const Collection& collection,
                                           const std::vector<std::string>& ids) override {
    return Read<std::vector<Row>>(call, true,
                                  [&](SqlConnection& db) -> absl::StatusOr<std::vector<Row>> {
                                    std::vector<Row> found;
                                    for (const auto& id : ids) {
                                      auto rows = FindById(db, collection, kFixedColumns, id);
                                      if (!rows.ok()) return rows.status();
                                      found.push_back(ReadRow(**rows, nullptr));
                                    }
                                    return found;
                                  });
  }

  absl::StatusOr<Page> List(const CallContext& call, const Collection& collection,
                            const ListQuery& list_query) override {
    auto plan = PlanList(collection, list_query, pool_->dialect());
    if (!plan.ok()) return plan.status();
    return Read<Page>(call, false, [&](SqlConnection& db) -> absl::StatusOr<Page> {
      auto rows = db.Query(plan->sql, ToParams(plan->params));
      if (!rows.ok()) return rows.status();
      Page page;
      int64_t last_seq = 0;
      std::vector<SqlValue> last_keys;
      size_t bytes = 0;
      while (true) {
        auto has_row = (*rows)->Next();
        if (!has_row.ok()) return has_row.status();
        if (!*has_row) break;
        if (static_cast<int>(page.rows.size()) == list_query.page_size) {
          // One row beyond the page: a next page exists.
          page.next_page_token = EncodePageToken(plan->query_fingerprint, last_keys, last_seq);
          break;
        }
        int64_t seq = 0;
        Row row = ReadRow(**rows, &seq);
        bytes += row.payload.size() + kRowOverheadBytes;
        if (list_query.max_bytes > 0 && bytes > list_query.max_bytes && !page.rows.empty()) {
          // This row would take the page past its size: it starts the next.
          page.next_page_token = EncodePageToken(plan->query_fingerprint, last_keys, last_seq);
          break;
        }
        last_seq = seq;
        page.rows.push_back(std::move(row));
        last_keys.clear();
        for (size_t k = 0; k < plan->key_count; ++k) {
          int column = static_cast<int>(kFixedListColumns + k);
          last_keys.push_back((*rows)->IsInt(column) ? SqlValue((*rows)->Int(column))
                                                     : SqlValue((*rows)->Text(column)));
        }
      }
      return page;
    });
  }

  absl::StatusOr<Row> Insert(const CallContext& call, const Collection& collection, Row row,
                             const RequestKey& request) override {
    const std::string& request_id = request.id;
    for (int attempt = 1;; ++attempt) {
      Row candidate = row;
      auto result =
          Write<Row>(call, [&](SqlConnection& db, PendingChanges& pending) -> absl::StatusOr<Row> {
            if (!request_id.empty()) {
              auto replay = FindRequest(db, collection, request);
              if (!replay.ok()) return replay.status();
              if (replay->has_value()) return std::move(**replay);
            }
            if (auto status = InsertRow(db, pending, collection, candidate, false); !status.ok()) {
              return status;
            }
            if (collection.after_write) {
              auto derived = AfterWriteOf(db, pending, collection,
                                          {RowChange{std::nullopt, candidate}}, candidate.id);
              if (!derived.ok()) return derived.status();
              candidate = *std::move(derived);
            }
            if (!request_id.empty()) {
              auto stored = db.Execute(
                  "INSERT INTO request_ids (request_id, collection, id, payload, etag, create_us, "
                  "update_us, fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                  {request_id, collection.name, candidate.id, StoredPayload(candidate.payload),
                   candidate.etag, candidate.create_time_us, candidate.update_time_us,
                   request.fingerprint});
              if (!stored.ok()) return stored.status();
              if (*stored == 0) return KeyTakenConcurrently();
            }
            return Stored(std::move(candidate));
          });
      if (result.ok() || attempt == kInsertAttempts || result.status() != KeyTakenConcurrently()) {
        return result;
      }
    }
  }

  absl::StatusOr<std::vector<absl::Status>> InsertMany(const CallContext& call,
                                                       const Collection& collection,
                                                       std::vector<Row> rows) override {
    return InsertAll(call, collection, std::move(rows), false);
  }

  absl::StatusOr<std::vector<absl::Status>> Restore(const CallContext& call,
                                                    const Collection& collection,
                                                    std::vector<Row> rows) override {
    return InsertAll(call, collection, std::move(rows), true);
  }

  absl::StatusOr<Row> Update(const CallContext& call, const Collection& collection, Row row,
                             absl::string_view expected_etag) override {
    return Write<Row>(call, [&](SqlConnection& db, PendingChanges& pending) -> absl::StatusOr<Row> {
      auto current = ReadVersion(db, collection, row.id);
      if (!current.ok()) return current.status();
      if (!expected_etag.empty() && expected_etag != current->etag) {
        return StaleEtag(collection, row.id);
      }
      if (auto status = CheckCited(db, row); !status.ok()) return status;
      int64_t revision = current->revision + 1;
      row.create_time_us = current->create_us;
      row.update_time_us = NextTimestamp();
      row.etag = MakeEtag(row.payload, revision);
      auto status = UpdateRow(db, collection, row,
                              {"payload = ?", "etag = ?", "revision = ?", "update_us = ?"},
                              {StoredPayload(row.payload), row.etag, revision, row.update_time_us});
      if (!status.ok()) return status;
      pending.Note(collection, Change::Kind::kUpdated, row, current->row.payload);
      if (collection.after_write) {
        return AfterWriteOf(db, pending, collection, {RowChange{current->row, row}}, row.id);
      }
      return Stored(std::move(row));
    });
  }

  absl::Status Delete(const CallContext& call, const Collection& collection, absl::string_view id,
                      absl::string_view expected_etag) override {
    return Write<bool>(
               call,
               [&](SqlConnection& db, PendingChanges& pending) -> absl::StatusOr<bool> {
                 auto current = ReadVersion(db, collection, id);
                 if (!current.ok()) return current.status();
                 if (!expected_etag.empty() && expected_etag != current->etag) {
                   return StaleEtag(collection, id);
                 }
                 if (auto status = CheckNotCited(db, collection, id); !status.ok()) return status;
                 auto deleted =
                     db.Execute(absl::StrCat("DELETE FROM ", collection.table, " WHERE id = ?"),
                                {std::string(id)});
                 if (!deleted.ok()) return deleted.status();
                 auto uncited =
                     db.Execute("DELETE FROM citations WHERE collection = ? AND record_id = ?",
                                {collection.name, std::string(id)});
                 if (!uncited.ok()) return uncited.status();
                 current->row.create_time_us = current->create_us;
                 pending.Note(collection, Change::Kind::kDeleted, current->row,
                              current->row.payload);
                 if (auto status = WriteSearchText(db, collection, std::string(id), std::string());
                     !status.ok()) {
                   return status;
                 }
                 if (collection.after_write) {
                   Editor editor(*this, db, pending);
                   auto status =
                       collection.after_write(editor, {RowChange{current->row, std::nullopt}});
                   if (!status.ok()) return status;
                 }
                 return true;
               })
        .status();
  }

  absl::StatusOr<int64_t> Count(const CallContext& call, const Collection& collection) override {
    return Read<int64_t>(call, false, [&](SqlConnection& db) -> absl::StatusOr<int64_t> {
      auto rows = db.Query(absl::StrCat("SELECT count(*) FROM ", collection.table), {});
      if (!rows.ok()) return rows.status();
      auto has_row = (*rows)->Next();
      if (!has_row.ok()) return has_row.status();
      return (*rows)->Int(0);
    });
  }

  absl::StatusOr<SearchPage> Search(const CallContext& call, const SearchQuery& search) override {
    const std::vector<std::string> terms = SearchTerms(search.text);
    if (terms.empty()) {
      return absl::InvalidArgumentError("the query has no words to search for");
    }
    const bool sqlite = pool_->dialect() == query::Dialect::kSqlite;
    uint64_t fingerprint = Fnv1a("search");
    for (const auto& term : terms) fingerprint = Fnv1a(term + "\n", fingerprint);
    for (const auto& name : search.collections) fingerprint = Fnv1a(name + "\t", fingerprint);
    std::optional<PagePosition> after;
    if (!search.page_token.empty()) {
      auto position = DecodePageToken(search.page_token, fingerprint, 1);
      if (!position.ok()) return position.status();
      after = *std::move(position);
    }
    // Scores are compared as integers (millionths), so the keyset
    // comparison and the ordering agree exactly.
    std::vector<SqlValue> values;
    std::string matches;
    if (sqlite) {
      std::vector<std::string> quoted;
      for (const auto& term : terms) quoted.push_back(absl::StrCat("\"", term, "\""));
      matches = absl::StrCat(
          "SELECT d.collection, d.record_id, d.doc, "
          "CAST(round(bm25(search_index) * 1000000) AS INTEGER) AS score, "
          "snippet(search_index, 0, '[', ']', '...', 16) AS snippet "
          "FROM search_index JOIN search_docs d ON d.doc = search_index.rowid "
          "WHERE search_index MATCH ?");
      values.push_back(absl::StrJoin(quoted, " "));
    } else {
      matches = absl::StrCat(
          "SELECT d.collection, d.record_id, d.doc, "
          "CAST(round((-ts_rank(d.document, q) * 1000000)::numeric) AS BIGINT) AS score, "
          "ts_headline('english', d.body, q, "
          "'StartSel=[, StopSel=], MaxWords=24, MinWords=8, FragmentDelimiter=...') AS snippet "
          "FROM search_docs d, plainto_tsquery('english', ?) q WHERE d.document @@ q");
      values.push_back(absl::StrJoin(terms, " "));
    }
    if (!search.collections.empty()) {
      absl::StrAppend(&matches, " AND d.collection IN (", Placeholders(search.collections.size()),
                      ")");
      for (const auto& name : search.collections) values.push_back(name);
    }
    std::string sql =
        absl::StrCat("SELECT collection, record_id, doc, score, snippet FROM (", matches, ") m");
    if (after.has_value()) {
      const auto* score = std::get_if<int64_t>(&after->keys[0]);
      if (score == nullptr) return absl::InvalidArgumentError("invalid page_token");
      absl::StrAppend(&sql, " WHERE score > ? OR (score = ? AND doc > ?)");
      values.insert(values.end(), {*score, *score, after->seq});
    }
    absl::StrAppend(&sql, " ORDER BY score, doc LIMIT ?");
    values.push_back(int64_t{search.page_size + 1});
    return Read<SearchPage>(call, false, [&](SqlConnection& db) -> absl::StatusOr<SearchPage> {
      auto rows = db.Query(sql, ToParams(values));
      if (!rows.ok()) return rows.status();
      SearchPage page;
      int64_t last_score = 0, last_doc = 0;
      while (true) {
        auto has_row = (*rows)->Next();
        if (!has_row.ok()) return has_row.status();
        if (!*has_row) break;
        if (static_cast<int>(page.hits.size()) == search.page_size) {
          page.next_page_token = EncodePageToken(fingerprint, {last_score}, last_doc);
          break;
        }
        last_doc = (*rows)->Int(2);
        last_score = (*rows)->Int(3);
        SearchHit hit;
        hit.collection = (*rows)->Text(0);
        hit.id = (*rows)->Text(1);
        hit.score = -static_cast<double>(last_score) / 1e6;
        hit.snippet = (*rows)->Text(4);
        page.hits.push_back(std::move(hit));
      }
      return page;
    });
  }

  absl::StatusOr<ChangeBatch> ReadChanges(const CallContext& call, int64_t after,
                                          const std::vector<std::string>& collections,
                                          int limit) override {
    return Read<ChangeBatch>(call, true, [&](SqlConnection& db) -> absl::StatusOr<ChangeBatch> {
      std::string sql =
          "SELECT seq, collection, record_id, kind, payload, etag, create_us, update_us "
          "FROM changes WHERE seq > ?";
      std::vector<SqlValue> values = {after};
      if (!collections.empty()) {
        absl::StrAppend(&sql, " AND collection IN (", Placeholders(collections.size()), ")");
        for (const auto& name : collections) values.push_back(name);
      }
      absl::StrAppend(&sql, " ORDER BY seq LIMIT ?");
      values.push_back(int64_t{limit});
      ChangeBatch batch;
      {
        auto rows = db.Query(sql, ToParams(values));
        if (!rows.ok()) return rows.status();
        auto walked = ForEachRow(**rows, [&](SqlRows& cursor) {
          Change change;
          change.seq = cursor.Int(0);
          change.collection = cursor.Text(1);
          change.row.id = cursor.Text(2);
          change.kind = KindFromName(cursor.Text(3));
          change.row.payload = LoadedPayload(cursor.Text(4));
          change.row.etag = cursor.Text(5);
          change.row.create_time_us = cursor.Int(6);
          change.row.update_time_us = cursor.Int(7);
          batch.changes.push_back(std::move(change));
        });
        if (!walked.ok()) return walked;
      }
      if (static_cast<int>(batch.changes.size()) == limit) {
        batch.scanned_through = batch.changes.back().seq;
        return batch;
      }
      // Fewer than asked for: everything this snapshot holds was scanned.
      auto range = ReadRange(db);
      if (!range.ok()) return range.status();
      batch.scanned_through = std::max(after, range->latest);
      return batch;
    });
  }

  absl::StatusOr<ChangeRange> Changes(const CallContext& call) override {
    return Read<ChangeRange>(call, false, [&](SqlConnection& db) { return ReadRange(db); });
  }

  absl::Status Ping() override { return pool_->Ping(); }

  absl::StatusOr<TimelinePage> ReadTimeline(const CallContext& call,
                                            const TimelineQuery& query) override {
    if (query.limit <= 0) return TimelinePage();
    std::vector<SqlValue> values = {query.pair, query.max_date};
    std::string sql =
        "SELECT date_key, kind, record, idx FROM timeline_entries "
        "WHERE pair = ? AND date_key <= ?";
    // The index is entered at the position a page resumes after, or else
    // at the earliest date: given both, SQLite would seek to the date and
    // read every entry of that date before the position.
    const bool resumes = query.after.has_value() && query.after->date >= query.min_date;
    if (!resumes) {
      absl::StrAppend(&sql, " AND date_key >= ?");
      values.push_back(query.min_date);
    }
    const bool one_kind = query.kinds.size() == 1;
    if (one_kind) {
      // Read through the index on (pair, kind, date, ...), in which the
      // entries of one kind are in timeline order.
      absl::StrAppend(&sql, " AND kind = ?");
      values.push_back(query.kinds[0]);
    } else if (!query.kinds.empty()) {
      // `+kind`: filtered while reading the pair's entries in order, not
      // looked up kind by kind and sorted.
      absl::StrAppend(&sql, " AND +kind IN (", Placeholders(query.kinds.size()), ")");
      values.insert(values.end(), query.kinds.begin(), query.kinds.end());
    }
    if (resumes) {
      const auto& after = *query.after;
      if (one_kind && after.kind == query.kinds[0]) {
        absl::StrAppend(&sql, " AND (date_key, record, idx) > (?, ?, ?)");
        values.insert(values.end(), {after.date, after.record, after.index});
      } else {
        absl::StrAppend(&sql, " AND (date_key, kind, record, idx) > (?, ?, ?, ?)");
        values.insert(values.end(), {after.date, after.kind, after.record, after.index});
      }
    }
    absl::StrAppend(&sql, " ORDER BY date_key, kind, record, idx LIMIT ?");
    values.push_back(query.limit);
    return Read<TimelinePage>(call, true, [&](SqlConnection& db) -> absl::StatusOr<TimelinePage> {
      TimelinePage page;
      {
        auto rows = db.Query(sql, ToParams(values));
        if (!rows.ok()) return rows.status();
        auto walked = ForEachRow(**rows, [&](SqlRows& cursor) {
          TimelineRow& entry = page.entries.emplace_back();
          entry.pair = query.pair;
          entry.date = cursor.Int(0);
          entry.kind = cursor.Int(1);
          entry.record = cursor.Text(2);
          entry.index = cursor.Int(3);
        });
        if (!walked.ok()) return walked;
      }
      // The records, one statement per collection.
      page.collections.resize(page.entries.size());
      page.records.resize(page.entries.size());
      std::map<const Collection*, std::vector<size_t>> wanted;
      for (size_t i = 0; i < page.entries.size(); ++i) {
        absl::string_view name = page.entries[i].record;
        for (const Collection* collection : query.collections) {
          if (absl::ConsumePrefix(&name, collection->name) && absl::ConsumePrefix(&name, "/")) {
            page.collections[i] = collection;
            page.records[i].id = std::string(name);
            wanted[collection].push_back(i);
            break;
          }
        }
        if (page.collections[i] == nullptr) {
          return absl::InternalError(absl::StrCat("timeline entry of ", page.entries[i].record,
                                                  ", a record of no known collection"));
        }
      }
      for (const auto& [collection, entries] : wanted) {
        std::vector<SqlValue> ids;
        for (size_t i : entries) ids.push_back(page.records[i].id);
        auto rows = db.Query(absl::StrCat("SELECT ", kFixedColumns, " FROM ", collection->table,
                                          " WHERE id IN (", Placeholders(ids.size()), ")"),
                             ToParams(ids));
        if (!rows.ok()) return rows.status();
        absl::flat_hash_map<std::string, Row> found;
        auto walked = ForEachRow(**rows, [&](SqlRows& cursor) {
          Row row = ReadRow(cursor, nullptr);
          std::string id = row.id;
          found.emplace(std::move(id), std::move(row));
        });
        if (!walked.ok()) return walked;
        for (size_t i : entries) {
          auto it = found.find(page.records[i].id);
          if (it == found.end()) {
            return absl::InternalError(
                absl::StrCat("timeline entry of ", page.entries[i].record, ", which is gone"));
          }
          page.records[i] = it->second;
        }
      }
      return page;
    });
  }

  absl::StatusOr<PairResult> ReadPair(const CallContext& call, const PairQuery& query) override {
    return Read<PairResult>(call, true, [&](SqlConnection& db) -> absl::StatusOr<PairResult> {
      PairResult result;
      if (!query.counters.empty()) {
        // One statement for every count.
        std::vector<SqlValue> values = {query.pair};
        values.insert(values.end(), query.counters.begin(), query.counters.end());
        auto rows = db.Query(absl::StrCat("SELECT counter, members FROM pair_counts "
                                          "WHERE pair = ? AND counter IN (",
                                          Placeholders(query.counters.size()), ")"),
                             ToParams(values));
        if (!rows.ok()) return rows.status();
        absl::flat_hash_map<std::string, int64_t> counts;
        auto walked =
            ForEachRow(**rows, [&](SqlRows& cursor) { counts[cursor.Text(0)] = cursor.Int(1); });
        if (!walked.ok()) return walked;
        for (const auto& counter : query.counters) {
          auto it = counts.find(counter);
          result.counts.push_back(it == counts.end() ? 0 : it->second);
        }
      }
      for (const auto& list : query.lists) {
        auto read = ReadPairList(db, query.pair, list);
        if (!read.ok()) return read.status();
        result.lists.push_back(*std::move(read));
      }
      return result;
    });
  }

  absl::Status RebuildPairViews(const std::vector<const Collection*>& collections) override {
    return Write<bool>(
               CallContext(),
               [&](SqlConnection& db, PendingChanges& pending) -> absl::StatusOr<bool> {
                 // Replicas starting together rebuild one at a time, so that
                 // one's rows are never half in another's clearing.
                 if (pool_->dialect() == query::Dialect::kPostgres) {
                   auto locked = db.Query("SELECT pg_advisory_xact_lock(?)", {kPairViewsLock});
                   if (!locked.ok()) return locked.status();
                   if (auto done = (*locked)->Next(); !done.ok()) return done.status();
                 }
                 for (const char* table : {"timeline_entries", "pair_members", "pair_counts"}) {
                   auto cleared = db.Execute(absl::StrCat("DELETE FROM ", table), {});
                   if (!cleared.ok()) return cleared.status();
                 }
                 constexpr int64_t kBatch = 1000;
                 for (const Collection* collection : collections) {
                   for (int64_t after = 0;;) {
                     std::vector<ViewChange> batch;
                     {
                       auto rows = db.Query(
                           absl::StrCat("SELECT ", kFixedColumns, " FROM ", collection->table,
                                        " WHERE seq > ? ORDER BY seq LIMIT ?"),
                           {after, kBatch});
                       if (!rows.ok()) return rows.status();
                       auto walked = ForEachRow(**rows, [&](SqlRows& cursor) {
                         ViewChange& view = batch.emplace_back();
                         view.collection = collection;
                         view.row = ReadRow(cursor, &after);
                         view.created = true;  // the views were cleared
                       });
                       if (!walked.ok()) return walked;
                     }
                     if (batch.empty()) break;
                     if (auto status = WritePairViews(db, std::move(batch)); !status.ok()) {
                       return status;
                     }
                   }
                 }
                 auto cleared = db.Execute("DELETE FROM reindex_pending WHERE collection = ?",
                                           {std::string(kViewsPending)});
                 if (!cleared.ok()) return cleared.status();
                 return true;
               })
        .status();
  }

  absl::StatusOr<std::vector<std::string>> PendingReindex() override {
    using Names = std::vector<std::string>;
    return Read<Names>(CallContext(), false, [&](SqlConnection& db) -> absl::StatusOr<Names> {
      auto rows = db.Query("SELECT collection FROM reindex_pending ORDER BY collection", {});
      if (!rows.ok()) return rows.status();
      Names names;
      auto walked = ForEachRow(**rows, [&](SqlRows& cursor) { names.push_back(cursor.Text(0)); });
      if (!walked.ok()) return walked;
      return names;
    });
  }

  absl::Status Reindex(const Collection& collection,
                       const std::function<absl::StatusOr<Row>(const Row&)>& derive) override {
    return Write<bool>(
               CallContext(),
               [&](SqlConnection& db, PendingChanges& pending) -> absl::StatusOr<bool> {
                 // In batches by seq, so no statement reads the table it updates.
                 constexpr int64_t kBatch = 500;
                 for (int64_t after = 0;;) {
                   std::vector<Row> batch;
                   {
                     auto rows =
                         db.Query(absl::StrCat("SELECT ", kFixedColumns, " FROM ", collection.table,
                                               " WHERE seq > ? ORDER BY seq LIMIT ?"),
                                  {after, kBatch});
                     if (!rows.ok()) return rows.status();
                     auto walked = ForEachRow(**rows, [&](SqlRows& cursor) {
                       batch.push_back(ReadRow(cursor, &after));
                     });
                     if (!walked.ok()) return walked;
                   }
                   if (batch.empty()) break;
                   std::vector<RowChange> changes;
                   for (const auto& stored : batch) {
                     auto derived = derive(stored);
                     if (!derived.ok()) return derived.status();
                     derived->id = stored.id;
                     if (auto status = UpdateRow(db, collection, *derived, {}, {}); !status.ok()) {
                       return status;
                     }
                     // As it was and as it is: re-derived, not created.
                     changes.push_back(RowChange{stored, stored});
                   }
                   if (collection.after_write) {
                     Editor editor(*this, db, pending);
                     if (auto status = collection.after_write(editor, changes); !status.ok()) {
                       return status;
                     }
                   }
                 }
                 auto cleared = db.Execute("DELETE FROM reindex_pending WHERE collection = ?",
                                           {collection.name});
                 if (!cleared.ok()) return cleared.status();
                 return true;
               })
        .status();
  }

 private:
  struct Version {
    std::string etag;
    int64_t revision;
    int64_t create_us;
    Row row;  // id and payload as stored
  };

  // Rows read and rewritten by a collection's after_write, in the write's
  // transaction.
  class Editor final : public RowEditor {
   public:
    Editor(SqlStore& store, SqlConnection& db, PendingChanges& pending)
        : store_(store), db_(db), pending_(pending) {}

    absl::StatusOr<std::vector<Row>> Select(
        const Collection& collection, const std::vector<std::pair<std::string, SqlValue>>& equal,
        const std::string& order_by) override {
      std::vector<SqlValue> values;
      std::vector<std::string> conditions = Equal(equal, &values);
      return Rows(collection, conditions,
                  absl::StrCat(order_by.empty() ? "" : order_by + ", ", "seq"), values);
    }

    absl::StatusOr<std::vector<Row>> SelectRange(const Collection& collection,
                                                 const RowRange& range) override {
      std::vector<SqlValue> values;
      std::vector<std::string> conditions = Equal(range.equal, &values);
      if (range.from.has_value()) {
        conditions.push_back(absl::StrCat(range.order_column, range.descending ? " < ?" : " >= ?"));
        values.push_back(*range.from);
      }
      const char* direction = range.descending ? " DESC" : "";
      std::string order = absl::StrCat(range.order_column, direction, ", seq", direction);
      if (range.limit > 0) {
        absl::StrAppend(&order, " LIMIT ?");
        values.push_back(range.limit);
      }
      return Rows(collection, conditions, order, values);
    }

    absl::StatusOr<std::vector<Row>> SelectKeys(
        const Collection& collection, const std::vector<std::string>& columns,
        const std::vector<std::vector<SqlValue>>& keys) override {
      std::vector<std::string> joined;
      for (size_t i = 0; i < columns.size(); ++i) {
        joined.push_back(absl::StrCat(collection.table, ".", columns[i], " = k.column", i + 1));
      }
      std::vector<SqlParam> values;
      values.reserve(keys.size() * columns.size());
      for (const auto& key : keys) {
        for (auto& param : ToParams(key)) values.push_back(std::move(param));
      }
      std::vector<Row> found;
      auto status = ForEachValuesStatement(
          db_, absl::StrCat("SELECT ", kFixedColumns, " FROM ("), columns.size(), values,
          absl::StrCat(") AS k JOIN ", collection.table, " ON ", absl::StrJoin(joined, " AND ")),
          [&](const std::string& sql, const std::vector<SqlParam>& batch) -> absl::Status {
            auto rows = db_.Query(sql, batch);
            if (!rows.ok()) return rows.status();
            return ForEachRow(**rows,
                              [&](SqlRows& cursor) { found.push_back(ReadRow(cursor, nullptr)); });
          });
      if (!status.ok()) return status;
      return found;
    }

    absl::Status Put(const Collection& collection, Row row) override {
      auto rows =
          FindById(db_, collection, "payload, revision", row.id, store_.pool_->LockSuffix());
      if (absl::IsNotFound(rows.status())) {
        return store_.InsertRow(db_, pending_, collection, row, false);
      }
      if (!rows.ok()) return rows.status();
      std::string before = LoadedPayload((*rows)->Text(0));
      if (before == row.payload) return absl::OkStatus();
      int64_t revision = (*rows)->Int(1) + 1;
      rows->reset();
      row.update_time_us = store_.NextTimestamp();
      row.etag = MakeEtag(row.payload, revision);
      auto rows_created = FindById(db_, collection, "create_us", row.id);
      if (!rows_created.ok()) return rows_created.status();
      row.create_time_us = (*rows_created)->Int(0);
      rows_created->reset();
      auto status = store_.UpdateRow(
          db_, collection, row, {"payload = ?", "etag = ?", "revision = ?", "update_us = ?"},
          {StoredPayload(row.payload), row.etag, revision, row.update_time_us},
          /*citations=*/false);
      if (status.ok()) pending_.Note(collection, Change::Kind::kUpdated, row, before);
      return status;
    }

    absl::StatusOr<std::vector<std::pair<std::string, std::string>>> Citing(
        absl::string_view source_id) override {
      auto rows = db_.Query(
          "SELECT collection, record_id FROM citations WHERE source_id = ? "
          "ORDER BY collection, record_id",
          {std::string(source_id)});
      if (!rows.ok()) return rows.status();
      std::vector<std::pair<std::string, std::string>> citing;
      auto walked = ForEachRow(
          **rows, [&](SqlRows& cursor) { citing.emplace_back(cursor.Text(0), cursor.Text(1)); });
      if (!walked.ok()) return walked;
      return citing;
    }

   private:
    // "column = ?" for each of `equal`, whose values go to `values`.
    static std::vector<std::string> Equal(
        const std::vector<std::pair<std::string, SqlValue>>& equal, std::vector<SqlValue>* values) {
      std::vector<std::string> conditions;
      for (const auto& [column, value] : equal) {
        conditions.push_back(absl::StrCat(column, " = ?"));
        values->push_back(value);
      }
      return conditions;
    }

    // The rows of `collection` meeting every condition, in `order` (which
    // may end in a LIMIT).
    absl::StatusOr<std::vector<Row>> Rows(const Collection& collection,
                                          const std::vector<std::string>& conditions,
                                          const std::string& order,
                                          const std::vector<SqlValue>& values) {
      auto rows = db_.Query(absl::StrCat("SELECT ", kFixedColumns, " FROM ", collection.table,
                                         conditions.empty() ? "" : " WHERE ",
                                         absl::StrJoin(conditions, " AND "), " ORDER BY ", order),
                            ToParams(values));
      if (!rows.ok()) return rows.status();
      std::vector<Row> found;
      auto walked =
          ForEachRow(**rows, [&](SqlRows& cursor) { found.push_back(ReadRow(cursor, nullptr)); });
      if (!walked.ok()) return walked;
      return found;
    }

    SqlStore& store_;
    SqlConnection& db_;
    PendingChanges& pending_;
  };

  // Runs the collection's after_write on `changes`, then reads the row
  // `id` as it now is, which after_write may have changed.
  absl::StatusOr<Row> AfterWriteOf(SqlConnection& db, PendingChanges& pending,
                                   const Collection& collection,
                                   const std::vector<RowChange>& changes, const std::string& id) {
    Editor editor(*this, db, pending);
    if (auto status = collection.after_write(editor, changes); !status.ok()) return status;
    auto rows = FindById(db, collection, kFixedColumns, id);
    if (!rows.ok()) return rows.status();
    return ReadRow(**rows, nullptr);
  }

  template <typename T, typename Body>
  absl::StatusOr<T> Read(const CallContext& call, bool snapshot, Body body) {
    std::optional<absl::StatusOr<T>> result;
    auto status = pool_->Read(
        call,
        [&](SqlConnection& db) {
          result = body(db);
          return result->status();
        },
        snapshot);
    if (!result.has_value() || (result->ok() && !status.ok())) return status;
    return *std::move(result);
  }

  template <typename T, typename Body>
  absl::StatusOr<T> Write(const CallContext& call, Body body) {
    std::optional<absl::StatusOr<T>> result;
    auto status = pool_->Write(call, [&](SqlConnection& db) {
      PendingChanges pending;
      result = body(db, pending);
      if (result->ok()) {
        if (auto derived = WriteDerived(db, pending); !derived.ok()) result = derived;
      }
      return result->status();
    });
    if (!result.has_value() || (result->ok() && !status.ok())) return status;
    return *std::move(result);
  }

  // Rewrites the pair views of `views` (store/pair_views.h): what each row
  // gave before is removed and uncounted, and what it gives now is added
  // and counted; a row whose views did not change is left alone. Rows are
  // added in multi-row statements. Counts change last, in key order, so
  // that concurrent writers on PostgreSQL lock them in one order.
  absl::Status WritePairViews(SqlConnection& db, std::vector<ViewChange> views) {
    std::vector<SqlStatement> statements;
    if (auto status = PairViewStatements(db, std::move(views), statements); !status.ok()) {
      return status;
    }
    return db.ExecuteAll(statements);
  }

  // What a write leaves for its end, after its own statements: its pair
  // views and its changes in the feed. Their statements need no answer but
  // the last, so they go together (one round trip on PostgreSQL), then the
  // feed's position is read to prune it now and then.
  absl::Status WriteDerived(SqlConnection& db, PendingChanges& pending) {
    std::vector<SqlStatement> statements;
    if (auto status = PairViewStatements(db, pending.TakeViews(), statements); !status.ok()) {
      return status;
    }
    std::vector<Change>& changes = pending.changes();
    changes.erase(std::remove_if(changes.begin(), changes.end(),
                                 [](const Change& change) { return change.seq < 0; }),
                  changes.end());
    ChangeStatements(db, changes, statements);
    if (auto status = db.ExecuteAll(statements); !status.ok()) return status;
    return PruneChanges(db, changes.size());
  }

  // The statements that rewrite the pair views of `views`, added to `out`.
  absl::Status PairViewStatements(SqlConnection& db, std::vector<ViewChange> views,
                                  std::vector<SqlStatement>& out) {
    if (views.empty()) return absl::OkStatus();
    std::map<std::pair<std::string, std::string>, int64_t> deltas;
    auto count = [&](const PairMember& member, int64_t delta) {
      deltas[{member.pair, member.list}] += delta;
      if (member.count_by_rank) {
        deltas[{member.pair, absl::StrCat(member.list, "@", member.rank)}] += delta;
      }
    };
    std::vector<SqlParam> timeline_values, member_values;
    for (auto& view : views) {
      const Collection& collection = *view.collection;
      if (view.created && view.deleted) continue;
      const std::string record = absl::StrCat(collection.name, "/", view.row.id);
      PairViewRows now;
      if (!view.deleted) {
        auto rows = collection.pair_views(view.row);
        if (!rows.ok()) return rows.status();
        now = *std::move(rows);
        for (auto& entry : now.timeline) entry.record = record;
        SortPairViews(now);
      }
      if (!view.created) {
        // What the row gave before: the views follow the rows as they
        // were when the transaction began.
        if (!view.before.has_value()) {
          return absl::InternalError(
              absl::StrCat("the write of ", record, " did not say what it changed"));
        }
        auto before = collection.pair_views(*view.before);
        if (!before.ok()) return before.status();
        for (auto& entry : before->timeline) entry.record = record;
        SortPairViews(*before);
        if (before->timeline == now.timeline && before->members == now.members) continue;
        for (const auto& entry : before->timeline) {
          out.push_back(
              {"DELETE FROM timeline_entries WHERE pair = ? AND date_key = ? AND "
               "kind = ? AND record = ? AND idx = ?",
               {entry.pair, entry.date, entry.kind, record, entry.index}});
        }
        for (const auto& member : before->members) {
          count(member, -1);
          out.push_back(
              {"DELETE FROM pair_members WHERE pair = ? AND list_name = ? AND "
               "sort_key = ? AND record_id = ?",
               {member.pair, member.list, member.rank, view.row.id}});
        }
      }
      for (auto& entry : now.timeline) {
        timeline_values.insert(timeline_values.end(), {std::move(entry.pair), entry.date,
                                                       entry.kind, record, entry.index});
      }
      for (auto& member : now.members) {
        count(member, 1);
        member_values.insert(member_values.end(), {std::move(member.pair), std::move(member.list),
                                                   member.rank, view.row.id});
      }
    }
    AddValuesStatements(db, "INSERT INTO timeline_entries (pair, date_key, kind, record, idx)", 5,
                        timeline_values, out);
    AddValuesStatements(db, "INSERT INTO pair_members (pair, list_name, sort_key, record_id)", 4,
                        member_values, out);
    for (const auto& [key, delta] : deltas) {
      if (delta == 0) continue;
      out.push_back(
          {"INSERT INTO pair_counts (pair, counter, members) VALUES (?, ?, ?) "
           "ON CONFLICT (pair, counter) DO UPDATE SET members = pair_counts.members + "
           "excluded.members",
           {key.first, key.second, delta}});
    }
    return absl::OkStatus();
  }

  // In one order, so that two sets of a record's views compare equal when
  // they hold the same rows.
  static void SortPairViews(PairViewRows& views) {
    std::sort(views.timeline.begin(), views.timeline.end(),
              [](const TimelineRow& a, const TimelineRow& b) {
                return std::tie(a.pair, a.date, a.kind, a.index) <
                       std::tie(b.pair, b.date, b.kind, b.index);
              });
    std::sort(views.members.begin(), views.members.end(),
              [](const PairMember& a, const PairMember& b) {
                return std::tie(a.pair, a.list, a.rank) < std::tie(b.pair, b.list, b.rank);
              });
  }

  static absl::StatusOr<int64_t> ReadCount(SqlConnection& db, const std::string& pair,
                                           const std::string& counter) {
    auto rows =
        db.Query("SELECT members FROM pair_counts WHERE pair = ? AND counter = ?", {pair, counter});
    if (!rows.ok()) return rows.status();
    auto has_row = (*rows)->Next();
    if (!has_row.ok()) return has_row.status();
    return *has_row ? (*rows)->Int(0) : 0;
  }

  static absl::StatusOr<PairListResult> ReadPairList(SqlConnection& db, const std::string& pair,
                                                     const PairListQuery& list) {
    PairListResult result;
    std::vector<SqlValue> values = {pair, list.list};
    std::string conditions = "m.pair = ? AND m.list_name = ?";
    if (list.highest_rank_only) {
      auto rows = db.Query(
          "SELECT sort_key FROM pair_members WHERE pair = ? AND list_name = ? "
          "ORDER BY sort_key DESC LIMIT 1",
          {pair, list.list});
      if (!rows.ok()) return rows.status();
      auto has_row = (*rows)->Next();
      if (!has_row.ok()) return has_row.status();
      if (!*has_row) return result;
      result.rank = (*rows)->Int(0);
      rows->reset();
      auto count = ReadCount(db, pair, absl::StrCat(list.list, "@", result.rank));
      if (!count.ok()) return count.status();
      result.rank_count = *count;
      absl::StrAppend(&conditions, " AND m.sort_key = ?");
      values.push_back(result.rank);
    }
    if (list.min_rank != INT64_MIN) {
      absl::StrAppend(&conditions, " AND m.sort_key >= ?");
      values.push_back(list.min_rank);
    }
    values.push_back(list.limit);
    auto rows =
        db.Query(absl::StrCat("SELECT t.seq, t.id, t.payload, t.etag, t.create_us, t.update_us "
                              "FROM pair_members m JOIN ",
                              list.collection->table, " t ON t.id = m.record_id WHERE ", conditions,
                              " ORDER BY m.sort_key", list.rank_descending ? " DESC" : "",
                              ", m.record_id", list.record_descending ? " DESC" : "", " LIMIT ?"),
                 ToParams(values));
    if (!rows.ok()) return rows.status();
    auto walked = ForEachRow(
        **rows, [&](SqlRows& cursor) { result.rows.push_back(ReadRow(cursor, nullptr)); });
    if (!walked.ok()) return walked;
    return result;
  }

  // The statements that append `changes` to the feed, last thing before
  // the commit, added to `out`. On PostgreSQL they first take an advisory
  // lock held to the commit, which makes positions follow commit order, so
  // a reader that sees a position has seen every earlier one; it is taken
  // after every row lock the transaction needs, so it cannot be part of a
  // deadlock.
  void ChangeStatements(SqlConnection& db, const std::vector<Change>& changes,
                        std::vector<SqlStatement>& out) {
    if (changes.empty()) return;
    if (pool_->dialect() == query::Dialect::kPostgres) {
      out.push_back({"SELECT pg_advisory_xact_lock(?)", {kChangeFeedLock}});
    }
    const int64_t now = NextTimestamp();
    std::vector<SqlParam> values;
    values.reserve(changes.size() * 7);
    for (const auto& change : changes) {
      const bool deleted = change.kind == Change::Kind::kDeleted;
      values.insert(values.end(),
                    {change.collection, change.row.id, KindName(change.kind),
                     StoredPayload(change.row.payload), change.row.etag, change.row.create_time_us,
                     deleted ? now : change.row.update_time_us});
    }
    AddValuesStatements(db,
                        "INSERT INTO changes (collection, record_id, kind, payload, etag, "
                        "create_us, update_us)",
                        7, values, out);
  }

  // Drops the changes older than the retention, now and then (when the
  // `appended` changes just written crossed a multiple of a tenth of it),
  // not on every write.
  absl::Status PruneChanges(SqlConnection& db, size_t appended) {
    if (appended == 0) return absl::OkStatus();
    auto latest = db.Query("SELECT max(seq) FROM changes", {});
    if (!latest.ok()) return latest.status();
    if (auto found = (*latest)->Next(); !found.ok()) return found.status();
    const int64_t last = (*latest)->Int(0);
    latest->reset();
    const int64_t every = std::clamp<int64_t>(change_retention_ / 10, 1, 1000);
    const int64_t first = last - static_cast<int64_t>(appended) + 1;
    if ((first - 1) / every != last / every && last > change_retention_) {
      auto pruned = db.Execute("DELETE FROM changes WHERE seq <= ?", {last - change_retention_});
      if (!pruned.ok()) return pruned.status();
    }
    return absl::OkStatus();
  }

  // Strictly increasing within the process, so update times order commits.
  int64_t NextTimestamp() {
    int64_t now = absl::ToUnixMicros(absl::Now());
    int64_t last = last_timestamp_us_.load();
    int64_t next;
    do {
      next = std::max(now, last + 1);
    } while (!last_timestamp_us_.compare_exchange_weak(last, next));
    return next;
  }

  // Replaces the search text of a row: `text` unset leaves it, empty
  // removes the row from search. Rows just inserted take AddSearchText.
  absl::Status WriteSearchText(SqlConnection& db, const Collection& collection,
                               const std::string& id, const std::optional<std::string>& text) {
    if (!text.has_value()) return absl::OkStatus();
    if (pool_->dialect() == query::Dialect::kPostgres) {
      auto written =
          text->empty()
              ? db.Execute("DELETE FROM search_docs WHERE collection = ? AND record_id = ?",
                           {collection.name, id})
              : db.Execute(
                    "INSERT INTO search_docs (collection, record_id, body) "
                    "VALUES (?, ?, ?) ON CONFLICT (collection, record_id) "
                    "DO UPDATE SET body = excluded.body",
                    {collection.name, id, *text});
      return written.status();
    }
    // SQLite: the FTS5 row's rowid is the document number. The full-text
    // index is written at commit: FTS5 flushes what it has buffered at
    // every savepoint, and a group commit takes one per write.
    auto find = [&]() -> absl::StatusOr<int64_t> {
      auto rows = db.Query("SELECT doc FROM search_docs WHERE collection = ? AND record_id = ?",
                           {collection.name, id});
      if (!rows.ok()) return rows.status();
      auto found = (*rows)->Next();
      if (!found.ok()) return found.status();
      return *found ? (*rows)->Int(0) : int64_t{0};
    };
    auto doc = find();
    if (!doc.ok()) return doc.status();
    if (*doc != 0) {
      auto removed = db.ExecuteAtCommit("DELETE FROM search_index WHERE rowid = ?", {*doc});
      if (!removed.ok()) return removed;
      if (text->empty()) {
        return db.Execute("DELETE FROM search_docs WHERE doc = ?", {*doc}).status();
      }
    } else {
      if (text->empty()) return absl::OkStatus();
      auto added = db.Execute("INSERT INTO search_docs (collection, record_id) VALUES (?, ?)",
                              {collection.name, id});
      if (!added.ok()) return added.status();
      doc = find();
      if (!doc.ok()) return doc.status();
    }
    return db.ExecuteAtCommit("INSERT INTO search_index (rowid, body) VALUES (?, ?)",
                              {*doc, *text});
  }

  // Gives rows just inserted their search text, set on each: what
  // WriteSearchText does for one, in multi-row statements.
  absl::Status AddSearchText(SqlConnection& db, const Collection& collection,
                             const std::vector<const Row*>& rows) {
    // Rows whose text is empty, or that find a document left behind, take
    // the way of a row being updated.
    std::vector<const Row*> one_by_one;
    std::vector<const Row*> indexed;
    for (const Row* row : rows) (row->search_text->empty() ? one_by_one : indexed).push_back(row);
    std::vector<SqlParam> values;
    if (pool_->dialect() == query::Dialect::kPostgres) {
      for (const Row* row : indexed) {
        values.insert(values.end(), {collection.name, row->id, *row->search_text});
      }
      std::vector<SqlStatement> statements;
      AddValuesStatements(
          db, "INSERT INTO search_docs (collection, record_id, body)", 3, values, statements,
          " ON CONFLICT (collection, record_id) DO UPDATE SET body = excluded.body");
      if (auto status = db.ExecuteAll(statements); !status.ok()) return status;
    } else if (!indexed.empty()) {
      // SQLite: the FTS5 row's rowid is the document number; the index is
      // written at commit, as WriteSearchText says.
      for (const Row* row : indexed) values.insert(values.end(), {collection.name, row->id});
      absl::flat_hash_map<std::string, int64_t> docs;
      auto status = ForEachValuesStatement(
          db, "INSERT INTO search_docs (collection, record_id)", 2, values,
          " ON CONFLICT DO NOTHING RETURNING doc, record_id",
          [&](const std::string& sql, const std::vector<SqlParam>& batch) -> absl::Status {
            auto added = db.Query(sql, batch);
            if (!added.ok()) return added.status();
            return ForEachRow(**added,
                              [&](SqlRows& cursor) { docs[cursor.Text(1)] = cursor.Int(0); });
          });
      if (!status.ok()) return status;
      std::vector<SqlParam> bodies;
      for (const Row* row : indexed) {
        auto doc = docs.find(row->id);
        if (doc == docs.end()) {
          one_by_one.push_back(row);
        } else {
          bodies.insert(bodies.end(), {doc->second, *row->search_text});
        }
      }
      status =
          ForEachValuesStatement(db, "INSERT INTO search_index (rowid, body)", 2, bodies, "",
                                 [&](const std::string& sql, const std::vector<SqlParam>& batch) {
                                   return db.ExecuteAtCommit(sql, batch);
                                 });
      if (!status.ok()) return status;
    }
    for (const Row* row : one_by_one) {
      if (auto status = WriteSearchText(db, collection, row->id, row->search_text); !status.ok()) {
        return status;
      }
    }
    return absl::OkStatus();
  }

  static absl::StatusOr<ChangeRange> ReadRange(SqlConnection& db) {
    // Each bound is one step down the primary key: min() and max() together
    // in one query would make SQLite scan the whole feed.
    auto rows = db.Query(
        "SELECT coalesce((SELECT seq FROM changes ORDER BY seq LIMIT 1), 0), "
        "coalesce((SELECT seq FROM changes ORDER BY seq DESC LIMIT 1), 0), "
        "(SELECT min(id) FROM store_identity)",
        {});
    if (!rows.ok()) return rows.status();
    if (auto found = (*rows)->Next(); !found.ok()) return found.status();
    return ChangeRange{(*rows)->Int(0), (*rows)->Int(1), (*rows)->Text(2)};
  }

  // A row as returned to callers: without the derived parts they sent.
  static Row Stored(Row row) {
    row.columns.clear();
    row.cited_sources.clear();
    row.references.clear();
    return row;
  }

  absl::StatusOr<std::vector<absl::Status>> InsertAll(const CallContext& call,
                                                      const Collection& collection,
                                                      std::vector<Row> rows, bool keep_metadata) {
    using Results = std::vector<absl::Status>;
    if (collection.before_insert && !keep_metadata) collection.before_insert(rows);
    return Write<Results>(
        call, [&](SqlConnection& db, PendingChanges& pending) -> absl::StatusOr<Results> {
          Results results(rows.size());
          std::vector<RowChange> changes;
          // Rows of a chunk mostly cite the same few sources: each is looked up once.
          absl::flat_hash_set<std::string> known_sources;
          // The rows are checked, then stored together, a segment at a time: a
          // row that cites a row before it in its segment starts the next, so
          // that it is checked once that row is stored, as one by one.
          for (size_t next = 0; next < rows.size();) {
            std::vector<Row*> checked;
            std::vector<size_t> positions;
            absl::flat_hash_set<std::string> segment_keys;
            for (; next < rows.size(); ++next) {
              Row& row = rows[next];
              if (!keep_metadata) {
                if (auto status = CheckCited(db, row, &known_sources); !status.ok()) {
                  // A row's own problem is its result; a failing store fails them all.
                  if (!absl::IsFailedPrecondition(status)) return status;
                  if (!checked.empty() && Cites(row, segment_keys)) break;
                  results[next] = std::move(status);
                  continue;
                }
                SetNewMetadata(row);
              }
              segment_keys.insert(TargetKey(collection, row.id));
              checked.push_back(&row);
              positions.push_back(next);
            }
            auto added = AddRows(db, pending, collection, checked);
            if (!added.ok()) return added.status();
            for (size_t k = 0; k < checked.size(); ++k) {
              if ((*added)[k].ok() && collection.after_write && !keep_metadata) {
                changes.push_back(RowChange{std::nullopt, *checked[k]});
              }
              results[positions[k]] = std::move((*added)[k]);
            }
          }
          if (!changes.empty()) {
            Editor editor(*this, db, pending);
            if (auto status = collection.after_write(editor, changes); !status.ok()) return status;
          }
          return results;
        });
  }

  // Whether `row` cites or names a row whose TargetKey is in `keys`.
  static bool Cites(const Row& row, const absl::flat_hash_set<std::string>& keys) {
    for (const auto& source : row.cited_sources) {
      if (keys.contains(source)) return true;
    }
    for (const auto& reference : row.references) {
      if (keys.contains(TargetKey(*reference.collection, reference.id))) return true;
    }
    return false;
  }

  // Gives a row about to be inserted its first etag and times.
  void SetNewMetadata(Row& row) {
    row.create_time_us = row.update_time_us = NextTimestamp();
    row.etag = MakeEtag(row.payload, 1);
  }

  // FAILED_PRECONDITION when a source `row` cites is not stored. `known`,
  // if given, holds sources already found in this transaction, and gains
  // those found now.
  absl::Status CheckCited(SqlConnection& db, const Row& row,
                          absl::flat_hash_set<std::string>* known = nullptr) {
    // One row, `id` of `table`, that `key` names in the citations table.
    auto check = [&](absl::string_view table, const std::string& id, const std::string& key,
                     absl::string_view collection) -> absl::Status {
      if (known != nullptr && known->contains(key)) return absl::OkStatus();
      auto rows = db.Query(absl::StrCat("SELECT 1 FROM ", table, " WHERE id = ?"), {id});
      if (!rows.ok()) return rows.status();
      auto found = (*rows)->Next();
      if (!found.ok()) return found.status();
      if (!*found) {
        return absl::FailedPreconditionError(absl::StrCat(collection, "/", id, " does not exist"));
      }
      if (known != nullptr) known->insert(key);
      return absl::OkStatus();
    };
    for (const auto& source : row.cited_sources) {
      if (auto status = check(kCitedCollection, source, source, kCitedCollection); !status.ok()) {
        return status;
      }
    }
    for (const auto& reference : row.references) {
      if (auto status =
              check(reference.collection->table, reference.id,
                    TargetKey(*reference.collection, reference.id), reference.collection->name);
          !status.ok()) {
        return status;
      }
    }
    return absl::OkStatus();
  }

  // How the citations table names a row that rows cite or name: a source by
  // its id (as it always has), a row of another collection by its resource
  // name, which no id can be (ids hold no '/').
  static std::string TargetKey(const Collection& collection, absl::string_view id) {
    if (collection.name == kCitedCollection) return std::string(id);
    return absl::StrCat(collection.name, "/", id);
  }

  // FAILED_PRECONDITION naming the records that cite or name the row `id`.
  absl::Status CheckNotCited(SqlConnection& db, const Collection& collection,
                             absl::string_view id) {
    constexpr int64_t kNamed = 5;
    auto rows = db.Query(
        "SELECT collection, record_id, count(*) OVER () FROM citations "
        "WHERE source_id = ? AND NOT (collection = ? AND record_id = ?) "
        "ORDER BY collection, record_id LIMIT ?",
        {TargetKey(collection, id), collection.name, std::string(id), kNamed});
    if (!rows.ok()) return rows.status();
    std::vector<std::string> citing;
    int64_t total = 0;
    auto walked = ForEachRow(**rows, [&](SqlRows& cursor) {
      citing.push_back(absl::StrCat(cursor.Text(0), "/", cursor.Text(1)));
      total = cursor.Int(2);
    });
    if (!walked.ok()) return walked;
    if (citing.empty()) return absl::OkStatus();
    std::string more = total > kNamed ? absl::StrCat(" and ", total - kNamed, " more") : "";
    const bool source = collection.name == kCitedCollection;
    return absl::FailedPreconditionError(absl::StrCat(
        collection.name, "/", id, source ? " is still cited by " : " is still named by ",
        absl::StrJoin(citing, ", "), more,
        source ? "; remove those citations first" : "; remove those references first"));
  }

  // Appends the citations rows of `row` of `collection` to `values`: what
  // it cites and names.
  static void CitationValues(const Collection& collection, const Row& row,
                             std::vector<SqlParam>& values) {
    for (const auto& source : row.cited_sources) {
      values.insert(values.end(), {collection.name, row.id, source});
    }
    for (const auto& reference : row.references) {
      values.insert(values.end(),
                    {collection.name, row.id, TargetKey(*reference.collection, reference.id)});
    }
  }

  // Records the citations in `values`, rows of (collection, record_id,
  // source_id); those recorded already are left as they are.
  static absl::Status AddCitations(SqlConnection& db, std::vector<SqlParam> values) {
    if (values.empty()) return absl::OkStatus();
    return db
        .InsertRows("citations", {"collection", "record_id", "source_id"}, std::move(values), "")
        .status();
  }

  // Replaces the citations recorded for `row`.
  absl::Status WriteCitations(SqlConnection& db, const Collection& collection, const Row& row) {
    auto cleared = db.Execute("DELETE FROM citations WHERE collection = ? AND record_id = ?",
                              {collection.name, row.id});
    if (!cleared.ok()) return cleared.status();
    std::vector<SqlParam> values;
    CitationValues(collection, row, values);
    return AddCitations(db, std::move(values));
  }

  // Inserts `row` (with fresh metadata unless `keep_metadata`), or says why
  // it cannot be stored.
  absl::Status InsertRow(SqlConnection& db, PendingChanges& pending, const Collection& collection,
                         Row& row, bool keep_metadata) {
    // Restored rows come from a consistent store, in which a source may cite
    // one restored after it; their citations are recorded all the same.
    if (!keep_metadata) {
      if (auto status = CheckCited(db, row); !status.ok()) return status;
      SetNewMetadata(row);
    }
    auto added = AddRows(db, pending, collection, {&row});
    if (!added.ok()) return added.status();
    return added->front();
  }

  // Inserts `rows`, whose metadata is set, with their citations and search
  // text, and notes each in `pending`. Returns a status for each: OK, or
  // ALREADY_EXISTS when the table or an earlier row of `rows` has its id or
  // unique key; then nothing of it is stored.
  absl::StatusOr<std::vector<absl::Status>> AddRows(SqlConnection& db, PendingChanges& pending,
                                                    const Collection& collection,
                                                    const std::vector<Row*>& rows) {
    std::vector<std::string> names = {"id",       "payload",   "etag",
                                      "revision", "create_us", "update_us"};
    names.insert(names.end(), collection.columns.begin(), collection.columns.end());
    std::vector<absl::Status> results(rows.size());
    std::vector<bool> added(rows.size(), false);
    // The rows of one statement have distinct ids, so that the ids it added
    // say which rows it added; a row with the id of an earlier row waits
    // for the next statement, as one by one it would come after that row.
    std::vector<size_t> waiting(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) waiting[i] = i;
    while (!waiting.empty()) {
      std::vector<size_t> round, later;
      absl::flat_hash_set<absl::string_view> ids;
      std::vector<SqlParam> values;
      values.reserve(waiting.size() * names.size());
      for (size_t i : waiting) {
        const Row& row = *rows[i];
        if (!ids.insert(row.id).second) {
          later.push_back(i);
          continue;
        }
        round.push_back(i);
        values.insert(values.end(), {row.id, StoredPayload(row.payload), row.etag, int64_t{1},
                                     row.create_time_us, row.update_time_us});
        for (auto& param : ToParams(row.columns)) values.push_back(std::move(param));
      }
      // Any unique index may refuse a row; then nothing of it is inserted.
      auto inserted = db.InsertRows(collection.table, names, std::move(values), "id");
      if (!inserted.ok()) return inserted.status();
      const absl::flat_hash_set<std::string> inserted_ids(inserted->begin(), inserted->end());
      for (size_t i : round) {
        if (inserted_ids.contains(rows[i]->id)) {
          added[i] = true;
        } else {
          results[i] = AlreadyExists(db, collection, rows[i]->id);
        }
      }
      waiting = std::move(later);
    }
    std::vector<SqlParam> citations;
    std::vector<const Row*> searchable;
    for (size_t i = 0; i < rows.size(); ++i) {
      if (!added[i]) continue;
      const Row& row = *rows[i];
      pending.Note(collection, Change::Kind::kCreated, row, std::nullopt);
      CitationValues(collection, row, citations);
      if (row.search_text.has_value()) searchable.push_back(&row);
    }
    if (auto status = AddCitations(db, std::move(citations)); !status.ok()) return status;
    if (auto status = AddSearchText(db, collection, searchable); !status.ok()) return status;
    return results;
  }

  // Sets `assignments` (with `values`) and the derived columns of `row`,
  // and records its citations.
  absl::Status UpdateRow(SqlConnection& db, const Collection& collection, const Row& row,
                         std::vector<std::string> assignments, std::vector<SqlParam> values,
                         bool citations = true) {
    for (const auto& column : collection.columns) {
      assignments.push_back(absl::StrCat(column, " = ?"));
    }
    for (auto& param : ToParams(row.columns)) values.push_back(std::move(param));
    values.push_back(row.id);
    auto updated = db.Execute(absl::StrCat("UPDATE ", collection.table, " SET ",
                                           absl::StrJoin(assignments, ", "), " WHERE id = ?"),
                              values);
    if (absl::IsAlreadyExists(updated.status())) return AlreadyExists(db, collection, "");
    if (!updated.ok()) return updated.status();
    if (auto status = WriteSearchText(db, collection, row.id, row.search_text); !status.ok()) {
      return status;
    }
    return citations ? WriteCitations(db, collection, row) : absl::OkStatus();
  }

  // ALREADY_EXISTS for a row that collided with `id` or the unique key.
  absl::Status AlreadyExists(SqlConnection& db, const Collection& collection,
                             absl::string_view id) {
    if (!id.empty() && FindById(db, collection, "1", id).ok()) {
      return absl::AlreadyExistsError(absl::StrCat(collection.name, "/", id, " already exists"));
    }
    return absl::AlreadyExistsError(absl::StrCat(
        "another record in ", collection.name, " has the same ",
        collection.unique_key.empty() ? std::string("unique key") : collection.unique_key));
  }

  absl::StatusOr<Version> ReadVersion(SqlConnection& db, const Collection& collection,
                                      absl::string_view id) {
    // The payload only for after_write, which sees the row as it was.
    const bool payload = collection.after_write || collection.pair_views;
    auto rows =
        FindById(db, collection,
                 payload ? "etag, revision, create_us, payload" : "etag, revision, create_us", id,
                 pool_->LockSuffix());
    if (!rows.ok()) return rows.status();
    Version version{(*rows)->Text(0), (*rows)->Int(1), (*rows)->Int(2), Row{}};
    version.row.id = std::string(id);
    if (payload) version.row.payload = LoadedPayload((*rows)->Text(3));
    return version;
  }

  absl::StatusOr<std::optional<Row>> FindRequest(SqlConnection& db, const Collection& collection,
                                                 const RequestKey& request) {
    // Laid out as ReadRow expects, with the collection and the fingerprint
    // after the fixed columns.
    auto rows = db.Query(
        "SELECT 0, id, payload, etag, create_us, update_us, collection, fingerprint "
        "FROM request_ids WHERE request_id = ?",
        {request.id});
    if (!rows.ok()) return rows.status();
    auto found = (*rows)->Next();
    if (!found.ok()) return found.status();
    if (!*found) return std::optional<Row>();
    const std::string first = absl::StrCat((*rows)->Text(kFixedListColumns), "/", (*rows)->Text(1));
    if ((*rows)->Text(kFixedListColumns) != collection.name) {
      return absl::InvalidArgumentError(absl::StrCat(
          "request_id '", request.id, "' was already used for a request on another collection (",
          first, "); use a new request_id for a new request"));
    }
    // Keys stored before fingerprints were kept have none to compare.
    const std::string fingerprint = (*rows)->Text(kFixedListColumns + 1);
    if (!fingerprint.empty() && !request.fingerprint.empty() &&
        fingerprint != request.fingerprint) {
      return absl::InvalidArgumentError(
          absl::StrCat("request_id '", request.id,
                       "' was already used for a different request, which created ", first,
                       "; a retry must repeat the request unchanged, a new request needs a new "
                       "request_id"));
    }
    return std::optional<Row>(ReadRow(**rows, nullptr));
  }

  std::unique_ptr<SqlPool> pool_;
  const int64_t change_retention_;
  std::atomic<int64_t> last_timestamp_us_{0};
};

}  // namespace

absl::Status SqlConnection::ExecuteAll(const std::vector<SqlStatement>& statements) {
  for (const auto& statement : statements) {
    if (auto done = Execute(statement.sql, statement.params); !done.ok()) return done.status();
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> SqlConnection::InsertRows(
    const std::string& table, const std::vector<std::string>& columns, std::vector<SqlParam> values,
    const std::string& returning) {
  std::vector<std::string> added;
  auto status = ForEachValuesStatement(
      *this, absl::StrCat("INSERT INTO ", table, " (", absl::StrJoin(columns, ", "), ")"),
      columns.size(), values,
      returning.empty() ? " ON CONFLICT DO NOTHING"
                        : absl::StrCat(" ON CONFLICT DO NOTHING RETURNING ", returning),
      [&](const std::string& sql, const std::vector<SqlParam>& batch) -> absl::Status {
        if (returning.empty()) return Execute(sql, batch).status();
        auto rows = Query(sql, batch);
        if (!rows.ok()) return rows.status();
        return ForEachRow(**rows, [&](SqlRows& cursor) { added.push_back(cursor.Text(0)); });
      });
  if (!status.ok()) return status;
  return added;
}

std::unique_ptr<Store> MakeSqlStore(std::unique_ptr<SqlPool> pool, int64_t change_retention) {
  return std::make_unique<SqlStore>(std::move(pool), change_retention);
}

}  // namespace bilateral::store
