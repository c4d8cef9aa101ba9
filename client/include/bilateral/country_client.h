// Countries: ISO 3166-1 reference data, read-only. The client that
// applications use, and the connection it calls.
//
//   bilateral::CountryClient client(
//       bilateral::MakeCountryConnection(bilateral::ClientOptions{}));
//   auto country = client.GetCountry("countries/KAZ");  // countries/KZ
//   if (!country.ok()) std::cerr << country.status() << "\n";
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "bilateral/internal/call_options.h"
#include "bilateral/internal/requests.h"
#include "bilateral/options.h"
#include "bilateral/pagination.h"
#include "bilateral/v1/country.pb.h"

namespace bilateral {

// The calls a CountryClient makes, one per RPC of v1::CountryService and with
// its meaning. MakeCountryConnection implements it over gRPC, with the retries
// that RetryOptions (bilateral/options.h) describes and the CallOptions of the
// client call that invokes it (internal::CurrentCallOptions()); tests of code
// that uses CountryClient give it a MockCountryConnection
// (bilateral/mocks/mock_country_connection.h) instead.
class CountryConnection {
 public:
  virtual ~CountryConnection() = default;
  virtual absl::StatusOr<v1::Country> GetCountry(const v1::GetCountryRequest& request) = 0;
  // Fetches pages lazily; `request.page_token` is the starting point.
  virtual PaginatedRange<v1::Country> ListCountries(v1::ListCountriesRequest request) = 0;
};

// A connection over a new channel made with MakeChannel(options). When that
// fails, every call of the connection returns its error.
std::shared_ptr<CountryConnection> MakeCountryConnection(const ClientOptions& options);
// A connection over `channel` (from MakeChannel), shared with other
// connections; of `options`, the endpoint and TLS settings do not apply.
std::shared_ptr<CountryConnection> MakeCountryConnection(std::shared_ptr<grpc::Channel> channel,
                                                         const ClientOptions& options = {});

// Reads countries. Cheap to copy; copies share the connection. Every method
// returns the server's error as a status: use FieldViolations() and
// ErrorReason() from bilateral/status.h for its details. Each method takes an
// optional CallOptions last (bilateral/options.h); calls that are safe to
// repeat are retried as its RetryOptions say.
class CountryClient {
 public:
  explicit CountryClient(std::shared_ptr<CountryConnection> connection)
      : connection_(std::move(connection)) {}

  // The country called `name`: "countries/{code}" with an alpha-2, alpha-3 or
  // numeric code; the result is named by its alpha-2 code, e.g. countries/KZ.
  // NOT_FOUND for an unknown code.
  absl::StatusOr<v1::Country> GetCountry(const std::string& name,
                                         const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->GetCountry(internal::NameRequest<v1::GetCountryRequest>(name));
  }

  // Every country matching `filter` (AIP-160, over the fields that
  // v1::ListCountriesRequest lists), in `order_by` order (alpha-2 by default).
  PaginatedRange<v1::Country> ListCountries(const std::string& filter = "",
                                            const std::string& order_by = "",
                                            const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->ListCountries(
        internal::ListRequest<v1::ListCountriesRequest>(filter, order_by));
  }
  // As above, with every field of the request, e.g. `page_size`.
  PaginatedRange<v1::Country> ListCountries(v1::ListCountriesRequest request,
                                            const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->ListCountries(std::move(request));
  }

 private:
  std::shared_ptr<CountryConnection> connection_;
};

}  // namespace bilateral
