// Hostile input: bytes that are not the request message, oversized and
// deeply nested messages, invalid UTF-8, huge lists, extreme numbers, and
// SQL metacharacters in filters and search queries. Each gets a clean
// error, the server keeps serving, and nothing is stored by halves. Runs on
// whichever store test_store.h selects.
#include <grpcpp/grpcpp.h>

#include <climits>
#include <random>

#include "absl/strings/str_cat.h"
#include "bilateral/v1/search.grpc.pb.h"
#include "bilateral/v1/visit.grpc.pb.h"
#include "bilateral/visit_client.h"
#include "domain/resources.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "raw_call.h"
#include "test_server.h"

namespace bilateral {
namespace {

// The call the test's work is for: no deadline, never cancelled.
const CallContext kCall;

using ::testing::HasSubstr;
using ::testing::Not;

// Methods that take each kind of request: unary reads and writes, a
// server stream, a client stream.
const std::vector<std::string>& Methods() {
  static const auto* methods = new std::vector<std::string>{
      "/bilateral.v1.VisitService/CreateVisit",
      "/bilateral.v1.VisitService/UpdateVisit",
      "/bilateral.v1.VisitService/ListVisits",
      "/bilateral.v1.TradeRecordService/ImportTradeRecords",
      "/bilateral.v1.SearchService/Search",
      "/bilateral.v1.RelationshipService/ListTimeline",
      "/bilateral.v1.FindingService/ListFindings",
      "/bilateral.v1.ChangeService/WatchChanges",
  };
  return *methods;
}

class HostileInputTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.status().ok()) << server_.status(); }

  std::shared_ptr<grpc::Channel> Channel() {
    grpc::ChannelArguments arguments;
    arguments.SetMaxSendMessageSize(64 << 20);
    return grpc::CreateCustomChannel(server_.endpoint(), grpc::InsecureChannelCredentials(),
                                     arguments);
  }

  // The visits stored, to show nothing was stored by halves.
  int64_t VisitCount() {
    auto count = server_.store().Count(kCall, domain::Resource<v1::Visit>::Collection());
    EXPECT_TRUE(count.ok());
    return count.value_or(-1);
  }

  // The server still answers a plain Get.
  void ExpectServing() {
    VisitClient visits(MakeVisitConnection(server_.client_options()));
    EXPECT_TRUE(visits.GetVisit("visits/xi-jinping-kz-2024").ok());
  }

  test::TestServer server_;
};

