// Scale-out as deployed: three bilateral-server processes on one PostgreSQL
// database, behind nginx running deploy/nginx/nginx.conf (the Compose stack's
// load balancer). Writers (each create carries a request_id) and readers go
// through the balancer while one replica is killed with SIGKILL and started
// again, then another is drained with SIGTERM and started again. Afterwards
// every acknowledged write is stored exactly once, no read failed once its
// retries were spent, and every replica serves the same data. Readers over
// HTTP/JSON go through bilateral-gateway, spreading calls over the same three
// replicas, at the same time: none of their reads fails either.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <map>
#include <mutex>
#include <regex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "bilateral/source_client.h"
#include "child_process.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "temp_dir.h"
#include "test_store.h"

namespace bilateral {
namespace {

constexpr int kReplicas = 3;
constexpr int kWriters = 4;
constexpr int kReaders = 4;
constexpr int kHttpReaders = 2;

// A loopback port nothing listens on right now.
int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ADD_FAILURE() << "no free loopback port: " << std::strerror(errno);
    address.sin_port = 0;
  }
  close(fd);
  return ntohs(address.sin_port);
}

bool Serving(const std::string& endpoint) {
  auto stub = grpc::health::v1::Health::NewStub(
      grpc::CreateChannel(endpoint, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(1));
  grpc::health::v1::HealthCheckResponse response;
  return stub->Check(&context, {}, &response).ok() &&
         response.status() == grpc::health::v1::HealthCheckResponse::SERVING;
}

bool WaitServing(const std::string& endpoint) {
  for (int i = 0; i < 300; ++i) {
    if (Serving(endpoint)) return true;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return false;
}

// One replica on a fixed port, so that it comes back where the balancer
// expects it.
class Replica {
 public:
  Replica(const test::TempDir& dir, int index, std::string database)
      : dir_(dir), index_(index), port_(FreePort()), database_(std::move(database)) {}

  std::string endpoint() const { return absl::StrCat("127.0.0.1:", port_); }
  int port() const { return port_; }
  test::ChildProcess& process() { return *process_; }

  void Start() {
    ++starts_;
    process_ = std::make_unique<test::ChildProcess>(
        BILATERAL_SERVER_PATH,
        std::vector<std::string>{"--listen=" + endpoint(), "--database=" + database_,
                                 "--seed=false", "--shutdown_grace=5s", "--log_level=warning"},
        dir_.File(absl::StrCat("out", index_, "-", starts_)),
        dir_.File(absl::StrCat("err", index_, "-", starts_)));
  }

 private:
  const test::TempDir& dir_;
  int index_;
  int port_;
  std::string database_;
  int starts_ = 0;
  std::unique_ptr<test::ChildProcess> process_;
};

// deploy/nginx/nginx.conf with the replicas' loopback addresses in its
// upstream block and its listen port replaced; nothing else changed.
std::string BalancerConfig(const std::vector<std::unique_ptr<Replica>>& replicas, int listen_port) {
  std::string config = test::ReadWholeFile(BILATERAL_NGINX_CONF);
  int next = 0;
  std::string result;
  std::regex server_line(R"(server replica-\d+:50051)");
  std::smatch match;
  std::string rest = config;
  while (std::regex_search(rest, match, server_line)) {
    result += match.prefix().str();
    result += "server " + replicas[next++ % replicas.size()]->endpoint();
    rest = match.suffix().str();
  }
  result += rest;
  return std::regex_replace(result, std::regex(R"(listen 50051 http2;)"),
                            absl::StrCat("listen 127.0.0.1:", listen_port, " http2;"));
}

v1::Source SourceTitled(const std::string& title) {
  v1::Source source;
  source.set_title(title);
  source.set_publisher("Scale-out test");
  return source;
}

TEST(ScaleOutTest, WritersAndReadersThroughTheBalancerLoseNothingWhileReplicasDie) {
  BILATERAL_REQUIRE_POSTGRES_SERVER();
  ASSERT_EQ(access(BILATERAL_NGINX_PATH, X_OK), 0)
      << BILATERAL_NGINX_PATH << " is missing: scripts/setup.sh installs nginx-light";
  test::TempDir dir;
  auto database = test::FreshPostgresSchema();
  ASSERT_TRUE(database.ok()) << database.status();

  std::vector<std::unique_ptr<Replica>> replicas;
  for (int i = 0; i < kReplicas; ++i) {
    replicas.push_back(std::make_unique<Replica>(dir, i, *database));
    replicas.back()->Start();
    // One at a time: the first prepares the schema.
    ASSERT_TRUE(WaitServing(replicas.back()->endpoint())) << "replica " << i << " did not start:\n"
                                                          << replicas.back()->process().Errors();
  }

  const int balancer_port = FreePort();
  const std::string config_path = dir.File("nginx.conf");
  {
    std::ofstream config(config_path);
    config << BalancerConfig(replicas, balancer_port);
  }
  test::ChildProcess nginx(BILATERAL_NGINX_PATH,
                           {"-p", dir.path(), "-c", config_path, "-e", dir.File("nginx.err"), "-g",
                            absl::StrCat("daemon off; pid ", dir.File("nginx.pid"), ";")},
                           dir.File("nginx.out"), dir.File("nginx.err"));
  const std::string balancer = absl::StrCat("127.0.0.1:", balancer_port);
  ASSERT_TRUE(WaitServing(balancer)) << "nginx:\n" << nginx.Errors();

  // The gateway, with every replica as a backend (gateway/build.sh builds it).
  ASSERT_EQ(access(BILATERAL_GATEWAY_PATH, X_OK), 0)
      << BILATERAL_GATEWAY_PATH << " is missing: gateway/build.sh builds it";
  const int gateway_port = FreePort();
  std::vector<std::string> backends;
  for (const auto& replica : replicas) backends.push_back(replica->endpoint());
  test::ChildProcess gateway(BILATERAL_GATEWAY_PATH,
                             {absl::StrCat("--listen=127.0.0.1:", gateway_port),
                              absl::StrCat("--backends=", absl::StrJoin(backends, ","))},
                             dir.File("gateway.out"), dir.File("gateway.err"));
  auto http_client = [&] {
    auto client = std::make_unique<httplib::Client>("127.0.0.1", gateway_port);
    client->set_connection_timeout(5);
    client->set_read_timeout(15);
    return client;
  };
  {
    auto client = http_client();
    bool healthy = false;
    for (int i = 0; i < 200 && !healthy; ++i) {
      auto response = client->Get("/healthz");
      healthy = response && response->status == 200;
      if (!healthy) absl::SleepFor(absl::Milliseconds(50));
    }
    ASSERT_TRUE(healthy) << "the gateway did not become healthy:\n" << gateway.Errors();
  }

  ClientOptions options;
  options.endpoint = balancer;
  options.timeout = absl::Seconds(10);
  // nginx does not health-check its upstreams: while a replica drains it
  // keeps receiving a third of the calls and answers them UNAVAILABLE until
  // it stops. Each retry goes to the next replica in turn; with ten attempts
  // a call that meets the draining replica every time is vanishingly rare.
  options.retry.max_attempts = 10;
  SourceClient setup(MakeSourceConnection(options));
  ASSERT_TRUE(setup.CreateSource(SourceTitled("Read by the readers"), "scale-out-read").ok());

  std::atomic<bool> stop{false};
  std::atomic<int> acknowledged{0}, write_failures{0}, reads{0}, read_failures{0};
  std::atomic<int> http_reads{0}, http_read_failures{0};
  std::mutex mu;
  std::map<std::string, std::string> acked_titles;  // title -> name
  std::vector<std::string> failures;
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      SourceClient client(MakeSourceConnection(options));
      for (int i = 0; !stop.load(); ++i) {
        const std::string title = absl::StrCat("scale-out w", w, " #", i);
        // The SDK gives each create a request_id and keeps it across retries.
        auto created = client.CreateSource(SourceTitled(title));
        std::lock_guard<std::mutex> lock(mu);
        if (created.ok()) {
          ++acknowledged;
          acked_titles[title] = created->name();
        } else {
          ++write_failures;
          failures.push_back(absl::StrCat(title, ": ", created.status().ToString()));
        }
      }
    });
  }
  for (int r = 0; r < kReaders; ++r) {
    threads.emplace_back([&] {
      SourceClient client(MakeSourceConnection(options));
      while (!stop.load()) {
        auto source = client.GetSource("sources/scale-out-read");
        ++reads;
        if (!source.ok()) {
          ++read_failures;
          std::lock_guard<std::mutex> lock(mu);
          failures.push_back(absl::StrCat("read: ", source.status().ToString()));
        }
      }
    });
  }
  // HTTP/JSON readers: no retries of their own; the gateway retries a read a
  // draining or dead replica refuses on another one.
  for (int r = 0; r < kHttpReaders; ++r) {
    threads.emplace_back([&] {
      auto client = http_client();
      while (!stop.load()) {
        auto response = client->Get("/v1/sources/scale-out-read");
        ++http_reads;
        if (!response || response->status != 200 ||
            response->body.find("\"name\":\"sources/scale-out-read\"") == std::string::npos) {
          ++http_read_failures;
          std::lock_guard<std::mutex> lock(mu);
          failures.push_back(absl::StrCat(
              "HTTP read: ", response ? absl::StrCat(response->status, " ", response->body)
                                      : httplib::to_string(response.error())));
        }
      }
    });
  }
  auto let_traffic_run = [&] {
    const int before = acknowledged.load();
    for (int i = 0; i < 100 && acknowledged.load() < before + 20; ++i) {
      absl::SleepFor(absl::Milliseconds(50));
    }
  };

  let_traffic_run();
  // A crash: the second replica is killed, then started again.
  replicas[1]->process().Signal(SIGKILL);
  EXPECT_EQ(replicas[1]->process().WaitExit(absl::Seconds(10)), 128 + SIGKILL);
  let_traffic_run();
  replicas[1]->Start();
  EXPECT_TRUE(WaitServing(replicas[1]->endpoint())) << replicas[1]->process().Errors();
  let_traffic_run();
  // A rolling update: the third replica drains and exits cleanly.
  replicas[2]->process().Signal(SIGTERM);
  EXPECT_EQ(replicas[2]->process().WaitExit(absl::Seconds(20)), 0)
      << replicas[2]->process().Errors();
  let_traffic_run();
  replicas[2]->Start();
  EXPECT_TRUE(WaitServing(replicas[2]->endpoint())) << replicas[2]->process().Errors();
  let_traffic_run();
  stop = true;
  for (auto& thread : threads) thread.join();
  // A replica that died on its own (a crash, a sanitizer report) says why.
  for (int i = 0; i < kReplicas; ++i) {
    EXPECT_TRUE(replicas[i]->process().Running()) << "replica " << i << " exited:\n"
                                                  << replicas[i]->process().Errors();
  }

  std::cout << "writes acknowledged " << acknowledged << ", failed after retries " << write_failures
            << "; reads " << reads << ", failed after retries " << read_failures
            << "; HTTP reads through the gateway " << http_reads << ", failed "
            << http_read_failures << "\n";
  EXPECT_EQ(write_failures, 0) << absl::StrJoin(failures, "\n");
  EXPECT_EQ(read_failures, 0) << absl::StrJoin(failures, "\n");
  EXPECT_EQ(http_read_failures, 0) << absl::StrJoin(failures, "\n");
  EXPECT_GT(http_reads, 0);
  gateway.Signal(SIGTERM);
  EXPECT_EQ(gateway.WaitExit(absl::Seconds(15)), 0) << gateway.Errors();
  EXPECT_GT(acknowledged, 100);

  // Every replica, asked directly, holds every acknowledged write exactly
  // once, and the same records with the same etags as the others.
  std::map<std::string, std::string> first_replica;  // name -> etag
  int lost = 0, duplicated = 0;
  for (int i = 0; i < kReplicas; ++i) {
    ClientOptions direct;
    direct.endpoint = replicas[i]->endpoint();
    std::map<std::string, std::string> etags;
    std::map<std::string, int> title_count;
    for (auto& source : SourceClient(MakeSourceConnection(direct)).ListSources()) {
      ASSERT_TRUE(source.ok()) << source.status();
      etags[source->name()] = source->etag();
      ++title_count[source->title()];
    }
    for (const auto& [title, name] : acked_titles) {
      if (etags.count(name) == 0) ++lost;
      if (title_count[title] > 1) ++duplicated;
    }
    if (i == 0) {
      first_replica = etags;
    } else {
      EXPECT_EQ(etags, first_replica) << "replica " << i << " serves other data";
    }
  }
  std::cout << "lost " << lost << ", stored twice " << duplicated << "\n";
  EXPECT_EQ(lost, 0);
  EXPECT_EQ(duplicated, 0);

  nginx.Signal(SIGQUIT);
  EXPECT_EQ(nginx.WaitExit(absl::Seconds(10)), 0) << nginx.Errors();
  // What the balancer saw of the replicas going away: each of these calls
  // failed over to another replica or was retried by the client.
  const std::string log = nginx.Errors();
  size_t upstream_errors = 0;
  for (size_t at = log.find("[error]"); at != std::string::npos; at = log.find("[error]", at + 1)) {
    ++upstream_errors;
  }
  std::cout << "balancer: upstream errors " << upstream_errors << "\n";
}

}  // namespace
}  // namespace bilateral
