// A TradeRecordConnection whose every method is a gMock mock: give it to a
// TradeRecordClient to test code that uses the client without a server.
//
//   auto mock = std::make_shared<bilateral::mocks::MockTradeRecordConnection>();
//   EXPECT_CALL(*mock, GetTradeRecord).WillOnce(Return(v1::TradeRecord()));
//   bilateral::TradeRecordClient client(mock);
#pragma once

#include "bilateral/trade_record_client.h"
#include "gmock/gmock.h"

namespace bilateral::mocks {

class MockTradeRecordConnection : public TradeRecordConnection {
 public:
  MOCK_METHOD(absl::StatusOr<v1::TradeRecord>,
              GetTradeRecord,
              (const v1::GetTradeRecordRequest& request),
              (override));
  // Return a range from MakePaginatedRange (bilateral/pagination.h).
  MOCK_METHOD(PaginatedRange<v1::TradeRecord>,
              ListTradeRecords,
              (v1::ListTradeRecordsRequest request),
              (override));
  MOCK_METHOD(absl::StatusOr<v1::BatchGetTradeRecordsResponse>, BatchGetTradeRecords,
              (const v1::BatchGetTradeRecordsRequest& request), (override));
  MOCK_METHOD(absl::StatusOr<v1::TradeRecord>,
              CreateTradeRecord,
              (const v1::CreateTradeRecordRequest& request),
              (override));
  MOCK_METHOD(absl::StatusOr<v1::TradeRecord>,
              UpdateTradeRecord,
              (const v1::UpdateTradeRecordRequest& request),
              (override));
  MOCK_METHOD(absl::Status,
              DeleteTradeRecord,
              (const v1::DeleteTradeRecordRequest& request),
              (override));
  MOCK_METHOD(absl::StatusOr<v1::ImportTradeRecordsResponse>, ImportTradeRecords,
              (const std::vector<v1::ImportTradeRecordsRequest>& chunks), (override));
};

}  // namespace bilateral::mocks
