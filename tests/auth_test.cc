// End-to-end: API keys and roles on every method the server registers.
#include <grpcpp/grpcpp.h>

#include <map>

#include "api/access.h"
#include "api/api_keys.h"
#include "bilateral/v1/change.grpc.pb.h"
#include "bilateral/v1/visit.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "raw_call.h"
#include "test_server.h"

namespace bilateral {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

// The keys file of a test: one key per role, written before the server
// starts.
class Keys {
 public:
  Keys() {
    api::KeySet set;
    for (api::Role role : {api::Role::kReader, api::Role::kWriter, api::Role::kAdmin}) {
      auto made = api::GenerateKey(std::string(api::RoleName(role)), role);
      EXPECT_TRUE(made.ok());
      EXPECT_TRUE(set.Add(made->entry).ok());
      keys_[role] = made->key;
    }
    EXPECT_TRUE(set.Save(path()).ok());
  }
  std::string path() const { return dir_.File("keys"); }
  const std::string& key(api::Role role) { return keys_[role]; }

 private:
  test::TempDir dir_;
  std::map<api::Role, std::string> keys_;
};

server::ServerOptions WithKeys(const Keys& keys) {
  server::ServerOptions options;
  options.keys_file = keys.path();
  return options;
}

class AuthTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.status().ok()) << server_.status(); }

  std::shared_ptr<grpc::Channel> Channel() {
    return grpc::CreateChannel(server_.endpoint(), grpc::InsecureChannelCredentials());
  }

  Keys keys_;
  test::TestServer server_{true, WithKeys(keys_)};
};

struct Caller {
  std::string name;
  std::optional<api::Role> role;      // none: no valid key
  std::optional<std::string> header;  // the authorization metadata, if any
};

// Every RPC of every bilateral.v1 service the server lists through
// reflection, called with an empty request by each kind of caller. The rule
// is api::RequiredAccess, the same function the server enforces.
TEST_F(AuthTest, EveryMethodOfEveryServiceChecksTheKeyAndItsRole) {
  auto channel = Channel();
  std::vector<std::string> services = test::ReflectedServiceNames(channel);
  ASSERT_THAT(services, Contains(v1::VisitService::service_full_name()));

  const std::vector<Caller> callers = {
      {"no key", std::nullopt, std::nullopt},
      {"unknown key", std::nullopt, "Bearer bk_reader.not-the-secret"},
      {"not a bearer", std::nullopt, "Basic " + keys_.key(api::Role::kAdmin)},
      {"reader", api::Role::kReader, "Bearer " + keys_.key(api::Role::kReader)},
      {"writer", api::Role::kWriter, "Bearer " + keys_.key(api::Role::kWriter)},
      {"admin", api::Role::kAdmin, "Bearer " + keys_.key(api::Role::kAdmin)},
  };
  int methods = 0;
  for (const auto& service_name : services) {
    if (service_name.rfind("bilateral.v1.", 0) != 0) continue;
    const auto* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service_name);
    ASSERT_NE(service, nullptr) << service_name << " is served but not linked in";
    for (int i = 0; i < service->method_count(); ++i) {
      const std::string method = "/" + service_name + "/" + service->method(i)->name();
      const api::Access needed = api::RequiredAccess(method);
      ++methods;
      for (const auto& caller : callers) {
        std::vector<std::pair<std::string, std::string>> metadata;
        if (caller.header) metadata.emplace_back("authorization", *caller.header);
        // A stream that would never end is cut after its first message.
        auto result = test::CallRaw(channel, method, {""}, metadata, std::chrono::seconds(5),
                                    /*max_responses=*/1);
        const grpc::StatusCode code = result.status.error_code();
        const std::string where =
            method + " called with " + caller.name + ": " + result.status.error_message();
        if (!caller.role) {
          EXPECT_EQ(code, grpc::StatusCode::UNAUTHENTICATED) << where;
        } else if (!api::RoleAllows(*caller.role, needed)) {
          EXPECT_EQ(code, grpc::StatusCode::PERMISSION_DENIED) << where;
        } else {
          EXPECT_NE(code, grpc::StatusCode::UNAUTHENTICATED) << where;
          EXPECT_NE(code, grpc::StatusCode::PERMISSION_DENIED) << where;
          EXPECT_NE(code, grpc::StatusCode::UNIMPLEMENTED) << where;
        }
        for (api::Role role : {api::Role::kReader, api::Role::kWriter, api::Role::kAdmin}) {
          EXPECT_THAT(result.status.error_message(), Not(HasSubstr(keys_.key(role))));
        }
      }
    }
  }
  EXPECT_GE(methods, 6);
}

