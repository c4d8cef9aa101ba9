// End-to-end: what operators rely on: /metrics and /healthz, the in-flight
// bound under real concurrency, and deadlines that stop storage work.
#include <grpcpp/grpcpp.h>
#include <httplib.h>
#include <sqlite3.h>

#include <future>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "bilateral/v1/country.pb.h"
#include "bilateral/v1/visit.grpc.pb.h"
#include "common/call_context.h"
#include "domain/resources.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "test_server.h"

namespace bilateral {
namespace {

using ::testing::HasSubstr;

// The samples of a Prometheus text page: "name{labels}" -> value.
std::map<std::string, double> ParseMetrics(const std::string& text) {
  std::map<std::string, double> samples;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (line.empty() || line[0] == '#') continue;
    auto space = line.rfind(' ');
    double value = 0;
    if (space == absl::string_view::npos || !absl::SimpleAtod(line.substr(space + 1), &value)) {
      ADD_FAILURE() << "not a sample line: " << line;
      continue;
    }
    samples[std::string(line.substr(0, space))] = value;
  }
  return samples;
}

grpc::Status GetVisit(v1::VisitService::Stub& stub, const std::string& name) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  v1::GetVisitRequest request;
  request.set_name(name);
  v1::Visit response;
  return stub.GetVisit(&context, request, &response);
}

std::unique_ptr<v1::VisitService::Stub> VisitStub(const test::TestServer& server) {
  return v1::VisitService::NewStub(
      grpc::CreateChannel(server.endpoint(), grpc::InsecureChannelCredentials()));
}

TEST(MetricsEndpointTest, MetricsCountTheCallsJustMadeAndHealthzFollowsServing) {
  server::ServerOptions options;
  options.metrics_listen = "127.0.0.1:0";
  test::TestServer server(true, options);
  ASSERT_TRUE(server.status().ok()) << server.status();
  ASSERT_GT(server.server().metrics_port(), 0);
  auto stub = VisitStub(server);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(GetVisit(*stub, "visits/xi-jinping-kz-2013").ok());
  }
  EXPECT_EQ(GetVisit(*stub, "visits/no-such-visit").error_code(), grpc::StatusCode::NOT_FOUND);

  httplib::Client http("127.0.0.1", server.server().metrics_port());
  auto metrics = http.Get("/metrics");
  ASSERT_TRUE(metrics) << "no answer from /metrics";
  EXPECT_EQ(metrics->status, 200);
  EXPECT_THAT(metrics->get_header_value("Content-Type"), HasSubstr("text/plain"));
  auto samples = ParseMetrics(metrics->body);
  const std::string get = "method=\"bilateral.v1.VisitService/GetVisit\"";
  EXPECT_EQ(samples["bilateral_calls_total{" + get + ",code=\"OK\"}"], 3);
  EXPECT_EQ(samples["bilateral_calls_total{" + get + ",code=\"NOT_FOUND\"}"], 1);
  EXPECT_EQ(samples["bilateral_call_duration_seconds_count{" + get + "}"], 4);
  EXPECT_EQ(samples["bilateral_call_duration_seconds_bucket{" + get + ",le=\"+Inf\"}"], 4);
  EXPECT_EQ(samples.count("bilateral_calls_in_flight"), 1u);
  EXPECT_EQ(samples["bilateral_serving"], 1);
  EXPECT_GT(samples["bilateral_store_bytes"], 0);

  auto healthz = http.Get("/healthz");
  ASSERT_TRUE(healthz);
  EXPECT_EQ(healthz->status, 200);
  server.server().Shutdown(absl::ZeroDuration());
  healthz = http.Get("/healthz");
  ASSERT_TRUE(healthz);
  EXPECT_EQ(healthz->status, 503);
  EXPECT_EQ(ParseMetrics(http.Get("/metrics")->body)["bilateral_serving"], 0);
}

