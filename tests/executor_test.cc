// End-to-end: call bodies run on the server's own executors, with admission
// decided on arrival. The store is behind a gate that holds reads, so the
// tests see which calls run, which wait and which are refused without
// depending on how fast the machine is.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "bilateral/v1/relationship.grpc.pb.h"
#include "bilateral/v1/search.grpc.pb.h"
#include "bilateral/v1/visit.grpc.pb.h"
#include "gated_store.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "test_server.h"

namespace bilateral {
namespace {

using ::testing::Contains;
using ::testing::Not;

constexpr absl::Duration kPatience = absl::Seconds(60);

std::chrono::system_clock::time_point In(absl::Duration duration) {
  return absl::ToChronoTime(absl::Now() + duration);
}

// A server over a gated store whose reads run on `read_workers` threads
// with room for `max_queued` more calls to wait.
class ExecutorTest : public ::testing::Test {
 protected:
  ExecutorTest(int read_workers, int max_queued)
      : server_(true, Options(read_workers, max_queued), {},
                [this](std::unique_ptr<store::Store> inner) -> std::unique_ptr<store::Store> {
                  auto gated = std::make_unique<test::GatedStore>(std::move(inner));
                  gate_ = gated.get();
                  return gated;
                }) {}

  void SetUp() override {
    ASSERT_TRUE(server_.status().ok()) << server_.status();
    channel_ = grpc::CreateChannel(server_.endpoint(), grpc::InsecureChannelCredentials());
    health_ = grpc::health::v1::Health::NewStub(channel_);
  }

  void TearDown() override {
    if (gate_ != nullptr) gate_->Open();
  }

  static server::ServerOptions Options(int read_workers, int max_queued) {
    server::ServerOptions options;
    options.read_workers = read_workers;
    options.max_queued_calls = max_queued;
    return options;
  }

  // The server's health answer; its calls never wait behind storage.
  grpc::Status CheckHealth() {
    grpc::ClientContext context;
    context.set_deadline(In(absl::Seconds(10)));
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse response;
    grpc::Status status = health_->Check(&context, request, &response);
    if (status.ok() && response.status() != grpc::health::v1::HealthCheckResponse::SERVING) {
      return grpc::Status(grpc::StatusCode::UNKNOWN, "not SERVING");
    }
    return status;
  }

  // Waits until the server has `count` reads queued for a worker.
  bool AwaitQueuedReads(int count) {
    const std::string line = absl::StrCat("\nbilateral_reads_queued ", count, "\n");
    const absl::Time give_up = absl::Now() + kPatience;
    while (absl::Now() < give_up) {
      if (absl::StrContains(server_.server().RenderMetrics(), line)) return true;
      absl::SleepFor(absl::Milliseconds(5));
    }
    return false;
  }

