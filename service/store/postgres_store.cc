#include "store/postgres_store.h"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <unordered_map>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/log.h"
#include "store/schema.h"
#include "store/sql_store.h"

namespace bilateral::store {
namespace {

// Type oids of the values bound and read (from PostgreSQL's pg_type).
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kTextOid = 25;

// Maps a failed statement to a canonical status; the server's detail is
// logged, never returned to callers.
absl::Status PostgresError(PGconn* conn, const PGresult* result, absl::string_view operation) {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string code = state != nullptr ? state : "";
  if (code == "23505") {  // unique_violation: an answer, not a fault
    return absl::AlreadyExistsError("a unique constraint refused the row");
  }
  LogError("postgres", absl::StrCat(operation, ": ", PQerrorMessage(conn)), {{"sqlstate", code}});
  if (PQstatus(conn) != CONNECTION_OK || absl::StartsWith(code, "08") ||
      absl::StartsWith(code, "57P")) {
    return absl::UnavailableError("the database is unavailable; retry");
  }
  if (code == "57014") {  // query_canceled: the statement timeout of a call
    return absl::DeadlineExceededError("the call's deadline passed before the store finished");
  }
  if (code == "40001" || code == "40P01") {
    return absl::AbortedError("a concurrent transaction conflicted; retry");
  }
  if (code == "53100") return absl::ResourceExhaustedError("the database is out of disk space");
  if (absl::StartsWith(code, "53"))
    return absl::UnavailableError("the database is overloaded; retry");
  if (code == "25006") return absl::FailedPreconditionError("the database is read-only");
  return absl::InternalError("storage error");
}

int64_t BigEndian(const char* data, int length) {
  uint64_t value = 0;
  for (int i = 0; i < length; ++i) value = (value << 8) | static_cast<unsigned char>(data[i]);
  // Sign-extend shorter integers.
  if (length < 8 && length > 0 && (static_cast<unsigned char>(data[0]) & 0x80)) {
    value |= ~uint64_t{0} << (8 * length);
  }
  return static_cast<int64_t>(value);
}

// A statement's parameters as sent: binary values and their types.
struct Bound {
  explicit Bound(const std::vector<SqlParam>& params) {
    types.reserve(params.size());
    encoded.reserve(params.size());
    for (const auto& param : params) {
      if (const auto* number = std::get_if<int64_t>(&param)) {
        std::string bytes(8, '\0');
        for (int i = 0; i < 8; ++i) {
          bytes[i] = static_cast<char>(static_cast<uint64_t>(*number) >> (56 - 8 * i));
        }
        types.push_back(kInt8Oid);
        encoded.push_back(std::move(bytes));
      } else if (const auto* text = std::get_if<std::string>(&param)) {
        types.push_back(kTextOid);
        encoded.push_back(*text);
      } else {
        types.push_back(kByteaOid);
        encoded.push_back(std::get<Blob>(param).bytes);
      }
    }
  }

  // Sends the prepared statement `name` with these values, asking for
  // binary results; false when it could not be sent.
  bool Send(PGconn* conn, const std::string& name) const {
    std::vector<const char*> values;
    std::vector<int> lengths, formats(encoded.size(), 1);
    for (const auto& bytes : encoded) {
      values.push_back(bytes.data());
      lengths.push_back(static_cast<int>(bytes.size()));
    }
    return PQsendQueryPrepared(conn, name.c_str(), static_cast<int>(encoded.size()), values.data(),
                               lengths.data(), formats.data(), 1) == 1;
  }

  std::vector<Oid> types;
  std::vector<std::string> encoded;
};

// The rows of one statement, all received (pages are bounded).
class PostgresRows final : public SqlRows {
 public:
  explicit PostgresRows(PGresult* result) : result_(result) {}
  ~PostgresRows() override { PQclear(result_); }

  absl::StatusOr<bool> Next() override { return ++row_ < PQntuples(result_); }
  int64_t Int(int column) override {
    return BigEndian(PQgetvalue(result_, row_, column), PQgetlength(result_, row_, column));
  }
  std::string Text(int column) override {
    return std::string(PQgetvalue(result_, row_, column), PQgetlength(result_, row_, column));
  }
  bool IsInt(int column) override {
    Oid type = PQftype(result_, column);
    return type == kInt8Oid || type == kInt4Oid || type == kInt2Oid;
  }

