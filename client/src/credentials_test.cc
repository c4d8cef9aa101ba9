// Credentials as the SDK sends them: TLS against the CA a client names,
// mutual TLS with a client certificate, and the errors of unusable TLS
// settings. The fake server here speaks TLS with throwaway certificates that
// the openssl command makes in a temporary directory.
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "bilateral/visit_client.h"
#include "fake_server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace bilateral {
namespace {

using ::testing::HasSubstr;

namespace fs = std::filesystem;

std::string ReadText(const fs::path& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

bool Run(const std::string& command) {
  return std::system((command + " >/dev/null 2>&1").c_str()) == 0;
}

// Certificates in a fresh temporary directory, removed with it:
// two unrelated CAs, a server certificate for 127.0.0.1 and a client
// certificate, both signed by the first CA.
class Certificates {
 public:
  Certificates() {
    std::string pattern = (fs::path(::testing::TempDir()) / "sdk_tls.XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) return;
    dir_ = pattern;
    ok_ = MakeCa("ca") && MakeCa("other-ca") &&
          MakeSigned("server", "subjectAltName=IP:127.0.0.1,DNS:localhost") &&
          MakeSigned("client", "extendedKeyUsage=clientAuth");
  }
  ~Certificates() {
    std::error_code ignored;
    if (!dir_.empty()) fs::remove_all(dir_, ignored);
  }
  Certificates(const Certificates&) = delete;
  Certificates& operator=(const Certificates&) = delete;

  bool ok() const { return ok_; }
  std::string Pem(const std::string& name) const { return (dir_ / (name + ".pem")).string(); }
  std::string Key(const std::string& name) const { return (dir_ / (name + ".key")).string(); }

  // Server credentials with the server certificate; with `require_client`,
  // clients must present a certificate signed by "ca".
  std::shared_ptr<grpc::ServerCredentials> ServerCredentials(bool require_client) const {
    grpc::SslServerCredentialsOptions ssl(
        require_client ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
                       : GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
    ssl.pem_root_certs = ReadText(Pem("ca"));
    ssl.pem_key_cert_pairs.push_back({ReadText(Key("server")), ReadText(Pem("server"))});
    return grpc::SslServerCredentials(ssl);
  }

 private:
  bool MakeCa(const std::string& name) {
    return Run(
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
        "-days 1 -subj /CN=" +
        name + " -keyout " + Key(name) + " -out " + Pem(name));
  }
  bool MakeSigned(const std::string& name, const std::string& extension) {
    const std::string csr = (dir_ / (name + ".csr")).string();
    const std::string ext = (dir_ / (name + ".ext")).string();
    std::ofstream(ext) << extension << "\n";
    return Run("openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
               "-subj /CN=" +
               name + " -keyout " + Key(name) + " -out " + csr) &&
           Run("openssl x509 -req -days 1 -in " + csr + " -CA " + Pem("ca") + " -CAkey " +
               Key("ca") + " -CAcreateserial -extfile " + ext + " -out " + Pem(name));
  }

  fs::path dir_;
  bool ok_ = false;
};

class CredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::ClearSdkEnvironment();
    if (!certificates_.ok()) GTEST_SKIP() << "the openssl command could not make certificates";
  }

  ClientOptions Options(const testing::FakeServer& server) {
    ClientOptions options;
    options.endpoint = server.endpoint();
    options.timeout = absl::Seconds(10);
    options.retry = RetryOptions::None();  // a failed handshake is UNAVAILABLE
    return options;
  }

  Certificates certificates_;
};

TEST_F(CredentialsTest, TlsTrustsTheGivenCa) {
  testing::FakeServer server(certificates_.ServerCredentials(false));
  ASSERT_TRUE(server.ok());
  ClientOptions options = Options(server);
  options.tls_ca_file = certificates_.Pem("ca");
  options.api_key = "secret";
  auto visit = VisitClient(MakeVisitConnection(options)).GetVisit("visits/v1");
  ASSERT_TRUE(visit.ok()) << visit.status();
  EXPECT_EQ(server.service().calls().back().authorization, "Bearer secret");
}

TEST_F(CredentialsTest, TlsRefusesAServerItsCaDidNotSign) {
  testing::FakeServer server(certificates_.ServerCredentials(false));
  ASSERT_TRUE(server.ok());
  ClientOptions options = Options(server);
  options.tls_ca_file = certificates_.Pem("other-ca");
  EXPECT_EQ(VisitClient(MakeVisitConnection(options)).GetVisit("visits/v1").status().code(),
            absl::StatusCode::kUnavailable);
  // Nor does plaintext reach a TLS server.
  EXPECT_EQ(VisitClient(MakeVisitConnection(Options(server))).GetVisit("visits/v1").status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_TRUE(server.service().calls().empty());
}

TEST_F(CredentialsTest, MutualTlsPresentsTheClientCertificate) {
  testing::FakeServer server(certificates_.ServerCredentials(true));
  ASSERT_TRUE(server.ok());
  ClientOptions options = Options(server);
  options.tls_ca_file = certificates_.Pem("ca");
  EXPECT_EQ(VisitClient(MakeVisitConnection(options)).GetVisit("visits/v1").status().code(),
            absl::StatusCode::kUnavailable);

  options.tls_cert_file = certificates_.Pem("client");
  options.tls_key_file = certificates_.Key("client");
  auto visit = VisitClient(MakeVisitConnection(options)).GetVisit("visits/v1");
  ASSERT_TRUE(visit.ok()) << visit.status();
  ASSERT_EQ(server.service().calls().size(), 1u);
  EXPECT_EQ(server.service().calls()[0].peer_common_name, "client");
}

TEST_F(CredentialsTest, TlsFilesMayComeFromTheEnvironment) {
  testing::FakeServer server(certificates_.ServerCredentials(true));
  ASSERT_TRUE(server.ok());
  setenv("BILATERAL_TLS_CA_FILE", certificates_.Pem("ca").c_str(), 1);
  setenv("BILATERAL_TLS_CERT_FILE", certificates_.Pem("client").c_str(), 1);
  setenv("BILATERAL_TLS_KEY_FILE", certificates_.Key("client").c_str(), 1);
  auto visit = VisitClient(MakeVisitConnection(Options(server))).GetVisit("visits/v1");
  testing::ClearSdkEnvironment();
  ASSERT_TRUE(visit.ok()) << visit.status();
  EXPECT_EQ(server.service().calls().back().peer_common_name, "client");
}

TEST_F(CredentialsTest, UnreadableTlsFilesAreNamed) {
  ClientOptions options;
  options.tls_ca_file = certificates_.Pem("missing");
  auto channel = MakeChannel(options);
  EXPECT_EQ(channel.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(channel.status().message(), HasSubstr("TLS CA file " + certificates_.Pem("missing")));

  options.tls_ca_file = "";
  options.tls_cert_file = certificates_.Pem("client");
  options.tls_key_file = certificates_.Key("missing");
  channel = MakeChannel(options);
  EXPECT_EQ(channel.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(channel.status().message(), HasSubstr("TLS key file"));
}

}  // namespace
}  // namespace bilateral
