#include "store/sqlite_store.h"

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <deque>
#include <unordered_map>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/log.h"
#include "store/schema.h"
#include "store/sql_store.h"

namespace bilateral::store {
namespace {

bool IsOutOfSpace(int system_errno) {
  return system_errno == ENOSPC || system_errno == EFBIG || system_errno == EDQUOT;
}

// Maps an SQLite failure to a canonical status. The detail (which may name
// tables or the file) is logged, never returned to callers.
absl::Status SqliteError(sqlite3* db, int rc, absl::string_view operation) {
  const char* detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  // Constraint violations are answers (ALREADY_EXISTS), not faults.
  if ((rc & 0xff) != SQLITE_CONSTRAINT) {
    LogError("sqlite", absl::StrCat(operation, ": ", detail));
  }
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      return absl::AlreadyExistsError("a unique constraint refused the row");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return absl::UnavailableError("the store is busy; retry");
    case SQLITE_INTERRUPT:
      return absl::DeadlineExceededError("the call's deadline passed before the store finished");
    case SQLITE_IOERR:
      // A write refused for want of space: SQLite reports a file-size limit
      // (EFBIG) or a quota as a failed write, not as SQLITE_FULL, and the
      // errno is often gone by the time the statement ends.
      if (rc != SQLITE_IOERR_WRITE && (db == nullptr || !IsOutOfSpace(sqlite3_system_errno(db)))) {
        return absl::InternalError("storage error");
      }
      [[fallthrough]];
    case SQLITE_FULL:
      return absl::ResourceExhaustedError(
          "the store cannot write its file: out of disk space or past the file-size limit; "
          "reads go on, writes fail until there is room");
    case SQLITE_READONLY:
      return absl::FailedPreconditionError("the store is read-only");
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return absl::DataLossError("the store file is not a valid database");
    default:
      return absl::InternalError("storage error");
  }
}

// The rows of one cached statement; resets it when done, so the statement
// is ready for its next use.
class SqliteRows final : public SqlRows {
 public:
  SqliteRows(sqlite3* db, sqlite3_stmt* statement, bool* in_use)
      : db_(db), statement_(statement), in_use_(in_use) {}
  ~SqliteRows() override {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
    *in_use_ = false;
  }

  absl::StatusOr<bool> Next() override {
    int rc = sqlite3_step(statement_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return SqliteError(db_, rc, "step");
  }
  int64_t Int(int column) override { return sqlite3_column_int64(statement_, column); }
  std::string Text(int column) override {
    const void* data = sqlite3_column_blob(statement_, column);
    int size = sqlite3_column_bytes(statement_, column);
    return data == nullptr ? std::string() : std::string(static_cast<const char*>(data), size);
  }
  bool IsInt(int column) override {
    return sqlite3_column_type(statement_, column) == SQLITE_INTEGER;
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* statement_;
  bool* in_use_;
};

// "file:PATH?immutable=1", with the characters a URI gives meaning escaped.
std::string ImmutableUri(const std::string& path) {
  std::string uri = "file:";
  for (char c : path) {
    switch (c) {
      case '%':
        uri += "%25";
        break;
      case '?':
        uri += "%3f";
        break;
      case '#':
        uri += "%23";
        break;
      default:
        uri += c;
    }
  }
  return uri + "?immutable=1";
}

// One SQLite connection and its prepared statements, reused across calls.
class SqliteConnection final : public SqlConnection {
 public:
  // `read_only`: the file is opened as immutable, for storage that cannot be
  // written (SQLite then takes no locks and makes no -wal or -shm files).
  static absl::StatusOr<std::unique_ptr<SqliteConnection>> Open(const std::string& path,
                                                                bool create = false,
                                                                bool read_only = false) {
    sqlite3* db = nullptr;
    int rc =
        read_only
            ? sqlite3_open_v2(ImmutableUri(path).c_str(), &db,
                              SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nullptr)
            : sqlite3_open_v2(
                  path.c_str(), &db,
                  SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0),
                  nullptr);
    auto connection = std::unique_ptr<SqliteConnection>(new SqliteConnection(db));
    if (rc != SQLITE_OK) {
      return absl::UnavailableError(
          absl::StrCat("cannot open database '", path, "': ", sqlite3_errstr(rc)));
    }
    sqlite3_extended_result_codes(db, 1);
    // Statements of a call whose deadline has passed stop (SQLITE_INTERRUPT),
    // checked every 1000 virtual machine steps; BEGIN, COMMIT and ROLLBACK
    // take far fewer and so always complete.
    SqliteConnection* self = connection.get();
    sqlite3_progress_handler(
        db, 1000,
        [](void* connection) {
          return static_cast<SqliteConnection*>(connection)->CallShouldStop() ? 1 : 0;
        },
        self);
    // Waits up to about 5 s for another writer's lock, but not for a call
    // that has been cancelled or is past its deadline (SQLITE_BUSY then).
    sqlite3_busy_handler(
        db,
        [](void* connection, int tries) {  // each try sleeps at least 1 ms
          if (tries >= 5000 || static_cast<SqliteConnection*>(connection)->CallShouldStop()) {
            return 0;
          }
          sqlite3_sleep(1);
          return 1;
        },
        self);
    return connection;
  }

  ~SqliteConnection() override {
    for (auto& [sql, cached] : statements_) sqlite3_finalize(cached.statement);
    sqlite3_close_v2(db_);
  }

  sqlite3* handle() { return db_; }

  // Runs statements without parameters, e.g. pragmas and transactions.
  absl::Status Script(const std::string& sql) {
    char* error = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
    sqlite3_free(error);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, "exec");
    return absl::OkStatus();
  }

