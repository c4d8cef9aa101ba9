#include "server/tls.h"

#include <grpc/grpc.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/log.h"

namespace bilateral::server {
namespace {

// gRPC server credentials over a C core credentials object. gRPC's C++ API
// has no credentials whose certificates are replaced on demand; the C core's
// certificate config fetcher does exactly that.
class FetcherServerCredentials final : public grpc::ServerCredentials {
 public:
  explicit FetcherServerCredentials(grpc_server_credentials* credentials)
      : credentials_(credentials) {}
  ~FetcherServerCredentials() override { grpc_server_credentials_release(credentials_); }

  void SetAuthMetadataProcessor(const std::shared_ptr<grpc::AuthMetadataProcessor>&) override {
    // Not used: API keys are checked by the call guard.
  }

 private:
  int AddPortToServer(const std::string& address, grpc_server* server) override {
    return grpc_server_add_http2_port(server, address.c_str(), credentials_);
  }

  grpc_server_credentials* credentials_;
};

absl::StatusOr<std::string> ReadFile(const std::string& path, const char* what) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream text;
  if (file) text << file.rdbuf();
  if (!file || text.str().empty()) {
    return absl::InvalidArgumentError(absl::StrCat("cannot read the ", what, " file '", path, "'"));
  }
  return text.str();
}

using Bio = std::unique_ptr<BIO, decltype(&BIO_free)>;
using Certificate = std::unique_ptr<X509, decltype(&X509_free)>;
using PrivateKey = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

Bio MemoryBio(const std::string& pem) {
  return Bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
}

Certificate FirstCertificate(const std::string& pem) {
  Bio bio = MemoryBio(pem);
  return Certificate(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), &X509_free);
}

// When the certificate stops being valid, as OpenSSL prints it.
std::string NotAfter(X509* certificate) {
  Bio bio(BIO_new(BIO_s_mem()), &BIO_free);
  ASN1_TIME_print(bio.get(), X509_get0_notAfter(certificate));
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, size > 0 ? static_cast<size_t>(size) : 0);
}

}  // namespace

absl::StatusOr<ReloadableTls::Pems> ReloadableTls::Load(const TlsFiles& files) {
  if (files.key_file.empty()) {
    return absl::InvalidArgumentError("tls_key_file must be set when tls_cert_file is");
  }
  Pems pems;
  auto cert = ReadFile(files.cert_file, "TLS certificate");
  if (!cert.ok()) return cert.status();
  auto key = ReadFile(files.key_file, "TLS key");
  if (!key.ok()) return key.status();
  pems.cert_chain = std::move(*cert);
  pems.private_key = std::move(*key);

  Certificate certificate = FirstCertificate(pems.cert_chain);
  if (certificate == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        absl::StrCat("'", files.cert_file, "' holds no PEM certificate"));
  }
  Bio key_bio = MemoryBio(pems.private_key);
  PrivateKey private_key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr),
                         &EVP_PKEY_free);
  if (private_key == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        absl::StrCat("'", files.key_file, "' holds no PEM private key"));
  }
  if (X509_check_private_key(certificate.get(), private_key.get()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(absl::StrCat("the key in '", files.key_file,
                                                   "' does not match the certificate in '",
                                                   files.cert_file, "'"));
  }
  if (!files.client_ca_file.empty()) {
    auto ca = ReadFile(files.client_ca_file, "client CA");
    if (!ca.ok()) return ca.status();
    if (FirstCertificate(*ca) == nullptr) {
      ERR_clear_error();
      return absl::InvalidArgumentError(
          absl::StrCat("'", files.client_ca_file, "' holds no PEM certificate"));
    }
    pems.client_ca = std::move(*ca);
  }
  LogInfo("tls", "loaded certificate",
          {{"file", files.cert_file},
           {"not_after", NotAfter(certificate.get())},
           {"mutual", !files.client_ca_file.empty()}});
  return pems;
}

absl::StatusOr<std::unique_ptr<ReloadableTls>> ReloadableTls::Create(const TlsFiles& files) {
  auto pems = Load(files);
  if (!pems.ok()) return pems.status();
  auto tls = std::unique_ptr<ReloadableTls>(new ReloadableTls(files));
  {
    absl::MutexLock lock(&tls->mu_);
    tls->pems_ = std::move(*pems);
  }
  auto* options = grpc_ssl_server_credentials_create_options_using_config_fetcher(
      files.client_ca_file.empty() ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
                                   : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY,
      &ReloadableTls::Fetch, tls.get());
  grpc_server_credentials* credentials = grpc_ssl_server_credentials_create_with_options(options);
  if (credentials == nullptr) {
    return absl::InternalError("cannot create TLS server credentials");
  }
  tls->credentials_ = std::make_shared<FetcherServerCredentials>(credentials);
  return tls;
}

absl::Status ReloadableTls::Reload() {
  auto pems = Load(files_);
  if (!pems.ok()) return pems.status();
  absl::MutexLock lock(&mu_);
  pems_ = std::move(*pems);
  ++generation_;
  return absl::OkStatus();
}

grpc_ssl_certificate_config_reload_status ReloadableTls::Fetch(
    void* self, grpc_ssl_server_certificate_config** config) {
  auto* tls = static_cast<ReloadableTls*>(self);
  absl::MutexLock lock(&tls->mu_);
  if (tls->fetched_generation_ == tls->generation_) {
    return GRPC_SSL_CERTIFICATE_CONFIG_RELOAD_UNCHANGED;
  }
  grpc_ssl_pem_key_cert_pair pair = {tls->pems_.private_key.c_str(), tls->pems_.cert_chain.c_str()};
  // gRPC insists on client roots here even when it asks clients for no
  // certificate; then the server's own chain stands in, and is never used.
  const std::string& client_roots =
      tls->pems_.client_ca.empty() ? tls->pems_.cert_chain : tls->pems_.client_ca;
  *config = grpc_ssl_server_certificate_config_create(client_roots.c_str(), &pair, 1);
  if (*config == nullptr) return GRPC_SSL_CERTIFICATE_CONFIG_RELOAD_FAIL;
  tls->fetched_generation_ = tls->generation_;
  return GRPC_SSL_CERTIFICATE_CONFIG_RELOAD_NEW;
}

}  // namespace bilateral::server
