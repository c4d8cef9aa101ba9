// Where each setting comes from: per call, then the client's options, then
// the environment, then the defaults (bilateral/options.h). Checked on the
// resolved settings and, end to end, on what reaches a fake server.
#include <cstdlib>
#include <map>
#include <memory>
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

TEST(OptionsTest, EachOptionIsKeyedByItsType) {
  Options options;
  EXPECT_FALSE(options.has<ApiKeyOption>());
  EXPECT_EQ(options.get<ApiKeyOption>(), "");  // unset: a value-initialized one
  EXPECT_EQ(options.get<TimeoutOption>(), absl::ZeroDuration());
  options.set<ApiKeyOption>("key").set<EndpointOption>("host:1");
  EXPECT_TRUE(options.has<ApiKeyOption>());
  EXPECT_EQ(options.get<ApiKeyOption>(), "key");
  EXPECT_EQ(options.get<EndpointOption>(), "host:1");
  // Two options of the same value type stay apart.
  EXPECT_FALSE(options.has<TlsCaFileOption>());
  options.unset<ApiKeyOption>();
  EXPECT_FALSE(options.has<ApiKeyOption>());
  EXPECT_EQ(options.get<EndpointOption>(), "host:1");
}

// An option that the SDK does not know: users may add their own.
struct ColourOption {
  using Type = std::string;
};

TEST(OptionsTest, AnyTypeWithAValueTypeIsAnOptionAndCopiesAreIndependent) {
  Options options;
  options.set<ColourOption>("red");
  Options copy = options;
  copy.set<ColourOption>("blue");
  EXPECT_EQ(options.get<ColourOption>(), "red");
  EXPECT_EQ(copy.get<ColourOption>(), "blue");
}

TEST(OptionsTest, MergeKeepsThePreferredAndFillsTheRest) {
  Options call;
  call.set<TimeoutOption>(absl::Seconds(2));
  Options connection;
  connection.set<TimeoutOption>(absl::Seconds(30)).set<ApiKeyOption>("key");
  Options merged = MergeOptions(call, connection);
  EXPECT_EQ(merged.get<TimeoutOption>(), absl::Seconds(2));
  EXPECT_EQ(merged.get<ApiKeyOption>(), "key");
  // A set empty value is a value: a call's empty key replaces the client's.
  call.set<ApiKeyOption>("");
  EXPECT_EQ(MergeOptions(call, connection).get<ApiKeyOption>(), "");
}

TEST(OptionsTest, ClientOptionsSetWhatTheyGive) {
  ClientOptions client;
  Options options = client;
  EXPECT_FALSE(options.has<EndpointOption>());
  EXPECT_FALSE(options.has<ApiKeyOption>());  // empty: the environment may give it
  EXPECT_FALSE(options.has<GrpcCredentialsOption>());
  EXPECT_EQ(options.get<TimeoutOption>(), absl::Seconds(30));
  client.endpoint = "host:1";
  client.api_key = "key";
  client.tls_ca_file = "ca.pem";
  client.timeout = absl::Seconds(7);
  client.retry.max_attempts = 3;
  client.retry.budget = absl::Seconds(9);
  options = client;
  EXPECT_EQ(options.get<EndpointOption>(), "host:1");
  EXPECT_EQ(options.get<ApiKeyOption>(), "key");
  EXPECT_EQ(options.get<TlsCaFileOption>(), "ca.pem");
  EXPECT_EQ(options.get<TimeoutOption>(), absl::Seconds(7));
  auto retry =
      std::dynamic_pointer_cast<const LimitedRetryPolicy>(options.get<RetryPolicyOption>());
  ASSERT_NE(retry, nullptr);
  EXPECT_EQ(retry->max_failures(), 2);
  EXPECT_EQ(retry->max_duration(), absl::Seconds(9));
}

TEST(OptionsTest, CallOptionsSetOnlyWhatIsSet) {
  CallOptions call;
  Options options = call;
  EXPECT_FALSE(options.has<TimeoutOption>());
  EXPECT_FALSE(options.has<RetryPolicyOption>());
  EXPECT_FALSE(options.has<ApiKeyOption>());
  call.timeout = absl::Seconds(3);
  call.api_key = "";
  call.retry = RetryOptions::None();
  options = call;
  EXPECT_EQ(options.get<TimeoutOption>(), absl::Seconds(3));
  EXPECT_TRUE(options.has<ApiKeyOption>());
  auto retry =
      std::dynamic_pointer_cast<const LimitedRetryPolicy>(options.get<RetryPolicyOption>());
  ASSERT_NE(retry, nullptr);
  EXPECT_EQ(retry->max_failures(), 0);
}

