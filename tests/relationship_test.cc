// End-to-end: the relationship dossier and timeline of a pair, on the real
// server with the seed data, through the generated stubs.
#include <grpcpp/grpcpp.h>

#include <set>
#include <tuple>

#include "absl/strings/cord.h"
#include "bilateral/status.h"
#include "bilateral/v1/relationship.grpc.pb.h"
#include "bilateral/v1/visit.grpc.pb.h"
#include "domain/fields.h"
#include "gmock/gmock.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "test_server.h"

namespace bilateral {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Property;
using ::testing::SizeIs;

// The status as the SDK sees it, with the error details as payloads.
absl::Status ToAbsl(const grpc::Status& status) {
  absl::Status result(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  google::rpc::Status details;
  if (!status.error_details().empty() && details.ParseFromString(status.error_details())) {
    for (const auto& any : details.details()) {
      result.SetPayload(any.type_url(), absl::Cord(any.value()));
    }
  }
  return result;
}

// The fields an INVALID_ARGUMENT names.
std::vector<std::string> ViolatedFields(const grpc::Status& status) {
  std::vector<std::string> fields;
  for (const auto& violation : FieldViolations(ToAbsl(status))) fields.push_back(violation.field);
  return fields;
}

std::string Describe(const v1::TimelineEntry& entry) {
  return absl::StrCat(domain::DateKey(entry.date()), " ", v1::TimelineEntryKind_Name(entry.kind()),
                      " ", entry.record(), "#", entry.milestone_index());
}

class RelationshipTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.status().ok()) << server_.status();
    channel_ = grpc::CreateChannel(server_.endpoint(), grpc::InsecureChannelCredentials());
    stub_ = v1::RelationshipService::NewStub(channel_);
  }

  grpc::Status Get(const std::string& name, v1::Relationship* relationship) {
    grpc::ClientContext context;
    v1::GetRelationshipRequest request;
    request.set_name(name);
    return stub_->GetRelationship(&context, request, relationship);
  }

  grpc::Status Page(v1::ListTimelineRequest request, v1::ListTimelineResponse* response) {
    grpc::ClientContext context;
    return stub_->ListTimeline(&context, request, response);
  }

  // Every entry of the timeline, `page_size` at a time.
  std::vector<v1::TimelineEntry> Walk(const std::string& parent, int page_size,
                                      const std::string& filter = "") {
    std::vector<v1::TimelineEntry> entries;
    v1::ListTimelineRequest request;
    request.set_parent(parent);
    request.set_page_size(page_size);
    request.set_filter(filter);
    for (int pages = 0; pages < 1000; ++pages) {
      v1::ListTimelineResponse response;
      grpc::Status status = Page(request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      EXPECT_LE(response.entries_size(), page_size);
      for (auto& entry : *response.mutable_entries()) entries.push_back(std::move(entry));
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    return entries;
  }

  std::vector<std::string> Described(const std::vector<v1::TimelineEntry>& entries) {
    std::vector<std::string> described;
    for (const auto& entry : entries) described.push_back(Describe(entry));
    return described;
  }

  test::TestServer server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::RelationshipService::Stub> stub_;
};

TEST_F(RelationshipTest, DossierOfTheSeedPairInAnyOrderAndCode) {
  for (const std::string name : {"relationships/KZ-CN", "relationships/chn-kaz",
                                 "relationships/CN-KZ", "relationships/398-156"}) {
    SCOPED_TRACE(name);
    v1::Relationship relationship;
    grpc::Status status = Get(name, &relationship);
    ASSERT_TRUE(status.ok()) << status.error_message();

    EXPECT_EQ(relationship.name(), "relationships/CN-KZ");
    EXPECT_THAT(relationship.countries(), ElementsAre("countries/CN", "countries/KZ"));

    const auto& partnership = relationship.partnership();
    EXPECT_EQ(partnership.partnership(), "partnerships/china-kazakhstan");
    EXPECT_EQ(partnership.current_level().label(), "Permanent Comprehensive Strategic Partnership");
    EXPECT_EQ(partnership.current_level().tier(),
              v1::PARTNERSHIP_TIER_PERMANENT_COMPREHENSIVE_STRATEGIC);
    EXPECT_EQ(partnership.current_level().since().year(), 2019);
    EXPECT_EQ(partnership.milestone_count(), 2);

    const auto& visits = relationship.visits();
    EXPECT_EQ(visits.total_count(), 4);
    ASSERT_THAT(visits.directions(), SizeIs(2));
    const auto& china_to_kazakhstan = visits.directions(0);
    EXPECT_EQ(china_to_kazakhstan.visitor_country(), "countries/CN");
    EXPECT_EQ(china_to_kazakhstan.host_country(), "countries/KZ");
    EXPECT_EQ(china_to_kazakhstan.count(), 3);
    EXPECT_EQ(china_to_kazakhstan.latest_visit().name(), "visits/xi-jinping-kz-2024");
    EXPECT_EQ(china_to_kazakhstan.latest_visit().visitor().name(), "Xi Jinping");
    EXPECT_EQ(china_to_kazakhstan.latest_visit().start_date().year(), 2024);
    const auto& kazakhstan_to_china = visits.directions(1);
    EXPECT_EQ(kazakhstan_to_china.visitor_country(), "countries/KZ");
    EXPECT_EQ(kazakhstan_to_china.host_country(), "countries/CN");
    EXPECT_EQ(kazakhstan_to_china.count(), 1);
    EXPECT_EQ(kazakhstan_to_china.latest_visit().name(), "visits/kassym-jomart-tokayev-cn-2019");
    EXPECT_EQ(kazakhstan_to_china.latest_visit().visitor().name(), "Kassym-Jomart Tokayev");

    const auto& trade = relationship.trade();
    EXPECT_EQ(trade.record_count(), 3);
    EXPECT_EQ(trade.latest_period().year(), 2023);
    ASSERT_THAT(trade.latest_records(), SizeIs(1));
    const auto& total = trade.latest_records(0);
    EXPECT_EQ(total.name(), "tradeRecords/kz-cn-total-2023");
    EXPECT_EQ(total.value().currency_code(), "USD");
    EXPECT_EQ(total.value().units(), 41000000000);
    EXPECT_TRUE(total.has_reported_change_pct());
    EXPECT_EQ(total.reported_change_pct(), 32);
    EXPECT_FALSE(total.has_computed_change_pct());  // 2022 is not stored
    EXPECT_FALSE(total.citations().empty());

    const auto& infrastructure = relationship.infrastructure();
    EXPECT_EQ(infrastructure.total_count(), 7);
    int counted = 0;
    for (const auto& entry : infrastructure.status_counts()) {
      EXPECT_GT(entry.count(), 0);
      counted += entry.count();
      if (entry.status() == v1::PROJECT_STATUS_OPERATIONAL) {
        EXPECT_EQ(entry.count(), 4);
      }
    }
    EXPECT_EQ(counted, 7);

    EXPECT_EQ(relationship.exchanges().total_count(), 7);
    ASSERT_THAT(relationship.exchanges().latest(), SizeIs(1));
    EXPECT_EQ(relationship.exchanges().latest(0).name(), "exchanges/year-of-kazakhstan-tourism");

    std::vector<std::string> observations;
    for (const auto& o : relationship.latest_observations()) observations.push_back(o.name());
    EXPECT_THAT(observations, ElementsAre("observations/cross-border-trips-2024-q1",
                                          "observations/cross-border-trips-2024-outlook",
                                          "observations/cross-border-trips-2023"));

    std::vector<std::string> findings;
    for (const auto& finding : relationship.open_findings()) {
      EXPECT_EQ(finding.state(), v1::FINDING_STATE_OPEN);
      findings.push_back(finding.name());
    }
    EXPECT_THAT(findings,
                ::testing::UnorderedElementsAre("findings/visit-ordinal-xi-jinping-kz-2024",
                                                "findings/trade-change-kz-cn-total-2023"));
  }
}

TEST_F(RelationshipTest, PairWithNothingStoredHasAnEmptyDossier) {
  v1::Relationship relationship;
  grpc::Status status = Get("relationships/us-fra", &relationship);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(relationship.name(), "relationships/FR-US");
  EXPECT_FALSE(relationship.has_partnership());
  EXPECT_EQ(relationship.visits().total_count(), 0);
  ASSERT_THAT(relationship.visits().directions(), SizeIs(2));
  EXPECT_FALSE(relationship.visits().directions(0).has_latest_visit());
  EXPECT_FALSE(relationship.trade().has_latest_period());
  EXPECT_EQ(relationship.infrastructure().total_count(), 0);
  EXPECT_TRUE(relationship.open_findings().empty());
}

TEST_F(RelationshipTest, BadNamesAreInvalidArgumentOnName) {
  for (const std::string name :
       {"", "relationships/", "relationships/KZ", "relationships/KZ-", "relationships/KZ-CN-RU",
        "relationships/KZ-XX", "relationships/KZ-KAZ", "relationships/kz-398", "countries/KZ",
        "relationships/countries/KZ-CN", "relationships/KZ CN", "relationships/KZ_CN"}) {
    SCOPED_TRACE(name);
    v1::Relationship relationship;
    grpc::Status status = Get(name, &relationship);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(ViolatedFields(status), ElementsAre("name"));
  }
}

TEST_F(RelationshipTest, TimelineHoldsEverythingDatedInDateOrder) {
  auto entries = Walk("relationships/KZ-CN", 1000);
  EXPECT_THAT(Described(entries),
              ElementsAre("20130000 TIMELINE_ENTRY_KIND_VISIT visits/xi-jinping-kz-2013#0",
                          "20190000 TIMELINE_ENTRY_KIND_VISIT "
                          "visits/kassym-jomart-tokayev-cn-2019#0",
                          "20190000 TIMELINE_ENTRY_KIND_PARTNERSHIP_MILESTONE "
                          "partnerships/china-kazakhstan#0",
                          "20220900 TIMELINE_ENTRY_KIND_VISIT visits/xi-jinping-kz-2022-09#0",
                          "20220900 TIMELINE_ENTRY_KIND_PARTNERSHIP_MILESTONE "
                          "partnerships/china-kazakhstan#1",
                          "20230000 TIMELINE_ENTRY_KIND_TRADE tradeRecords/kz-cn-total-2023#0",
                          "20230000 TIMELINE_ENTRY_KIND_OBSERVATION "
                          "observations/cross-border-trips-2023#0",
                          "20240000 TIMELINE_ENTRY_KIND_VISIT visits/xi-jinping-kz-2024#0",
                          "20240000 TIMELINE_ENTRY_KIND_OBSERVATION "
                          "observations/cross-border-trips-2024-outlook#0",
                          "20240100 TIMELINE_ENTRY_KIND_OBSERVATION "
                          "observations/cross-border-trips-2024-q1#0",
                          "20240300 TIMELINE_ENTRY_KIND_EXCHANGE "
                          "exchanges/year-of-kazakhstan-tourism#0"));
  for (const auto& entry : entries) {
    SCOPED_TRACE(Describe(entry));
    EXPECT_FALSE(entry.summary().empty());
    EXPECT_FALSE(entry.citations().empty());
    for (const auto& citation : entry.citations()) EXPECT_FALSE(citation.quote().empty());
  }
  EXPECT_EQ(entries[0].summary(), "Xi Jinping (CN) visits KZ");
  EXPECT_EQ(entries[2].summary(),
            "Relationship raised to Permanent Comprehensive Strategic Partnership");
  EXPECT_EQ(entries[5].period().year(), 2023);
  // Figures read as bilateralctl's tables write them (bilateral/format.h).
  EXPECT_THAT(entries[5].summary(), HasSubstr("2023: USD 41,000,000,000, +32% stated"));
  EXPECT_EQ(entries[9].period().quarter(), 1);
}

TEST_F(RelationshipTest, PartialDatesSortFirstInTheirYear) {
  // A visit with a full date in 2024 comes after the one known only by year.
  v1::Visit visit;
  visit.mutable_visitor()->set_name("Kassym-Jomart Tokayev");
  visit.mutable_visitor()->set_country("KZ");
  visit.set_host_country("CN");
  *visit.mutable_start_date() = [] {
    v1::Date date;
    date.set_year(2024);
    date.set_month(1);
    date.set_day(15);
    return date;
  }();
  auto* citation = visit.add_citations();
  citation->set_source("sources/xi-kazakhstan-sco-2024");
  citation->set_quote("During Tokayev’s visit to China in 2019");
  {
    auto visits = v1::VisitService::NewStub(channel_);
    grpc::ClientContext context;
    v1::CreateVisitRequest request;
    *request.mutable_visit() = visit;
    request.set_visit_id("tokayev-cn-2024-01-15");
    v1::Visit created;
    grpc::Status status = visits->CreateVisit(&context, request, &created);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  auto entries = Walk("relationships/CN-KZ", 1000, "date = 2024");
  EXPECT_THAT(Described(entries),
              ElementsAre("20240000 TIMELINE_ENTRY_KIND_VISIT visits/xi-jinping-kz-2024#0",
                          "20240000 TIMELINE_ENTRY_KIND_OBSERVATION "
                          "observations/cross-border-trips-2024-outlook#0",
                          "20240100 TIMELINE_ENTRY_KIND_OBSERVATION "
                          "observations/cross-border-trips-2024-q1#0",
                          "20240115 TIMELINE_ENTRY_KIND_VISIT visits/tokayev-cn-2024-01-15#0",
                          "20240300 TIMELINE_ENTRY_KIND_EXCHANGE "
                          "exchanges/year-of-kazakhstan-tourism#0"));
}

TEST_F(RelationshipTest, SmallPagesMatchOneBigPage) {
  auto all = Described(Walk("relationships/CN-KZ", 1000));
  ASSERT_THAT(all, SizeIs(11));
  for (int page_size : {1, 2, 3, 4, 10}) {
    SCOPED_TRACE(page_size);
    auto entries = Walk("relationships/CN-KZ", page_size);
    EXPECT_EQ(Described(entries), all);
    std::set<std::tuple<int, std::string, int>> seen;
    int64_t previous = 0;
    for (const auto& entry : entries) {
      EXPECT_TRUE(seen.insert({entry.kind(), entry.record(), entry.milestone_index()}).second)
          << "duplicate " << Describe(entry);
      EXPECT_LE(previous, domain::DateKey(entry.date())) << Describe(entry);
      previous = domain::DateKey(entry.date());
    }
  }
  // The default page holds them all; a token also works with the pair
  // named the other way round.
  v1::ListTimelineRequest request;
  request.set_parent("relationships/CN-KZ");
  v1::ListTimelineResponse response;
  ASSERT_TRUE(Page(request, &response).ok());
  EXPECT_EQ(response.entries_size(), 11);
  EXPECT_TRUE(response.next_page_token().empty());
  request.set_page_size(5);
  response.Clear();
  ASSERT_TRUE(Page(request, &response).ok());
  ASSERT_FALSE(response.next_page_token().empty());
  request.set_parent("relationships/kaz-chn");
  request.set_page_token(response.next_page_token());
  response.Clear();
  ASSERT_TRUE(Page(request, &response).ok());
  EXPECT_EQ(Describe(response.entries(0)), all[5]);
}

TEST_F(RelationshipTest, FilterByKindAndDate) {
  auto visits = Walk("relationships/CN-KZ", 2, "kind = VISIT");
  EXPECT_THAT(visits, SizeIs(4));
  for (const auto& entry : visits) EXPECT_EQ(entry.kind(), v1::TIMELINE_ENTRY_KIND_VISIT);

  EXPECT_THAT(Walk("relationships/CN-KZ", 50, "kind = TIMELINE_ENTRY_KIND_VISIT"), SizeIs(4));

  auto two_kinds = Walk("relationships/CN-KZ", 50, "kind = VISIT OR kind = EXCHANGE");
  EXPECT_THAT(two_kinds, SizeIs(5));
  for (const auto& entry : two_kinds) {
    EXPECT_TRUE(entry.kind() == v1::TIMELINE_ENTRY_KIND_VISIT ||
                entry.kind() == v1::TIMELINE_ENTRY_KIND_EXCHANGE);
  }

  auto range = Walk("relationships/CN-KZ", 3, "date >= 2020 AND date < 2024-02");
  EXPECT_THAT(range, SizeIs(7));
  for (const auto& entry : range) {
    EXPECT_GE(domain::DateKey(entry.date()), 20200000);
    EXPECT_LT(domain::DateKey(entry.date()), 20240200);
  }

  auto grouped =
      Walk("relationships/CN-KZ", 50, "(kind = OBSERVATION OR kind = TRADE) AND date = 2023");
  EXPECT_THAT(Described(grouped),
              ElementsAre("20230000 TIMELINE_ENTRY_KIND_TRADE tradeRecords/kz-cn-total-2023#0",
                          "20230000 TIMELINE_ENTRY_KIND_OBSERVATION "
                          "observations/cross-border-trips-2023#0"));

  EXPECT_THAT(Walk("relationships/CN-KZ", 50, "kind = PARTNERSHIP_MILESTONE AND date > 2019"),
              ElementsAre(Property(&v1::TimelineEntry::milestone_index, 1)));
  // OR binds tighter than AND.
  EXPECT_THAT(Walk("relationships/CN-KZ", 50, "kind = VISIT OR kind = TRADE AND date >= 2020"),
              SizeIs(3));
  EXPECT_THAT(Walk("relationships/CN-KZ", 50, "date <= 2013"), SizeIs(1));
  EXPECT_THAT(Walk("relationships/CN-KZ", 50, "kind = VISIT AND kind = TRADE"), SizeIs(0));
}

// The timeline reads its filter with the List methods' parser, so it spells
// literals and reports syntax errors as every other filter does, and keeps
// its own, narrower meaning.
TEST_F(RelationshipTest, TimelineFilterIsReadByTheSharedParser) {
  const auto visits_and_exchanges = Described(
      Walk("relationships/CN-KZ", 50, "kind = VISIT OR kind = EXCHANGE AND date >= 2020"));
  ASSERT_FALSE(visits_and_exchanges.empty());
  EXPECT_EQ(Described(Walk("relationships/CN-KZ", 50,
                           "(kind = 'VISIT' OR (kind = \"EXCHANGE\")) AND ((date >= 2020))")),
            visits_and_exchanges);

  auto message = [&](const std::string& filter) {
    v1::ListTimelineRequest request;
    request.set_parent("relationships/CN-KZ");
    request.set_filter(filter);
    v1::ListTimelineResponse response;
    grpc::Status status = Page(request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << filter;
    return status.error_message();
  };
  // Syntax: the shared parser's words.
  EXPECT_THAT(message("kind = VISIT AND"),
              HasSubstr("expected a comparison after 'AND' at position 14"));
  EXPECT_THAT(message("kind = 'VISIT"), HasSubstr("unterminated string"));
  // Meaning: the timeline's.
  EXPECT_THAT(message("kind = VISIT date > 2020"),
              HasSubstr("expected AND before the comparison at position 14"));
  EXPECT_THAT(message("date >= 2020 OR kind = VISIT"),
              HasSubstr("the date comparison at position 1 is joined with OR"));
  EXPECT_THAT(message("(kind = VISIT AND date > 2020)"),
              HasSubstr("the parentheses at position 1 hold AND"));
  EXPECT_THAT(message("-kind = VISIT"), HasSubstr("NOT at position 1"));
  EXPECT_THAT(message("kind = VISIT OR host = KZ"),
              HasSubstr("unknown field 'host' at position 17"));
  EXPECT_THAT(message("date != 2024"), HasSubstr("found '!=' at position 6"));
  EXPECT_THAT(message("kind = VISIT AND date < 2024-13"), HasSubstr("at position 25"));
}

TEST_F(RelationshipTest, BadTimelineRequestsAreInvalidArgument) {
  auto check = [&](v1::ListTimelineRequest request, const std::string& field) {
    SCOPED_TRACE(request.ShortDebugString());
    v1::ListTimelineResponse response;
    grpc::Status status = Page(request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(ViolatedFields(status), ElementsAre(field));
  };
  v1::ListTimelineRequest good;
  good.set_parent("relationships/CN-KZ");

  for (const std::string parent :
       {"", "relationships/CN", "relationships/CN-CHN", "relationships/CN-ZZ", "visits/x"}) {
    auto request = good;
    request.set_parent(parent);
    check(request, "parent");
  }
  {
    auto request = good;
    request.set_page_size(-1);
    check(request, "page_size");
  }
  for (const std::string filter :
       {"kind = NOPE", "kind = UNSPECIFIED", "kind != VISIT", "kind:VISIT", "visitor = 1",
        "date >= 2024-13", "date >= soon", "date != 2024", "date >= 2020 OR kind = VISIT",
        "kind = VISIT AND", "kind = VISIT OR", "(kind = VISIT", "kind = VISIT)",
        "(kind = VISIT AND date > 2020)", "kind = VISIT date > 2020", "NOT kind = VISIT",
        "kind = \"VISIT", "kind = VISIT; DROP TABLE visits", "date"}) {
    auto request = good;
    request.set_filter(filter);
    check(request, "filter");
  }

  // Tokens: garbage, altered, or issued for another filter or pair.
  auto first = good;
  first.set_page_size(2);
  v1::ListTimelineResponse response;
  ASSERT_TRUE(Page(first, &response).ok());
  const std::string token = response.next_page_token();
  ASSERT_FALSE(token.empty());
  {
    auto request = first;
    request.set_page_token("not a token");
    check(request, "page_token");
  }
  {
    auto request = first;
    std::string altered = token;
    altered[altered.size() / 2] = altered[altered.size() / 2] == 'A' ? 'B' : 'A';
    request.set_page_token(altered);
    check(request, "page_token");
  }
  {
    auto request = first;
    request.set_page_token(token.substr(0, token.size() - 4));
    check(request, "page_token");
  }
  {
    auto request = first;
    request.set_filter("kind = VISIT");
    request.set_page_token(token);
    check(request, "page_token");
  }
  {
    auto request = first;
    request.set_parent("relationships/CN-RU");
    request.set_page_token(token);
    check(request, "page_token");
  }
}

}  // namespace
}  // namespace bilateral
