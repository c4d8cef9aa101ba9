// End-to-end: the real server on a loopback port, called through the SDK.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "bilateral/source_client.h"
#include "bilateral/status.h"
#include "bilateral/visit_client.h"
#include "domain/resources.h"
#include "gmock/gmock.h"
#include "google/protobuf/unknown_field_set.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "test_server.h"

namespace bilateral {
namespace {

// The call the test's work is for: no deadline, never cancelled.
const CallContext kCall;

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Every record of a range, failing the test on an error.
template <typename T>
std::vector<T> Collect(PaginatedRange<T> range) {
  std::vector<T> items;
  for (auto& item : range) {
    EXPECT_TRUE(item.ok()) << item.status();
    if (!item.ok()) break;
    items.push_back(std::move(*item));
  }
  return items;
}

template <typename T>
std::vector<std::string> Names(const std::vector<T>& items) {
  std::vector<std::string> names;
  for (const auto& item : items) names.push_back(item.name());
  return names;
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.status().ok()) << server_.status(); }

  v1::Visit NewVisit() {
    v1::Visit visit;
    visit.mutable_visitor()->set_name("Kassym-Jomart Tokayev");
    visit.mutable_visitor()->set_country("KZ");
    visit.set_host_country("CN");
    visit.mutable_start_date()->set_year(2019);
    auto* citation = visit.add_citations();
    citation->set_source("sources/xi-kazakhstan-sco-2024");
    citation->set_quote("During Tokayev’s visit to China in 2019");
    return visit;
  }

  test::TestServer server_;
  VisitClient visits_{MakeVisitConnection(server_.client_options())};
  SourceClient sources_{MakeSourceConnection(server_.client_options())};
};

TEST_F(ServerTest, SeedVisitsToKazakhstanListInDateOrderWithCitations) {
  auto listed = Collect(visits_.ListVisits("host_country=\"countries/KZ\"", "start_date"));
  EXPECT_THAT(Names(listed),
              ElementsAre("visits/xi-jinping-kz-2013", "visits/xi-jinping-kz-2022-09",
                          "visits/xi-jinping-kz-2024"));
  for (const auto& visit : listed) {
    ASSERT_FALSE(visit.citations().empty()) << visit.name();
    EXPECT_EQ(visit.citations(0).source(), "sources/xi-kazakhstan-sco-2024");
  }
  EXPECT_EQ(listed[2].reported_ordinal(), 5);
  EXPECT_THAT(listed[2].occasions(),
              ElementsAre("24th Meeting of the Council of Heads of State of the "
                          "Shanghai Cooperation Organization (SCO)"));
  EXPECT_EQ(listed[1].start_date().month(), 9);
  EXPECT_EQ(listed[0].start_date().month(), 0);  // the article gives only the year
}

TEST_F(ServerTest, EverySeedQuoteIsVerbatimInTheArticle) {
  std::ifstream file(BILATERAL_ARTICLE_PATH);
  std::stringstream article;
  article << file.rdbuf();
  ASSERT_FALSE(article.str().empty());
  auto listed = Collect(visits_.ListVisits());
  EXPECT_EQ(listed.size(), 4u);
  for (const auto& visit : listed) {
    for (const auto& citation : visit.citations()) {
      EXPECT_THAT(article.str(), HasSubstr(citation.quote())) << visit.name();
    }
  }
  auto source = sources_.GetSource("sources/xi-kazakhstan-sco-2024");
  ASSERT_TRUE(source.ok()) << source.status();
  EXPECT_EQ(source->title(),
            "President Xi Arrives in Kazakhstan to Participate in the SCO Summit "
            "and Strengthen Cooperation");
}

TEST_F(ServerTest, MalformedFilterIsInvalidArgumentNamingTheProblem) {
  std::vector<absl::Status> errors;
  for (auto& visit : visits_.ListVisits("host_country=(", "")) {
    if (!visit.ok()) errors.push_back(visit.status());
  }
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].code(), absl::StatusCode::kInvalidArgument);
  auto violations = FieldViolations(errors[0]);
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field, "filter");
  EXPECT_THAT(violations[0].description, HasSubstr("position"));
  EXPECT_EQ(ErrorReason(errors[0]), "FIELD_VIOLATION");
}