 private:
  PGresult* result_;
  int row_ = -1;
};

// `?` placeholders as PostgreSQL's `$1, $2, ...`; statements carry no
// string literals containing `?`.
std::string NumberPlaceholders(const std::string& sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int next = 0;
  bool in_literal = false;
  for (char c : sql) {
    if (c == '\'') in_literal = !in_literal;
    if (c == '?' && !in_literal) {
      absl::StrAppend(&out, "$", ++next);
    } else {
      out += c;
    }
  }
  return out;
}

// Appends `param` to `out` as a column of COPY's text format: text with
// its backslashes and line and column separators escaped, bytes in
// bytea's hex form (whose backslash is escaped too).
void AppendCopyText(const SqlParam& param, std::string& out) {
  if (const auto* number = std::get_if<int64_t>(&param)) {
    absl::StrAppend(&out, *number);
    return;
  }
  if (const auto* text = std::get_if<std::string>(&param)) {
    for (char c : *text) {
      switch (c) {
        case '\\':
          out += "\\\\";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        default:
          out += c;
      }
    }
    return;
  }
  constexpr char kHex[] = "0123456789abcdef";
  out += "\\\\x";
  for (char c : std::get<Blob>(param).bytes) {
    const auto byte = static_cast<unsigned char>(c);
    out += kHex[byte >> 4];
    out += kHex[byte & 0xf];
  }
}

class PostgresConnection final : public SqlConnection {
 public:
  explicit PostgresConnection(PGconn* conn) : conn_(conn) {}
  ~PostgresConnection() override { PQfinish(conn_); }

  bool healthy() const { return PQstatus(conn_) == CONNECTION_OK; }

  // Runs statements without parameters, e.g. transactions and DDL.
  absl::Status Script(const std::string& sql) {
    PGresult* result = PQexec(conn_, sql.c_str());
    ExecStatusType state = PQresultStatus(result);
    absl::Status status = state == PGRES_COMMAND_OK || state == PGRES_TUPLES_OK
                              ? absl::OkStatus()
                              : PostgresError(conn_, result, "exec");
    PQclear(result);
    return status;
  }

  absl::StatusOr<std::unique_ptr<SqlRows>> Query(const std::string& sql,
                                                 const std::vector<SqlParam>& params) override {
    auto result = Run(sql, params, PGRES_TUPLES_OK);
    if (!result.ok()) return result.status();
    return std::unique_ptr<SqlRows>(std::make_unique<PostgresRows>(*result));
  }

  absl::StatusOr<int64_t> Execute(const std::string& sql,
                                  const std::vector<SqlParam>& params) override {
    auto result = Run(sql, params, PGRES_COMMAND_OK);
    if (!result.ok()) return result.status();
    int64_t changed = 0;
    if (!absl::SimpleAtoi(PQcmdTuples(*result), &changed)) changed = 0;
    PQclear(*result);
    return changed;
  }

  // Sends the statements in one pipeline (libpq's pipeline mode): one round
  // trip for all of them. Each is prepared first, which costs a round trip
  // only the first time the connection sees it. Every result is read, also
  // after a failure (the statements after it are skipped by the server),
  // so that the connection leaves pipeline mode ready for the next.
  absl::Status ExecuteAll(const std::vector<SqlStatement>& statements) override {
    if (statements.empty()) return absl::OkStatus();
    if (CallShouldStop()) {
      return absl::DeadlineExceededError("the call's deadline passed before the store finished");
    }
    std::vector<Bound> bound;
    std::vector<std::string> names;
    // Preparing may start the statement cache over, dropping names prepared
    // before: then every name is prepared again.
    for (int attempt = 0; names.size() < statements.size(); ++attempt) {
      if (attempt == 2) return absl::InternalError("statements to pipeline outgrow the cache");
      const int64_t generation = cache_generation_;
      bound.clear();
      names.clear();
      for (const auto& statement : statements) {
        bound.emplace_back(statement.params);
        auto name = Prepare(statement.sql, bound.back().types);
        if (!name.ok()) return name.status();
        if (cache_generation_ != generation) break;
        names.push_back(*std::move(name));
      }
    }
    if (PQenterPipelineMode(conn_) != 1) return PostgresError(conn_, nullptr, "pipeline");
    absl::Status status;
    size_t sent = 0;
    for (; sent < names.size(); ++sent) {
      if (!bound[sent].Send(conn_, names[sent])) {
        status = PostgresError(conn_, nullptr, "statement");
        break;
      }
    }
    if (PQpipelineSync(conn_) != 1 && status.ok()) status = PostgresError(conn_, nullptr, "sync");
    for (size_t i = 0; i <= sent; ++i) {  // each statement's result, then the sync's
      PGresult* result = AwaitResult();
      const ExecStatusType state = PQresultStatus(result);
      const bool fine = i == sent ? state == PGRES_PIPELINE_SYNC
                                  : state == PGRES_COMMAND_OK || state == PGRES_TUPLES_OK;
      if (!fine && status.ok()) status = PostgresError(conn_, result, "statement");
      PQclear(result);
      if (result == nullptr) break;  // the connection broke
    }
    if (PQexitPipelineMode(conn_) != 1 && status.ok()) {
      status = PostgresError(conn_, nullptr, "pipeline");
    }
    return status;
  }