  absl::StatusOr<std::unique_ptr<SqlRows>> Query(const std::string& sql,
                                                 const std::vector<SqlParam>& params) override {
    auto cached = Prepare(sql);
    if (!cached.ok()) return cached.status();
    auto rows = std::make_unique<SqliteRows>(db_, (*cached)->statement, &(*cached)->in_use);
    (*cached)->in_use = true;
    if (auto status = Bind((*cached)->statement, params); !status.ok()) return status;
    return rows;
  }

  absl::StatusOr<int64_t> Execute(const std::string& sql,
                                  const std::vector<SqlParam>& params) override {
    auto rows = Query(sql, params);
    if (!rows.ok()) return rows.status();
    auto stepped = (*rows)->Next();
    if (!stepped.ok()) return stepped.status();
    return sqlite3_changes64(db_);
  }

  absl::Status ExecuteAtCommit(const std::string& sql,
                               const std::vector<SqlParam>& params) override {
    if (!deferring_) return Execute(sql, params).status();
    deferred_.push_back({sql, params});
    return absl::OkStatus();
  }

  size_t MaxParameters() const override {
    return static_cast<size_t>(sqlite3_limit(db_, SQLITE_LIMIT_VARIABLE_NUMBER, -1));
  }

  // From StartTransaction() to EndTransaction(), ExecuteAtCommit defers
  // its statements until RunDeferred(); the writer's transactions are so
  // bracketed.
  void StartTransaction() { deferring_ = true; }
  void EndTransaction() {
    deferring_ = false;
    deferred_.clear();
  }
  // How many statements are deferred; DropDeferred(n) forgets those after
  // the first n (those of a write rolled back to its savepoint).
  size_t DeferredCount() const { return deferred_.size(); }
  void DropDeferred(size_t keep) { deferred_.resize(keep); }
  // Runs the deferred statements in order, as the last of the transaction;
  // EndTransaction() then forgets them.
  absl::Status RunDeferred() {
    for (const auto& statement : deferred_) {
      if (auto status = Execute(statement.sql, statement.params); !status.ok()) {
        return status.status();
      }
    }
    return absl::OkStatus();
  }

 private:
  struct Cached {
    sqlite3_stmt* statement;
    bool in_use = false;
  };
  struct Deferred {
    std::string sql;
    std::vector<SqlParam> params;
  };
  static constexpr size_t kMaxCachedStatements = 256;

  explicit SqliteConnection(sqlite3* db) : db_(db) {}

  absl::StatusOr<Cached*> Prepare(const std::string& sql) {
    auto it = statements_.find(sql);
    if (it != statements_.end()) return &it->second;
    // Filters make statements unbounded in variety; keep the cache bounded,
    // dropping only statements no open result is reading.
    if (statements_.size() >= kMaxCachedStatements) {
      for (auto entry = statements_.begin(); entry != statements_.end();) {
        if (entry->second.in_use) {
          ++entry;
          continue;
        }
        sqlite3_finalize(entry->second.statement);
        entry = statements_.erase(entry);
      }
    }
    sqlite3_stmt* statement = nullptr;
    int rc =
        sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, "prepare");
    return &statements_.emplace(sql, Cached{statement}).first->second;
  }

