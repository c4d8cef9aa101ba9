// The gRPC connections end to end, against a fake server that fails the
// calls each test scripts: a few cases of what is retried, how often, with
// which request, and how pages of a List and a change feed are retried
// over the wire. The rules case by case are tested on mock stubs
// (stub_test.cc). Backoff is zero throughout, so the tests count attempts
// and never measure time.
#include <regex>
#include <string>
#include <vector>

#include "bilateral/change_client.h"
#include "bilateral/finding_client.h"
#include "bilateral/trade_record_client.h"
#include "bilateral/v1/change.grpc.pb.h"
#include "bilateral/visit_client.h"
#include "fake_server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace bilateral {
namespace {

using ::bilateral::testing::FakeServer;
using ::bilateral::testing::ReceivedCall;
using ::testing::AllOf;
using ::testing::Each;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::SizeIs;

// Many attempts, no waiting, no time limit: only the code decides.
RetryOptions FastRetries(int max_attempts = 10) {
  RetryOptions retry;
  retry.max_attempts = max_attempts;
  retry.initial_backoff = absl::ZeroDuration();
  retry.max_backoff = absl::ZeroDuration();
  retry.budget = absl::InfiniteDuration();
  return retry;
}

class ConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::ClearSdkEnvironment();
    ASSERT_TRUE(server_.ok());
  }

  ClientOptions Options(RetryOptions retry = FastRetries()) {
    ClientOptions options;
    options.endpoint = server_.endpoint();
    options.timeout = absl::Seconds(30);
    options.retry = retry;
    return options;
  }
  VisitClient Visits(RetryOptions retry = FastRetries()) {
    return VisitClient(MakeVisitConnection(Options(retry)));
  }
  std::vector<ReceivedCall> Calls() { return server_.service().calls(); }

  FakeServer server_;
};

TEST_F(ConnectionTest, GetIsRetriedOnUnavailableUntilItSucceeds) {
  server_.service().FailNext(3, grpc::StatusCode::UNAVAILABLE);
  auto visit = Visits().GetVisit("visits/v1");
  ASSERT_TRUE(visit.ok()) << visit.status();
  EXPECT_EQ(visit->name(), "visits/v1");
  EXPECT_THAT(Calls(), SizeIs(4));
}

TEST_F(ConnectionTest, NonTransientCodesAreNotRetried) {
  for (grpc::StatusCode code :
       {grpc::StatusCode::INVALID_ARGUMENT, grpc::StatusCode::NOT_FOUND, grpc::StatusCode::ABORTED,
        grpc::StatusCode::INTERNAL, grpc::StatusCode::UNAUTHENTICATED}) {
    server_.service().FailNext(1, code);
    EXPECT_EQ(static_cast<int>(Visits().GetVisit("visits/v1").status().code()),
              static_cast<int>(code));
  }
  EXPECT_THAT(Calls(), SizeIs(5));
}

TEST_F(ConnectionTest, CreateWithoutRequestIdSendsOneGeneratedIdOnEveryAttempt) {
  server_.service().FailNext(2, grpc::StatusCode::UNAVAILABLE);
  v1::Visit visit;
  auto created = Visits().CreateVisit(visit, "new-visit");
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->name(), "visits/new-visit");

  auto calls = Calls();
  ASSERT_THAT(calls, SizeIs(3));
  const std::string request_id = calls[0].request_id;
  static const std::regex kUuidV4(
      "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  EXPECT_TRUE(std::regex_match(request_id, kUuidV4)) << request_id;
  EXPECT_THAT(calls, Each(Field(&ReceivedCall::request_id, request_id)));

  // Another create is another request.
  ASSERT_TRUE(Visits().CreateVisit(visit, "other-visit").ok());
  EXPECT_NE(Calls().back().request_id, request_id);
}

TEST_F(ConnectionTest, CreateThroughTheConnectionAlsoGetsARequestId) {
  server_.service().FailNext(1, grpc::StatusCode::UNAVAILABLE);
  auto connection = MakeVisitConnection(Options());
  v1::CreateVisitRequest request;
  request.set_visit_id("raw");
  ASSERT_TRUE(connection->CreateVisit(request).ok());
  auto calls = Calls();
  ASSERT_THAT(calls, SizeIs(2));
  EXPECT_FALSE(calls[0].request_id.empty());
  EXPECT_EQ(calls[0].request_id, calls[1].request_id);
}

TEST_F(ConnectionTest, CreateKeepsTheCallersRequestId) {
  server_.service().FailNext(1, grpc::StatusCode::RESOURCE_EXHAUSTED);
  v1::CreateVisitRequest request;
  request.set_request_id("mine");
  ASSERT_TRUE(Visits().CreateVisit(request).ok());
  EXPECT_THAT(Calls(), ElementsAre(Field(&ReceivedCall::request_id, "mine"),
                                   Field(&ReceivedCall::request_id, "mine")));
}

