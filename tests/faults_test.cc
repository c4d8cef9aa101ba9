// Faults around the real server binary: a file-size limit that stops the
// SQLite files growing (to SQLite, a full disk), PostgreSQL stopped under
// load, and calls their clients cancel or let expire while storage work
// waits. Each checks what callers see (the status code and its message),
// that nothing stored is lost, damaged or stored twice, and that the same
// process serves again once the fault is gone.
#include <grpcpp/grpcpp.h>
#include <httplib.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <sys/resource.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <iostream>
#include <map>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "bilateral/v1/visit.grpc.pb.h"
#include "bilateral/visit_client.h"
#include "child_process.h"
#include "cluster_guard.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "temp_dir.h"
#include "test_store.h"

namespace bilateral {
namespace {

using ::testing::HasSubstr;

// A server process on `database`; its endpoint once it serves (empty if it
// did not start).
struct ServerProcess {
  std::unique_ptr<test::ChildProcess> process;
  std::string endpoint;
};

ServerProcess Serve(const test::TempDir& dir, const std::string& database, const std::string& run,
                    const std::vector<std::string>& flags = {}) {
  const std::string port_file = dir.File("port-" + run);
  std::vector<std::string> args;
  for (const std::string& flag : {std::string("--listen=127.0.0.1:0"), "--port_file=" + port_file,
                                  "--database=" + database}) {
    args.push_back(flag);
  }
  args.insert(args.end(), flags.begin(), flags.end());
  ServerProcess server;
  server.process = std::make_unique<test::ChildProcess>(
      BILATERAL_SERVER_PATH, args, dir.File("out-" + run), dir.File("err-" + run));
  const int port = test::WaitForPort(*server.process, port_file, absl::Seconds(60));
  if (port > 0) server.endpoint = absl::StrCat("127.0.0.1:", port);
  return server;
}

// Stops a server with SIGTERM; its exit code.
std::optional<int> Stop(ServerProcess& server) {
  server.process->Signal(SIGTERM);
  return server.process->WaitExit(absl::Seconds(30));
}

VisitClient Client(const std::string& endpoint, absl::Duration timeout = absl::Seconds(10)) {
  ClientOptions options;
  options.endpoint = endpoint;
  options.timeout = timeout;
  options.retry = RetryOptions::None();  // the tests count every failure
  return VisitClient(MakeVisitConnection(options));
}

// A visit of a visitor of its own (so no write renumbers another), with
// `padding` bytes in its outcome.
v1::Visit NewVisit(const std::string& visitor, size_t padding = 200) {
  v1::Visit visit;
  visit.mutable_visitor()->set_name(visitor);
  visit.mutable_visitor()->set_country("FR");
  visit.set_host_country("DE");
  visit.mutable_start_date()->set_year(2001);
  for (size_t left = padding; left > 0; left -= std::min<size_t>(left, 4000)) {
    visit.add_outcomes(std::string(std::min<size_t>(left, 4000), 'x'));  // at most 4096 each
  }
  auto* citation = visit.add_citations();
  citation->set_source("sources/xi-kazakhstan-sco-2024");
  citation->set_quote("for a state visit");
  return visit;
}

// SQLite's verdict on the file: "ok" when it is sound.
std::string IntegrityCheck(const std::string& path) {
  sqlite3* db = nullptr;
  std::string verdict = "cannot open";
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* check = nullptr;
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &check, nullptr) == SQLITE_OK &&
        sqlite3_step(check) == SQLITE_ROW) {
      verdict = reinterpret_cast<const char*>(sqlite3_column_text(check, 0));
    }
    sqlite3_finalize(check);
  }
  sqlite3_close(db);
  return verdict;
}

// Every acknowledged record is there with the etag it was acknowledged with.
void ExpectAllThere(VisitClient& visits, const std::map<std::string, std::string>& acknowledged) {
  for (const auto& [name, etag] : acknowledged) {
    auto visit = visits.GetVisit(name);
    ASSERT_TRUE(visit.ok()) << name << " was acknowledged and is lost: " << visit.status();
    EXPECT_EQ(visit->etag(), etag) << name;
  }
}

