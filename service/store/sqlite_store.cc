#include "store/sqlite_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <optional>
#include <unordered_map>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/log.h"
#include "store/hash.h"
#include "store/list_plan.h"
#include "store/schema.h"

namespace bilateral::store {
namespace {

// Maps an SQLite failure to a canonical status. The detail (which may name
// tables or the file) is logged, never returned to callers.
absl::Status SqliteError(sqlite3* db, int rc, absl::string_view operation) {
  const char* detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  LogError("sqlite", absl::StrCat(operation, ": ", detail));
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return absl::UnavailableError("the store is busy; retry");
    case SQLITE_FULL:
      return absl::ResourceExhaustedError("the store is out of disk space");
    case SQLITE_READONLY:
      return absl::FailedPreconditionError("the store is read-only");
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return absl::DataLossError("the store file is not a valid database");
    default:
      return absl::InternalError("storage error");
  }
}

int64_t NowMicros() { return absl::ToUnixMicros(absl::Now()); }

// One SQLite connection and its prepared statements, reused across calls.
// Used by one thread at a time.
class Connection {
 public:
  static absl::StatusOr<std::unique_ptr<Connection>> Open(
      const std::string& path) {
    sqlite3* db = nullptr;
    int rc = sqlite3_open_v2(
        path.c_str(), &db,
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
        nullptr);
    auto connection = std::unique_ptr<Connection>(new Connection(db));
    if (rc != SQLITE_OK) {
      return absl::UnavailableError(absl::StrCat(
          "cannot open database '", path, "': ", sqlite3_errstr(rc)));
    }
    sqlite3_extended_result_codes(db, 1);
    return connection;
  }

  ~Connection() {
    for (auto& [sql, statement] : statements_) sqlite3_finalize(statement);
    sqlite3_close_v2(db_);
  }

  sqlite3* db() { return db_; }

  absl::Status Exec(const std::string& sql) {
    char* error = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
    sqlite3_free(error);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, "exec");
    return absl::OkStatus();
  }

  // Returns the cached statement for `sql`, reset and with no bindings.
  absl::StatusOr<sqlite3_stmt*> Prepare(const std::string& sql) {
    auto it = statements_.find(sql);
    if (it != statements_.end()) return it->second;
    sqlite3_stmt* statement = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT,
                                &statement, nullptr);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, "prepare");
    // Filters make statements unbounded in variety; keep the cache bounded.
    if (statements_.size() >= kMaxCachedStatements) {
      for (auto& [cached_sql, cached] : statements_) sqlite3_finalize(cached);
      statements_.clear();
    }
    statements_.emplace(sql, statement);
    return statement;
  }

 private:
  static constexpr size_t kMaxCachedStatements = 256;

  explicit Connection(sqlite3* db) : db_(db) {}

  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

// Binds parameters to a cached statement, steps it, and resets it when it
// goes out of scope so the statement is ready for the next use.
class Query {
 public:
  Query(Connection& connection, sqlite3_stmt* statement)
      : connection_(connection), statement_(statement) {}
  ~Query() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  // Binds `values` to placeholders 1..n.
  absl::Status Bind(const std::vector<SqlValue>& values) {
    for (size_t i = 0; i < values.size(); ++i) {
      int index = static_cast<int>(i + 1);
      int rc;
      if (const auto* number = std::get_if<int64_t>(&values[i])) {
        rc = sqlite3_bind_int64(statement_, index, *number);
      } else {
        const auto& text = std::get<std::string>(values[i]);
        rc = sqlite3_bind_text(statement_, index, text.data(),
                               static_cast<int>(text.size()), SQLITE_TRANSIENT);
      }
      if (rc != SQLITE_OK) return SqliteError(connection_.db(), rc, "bind");
    }
    return absl::OkStatus();
  }

  absl::Status BindBlob(int index, absl::string_view blob) {
    int rc = sqlite3_bind_blob(statement_, index, blob.data(),
                               static_cast<int>(blob.size()), SQLITE_TRANSIENT);
    if (rc != SQLITE_OK) return SqliteError(connection_.db(), rc, "bind");
    return absl::OkStatus();
  }

