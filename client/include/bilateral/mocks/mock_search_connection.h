// A SearchConnection whose every method is a gMock mock: give it to a
// SearchClient to test code that uses the client without a server.
#pragma once

#include "bilateral/search_client.h"
#include "gmock/gmock.h"

namespace bilateral::mocks {

class MockSearchConnection : public SearchConnection {
 public:
  // Return a range from MakePaginatedRange (bilateral/pagination.h).
  MOCK_METHOD(PaginatedRange<v1::SearchResult>, Search, (v1::SearchRequest request),
              (override));
};

}  // namespace bilateral::mocks