// A response larger than the server may send is refused by the server
// itself, and the metrics count what the client received, not an OK that
// gRPC then failed to send.
TEST(MetricsEndpointTest, AResponseTooLargeToSendIsCountedAsTheClientSeesIt) {
  server::ServerOptions options;
  options.metrics_listen = "127.0.0.1:0";
  options.max_send_message_bytes = 256;  // less than a seed visit with its citations
  test::TestServer server(true, options);
  ASSERT_TRUE(server.status().ok()) << server.status();
  auto stub = VisitStub(server);
  const grpc::Status status = GetVisit(*stub, "visits/xi-jinping-kz-2013");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(status.error_message(), HasSubstr("max_send_message_bytes"));

  httplib::Client http("127.0.0.1", server.server().metrics_port());
  auto metrics = http.Get("/metrics");
  ASSERT_TRUE(metrics) << "no answer from /metrics";
  auto samples = ParseMetrics(metrics->body);
  const std::string get = "method=\"bilateral.v1.VisitService/GetVisit\"";
  EXPECT_EQ(samples["bilateral_calls_total{" + get + ",code=\"RESOURCE_EXHAUSTED\"}"], 1);
  EXPECT_EQ(samples.count("bilateral_calls_total{" + get + ",code=\"OK\"}"), 0u);
}

// A call holds the only in-flight slot while it waits for the database's
// write lock, which the test holds; the next call is refused at once.
TEST(InFlightLimitTest, ACallPastTheLimitIsRefusedWhileAnotherRuns) {
  server::ServerOptions options;
  options.max_in_flight = 1;
  test::TestServer server(true, options);
  ASSERT_TRUE(server.status().ok()) << server.status();

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(server.database_path().c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);

  auto stub = VisitStub(server);
  auto blocked = std::async(std::launch::async, [&] {
    grpc::ClientContext context;
    v1::DeleteVisitRequest request;
    request.set_name("visits/xi-jinping-kz-2013");
    google::protobuf::Empty response;
    return stub->DeleteVisit(&context, request, &response);
  });
  const absl::Time give_up = absl::Now() + absl::Seconds(30);
  while (server.server().in_flight() == 0 && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(1));
  }
  ASSERT_EQ(server.server().in_flight(), 1);
  grpc::Status refused = GetVisit(*stub, "visits/xi-jinping-kz-2024");
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);

  ASSERT_EQ(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  grpc::Status finished = blocked.get();
  EXPECT_TRUE(finished.ok()) << finished.error_message();
  EXPECT_TRUE(GetVisit(*stub, "visits/xi-jinping-kz-2024").ok());
}

// Storage interrupts the statements of a call whose deadline has passed,
// whose stop flag is raised or whose client has cancelled, and the
// connection serves the next call as usual.
TEST(CallContextTest, StorageStopsWorkForACallThatEnded) {
  test::TestServer server(false);
  ASSERT_TRUE(server.status().ok()) << server.status();
  const auto& countries = domain::Resource<v1::Country>::Collection();
  ASSERT_GT(*server.store().Count(CallContext(), countries), 100);  // enough rows to be interrupted
  store::ListQuery query;
  query.page_size = 1000;
  const CallContext expired(absl::Now() - absl::Seconds(1), nullptr);
  EXPECT_EQ(server.store().List(expired, countries, query).status().code(),
            absl::StatusCode::kDeadlineExceeded);
  std::atomic<bool> stop{true};
  const CallContext stopped(absl::InfiniteFuture(), &stop);
  EXPECT_EQ(server.store().List(stopped, countries, query).status().code(),
            absl::StatusCode::kDeadlineExceeded);
  const CallContext cancelled(absl::InfiniteFuture(), nullptr, [] { return true; });
  EXPECT_EQ(server.store().List(cancelled, countries, query).status().code(),
            absl::StatusCode::kDeadlineExceeded);
  auto page = server.store().List(CallContext(), countries, query);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_GT(page->rows.size(), 100u);
  // A write for a call that has ended is not made.
  const store::Row& country = page->rows.front();
  EXPECT_EQ(server.store().Update(expired, countries, country, country.etag).status().code(),
            absl::StatusCode::kDeadlineExceeded);
  auto unchanged = server.store().Get(CallContext(), countries, country.id);
  ASSERT_TRUE(unchanged.ok()) << unchanged.status();
  EXPECT_EQ(unchanged->etag, country.etag);
}

}  // namespace
}  // namespace bilateral