  // The protocol counts a statement's values in 16 bits.
  size_t MaxParameters() const override { return 65535; }

  // Many rows are copied (COPY ... FROM STDIN) into a temporary staging
  // table with the columns of `table` and a position, and inserted from
  // there in their order by one statement; a few take one multi-row INSERT,
  // as the staging costs round trips of its own.
  absl::StatusOr<std::vector<std::string>> InsertRows(const std::string& table,
                                                      const std::vector<std::string>& columns,
                                                      std::vector<SqlParam> values,
                                                      const std::string& returning) override {
    const size_t width = columns.size();
    if (values.size() < kCopyFromRows * width) {
      return SqlConnection::InsertRows(table, columns, std::move(values), returning);
    }
    const std::string staging = absl::StrCat("staged_", table);
    const std::string names = absl::StrJoin(columns, ", ");
    // Kept for the connection's next loads; emptied at every commit.
    if (auto status = Command(absl::StrCat("CREATE TEMP TABLE IF NOT EXISTS ", staging,
                                           " ON COMMIT DELETE ROWS AS SELECT 0::bigint AS "
                                           "staged_order, ",
                                           names, " FROM ", table, " WITH NO DATA"));
        !status.ok()) {
      return status;
    }
    std::string data;
    for (size_t row = 0; row * width < values.size(); ++row) {
      absl::StrAppend(&data, row);
      for (size_t column = 0; column < width; ++column) {
        data += '\t';
        AppendCopyText(values[row * width + column], data);
      }
      data += '\n';
    }
    values.clear();
    if (auto status =
            CopyIn(absl::StrCat("COPY ", staging, " (staged_order, ", names, ") FROM STDIN"), data);
        !status.ok()) {
      return status;
    }
    std::string insert =
        absl::StrCat("INSERT INTO ", table, " (", names, ") SELECT ", names, " FROM ", staging,
                     " ORDER BY staged_order ON CONFLICT DO NOTHING");
    std::vector<std::string> added;
    if (returning.empty()) {
      if (auto inserted = Execute(insert, {}); !inserted.ok()) return inserted.status();
    } else {
      auto rows = Query(absl::StrCat(insert, " RETURNING ", returning), {});
      if (!rows.ok()) return rows.status();
      auto walked = ForEachRow(**rows, [&](SqlRows& cursor) { added.push_back(cursor.Text(0)); });
      if (!walked.ok()) return walked;
    }
    // For the next load of this transaction.
    if (auto emptied = Execute(absl::StrCat("DELETE FROM ", staging), {}); !emptied.ok()) {
      return emptied.status();
    }
    return added;
  }

 private:
  static constexpr size_t kMaxCachedStatements = 256;
  // Rows from which InsertRows copies them rather than binding them.
  static constexpr size_t kCopyFromRows = 64;
  // Bytes of COPY data sent at a time; a call that should stop ends the
  // copy between them.
  static constexpr size_t kCopyPieceBytes = 256 * 1024;
  // How often a statement in progress checks whether its call should stop.
  static constexpr int kStopCheckMs = 10;

  // Runs `sql` as a prepared statement with binary parameters and results.
  absl::StatusOr<PGresult*> Run(const std::string& sql, const std::vector<SqlParam>& params,
                                ExecStatusType expected) {
    if (CallShouldStop()) {
      return absl::DeadlineExceededError("the call's deadline passed before the store finished");
    }
    Bound bound(params);
    auto name = Prepare(sql, bound.types);
    if (!name.ok()) return name.status();
    PGresult* result = nullptr;
    if (bound.Send(conn_, *name)) result = AwaitResult();
    if (PQresultStatus(result) != expected) {
      absl::Status status = PostgresError(conn_, result, "statement");
      PQclear(result);
      return status;
    }
    return result;
  }

