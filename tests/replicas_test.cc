// Scale-out: three bilateral-server processes on one PostgreSQL database,
// eight writers updating the same records with etags through all of them.
// No update is lost: every acknowledged write is visible, every rejected one
// got ABORTED, and every replica serves the same data.
#include <atomic>
#include <cstdlib>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "bilateral/source_client.h"
#include "bilateral/v1/change.grpc.pb.h"
#include "bilateral/visit_client.h"
#include "child_process.h"
#include "cluster_guard.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "server/seed.h"
#include "server/server.h"
#include "temp_dir.h"
#include "test_store.h"

namespace bilateral {
namespace {

constexpr int kReplicas = 3;
constexpr int kWriters = 8;
constexpr int kWritesEach = 12;
constexpr int kRecords = 2;

class Replica {
 public:
  Replica(const test::TempDir& dir, int index, const std::string& database)
      : port_file_(dir.File(absl::StrCat("port", index))),
        process_(BILATERAL_SERVER_PATH,
                 {"--listen=127.0.0.1:0", "--database=" + database, "--seed=false",
                  "--port_file=" + port_file_},
                 dir.File(absl::StrCat("out", index)), dir.File(absl::StrCat("err", index))) {}

  // The replica's endpoint once it serves; empty if it did not start.
  std::string WaitServing() {
    for (int i = 0; i < 300 && process_.Running(); ++i) {
      std::string port = test::ReadWholeFile(port_file_);
      if (!port.empty() && port.back() == '\n')
        return "127.0.0.1:" + port.substr(0, port.size() - 1);
      absl::SleepFor(absl::Milliseconds(50));
    }
    return "";
  }

 private:
  std::string port_file_;
  test::ChildProcess process_;
};

TEST(ReplicasTest, ConcurrentEtagWritersThroughThreeReplicasLoseNothing) {
  BILATERAL_REQUIRE_POSTGRES_SERVER();
  test::TempDir dir;
  auto database = test::FreshPostgresSchema();
  ASSERT_TRUE(database.ok()) << database.status();
  std::vector<std::unique_ptr<Replica>> replicas;
  std::vector<std::string> endpoints;
  for (int i = 0; i < kReplicas; ++i) {
    replicas.push_back(std::make_unique<Replica>(dir, i, *database));
  }
  for (auto& replica : replicas) {
    endpoints.push_back(replica->WaitServing());
    ASSERT_FALSE(endpoints.back().empty()) << "a replica did not start";
  }
  auto client_for = [&](int i) {
    ClientOptions options;
    options.endpoint = endpoints[i % kReplicas];
    return VisitClient(MakeVisitConnection(options));
  };

  ClientOptions first;
  first.endpoint = endpoints[0];
  v1::Source source;
  source.set_title("Replica test source");
  ASSERT_TRUE(SourceClient(MakeSourceConnection(first)).CreateSource(source, "replicas").ok());
  for (int r = 0; r < kRecords; ++r) {
    v1::Visit visit;
    visit.mutable_visitor()->set_name("Writer");
    visit.mutable_visitor()->set_country("FR");
    visit.set_host_country("DE");
    visit.mutable_start_date()->set_year(2020);
    auto* citation = visit.add_citations();
    citation->set_source("sources/replicas");
    citation->set_quote("q");
    ASSERT_TRUE(client_for(r).CreateVisit(visit, absl::StrCat("shared-", r)).ok());
  }

  // A change stream on the third replica follows the writes through all of
  // them: one update event per acknowledged write, in commit order.
  std::vector<v1::ChangeEvent> events;
  grpc::ClientContext watch_context;
  watch_context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
  auto feed = v1::ChangeService::NewStub(
      grpc::CreateChannel(endpoints[2], grpc::InsecureChannelCredentials()));
  v1::WatchChangesRequest watch_request;
  watch_request.set_start(v1::WATCH_START_OLDEST);
  watch_request.add_collections("visits");
  auto stream = feed->WatchChanges(&watch_context, watch_request);
  std::thread watcher([&] {
    const size_t wanted = kRecords + kWriters * kWritesEach;  // creates, then updates
    v1::WatchChangesResponse response;
    while (events.size() < wanted && stream->Read(&response)) {
      for (const auto& event : response.events()) events.push_back(event);
    }
  });

  std::atomic<int> acknowledged{0}, aborted{0}, other_errors{0};
  std::vector<std::set<std::string>> written(kRecords);
  std::mutex written_mu;
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      VisitClient client = client_for(w);
      for (int j = 0; j < kWritesEach; ++j) {
        int record = (w + j) % kRecords;
        std::string name = absl::StrCat("visits/shared-", record);
        std::string token = absl::StrCat("w", w, "-", j);
        for (int attempt = 0; attempt < 200; ++attempt) {
          auto current = client.GetVisit(name);
          if (!current.ok()) {
            ++other_errors;
            break;
          }
          v1::UpdateVisitRequest update;
          *update.mutable_visit() = *current;  // carries the etag just read
          update.mutable_visit()->add_outcomes(token);
          update.mutable_update_mask()->add_paths("outcomes");
          auto result = client.UpdateVisit(update);
          if (result.ok()) {
            ++acknowledged;
            std::lock_guard<std::mutex> lock(written_mu);
            written[record].insert(token);
            break;
          }
          if (!absl::IsAborted(result.status())) {
            ++other_errors;
            break;
          }
          ++aborted;
        }
      }
    });
  }
  for (auto& writer : writers) writer.join();
  std::cout << "acknowledged " << acknowledged << ", aborted and retried " << aborted
            << ", other errors " << other_errors << "\n";
  EXPECT_EQ(acknowledged, kWriters * kWritesEach);
  EXPECT_EQ(other_errors, 0);

  watcher.join();
  watch_context.TryCancel();
  ASSERT_EQ(events.size(), static_cast<size_t>(kRecords + kWriters * kWritesEach));
  std::vector<int> outcomes_seen(kRecords, 0);
  std::set<std::string> cursors;
  for (const auto& event : events) {
    cursors.insert(event.cursor());
    v1::Visit visit;
    ASSERT_TRUE(event.record().UnpackTo(&visit));
    const int r = visit.name().back() - '0';
    // Each event holds one more outcome than the one before: commit order.
    EXPECT_EQ(visit.outcomes_size(), outcomes_seen[r]) << event.name();
    outcomes_seen[r] = visit.outcomes_size() + 1;
  }
  EXPECT_EQ(cursors.size(), events.size());

  for (int r = 0; r < kRecords; ++r) {
    std::string etag;
    for (int i = 0; i < kReplicas; ++i) {
      auto visit = client_for(i).GetVisit(absl::StrCat("visits/shared-", r));
      ASSERT_TRUE(visit.ok()) << visit.status();
      std::set<std::string> outcomes(visit->outcomes().begin(), visit->outcomes().end());
      EXPECT_EQ(outcomes, written[r]) << "replica " << i << " record " << r;
      EXPECT_EQ(static_cast<size_t>(visit->outcomes_size()), written[r].size())
          << "a write was applied twice";
      if (i == 0) etag = visit->etag();
      EXPECT_EQ(visit->etag(), etag) << "replicas disagree";
    }
  }
}