TEST_F(ServerTest, RangeWalksEveryPage) {
  for (int i = 0; i < 7; ++i) {
    ASSERT_TRUE(visits_.CreateVisit(NewVisit()).ok());
  }
  v1::ListVisitsRequest request;
  request.set_page_size(2);
  request.set_filter("visitor.name = \"Kassym-Jomart*\"");
  EXPECT_EQ(Collect(visits_.ListVisits(request)).size(), 8u);
}

TEST_F(ServerTest, CreateGetUpdateDeleteRoundTrip) {
  auto created = visits_.CreateVisit(NewVisit(), "tokayev-2019-extra");
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->host_country(), "countries/CN");
  EXPECT_EQ(visits_.CreateVisit(NewVisit(), "tokayev-2019-extra").status().code(),
            absl::StatusCode::kAlreadyExists);

  v1::UpdateVisitRequest update;
  *update.mutable_visit() = *created;
  update.mutable_visit()->set_kind(v1::VISIT_KIND_STATE);
  update.mutable_update_mask()->add_paths("kind");
  auto updated = visits_.UpdateVisit(update);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->kind(), v1::VISIT_KIND_STATE);

  // The request still carries the first etag: stale now.
  auto stale = visits_.UpdateVisit(update);
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(ErrorReason(stale.status()), "ETAG_MISMATCH");

  EXPECT_TRUE(visits_.DeleteVisit(created->name(), updated->etag()).ok());
  auto gone = visits_.GetVisit(created->name());
  EXPECT_EQ(gone.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ErrorReason(gone.status()), "RESOURCE_NOT_FOUND");
}

TEST_F(ServerTest, ValidationErrorsArriveAsFieldViolations) {
  v1::Visit visit = NewVisit();
  visit.clear_host_country();
  visit.mutable_start_date()->set_month(13);
  auto created = visits_.CreateVisit(visit);
  EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  std::vector<std::string> fields;
  for (const auto& violation : FieldViolations(created.status())) {
    fields.push_back(violation.field);
  }
  EXPECT_THAT(fields, ElementsAre("visit.host_country", "visit.start_date.month"));
}

TEST_F(ServerTest, RetriedCreateWithRequestIdReturnsTheFirstVisit) {
  v1::CreateVisitRequest request;
  *request.mutable_visit() = NewVisit();
  request.set_request_id("9b2f7c1e-7d4e-4f1a-a1de-2b3c4d5e6f70");
  auto first = visits_.CreateVisit(request);
  auto retry = visits_.CreateVisit(request);
  ASSERT_TRUE(first.ok() && retry.ok());
  EXPECT_EQ(first->name(), retry->name());
  EXPECT_EQ(first->etag(), retry->etag());
  EXPECT_EQ(Collect(visits_.ListVisits("visitor.name = \"Kassym-Jomart Tokayev\"", "")).size(), 2u);
}