// ---------------------------------------------------------------------------
// The server may not grow its files past a limit (RLIMIT_FSIZE set on the
// running process, as `ulimit -f` or systemd's LimitFSIZE would): to SQLite
// that is a full disk. Writes fail with RESOURCE_EXHAUSTED saying the store
// is out of space, the process lives on, reads are served, and once the
// limit is lifted writes succeed again without a restart; every acknowledged
// record is intact and the file passes `PRAGMA integrity_check`.
TEST(FaultsTest, FileSizeLimitRefusesWritesKeepsReadsAndRecoversWithoutRestart) {
  test::TempDir dir;
  const std::string database = dir.File("store.db");
  ServerProcess server = Serve(dir, database, "limited", {"--log_level=error"});
  ASSERT_FALSE(server.endpoint.empty()) << server.process->Errors();
  VisitClient visits = Client(server.endpoint);
  std::map<std::string, std::string> acknowledged;
  int next = 0;
  auto write = [&]() -> absl::Status {
    auto created = visits.CreateVisit(NewVisit(absl::StrCat("Full Disk Writer ", next++), 8192));
    if (!created.ok()) return created.status();
    acknowledged[created->name()] = created->etag();
    return absl::OkStatus();
  };
  for (int i = 0; i < 5; ++i) {
    absl::Status status = write();
    ASSERT_TRUE(status.ok()) << status;
  }

  // Room for a few dozen more records past the largest file the server has.
  std::error_code ignored;
  uintmax_t largest = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    largest = std::max(largest, entry.file_size(ignored));
  }
  const pid_t pid = server.process->pid();
  struct rlimit limit = {static_cast<rlim_t>(largest + 256 * 1024), RLIM_INFINITY};
  ASSERT_EQ(prlimit(pid, RLIMIT_FSIZE, &limit, nullptr), 0);

  int failed = 0, consecutive = 0, attempts = 0;
  std::map<std::string, int> codes;
  for (; consecutive < 10 && attempts < 3000; ++attempts) {
    absl::Status status = write();
    if (status.ok()) {
      consecutive = 0;
      continue;
    }
    ++failed;
    ++consecutive;
    ++codes[absl::StatusCodeToString(status.code())];
    EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted) << status << "\n"
                                                                   << server.process->Errors();
    EXPECT_THAT(status.message(), HasSubstr("out of disk space"));
    ASSERT_TRUE(server.process->Running()) << "the server died: " << server.process->Errors();
  }
  ASSERT_EQ(consecutive, 10) << "the limit never stopped a write in " << attempts << " attempts";
  // Reads go on while writes cannot.
  ExpectAllThere(visits, acknowledged);

  limit = {RLIM_INFINITY, RLIM_INFINITY};
  ASSERT_EQ(prlimit(pid, RLIMIT_FSIZE, &limit, nullptr), 0);
  for (int i = 0; i < 20; ++i) {
    absl::Status status = write();
    EXPECT_TRUE(status.ok()) << "after the limit was lifted: " << status;
  }
  ExpectAllThere(visits, acknowledged);
  ASSERT_EQ(Stop(server), 0);
  EXPECT_EQ(IntegrityCheck(database), "ok");

  ServerProcess restarted = Serve(dir, database, "restarted", {"--log_level=error"});
  ASSERT_FALSE(restarted.endpoint.empty()) << restarted.process->Errors();
  VisitClient again = Client(restarted.endpoint);
  ExpectAllThere(again, acknowledged);
  int stored = 0;
  for (auto& visit : again.ListVisits("visitor.name = \"Full Disk Writer*\"")) {
    ASSERT_TRUE(visit.ok()) << visit.status();
    ++stored;
  }
  EXPECT_EQ(stored, static_cast<int>(acknowledged.size())) << "a refused write was stored";
  std::cout << "file-size limit: " << attempts << " writes tried at the limit, " << failed
            << " refused (";
  for (const auto& [code, count] : codes) std::cout << code << " " << count << " ";
  std::cout << "), acknowledged " << acknowledged.size() << ", lost 0, stored unacknowledged "
            << stored - static_cast<int>(acknowledged.size()) << "\n";
}

