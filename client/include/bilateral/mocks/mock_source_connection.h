// A SourceConnection whose every method is a gMock mock: give it to a
// SourceClient to test code that uses the client without a server.
//
//   auto mock = std::make_shared<bilateral::mocks::MockSourceConnection>();
//   EXPECT_CALL(*mock, GetSource).WillOnce(Return(v1::Source()));
//   bilateral::SourceClient client(mock);
#pragma once

#include "bilateral/source_client.h"
#include "gmock/gmock.h"

namespace bilateral::mocks {

class MockSourceConnection : public SourceConnection {
 public:
  MOCK_METHOD(absl::StatusOr<v1::Source>, GetSource, (const v1::GetSourceRequest& request),
              (override));
  // Return a range from MakePaginatedRange (bilateral/pagination.h).
  MOCK_METHOD(PaginatedRange<v1::Source>, ListSources, (v1::ListSourcesRequest request),
              (override));
  MOCK_METHOD(absl::StatusOr<v1::BatchGetSourcesResponse>, BatchGetSources,
              (const v1::BatchGetSourcesRequest& request), (override));
  MOCK_METHOD(absl::StatusOr<v1::Source>, CreateSource, (const v1::CreateSourceRequest& request),
              (override));
  MOCK_METHOD(absl::StatusOr<v1::Source>, UpdateSource, (const v1::UpdateSourceRequest& request),
              (override));
  MOCK_METHOD(absl::Status, DeleteSource, (const v1::DeleteSourceRequest& request), (override));
};

}  // namespace bilateral::mocks