TEST_F(AuthTest, AReaderCanListButNotCreateAndIsRefusedBeforeExistenceIsChecked) {
  auto stub = v1::VisitService::NewStub(Channel());
  auto with_key = [&](grpc::ClientContext& context, api::Role role) {
    context.AddMetadata("authorization", "Bearer " + keys_.key(role));
  };
  {
    grpc::ClientContext context;
    with_key(context, api::Role::kReader);
    v1::ListVisitsRequest request;
    v1::ListVisitsResponse response;
    grpc::Status status = stub->ListVisits(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_GT(response.visits_size(), 0);
  }
  {
    grpc::ClientContext context;
    with_key(context, api::Role::kReader);
    v1::CreateVisitRequest request;
    request.mutable_visit()->set_host_country("KZ");
    v1::Visit response;
    grpc::Status status = stub->CreateVisit(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_THAT(status.error_message(), HasSubstr("reader"));
  }
  {
    // Deleting what does not exist is NOT_FOUND for a writer, but a reader
    // learns nothing about existence.
    grpc::ClientContext context;
    with_key(context, api::Role::kReader);
    v1::DeleteVisitRequest request;
    request.set_name("visits/no-such-visit");
    google::protobuf::Empty response;
    EXPECT_EQ(stub->DeleteVisit(&context, request, &response).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
    grpc::ClientContext writer;
    with_key(writer, api::Role::kWriter);
    EXPECT_EQ(stub->DeleteVisit(&writer, request, &response).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
}

// Revoking a key and reloading (SIGHUP) ends that key's open change streams;
// other keys' streams go on.
TEST_F(AuthTest, ReloadEndsTheChangeStreamsOfARevokedKey) {
  auto stub = v1::ChangeService::NewStub(Channel());
  v1::WatchChangesRequest request;
  grpc::ClientContext revoked_context;
  revoked_context.AddMetadata("authorization", "Bearer " + keys_.key(api::Role::kReader));
  // Long enough never to end a stream that the server ends: without the
  // reload ending it, the stream would stay open until this deadline.
  revoked_context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  auto revoked = stub->WatchChanges(&revoked_context, request);
  grpc::ClientContext kept_context;
  kept_context.AddMetadata("authorization", "Bearer " + keys_.key(api::Role::kAdmin));
  auto kept = stub->WatchChanges(&kept_context, request);
  revoked->WaitForInitialMetadata();
  kept->WaitForInitialMetadata();

  auto keys = api::KeySet::Load(keys_.path());
  ASSERT_TRUE(keys.ok());
  ASSERT_TRUE(keys->Remove(api::RoleName(api::Role::kReader)));
  ASSERT_TRUE(keys->Save(keys_.path()).ok());
  ASSERT_TRUE(server_.server().Reload().ok());

  v1::WatchChangesResponse response;
  while (revoked->Read(&response)) {
  }
  grpc::Status status = revoked->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("no longer accepted"));

  // The admin's stream still delivers the next change.
  auto visits = v1::VisitService::NewStub(Channel());
  grpc::ClientContext delete_context;
  delete_context.AddMetadata("authorization", "Bearer " + keys_.key(api::Role::kAdmin));
  v1::DeleteVisitRequest remove;
  remove.set_name("visits/xi-jinping-kz-2024");
  google::protobuf::Empty empty;
  ASSERT_TRUE(visits->DeleteVisit(&delete_context, remove, &empty).ok());
  bool delivered = false;
  while (!delivered && kept->Read(&response)) {
    for (const auto& event : response.events()) {
      delivered = delivered || event.name() == "visits/xi-jinping-kz-2024";
    }
  }
  EXPECT_TRUE(delivered);
  kept_context.TryCancel();
  kept->Finish();
}

// A request that does not parse is no way around the keys: the caller is
// authenticated and its role checked first; then it is INVALID_ARGUMENT,
// counted.
TEST_F(AuthTest, RequestsThatDoNotParseAreAuthenticatedFirstThenInvalidArgument) {
  auto channel = Channel();
  const std::string garbage("\x0a\x7f", 2);  // a field longer than the message
  const std::vector<std::pair<std::string, std::string>> reader = {
      {"authorization", "Bearer " + keys_.key(api::Role::kReader)}};
  const std::string list = "/bilateral.v1.VisitService/ListVisits";
  const std::string watch = "/bilateral.v1.ChangeService/WatchChanges";
  for (const auto& method : {list, watch}) {
    EXPECT_EQ(test::CallRaw(channel, method, {garbage}).status.error_code(),
              grpc::StatusCode::UNAUTHENTICATED)
        << method;
    auto refused = test::CallRaw(channel, method, {garbage}, reader);
    EXPECT_EQ(refused.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << method;
    EXPECT_THAT(refused.status.error_message(), HasSubstr("Request: its protobuf encoding"));
  }
  EXPECT_EQ(test::CallRaw(channel, "/bilateral.v1.VisitService/CreateVisit", {garbage}, reader)
                .status.error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(server_.server().RenderMetrics(),
              HasSubstr("bilateral_unparseable_requests_total{method=\""
                        "bilateral.v1.VisitService/ListVisits\"} 1"));
}

TEST_F(AuthTest, HealthAndReflectionNeedNoKey) {
  auto channel = Channel();
  auto health = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext context;
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  ASSERT_TRUE(health->Check(&context, request, &response).ok());
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  EXPECT_THAT(test::ReflectedServiceNames(channel),
              Contains(v1::VisitService::service_full_name()));
}

TEST(AuthOffTest, WithoutAKeysFileEveryCallerMayDoEverything) {
  test::TestServer server;
  ASSERT_TRUE(server.status().ok()) << server.status();
  auto stub = v1::VisitService::NewStub(
      grpc::CreateChannel(server.endpoint(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  v1::DeleteVisitRequest request;
  request.set_name("visits/no-such-visit");
  google::protobuf::Empty response;
  EXPECT_EQ(stub->DeleteVisit(&context, request, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST(AuthStartTest, AnUnreadableKeysFileStopsStartNamingIt) {
  server::ServerOptions options;
  options.keys_file = "/nonexistent/bilateral-keys";
  test::TestServer server(false, options);
  EXPECT_FALSE(server.status().ok());
  EXPECT_THAT(server.status().message(), HasSubstr("/nonexistent/bilateral-keys"));
}

}  // namespace
}  // namespace bilateral