  absl::Status Bind(sqlite3_stmt* statement, const std::vector<SqlParam>& params) {
    for (size_t i = 0; i < params.size(); ++i) {
      int index = static_cast<int>(i + 1);
      int rc;
      if (const auto* number = std::get_if<int64_t>(&params[i])) {
        rc = sqlite3_bind_int64(statement, index, *number);
      } else if (const auto* text = std::get_if<std::string>(&params[i])) {
        rc = sqlite3_bind_text(statement, index, text->data(), static_cast<int>(text->size()),
                               SQLITE_TRANSIENT);
      } else {
        const auto& blob = std::get<Blob>(params[i]).bytes;
        rc = sqlite3_bind_blob(statement, index, blob.data(), static_cast<int>(blob.size()),
                               SQLITE_TRANSIENT);
      }
      if (rc != SQLITE_OK) return SqliteError(db_, rc, "bind");
    }
    return absl::OkStatus();
  }

  sqlite3* db_;
  std::unordered_map<std::string, Cached> statements_;
  bool deferring_ = false;
  std::vector<Deferred> deferred_;
};

// Readers run concurrently on a bounded set of connections (WAL mode);
// writes are serialised on one connection, each in its own transaction.
class SqlitePool final : public SqlPool {
 public:
  SqlitePool(std::string path, SqliteOptions options, bool read_only,
             std::unique_ptr<SqliteConnection> writer)
      : path_(std::move(path)),
        options_(std::move(options)),
        read_only_(read_only),
        writer_(std::move(writer)) {}

  query::Dialect dialect() const override { return query::Dialect::kSqlite; }
  const char* LockSuffix() const override { return ""; }

  absl::Status Read(const CallContext& call, absl::FunctionRef<absl::Status(SqlConnection&)> body,
                    bool snapshot) override {
    auto reader = AcquireReader();
    if (!reader.ok()) return reader.status();
    absl::Status status = snapshot ? (*reader)->Script("BEGIN") : absl::OkStatus();
    if (status.ok()) {
      CallBinding binding(**reader, call);
      status = body(**reader);
    }
    if (snapshot) (*reader)->Script("COMMIT").IgnoreError();
    ReleaseReader(*std::move(reader));
    return status;
  }

  // Group commit, as LevelDB's DBImpl::Write groups writers: a write joins
  // the queue; the writer at its front takes up to kMaxGroup queued writes,
  // runs each in a savepoint of one transaction, commits them with one
  // fsync, and hands each its own outcome. A write that fails is rolled back
  // to its savepoint alone; its neighbours commit.
  absl::Status Write(const CallContext& call,
                     absl::FunctionRef<absl::Status(SqlConnection&)> body) override {
    if (read_only_) {
      return absl::FailedPreconditionError(
          "the store is read-only: its database file cannot be written; reads still work");
    }
    PendingWrite write{body, &call, absl::OkStatus(), false};
    absl::MutexLock lock(&queue_mu_);
    queue_.push_back(&write);
    auto leads_or_done = [this, &write]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(queue_mu_) {
      return write.done || queue_.front() == &write;
    };
    queue_mu_.Await(absl::Condition(&leads_or_done));
    if (write.done) return write.status;
    const size_t size = std::min(queue_.size(), kMaxGroup);
    std::vector<PendingWrite*> group(queue_.begin(), queue_.begin() + size);
    queue_mu_.Unlock();
    {
      // Only the queue's front writes, so the connection is its alone.
      absl::MutexLock writer_lock(&writer_mu_);
      CommitGroup(group);
    }
    if (options_.observe_group_commit) options_.observe_group_commit(group.size());
    queue_mu_.Lock();
    for (PendingWrite* member : group) {
      member->done = true;
      queue_.pop_front();
    }
    return write.status;
  }

  absl::Status Ping() override {
    return Read(
        CallContext(), [](SqlConnection& db) { return db.Query("SELECT 1", {}).status(); }, false);
  }

 private:
  // A write waiting in the queue: its body, and the call it is for, whose
  // deadline and cancellation hold while another thread runs the body (the
  // call's own thread waits in Write meanwhile, so both stay valid).
  struct PendingWrite {
    absl::FunctionRef<absl::Status(SqlConnection&)> body;
    const CallContext* call;
    absl::Status status;
    bool done = false;
  };

  // Most writes one transaction commits: bounds the wait of the last one.
  static constexpr size_t kMaxGroup = 128;

  // Why a queued write whose call ended is dropped before it starts.
  static absl::Status CallEnded(const CallContext& call) {
    if (absl::Now() >= call.deadline()) {
      return absl::DeadlineExceededError(
          "the call's deadline passed while its write waited for the store");
    }
    return absl::CancelledError("the call ended while its write waited for the store");
  }

