// A VisitConnection whose every method is a gMock mock: give it to a
// VisitClient to test code that uses the client without a server.
//
//   auto mock = std::make_shared<bilateral::mocks::MockVisitConnection>();
//   EXPECT_CALL(*mock, GetVisit).WillOnce(Return(v1::Visit()));
//   bilateral::VisitClient client(mock);
#pragma once

#include "bilateral/visit_client.h"
#include "gmock/gmock.h"

namespace bilateral::mocks {

class MockVisitConnection : public VisitConnection {
 public:
  MOCK_METHOD(absl::StatusOr<v1::Visit>, GetVisit, (const v1::GetVisitRequest& request),
              (override));
  // Return a range from MakePaginatedRange (bilateral/pagination.h).
  MOCK_METHOD(PaginatedRange<v1::Visit>, ListVisits, (v1::ListVisitsRequest request),
              (override));
  MOCK_METHOD(absl::StatusOr<v1::BatchGetVisitsResponse>, BatchGetVisits,
              (const v1::BatchGetVisitsRequest& request), (override));
  MOCK_METHOD(absl::StatusOr<v1::Visit>, CreateVisit, (const v1::CreateVisitRequest& request),
              (override));
  MOCK_METHOD(absl::StatusOr<v1::Visit>, UpdateVisit, (const v1::UpdateVisitRequest& request),
              (override));
  MOCK_METHOD(absl::Status, DeleteVisit, (const v1::DeleteVisitRequest& request), (override));
};

}  // namespace bilateral::mocks