TEST_F(HostileInputTest, BytesThatAreNotTheRequestAreRefused) {
  const int64_t before = VisitCount();
  std::mt19937 random(7);
  std::vector<std::string> garbage = {
      std::string("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 11),  // overlong varint
      std::string("\x0a\x7f", 2),                  // a field longer than the message
      std::string("\x0b", 1),                      // a group start that never ends
      std::string("\x0a\x05\x0a\x03\x0a\x01", 6),  // truncated nested messages
  };
  const size_t malformed = garbage.size();
  for (int i = 0; i < 40; ++i) {
    std::string bytes(1 + random() % 64, '\0');
    for (auto& c : bytes) c = static_cast<char>(random());
    garbage.push_back(bytes);
  }
  auto channel = Channel();
  for (const auto& method : Methods()) {
    for (size_t i = 0; i < garbage.size(); ++i) {
      auto result = test::CallRaw(channel, method, {garbage[i]}, {}, std::chrono::seconds(5), 5);
      const grpc::StatusCode code = result.status.error_code();
      // Random bytes can happen to parse; then the request is checked as
      // any other. What never happens is a crash, a hang, an internal
      // error of our own, or gRPC answering for us.
      EXPECT_NE(code, grpc::StatusCode::UNKNOWN) << method;
      EXPECT_NE(code, grpc::StatusCode::DEADLINE_EXCEEDED) << method;
      EXPECT_NE(code, grpc::StatusCode::INTERNAL)
          << method << ": " << result.status.error_message();
      EXPECT_NE(code, grpc::StatusCode::UNIMPLEMENTED) << method;
      if (i < malformed) {
        EXPECT_EQ(code, grpc::StatusCode::INVALID_ARGUMENT) << method << " #" << i;
        EXPECT_THAT(result.status.error_message(), HasSubstr("protobuf encoding")) << method;
      }
    }
  }
  ExpectServing();
  EXPECT_EQ(VisitCount(), before);
}

// An import whose second chunk does not parse ends INVALID_ARGUMENT naming
// the chunk and what was stored before it, not as a finished import.
TEST_F(HostileInputTest, AnImportChunkThatDoesNotParseEndsTheImportWithAnError) {
  v1::ImportTradeRecordsRequest good;
  auto* record = good.add_trade_records();
  record->set_reporter("KZ");
  record->set_partner("CN");
  record->mutable_period()->set_year(1234);
  record->set_flow(v1::TRADE_FLOW_EXPORT);
  record->mutable_value()->set_currency_code("USD");
  record->mutable_value()->set_units(5);
  auto* citation = record->add_citations();
  citation->set_source("sources/xi-kazakhstan-sco-2024");
  citation->set_quote("This is Xi’s fifth visit to Kazakhstan");
  const std::string truncated = good.SerializeAsString().substr(0, 9);
  auto result = test::CallRaw(Channel(), "/bilateral.v1.TradeRecordService/ImportTradeRecords",
                              {good.SerializeAsString(), truncated});
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << result.status.error_message();
  EXPECT_THAT(result.status.error_message(), HasSubstr("protobuf encoding"));
  EXPECT_THAT(result.status.error_message(), HasSubstr("chunk 2"));
  EXPECT_THAT(result.status.error_message(), HasSubstr("rows stored before this chunk: 1"));
  ExpectServing();
}

// A CreateVisitRequest for `visit`, in bytes.
std::string VisitRequestBytes(const v1::Visit& visit) {
  v1::CreateVisitRequest request;
  *request.mutable_visit() = visit;
  return request.SerializeAsString();
}

v1::Visit ValidVisit() {
  v1::Visit visit;
  visit.mutable_visitor()->set_name("Hostile Tester");
  visit.mutable_visitor()->set_country("FR");
  visit.set_host_country("DE");
  visit.mutable_start_date()->set_year(2020);
  auto* citation = visit.add_citations();
  citation->set_source("sources/xi-kazakhstan-sco-2024");
  citation->set_quote("q");
  return visit;
}

TEST_F(HostileInputTest, OversizedNestedAndMalformedMessagesAreCleanErrors) {
  const int64_t before = VisitCount();
  auto channel = Channel();
  const std::string create = "/bilateral.v1.VisitService/CreateVisit";
  auto call = [&](const std::string& bytes) {
    return test::CallRaw(channel, create, {bytes}).status;
  };

  // Larger than the server accepts (4 MiB by default).
  v1::Visit big = ValidVisit();
  big.mutable_citations(0)->set_quote(std::string(5 << 20, 'q'));
  EXPECT_EQ(call(VisitRequestBytes(big)).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);

  // Unknown groups nested ten thousand deep.
  std::string nested = VisitRequestBytes(ValidVisit());
  for (int i = 0; i < 10000; ++i) nested += "\x9b\x06";  // field 99, start group
  grpc::Status deep = call(nested);
  EXPECT_EQ(deep.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << deep.error_message();
  EXPECT_THAT(deep.error_message(), HasSubstr("bilateral.v1.CreateVisitRequest"));

  // A string that is not UTF-8: the request does not parse, and the error
  // names the field.
  v1::Visit bad_text = ValidVisit();
  std::string bytes = VisitRequestBytes(bad_text);
  const std::string name = "Hostile Tester";
  bytes.replace(bytes.find(name), 2, "\xc3\x28");
  grpc::Status utf8 = call(bytes);
  EXPECT_EQ(utf8.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << utf8.error_message();
  EXPECT_THAT(utf8.error_message(), HasSubstr("visit.visitor.name"));
  EXPECT_THAT(utf8.error_message(), HasSubstr("UTF-8"));

  // Wire type 7 does not exist; a message cut short.
  EXPECT_EQ(call(std::string("\x0f", 1)).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  std::string whole = VisitRequestBytes(ValidVisit());
  EXPECT_EQ(call(whole.substr(0, whole.size() - 3)).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  // A huge list and extreme numbers: field violations naming the fields.
  VisitClient visits(MakeVisitConnection(server_.client_options()));
  v1::Visit many = ValidVisit();
  for (int i = 0; i < 100000; ++i) many.add_cities("c");
  auto listed = visits.CreateVisit(many);
  EXPECT_EQ(listed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(listed.status().message(), HasSubstr("cities"));
  for (int year : {INT_MAX, INT_MIN, -1, 10000}) {
    v1::Visit extreme = ValidVisit();
    extreme.mutable_start_date()->set_year(year);
    extreme.set_reported_ordinal(INT_MIN);
    auto created = visits.CreateVisit(extreme);
    EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument) << year;
    EXPECT_THAT(created.status().message(), HasSubstr("start_date")) << year;
  }
  v1::ListVisitsRequest list;
  list.set_page_size(INT_MIN);
  grpc::ClientContext context;
  v1::ListVisitsResponse response;
  auto stub = v1::VisitService::NewStub(channel);
  EXPECT_EQ(stub->ListVisits(&context, list, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  ExpectServing();
  EXPECT_EQ(VisitCount(), before);
}

// A NUL, which PostgreSQL cannot store, is refused as a field violation on
// both stores, never a store error; and a field the server does not know is
// not stored.
TEST_F(HostileInputTest, NulCharactersAndUnknownFieldsAreRefusedOrDroppedNeverStored) {
  const int64_t before = VisitCount();
  VisitClient visits(MakeVisitConnection(server_.client_options()));
  v1::Visit nul = ValidVisit();
  nul.mutable_visitor()->set_name(std::string("before\0after", 12));
  auto created = visits.CreateVisit(nul);
  EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument) << created.status();
  EXPECT_THAT(created.status().message(), HasSubstr("visit.visitor.name"));
  for (auto& visit : visits.ListVisits(std::string("visitor.name = \"a\0b\"", 20))) {
    EXPECT_EQ(visit.status().code(), absl::StatusCode::kInvalidArgument) << visit.status();
    break;
  }
  v1::SearchRequest search;
  search.set_query(std::string("wind\0farm", 9));
  v1::SearchResponse found;
  grpc::ClientContext context;
  EXPECT_EQ(v1::SearchService::NewStub(Channel())->Search(&context, search, &found).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(VisitCount(), before);

  // 1 MiB in field 999, which no message has.
  v1::Visit unknown = ValidVisit();
  unknown.GetReflection()->MutableUnknownFields(&unknown)->AddLengthDelimited(
      999, std::string(1 << 20, 'x'));
  auto result = test::CallRaw(Channel(), "/bilateral.v1.VisitService/CreateVisit",
                              {VisitRequestBytes(unknown)});
  ASSERT_TRUE(result.status.ok()) << result.status.error_message();
  ASSERT_EQ(result.responses.size(), 1u);
  EXPECT_LT(result.responses[0].size(), 1024u);
  v1::Visit stored;
  ASSERT_TRUE(stored.ParseFromString(result.responses[0]));
  auto got = visits.GetVisit(stored.name());
  ASSERT_TRUE(got.ok());
  EXPECT_LT(got->ByteSizeLong(), 1024u);

  // None of it looked like a failing store.
  EXPECT_THAT(server_.server().RenderMetrics(), Not(HasSubstr("bilateral_store_errors_total{")));
}

TEST_F(HostileInputTest, SqlMetacharactersInFiltersAndQueriesAreJustText) {
  const int64_t before = VisitCount();
  VisitClient visits(MakeVisitConnection(server_.client_options()));
  for (const std::string value : {"x' OR '1'='1", "KZ\"); DROP TABLE visits; --", "%", "_", "\\\\",
                                  "'; DELETE FROM visits"}) {
    int found = 0;
    for (auto& visit : visits.ListVisits(absl::StrCat("visitor.name = \"", value, "\""))) {
      if (!visit.ok()) {
        EXPECT_EQ(visit.status().code(), absl::StatusCode::kInvalidArgument) << value;
        break;
      }
      ++found;
    }
    EXPECT_EQ(found, 0) << value;
  }
  auto search = v1::SearchService::NewStub(Channel());
  for (const std::string query :
       {"wind' OR 1=1 --", "\"wind\" OR \"farm\"", "NEAR(wind farm)", "wind*",
        "'; DROP TABLE "
        "search_index; --",
        "farm) OR (1=1"}) {
    v1::SearchRequest request;
    request.set_query(query);
    v1::SearchResponse response;
    grpc::ClientContext context;
    grpc::Status status = search->Search(&context, request, &response);
    EXPECT_TRUE(status.ok()) << query << ": " << status.error_message();
  }
  // The words still find what they should, and nothing was dropped.
  v1::SearchRequest wind;
  wind.set_query("wind farm");
  v1::SearchResponse found;
  grpc::ClientContext context;
  ASSERT_TRUE(search->Search(&context, wind, &found).ok());
  ASSERT_GT(found.results_size(), 0);
  EXPECT_EQ(found.results(0).name(), "infrastructureProjects/zhanatas-wind-farm");
  ExpectServing();
  EXPECT_EQ(VisitCount(), before);
}

}  // namespace
}  // namespace bilateral