// Polls the health service until it reports `want`, for up to ten seconds.
bool HealthBecomes(grpc::health::v1::Health::Stub& stub,
                   grpc::health::v1::HealthCheckResponse::ServingStatus want,
                   const std::string& service = "") {
  for (int i = 0; i < 200; ++i) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    grpc::health::v1::HealthCheckResponse response;
    if (stub.Check(&context, request, &response).ok() && response.status() == want) return true;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return false;
}

// A replica whose database goes away leaves the load balancer's rotation
// (health NOT_SERVING) and comes back by itself once the database returns.
TEST(ReplicasTest, HealthIsNotServingWhileTheDatabaseIsDownAndRecoversByItself) {
  BILATERAL_REQUIRE_POSTGRES_SERVER();
  test::TempDir dir;
  const std::string& cluster = dir.path();  // the script makes it the server's own
  const std::string url = test::PostgresCluster("start", cluster);
  test::PostgresClusterGuard guard{cluster};
  ASSERT_THAT(url, ::testing::StartsWith("postgresql://"));
  {
    auto store = store::OpenStore(url, store::StoreOptions{});
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE(server::PrepareStore(**store).ok());
    server::ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.store_check_interval = absl::Milliseconds(100);
    auto server = server::Server::Start(options, store->get());
    ASSERT_TRUE(server.ok()) << server.status();
    auto stub = grpc::health::v1::Health::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", (*server)->port()), grpc::InsecureChannelCredentials()));
    using Status = grpc::health::v1::HealthCheckResponse;
    EXPECT_TRUE(HealthBecomes(*stub, Status::SERVING));

    test::PostgresCluster("stop", cluster);
    EXPECT_TRUE(HealthBecomes(*stub, Status::NOT_SERVING));
    // Each API service by name as well (ServerHealthTest: every one has a status).
    for (const char* service : {"bilateral.v1.VisitService", "bilateral.v1.ChangeService"}) {
      EXPECT_TRUE(HealthBecomes(*stub, Status::NOT_SERVING, service)) << service;
    }
    EXPECT_FALSE((*server)->store_reachable());
    EXPECT_THAT((*server)->RenderMetrics(), ::testing::HasSubstr("bilateral_store_reachable 0"));

    ASSERT_EQ(test::PostgresCluster("start", cluster), url);
    EXPECT_TRUE(HealthBecomes(*stub, Status::SERVING));
    EXPECT_TRUE(HealthBecomes(*stub, Status::SERVING, "bilateral.v1.VisitService"));
    EXPECT_TRUE((*server)->store_reachable());
  }
  test::PostgresCluster("stop", cluster);
}

}  // namespace
}  // namespace bilateral
