// Where each setting comes from: per call, then the client's options, then
// the environment, then the defaults (bilateral/options.h). Checked on the
// resolved settings and, end to end, on what reaches a fake server.
#include <cstdlib>
#include <map>
#include <optional>
#include <string>

#include "bilateral/visit_client.h"
#include "fake_server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "settings.h"

namespace bilateral {
namespace {

using ::testing::HasSubstr;

// Sets environment variables for one test and restores them after it.
class ScopedEnvironment {
 public:
  ScopedEnvironment() { testing::ClearSdkEnvironment(); }
  ~ScopedEnvironment() {
    for (const auto& [name, value] : saved_) {
      if (value.has_value()) {
        setenv(name.c_str(), value->c_str(), 1);
      } else {
        unsetenv(name.c_str());
      }
    }
  }
  ScopedEnvironment(const ScopedEnvironment&) = delete;
  ScopedEnvironment& operator=(const ScopedEnvironment&) = delete;

  void Set(const std::string& name, const std::string& value) {
    Save(name);
    setenv(name.c_str(), value.c_str(), 1);
  }
  void Unset(const std::string& name) {
    Save(name);
    unsetenv(name.c_str());
  }

 private:
  void Save(const std::string& name) {
    if (saved_.count(name) > 0) return;
    const char* value = std::getenv(name.c_str());
    saved_[name] = value != nullptr ? std::optional<std::string>(value) : std::nullopt;
  }
  std::map<std::string, std::optional<std::string>> saved_;
};

TEST(ChannelSettingsTest, EndpointComesFromTheClientThenTheEnvironmentThenTheDefault) {
  ScopedEnvironment environment;
  ClientOptions options;
  EXPECT_EQ(internal::ResolveChannelSettings(options)->endpoint, "127.0.0.1:50051");
  environment.Set("BILATERAL_ENDPOINT", "from-env:1");
  EXPECT_EQ(internal::ResolveChannelSettings(options)->endpoint, "from-env:1");
  options.endpoint = "from-client:2";
  EXPECT_EQ(internal::ResolveChannelSettings(options)->endpoint, "from-client:2");
  // An empty variable counts as unset.
  environment.Set("BILATERAL_ENDPOINT", "");
  EXPECT_EQ(internal::ResolveChannelSettings(ClientOptions{})->endpoint, "127.0.0.1:50051");
}

TEST(ChannelSettingsTest, EachTlsFileComesFromTheClientElseTheEnvironment) {
  ScopedEnvironment environment;
  EXPECT_FALSE(internal::ResolveChannelSettings(ClientOptions{})->tls());
  environment.Set("BILATERAL_TLS_CA_FILE", "env-ca.pem");
  environment.Set("BILATERAL_TLS_CERT_FILE", "env-cert.pem");
  environment.Set("BILATERAL_TLS_KEY_FILE", "env-key.pem");
  ClientOptions options;
  options.tls_cert_file = "client-cert.pem";
  auto settings = internal::ResolveChannelSettings(options);
  ASSERT_TRUE(settings.ok()) << settings.status();
  EXPECT_TRUE(settings->tls());
  EXPECT_EQ(settings->tls_ca_file, "env-ca.pem");
  EXPECT_EQ(settings->tls_cert_file, "client-cert.pem");
  EXPECT_EQ(settings->tls_key_file, "env-key.pem");
}

TEST(ChannelSettingsTest, ExplicitCredentialsIgnoreTheTlsVariables) {
  ScopedEnvironment environment;
  environment.Set("BILATERAL_TLS_CA_FILE", "env-ca.pem");
  ClientOptions options;
  options.credentials = grpc::InsecureChannelCredentials();
  auto settings = internal::ResolveChannelSettings(options);
  ASSERT_TRUE(settings.ok()) << settings.status();
  EXPECT_FALSE(settings->tls());

  options.tls_ca_file = "ca.pem";
  EXPECT_EQ(internal::ResolveChannelSettings(options).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ChannelSettingsTest, ACertificateNeedsItsKeyWhereverEachComesFrom) {
  ScopedEnvironment environment;
  ClientOptions options;
  options.tls_cert_file = "cert.pem";
  auto settings = internal::ResolveChannelSettings(options);
  EXPECT_EQ(settings.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(settings.status().message(), HasSubstr("tls_key_file"));
  environment.Set("BILATERAL_TLS_KEY_FILE", "key.pem");
  EXPECT_TRUE(internal::ResolveChannelSettings(options).ok());
}

TEST(CallSettingsTest, PerCallOverClientOverEnvironmentOverDefault) {
  ScopedEnvironment environment;
  ClientOptions options;
  internal::CallSettings defaults = internal::ConnectionCallSettings(options);
  EXPECT_EQ(defaults.timeout, absl::Seconds(30));
  EXPECT_EQ(defaults.retry.max_attempts, 5);
  EXPECT_EQ(defaults.api_key, "");

  environment.Set("BILATERAL_API_KEY", "env-key");
  EXPECT_EQ(internal::ConnectionCallSettings(options).api_key, "env-key");

  options.api_key = "client-key";
  options.timeout = absl::Seconds(7);
  options.retry.max_attempts = 2;
  internal::CallSettings client = internal::ConnectionCallSettings(options);
  EXPECT_EQ(client.api_key, "client-key");
  EXPECT_EQ(client.timeout, absl::Seconds(7));
  EXPECT_EQ(client.retry.max_attempts, 2);

  // Per call, only what is set changes.
  CallOptions call;
  call.timeout = absl::Seconds(3);
  internal::CallSettings merged = internal::ForCall(client, call);
  EXPECT_EQ(merged.timeout, absl::Seconds(3));
  EXPECT_EQ(merged.api_key, "client-key");
  EXPECT_EQ(merged.retry.max_attempts, 2);
  call.api_key = "call-key";
  call.retry = RetryOptions::None();
  merged = internal::ForCall(client, call);
  EXPECT_EQ(merged.api_key, "call-key");
  EXPECT_EQ(merged.retry.max_attempts, 1);
}

// End to end: what a fake server receives.
class OptionsOnTheWireTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.ok()); }