  // Advances to the next row: true when a row is available, false when done.
  absl::StatusOr<bool> Step() {
    int rc = sqlite3_step(statement_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return SqliteError(connection_.db(), rc, "step");
  }

  int ResultCode() const { return sqlite3_errcode(connection_.db()); }

  int64_t Int(int column) { return sqlite3_column_int64(statement_, column); }

  std::string Text(int column) {
    const void* data = sqlite3_column_blob(statement_, column);
    int size = sqlite3_column_bytes(statement_, column);
    return data == nullptr ? std::string()
                           : std::string(static_cast<const char*>(data), size);
  }

  SqlValue Value(int column) {
    if (sqlite3_column_type(statement_, column) == SQLITE_INTEGER) {
      return Int(column);
    }
    return Text(column);
  }

  // Reads the fixed columns seq, id, payload, etag, create_us, update_us.
  Row ReadRow(int64_t* seq) {
    Row row;
    if (seq != nullptr) *seq = Int(0);
    row.id = Text(1);
    row.payload = Text(2);
    row.etag = Text(3);
    row.create_time_us = Int(4);
    row.update_time_us = Int(5);
    return row;
  }

 private:
  Connection& connection_;
  sqlite3_stmt* statement_;
};

absl::StatusOr<std::unique_ptr<Query>> Run(Connection& connection,
                                           const std::string& sql,
                                           const std::vector<SqlValue>& params) {
  auto statement = connection.Prepare(sql);
  if (!statement.ok()) return statement.status();
  auto query = std::make_unique<Query>(connection, *statement);
  if (auto status = query->Bind(params); !status.ok()) return status;
  return query;
}

// Runs a statement that returns no rows.
absl::Status Execute(Connection& connection, const std::string& sql,
                     const std::vector<SqlValue>& params) {
  auto query = Run(connection, sql, params);
  if (!query.ok()) return query.status();
  auto stepped = (*query)->Step();
  return stepped.ok() ? absl::OkStatus() : stepped.status();
}

absl::Status NotFound(const Collection& collection, absl::string_view id);

// Runs `SELECT columns FROM collection WHERE id = ?`, positioned on the row;
// NOT_FOUND when there is none.
absl::StatusOr<std::unique_ptr<Query>> FindById(Connection& connection,
                                                const Collection& collection,
                                                absl::string_view columns,
                                                absl::string_view id) {
  auto query = Run(connection,
                   absl::StrCat("SELECT ", columns, " FROM ", collection.name,
                                " WHERE id = ?"),
                   {std::string(id)});
  if (!query.ok()) return query.status();
  auto found = (*query)->Step();
  if (!found.ok()) return found.status();
  if (!*found) return NotFound(collection, id);
  return query;
}

absl::Status NotFound(const Collection& collection, absl::string_view id) {
  return absl::NotFoundError(
      absl::StrCat(collection.name, "/", id, " does not exist"));
}

absl::Status StaleEtag(const Collection& collection, absl::string_view id) {
  return absl::AbortedError(absl::StrCat(
      "etag mismatch: ", collection.name, "/", id,
      " changed since it was read; read it again and retry"));
}

const std::string kFixedColumns = "seq, id, payload, etag, create_us, update_us";

class SqliteStore final : public Store {
 public:
  SqliteStore(std::string path, SqliteOptions options,
              std::unique_ptr<Connection> writer)
      : path_(std::move(path)),
        options_(std::move(options)),
        writer_(std::move(writer)) {}

  absl::StatusOr<Row> Get(const Collection& collection,
                          absl::string_view id) override {
    auto reader = AcquireReader();
    if (!reader.ok()) return reader.status();
    Lease lease(this, std::move(*reader));
    auto query = FindById(*lease.connection, collection, kFixedColumns, id);
    if (!query.ok()) return query.status();
    return (*query)->ReadRow(nullptr);
  }

