// The clients turn their arguments into the requests of the API and the
// responses into results: tested over mock connections, without a server.
#include <memory>
#include <string>
#include <vector>

#include "bilateral/mocks/mock_change_connection.h"
#include "bilateral/mocks/mock_country_connection.h"
#include "bilateral/mocks/mock_finding_connection.h"
#include "bilateral/mocks/mock_relationship_connection.h"
#include "bilateral/mocks/mock_search_connection.h"
#include "bilateral/mocks/mock_source_connection.h"
#include "bilateral/mocks/mock_stream_writer.h"
#include "bilateral/mocks/mock_trade_record_connection.h"
#include "bilateral/mocks/mock_visit_connection.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace bilateral {
namespace {

using ::bilateral::mocks::MockChangeConnection;
using ::bilateral::mocks::MockCountryConnection;
using ::bilateral::mocks::MockFindingConnection;
using ::bilateral::mocks::MockRelationshipConnection;
using ::bilateral::mocks::MockSearchConnection;
using ::bilateral::mocks::MockSourceConnection;
using ::bilateral::mocks::MockStreamWriter;
using ::bilateral::mocks::MockTradeRecordConnection;
using ::bilateral::mocks::MockVisitConnection;
using ::testing::_;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Property;
using ::testing::Return;

template <typename T>
T Named(const std::string& name) {
  T record;
  record.set_name(name);
  return record;
}

TEST(VisitClientTest, BatchGetSendsTheNamesAndReturnsTheRecordsInOrder) {
  auto mock = std::make_shared<MockVisitConnection>();
  v1::BatchGetVisitsResponse response;
  *response.add_visits() = Named<v1::Visit>("visits/b");
  *response.add_visits() = Named<v1::Visit>("visits/a");
  EXPECT_CALL(*mock, BatchGetVisits).WillOnce([&](const v1::BatchGetVisitsRequest& request) {
    EXPECT_THAT(request.names(), ElementsAre("visits/b", "visits/a"));
    return response;
  });
  VisitClient client(mock);

  auto visits = client.BatchGetVisits({"visits/b", "visits/a"});
  ASSERT_TRUE(visits.ok()) << visits.status();
  ASSERT_EQ(visits->size(), 2u);
  EXPECT_EQ((*visits)[0].name(), "visits/b");
  EXPECT_EQ((*visits)[1].name(), "visits/a");
}

TEST(VisitClientTest, BatchGetReturnsTheError) {
  auto mock = std::make_shared<MockVisitConnection>();
  EXPECT_CALL(*mock, BatchGetVisits).WillOnce(Return(absl::NotFoundError("visits/x")));
  VisitClient client(mock);
  EXPECT_EQ(client.BatchGetVisits({"visits/x"}).status(), absl::NotFoundError("visits/x"));
}

TEST(VisitClientTest, UpdateWithoutPathsSendsNoMask) {
  auto mock = std::make_shared<MockVisitConnection>();
  EXPECT_CALL(*mock, UpdateVisit(AllOf(Property(&v1::UpdateVisitRequest::has_update_mask, false),
                                       Property(&v1::UpdateVisitRequest::visit,
                                                Property(&v1::Visit::name, "visits/a")))))
      .WillOnce(Return(Named<v1::Visit>("visits/a")));
  VisitClient client(mock);
  EXPECT_TRUE(client.UpdateVisit(Named<v1::Visit>("visits/a")).ok());
}

TEST(VisitClientTest, ListSendsFilterAndOrder) {
  auto mock = std::make_shared<MockVisitConnection>();
  EXPECT_CALL(*mock, ListVisits(AllOf(Property(&v1::ListVisitsRequest::filter, "kind = STATE"),
                                      Property(&v1::ListVisitsRequest::order_by, "start_date"),
                                      Property(&v1::ListVisitsRequest::page_token, ""))))
      .WillOnce(Return(MakePaginatedRange<v1::Visit>({Named<v1::Visit>("visits/a")})));
  VisitClient client(mock);
  std::vector<std::string> names;
  for (auto& visit : client.ListVisits("kind = STATE", "start_date")) {
    ASSERT_TRUE(visit.ok());
    names.push_back(visit->name());
  }
  EXPECT_THAT(names, ElementsAre("visits/a"));
}

TEST(SourceClientTest, CreateAndDeleteSendTheirFields) {
  auto mock = std::make_shared<MockSourceConnection>();
  EXPECT_CALL(*mock, CreateSource(AllOf(Property(&v1::CreateSourceRequest::source_id, "report"),
                                        Property(&v1::CreateSourceRequest::source,
                                                 Property(&v1::Source::title, "A report")))))
      .WillOnce(Return(Named<v1::Source>("sources/report")));
  EXPECT_CALL(*mock, DeleteSource(AllOf(Property(&v1::DeleteSourceRequest::name, "sources/report"),
                                        Property(&v1::DeleteSourceRequest::etag, "e1"))))
      .WillOnce(Return(absl::OkStatus()));
  SourceClient client(mock);

  v1::Source source;
  source.set_title("A report");
  EXPECT_EQ(client.CreateSource(source, "report")->name(), "sources/report");
  EXPECT_TRUE(client.DeleteSource("sources/report", "e1").ok());
}

TEST(TradeRecordClientTest, ImportSplitsIntoChunksAndMarksEachWithUseNames) {
  auto mock = std::make_shared<MockTradeRecordConnection>();
  std::vector<v1::ImportTradeRecordsRequest> sent;
  EXPECT_CALL(*mock, ImportTradeRecords)
      .WillOnce([&](const std::vector<v1::ImportTradeRecordsRequest>& chunks) {
        sent = chunks;
        return v1::ImportTradeRecordsResponse();
      });
  TradeRecordClient client(mock);

  std::vector<v1::TradeRecord> records;
  for (const char* name : {"tradeRecords/a", "tradeRecords/b", "tradeRecords/c"}) {
    records.push_back(Named<v1::TradeRecord>(name));
  }
  ImportOptions options;
  options.chunk_size = 2;
  options.use_names = true;
  ASSERT_TRUE(client.ImportTradeRecords(records, options).ok());

  ASSERT_EQ(sent.size(), 2u);
  EXPECT_THAT(sent[0].trade_records(),
              ElementsAre(Property(&v1::TradeRecord::name, "tradeRecords/a"),
                          Property(&v1::TradeRecord::name, "tradeRecords/b")));
  EXPECT_THAT(sent[1].trade_records(),
              ElementsAre(Property(&v1::TradeRecord::name, "tradeRecords/c")));
  EXPECT_TRUE(sent[0].use_names());
  EXPECT_TRUE(sent[1].use_names());
}

TEST(TradeRecordClientTest, ImportWithNamesPutsUnnamedRecordsInChunksOfTheirOwn) {
  auto mock = std::make_shared<MockTradeRecordConnection>();
  std::vector<v1::ImportTradeRecordsRequest> sent;
  EXPECT_CALL(*mock, ImportTradeRecords)
      .WillOnce([&](const std::vector<v1::ImportTradeRecordsRequest>& chunks) {
        sent = chunks;
        return v1::ImportTradeRecordsResponse();
      });
  TradeRecordClient client(mock);

  std::vector<v1::TradeRecord> records = {Named<v1::TradeRecord>("tradeRecords/a"),
                                          Named<v1::TradeRecord>(""), Named<v1::TradeRecord>(""),
                                          Named<v1::TradeRecord>("tradeRecords/b")};
  ImportOptions options;
  options.use_names = true;
  ASSERT_TRUE(client.ImportTradeRecords(records, options).ok());

  // Order is kept, so the rows' positions stay those of `records`.
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_TRUE(sent[0].use_names());
  EXPECT_EQ(sent[0].trade_records_size(), 1);
  EXPECT_FALSE(sent[1].use_names());
  EXPECT_EQ(sent[1].trade_records_size(), 2);
  EXPECT_TRUE(sent[2].use_names());
  EXPECT_THAT(sent[2].trade_records(),
              ElementsAre(Property(&v1::TradeRecord::name, "tradeRecords/b")));
}

TEST(TradeRecordClientTest, ImportOfNothingSendsNoChunk) {
  auto mock = std::make_shared<MockTradeRecordConnection>();
  EXPECT_CALL(*mock, ImportTradeRecords(IsEmpty()))
      .WillOnce(Return(v1::ImportTradeRecordsResponse()));
  TradeRecordClient client(mock);
  EXPECT_TRUE(client.ImportTradeRecords(std::vector<v1::TradeRecord>{}).ok());
}

TEST(TradeRecordClientTest, ImportRejectsAChunkSizeBelowOneWithoutACall) {
  auto mock = std::make_shared<MockTradeRecordConnection>();
  EXPECT_CALL(*mock, ImportTradeRecords(_)).Times(0);
  TradeRecordClient client(mock);
  ImportOptions options;
  options.chunk_size = 0;
  EXPECT_EQ(client.ImportTradeRecords(std::vector<v1::TradeRecord>(3), options).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CountryClientTest, GetSendsTheNameAsGiven) {
  auto mock = std::make_shared<MockCountryConnection>();
  EXPECT_CALL(*mock, GetCountry(Property(&v1::GetCountryRequest::name, "countries/KAZ")))
      .WillOnce(Return(Named<v1::Country>("countries/KZ")));
  CountryClient client(mock);
  EXPECT_EQ(client.GetCountry("countries/KAZ")->name(), "countries/KZ");
}

TEST(FindingClientTest, ListSendsFilterAndOrderAndYieldsEveryFinding) {
  auto mock = std::make_shared<MockFindingConnection>();
  EXPECT_CALL(*mock, ListFindings(AllOf(Property(&v1::ListFindingsRequest::filter, "state = OPEN"),
                                        Property(&v1::ListFindingsRequest::order_by, "subject"),
                                        Property(&v1::ListFindingsRequest::page_token, ""))))
      .WillOnce(Return(MakePaginatedRange<v1::Finding>(
          {Named<v1::Finding>("findings/a"), Named<v1::Finding>("findings/b")})));
  FindingClient client(mock);
  std::vector<std::string> names;
  for (auto& finding : client.ListFindings("state = OPEN", "subject")) {
    ASSERT_TRUE(finding.ok());
    names.push_back(finding->name());
  }
  EXPECT_THAT(names, ElementsAre("findings/a", "findings/b"));
}

TEST(FindingClientTest, GetSendsTheNameAndReturnsTheError) {
  auto mock = std::make_shared<MockFindingConnection>();
  EXPECT_CALL(*mock, GetFinding(Property(&v1::GetFindingRequest::name, "findings/x")))
      .WillOnce(Return(absl::NotFoundError("findings/x")));
  FindingClient client(mock);
  EXPECT_EQ(client.GetFinding("findings/x").status(), absl::NotFoundError("findings/x"));
}

TEST(SearchClientTest, SearchSendsQueryAndCollectionsAndYieldsEveryResult) {
  auto mock = std::make_shared<MockSearchConnection>();
  EXPECT_CALL(*mock, Search(AllOf(Property(&v1::SearchRequest::query, "wind farm"),
                                  Property(&v1::SearchRequest::collections,
                                           ElementsAre("infrastructureProjects", "visits")),
                                  Property(&v1::SearchRequest::page_token, ""))))
      .WillOnce(Return(
          MakePaginatedRange<v1::SearchResult>({Named<v1::SearchResult>("infrastructureProjects/a"),
                                                Named<v1::SearchResult>("visits/b")})));
  SearchClient client(mock);
  std::vector<std::string> names;
  for (auto& result : client.Search("wind farm", {"infrastructureProjects", "visits"})) {
    ASSERT_TRUE(result.ok());
    names.push_back(result->name());
  }
  EXPECT_THAT(names, ElementsAre("infrastructureProjects/a", "visits/b"));
}

TEST(RelationshipClientTest, GetSendsTheNameAndTimelineTheParentAndFilter) {
  auto mock = std::make_shared<MockRelationshipConnection>();
  EXPECT_CALL(*mock,
              GetRelationship(Property(&v1::GetRelationshipRequest::name, "relationships/KZ-CN")))
      .WillOnce(Return(Named<v1::Relationship>("relationships/CN-KZ")));
  v1::TimelineEntry entry;
  entry.set_record("visits/a");
  EXPECT_CALL(*mock,
              ListTimeline(AllOf(Property(&v1::ListTimelineRequest::parent, "relationships/CN-KZ"),
                                 Property(&v1::ListTimelineRequest::filter, "kind = VISIT"),
                                 Property(&v1::ListTimelineRequest::page_token, ""))))
      .WillOnce(Return(MakePaginatedRange<v1::TimelineEntry>({entry})));
  RelationshipClient client(mock);
  EXPECT_EQ(client.GetRelationship("relationships/KZ-CN")->name(), "relationships/CN-KZ");
  std::vector<std::string> records;
  for (auto& got : client.ListTimeline("relationships/CN-KZ", "kind = VISIT")) {
    ASSERT_TRUE(got.ok());
    records.push_back(got->record());
  }
  EXPECT_THAT(records, ElementsAre("visits/a"));
}

TEST(TradeRecordClientTest, ImportWriterSendsEachChunkWhenFullAndTheRestAtFinish) {
  using Writer = MockStreamWriter<v1::ImportTradeRecordsRequest, v1::ImportTradeRecordsResponse>;
  auto writer = std::make_unique<Writer>();
  std::vector<v1::ImportTradeRecordsRequest> sent;
  bool finished = false;
  EXPECT_CALL(*writer, Write).WillRepeatedly([&](const v1::ImportTradeRecordsRequest& chunk) {
    EXPECT_FALSE(finished);
    sent.push_back(chunk);
    return true;
  });
  EXPECT_CALL(*writer, Finish).WillOnce([&] {
    finished = true;
    v1::ImportTradeRecordsResponse response;
    response.set_stored_count(3);
    return response;
  });
  auto mock = std::make_shared<MockTradeRecordConnection>();
  EXPECT_CALL(*mock, ImportTradeRecordsStream)
      .WillOnce(Return(::testing::ByMove(std::move(writer))));
  EXPECT_CALL(*mock, ImportTradeRecords).Times(0);
  TradeRecordClient client(mock);

  ImportOptions options;
  options.chunk_size = 2;
  options.use_names = true;
  TradeRecordImportWriter import = client.ImportTradeRecordsWriter(options);
  ASSERT_TRUE(import.Write(Named<v1::TradeRecord>("tradeRecords/a")));
  ASSERT_TRUE(import.Write(Named<v1::TradeRecord>("tradeRecords/b")));
  EXPECT_TRUE(sent.empty());  // a chunk is sent once it is known to be full
  // Unnamed: a chunk of its own, which sends the full one.
  ASSERT_TRUE(import.Write(v1::TradeRecord()));
  ASSERT_EQ(sent.size(), 1u);
  auto result = import.Finish();
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->stored_count(), 3);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_THAT(sent[0].trade_records(),
              ElementsAre(Property(&v1::TradeRecord::name, "tradeRecords/a"),
                          Property(&v1::TradeRecord::name, "tradeRecords/b")));
  EXPECT_TRUE(sent[0].use_names());
  EXPECT_EQ(sent[1].trade_records_size(), 1);
  EXPECT_FALSE(sent[1].use_names());
}

TEST(TradeRecordClientTest, ImportWriterStopsAtAFailedWriteAndFinishSaysWhy) {
  using Writer = MockStreamWriter<v1::ImportTradeRecordsRequest, v1::ImportTradeRecordsResponse>;
  auto writer = std::make_unique<Writer>();
  EXPECT_CALL(*writer, Write).WillOnce(Return(false));
  EXPECT_CALL(*writer, Finish).WillOnce(Return(absl::UnavailableError("gone")));
  auto mock = std::make_shared<MockTradeRecordConnection>();
  EXPECT_CALL(*mock, ImportTradeRecordsStream)
      .WillOnce(Return(::testing::ByMove(std::move(writer))));
  TradeRecordClient client(mock);

  ImportOptions options;
  options.chunk_size = 1;
  TradeRecordImportWriter import = client.ImportTradeRecordsWriter(options);
  ASSERT_TRUE(import.Write(Named<v1::TradeRecord>("tradeRecords/a")));
  EXPECT_FALSE(import.Write(Named<v1::TradeRecord>("tradeRecords/b")));
  EXPECT_FALSE(import.Write(Named<v1::TradeRecord>("tradeRecords/c")));
  EXPECT_EQ(import.Finish().status().code(), absl::StatusCode::kUnavailable);
}

TEST(TradeRecordClientTest, ImportWriterRejectsAChunkSizeBelowOneWithoutAStream) {
  auto mock = std::make_shared<MockTradeRecordConnection>();
  EXPECT_CALL(*mock, ImportTradeRecordsStream).Times(0);
  TradeRecordClient client(mock);
  ImportOptions options;
  options.chunk_size = 0;
  TradeRecordImportWriter import = client.ImportTradeRecordsWriter(options);
  import.Write(Named<v1::TradeRecord>("tradeRecords/a"));
  EXPECT_EQ(import.Finish().status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ChangeClientTest, WatchSendsTheRequestAndYieldsEachBatchThenTheError) {
  auto mock = std::make_shared<MockChangeConnection>();
  v1::WatchChangesResponse batch;
  batch.set_cursor("c1");
  batch.add_events()->set_name("visits/a");
  EXPECT_CALL(*mock, WatchChanges(AllOf(
                         Property(&v1::WatchChangesRequest::cursor, "c0"),
                         Property(&v1::WatchChangesRequest::collections, ElementsAre("visits")))))
      .WillOnce(Return(MakeStreamRange<v1::WatchChangesResponse>(
          {batch}, absl::FailedPreconditionError("cursor expired"))));
  ChangeClient client(mock);

  v1::WatchChangesRequest request;
  request.set_cursor("c0");
  request.add_collections("visits");
  std::vector<std::string> names;
  absl::Status error;
  for (auto& response : client.WatchChanges(request)) {
    if (!response.ok()) {
      error = response.status();
      continue;
    }
    for (const auto& event : response->events()) names.push_back(event.name());
  }
  EXPECT_THAT(names, ElementsAre("visits/a"));
  EXPECT_EQ(error.code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace bilateral