  ClientOptions Options() {
    ClientOptions options;
    options.endpoint = server_.endpoint();
    options.retry = RetryOptions::None();
    return options;
  }
  testing::ReceivedCall LastCall() { return server_.service().calls().back(); }

  ScopedEnvironment environment_;
  testing::FakeServer server_;
};

TEST_F(OptionsOnTheWireTest, ApiKeyPrecedenceReachesTheServer) {
  ClientOptions options = Options();
  ASSERT_TRUE(VisitClient(MakeVisitConnection(options)).GetVisit("visits/v1").ok());
  EXPECT_EQ(LastCall().authorization, "");  // no key anywhere: no metadata

  environment_.Set("BILATERAL_API_KEY", "env-key");
  ASSERT_TRUE(VisitClient(MakeVisitConnection(options)).GetVisit("visits/v1").ok());
  EXPECT_EQ(LastCall().authorization, "Bearer env-key");

  options.api_key = "client-key";
  VisitClient visits(MakeVisitConnection(options));
  ASSERT_TRUE(visits.GetVisit("visits/v1").ok());
  EXPECT_EQ(LastCall().authorization, "Bearer client-key");

  CallOptions call;
  call.api_key = "call-key";
  ASSERT_TRUE(visits.GetVisit("visits/v1", call).ok());
  EXPECT_EQ(LastCall().authorization, "Bearer call-key");
  // Every page of a List carries it too.
  for (auto& visit : visits.ListVisits("", "", call)) ASSERT_TRUE(visit.ok());
  for (const auto& received : server_.service().calls()) {
    if (received.method == "ListVisits") {
      EXPECT_EQ(received.authorization, "Bearer call-key");
    }
  }
}

TEST_F(OptionsOnTheWireTest, CallsNameTheSdkAndItsVersionAsUserAgent) {
  ASSERT_TRUE(VisitClient(MakeVisitConnection(Options())).GetVisit("visits/v1").ok());
  EXPECT_THAT(LastCall().user_agent,
              ::testing::StartsWith(std::string("bilateral-cpp/") + BILATERAL_CLIENT_VERSION + " "));
}

TEST_F(OptionsOnTheWireTest, EndpointFromTheEnvironmentIsUsedOnlyWhenTheClientGivesNone) {
  environment_.Set("BILATERAL_ENDPOINT", server_.endpoint());
  ClientOptions options = Options();
  options.endpoint = "";
  EXPECT_TRUE(VisitClient(MakeVisitConnection(options)).GetVisit("visits/v1").ok());

  options.endpoint = "127.0.0.1:1";  // nothing listens there
  options.timeout = absl::Seconds(5);
  EXPECT_EQ(VisitClient(MakeVisitConnection(options)).GetVisit("visits/v1").status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(server_.service().calls().size(), 1u);
}

TEST_F(OptionsOnTheWireTest, DeadlineIsPerCallElseClientElseDefault) {
  // gRPC rounds a deadline on the wire up, and the bounds are wide besides:
  // each only tells which of 30 s, 300 s and 3000 s was set.
  VisitClient defaults(MakeVisitConnection(Options()));
  ASSERT_TRUE(defaults.GetVisit("visits/v1").ok());
  EXPECT_LE(LastCall().time_left, std::chrono::seconds(100));

  ClientOptions options = Options();
  options.timeout = absl::Seconds(300);
  VisitClient visits(MakeVisitConnection(options));
  ASSERT_TRUE(visits.GetVisit("visits/v1").ok());
  EXPECT_GT(LastCall().time_left, std::chrono::seconds(100));
  EXPECT_LE(LastCall().time_left, std::chrono::seconds(1000));

  CallOptions call;
  call.timeout = absl::Seconds(3000);
  ASSERT_TRUE(visits.GetVisit("visits/v1", call).ok());
  EXPECT_GT(LastCall().time_left, std::chrono::seconds(1000));
}

}  // namespace
}  // namespace bilateral
