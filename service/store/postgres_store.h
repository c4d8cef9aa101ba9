// The scale-out store: many stateless servers on one PostgreSQL database.
// Same contract as the embedded store (store.h), held to it by the same
// conformance tests.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "store/sql_connection.h"
#include "store/store.h"

namespace bilateral::store {

struct PostgresOptions {
  // Connections open at once; callers beyond wait for a free one.
  int max_connections = 16;
  // How long a caller waits for a free connection before UNAVAILABLE.
  absl::Duration acquire_timeout = absl::Seconds(5);
  // How long start-up keeps trying to reach the database before failing.
  absl::Duration startup_wait =
      absl::ZeroDuration();  // Changes the change feed keeps; older ones are dropped.
  int64_t change_retention = 1000000;
};

// Connects to `url` (a libpq URI, `postgresql://user@host:port/db?...`),
// migrates the schema under an advisory lock so that replicas starting
// together do it once, and returns the store. UNAVAILABLE naming the server
// (never the password) when the database cannot be reached.
absl::StatusOr<std::unique_ptr<Store>> OpenPostgresStore(const std::string& url,
                                                         const PostgresOptions& options);

// The connection pool such a store runs on, opened and migrated the same
// way; for tests of what its connections do.
absl::StatusOr<std::unique_ptr<SqlPool>> OpenPostgresPool(const std::string& url,
                                                          const PostgresOptions& options);

}  // namespace bilateral::store
