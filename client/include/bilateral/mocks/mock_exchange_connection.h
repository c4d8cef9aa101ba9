// An ExchangeConnection whose every method is a gMock mock: give it to an
// ExchangeClient to test code that uses the client without a server.
//
//   auto mock = std::make_shared<bilateral::mocks::MockExchangeConnection>();
//   EXPECT_CALL(*mock, GetExchange).WillOnce(Return(v1::Exchange()));
//   bilateral::ExchangeClient client(mock);
#pragma once

#include "bilateral/exchange_client.h"
#include "gmock/gmock.h"

namespace bilateral::mocks {

class MockExchangeConnection : public ExchangeConnection {
 public:
  MOCK_METHOD(absl::StatusOr<v1::Exchange>, GetExchange, (const v1::GetExchangeRequest& request),
              (override));
  // Return a range from MakePaginatedRange (bilateral/pagination.h).
  MOCK_METHOD(PaginatedRange<v1::Exchange>, ListExchanges, (v1::ListExchangesRequest request),
              (override));
  MOCK_METHOD(absl::StatusOr<v1::BatchGetExchangesResponse>, BatchGetExchanges,
              (const v1::BatchGetExchangesRequest& request), (override));
  MOCK_METHOD(absl::StatusOr<v1::Exchange>,
              CreateExchange,
              (const v1::CreateExchangeRequest& request),
              (override));
  MOCK_METHOD(absl::StatusOr<v1::Exchange>,
              UpdateExchange,
              (const v1::UpdateExchangeRequest& request),
              (override));
  MOCK_METHOD(absl::Status, DeleteExchange, (const v1::DeleteExchangeRequest& request), (override));
};

}  // namespace bilateral::mocks