TEST(ConnectionOptionsTest, PerCallOverConnectionOverEnvironmentOverDefault) {
  ScopedEnvironment environment;
  Options defaults = internal::ConnectionOptions(Options());
  EXPECT_EQ(defaults.get<TimeoutOption>(), absl::Seconds(30));
  auto retry =
      std::dynamic_pointer_cast<const LimitedRetryPolicy>(defaults.get<RetryPolicyOption>());
  ASSERT_NE(retry, nullptr);
  EXPECT_EQ(retry->max_failures(), 4);
  EXPECT_EQ(retry->max_duration(), absl::Seconds(60));
  EXPECT_NE(defaults.get<BackoffPolicyOption>(), nullptr);
  EXPECT_FALSE(defaults.has<ApiKeyOption>());

  environment.Set("BILATERAL_API_KEY", "env-key");
  EXPECT_EQ(internal::ConnectionOptions(Options()).get<ApiKeyOption>(), "env-key");
  // An empty key given to the connection counts as none given.
  EXPECT_EQ(internal::ConnectionOptions(Options().set<ApiKeyOption>("")).get<ApiKeyOption>(),
            "env-key");

  Options connection = internal::ConnectionOptions(
      Options().set<ApiKeyOption>("client-key").set<TimeoutOption>(absl::Seconds(7)));
  EXPECT_EQ(connection.get<ApiKeyOption>(), "client-key");
  EXPECT_EQ(connection.get<TimeoutOption>(), absl::Seconds(7));

  // Per call, only what is set changes.
  Options merged = internal::ForCall(Options().set<TimeoutOption>(absl::Seconds(3)), connection);
  EXPECT_EQ(merged.get<TimeoutOption>(), absl::Seconds(3));
  EXPECT_EQ(merged.get<ApiKeyOption>(), "client-key");
  merged = internal::ForCall(Options().set<ApiKeyOption>("call-key"), connection);
  EXPECT_EQ(merged.get<ApiKeyOption>(), "call-key");
}

TEST(ConnectionOptionsTest, NullPoliciesCountAsUnset) {
  Options options = internal::ConnectionOptions(
      Options().set<RetryPolicyOption>(nullptr).set<BackoffPolicyOption>(nullptr));
  EXPECT_NE(options.get<RetryPolicyOption>(), nullptr);
  EXPECT_NE(options.get<BackoffPolicyOption>(), nullptr);
}

// End to end: what a fake server receives.
class OptionsOnTheWireTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.ok()); }

  ClientOptions WireOptions() {
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
  ClientOptions options = WireOptions();
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
  ASSERT_TRUE(VisitClient(MakeVisitConnection(WireOptions())).GetVisit("visits/v1").ok());
  EXPECT_THAT(LastCall().user_agent, ::testing::StartsWith(std::string("bilateral-cpp/") +
                                                           BILATERAL_CLIENT_VERSION + " "));
}

TEST_F(OptionsOnTheWireTest, EndpointFromTheEnvironmentIsUsedOnlyWhenTheClientGivesNone) {
  environment_.Set("BILATERAL_ENDPOINT", server_.endpoint());
  ClientOptions options = WireOptions();
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
  VisitClient defaults(MakeVisitConnection(WireOptions()));
  ASSERT_TRUE(defaults.GetVisit("visits/v1").ok());
  EXPECT_LE(LastCall().time_left, std::chrono::seconds(100));

  ClientOptions options = WireOptions();
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

TEST_F(OptionsOnTheWireTest, OptionsKeyedByTypeReachTheServerClientOverConnection) {
  Options connection;
  connection.set<EndpointOption>(server_.endpoint()).set<ApiKeyOption>("connection-key");
  VisitClient plain(MakeVisitConnection(connection));
  ASSERT_TRUE(plain.GetVisit("visits/v1").ok());
  EXPECT_EQ(LastCall().authorization, "Bearer connection-key");

  VisitClient visits(MakeVisitConnection(connection), Options().set<ApiKeyOption>("client-key"));
  ASSERT_TRUE(visits.GetVisit("visits/v1").ok());
  EXPECT_EQ(LastCall().authorization, "Bearer client-key");
  ASSERT_TRUE(visits.GetVisit("visits/v1", Options().set<ApiKeyOption>("call-key")).ok());
  EXPECT_EQ(LastCall().authorization, "Bearer call-key");
  // A call's empty key sends none.
  ASSERT_TRUE(visits.GetVisit("visits/v1", Options().set<ApiKeyOption>("")).ok());
  EXPECT_EQ(LastCall().authorization, "");
}

}  // namespace
}  // namespace bilateral
