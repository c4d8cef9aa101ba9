#include "store/open_store.h"

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"

namespace bilateral::store {

bool IsPostgresUrl(const std::string& database) {
  return absl::StartsWith(database, "postgresql://") || absl::StartsWith(database, "postgres://");
}

absl::StatusOr<std::unique_ptr<Store>> OpenStore(const std::string& database,
                                                 const StoreOptions& options) {
  if (IsPostgresUrl(database)) return OpenPostgresStore(database, options.postgres);
  absl::string_view path = database;
  absl::ConsumePrefix(&path, "sqlite://");
  absl::ConsumePrefix(&path, "sqlite:");
  if (path.empty()) {
    return absl::InvalidArgumentError(
        "the database setting is empty; give a file path or a postgresql:// URL");
  }
  return OpenSqliteStore(std::string(path), options.sqlite);
}

}  // namespace bilateral::store
