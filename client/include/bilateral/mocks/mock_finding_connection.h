// A FindingConnection whose every method is a gMock mock: give it to a
// FindingClient to test code that uses the client without a server.
#pragma once

#include "bilateral/finding_client.h"
#include "gmock/gmock.h"

namespace bilateral::mocks {

class MockFindingConnection : public FindingConnection {
 public:
  MOCK_METHOD(absl::StatusOr<v1::Finding>, GetFinding, (const v1::GetFindingRequest& request),
              (override));
  // Return a range from MakePaginatedRange (bilateral/pagination.h).
  MOCK_METHOD(PaginatedRange<v1::Finding>, ListFindings, (v1::ListFindingsRequest request),
              (override));
};

}  // namespace bilateral::mocks