  // Runs `sql`, a statement without parameters or rows (DDL), as Run does.
  absl::Status Command(const std::string& sql) {
    if (CallShouldStop()) {
      return absl::DeadlineExceededError("the call's deadline passed before the store finished");
    }
    PGresult* result = PQsendQuery(conn_, sql.c_str()) ? AwaitResult() : nullptr;
    absl::Status status = PQresultStatus(result) == PGRES_COMMAND_OK
                              ? absl::OkStatus()
                              : PostgresError(conn_, result, "command");
    PQclear(result);
    return status;
  }

  // Runs `sql`, a COPY ... FROM STDIN, sending it `data`. Stopped as Run's
  // statements are: while the server works, by a cancel request; while
  // data is being sent, by ending the copy with an error.
  absl::Status CopyIn(const std::string& sql, const std::string& data) {
    if (CallShouldStop()) {
      return absl::DeadlineExceededError("the call's deadline passed before the store finished");
    }
    PGresult* started = nullptr;
    if (PQsendQuery(conn_, sql.c_str())) {
      WaitWhileBusy();
      started = PQgetResult(conn_);
    }
    if (PQresultStatus(started) != PGRES_COPY_IN) {
      absl::Status status = PostgresError(conn_, started, "copy");
      PQclear(started);
      while (PGresult* next = PQgetResult(conn_)) PQclear(next);
      return status;
    }
    PQclear(started);
    const char* stopped = nullptr;
    for (size_t sent = 0; sent < data.size(); sent += kCopyPieceBytes) {
      if (CallShouldStop()) {
        stopped = "the call stopped";  // the copy fails with query_canceled
        break;
      }
      const size_t piece = std::min(kCopyPieceBytes, data.size() - sent);
      if (PQputCopyData(conn_, data.data() + sent, static_cast<int>(piece)) != 1) break;
    }
    PGresult* result = PQputCopyEnd(conn_, stopped) == 1 ? AwaitResult() : nullptr;
    absl::Status status = PQresultStatus(result) == PGRES_COMMAND_OK
                              ? absl::OkStatus()
                              : PostgresError(conn_, result, "copy");
    PQclear(result);
    return status;
  }

  // The result of the statement sent, waited for while its call goes on.
  // When the call should stop (its deadline passed, its client cancelled,
  // the server gives up on it), PostgreSQL is asked to cancel the statement,
  // which then ends with query_canceled: a read past its deadline or a
  // cancelled write does not keep a backend working, or waiting for a lock,
  // for nobody. Null when the connection broke (PostgresError says so).
  PGresult* AwaitResult() {
    WaitWhileBusy();
    // One statement gives one result; a broken connection gives an error.
    PGresult* result = nullptr;
    while (PGresult* next = PQgetResult(conn_)) {
      PQclear(result);
      result = next;
    }
    return result;
  }

  // Waits until a result is ready, asking PostgreSQL to cancel the
  // statement if its call should stop meanwhile (see AwaitResult).
  void WaitWhileBusy() {
    bool cancel_sent = false;
    while (PQisBusy(conn_)) {
      if (!cancel_sent && CallShouldStop()) {
        if (PGcancel* cancel = PQgetCancel(conn_)) {
          char error[256];
          if (!PQcancel(cancel, error, sizeof error)) {
            LogWarning("postgres", absl::StrCat("cannot cancel a statement: ", error));
          }
          PQfreeCancel(cancel);
        }
        cancel_sent = true;
      }
      pollfd socket{PQsocket(conn_), POLLIN, 0};
      const int ready = poll(&socket, 1, kStopCheckMs);
      if (ready < 0 && errno != EINTR) break;
      if (ready > 0 && !PQconsumeInput(conn_)) break;
    }
  }

