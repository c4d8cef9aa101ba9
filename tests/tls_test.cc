// End-to-end: TLS and mutual TLS on the gRPC port, and certificates
// replaced while the server runs.
#include <grpcpp/grpcpp.h>

#include <cstdio>

#include "certificates.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "test_server.h"

namespace bilateral {
namespace {

using ::testing::HasSubstr;

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(test::MakeCertificateAuthority(dir_.path(), "ca"));
    ASSERT_TRUE(test::MakeCertificateAuthority(dir_.path(), "other-ca"));
    ASSERT_TRUE(test::MakeCertificate(dir_.path(), "server", "ca"));
    ASSERT_TRUE(test::MakeCertificate(dir_.path(), "client", "ca"));
    ASSERT_TRUE(test::MakeCertificate(dir_.path(), "stranger", "other-ca"));
  }

  std::string File(const std::string& name) const { return dir_.File(name); }

  server::ServerOptions TlsOptions(bool mutual) const {
    server::ServerOptions options;
    options.tls.cert_file = File("server.pem");
    options.tls.key_file = File("server.key");
    if (mutual) options.tls.client_ca_file = File("ca.pem");
    return options;
  }

  // A health check over a fresh connection trusting `ca`, presenting the
  // certificate `client` (none when empty).
  static grpc::Status Check(const test::TestServer& server, const std::string& ca_pem,
                            const std::string& client = "", const test::TempDir* dir = nullptr) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = ca_pem;
    if (!client.empty()) {
      ssl.pem_private_key = test::ReadText(dir->File(client + ".key"));
      ssl.pem_cert_chain = test::ReadText(dir->File(client + ".pem"));
    }
    grpc::ChannelArguments arguments;
    arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    auto stub = grpc::health::v1::Health::NewStub(
        grpc::CreateCustomChannel(server.endpoint(), grpc::SslCredentials(ssl), arguments));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse response;
    return stub->Check(&context, request, &response);
  }

  test::TempDir dir_;
};

TEST_F(TlsTest, AClientTrustingTheCaConnectsAndOneTrustingAnotherCaIsRejected) {
  test::TestServer server(false, TlsOptions(false));
  ASSERT_TRUE(server.status().ok()) << server.status();
  EXPECT_TRUE(Check(server, test::ReadText(File("ca.pem"))).ok());
  EXPECT_EQ(Check(server, test::ReadText(File("other-ca.pem"))).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  auto plaintext = grpc::health::v1::Health::NewStub(
      grpc::CreateChannel(server.endpoint(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  grpc::health::v1::HealthCheckResponse response;
  EXPECT_FALSE(plaintext->Check(&context, {}, &response).ok());
}

TEST_F(TlsTest, MutualTlsRequiresAClientCertificateFromTheClientCa) {
  test::TestServer server(false, TlsOptions(true));
  ASSERT_TRUE(server.status().ok()) << server.status();
  const std::string ca = test::ReadText(File("ca.pem"));
  EXPECT_TRUE(Check(server, ca, "client", &dir_).ok());
  EXPECT_EQ(Check(server, ca).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(Check(server, ca, "stranger", &dir_).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, ReloadServesReplacedCertificatesAndKeepsThemWhenTheNewOnesAreBad) {
  test::TestServer server(false, TlsOptions(false));
  ASSERT_TRUE(server.status().ok()) << server.status();
  const std::string ca = test::ReadText(File("ca.pem"));
  const std::string other_ca = test::ReadText(File("other-ca.pem"));
  ASSERT_TRUE(Check(server, ca).ok());

  // The operator replaces the files (each by a rename), then reloads.
  ASSERT_TRUE(test::MakeCertificate(dir_.path(), "renewed", "other-ca"));
  ASSERT_EQ(std::rename(File("renewed.key").c_str(), File("server.key").c_str()), 0);
  ASSERT_EQ(std::rename(File("renewed.pem").c_str(), File("server.pem").c_str()), 0);
  ASSERT_TRUE(server.server().Reload().ok());
  EXPECT_TRUE(Check(server, other_ca).ok());
  EXPECT_EQ(Check(server, ca).error_code(), grpc::StatusCode::UNAVAILABLE);

  // A key that does not match the certificate is refused; the renewed
  // certificate stays in use.
  ASSERT_EQ(std::rename(File("client.key").c_str(), File("server.key").c_str()), 0);
  absl::Status reload = server.server().Reload();
  EXPECT_FALSE(reload.ok());
  EXPECT_THAT(reload.message(), HasSubstr("does not match"));
  EXPECT_TRUE(Check(server, other_ca).ok());
}

TEST_F(TlsTest, MismatchedOrMissingFilesStopStartNamingTheFile) {
  server::ServerOptions options = TlsOptions(false);
  options.tls.key_file = File("client.key");
  test::TestServer mismatched(false, options);
  EXPECT_THAT(mismatched.status().message(), HasSubstr("does not match"));
  options.tls.key_file = File("missing.key");
  test::TestServer missing(false, options);
  EXPECT_THAT(missing.status().message(), HasSubstr("missing.key"));
}

}  // namespace
}  // namespace bilateral
