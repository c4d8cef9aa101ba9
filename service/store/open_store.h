// Chooses the store from a database setting: a `postgresql://` (or
// `postgres://`) URL selects PostgreSQL; a file path or a `sqlite:` URL
// selects the embedded SQLite store.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "store/postgres_store.h"
#include "store/sqlite_store.h"

namespace bilateral::store {

struct StoreOptions {
  SqliteOptions sqlite;
  PostgresOptions postgres;
};

// True when `database` names a PostgreSQL database.
bool IsPostgresUrl(const std::string& database);

// Opens the store `database` names; errors name the database (without any
// password) and say what is wrong.
absl::StatusOr<std::unique_ptr<Store>> OpenStore(const std::string& database,
                                                 const StoreOptions& options);

}  // namespace bilateral::store
