// A StreamWriter whose methods are gMock mocks, for a mock connection's
// client-stream methods (e.g. MockTradeRecordConnection::ImportTradeRecordsStream).
//
//   auto writer = std::make_unique<bilateral::mocks::MockStreamWriter<Request, Response>>();
//   EXPECT_CALL(*writer, Write).WillRepeatedly(Return(true));
//   EXPECT_CALL(*writer, Finish).WillOnce(Return(Response()));
#pragma once

#include "absl/status/statusor.h"
#include "bilateral/stream_writer.h"
#include "gmock/gmock.h"

namespace bilateral::mocks {

template <typename Request, typename Response>
class MockStreamWriter : public StreamWriter<Request, Response> {
 public:
  MOCK_METHOD(bool, Write, (const Request& request), (override));
  MOCK_METHOD(absl::StatusOr<Response>, Finish, (), (override));
};

}  // namespace bilateral::mocks