  // Runs `group` in one transaction, each write in a savepoint of its own
  // (a write alone needs none), and sets each write's status. Statements
  // deferred to the commit run after the last write.
  void CommitGroup(const std::vector<PendingWrite*>& group)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(writer_mu_) {
    const bool alone = group.size() == 1;
    // Writes that succeeded in the open transaction, until it commits.
    std::vector<PendingWrite*> written;
    bool open = false;
    // Ends the open transaction without committing: its writes fail with
    // `why`.
    auto abandon = [&](const absl::Status& why) ABSL_EXCLUSIVE_LOCKS_REQUIRED(writer_mu_) {
      if (!sqlite3_get_autocommit(writer_->handle())) writer_->Script("ROLLBACK").IgnoreError();
      writer_->EndTransaction();
      for (PendingWrite* lost : written) lost->status = why;
      written.clear();
      open = false;
    };
    for (PendingWrite* write : group) {
      if (write->call->ShouldStop()) {
        write->status = CallEnded(*write->call);
        continue;
      }
      // The write's statements stop with its call; the commit, outside the
      // binding, stops for none.
      CallBinding binding(*writer_, *write->call);
      if (!open) {
        write->status = writer_->Script("BEGIN IMMEDIATE");
        if (!write->status.ok()) continue;
        writer_->StartTransaction();
        open = true;
      }
      const size_t deferred = writer_->DeferredCount();
      absl::Status status =
          alone ? absl::OkStatus() : writer_->Execute("SAVEPOINT grouped", {}).status();
      if (status.ok()) status = write->body(*writer_);
      if (status.ok() && !alone) status = writer_->Execute("RELEASE grouped", {}).status();
      write->status = status;
      if (status.ok()) {
        written.push_back(write);
        continue;
      }
      if (alone || sqlite3_get_autocommit(writer_->handle())) {
        // Alone, or SQLite rolled the whole transaction back (a full disk,
        // an I/O error): the writes before this one are lost with it.
        abandon(status);
        continue;
      }
      writer_->DropDeferred(deferred);
      absl::Status undone = writer_->Execute("ROLLBACK TO grouped", {}).status();
      if (undone.ok()) undone = writer_->Execute("RELEASE grouped", {}).status();
      if (!undone.ok()) abandon(undone);
    }
    if (!open) return;
    if (written.empty()) return abandon(absl::OkStatus());
    absl::Status committed = writer_->RunDeferred();
    if (committed.ok()) committed = writer_->Script("COMMIT");
    if (!committed.ok()) return abandon(committed);
    writer_->EndTransaction();
  }

  absl::StatusOr<std::unique_ptr<SqliteConnection>> AcquireReader() {
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
    auto connection = SqliteConnection::Open(path_, false, read_only_);
    if (connection.ok()) {
      auto status = (*connection)
                        ->Script(
                            "PRAGMA query_only = 1; "
                            // A page cache of its own per reader (SQLite's default is 2 MiB);
                            // reads of a large store otherwise go to the file system each time.
                            "PRAGMA cache_size = -16384; "
                            // Wildcard filters match case as PostgreSQL does.
                            "PRAGMA case_sensitive_like = 1;");
      if (status.ok()) return connection;
      connection = status;
    }
    absl::MutexLock lock(&readers_mu_);
    --open_readers_;
    return connection.status();
  }

  void ReleaseReader(std::unique_ptr<SqliteConnection> connection) {
    absl::MutexLock lock(&readers_mu_);
    idle_readers_.push_back(std::move(connection));
  }

  const std::string path_;
  const SqliteOptions options_;
  const bool read_only_;

  absl::Mutex queue_mu_;
  std::deque<PendingWrite*> queue_ ABSL_GUARDED_BY(queue_mu_);

  absl::Mutex writer_mu_;
  std::unique_ptr<SqliteConnection> writer_ ABSL_GUARDED_BY(writer_mu_);

  absl::Mutex readers_mu_;
  std::vector<std::unique_ptr<SqliteConnection>> idle_readers_ ABSL_GUARDED_BY(readers_mu_);
  int open_readers_ ABSL_GUARDED_BY(readers_mu_) = 0;
};

absl::StatusOr<int> SchemaVersion(SqliteConnection& db) {
  auto rows = db.Query("PRAGMA user_version", {});
  if (!rows.ok()) return rows.status();
  auto has_row = (*rows)->Next();
  if (!has_row.ok()) return has_row.status();
  return static_cast<int>((*rows)->Int(0));
}

