// The embedded store: one SQLite file in WAL mode. Reads run concurrently on
// a bounded pool of connections; writes are serialised on one connection,
// and writes that arrive together commit together, each keeping its own
// outcome; a write is durable when it returns (see
// docs/adr/0014-write-engine.md).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "store/store.h"

namespace bilateral::store {

struct SqliteOptions {
  // Connections that serve reads at once; more readers wait.
  int max_readers = 8;
  // Schema version to migrate to; -1 means the latest. Older versions exist
  // for testing upgrades.
  int schema_version = -1;
  // SQLite `synchronous` setting: FULL survives power loss, NORMAL survives
  // a crash of the process only.
  std::string synchronous = "FULL";
  // Create the file when it does not exist; otherwise that is an error.
  bool create = true;
  // Changes the change feed keeps; older ones are dropped.
  int64_t change_retention = 1000000;
  // Called after each commit with the number of writes it committed
  // together (group commit), for tests to observe. May be empty.
  std::function<void(size_t writes)> observe_group_commit;
};

// Opens (creating if needed) and migrates the database at `path`, with the
// `collections` the service stores. Fails with a message naming the path
// when the file cannot be opened or is not a database of this service.
absl::StatusOr<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path,
                                                       const SqliteOptions& options);

// The latest schema version this build knows.
int LatestSqliteSchemaVersion();

}  // namespace bilateral::store