  absl::StatusOr<Page> List(const Collection& collection,
                            const ListQuery& list_query) override {
    auto plan = PlanList(collection, list_query, query::Dialect::kSqlite);
    if (!plan.ok()) return plan.status();
    auto reader = AcquireReader();
    if (!reader.ok()) return reader.status();
    Lease lease(this, std::move(*reader));
    auto query = Run(*lease.connection, plan->sql, plan->params);
    if (!query.ok()) return query.status();

    Page page;
    int64_t last_seq = 0;
    std::vector<SqlValue> last_keys;
    while (true) {
      auto has_row = (*query)->Step();
      if (!has_row.ok()) return has_row.status();
      if (!*has_row) break;
      if (static_cast<int>(page.rows.size()) == list_query.page_size) {
        // One row beyond the page: a next page exists.
        page.next_page_token =
            EncodePageToken(plan->query_fingerprint, last_keys, last_seq);
        break;
      }
      page.rows.push_back((*query)->ReadRow(&last_seq));
      last_keys.clear();
      for (size_t k = 0; k < plan->key_count; ++k) {
        last_keys.push_back((*query)->Value(kFixedListColumns + k));
      }
    }
    return page;
  }

  absl::StatusOr<Row> Insert(const Collection& collection, Row row,
                             absl::string_view request_id) override {
    return Write([&](Connection& db) -> absl::StatusOr<Row> {
      if (!request_id.empty()) {
        auto replay = FindRequest(db, collection, request_id);
        if (!replay.ok() || replay->has_value()) {
          if (!replay.ok()) return replay.status();
          return std::move(**replay);
        }
      }
      row.create_time_us = row.update_time_us = NextTimestamp();
      row.etag = MakeEtag(row.payload, 1);
      std::vector<std::string> names = {"id", "payload", "etag", "revision",
                                        "create_us", "update_us"};
      names.insert(names.end(), collection.columns.begin(),
                   collection.columns.end());
      std::vector<SqlValue> values = {row.id, std::string(), row.etag,
                                      int64_t{1}, row.create_time_us,
                                      row.update_time_us};
      values.insert(values.end(), row.columns.begin(), row.columns.end());
      auto query = Run(db,
                       absl::StrCat("INSERT INTO ", collection.name, " (",
                                    absl::StrJoin(names, ", "), ") VALUES (",
                                    Placeholders(names.size()), ")"),
                       values);
      if (!query.ok()) return query.status();
      if (auto status = (*query)->BindBlob(2, row.payload); !status.ok()) {
        return status;
      }
      auto done = (*query)->Step();
      if (!done.ok()) {
        if (((*query)->ResultCode() & 0xff) == SQLITE_CONSTRAINT) {
          return absl::AlreadyExistsError(
              absl::StrCat(collection.name, "/", row.id, " already exists"));
        }
        return done.status();
      }
      if (!request_id.empty()) {
        auto remember = Run(
            db,
            "INSERT INTO request_ids (request_id, collection, id, payload, "
            "etag, create_us, update_us) VALUES (?, ?, ?, ?, ?, ?, ?)",
            {std::string(request_id), collection.name, row.id, std::string(),
             row.etag, row.create_time_us, row.update_time_us});
        if (!remember.ok()) return remember.status();
        if (auto status = (*remember)->BindBlob(4, row.payload); !status.ok()) {
          return status;
        }
        if (auto stepped = (*remember)->Step(); !stepped.ok()) {
          return stepped.status();
        }
      }
      row.columns.clear();
      return row;
    });
  }

  absl::StatusOr<Row> Update(const Collection& collection, Row row,
                             absl::string_view expected_etag) override {
    return Write([&](Connection& db) -> absl::StatusOr<Row> {
      auto current = ReadVersion(db, collection, row.id);
      if (!current.ok()) return current.status();
      if (!expected_etag.empty() && expected_etag != current->etag) {
        return StaleEtag(collection, row.id);
      }
      int64_t revision = current->revision + 1;
      row.create_time_us = current->create_us;
      row.update_time_us = NextTimestamp();
      row.etag = MakeEtag(row.payload, revision);
      std::vector<std::string> assignments = {"payload = ?", "etag = ?",
                                              "revision = ?", "update_us = ?"};
      for (const auto& column : collection.columns) {
        assignments.push_back(absl::StrCat(column, " = ?"));
      }
      std::vector<SqlValue> values = {std::string(), row.etag, revision,
                                      row.update_time_us};
      values.insert(values.end(), row.columns.begin(), row.columns.end());
      values.push_back(row.id);
      auto query = Run(db,
                       absl::StrCat("UPDATE ", collection.name, " SET ",
                                    absl::StrJoin(assignments, ", "),
                                    " WHERE id = ?"),
                       values);
      if (!query.ok()) return query.status();
      if (auto status = (*query)->BindBlob(1, row.payload); !status.ok()) {
        return status;
      }
      if (auto done = (*query)->Step(); !done.ok()) return done.status();
      row.columns.clear();
      return row;
    });
  }

