// The connection and the stub decorators over gMock stubs, without a
// server: the retries each call gets by its idempotency and the policies
// of its options, a replaced idempotency policy, the context of each
// attempt, the metadata decorator (authorization) and the request log.
#include <grpcpp/test/client_context_test_peer.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "bilateral/change_client.h"
#include "bilateral/trade_record_client.h"
#include "bilateral/visit_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mock_change_stub.h"
#include "mock_trade_record_stub.h"
#include "mock_visit_stub.h"

namespace bilateral {
namespace {

using ::bilateral::testing::MockChangeStub;
using ::bilateral::testing::MockTradeRecordStub;
using ::bilateral::testing::MockVisitStub;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::Invoke;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::Return;
using ::testing::SizeIs;

// Many attempts, no waiting, no time limit: only the code and the
// idempotency decide.
Options Fast(int max_failures = 9) {
  Options options;
  options.set<RetryPolicyOption>(std::make_shared<LimitedErrorCountRetryPolicy>(max_failures));
  options.set<BackoffPolicyOption>(
      std::make_shared<ExponentialBackoffPolicy>(absl::ZeroDuration(), absl::ZeroDuration(), 2.0));
  options.set<ApiKeyOption>("secret-key");
  return options;
}

v1::Visit Named(const std::string& name) {
  v1::Visit visit;
  visit.set_name(name);
  return visit;
}

// The metadata an attempt's context will send.
std::multimap<std::string, std::string> SentMetadata(grpc::ClientContext& context) {
  return grpc::testing::ClientContextTestPeer(&context).GetSendInitialMetadata();
}

TEST(StubConnectionTest, AReadIsRetriedOnAFreshContextUntilItSucceeds) {
  auto stub = std::make_shared<MockVisitStub>();
  std::vector<grpc::ClientContext*> contexts;
  EXPECT_CALL(*stub, GetVisit)
      .Times(3)
      .WillRepeatedly(Invoke([&](grpc::ClientContext& context, const Options&,
                                 const v1::GetVisitRequest& request) -> absl::StatusOr<v1::Visit> {
        contexts.push_back(&context);
        EXPECT_EQ(request.name(), "visits/v1");
        if (contexts.size() < 3) return absl::UnavailableError("down");
        return Named(request.name());
      }));
  VisitClient visits(internal::MakeVisitConnection(stub, Fast()));
  auto visit = visits.GetVisit("visits/v1");
  ASSERT_TRUE(visit.ok()) << visit.status();
  EXPECT_EQ(visit->name(), "visits/v1");
  ASSERT_THAT(contexts, SizeIs(3));
}

TEST(StubConnectionTest, ReadsAreRetriedOnEveryTransientCodeAndNoOther) {
  auto stub = std::make_shared<MockVisitStub>();
  std::vector<absl::Status> script = {
      absl::DeadlineExceededError("slow"), absl::ResourceExhaustedError("busy"),
      absl::UnavailableError("down"),      absl::CancelledError("shutting down"),
      absl::NotFoundError("gone"),         absl::OkStatus()};
  size_t next = 0;
  EXPECT_CALL(*stub, GetVisit).WillRepeatedly(Invoke([&](auto&&...) {
    absl::Status status = script[next++];
    return status.ok() ? absl::StatusOr<v1::Visit>(v1::Visit()) : absl::StatusOr<v1::Visit>(status);
  }));
  VisitClient visits(internal::MakeVisitConnection(stub, Fast()));
  EXPECT_EQ(visits.GetVisit("visits/v1").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(next, 5u);
}

TEST(StubConnectionTest, EachAttemptHasTheTimeoutOfItsCallAsDeadline) {
  auto stub = std::make_shared<MockVisitStub>();
  std::vector<std::chrono::system_clock::duration> left;
  EXPECT_CALL(*stub, GetVisit)
      .WillRepeatedly(Invoke([&](grpc::ClientContext& context, const Options&,
                                 const v1::GetVisitRequest&) -> absl::StatusOr<v1::Visit> {
        left.push_back(context.deadline() - std::chrono::system_clock::now());
        return v1::Visit();
      }));
  VisitClient visits(internal::MakeVisitConnection(stub, Fast()));
  ASSERT_TRUE(visits.GetVisit("visits/v1").ok());  // the default: 30 s
  ASSERT_TRUE(visits.GetVisit("visits/v1", Options().set<TimeoutOption>(absl::Seconds(300))).ok());
  ASSERT_THAT(left, SizeIs(2));
  EXPECT_GT(left[0], std::chrono::seconds(25));
  EXPECT_LE(left[0], std::chrono::seconds(30));
  EXPECT_GT(left[1], std::chrono::seconds(250));
}

TEST(StubConnectionTest, WritesAreRetriedOnlyWithTheirKeyOrEtag) {
  auto stub = std::make_shared<MockVisitStub>();
  std::vector<std::string> request_ids;
  EXPECT_CALL(*stub, CreateVisit)
      .Times(2)
      .WillRepeatedly(
          Invoke([&](grpc::ClientContext&, const Options&,
                     const v1::CreateVisitRequest& request) -> absl::StatusOr<v1::Visit> {
            request_ids.push_back(request.request_id());
            if (request_ids.size() == 1) return absl::UnavailableError("down");
            return request.visit();
          }));
  int updates = 0;
  EXPECT_CALL(*stub, UpdateVisit).WillRepeatedly(Invoke([&](auto&&...) {
    ++updates;
    return absl::StatusOr<v1::Visit>(absl::UnavailableError("down"));
  }));
  int deletes = 0;
  EXPECT_CALL(*stub, DeleteVisit).WillRepeatedly(Invoke([&](auto&&...) {
    ++deletes;
    return absl::StatusOr<google::protobuf::Empty>(absl::ResourceExhaustedError("busy"));
  }));
  VisitClient visits(internal::MakeVisitConnection(stub, Fast(2)));

  ASSERT_TRUE(visits.CreateVisit(Named(""), "v9").ok());
  // One key, made before the first attempt, sent with both.
  ASSERT_THAT(request_ids, SizeIs(2));
  EXPECT_THAT(request_ids[0], Not(IsEmpty()));
  EXPECT_EQ(request_ids[0], request_ids[1]);

  EXPECT_EQ(visits.UpdateVisit(Named("visits/v1")).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(updates, 1);
  v1::Visit with_etag = Named("visits/v1");
  with_etag.set_etag("e1");
  EXPECT_EQ(visits.UpdateVisit(with_etag).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(updates, 1 + 3);

  EXPECT_EQ(visits.DeleteVisit("visits/v1").code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(deletes, 1);
  EXPECT_EQ(visits.DeleteVisit("visits/v1", "e1").code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(deletes, 1 + 3);
}

TEST(StubConnectionTest, DeadlineExceededIsRetriedForReadsOnly) {
  auto stub = std::make_shared<MockVisitStub>();
  int gets = 0;
  int updates = 0;
  EXPECT_CALL(*stub, GetVisit).WillRepeatedly(Invoke([&](auto&&...) {
    return ++gets < 2 ? absl::StatusOr<v1::Visit>(absl::DeadlineExceededError("slow"))
                      : absl::StatusOr<v1::Visit>(v1::Visit());
  }));
  EXPECT_CALL(*stub, UpdateVisit).WillRepeatedly(Invoke([&](auto&&...) {
    ++updates;
    return absl::StatusOr<v1::Visit>(absl::DeadlineExceededError("slow"));
  }));
  VisitClient visits(internal::MakeVisitConnection(stub, Fast()));
  EXPECT_TRUE(visits.GetVisit("visits/v1").ok());
  EXPECT_EQ(gets, 2);
  v1::Visit with_etag = Named("visits/v1");
  with_etag.set_etag("e1");
  EXPECT_EQ(visits.UpdateVisit(with_etag).status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(updates, 1);
}

TEST(StubConnectionTest, CreatesAreRetriedWhenTheServerCancelsThemNotPastTheirDeadline) {
  auto stub = std::make_shared<MockVisitStub>();
  std::vector<absl::Status> script = {absl::CancelledError("shutting down"), absl::OkStatus(),
                                      absl::DeadlineExceededError("slow")};
  size_t next = 0;
  EXPECT_CALL(*stub, CreateVisit).WillRepeatedly(Invoke([&](auto&&...) {
    absl::Status status = script[next++];
    return status.ok() ? absl::StatusOr<v1::Visit>(v1::Visit()) : absl::StatusOr<v1::Visit>(status);
  }));
  int updates = 0;
  EXPECT_CALL(*stub, UpdateVisit).WillRepeatedly(Invoke([&](auto&&...) {
    ++updates;
    return absl::StatusOr<v1::Visit>(absl::CancelledError("shutting down"));
  }));
  VisitClient visits(internal::MakeVisitConnection(stub, Fast()));
  EXPECT_TRUE(visits.CreateVisit(v1::Visit(), "cut").ok());
  EXPECT_EQ(next, 2u);
  EXPECT_EQ(visits.CreateVisit(v1::Visit(), "late").status().code(),
            absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(next, 3u);
  // An update with an etag would end ABORTED if its first attempt was applied.
  v1::Visit with_etag = Named("visits/v1");
  with_etag.set_etag("e1");
  EXPECT_EQ(visits.UpdateVisit(with_etag).status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(updates, 1);
}

// Updates without an etag declared safe to repeat: the caller knows that
// its updates set absolute values.
class RepeatableUpdates : public VisitIdempotencyPolicy {
 public:
  Idempotency UpdateVisit(const v1::UpdateVisitRequest&) const override {
    return Idempotency::kConditionalWrite;
  }
};

TEST(StubConnectionTest, AReplacedIdempotencyPolicyDecidesWhatIsRetried) {
  auto stub = std::make_shared<MockVisitStub>();
  int updates = 0;
  EXPECT_CALL(*stub, UpdateVisit).WillRepeatedly(Invoke([&](auto&&...) {
    return ++updates < 3 ? absl::StatusOr<v1::Visit>(absl::UnavailableError("down"))
                         : absl::StatusOr<v1::Visit>(Named("visits/v1"));
  }));
  int gets = 0;
  EXPECT_CALL(*stub, GetVisit).WillRepeatedly(Invoke([&](auto&&...) {
    ++gets;
    return absl::StatusOr<v1::Visit>(absl::UnavailableError("down"));
  }));
  Options options = Fast();
  options.set<VisitIdempotencyPolicyOption>(std::make_shared<RepeatableUpdates>());
  VisitClient visits(internal::MakeVisitConnection(stub, options));
  EXPECT_TRUE(visits.UpdateVisit(Named("visits/v1")).ok());
  EXPECT_EQ(updates, 3);
  // The methods it does not override keep the SDK's rules.
  EXPECT_FALSE(visits.GetVisit("visits/v1").ok());
  EXPECT_EQ(gets, 10);
}

TEST(StubConnectionTest, TheDefaultIdempotencyPolicyStatesTheRulesFromEachShape) {
  VisitIdempotencyPolicy policy;
  EXPECT_EQ(policy.GetVisit({}), Idempotency::kRead);
  EXPECT_EQ(policy.ListVisits({}), Idempotency::kRead);
  EXPECT_EQ(policy.BatchGetVisits({}), Idempotency::kRead);
  v1::CreateVisitRequest create;
  EXPECT_EQ(policy.CreateVisit(create), Idempotency::kNonIdempotent);
  create.set_request_id("r1");
  EXPECT_EQ(policy.CreateVisit(create), Idempotency::kKeyedWrite);
  v1::UpdateVisitRequest update;
  EXPECT_EQ(policy.UpdateVisit(update), Idempotency::kNonIdempotent);
  update.mutable_visit()->set_etag("e1");
  EXPECT_EQ(policy.UpdateVisit(update), Idempotency::kConditionalWrite);
  v1::DeleteVisitRequest remove;
  EXPECT_EQ(policy.DeleteVisit(remove), Idempotency::kNonIdempotent);
  remove.set_etag("e1");
  EXPECT_EQ(policy.DeleteVisit(remove), Idempotency::kConditionalWrite);
  EXPECT_EQ(ChangeIdempotencyPolicy().WatchChanges({}), Idempotency::kRead);
}

TEST(StubConnectionTest, PoliciesGivenPerCallReplaceTheConnections) {
  auto stub = std::make_shared<MockVisitStub>();
  int gets = 0;
  EXPECT_CALL(*stub, GetVisit).WillRepeatedly(Invoke([&](auto&&...) {
    ++gets;
    return absl::StatusOr<v1::Visit>(absl::UnavailableError("down"));
  }));
  VisitClient visits(internal::MakeVisitConnection(stub, Fast()));
  Options once;
  once.set<RetryPolicyOption>(std::make_shared<LimitedErrorCountRetryPolicy>(1));
  EXPECT_FALSE(visits.GetVisit("visits/v1", once).ok());
  EXPECT_EQ(gets, 2);
  // A client's options stand between the connection's and the call's.
  VisitClient patient(internal::MakeVisitConnection(stub, Fast()), once);
  gets = 0;
  EXPECT_FALSE(patient.GetVisit("visits/v1").ok());
  EXPECT_EQ(gets, 2);
  gets = 0;
  EXPECT_FALSE(
      patient.GetVisit("visits/v1", CallOptions{std::nullopt, RetryOptions::None(), std::nullopt})
          .ok());
  EXPECT_EQ(gets, 1);
}

TEST(StubConnectionTest, EveryPageOfAListIsARetriedReadWithTheOptionsOfTheListCall) {
  auto stub = std::make_shared<MockVisitStub>();
  std::vector<std::string> tokens;
  std::vector<absl::Duration> timeouts;
  int failures = 0;
  EXPECT_CALL(*stub, ListVisits)
      .WillRepeatedly(Invoke(
          [&](grpc::ClientContext&, const Options& options,
              const v1::ListVisitsRequest& request) -> absl::StatusOr<v1::ListVisitsResponse> {
            tokens.push_back(request.page_token());
            timeouts.push_back(options.get<TimeoutOption>());
            if (request.page_token() == "2" && failures++ == 0) {
              return absl::UnavailableError("down");
            }
            v1::ListVisitsResponse page;
            page.add_visits()->set_name("visits/v" + (request.page_token().empty()
                                                          ? std::string("0")
                                                          : request.page_token()));
            if (request.page_token() != "2") {
              page.set_next_page_token(request.page_token().empty() ? "1" : "2");
            }
            return page;
          }));
  VisitClient visits(internal::MakeVisitConnection(stub, Fast()));
  std::vector<std::string> names;
  for (auto& visit : visits.ListVisits("", "", Options().set<TimeoutOption>(absl::Seconds(5)))) {
    ASSERT_TRUE(visit.ok()) << visit.status();
    names.push_back(visit->name());
  }
  EXPECT_THAT(names, ElementsAre("visits/v0", "visits/v1", "visits/v2"));
  EXPECT_THAT(tokens, ElementsAre("", "1", "2", "2"));
  EXPECT_THAT(timeouts, ::testing::Each(absl::Seconds(5)));
}

// A server stream over messages at hand, ending with `end`.
template <typename Response>
class FakeStreamReader : public internal::StreamReader<Response> {
 public:
  FakeStreamReader(std::vector<Response> messages, absl::Status end)
      : messages_(std::move(messages)), end_(std::move(end)) {}
  bool Read(Response& response) override {
    if (next_ == messages_.size()) return false;
    response = messages_[next_++];
    return true;
  }
  absl::Status Finish() override { return end_; }

 private:
  std::vector<Response> messages_;
  absl::Status end_;
  size_t next_ = 0;
};

std::unique_ptr<internal::StreamReader<v1::WatchChangesResponse>> OneChangeThen(
    const std::string& cursor, absl::Status end) {
  v1::WatchChangesResponse response;
  response.set_cursor(cursor);
  return std::make_unique<FakeStreamReader<v1::WatchChangesResponse>>(
      std::vector<v1::WatchChangesResponse>{response}, std::move(end));
}

class NeverResume : public ChangeIdempotencyPolicy {
 public:
  Idempotency WatchChanges(const v1::WatchChangesRequest&) const override {
    return Idempotency::kNonIdempotent;
  }
};

TEST(StubConnectionTest, AStreamResumesFromItsLastCursorUnlessThePolicySaysNot) {
  auto stub = std::make_shared<MockChangeStub>();
  std::vector<std::string> cursors;
  EXPECT_CALL(*stub, WatchChanges)
      .WillRepeatedly(Invoke([&](std::unique_ptr<grpc::ClientContext>, const Options&,
                                 const v1::WatchChangesRequest& request) {
        cursors.push_back(request.cursor());
        std::string next = "c" + std::to_string(cursors.size());
        return OneChangeThen(
            next, cursors.size() < 3 ? absl::UnavailableError("down") : absl::OkStatus());
      }));
  auto watch = [](ChangeClient client) {
    std::vector<absl::StatusCode> seen;
    for (auto& batch : client.WatchChanges(v1::WatchChangesRequest())) {
      seen.push_back(batch.status().code());
    }
    return seen;
  };
  EXPECT_THAT(watch(ChangeClient(internal::MakeChangeConnection(stub, Fast()))),
              ElementsAre(absl::StatusCode::kOk, absl::StatusCode::kOk, absl::StatusCode::kOk));
  EXPECT_THAT(cursors, ElementsAre("", "c1", "c2"));

  cursors.clear();
  Options options = Fast();
  options.set<ChangeIdempotencyPolicyOption>(std::make_shared<NeverResume>());
  EXPECT_THAT(watch(ChangeClient(internal::MakeChangeConnection(stub, options))),
              ElementsAre(absl::StatusCode::kOk, absl::StatusCode::kUnavailable));
  EXPECT_THAT(cursors, ElementsAre(""));
}

// A client stream that fails its first write.
class FailingWriter
    : public StreamWriter<v1::ImportTradeRecordsRequest, v1::ImportTradeRecordsResponse> {
 public:
  bool Write(const v1::ImportTradeRecordsRequest&) override { return false; }
  absl::StatusOr<v1::ImportTradeRecordsResponse> Finish() override {
    return absl::UnavailableError("down");
  }
};

TEST(StubConnectionTest, AClientStreamIsNeverRetriedAndHasTheTimeoutAsDeadline) {
  auto stub = std::make_shared<MockTradeRecordStub>();
  std::chrono::system_clock::duration left{};
  EXPECT_CALL(*stub, ImportTradeRecords)
      .WillOnce(Invoke([&](std::unique_ptr<grpc::ClientContext> context, const Options&) {
        left = context->deadline() - std::chrono::system_clock::now();
        return std::make_unique<FailingWriter>();
      }));
  TradeRecordClient trade(internal::MakeTradeRecordConnection(stub, Fast()));
  auto result = trade.ImportTradeRecords({v1::TradeRecord()}, {},
                                         Options().set<TimeoutOption>(absl::Seconds(100)));
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_GT(left, std::chrono::seconds(90));
}

TEST(MetadataDecoratorTest, EveryAttemptCarriesTheApiKeyOfItsCall) {
  auto stub = std::make_shared<MockVisitStub>();
  std::vector<std::multimap<std::string, std::string>> sent;
  int calls = 0;
  EXPECT_CALL(*stub, GetVisit)
      .WillRepeatedly(Invoke([&](grpc::ClientContext& context, const Options&,
                                 const v1::GetVisitRequest&) -> absl::StatusOr<v1::Visit> {
        sent.push_back(SentMetadata(context));
        return ++calls == 1 ? absl::StatusOr<v1::Visit>(absl::UnavailableError("down"))
                            : absl::StatusOr<v1::Visit>(v1::Visit());
      }));
  Options options = Fast();
  VisitClient visits(
      internal::MakeVisitConnection(internal::DecorateVisitStub(stub, options), options));
  ASSERT_TRUE(visits.GetVisit("visits/v1").ok());
  ASSERT_THAT(sent, SizeIs(2));
  for (const auto& metadata : sent) {
    EXPECT_THAT(metadata, ElementsAre(std::pair<const std::string, std::string>(
                              "authorization", "Bearer secret-key")));
  }
  sent.clear();
  ASSERT_TRUE(visits.GetVisit("visits/v1", Options().set<ApiKeyOption>("")).ok());
  EXPECT_THAT(sent, ElementsAre(IsEmpty()));
}

TEST(MetadataDecoratorTest, StreamsCarryTheApiKeyToo) {
  auto stub = std::make_shared<MockChangeStub>();
  std::multimap<std::string, std::string> sent;
  EXPECT_CALL(*stub, WatchChanges)
      .WillOnce(Invoke([&](std::unique_ptr<grpc::ClientContext> context, const Options&,
                           const v1::WatchChangesRequest&) {
        sent = SentMetadata(*context);
        return OneChangeThen("c1", absl::OkStatus());
      }));
  Options options = Fast();
  ChangeClient changes(
      internal::MakeChangeConnection(internal::DecorateChangeStub(stub, options), options));
  for (auto& batch : changes.WatchChanges(v1::WatchChangesRequest())) ASSERT_TRUE(batch.ok());
  EXPECT_THAT(sent, ElementsAre(std::pair<const std::string, std::string>("authorization",
                                                                          "Bearer secret-key")));
}

// Collects the request log.
class LogSink {
 public:
  RequestLogSinkOption::Type Sink() {
    return [this](const RequestLogEntry& entry) {
      absl::MutexLock lock(&mu_);
      entries_.push_back(entry);
    };
  }
  std::vector<RequestLogEntry> entries() {
    absl::MutexLock lock(&mu_);
    return entries_;
  }

 private:
  absl::Mutex mu_;
  std::vector<RequestLogEntry> entries_;
};

TEST(LoggingDecoratorTest, IsOffByDefault) {
  auto stub = std::make_shared<MockVisitStub>();
  EXPECT_CALL(*stub, GetVisit).WillOnce(Return(v1::Visit()));
  LogSink log;
  Options options = Fast();
  options.set<RequestLogSinkOption>(log.Sink());  // a sink alone does not turn it on
  ::testing::internal::CaptureStderr();
  VisitClient visits(
      internal::MakeVisitConnection(internal::DecorateVisitStub(stub, options), options));
  ASSERT_TRUE(visits.GetVisit("visits/v1").ok());
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  EXPECT_THAT(log.entries(), IsEmpty());
}

TEST(LoggingDecoratorTest, LogsEveryAttemptsMethodStatusAndLatencyToTheSink) {
  auto stub = std::make_shared<MockVisitStub>();
  EXPECT_CALL(*stub, GetVisit)
      .WillOnce(Invoke([](auto&&...) {
        absl::SleepFor(absl::Milliseconds(20));
        return absl::StatusOr<v1::Visit>(absl::UnavailableError("down"));
      }))
      .WillOnce(Return(v1::Visit()));
  LogSink log;
  Options options = Fast();
  options.set<RequestLoggingOption>(true).set<RequestLogSinkOption>(log.Sink());
  VisitClient visits(
      internal::MakeVisitConnection(internal::DecorateVisitStub(stub, options), options));
  ASSERT_TRUE(visits.GetVisit("visits/v1").ok());
  auto entries = log.entries();
  ASSERT_THAT(entries, SizeIs(2));
  EXPECT_EQ(entries[0].method, "GetVisit");
  EXPECT_EQ(entries[0].status, absl::UnavailableError("down"));
  EXPECT_GE(entries[0].latency, absl::Milliseconds(20));
  EXPECT_EQ(entries[1].method, "GetVisit");
  EXPECT_TRUE(entries[1].status.ok());
}

TEST(LoggingDecoratorTest, WritesALineToStderrWithoutASinkAndNeverTheApiKey) {
  auto stub = std::make_shared<MockVisitStub>();
  EXPECT_CALL(*stub, GetVisit)
      .WillOnce(Return(absl::StatusOr<v1::Visit>(absl::PermissionDeniedError("key not allowed"))));
  Options options = Fast();
  options.set<RequestLoggingOption>(true);
  ::testing::internal::CaptureStderr();
  VisitClient visits(
      internal::MakeVisitConnection(internal::DecorateVisitStub(stub, options), options));
  EXPECT_FALSE(visits.GetVisit("visits/v1").ok());
  std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(log, AllOf(HasSubstr("bilateral: GetVisit PERMISSION_DENIED (key not allowed) "),
                         HasSubstr("ms\n")));
  EXPECT_THAT(log, Not(HasSubstr("secret-key")));
}

TEST(LoggingDecoratorTest, AStreamIsLoggedWhenItEnds) {
  auto stub = std::make_shared<MockChangeStub>();
  EXPECT_CALL(*stub, WatchChanges).WillOnce(Invoke([](auto&&...) {
    return OneChangeThen("c1", absl::FailedPreconditionError("cursor too old"));
  }));
  auto trade_stub = std::make_shared<MockTradeRecordStub>();
  EXPECT_CALL(*trade_stub, ImportTradeRecords).WillOnce(Invoke([](auto&&...) {
    return std::make_unique<FailingWriter>();
  }));
  LogSink log;
  Options options = Fast();
  options.set<RequestLoggingOption>(true).set<RequestLogSinkOption>(log.Sink());
  ChangeClient changes(
      internal::MakeChangeConnection(internal::DecorateChangeStub(stub, options), options));
  for (auto& batch : changes.WatchChanges(v1::WatchChangesRequest())) (void)batch;
  TradeRecordClient trade(internal::MakeTradeRecordConnection(
      internal::DecorateTradeRecordStub(trade_stub, options), options));
  (void)trade.ImportTradeRecords({v1::TradeRecord()});
  EXPECT_THAT(log.entries(),
              ElementsAre(AllOf(Field(&RequestLogEntry::method, "WatchChanges"),
                                Field(&RequestLogEntry::status,
                                      absl::FailedPreconditionError("cursor too old"))),
                          AllOf(Field(&RequestLogEntry::method, "ImportTradeRecords"),
                                Field(&RequestLogEntry::status, absl::UnavailableError("down")))));
}

}  // namespace
}  // namespace bilateral