// ---------------------------------------------------------------------------
// PostgreSQL stops for 10 s while writers create records, each with a
// request_id it retries until acknowledged. During the outage calls fail
// with UNAVAILABLE saying the database is unavailable; afterwards the same
// server process serves everything, and each acknowledged write is stored
// exactly once (a write whose answer was lost is found by its request_id,
// not stored again).
TEST(FaultsTest, PostgresStoppedTenSecondsUnderLoadLosesAndDuplicatesNothing) {
  BILATERAL_REQUIRE_POSTGRES_SERVER();
  test::TempDir dir, cluster_dir;
  const std::string& cluster = cluster_dir.path();  // the script makes it the server's own
  const std::string url = test::PostgresCluster("start", cluster);
  ASSERT_THAT(url, ::testing::StartsWith("postgresql://"));
  test::PostgresClusterGuard guard{cluster};

  ServerProcess server = Serve(dir, url, "postgres", {"--log_level=error"});
  ASSERT_FALSE(server.endpoint.empty()) << server.process->Errors();
  constexpr int kWriters = 4;
  std::atomic<bool> stop{false};
  std::atomic<int> unavailable{0}, other_failures{0};
  absl::Mutex mu;
  std::map<std::string, std::string> acknowledged;  // visitor -> record name
  std::string unavailable_message;
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      VisitClient visits = Client(server.endpoint, absl::Seconds(5));
      for (int i = 0; !stop.load(); ++i) {
        const std::string visitor = absl::StrCat("Outage Writer ", w, "-", i);
        v1::CreateVisitRequest request;
        *request.mutable_visit() = NewVisit(visitor);
        request.set_request_id(absl::StrCat("outage-", w, "-", i));
        // Until acknowledged, even past `stop`: every write started ends known.
        for (const absl::Time give_up = absl::Now() + absl::Seconds(90);;) {
          auto created = visits.CreateVisit(request);
          if (created.ok()) {
            absl::MutexLock lock(&mu);
            acknowledged[visitor] = created->name();
            break;
          }
          if (created.status().code() == absl::StatusCode::kUnavailable) {
            ++unavailable;
            absl::MutexLock lock(&mu);
            unavailable_message = std::string(created.status().message());
          } else {
            ++other_failures;
            ADD_FAILURE() << created.status();
          }
          if (absl::Now() > give_up) return;
          absl::SleepFor(absl::Milliseconds(100));
        }
      }
    });
  }
  absl::SleepFor(absl::Seconds(2));
  test::PostgresCluster("stop", cluster);
  const absl::Time stopped = absl::Now();
  VisitClient reader = Client(server.endpoint, absl::Seconds(5));
  absl::Status during;
  for (int i = 0; i < 50 && during.code() != absl::StatusCode::kUnavailable; ++i) {
    during = reader.GetVisit("visits/xi-jinping-kz-2013").status();
    absl::SleepFor(absl::Milliseconds(100));
  }
  absl::SleepFor(absl::Seconds(10) - (absl::Now() - stopped));
  const int unavailable_during = unavailable.load();
  ASSERT_EQ(test::PostgresCluster("start", cluster), url);
  absl::SleepFor(absl::Seconds(3));
  stop = true;
  for (auto& writer : writers) writer.join();

  EXPECT_EQ(during.code(), absl::StatusCode::kUnavailable) << during;
  EXPECT_THAT(during.message(), HasSubstr("database is unavailable"));
  EXPECT_GT(unavailable_during, 0);
  EXPECT_THAT(unavailable_message, HasSubstr("database is unavailable"));
  EXPECT_EQ(other_failures.load(), 0);
  ASSERT_TRUE(server.process->Running());

  // The same process serves again: every acknowledged write once, no other.
  VisitClient visits = Client(server.endpoint);
  std::map<std::string, int> stored;
  for (auto& visit : visits.ListVisits("visitor.name = \"Outage Writer*\"")) {
    ASSERT_TRUE(visit.ok()) << visit.status();
    ++stored[visit->visitor().name()];
  }
  int lost = 0, duplicated = 0;
  for (const auto& [visitor, name] : acknowledged) {
    if (stored[visitor] == 0) ++lost;
    if (stored[visitor] > 1) ++duplicated;
    EXPECT_TRUE(visits.GetVisit(name).ok()) << name;
  }
  EXPECT_EQ(lost, 0);
  EXPECT_EQ(duplicated, 0);
  EXPECT_EQ(stored.size(), acknowledged.size()) << "a write nobody saw acknowledged is stored";
  EXPECT_TRUE(visits.CreateVisit(NewVisit("Outage Writer after")).ok());
  EXPECT_EQ(Stop(server), 0);
  std::cout << "postgres stopped 10 s: acknowledged " << acknowledged.size()
            << ", failed with UNAVAILABLE " << unavailable.load() << " (retried with the same "
            << "request_id), other failures " << other_failures.load() << ", lost " << lost
            << ", stored twice " << duplicated << "\n";
}

