// A PartnershipConnection whose every method is a gMock mock: give it to a
// PartnershipClient to test code that uses the client without a server.
//
//   auto mock = std::make_shared<bilateral::mocks::MockPartnershipConnection>();
//   EXPECT_CALL(*mock, GetPartnership).WillOnce(Return(v1::Partnership()));
//   bilateral::PartnershipClient client(mock);
#pragma once

#include "bilateral/partnership_client.h"
#include "gmock/gmock.h"

namespace bilateral::mocks {

class MockPartnershipConnection : public PartnershipConnection {
 public:
  MOCK_METHOD(absl::StatusOr<v1::Partnership>,
              GetPartnership,
              (const v1::GetPartnershipRequest& request),
              (override));
  // Return a range from MakePaginatedRange (bilateral/pagination.h).
  MOCK_METHOD(PaginatedRange<v1::Partnership>,
              ListPartnerships,
              (v1::ListPartnershipsRequest request),
              (override));
  MOCK_METHOD(absl::StatusOr<v1::BatchGetPartnershipsResponse>, BatchGetPartnerships,
              (const v1::BatchGetPartnershipsRequest& request), (override));
  MOCK_METHOD(absl::StatusOr<v1::Partnership>,
              CreatePartnership,
              (const v1::CreatePartnershipRequest& request),
              (override));
  MOCK_METHOD(absl::StatusOr<v1::Partnership>,
              UpdatePartnership,
              (const v1::UpdatePartnershipRequest& request),
              (override));
  MOCK_METHOD(absl::Status,
              DeletePartnership,
              (const v1::DeletePartnershipRequest& request),
              (override));
};

}  // namespace bilateral::mocks