  absl::Status Delete(const Collection& collection, absl::string_view id,
                      absl::string_view expected_etag) override {
    return Write([&](Connection& db) -> absl::StatusOr<bool> {
             auto current = ReadVersion(db, collection, id);
             if (!current.ok()) return current.status();
             if (!expected_etag.empty() && expected_etag != current->etag) {
               return StaleEtag(collection, id);
             }
             auto status = Execute(
                 db, absl::StrCat("DELETE FROM ", collection.name, " WHERE id = ?"),
                 {std::string(id)});
             if (!status.ok()) return status;
             return true;
           })
        .status();
  }

  absl::StatusOr<int64_t> Count(const Collection& collection) override {
    auto reader = AcquireReader();
    if (!reader.ok()) return reader.status();
    Lease lease(this, std::move(*reader));
    auto query = Run(*lease.connection,
                     absl::StrCat("SELECT count(*) FROM ", collection.name), {});
    if (!query.ok()) return query.status();
    auto has_row = (*query)->Step();
    if (!has_row.ok()) return has_row.status();
    return (*query)->Int(0);
  }

 private:
  struct Version {
    std::string etag;
    int64_t revision;
    int64_t create_us;
  };

  // A reader connection on loan; returned to the pool when destroyed.
  struct Lease {
    Lease(SqliteStore* store, std::unique_ptr<Connection> connection)
        : store(store), connection(std::move(connection)) {}
    ~Lease() { store->ReleaseReader(std::move(connection)); }
    SqliteStore* store;
    std::unique_ptr<Connection> connection;
  };

  static std::string Placeholders(size_t count) {
    std::vector<std::string> marks(count, "?");
    return absl::StrJoin(marks, ", ");
  }

  absl::StatusOr<std::unique_ptr<Connection>> AcquireReader() {
    {
      absl::MutexLock lock(&readers_mu_);
      auto available = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(readers_mu_) {
        return !idle_readers_.empty() || open_readers_ < options_.max_readers;
      };
      readers_mu_.Await(absl::Condition(&available));
      if (!idle_readers_.empty()) {
        auto connection = std::move(idle_readers_.back());
        idle_readers_.pop_back();
        return connection;
      }
      ++open_readers_;
    }
    auto connection = Connection::Open(path_);
    if (connection.ok()) {
      auto status = (*connection)->Exec(
          "PRAGMA query_only = 1; PRAGMA busy_timeout = 5000; "
          // Wildcard filters match case as PostgreSQL does.
          "PRAGMA case_sensitive_like = 1;");
      if (status.ok()) return connection;
      connection = status;
    }
    absl::MutexLock lock(&readers_mu_);
    --open_readers_;
    return connection.status();
  }

  void ReleaseReader(std::unique_ptr<Connection> connection) {
    absl::MutexLock lock(&readers_mu_);
    idle_readers_.push_back(std::move(connection));
  }

  // Runs `body` in one write transaction, committing when it succeeds.
  template <typename Body>
  auto Write(Body body) -> decltype(body(std::declval<Connection&>())) {
    absl::MutexLock lock(&writer_mu_);
    if (auto status = writer_->Exec("BEGIN IMMEDIATE"); !status.ok()) {
      return status;
    }
    auto result = body(*writer_);
    if (result.ok()) {
      auto status = writer_->Exec("COMMIT");
      if (status.ok()) return result;
      result = status;
    }
    writer_->Exec("ROLLBACK").IgnoreError();
    return result;
  }

  // Strictly increasing across writes, so update times order commits.
  int64_t NextTimestamp() ABSL_EXCLUSIVE_LOCKS_REQUIRED(writer_mu_) {
    last_timestamp_us_ = std::max(NowMicros(), last_timestamp_us_ + 1);
    return last_timestamp_us_;
  }

  absl::StatusOr<Version> ReadVersion(Connection& db,
                                      const Collection& collection,
                                      absl::string_view id) {
    auto query = FindById(db, collection, "etag, revision, create_us", id);
    if (!query.ok()) return query.status();
    return Version{(*query)->Text(0), (*query)->Int(1), (*query)->Int(2)};
  }

