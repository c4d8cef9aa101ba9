// A PostgreSQL outage under load: the database is stopped for ten seconds
// while writers and readers keep calling. During it, calls fail with
// UNAVAILABLE and a message that says the database is unavailable, nothing
// else; after it, the same server serves again without a restart, and every
// write it acknowledged, before or after, is stored.
#include <atomic>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "bilateral/source_client.h"
#include "cluster_guard.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/seed.h"
#include "server/server.h"
#include "store/open_store.h"
#include "temp_dir.h"
#include "test_store.h"

namespace bilateral {
namespace {

using ::testing::HasSubstr;

constexpr int kWriters = 4;
constexpr int kReaders = 2;
constexpr absl::Duration kOutage = absl::Seconds(10);

TEST(OutageTest, PostgresStoppedTenSecondsUnderLoadIsUnavailableThenFullServiceNothingLost) {
  BILATERAL_REQUIRE_POSTGRES_SERVER();
  test::TempDir dir;
  const std::string& cluster = dir.path();
  const std::string url = test::PostgresCluster("start", cluster);
  test::PostgresClusterGuard guard{cluster};
  ASSERT_THAT(url, ::testing::StartsWith("postgresql://"));
  {
    auto store = store::OpenStore(url, store::StoreOptions{});
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE(server::PrepareStore(**store).ok());
    server::ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.store_check_interval = absl::Milliseconds(200);
    auto server = server::Server::Start(options, store->get());
    ASSERT_TRUE(server.ok()) << server.status();

    ClientOptions client_options;
    client_options.endpoint = absl::StrCat("127.0.0.1:", (*server)->port());
    client_options.timeout = absl::Seconds(5);
    // Every failure is seen as it happens: no retries.
    client_options.retry = RetryOptions::None();
    SourceClient setup(MakeSourceConnection(client_options));
    v1::Source read_me;
    read_me.set_title("Read during the outage");
    ASSERT_TRUE(setup.CreateSource(read_me, "outage-read").ok());

    enum Phase { kBefore, kDuring, kAfter };
    std::atomic<int> phase{kBefore};
    std::atomic<bool> stop{false};
    std::mutex mu;
    std::map<std::string, std::string> acknowledged;  // name -> title
    int ok_by_phase[3][2] = {};                       // [phase][write, read]
    std::map<std::string, int> errors;                // "CODE: message" -> count
    auto record = [&](int kind, const absl::Status& status) {
      std::lock_guard<std::mutex> lock(mu);
      if (status.ok()) {
        ++ok_by_phase[phase.load()][kind];
      } else {
        ++errors[absl::StrCat(absl::StatusCodeToString(status.code()), ": ", status.message())];
      }
    };
    std::vector<std::thread> threads;
    for (int w = 0; w < kWriters; ++w) {
      threads.emplace_back([&, w] {
        SourceClient client(MakeSourceConnection(client_options));
        for (int i = 0; !stop.load(); ++i) {
          v1::Source source;
          source.set_title(absl::StrCat("outage w", w, " #", i));
          auto created = client.CreateSource(source);
          record(0, created.status());
          if (created.ok()) {
            std::lock_guard<std::mutex> lock(mu);
            acknowledged[created->name()] = source.title();
          } else {
            absl::SleepFor(absl::Milliseconds(20));
          }
        }
      });
    }
    for (int r = 0; r < kReaders; ++r) {
      threads.emplace_back([&] {
        SourceClient client(MakeSourceConnection(client_options));
        while (!stop.load()) {
          auto source = client.GetSource("sources/outage-read");
          record(1, source.status());
          if (!source.ok()) absl::SleepFor(absl::Milliseconds(20));
        }
      });
    }

    absl::SleepFor(absl::Seconds(1));
    phase = kDuring;
    test::PostgresCluster("stop", cluster);
    absl::SleepFor(kOutage);
    ASSERT_EQ(test::PostgresCluster("start", cluster), url);
    // Calls in flight when it came back may still fail; count from when a
    // write succeeds again.
    for (int i = 0; i < 200; ++i) {
      absl::SleepFor(absl::Milliseconds(50));
      std::lock_guard<std::mutex> lock(mu);
      if (ok_by_phase[kDuring][0] > 0) break;
    }
    {
      std::lock_guard<std::mutex> lock(mu);
      int during = 0;
      for (const auto& [error, count] : errors) {
        during += count;
        EXPECT_THAT(error, ::testing::StartsWith("UNAVAILABLE: ")) << count << " x";
        EXPECT_THAT(error, HasSubstr("database is unavailable")) << count << " x";
      }
      std::cout << "during the outage: " << during << " calls UNAVAILABLE\n";
      EXPECT_GT(during, 0);
      errors.clear();
    }
    phase = kAfter;
    absl::SleepFor(absl::Seconds(2));
    stop = true;
    for (auto& thread : threads) thread.join();

    std::cout << "before the outage: " << ok_by_phase[kBefore][0] << " writes, "
              << ok_by_phase[kBefore][1] << " reads; after it: " << ok_by_phase[kAfter][0]
              << " writes, " << ok_by_phase[kAfter][1] << " reads; acknowledged "
              << acknowledged.size() << "\n";
    EXPECT_GT(ok_by_phase[kBefore][0], 0);
    EXPECT_GT(ok_by_phase[kAfter][0], 0) << "no write succeeded after the outage";
    EXPECT_GT(ok_by_phase[kAfter][1], 0) << "no read succeeded after the outage";
    EXPECT_TRUE(errors.empty()) << "errors after the outage:\n"
                                << absl::StrJoin(errors, "\n", absl::PairFormatter(" x"));

    // Every acknowledged write is there, whole.
    int lost = 0;
    ClientOptions patient = client_options;
    patient.retry = RetryOptions{};
    SourceClient check(MakeSourceConnection(patient));
    for (const auto& [name, title] : acknowledged) {
      auto source = check.GetSource(name);
      if (!source.ok() || source->title() != title) ++lost;
    }
    std::cout << "acknowledged writes lost: " << lost << "\n";
    EXPECT_EQ(lost, 0);
    (*server)->Shutdown(absl::Seconds(1));
  }
  test::PostgresCluster("stop", cluster);
}

// What callers saw while the database was down: only UNAVAILABLE, saying so.
TEST(OutageTest, DuringTheOutageCallsAreUnavailableSayingTheDatabaseIs) {
  BILATERAL_REQUIRE_POSTGRES_SERVER();
  test::TempDir dir;
  const std::string& cluster = dir.path();
  const std::string url = test::PostgresCluster("start", cluster);
  test::PostgresClusterGuard guard{cluster};
  ASSERT_THAT(url, ::testing::StartsWith("postgresql://"));
  {
    auto store = store::OpenStore(url, store::StoreOptions{});
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE(server::PrepareStore(**store).ok());
    server::ServerOptions options;
    options.listen = "127.0.0.1:0";
    auto server = server::Server::Start(options, store->get());
    ASSERT_TRUE(server.ok()) << server.status();
    ClientOptions client_options;
    client_options.endpoint = absl::StrCat("127.0.0.1:", (*server)->port());
    client_options.retry = RetryOptions::None();
    SourceClient client(MakeSourceConnection(client_options));
    v1::Source source;
    source.set_title("before");
    ASSERT_TRUE(client.CreateSource(source, "before").ok());

    test::PostgresCluster("stop", cluster);
    source.set_title("during");
    auto write = client.CreateSource(source);
    auto read = client.GetSource("sources/before");
    auto list = client.ListSources().begin();
    for (const absl::Status& status : {write.status(), read.status(), list->status()}) {
      EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
      EXPECT_THAT(status.message(), HasSubstr("database is unavailable")) << status;
    }
    ASSERT_EQ(test::PostgresCluster("start", cluster), url);
    EXPECT_TRUE(client.GetSource("sources/before").ok());
    (*server)->Shutdown(absl::Seconds(1));
  }
  test::PostgresCluster("stop", cluster);
}

}  // namespace
}  // namespace bilateral
