// Upgrades of the embedded store's file format.
#include "store/sqlite_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <fstream>
#include <set>

#include "absl/strings/str_cat.h"
#include "domain/resources.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/list_plan.h"
#include "store/test_rows.h"
#include "temp_dir.h"

namespace bilateral::store {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

using test_rows::kCall;
using test_rows::VisitRow;
using test_rows::Visits;

// Runs `sql` on the database file at `path`, as an older release would have.
void RunSql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
      << (error != nullptr ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

TEST(SqliteMigrationTest, OldVersionFileIsUpgradedWithItsData) {
  test::TempDir dir;
  std::string path = dir.File("old.db");
  {
    SqliteOptions v1;
    v1.schema_version = 1;
    ASSERT_TRUE(OpenSqliteStore(path, v1).ok());
  }
  // A visit as the first schema stored it: no outcomes column yet.
  RunSql(path,
         "INSERT INTO visits (id, payload, etag, revision, create_us, update_us, "
         "visitor_name, visitor_office, visitor_country, host_country, kind, start_date, "
         "end_date, reported_ordinal, cities, occasions) VALUES ('kept', 'old', 'e1', 1, "
         "10, 10, 'Xi Jinping', '', 'countries/CN', 'countries/KZ', 'STATE', 20130000, 0, "
         "0, '[]', '[]')");

  auto store = OpenSqliteStore(path, SqliteOptions{});
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ((*store)->Get(kCall, Visits(), "kept")->payload, "old");
  // Every collection, since a later version added the search index; and
  // the pair views of every collection that has them.
  EXPECT_THAT(*(*store)->PendingReindex(),
              ElementsAre("exchanges", "infrastructureProjects", "observations", "partnerships",
                          "sources", "tradeRecords", "views", "visits"));

  // The columns the migration added are derived again from the payload.
  ASSERT_TRUE((*store)
                  ->Reindex(Visits(),
                            [](const Row& stored) -> absl::StatusOr<Row> {
                              Row row = VisitRow(stored.id, "countries/KZ", 20130000);
                              const auto& columns = Visits().columns;
                              const auto outcomes =
                                  std::find(columns.begin(), columns.end(), "outcomes");
                              row.columns[outcomes - columns.begin()] =
                                  std::string("[\"proposed\"]");
                              return row;
                            })
                  .ok());
  EXPECT_THAT(*(*store)->PendingReindex(), ::testing::Not(::testing::Contains("visits")));
  ListQuery query;
  query.filter = "outcomes:\"proposed\"";
  auto page = (*store)->List(kCall, Visits(), query);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->rows.size(), 1u);
  EXPECT_EQ(page->rows[0].payload, "old");  // payload and etag untouched
  EXPECT_EQ(page->rows[0].etag, "e1");

  // Idempotency keys arrived with version 2.
  auto created = (*store)->Insert(kCall, Visits(), VisitRow("new", "countries/KZ", 1), "req");
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ((*store)->Insert(kCall, Visits(), VisitRow("again", "countries/KZ", 1), "req")->id,
            "new");

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &statement, nullptr);
  ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(statement, 0), LatestSqliteSchemaVersion());
  sqlite3_finalize(statement);
  sqlite3_close(db);
}

TEST(SqliteMigrationTest, NewerSchemaIsRefused) {
  test::TempDir dir;
  std::string path = dir.File("future.db");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_exec(db, "PRAGMA user_version = 999", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  auto store = OpenSqliteStore(path, SqliteOptions{});
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(store.status().message(), HasSubstr("newer than this server supports"));
}

TEST(SqliteMigrationTest, FileThatIsNotADatabaseIsRefused) {
  test::TempDir dir;
  std::string path = dir.File("text.db");
  std::ofstream(path) << std::string(4096, 'x');
  auto store = OpenSqliteStore(path, SqliteOptions{});
  EXPECT_FALSE(store.ok());
  EXPECT_THAT(store.status().message(), HasSubstr(path));
}

}  // namespace
}  // namespace bilateral::store