// ---------------------------------------------------------------------------
// The samples of a Prometheus text page: "name{labels}" -> value.
std::map<std::string, double> Metrics(int port) {
  std::map<std::string, double> samples;
  httplib::Client http("127.0.0.1", port);
  auto page = http.Get("/metrics");
  if (!page) return samples;
  for (absl::string_view line : absl::StrSplit(page->body, '\n')) {
    if (line.empty() || line[0] == '#') continue;
    auto space = line.rfind(' ');
    double value = 0;
    if (space != absl::string_view::npos && absl::SimpleAtod(line.substr(space + 1), &value)) {
      samples[std::string(line.substr(0, space))] = value;
    }
  }
  return samples;
}

// Once the lock is free: no write whose call stopped (visitors named
// "Cancelled Writer ...") is stored, and a new write succeeds.
void ExpectNoStoppedWriteStoredAndWritesWork(const std::string& endpoint) {
  VisitClient visits = Client(endpoint);
  int stored = 0;
  for (auto& visit : visits.ListVisits("visitor.name = \"Cancelled Writer*\"")) {
    ASSERT_TRUE(visit.ok()) << visit.status();
    ++stored;
  }
  EXPECT_EQ(stored, 0) << "a write stopped by its client was stored";
  EXPECT_TRUE(visits.CreateVisit(NewVisit("Cancelled Writer after")).ok());
}