TEST_F(ConnectionTest, CreatesTheServerCancelsAreRetriedWithTheirRequestIdUpdatesAreNot) {
  server_.service().FailNext(1, grpc::StatusCode::CANCELLED);
  ASSERT_TRUE(Visits().CreateVisit(v1::Visit(), "cut").ok());
  auto calls = Calls();
  ASSERT_THAT(calls, SizeIs(2));
  EXPECT_EQ(calls[0].request_id, calls[1].request_id);

  // An update with an etag would end ABORTED if its first attempt was applied.
  v1::Visit visit;
  visit.set_name("visits/v1");
  visit.set_etag("e1");
  server_.service().FailNext(1, grpc::StatusCode::CANCELLED);
  EXPECT_EQ(Visits().UpdateVisit(visit, {"kind"}).status().code(), absl::StatusCode::kCancelled);
  EXPECT_THAT(Calls(), SizeIs(3));
}

TEST_F(ConnectionTest, MaxAttemptsBoundsTheAttempts) {
  server_.service().FailNext(10, grpc::StatusCode::UNAVAILABLE);
  auto visit = Visits(FastRetries(3)).GetVisit("visits/v1");
  EXPECT_EQ(visit.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(visit.status().message(), "scripted failure of GetVisit");
  EXPECT_THAT(Calls(), SizeIs(3));
}

TEST_F(ConnectionTest, ATinyBudgetLeavesOnlyTheFirstAttempt) {
  server_.service().FailNext(10, grpc::StatusCode::UNAVAILABLE);
  RetryOptions retry = FastRetries(100);
  retry.budget = absl::Nanoseconds(1);  // spent before the first attempt ends
  EXPECT_EQ(Visits(retry).GetVisit("visits/v1").status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(Calls(), SizeIs(1));

  retry.budget = absl::ZeroDuration();
  EXPECT_EQ(Visits(retry).GetVisit("visits/v1").status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(Calls(), SizeIs(2));
}

TEST_F(ConnectionTest, ListEndsWithTheErrorOfAPageThatKeepsFailing) {
  server_.service().Script({grpc::StatusCode::OK, grpc::StatusCode::UNAVAILABLE,
                            grpc::StatusCode::UNAVAILABLE, grpc::StatusCode::UNAVAILABLE});
  std::vector<absl::StatusOr<v1::Visit>> seen;
  for (auto& visit : Visits(FastRetries(3)).ListVisits()) seen.push_back(visit);
  ASSERT_THAT(seen, SizeIs(3));
  EXPECT_EQ(seen[0]->name(), "visits/v0");
  EXPECT_EQ(seen[1]->name(), "visits/v1");
  EXPECT_EQ(seen[2].status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(ConnectionTest, FindingListWalksEveryPageSendingTheFilterWithEach) {
  // The second page fails once: read-only services retry their pages too.
  server_.service().Script({grpc::StatusCode::OK, grpc::StatusCode::UNAVAILABLE});
  FindingClient findings(MakeFindingConnection(Options()));
  std::vector<std::string> names;
  for (auto& finding : findings.ListFindings("state = OPEN", "update_time desc")) {
    ASSERT_TRUE(finding.ok()) << finding.status();
    names.push_back(finding->name());
  }
  EXPECT_THAT(names, ElementsAre("findings/f0", "findings/f1", "findings/f2", "findings/f3",
                                 "findings/f4"));
  auto calls = Calls();
  std::vector<std::string> tokens;
  for (const ReceivedCall& call : calls) tokens.push_back(call.page_token);
  EXPECT_THAT(tokens, ElementsAre("", "2", "2", "4"));
  EXPECT_THAT(calls, Each(AllOf(Field(&ReceivedCall::method, "ListFindings"),
                                Field(&ReceivedCall::filter, "state = OPEN"))));
}

TEST_F(ConnectionTest, FindingGetReturnsNotFoundAtOnceAndRetriesOnlyTransientErrors) {
  FindingClient findings(MakeFindingConnection(Options()));
  auto missing = findings.GetFinding("findings/nope");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "no finding findings/nope");
  EXPECT_THAT(Calls(), SizeIs(1));

  server_.service().FailNext(2, grpc::StatusCode::UNAVAILABLE);
  auto found = findings.GetFinding("findings/f3");
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->name(), "findings/f3");
  EXPECT_THAT(Calls(), SizeIs(4));
}

TEST_F(ConnectionTest, ImportTradeRecordsIsNeverRetried) {
  server_.service().FailNext(1, grpc::StatusCode::UNAVAILABLE);
  TradeRecordClient trade(MakeTradeRecordConnection(Options()));
  EXPECT_EQ(trade.ImportTradeRecords(std::vector<v1::TradeRecord>(3)).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_THAT(Calls(), SizeIs(1));
  auto summary = trade.ImportTradeRecords(std::vector<v1::TradeRecord>(3));
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->stored_count(), 3);
}

TEST_F(ConnectionTest, AConnectionWithUnusableOptionsReturnsTheErrorFromEveryCall) {
  ClientOptions options = Options();
  options.tls_cert_file = "client.pem";  // without its key
  VisitClient visits(MakeVisitConnection(options));
  EXPECT_EQ(visits.GetVisit("visits/v1").status().code(), absl::StatusCode::kInvalidArgument);
  std::vector<absl::StatusOr<v1::Visit>> seen;
  for (auto& visit : visits.ListVisits()) seen.push_back(visit);
  ASSERT_THAT(seen, SizeIs(1));
  EXPECT_EQ(seen[0].status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Calls(), SizeIs(0));
}

TEST_F(ConnectionTest, ImportWriterStreamsEveryChunkOnOneCall) {
  TradeRecordClient trade(MakeTradeRecordConnection(Options()));
  ImportOptions options;
  options.chunk_size = 2;
  TradeRecordImportWriter writer = trade.ImportTradeRecordsWriter(options);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(writer.Write(v1::TradeRecord()));
  auto summary = writer.Finish();
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->received_count(), 5);
  EXPECT_THAT(Calls(), SizeIs(1));
}

// A change feed that sends one event per call, after the request's cursor
// ("c<n>" -> event n+1 with cursor "c<n+1>"), and then fails the stream with
// the next of `endings` (OK ends it).
class FakeChangeService final : public v1::ChangeService::Service {
 public:
  explicit FakeChangeService(std::vector<grpc::StatusCode> endings)
      : endings_(std::move(endings)) {}

  grpc::Status WatchChanges(grpc::ServerContext*, const v1::WatchChangesRequest* request,
                            grpc::ServerWriter<v1::WatchChangesResponse>* writer) override {
    size_t call;
    {
      absl::MutexLock lock(&mu_);
      cursors_.push_back(request->cursor());
      call = cursors_.size() - 1;
    }
    int after = request->cursor().empty() ? 0 : std::stoi(request->cursor().substr(1));
    v1::WatchChangesResponse response;
    response.set_cursor("c" + std::to_string(after + 1));
    v1::ChangeEvent* event = response.add_events();
    event->set_name("visits/v" + std::to_string(after + 1));
    event->set_cursor(response.cursor());
    writer->Write(response);
    grpc::StatusCode code = call < endings_.size() ? endings_[call] : grpc::StatusCode::OK;
    return code == grpc::StatusCode::OK ? grpc::Status::OK : grpc::Status(code, "scripted");
  }
  std::vector<std::string> cursors() {
    absl::MutexLock lock(&mu_);
    return cursors_;
  }

 private:
  const std::vector<grpc::StatusCode> endings_;
  absl::Mutex mu_;
  std::vector<std::string> cursors_ ABSL_GUARDED_BY(mu_);
};

// Watches `service` from cursor "c0": the names of the events and the
// error the range ended with (OK when it ended cleanly).
std::pair<std::vector<std::string>, absl::Status> Watch(FakeChangeService& service,
                                                        RetryOptions retry) {
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ClientOptions options;
  options.endpoint = absl::StrCat("127.0.0.1:", port);
  options.retry = retry;
  ChangeClient client(MakeChangeConnection(options));
  v1::WatchChangesRequest request;
  request.set_cursor("c0");
  std::vector<std::string> names;
  absl::Status error;
  for (auto& batch : client.WatchChanges(request)) {
    if (!batch.ok()) {
      error = batch.status();
      continue;
    }
    for (const auto& event : batch->events()) names.push_back(event.name());
  }
  server->Shutdown(std::chrono::system_clock::now());
  return {names, error};
}

TEST_F(ConnectionTest, WatchResumesAfterTheLastCursorOnATransientFailure) {
  FakeChangeService service({grpc::StatusCode::UNAVAILABLE, grpc::StatusCode::UNAVAILABLE});
  auto [names, error] = Watch(service, FastRetries());
  EXPECT_TRUE(error.ok()) << error;
  EXPECT_THAT(names, ElementsAre("visits/v1", "visits/v2", "visits/v3"));
  EXPECT_THAT(service.cursors(), ElementsAre("c0", "c1", "c2"));
}

TEST_F(ConnectionTest, WatchEndsWithAnErrorThatIsNotTransient) {
  FakeChangeService service({grpc::StatusCode::FAILED_PRECONDITION});
  auto [names, error] = Watch(service, FastRetries());
  EXPECT_EQ(error.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(names, ElementsAre("visits/v1"));
  EXPECT_THAT(service.cursors(), ElementsAre("c0"));
}

TEST_F(ConnectionTest, WatchCountsItsAttemptsFromTheLastMessage) {
  // Each reopened stream delivers a message, so the attempts start again:
  // two attempts are enough for three transient failures in a row.
  FakeChangeService resumed({grpc::StatusCode::UNAVAILABLE, grpc::StatusCode::UNAVAILABLE,
                             grpc::StatusCode::UNAVAILABLE});
  auto [names, error] = Watch(resumed, FastRetries(2));
  EXPECT_TRUE(error.ok()) << error;
  EXPECT_THAT(names, SizeIs(4));
  // One attempt: no resuming at all.
  FakeChangeService once({grpc::StatusCode::UNAVAILABLE});
  auto [once_names, once_error] = Watch(once, FastRetries(1));
  EXPECT_EQ(once_error.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(once_names, ElementsAre("visits/v1"));
}

}  // namespace
}  // namespace bilateral