  absl::StatusOr<std::optional<Row>> FindRequest(Connection& db,
                                                 const Collection& collection,
                                                 absl::string_view request_id) {
    // Laid out as ReadRow expects, with the collection after the fixed columns.
    auto query = Run(db,
                     "SELECT 0, id, payload, etag, create_us, update_us, "
                     "collection FROM request_ids WHERE request_id = ?",
                     {std::string(request_id)});
    if (!query.ok()) return query.status();
    auto found = (*query)->Step();
    if (!found.ok()) return found.status();
    if (!*found) return std::optional<Row>();
    if ((*query)->Text(kFixedListColumns) != collection.name) {
      return absl::InvalidArgumentError(absl::StrCat(
          "request_id '", request_id,
          "' was already used for a request on another collection"));
    }
    Row row = (*query)->ReadRow(nullptr);
    return std::optional<Row>(std::move(row));
  }

  const std::string path_;
  const SqliteOptions options_;

  absl::Mutex writer_mu_;
  std::unique_ptr<Connection> writer_ ABSL_GUARDED_BY(writer_mu_);
  int64_t last_timestamp_us_ ABSL_GUARDED_BY(writer_mu_) = 0;

  absl::Mutex readers_mu_;
  std::vector<std::unique_ptr<Connection>> idle_readers_
      ABSL_GUARDED_BY(readers_mu_);
  int open_readers_ ABSL_GUARDED_BY(readers_mu_) = 0;
};

absl::StatusOr<int> SchemaVersion(Connection& db) {
  auto query = Run(db, "PRAGMA user_version", {});
  if (!query.ok()) return query.status();
  auto has_row = (*query)->Step();
  if (!has_row.ok()) return has_row.status();
  return static_cast<int>((*query)->Int(0));
}

absl::Status Migrate(Connection& db, const std::string& path, int target) {
  auto current = SchemaVersion(db);
  if (!current.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("'", path, "' is not a bilateral database: ",
                     current.status().message()));
  }
  if (*current > LatestSqliteSchemaVersion()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "'", path, "' has schema version ", *current,
        ", newer than this server supports (", LatestSqliteSchemaVersion(),
        "); upgrade the server"));
  }
  for (const auto& migration : SqliteMigrations()) {
    if (migration.version <= *current || migration.version > target) continue;
    std::vector<std::string> script = {"BEGIN IMMEDIATE"};
    script.insert(script.end(), migration.statements.begin(),
                  migration.statements.end());
    script.push_back(absl::StrCat("PRAGMA user_version = ", migration.version));
    script.push_back("COMMIT");
    if (auto status = db.Exec(absl::StrJoin(script, ";\n")); !status.ok()) {
      db.Exec("ROLLBACK").IgnoreError();
      return absl::FailedPreconditionError(
          absl::StrCat("migrating '", path, "' to schema version ",
                       migration.version, " (", migration.description,
                       ") failed: ", status.message()));
    }
    LogInfo("sqlite", absl::StrCat("migrated to schema version ",
                                   migration.version, ": ",
                                   migration.description));
  }
  return absl::OkStatus();
}

}  // namespace

int LatestSqliteSchemaVersion() { return SqliteMigrations().back().version; }

absl::StatusOr<std::unique_ptr<Store>> OpenSqliteStore(
    const std::string& path, const SqliteOptions& options) {
  if (options.synchronous != "FULL" && options.synchronous != "NORMAL") {
    return absl::InvalidArgumentError(
        "sqlite synchronous must be FULL or NORMAL");
  }
  auto writer = Connection::Open(path);
  if (!writer.ok()) return writer.status();
  auto status = (*writer)->Exec(absl::StrCat(
      "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; "
      "PRAGMA synchronous = ",
      options.synchronous, ";"));
  if (!status.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot use '", path, "' as a database: ", status.message()));
  }
  int target = options.schema_version < 0 ? LatestSqliteSchemaVersion()
                                          : options.schema_version;
  if (status = Migrate(**writer, path, target); !status.ok()) return status;
  return std::unique_ptr<Store>(
      new SqliteStore(path, options, std::move(*writer)));
}

}  // namespace bilateral::store
