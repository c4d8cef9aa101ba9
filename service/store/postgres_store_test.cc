// What only the PostgreSQL store has to show: replicas starting together
// migrate once, an unreachable database is a clear error, and the store
// recovers by itself when the database returns. (The Store contract itself
// is store_test.cc, run on both backends.)
#include "store/postgres_store.h"

#include <cstdlib>
#include <thread>

#include "domain/resources.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/test_rows.h"
#include "temp_dir.h"
#include "test_store.h"

namespace bilateral::store {
namespace {

using ::testing::HasSubstr;

using test_rows::kCall;
using test_rows::SourceRow;
using test_rows::Sources;

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { BILATERAL_REQUIRE_POSTGRES_SERVER(); }
};

TEST_F(PostgresStoreTest, ReplicasStartingTogetherMigrateOnce) {
  auto url = test::FreshPostgresSchema();
  ASSERT_TRUE(url.ok()) << url.status();
  constexpr int kReplicas = 4;
  std::vector<absl::StatusOr<std::unique_ptr<Store>>> stores(kReplicas);
  std::vector<std::thread> replicas;
  for (int i = 0; i < kReplicas; ++i) {
    replicas.emplace_back([&, i] { stores[i] = OpenPostgresStore(*url, PostgresOptions{}); });
  }
  for (auto& replica : replicas) replica.join();
  for (auto& store : stores) ASSERT_TRUE(store.ok()) << store.status();
  // Each replica sees the others' writes: one database, one schema.
  ASSERT_TRUE((*stores[0])->Insert(kCall, Sources(), SourceRow("shared"), "").ok());
  for (auto& store : stores) EXPECT_TRUE((*store)->Get(kCall, Sources(), "shared").ok());
}

TEST_F(PostgresStoreTest, UnreachableDatabaseIsAClearErrorAtStart) {
  auto store =
      OpenPostgresStore("postgresql://bilateral:secret@127.0.0.1:1/nowhere", PostgresOptions{});
  EXPECT_EQ(store.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(store.status().message(), HasSubstr("cannot connect to PostgreSQL at 127.0.0.1:1"));
  EXPECT_THAT(store.status().message(), ::testing::Not(HasSubstr("secret")));
}

TEST_F(PostgresStoreTest, OutageIsUnavailableAndTheStoreRecoversByItself) {
  test::TempDir dir;
  std::string url = test::PostgresCluster("start", dir.path());
  ASSERT_THAT(url, ::testing::StartsWith("postgresql://"));
  auto store = OpenPostgresStore(url, PostgresOptions{});
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE((*store)->Insert(kCall, Sources(), SourceRow("before"), "").ok());

  // A fast stop: the throwaway cluster runs without fsync, so an immediate
  // one could lose the row, which is not what this test is about.
  test::PostgresCluster("stop", dir.path());
  auto during = (*store)->Get(kCall, Sources(), "before");
  EXPECT_EQ(during.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(during.status().message(), HasSubstr("database is unavailable"));
  EXPECT_EQ((*store)->Ping().code(), absl::StatusCode::kUnavailable);

  ASSERT_EQ(test::PostgresCluster("start", dir.path()), url);
  EXPECT_TRUE((*store)->Ping().ok());
  auto after = (*store)->Get(kCall, Sources(), "before");
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->payload, "source");
  EXPECT_TRUE((*store)->Insert(kCall, Sources(), SourceRow("after"), "").ok());
  test::PostgresCluster("stop", dir.path());
}

// Statements run together (one pipeline) each see what those before them
// did; one that fails fails the write, which stores nothing, and the
// connection serves the next write as usual, its prepared statements too.
TEST_F(PostgresStoreTest, PipelinedStatementsFailTogetherAndLeaveTheConnectionReady) {
  auto url = test::FreshPostgresSchema();
  ASSERT_TRUE(url.ok()) << url.status();
  PostgresOptions options;
  options.max_connections = 1;  // every write on the same connection
  auto pool = OpenPostgresPool(*url, options);
  ASSERT_TRUE(pool.ok()) << pool.status();
  const std::string insert = "INSERT INTO pair_counts (pair, counter, members) VALUES (?, ?, ?)";
  const std::string add =
      "UPDATE pair_counts SET members = members + ? WHERE pair = ? AND counter = ?";
  auto members = [&]() -> int64_t {
    int64_t found = -1;
    auto read = (*pool)->Read(
        kCall,
        [&](SqlConnection& db) -> absl::Status {
          auto rows = db.Query("SELECT members FROM pair_counts WHERE pair = ? AND counter = ?",
                               {std::string("CN-KZ"), std::string("visits")});
          if (!rows.ok()) return rows.status();
          if (*(*rows)->Next()) found = (*rows)->Int(0);
          return absl::OkStatus();
        },
        false);
    EXPECT_TRUE(read.ok()) << read;
    return found;
  };
  auto write = [&](std::vector<SqlStatement> statements) {
    return (*pool)->Write(kCall, [&](SqlConnection& db) { return db.ExecuteAll(statements); });
  };
  // The second statement fails (the row exists): the first is undone.
  ASSERT_TRUE(write({{insert, {std::string("CN-KZ"), std::string("visits"), int64_t{1}}}}).ok());
  absl::Status failed = write({{add, {int64_t{10}, std::string("CN-KZ"), std::string("visits")}},
                               {insert, {std::string("CN-KZ"), std::string("visits"), int64_t{5}}},
                               {add, {int64_t{100}, std::string("CN-KZ"), std::string("visits")}}});
  EXPECT_EQ(failed.code(), absl::StatusCode::kAlreadyExists) << failed;
  EXPECT_EQ(members(), 1);
  // The same statements, now all fine, run in order on the same connection.
  absl::Status fine = write({{add, {int64_t{10}, std::string("CN-KZ"), std::string("visits")}},
                             {add, {int64_t{100}, std::string("CN-KZ"), std::string("visits")}},
                             {"SELECT pg_advisory_xact_lock(?)", {int64_t{42}}}});
  EXPECT_TRUE(fine.ok()) << fine;
  EXPECT_EQ(members(), 111);
}

}  // namespace
}  // namespace bilateral::store