TEST_F(ServerTest, HealthServiceAnswersServing) {
  auto stub = grpc::health::v1::Health::NewStub(
      grpc::CreateChannel(server_.endpoint(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  ASSERT_TRUE(stub->Check(&context, request, &response).ok());
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

// Lists services through server reflection with a hand-built request, so
// the test needs no generated reflection code.
std::vector<std::string> ReflectedServices(const std::string& endpoint) {
  grpc::GenericStub stub(grpc::CreateChannel(endpoint, grpc::InsecureChannelCredentials()));
  grpc::CompletionQueue queue;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  auto call = stub.PrepareCall(
      &context, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &queue);
  void* tag;
  bool ok;
  auto step = [&] { return queue.Next(&tag, &ok) && ok; };
  call->StartCall(nullptr);
  if (!step()) return {};
  // ServerReflectionRequest{list_services: ""}: field 7, length 0.
  grpc::Slice request_slice(std::string("\x3a\x00", 2));
  grpc::ByteBuffer request(&request_slice, 1);
  call->Write(request, nullptr);
  if (!step()) return {};
  grpc::ByteBuffer response;
  call->Read(&response, nullptr);
  if (!step()) return {};
  std::vector<grpc::Slice> slices;
  response.Dump(&slices).IgnoreError();
  std::string bytes;
  for (const auto& slice : slices) {
    bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  call->WritesDone(nullptr);
  step();
  grpc::Status status;
  call->Finish(&status, nullptr);
  step();

  // ServerReflectionResponse.list_services_response (6) holds repeated
  // ServiceResponse (1), each with its name (1).
  std::vector<std::string> names;
  google::protobuf::UnknownFieldSet fields;
  if (!fields.ParseFromString(bytes)) return names;
  for (int i = 0; i < fields.field_count(); ++i) {
    if (fields.field(i).number() != 6) continue;
    google::protobuf::UnknownFieldSet list;
    list.ParseFromString(fields.field(i).length_delimited());
    for (int j = 0; j < list.field_count(); ++j) {
      google::protobuf::UnknownFieldSet service;
      service.ParseFromString(list.field(j).length_delimited());
      if (service.field_count() > 0) names.push_back(service.field(0).length_delimited());
    }
  }
  return names;
}

TEST_F(ServerTest, ReflectionListsTheServices) {
  auto names = ReflectedServices(server_.endpoint());
  EXPECT_THAT(names, Contains("bilateral.v1.VisitService"));
  EXPECT_THAT(names, Contains("bilateral.v1.SourceService"));
}

// Health answers for every API service by name, as for the server as a
// whole.
TEST(ServerHealthTest, EveryApiServiceHasAHealthStatusThatFollowsTheServer) {
  test::TestServer server;
  ASSERT_TRUE(server.status().ok()) << server.status();
  auto stub = grpc::health::v1::Health::NewStub(
      grpc::CreateChannel(server.endpoint(), grpc::InsecureChannelCredentials()));
  auto status_of = [&](const std::string& service) {
    grpc::ClientContext context;
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    grpc::health::v1::HealthCheckResponse response;
    grpc::Status status = stub->Check(&context, request, &response);
    return status.ok()
               ? grpc::health::v1::HealthCheckResponse::ServingStatus_Name(response.status())
               : absl::StrCat("error ", status.error_code(), ": ", status.error_message());
  };
  std::vector<std::string> services;
  for (const auto& name : ReflectedServices(server.endpoint())) {
    if (absl::StartsWith(name, "bilateral.v1.")) services.push_back(name);
  }
  ASSERT_GE(services.size(), 12u) << "reflection lists the API's services";
  for (const auto& service : services) EXPECT_EQ(status_of(service), "SERVING") << service;
  EXPECT_THAT(status_of("bilateral.v1.NoSuchService"), ::testing::HasSubstr("error 5"));

  // That each follows the server (NOT_SERVING while its store is down):
  // ReplicasTest.HealthIsNotServingWhileTheDatabaseIsDownAndRecoversByItself.
}

TEST(ServerLimitsTest, CallsPastTheInFlightLimitAreResourceExhausted) {
  server::ServerOptions options;
  options.max_in_flight = 0;
  test::TestServer server(true, options);
  ASSERT_TRUE(server.status().ok()) << server.status();
  VisitClient visits(MakeVisitConnection(server.client_options()));
  EXPECT_EQ(visits.GetVisit("visits/xi-jinping-kz-2013").status().code(),
            absl::StatusCode::kResourceExhausted);
}

TEST(ServerSeedTest, SeedLoadsOnlyIntoAnEmptyStore) {
  test::TempDir dir;
  auto store = store::OpenSqliteStore(dir.File("seed.db"), store::SqliteOptions{});
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE(server::SeedIfEmpty(**store).ok());
  const auto& visits = domain::Resource<v1::Visit>::Collection();
  EXPECT_EQ(*(*store)->Count(kCall, visits), 4);
  ASSERT_TRUE((*store)->Delete(kCall, visits, "xi-jinping-kz-2013", "").ok());
  ASSERT_TRUE(server::SeedIfEmpty(**store).ok());
  EXPECT_EQ(*(*store)->Count(kCall, visits), 3);  // a user's deletion stays deleted
}

}  // namespace
}  // namespace bilateral
