// Acknowledged writes survive SIGKILL: writers create records through the
// SDK while the server is killed at a random moment, again and again; after
// each restart every write a client saw acknowledged is there, exactly as
// acknowledged, and every record that is there is whole. On SQLite the file
// passes `PRAGMA integrity_check` at the end. Runs on whichever store
// test_store.h selects; BILATERAL_LONG_TESTS=1 runs many more rounds.
#include <sqlite3.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "bilateral/visit_client.h"
#include "child_process.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "temp_dir.h"
#include "test_store.h"

namespace bilateral {
namespace {

constexpr int kWriters = 4;

int Rounds() {
  const char* longer = std::getenv("BILATERAL_LONG_TESTS");
  return longer != nullptr && std::string(longer) == "1" ? 50 : 4;
}

// A visitor of its own per record, so no write renumbers another.
v1::Visit NewVisit(int year) {
  v1::Visit visit;
  visit.mutable_visitor()->set_name(absl::StrCat("Durability Writer ", year));
  visit.mutable_visitor()->set_country("FR");
  visit.set_host_country("DE");
  visit.mutable_start_date()->set_year(1900 + year % 100);
  visit.add_outcomes(std::string(200, 'x'));  // some bytes per write
  auto* citation = visit.add_citations();
  citation->set_source("sources/xi-kazakhstan-sco-2024");
  citation->set_quote("for a state visit");
  return visit;
}

TEST(DurabilityTest, AcknowledgedWritesSurviveSigkillAtRandomMoments) {
  test::TempDir dir;
  auto database = test::TestDatabase(dir, "durable.db");
  ASSERT_TRUE(database.ok()) << database.status();
  std::mt19937 random(std::random_device{}());
  std::map<std::string, std::string> acknowledged;  // name -> etag
  std::mutex acknowledged_mu;
  int64_t unacknowledged_but_stored = 0;
  int next_id = 0;

  auto serve = [&](int run) {
    const std::string port_file = dir.File(absl::StrCat("port", run));
    // FULL: an acknowledged write is on disk (the default).
    auto process = std::make_unique<test::ChildProcess>(
        BILATERAL_SERVER_PATH,
        std::vector<std::string>{"--listen=127.0.0.1:0", "--port_file=" + port_file,
                                 "--database=" + *database, "--log_level=error"},
        dir.File(absl::StrCat("out", run)), dir.File(absl::StrCat("err", run)));
    const int port = test::WaitForPort(*process, port_file, absl::Seconds(30));
    return std::make_pair(std::move(process), absl::StrCat("127.0.0.1:", port));
  };
  auto client_for = [](const std::string& endpoint) {
    ClientOptions options;
    options.endpoint = endpoint;
    options.timeout = absl::Seconds(5);
    options.retry.max_attempts = 1;  // a killed server's calls fail, not wait
    return VisitClient(MakeVisitConnection(options));
  };
  // Every acknowledged write is there as acknowledged; every stored write
  // of the writers is whole.
  auto verify = [&](const std::string& endpoint) {
    VisitClient visits = client_for(endpoint);
    for (const auto& [name, etag] : acknowledged) {
      auto visit = visits.GetVisit(name);
      ASSERT_TRUE(visit.ok()) << name << " was acknowledged and is lost: " << visit.status();
      EXPECT_EQ(visit->etag(), etag) << name;
      EXPECT_EQ(visit->outcomes(0).size(), 200u) << name;
    }
    int64_t stored = 0;
    for (auto& visit : visits.ListVisits("visitor.name = \"Durability Writer*\"")) {
      ASSERT_TRUE(visit.ok()) << visit.status();
      ++stored;
      EXPECT_EQ(visit->outcomes_size(), 1);
      EXPECT_EQ(visit->citations_size(), 1);
    }
    EXPECT_GE(stored, static_cast<int64_t>(acknowledged.size()));
    unacknowledged_but_stored = stored - static_cast<int64_t>(acknowledged.size());
  };

  for (int round = 0; round < Rounds(); ++round) {
    auto [server, endpoint] = serve(round);
    ASSERT_TRUE(server->Running()) << server->Errors();
    verify(endpoint);
    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back([&, endpoint = endpoint, first = next_id + w * 100000] {
        VisitClient visits = client_for(endpoint);
        for (int i = first; !stop.load(); ++i) {
          const std::string id = absl::StrCat("d", round, "-", i);
          auto created = visits.CreateVisit(NewVisit(i), id);
          if (!created.ok()) return;  // the server is gone
          std::lock_guard<std::mutex> lock(acknowledged_mu);
          acknowledged[created->name()] = created->etag();
        }
      });
    }
    absl::SleepFor(absl::Milliseconds(std::uniform_int_distribution<int>(50, 400)(random)));
    server->Signal(SIGKILL);
    ASSERT_TRUE(server->WaitExit(absl::Seconds(10)).has_value());
    stop = true;
    for (auto& writer : writers) writer.join();
    next_id += kWriters * 100000;
  }
  auto [server, endpoint] = serve(Rounds());
  ASSERT_TRUE(server->Running()) << server->Errors();
  verify(endpoint);
  std::cout << "rounds " << Rounds() << ": acknowledged " << acknowledged.size()
            << ", lost 0 (else failed above), stored without acknowledgement "
            << unacknowledged_but_stored << "\n";
  EXPECT_GT(acknowledged.size(), 0u);
  server.reset();

  if (!test::TestingPostgres()) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(database->c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* check = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &check, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_step(check), SQLITE_ROW);
    EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(check, 0)), "ok");
    sqlite3_finalize(check);
    sqlite3_close(db);
  }
}

}  // namespace
}  // namespace bilateral