absl::Status Migrate(SqliteConnection& db, const std::string& path, int target) {
  auto current = SchemaVersion(db);
  if (!current.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("'", path, "' is not a bilateral database: ", current.status().message()));
  }
  if (*current > LatestSqliteSchemaVersion()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "'", path, "' has schema version ", *current, ", newer than this server supports (",
        LatestSqliteSchemaVersion(), "); upgrade the server"));
  }
  for (const auto& migration : Migrations(query::Dialect::kSqlite)) {
    if (migration.version <= *current || migration.version > target) continue;
    std::vector<std::string> script = {"BEGIN IMMEDIATE"};
    script.insert(script.end(), migration.statements.begin(), migration.statements.end());
    script.push_back(absl::StrCat("PRAGMA user_version = ", migration.version));
    script.push_back("COMMIT");
    if (auto status = db.Script(absl::StrJoin(script, ";\n")); !status.ok()) {
      db.Script("ROLLBACK").IgnoreError();
      return absl::FailedPreconditionError(
          absl::StrCat("migrating '", path, "' to schema version ", migration.version, " (",
                       migration.description, ") failed: ", status.message()));
    }
    LogInfo("sqlite", absl::StrCat("migrated to schema version ", migration.version, ": ",
                                   migration.description));
  }
  return absl::OkStatus();
}

// Whether the database file exists but cannot be written: a read-only file
// system, or a file or folder without write permission. Asked of the VFS
// SQLite opens files through, so that one which injects faults is believed.
bool StorageIsReadOnly(const std::string& path) {
  if (access(path.c_str(), F_OK) != 0) return false;  // to be created
  std::string folder = path.substr(0, path.find_last_of('/') + 1);
  if (folder.empty()) folder = ".";
  sqlite3_vfs* vfs = sqlite3_vfs_find(nullptr);
  auto writable = [vfs](const std::string& file) {
    int result = 0;
    return vfs->xAccess(vfs, file.c_str(), SQLITE_ACCESS_READWRITE, &result) == SQLITE_OK &&
           result != 0;
  };
  return !writable(path) || !writable(folder);
}

// A database that cannot be written is served for reading: every write
// fails with FAILED_PRECONDITION. It must be complete in its main file (a
// clean shutdown leaves it so) and need no migration.
absl::StatusOr<std::unique_ptr<Store>> OpenReadOnly(const std::string& path,
                                                    const SqliteOptions& options) {
  const std::string wal = path + "-wal";
  struct stat wal_stat;
  if (stat(wal.c_str(), &wal_stat) == 0 && wal_stat.st_size > 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "'", path, "' cannot be written, and its write-ahead log '", wal,
        "' holds writes not yet in the database file; open it once where it can be written"));
  }
  auto connection = SqliteConnection::Open(path, false, true);
  if (!connection.ok()) return connection.status();
  auto version = SchemaVersion(**connection);
  if (!version.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("'", path, "' is not a bilateral database: ", version.status().message()));
  }
  if (*version != LatestSqliteSchemaVersion()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "'", path, "' cannot be written and has schema version ", *version, "; this server needs ",
        LatestSqliteSchemaVersion(), ": open it once where it can be written to migrate it"));
  }
  LogWarning("sqlite", absl::StrCat("'", path,
                                    "' cannot be written: serving reads; writes fail with "
                                    "FAILED_PRECONDITION"));
  return MakeSqlStore(std::make_unique<SqlitePool>(path, options, true, *std::move(connection)),
                      options.change_retention);
}

}  // namespace

int LatestSqliteSchemaVersion() { return Migrations(query::Dialect::kSqlite).back().version; }

absl::StatusOr<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path,
                                                       const SqliteOptions& options) {
  if (options.synchronous != "FULL" && options.synchronous != "NORMAL") {
    return absl::InvalidArgumentError("sqlite synchronous must be FULL or NORMAL");
  }
  if (StorageIsReadOnly(path)) return OpenReadOnly(path, options);
  auto writer = SqliteConnection::Open(path, options.create);
  if (!writer.ok()) return writer.status();
  auto status = (*writer)->Script(
      absl::StrCat("PRAGMA journal_mode = WAL; PRAGMA synchronous = ", options.synchronous,
                   // The writer walks every index a write touches; a 64 MiB page cache
                   // keeps their upper levels in memory as a store grows.
                   "; PRAGMA cache_size = -65536;"));
  if (!status.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot use '", path, "' as a database: ", status.message()));
  }
  int target = options.schema_version < 0 ? LatestSqliteSchemaVersion() : options.schema_version;
  if (status = Migrate(**writer, path, target); !status.ok()) return status;
  return MakeSqlStore(std::make_unique<SqlitePool>(path, options, false, *std::move(writer)),
                      options.change_retention);
}

}  // namespace bilateral::store
