// A CountryConnection whose every method is a gMock mock: give it to a
// CountryClient to test code that uses the client without a server.
#pragma once

#include "bilateral/country_client.h"
#include "gmock/gmock.h"

namespace bilateral::mocks {

class MockCountryConnection : public CountryConnection {
 public:
  MOCK_METHOD(absl::StatusOr<v1::Country>, GetCountry, (const v1::GetCountryRequest& request),
              (override));
  // Return a range from MakePaginatedRange (bilateral/pagination.h).
  MOCK_METHOD(PaginatedRange<v1::Country>, ListCountries, (v1::ListCountriesRequest request),
              (override));
};

}  // namespace bilateral::mocks
