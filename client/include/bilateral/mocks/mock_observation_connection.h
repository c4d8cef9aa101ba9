// An ObservationConnection whose every method is a gMock mock: give it to an
// ObservationClient to test code that uses the client without a server.
//
//   auto mock = std::make_shared<bilateral::mocks::MockObservationConnection>();
//   EXPECT_CALL(*mock, GetObservation).WillOnce(Return(v1::Observation()));
//   bilateral::ObservationClient client(mock);
#pragma once

#include "bilateral/observation_client.h"
#include "gmock/gmock.h"

namespace bilateral::mocks {

class MockObservationConnection : public ObservationConnection {
 public:
  MOCK_METHOD(absl::StatusOr<v1::Observation>,
              GetObservation,
              (const v1::GetObservationRequest& request),
              (override));
  // Return a range from MakePaginatedRange (bilateral/pagination.h).
  MOCK_METHOD(PaginatedRange<v1::Observation>,
              ListObservations,
              (v1::ListObservationsRequest request),
              (override));
  MOCK_METHOD(absl::StatusOr<v1::BatchGetObservationsResponse>, BatchGetObservations,
              (const v1::BatchGetObservationsRequest& request), (override));
  MOCK_METHOD(absl::StatusOr<v1::Observation>,
              CreateObservation,
              (const v1::CreateObservationRequest& request),
              (override));
  MOCK_METHOD(absl::StatusOr<v1::Observation>,
              UpdateObservation,
              (const v1::UpdateObservationRequest& request),
              (override));
  MOCK_METHOD(absl::Status,
              DeleteObservation,
              (const v1::DeleteObservationRequest& request),
              (override));
};

}  // namespace bilateral::mocks
