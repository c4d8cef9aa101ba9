// What the SQL store needs of a database: connections that run
// parameterised statements, and a pool that hands them out for reads and
// for write transactions. SQLite and PostgreSQL each implement these; the
// store's logic (store/sql_store.*) is written once over them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/call_context.h"
#include "query/filter.h"

namespace bilateral::store {

// Bytes bound as a binary value (a record's payload).
struct Blob {
  std::string bytes;
};

// A value bound to a `?` placeholder.
using SqlParam = std::variant<int64_t, std::string, Blob>;

// A statement and the values of its placeholders.
struct SqlStatement {
  std::string sql;
  std::vector<SqlParam> params;
};

// Converts filter and key values to parameters.
std::vector<SqlParam> ToParams(const std::vector<query::SqlValue>& values);

// The result rows of one statement, read forward once.
class SqlRows {
 public:
  virtual ~SqlRows() = default;
  // Moves to the next row: true when there is one.
  virtual absl::StatusOr<bool> Next() = 0;
  virtual int64_t Int(int column) = 0;
  // Text or bytes, as stored.
  virtual std::string Text(int column) = 0;
  // True when the column of the current row holds an integer.
  virtual bool IsInt(int column) = 0;
};

// Calls `each` on every row of `rows`, in order; an error stepping through
// them ends the walk and is returned.
absl::Status ForEachRow(SqlRows& rows, absl::FunctionRef<void(SqlRows&)> each);

// One database connection, used by one thread at a time. Statements use `?`
// placeholders and are prepared once per connection. Errors are canonical:
// a unique-constraint violation is ALREADY_EXISTS, a lost database
// UNAVAILABLE, a statement stopped at its deadline DEADLINE_EXCEEDED.
class SqlConnection {
 public:
  virtual ~SqlConnection() = default;

  // Runs a statement that returns rows.
  virtual absl::StatusOr<std::unique_ptr<SqlRows>> Query(const std::string& sql,
                                                         const std::vector<SqlParam>& params) = 0;

  // Runs a statement that returns no rows; returns the rows it changed.
  virtual absl::StatusOr<int64_t> Execute(const std::string& sql,
                                          const std::vector<SqlParam>& params) = 0;

  // In a write transaction, runs a statement that returns no rows, and that
  // no later statement of the transaction reads, just before the commit,
  // after every statement not deferred; dropped if the write that deferred
  // it is rolled back. For a store whose savepoints would flush what a
  // statement buffers (SQLite's full-text index). Elsewhere it runs at once.
  virtual absl::Status ExecuteAtCommit(const std::string& sql,
                                       const std::vector<SqlParam>& params) {
    return Execute(sql, params).status();
  }

  // Runs `statements` in order, stopping at the first that fails, when the
  // caller needs none of their rows or counts: a database may send them
  // together (PostgreSQL in one pipeline, one round trip). Each sees what
  // those before it did. By default one after another.
  virtual absl::Status ExecuteAll(const std::vector<SqlStatement>& statements);

  // The most values one statement can bind.
  virtual size_t MaxParameters() const = 0;

  // Adds rows to `table` in their order: `values` holds, row after row, one
  // value for each of `columns`. A row that a unique constraint refuses
  // (the table or an earlier row of `values` has its key) is skipped, as by
  // INSERT ... ON CONFLICT DO NOTHING. Returns the `returning` column (a text
  // column) of each row added, in no particular order; nothing when
  // `returning` is empty. By default in multi-row INSERT statements of as
  // many rows as MaxParameters() allows; a database may load many rows a
  // faster way.
  virtual absl::StatusOr<std::vector<std::string>> InsertRows(
      const std::string& table, const std::vector<std::string>& columns,
      std::vector<SqlParam> values, const std::string& returning);

  // The call the connection works for while a pool lends it to that call
  // (null between calls, and while a write group commits): its statements
  // stop when the call should, and lock waits give up with it.
  void set_call(const CallContext* call) { call_ = call; }

 protected:
  // True when the call the connection works for should stop.
  bool CallShouldStop() const { return call_ != nullptr && call_->ShouldStop(); }

 private:
  const CallContext* call_ = nullptr;
};

// Lends `connection` to `call` for the life of the scope.
class CallBinding {
 public:
  CallBinding(SqlConnection& connection, const CallContext& call) : connection_(connection) {
    connection_.set_call(&call);
  }
  ~CallBinding() { connection_.set_call(nullptr); }
  CallBinding(const CallBinding&) = delete;
  CallBinding& operator=(const CallBinding&) = delete;

 private:
  SqlConnection& connection_;
};

// Hands out connections. Bounded: callers wait for a free connection.
class SqlPool {
 public:
  virtual ~SqlPool() = default;

  virtual query::Dialect dialect() const = 0;

  // Runs `body` on a connection for reading, lent to `call`; with
  // `snapshot`, inside one read transaction so that every statement sees
  // the same data.
  virtual absl::Status Read(const CallContext& call,
                            absl::FunctionRef<absl::Status(SqlConnection&)> body,
                            bool snapshot) = 0;

  // Runs `body` for `call` in one write transaction: committed when `body`
  // returns OK, rolled back otherwise. Its statements stop when `call`
  // should. Conditional writes are safe against concurrent
  // writers (SQLite serialises writers; PostgreSQL locks the rows read with
  // `LockSuffix()`).
  virtual absl::Status Write(const CallContext& call,
                             absl::FunctionRef<absl::Status(SqlConnection&)> body) = 0;

  // What to append to a SELECT that reads a row about to be changed.
  virtual const char* LockSuffix() const = 0;

  // OK when the database answers.
  virtual absl::Status Ping() = 0;
};

}  // namespace bilateral::store
