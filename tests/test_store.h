// The store a test runs on: the embedded SQLite store by default;
// PostgreSQL when BILATERAL_TEST_STORE=postgres, on the throwaway server
// whose URL is in BILATERAL_TEST_POSTGRES_URL (scripts/test.sh starts one).
// Every PostgreSQL store gets a schema of its own, so tests never share data.
#pragma once

#include <libpq-fe.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "store/open_store.h"
#include "temp_dir.h"

namespace bilateral::test {

inline bool TestingPostgres() {
  const char* store = std::getenv("BILATERAL_TEST_STORE");
  return store != nullptr && std::string(store) == "postgres";
}

// The PostgreSQL server tests use; empty when none was given.
inline std::string PostgresTestUrl() {
  const char* url = std::getenv("BILATERAL_TEST_POSTGRES_URL");
  return url != nullptr ? url : "";
}

// Every test of a binary run for PostgreSQL (BILATERAL_TEST_STORE=postgres)
// is skipped, with the reason, when no server was given; under CI that is a
// failure instead, so a misconfigured run cannot pass by skipping.
class PostgresRequirement : public ::testing::Environment {
 public:
  void SetUp() override {
    if (!TestingPostgres() || !PostgresTestUrl().empty()) return;
    if (std::getenv("CI") != nullptr) {
      FAIL() << "CI must give BILATERAL_TEST_POSTGRES_URL for the PostgreSQL runs";
    }
    GTEST_SKIP() << "no PostgreSQL server given (BILATERAL_TEST_POSTGRES_URL); "
                    "scripts/test.sh starts one";
  }
};
inline ::testing::Environment* const kPostgresRequirement =
    ::testing::AddGlobalTestEnvironment(new PostgresRequirement);

// In a test that needs the PostgreSQL server of BILATERAL_TEST_POSTGRES_URL
// whatever store the binary runs on: skips it, with the reason, when none
// was given, and fails it under CI.
#define BILATERAL_REQUIRE_POSTGRES_SERVER()                                                   \
  do {                                                                                        \
    if (::bilateral::test::PostgresTestUrl().empty()) {                                       \
      if (std::getenv("CI") != nullptr) FAIL() << "CI must give BILATERAL_TEST_POSTGRES_URL"; \
      GTEST_SKIP() << "no PostgreSQL server given (BILATERAL_TEST_POSTGRES_URL); "            \
                      "scripts/test.sh starts one";                                           \
    }                                                                                         \
  } while (false)

#ifdef BILATERAL_POSTGRES_SCRIPT
// Runs scripts/postgres.sh `command` (start, stop, kill) on a cluster of its
// own in `dir`; what it prints (the URL, for start).
inline std::string PostgresCluster(const std::string& command, const std::string& dir) {
  std::string line = absl::StrCat(BILATERAL_POSTGRES_SCRIPT, " ", command, " ", dir);
  FILE* pipe = popen(line.c_str(), "r");
  std::string output;
  char buffer[256];
  while (pipe != nullptr && fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  if (pipe != nullptr) pclose(pipe);
  while (!output.empty() && output.back() == '\n') output.pop_back();
  return output;
}
#endif

// A `postgresql://` URL whose connections use a new, empty schema.
inline absl::StatusOr<std::string> FreshPostgresSchema() {
  std::string base = PostgresTestUrl();
  if (base.empty()) {
    return absl::FailedPreconditionError(
        "BILATERAL_TEST_STORE=postgres needs BILATERAL_TEST_POSTGRES_URL; "
        "scripts/test.sh starts a throwaway server and sets both");
  }
  static absl::BitGen* bits = new absl::BitGen();
  std::string schema = absl::StrCat("test_", absl::Uniform<uint64_t>(*bits));
  PGconn* conn = PQconnectdb(base.c_str());
  PGresult* result = PQexec(conn, absl::StrCat("CREATE SCHEMA ", schema).c_str());
  bool created = PQresultStatus(result) == PGRES_COMMAND_OK;
  std::string error = PQerrorMessage(conn);
  PQclear(result);
  PQfinish(conn);
  if (!created) return absl::UnavailableError(absl::StrCat("cannot create a test schema: ", error));
  return absl::StrCat(base, base.find('?') == std::string::npos ? "?" : "&",
                      "options=-csearch_path%3D", schema);
}

// The database setting for a test: a fresh PostgreSQL schema, or a file
// in `dir`.
inline absl::StatusOr<std::string> TestDatabase(const TempDir& dir,
                                                const std::string& file = "store.db") {
  if (TestingPostgres()) return FreshPostgresSchema();
  return dir.File(file);
}

inline absl::StatusOr<std::unique_ptr<store::Store>> OpenTestStore(
    const TempDir& dir, const std::string& file = "store.db",
    const store::StoreOptions& options = {}) {
  auto database = TestDatabase(dir, file);
  if (!database.ok()) return database.status();
  return store::OpenStore(*database, options);
}

}  // namespace bilateral::test
