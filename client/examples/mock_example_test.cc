// How an application tests its own code that uses the SDK, without a
// server: the code takes a client, the test builds that client over a mock
// connection from bilateral/mocks/, says what each call returns, and answers
// List calls with MakePaginatedRange.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "bilateral/mocks/mock_trade_record_connection.h"
#include "bilateral/mocks/mock_visit_connection.h"
#include "bilateral/pagination.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace example {

namespace v1 = bilateral::v1;

// The application code under test.

// The names of the state visits to `host_country`, oldest first.
absl::StatusOr<std::vector<std::string>> StateVisitNames(bilateral::VisitClient& visits,
                                                         const std::string& host_country) {
  std::vector<std::string> names;
  for (auto& visit : visits.ListVisits(
           absl::StrCat("host_country = \"", host_country, "\" AND kind = STATE"), "start_date")) {
    if (!visit.ok()) return visit.status();
    names.push_back(visit->name());
  }
  return names;
}

// Marks a visit as a state visit, unless it changed since it was read.
absl::Status MarkAsStateVisit(bilateral::VisitClient& visits, const std::string& name) {
  auto visit = visits.GetVisit(name);
  if (!visit.ok()) return visit.status();
  // The etag read with it makes a concurrent change fail with ABORTED.
  visit->set_kind(v1::VISIT_KIND_STATE);
  return visits.UpdateVisit(*visit, {"kind"}).status();
}

// Imports `records` in chunks of 500; every row must be stored.
absl::StatusOr<int64_t> ImportAll(bilateral::TradeRecordClient& trade,
                                  std::vector<v1::TradeRecord> records) {
  bilateral::ImportOptions options;
  options.chunk_size = 500;
  auto summary = trade.ImportTradeRecords(std::move(records), options);
  if (!summary.ok()) return summary.status();
  if (summary->rejected_count() > 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(summary->rejected_count(), " rows rejected, first: row ",
                     summary->errors(0).index(), ": ", summary->errors(0).message()));
  }
  return summary->stored_count();
}

// Its tests.

using ::bilateral::MakePaginatedRange;
using ::bilateral::mocks::MockTradeRecordConnection;
using ::bilateral::mocks::MockVisitConnection;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Property;
using ::testing::Return;

v1::Visit NamedVisit(const std::string& name) {
  v1::Visit visit;
  visit.set_name(name);
  return visit;
}

TEST(StateVisitNamesTest, AsksForStateVisitsInDateOrder) {
  auto mock = std::make_shared<MockVisitConnection>();
  EXPECT_CALL(*mock, ListVisits(AllOf(Property(&v1::ListVisitsRequest::filter,
                                               "host_country = \"KZ\" AND kind = STATE"),
                                      Property(&v1::ListVisitsRequest::order_by, "start_date"))))
      .WillOnce(Return(MakePaginatedRange<v1::Visit>(
          {NamedVisit("visits/xi-jinping-kz-2013"), NamedVisit("visits/xi-jinping-kz-2024")})));
  bilateral::VisitClient visits(mock);

  auto names = StateVisitNames(visits, "KZ");
  ASSERT_TRUE(names.ok()) << names.status();
  EXPECT_THAT(*names, ElementsAre("visits/xi-jinping-kz-2013", "visits/xi-jinping-kz-2024"));
}

TEST(StateVisitNamesTest, PassesOnAnErrorMidway) {
  auto mock = std::make_shared<MockVisitConnection>();
  EXPECT_CALL(*mock, ListVisits)
      .WillOnce(Return(MakePaginatedRange<v1::Visit>({NamedVisit("visits/a")},
                                                     absl::UnavailableError("server down"))));
  bilateral::VisitClient visits(mock);

  EXPECT_EQ(StateVisitNames(visits, "KZ").status(), absl::UnavailableError("server down"));
}

TEST(MarkAsStateVisitTest, UpdatesOnlyTheKindWithTheEtagRead) {
  auto mock = std::make_shared<MockVisitConnection>();
  v1::Visit stored = NamedVisit("visits/a");
  stored.set_etag("etag-1");
  EXPECT_CALL(*mock, GetVisit(Property(&v1::GetVisitRequest::name, "visits/a")))
      .WillOnce(Return(stored));
  // A stale etag: the server refuses, and the function says so.
  EXPECT_CALL(*mock, UpdateVisit)
      .WillOnce([](const v1::UpdateVisitRequest& request) -> absl::StatusOr<v1::Visit> {
        EXPECT_EQ(request.visit().kind(), v1::VISIT_KIND_STATE);
        EXPECT_EQ(request.visit().etag(), "etag-1");
        EXPECT_THAT(request.update_mask().paths(), ElementsAre("kind"));
        return absl::AbortedError("etag mismatch");
      });
  bilateral::VisitClient visits(mock);

  EXPECT_EQ(MarkAsStateVisit(visits, "visits/a").code(), absl::StatusCode::kAborted);
}

TEST(ImportAllTest, StreamsChunksOfFiveHundred) {
  auto mock = std::make_shared<MockTradeRecordConnection>();
  auto chunk_of = [](int size) {
    return Property(&v1::ImportTradeRecordsRequest::trade_records_size, size);
  };
  v1::ImportTradeRecordsResponse summary;
  summary.set_received_count(1200);
  summary.set_stored_count(1200);
  EXPECT_CALL(*mock, ImportTradeRecords(ElementsAre(chunk_of(500), chunk_of(500), chunk_of(200))))
      .WillOnce(Return(summary));
  bilateral::TradeRecordClient trade(mock);

  auto stored = ImportAll(trade, std::vector<v1::TradeRecord>(1200));
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(*stored, 1200);
}

TEST(ImportAllTest, FailsNamingTheFirstRejectedRow) {
  auto mock = std::make_shared<MockTradeRecordConnection>();
  v1::ImportTradeRecordsResponse summary;
  summary.set_received_count(2);
  summary.set_stored_count(1);
  summary.set_rejected_count(1);
  v1::ImportRowError* error = summary.add_errors();
  error->set_index(1);
  error->set_code("INVALID_ARGUMENT");
  error->set_message("partner: required");
  EXPECT_CALL(*mock, ImportTradeRecords).WillOnce(Return(summary));
  bilateral::TradeRecordClient trade(mock);

  auto stored = ImportAll(trade, std::vector<v1::TradeRecord>(2));
  EXPECT_EQ(stored.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(stored.status().message(), HasSubstr("row 1: partner: required"));
}

}  // namespace example