  // The name of the statement prepared for `sql` with parameters of `types`.
  absl::StatusOr<std::string> Prepare(const std::string& sql, const std::vector<Oid>& types) {
    std::string key = sql;
    for (Oid type : types) absl::StrAppend(&key, "\x1f", type);
    auto it = statements_.find(key);
    if (it != statements_.end()) return it->second;
    if (statements_.size() >= kMaxCachedStatements) {
      // Filters make statements unbounded in variety; start the cache over.
      if (auto status = Script("DEALLOCATE ALL"); !status.ok()) return status;
      statements_.clear();
      ++cache_generation_;
    }
    std::string name = absl::StrCat("s", ++prepared_);
    // Preparing takes the locks of the tables named, so it may wait too.
    PGresult* result = nullptr;
    if (PQsendPrepare(conn_, name.c_str(), NumberPlaceholders(sql).c_str(),
                      static_cast<int>(types.size()), types.data())) {
      result = AwaitResult();
    }
    absl::Status status = PQresultStatus(result) == PGRES_COMMAND_OK
                              ? absl::OkStatus()
                              : PostgresError(conn_, result, "prepare");
    PQclear(result);
    if (!status.ok()) return status;
    statements_.emplace(std::move(key), name);
    return name;
  }

  PGconn* conn_;
  std::unordered_map<std::string, std::string> statements_;
  int64_t prepared_ = 0;
  // Counts the times the statement cache started over.
  int64_t cache_generation_ = 0;
};

// "host:port/db" of a connection, for messages that must not carry
// passwords.
std::string Describe(PGconn* conn) {
  return absl::StrCat(PQhost(conn) != nullptr ? PQhost(conn) : "?", ":",
                      PQport(conn) != nullptr ? PQport(conn) : "?", "/",
                      PQdb(conn) != nullptr ? PQdb(conn) : "?");
}

absl::StatusOr<std::unique_ptr<PostgresConnection>> Connect(const std::string& url) {
  // Defaults first: settings in the URL override them.
  const char* keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
  const char* values[] = {"5", "bilateral-server", url.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  auto connection = std::make_unique<PostgresConnection>(conn);
  if (conn != nullptr) {
    // Notices ("relation already exists, skipping") are not for operators.
    PQsetNoticeProcessor(
        conn, [](void*, const char*) {}, nullptr);
  }
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    std::string detail = conn != nullptr ? PQerrorMessage(conn) : "out of memory";
    while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' ')) detail.pop_back();
    return absl::UnavailableError(absl::StrCat(
        "cannot connect to PostgreSQL at ", conn != nullptr ? Describe(conn) : url, ": ", detail));
  }
  return connection;
}

// A bounded pool of connections; broken ones are dropped and replaced on
// the next use, so the store recovers by itself when the database returns.
class PostgresPool final : public SqlPool {
 public:
  PostgresPool(std::string url, PostgresOptions options)
      : url_(std::move(url)), options_(options) {}

  query::Dialect dialect() const override { return query::Dialect::kPostgres; }
  const char* LockSuffix() const override { return " FOR UPDATE"; }

  absl::Status Read(const CallContext& call, absl::FunctionRef<absl::Status(SqlConnection&)> body,
                    bool snapshot) override {
    return WithConnection(call, [&](PostgresConnection& db) {
      if (!snapshot) return body(db);
      return Transaction(db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body);
    });
  }

  absl::Status Write(const CallContext& call,
                     absl::FunctionRef<absl::Status(SqlConnection&)> body) override {
    return WithConnection(call, [&](PostgresConnection& db) {
      std::string begin = "BEGIN";
      absl::Time deadline = call.deadline();
      if (deadline != absl::InfiniteFuture()) {
        // The database stops the call's statements when its deadline passes.
        int64_t ms = std::max<int64_t>(1, absl::ToInt64Milliseconds(deadline - absl::Now()));
        absl::StrAppend(&begin, "; SET LOCAL statement_timeout = ", ms);
      }
      return Transaction(db, begin, body);
    });
  }

  absl::Status Ping() override {
    return Read(
        CallContext(), [](SqlConnection& db) { return db.Query("SELECT 1", {}).status(); }, false);
  }

 private:
  static absl::Status Transaction(PostgresConnection& db, const std::string& begin,
                                  absl::FunctionRef<absl::Status(SqlConnection&)> body) {
    if (auto status = db.Script(begin); !status.ok()) return status;
    absl::Status status = body(db);
    if (status.ok()) {
      status = db.Script("COMMIT");
      if (status.ok()) return status;
    }
    db.Script("ROLLBACK").IgnoreError();
    return status;
  }

  // Runs `body` on a pooled connection lent to `call`.
  template <typename Body>
  absl::Status WithConnection(const CallContext& call, Body body) {
    auto connection = Acquire();
    if (!connection.ok()) return connection.status();
    absl::Status status;
    {
      CallBinding binding(**connection, call);
      status = body(**connection);
    }
    Release(*std::move(connection));
    return status;
  }

