// A RelationshipConnection whose every method is a gMock mock: give it to a
// RelationshipClient to test code that uses the client without a server.
#pragma once

#include "bilateral/relationship_client.h"
#include "gmock/gmock.h"

namespace bilateral::mocks {

class MockRelationshipConnection : public RelationshipConnection {
 public:
  MOCK_METHOD(absl::StatusOr<v1::Relationship>, GetRelationship,
              (const v1::GetRelationshipRequest& request), (override));
  // Return a range from MakePaginatedRange (bilateral/pagination.h).
  MOCK_METHOD(PaginatedRange<v1::TimelineEntry>, ListTimeline, (v1::ListTimelineRequest request),
              (override));
};

}  // namespace bilateral::mocks