// Writes that wait for the database's write lock (which the test holds)
// stop waiting when their client's deadline passes or their client cancels:
// the server's metrics count them as DEADLINE_EXCEEDED and CANCELLED and
// show nothing in flight while the lock is still held; nothing of them is
// stored, and the next write succeeds once the lock is free.
TEST(FaultsTest, DeadlinesAndCancelledCallsStopServerWorkAndShowInMetrics) {
  test::TempDir dir;
  const std::string database = dir.File("store.db");
  ServerProcess server =
      Serve(dir, database, "cancel", {"--log_level=info", "--metrics_listen=127.0.0.1:0"});
  ASSERT_FALSE(server.endpoint.empty()) << server.process->Errors();
  // The metrics port, from the "serving metrics" log line.
  int metrics_port = 0;
  for (absl::string_view line : absl::StrSplit(server.process->Errors(), '\n')) {
    if (!absl::StrContains(line, "\"serving metrics\"")) continue;
    absl::string_view port = line.substr(line.find("\"port\":") + 7);
    (void)absl::SimpleAtoi(port.substr(0, port.find_first_not_of("0123456789")), &metrics_port);
  }
  ASSERT_GT(metrics_port, 0) << server.process->Errors();

  sqlite3* lock_holder = nullptr;
  ASSERT_EQ(sqlite3_open(database.c_str(), &lock_holder), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(lock_holder, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  auto stub = v1::VisitService::NewStub(
      grpc::CreateChannel(server.endpoint, grpc::InsecureChannelCredentials()));
  const std::string create = "method=\"bilateral.v1.VisitService/CreateVisit\"";
  auto counted = [&](const std::string& code) {
    return Metrics(
        metrics_port)[absl::StrCat("bilateral_calls_total{", create, ",code=\"", code, "\"}")];
  };
  auto wait_for = [&](const std::function<bool()>& done) {
    for (const absl::Time give_up = absl::Now() + absl::Seconds(30); absl::Now() < give_up;) {
      if (done()) return true;
      absl::SleepFor(absl::Milliseconds(20));
    }
    return false;
  };

  constexpr int kRounds = 5;
  for (int round = 0; round < kRounds; ++round) {
    // A deadline of 300 ms on a write that cannot get the lock.
    grpc::ClientContext expiring;
    expiring.set_deadline(absl::ToChronoTime(absl::Now() + absl::Milliseconds(300)));
    v1::CreateVisitRequest request;
    *request.mutable_visit() = NewVisit(absl::StrCat("Cancelled Writer deadline ", round));
    v1::Visit response;
    grpc::Status status = stub->CreateVisit(&expiring, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
    // gRPC cancels a call at its deadline, so the server may see either.
    ASSERT_TRUE(wait_for([&] {
      return counted("DEADLINE_EXCEEDED") + counted("CANCELLED") == 2 * round + 1;
    })) << "the server never finished the expired call: "
        << absl::StrJoin(Metrics(metrics_port), "\n", absl::PairFormatter(" "));
    EXPECT_EQ(Metrics(metrics_port)["bilateral_calls_in_flight"], 0);

    // A write its client cancels once the server works on it.
    grpc::ClientContext cancelled;
    *request.mutable_visit() = NewVisit(absl::StrCat("Cancelled Writer cancel ", round));
    std::promise<grpc::Status> done;
    stub->async()->CreateVisit(&cancelled, &request, &response,
                               [&](grpc::Status s) { done.set_value(s); });
    ASSERT_TRUE(wait_for([&] { return Metrics(metrics_port)["bilateral_calls_in_flight"] == 1; }));
    cancelled.TryCancel();
    EXPECT_EQ(done.get_future().get().error_code(), grpc::StatusCode::CANCELLED);
    ASSERT_TRUE(wait_for([&] {
      return counted("DEADLINE_EXCEEDED") + counted("CANCELLED") == 2 * round + 2;
    })) << "the server never finished the cancelled call";
    // The lock is still held: the server stopped waiting rather than got it.
    EXPECT_EQ(Metrics(metrics_port)["bilateral_calls_in_flight"], 0);
  }
  auto samples = Metrics(metrics_port);
  EXPECT_GE(counted("CANCELLED"), kRounds);
  EXPECT_EQ(counted("UNAVAILABLE"), 0) << "a stopped call was reported as a busy store";
  EXPECT_EQ(counted("OK"), 0);
  ASSERT_EQ(sqlite3_exec(lock_holder, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(lock_holder);

  ExpectNoStoppedWriteStoredAndWritesWork(server.endpoint);
  EXPECT_EQ(counted("OK"), 1);
  EXPECT_EQ(Stop(server), 0);
  std::cout << "lock held: " << kRounds << " writes past their deadline and " << kRounds
            << " cancelled writes stopped while the lock was held (metrics: DEADLINE_EXCEEDED "
            << samples["bilateral_calls_total{" + create + ",code=\"DEADLINE_EXCEEDED\"}"]
            << ", CANCELLED " << samples["bilateral_calls_total{" + create + ",code=\"CANCELLED\"}"]
            << "), stored 0\n";
}

// PostgreSQL: a call's statements stop in the database when the call stops.
// A transaction of the test holds an exclusive lock on the visits table, so
// the server's statements wait for it: a read past its 300 ms deadline and a
// write its client cancels both end, no backend is left waiting for the
// lock, and nothing of the write is stored. (Writes also carry their
// deadline as a statement timeout; reads and cancellations rely on the
// server cancelling the statement.)
TEST(FaultsTest, PostgresStatementsStopWhenTheirCallStops) {
  BILATERAL_REQUIRE_POSTGRES_SERVER();
  auto url = test::FreshPostgresSchema();
  ASSERT_TRUE(url.ok()) << url.status();
  test::TempDir dir;
  ServerProcess server = Serve(dir, *url, "pg-cancel", {"--log_level=warning"});
  ASSERT_FALSE(server.endpoint.empty()) << server.process->Errors();

  std::unique_ptr<PGconn, decltype(&PQfinish)> holder(PQconnectdb(url->c_str()), &PQfinish);
  ASSERT_EQ(PQstatus(holder.get()), CONNECTION_OK) << PQerrorMessage(holder.get());
  auto sql = [](PGconn* conn, const std::string& statement) {
    std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(conn, statement.c_str()), &PQclear);
    const auto state = PQresultStatus(result.get());
    EXPECT_TRUE(state == PGRES_COMMAND_OK || state == PGRES_TUPLES_OK)
        << statement << ": " << PQerrorMessage(conn);
    return state == PGRES_TUPLES_OK && PQntuples(result.get()) > 0
               ? std::string(PQgetvalue(result.get(), 0, 0))
               : std::string();
  };
  std::unique_ptr<PGconn, decltype(&PQfinish)> observer(PQconnectdb(url->c_str()), &PQfinish);
  auto waiting_for_lock = [&] {
    return sql(observer.get(),
               "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
               "AND datname = current_database()");
  };
  auto wait_until = [](const std::function<bool()>& done) {
    for (const absl::Time give_up = absl::Now() + absl::Seconds(10); absl::Now() < give_up;) {
      if (done()) return true;
      absl::SleepFor(absl::Milliseconds(20));
    }
    return false;
  };
  sql(holder.get(), "BEGIN");
  sql(holder.get(), "LOCK TABLE visits IN ACCESS EXCLUSIVE MODE");

  auto stub = v1::VisitService::NewStub(
      grpc::CreateChannel(server.endpoint, grpc::InsecureChannelCredentials()));
  // A read with a 300 ms deadline.
  grpc::ClientContext expiring;
  expiring.set_deadline(absl::ToChronoTime(absl::Now() + absl::Milliseconds(300)));
  v1::ListVisitsRequest list;
  v1::ListVisitsResponse page;
  EXPECT_EQ(stub->ListVisits(&expiring, list, &page).error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_TRUE(wait_until([&] { return waiting_for_lock() == "0"; }))
      << "the read's statement still waits in the database after its deadline: "
      << sql(observer.get(),
             "SELECT string_agg(query || ' [' || state || ']', '; ') FROM pg_stat_activity "
             "WHERE wait_event_type = 'Lock' AND datname = current_database()")
      << "\nserver log:\n"
      << server.process->Errors();

  // A write its client cancels once it waits for the lock.
  grpc::ClientContext cancelled;
  v1::CreateVisitRequest create;
  *create.mutable_visit() = NewVisit("Cancelled Writer postgres");
  v1::Visit created;
  std::promise<grpc::Status> done;
  stub->async()->CreateVisit(&cancelled, &create, &created,
                             [&](grpc::Status status) { done.set_value(status); });
  ASSERT_TRUE(wait_until([&] { return waiting_for_lock() == "1"; }));
  cancelled.TryCancel();
  EXPECT_EQ(done.get_future().get().error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_TRUE(wait_until([&] { return waiting_for_lock() == "0"; }))
      << "the cancelled write's statement still waits in the database";

  sql(holder.get(), "COMMIT");
  ExpectNoStoppedWriteStoredAndWritesWork(server.endpoint);
  EXPECT_EQ(Stop(server), 0);
}

}  // namespace
}  // namespace bilateral