  test::GatedStore* gate_ = nullptr;
  test::TestServer server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<grpc::health::v1::Health::Stub> health_;
};

class OneReaderTest : public ExecutorTest {
 protected:
  OneReaderTest() : ExecutorTest(/*read_workers=*/1, /*max_queued=*/4) {}
};

grpc::Status GetVisit(v1::VisitService::Stub& stub, grpc::ClientContext* context,
                      const std::string& name) {
  v1::GetVisitRequest request;
  request.set_name(name);
  v1::Visit visit;
  return stub.GetVisit(context, request, &visit);
}

TEST_F(OneReaderTest, QueuedCallsWhoseClientCancelledOrDeadlinePassedNeverReachTheStore) {
  auto stub = v1::VisitService::NewStub(channel_);
  gate_->Close();
  // The one reader is busy with a call held at the gate.
  grpc::ClientContext running_context;
  running_context.set_deadline(In(kPatience));
  auto running = std::async(std::launch::async, [&] {
    return GetVisit(*stub, &running_context, "visits/xi-jinping-kz-2013");
  });
  ASSERT_TRUE(gate_->AwaitWaiting(1, kPatience));

  // Two more wait for the reader: one its client cancels, one whose
  // deadline passes while it waits.
  grpc::ClientContext cancelled_context;
  cancelled_context.set_deadline(In(kPatience));
  auto cancelled = std::async(std::launch::async, [&] {
    return GetVisit(*stub, &cancelled_context, "visits/xi-jinping-kz-2024");
  });
  ASSERT_TRUE(AwaitQueuedReads(1));
  grpc::ClientContext expired_context;
  expired_context.set_deadline(In(absl::Milliseconds(300)));
  auto expired = std::async(std::launch::async, [&] {
    return GetVisit(*stub, &expired_context, "visits/tokayev-cn-2019");
  });
  ASSERT_TRUE(AwaitQueuedReads(2));
  cancelled_context.TryCancel();
  EXPECT_EQ(cancelled.get().error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_EQ(expired.get().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  // Health answers while every reader is busy. Its call follows the
  // cancellation on the same connection, so once it is answered the server
  // has seen the client cancel.
  EXPECT_TRUE(CheckHealth().ok());

  gate_->Open();
  grpc::Status first = running.get();
  EXPECT_TRUE(first.ok()) << first.error_message();
  // The reader goes on to the next call; the two it dropped never read.
  grpc::ClientContext after_context;
  after_context.set_deadline(In(kPatience));
  GetVisit(*stub, &after_context, "visits/after-the-queue");
  const auto reads = gate_->reads();
  EXPECT_THAT(reads, Contains("visits/xi-jinping-kz-2013"));
  EXPECT_THAT(reads, Contains("visits/after-the-queue"));
  EXPECT_THAT(reads, Not(Contains("visits/xi-jinping-kz-2024")));
  EXPECT_THAT(reads, Not(Contains("visits/tokayev-cn-2019")));
}

class BurstTest : public ExecutorTest {
 protected:
  static constexpr int kWorkers = 2;
  static constexpr int kQueued = 6;
  BurstTest() : ExecutorTest(kWorkers, kQueued) {}
};

TEST_F(BurstTest, HeavyCallsPastTheBoundAreRefusedAtOnceWhileHealthAnswers) {
  constexpr int kCalls = 60;
  auto relationships = v1::RelationshipService::NewStub(channel_);
  auto search = v1::SearchService::NewStub(channel_);
  gate_->Close();

  std::mutex mu;
  std::map<grpc::StatusCode, int> outcomes;
  std::atomic<int> refused{0};
  std::vector<std::thread> calls;
  for (int i = 0; i < kCalls; ++i) {
    calls.emplace_back([&, i] {
      grpc::ClientContext context;
      context.set_deadline(In(kPatience));
      grpc::Status status;
      switch (i % 3) {
        case 0: {  // the dossier
          v1::GetRelationshipRequest request;
          request.set_name("relationships/CN-KZ");
          v1::Relationship response;
          status = relationships->GetRelationship(&context, request, &response);
          break;
        }
        case 1: {  // a timeline page
          v1::ListTimelineRequest request;
          request.set_parent("relationships/CN-KZ");
          v1::ListTimelineResponse response;
          status = relationships->ListTimeline(&context, request, &response);
          break;
        }
        default: {
          v1::SearchRequest request;
          request.set_query("Kazakhstan");
          v1::SearchResponse response;
          status = search->Search(&context, request, &response);
        }
      }
      if (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) ++refused;
      std::lock_guard<std::mutex> lock(mu);
      ++outcomes[status.error_code()];
    });
  }
  // With the gate closed no admitted call can finish: those past the
  // workers and their queue are refused without waiting for any of them.
  const int admitted = kWorkers + kQueued;
  const absl::Time give_up = absl::Now() + kPatience;
  while (refused.load() < kCalls - admitted && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_EQ(refused.load(), kCalls - admitted);
  EXPECT_TRUE(gate_->AwaitWaiting(kWorkers, kPatience));
  EXPECT_TRUE(AwaitQueuedReads(kQueued));
  // Health keeps answering through the burst.
  for (int i = 0; i < 10; ++i) {
    grpc::Status health = CheckHealth();
    EXPECT_TRUE(health.ok()) << health.error_message();
  }

  gate_->Open();
  for (auto& call : calls) call.join();
  EXPECT_EQ(outcomes[grpc::StatusCode::OK], admitted);
  EXPECT_EQ(outcomes[grpc::StatusCode::RESOURCE_EXHAUSTED], kCalls - admitted);
  EXPECT_EQ(outcomes.size(), 2u);
  EXPECT_TRUE(CheckHealth().ok());
}

}  // namespace
}  // namespace bilateral
