// ImportTradeRecords end to end: chunks stored as they arrive, bad rows
// reported with their reasons, and the summary agreeing with what List then
// returns. The rows are synthetic, made here.
#include <grpcpp/grpcpp.h>

#include "bilateral/v1/trade.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "test_server.h"

namespace bilateral {
namespace {

using ::testing::HasSubstr;

constexpr const char* kPartners[] = {"CN", "RU", "DE", "FR", "US", "JP", "KR", "IN", "TR", "UZ",
                                     "KG", "TJ", "TM", "AZ", "GE", "AM", "MN", "IT", "NL", "PL"};

// Synthetic row `i`: a unique key per i (partner, year and month vary).
v1::TradeRecord SyntheticRow(int i) {
  v1::TradeRecord record;
  record.set_reporter("KZ");
  record.set_partner(kPartners[i % 20]);
  record.mutable_period()->set_year(1000 + i / 240);
  record.mutable_period()->set_month((i / 20) % 12 + 1);
  record.set_flow(v1::TRADE_FLOW_EXPORT);
  record.mutable_value()->set_currency_code("USD");
  record.mutable_value()->set_units(1000 + i);
  auto* citation = record.add_citations();
  citation->set_source("sources/xi-kazakhstan-sco-2024");
  // The source holds its text: the quote must be in it.
  citation->set_quote("This is Xi’s fifth visit to Kazakhstan");
  return record;
}

// Selects the synthetic rows: the seed data has no periods this old.
constexpr const char* kSyntheticRows = "period.year >= 1000 AND period.year < 1500";

class ImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.status().ok()) << server_.status();
    stub_ = v1::TradeRecordService::NewStub(
        grpc::CreateChannel(server_.endpoint(), grpc::InsecureChannelCredentials()));
  }

  // Sends `chunks` as one import and returns the summary.
  grpc::Status Import(const std::vector<v1::ImportTradeRecordsRequest>& chunks,
                      v1::ImportTradeRecordsResponse* response) {
    grpc::ClientContext context;
    auto writer = stub_->ImportTradeRecords(&context, response);
    for (const auto& chunk : chunks) {
      if (!writer->Write(chunk)) break;
    }
    writer->WritesDone();
    return writer->Finish();
  }

  int64_t CountListed(const std::string& filter) {
    v1::ListTradeRecordsRequest request;
    request.set_filter(filter);
    request.set_page_size(1000);
    int64_t count = 0;
    do {
      grpc::ClientContext context;
      v1::ListTradeRecordsResponse response;
      auto status = stub_->ListTradeRecords(&context, request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) return -1;
      count += response.trade_records_size();
      request.set_page_token(response.next_page_token());
    } while (!request.page_token().empty());
    return count;
  }

  test::TestServer server_;
  std::unique_ptr<v1::TradeRecordService::Stub> stub_;
};

// 100,000 rows; a fifth of that under AddressSanitizer, which makes every
// write of the store several times slower.
#ifdef __SANITIZE_ADDRESS__
constexpr int kLargeImportRows = 20000;
#else
constexpr int kLargeImportRows = 100000;
#endif

TEST_F(ImportTest, LargeImportSummaryMatchesWhatIsListed) {
  constexpr int kRows = kLargeImportRows;
  std::vector<v1::ImportTradeRecordsRequest> chunks(kRows / 1000);
  int invalid = 0, duplicates = 0;
  auto is_invalid = [](int i) { return i % 97 == 13; };
  for (int i = 0; i < kRows; ++i) {
    v1::TradeRecord record = SyntheticRow(i);
    if (is_invalid(i)) {
      record.set_reporter("XX");  // not a country
      ++invalid;
    } else if (i % 1000 == 999 && !is_invalid(i - 500)) {
      record = SyntheticRow(i - 500);  // the key of a row stored earlier
      ++duplicates;
    }
    *chunks[i / 1000].add_trade_records() = std::move(record);
  }
  v1::ImportTradeRecordsResponse summary;
  auto status = Import(chunks, &summary);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(summary.received_count(), kRows);
  EXPECT_EQ(summary.rejected_count(), invalid + duplicates);
  EXPECT_EQ(summary.stored_count(), kRows - invalid - duplicates);
  EXPECT_EQ(summary.errors_size(), std::min(1000, invalid + duplicates));
  EXPECT_EQ(CountListed(kSyntheticRows), summary.stored_count());

  const auto& first = summary.errors(0);
  EXPECT_EQ(first.index(), 13);
  EXPECT_EQ(first.code(), "INVALID_ARGUMENT");
  EXPECT_THAT(first.field_violations(), ::testing::ElementsAre(HasSubstr("reporter: 'XX'")));
  bool saw_duplicate = false;
  for (const auto& error : summary.errors()) {
    if (error.index() == 999) {
      saw_duplicate = true;
      EXPECT_EQ(error.code(), "ALREADY_EXISTS");
      EXPECT_THAT(error.message(), HasSubstr("reporter, partner, period, flow and commodity"));
    }
  }
  EXPECT_TRUE(saw_duplicate);
}

TEST_F(ImportTest, OversizedChunkEndsTheImportAndSaysWhatWasStored) {
  std::vector<v1::ImportTradeRecordsRequest> chunks(2);
  for (int i = 0; i < 10; ++i) *chunks[0].add_trade_records() = SyntheticRow(i);
  for (int i = 0; i < 1001; ++i) *chunks[1].add_trade_records() = SyntheticRow(100 + i);
  v1::ImportTradeRecordsResponse summary;
  auto status = Import(chunks, &summary);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("rows stored before this chunk: 10"));
  EXPECT_EQ(CountListed(kSyntheticRows), 10);
}

TEST_F(ImportTest, NamesAreKeptWhenAsked) {
  std::vector<v1::ImportTradeRecordsRequest> chunks(1);
  chunks[0].set_use_names(true);
  *chunks[0].add_trade_records() = SyntheticRow(1);
  chunks[0].mutable_trade_records(0)->set_name("tradeRecords/restored-row");
  *chunks[0].add_trade_records() = SyntheticRow(2);
  chunks[0].mutable_trade_records(1)->set_name("not a name");
  v1::ImportTradeRecordsResponse summary;
  ASSERT_TRUE(Import(chunks, &summary).ok());
  EXPECT_EQ(summary.stored_count(), 1);
  ASSERT_EQ(summary.errors_size(), 1);
  EXPECT_EQ(summary.errors(0).index(), 1);
  EXPECT_THAT(summary.errors(0).field_violations(0), HasSubstr("name:"));

  grpc::ClientContext context;
  v1::GetTradeRecordRequest get;
  get.set_name("tradeRecords/restored-row");
  v1::TradeRecord record;
  EXPECT_TRUE(stub_->GetTradeRecord(&context, get, &record).ok());
}

}  // namespace
}  // namespace bilateral
