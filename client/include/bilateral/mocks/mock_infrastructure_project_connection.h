// An InfrastructureProjectConnection whose every method is a gMock mock: give it
// to an InfrastructureProjectClient to test code that uses the client without a
// server.
//
//   auto mock = std::make_shared<bilateral::mocks::MockInfrastructureProjectConnection>();
//   EXPECT_CALL(*mock, GetInfrastructureProject).WillOnce(Return(v1::InfrastructureProject()));
//   bilateral::InfrastructureProjectClient client(mock);
#pragma once

#include "bilateral/infrastructure_project_client.h"
#include "gmock/gmock.h"

namespace bilateral::mocks {

class MockInfrastructureProjectConnection : public InfrastructureProjectConnection {
 public:
  MOCK_METHOD(absl::StatusOr<v1::InfrastructureProject>,
              GetInfrastructureProject,
              (const v1::GetInfrastructureProjectRequest& request),
              (override));
  // Return a range from MakePaginatedRange (bilateral/pagination.h).
  MOCK_METHOD(PaginatedRange<v1::InfrastructureProject>,
              ListInfrastructureProjects,
              (v1::ListInfrastructureProjectsRequest request),
              (override));
  MOCK_METHOD(absl::StatusOr<v1::BatchGetInfrastructureProjectsResponse>,
              BatchGetInfrastructureProjects,
              (const v1::BatchGetInfrastructureProjectsRequest& request), (override));
  MOCK_METHOD(absl::StatusOr<v1::InfrastructureProject>,
              CreateInfrastructureProject,
              (const v1::CreateInfrastructureProjectRequest& request),
              (override));
  MOCK_METHOD(absl::StatusOr<v1::InfrastructureProject>,
              UpdateInfrastructureProject,
              (const v1::UpdateInfrastructureProjectRequest& request),
              (override));
  MOCK_METHOD(absl::Status,
              DeleteInfrastructureProject,
              (const v1::DeleteInfrastructureProjectRequest& request),
              (override));
};

}  // namespace bilateral::mocks