  absl::StatusOr<std::unique_ptr<PostgresConnection>> Acquire() {
    {
      absl::MutexLock lock(&mu_);
      auto available = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return !idle_.empty() || open_ < options_.max_connections;
      };
      if (!mu_.AwaitWithTimeout(absl::Condition(&available), options_.acquire_timeout)) {
        return absl::UnavailableError("every database connection is busy; retry");
      }
      if (!idle_.empty()) {
        auto connection = std::move(idle_.back());
        idle_.pop_back();
        return connection;
      }
      ++open_;
    }
    auto connection = Connect(url_);
    if (!connection.ok()) {
      LogError("postgres", std::string(connection.status().message()));
      absl::MutexLock lock(&mu_);
      --open_;
      return absl::UnavailableError("the database is unavailable; retry");
    }
    return connection;
  }

  void Release(std::unique_ptr<PostgresConnection> connection) {
    absl::MutexLock lock(&mu_);
    if (connection->healthy()) {
      idle_.push_back(std::move(connection));
    } else {
      --open_;  // dropped; the next Acquire connects afresh
    }
  }

  const std::string url_;
  const PostgresOptions options_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<PostgresConnection>> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;
};

// Applies the migrations this build knows, once, even when several
// replicas start at the same time: they queue on an advisory lock.
absl::Status Migrate(PostgresConnection& db) {
  // The lock is per schema, so separate schemas migrate independently.
  if (auto status = db.Script("SELECT pg_advisory_lock(hashtext(current_schema()))");
      !status.ok()) {
    return status;
  }
  absl::Status status = db.Script(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, "
      "description TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
  int64_t current = 0;
  if (status.ok()) {
    auto rows = db.Query("SELECT coalesce(max(version), 0) FROM schema_migrations", {});
    if (rows.ok() && (*rows)->Next().value_or(false)) {
      current = (*rows)->Int(0);
    } else {
      status = rows.ok() ? absl::InternalError("no schema version") : rows.status();
    }
  }
  const auto& migrations = Migrations(query::Dialect::kPostgres);
  if (status.ok() && current > migrations.back().version) {
    status = absl::FailedPreconditionError(absl::StrCat(
        "the database has schema version ", current, ", newer than this server supports (",
        migrations.back().version, "); upgrade the server"));
  }
  for (const auto& migration : migrations) {
    if (!status.ok()) break;
    if (migration.version <= current) continue;
    status = db.Script("BEGIN");
    for (const auto& statement : migration.statements) {
      if (status.ok()) status = db.Script(statement);
    }
    if (status.ok()) {
      auto recorded =
          db.Execute("INSERT INTO schema_migrations (version, description) VALUES (?, ?)",
                     {int64_t{migration.version}, migration.description});
      status = recorded.status();
    }
    if (status.ok()) status = db.Script("COMMIT");
    if (!status.ok()) {
      db.Script("ROLLBACK").IgnoreError();
      status = absl::FailedPreconditionError(
          absl::StrCat("migrating to schema version ", migration.version, " (",
                       migration.description, ") failed: ", status.message()));
    } else {
      LogInfo("postgres", absl::StrCat("migrated to schema version ", migration.version, ": ",
                                       migration.description));
    }
  }
  db.Script("SELECT pg_advisory_unlock(hashtext(current_schema()))").IgnoreError();
  return status;
}

}  // namespace

absl::StatusOr<std::unique_ptr<SqlPool>> OpenPostgresPool(const std::string& url,
                                                          const PostgresOptions& options) {
  if (options.max_connections < 1) {
    return absl::InvalidArgumentError("the PostgreSQL pool needs at least one connection");
  }
  absl::Time give_up = absl::Now() + options.startup_wait;
  auto connection = Connect(url);
  while (!connection.ok() && absl::Now() < give_up) {
    absl::SleepFor(absl::Seconds(1));
    connection = Connect(url);
  }
  if (!connection.ok()) return connection.status();
  if (auto status = Migrate(**connection); !status.ok()) return status;
  return std::make_unique<PostgresPool>(url, options);
}

absl::StatusOr<std::unique_ptr<Store>> OpenPostgresStore(const std::string& url,
                                                         const PostgresOptions& options) {
  auto pool = OpenPostgresPool(url, options);
  if (!pool.ok()) return pool.status();
  return MakeSqlStore(*std::move(pool), options.change_retention);
}

}  // namespace bilateral::store
