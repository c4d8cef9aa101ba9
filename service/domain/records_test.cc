#include "domain/records.h"

#include <set>
#include <string>

#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "temp_dir.h"
#include "test_store.h"

namespace bilateral::domain {
namespace {

// The call the test's work is for: no deadline, never cancelled.
const CallContext kCall;

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

template <typename Message>
Message FromJson(const std::string& json) {
  Message message;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &message).ok()) << json;
  return message;
}

std::vector<std::string> ViolatedFields(const absl::Status& status) {
  std::vector<std::string> fields;
  for (const auto& violation : FieldViolations(status)) fields.push_back(violation.field);
  return fields;
}

class RecordsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = test::OpenTestStore(dir_, "records.db");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    sources_ = std::make_unique<Records<v1::Source>>(store_.get());
    visits_ = std::make_unique<Records<v1::Visit>>(store_.get());
    ASSERT_TRUE(
        sources_->Create(kCall, FromJson<v1::Source>(R"({"title": "An article"})"), "article", "")
            .ok());
  }

  static v1::Visit ValidVisit() {
    return FromJson<v1::Visit>(R"({
      "visitor": {"name": "Xi Jinping", "country": "CN"},
      "hostCountry": "countries/KZ",
      "startDate": {"year": 2013},
      "citations": [{"source": "sources/article", "quote": "In 2013 ..."}]})");
  }

  test::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Records<v1::Source>> sources_;
  std::unique_ptr<Records<v1::Visit>> visits_;
};

TEST_F(RecordsTest, CreateCanonicalisesAndSetsOutputOnlyFields) {
  v1::Visit visit = ValidVisit();
  visit.set_name("visits/ignored");
  visit.set_etag("ignored");
  visit.set_computed_ordinal(42);
  auto created = visits_->Create(kCall, visit, "xi-2013", "");
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->name(), "visits/xi-2013");
  EXPECT_EQ(created->visitor().country(), "countries/CN");
  EXPECT_EQ(created->computed_ordinal(), 1);  // the service's, not the caller's 42
  EXPECT_FALSE(created->etag().empty());
  EXPECT_NE(created->etag(), "ignored");
  EXPECT_GT(created->create_time().seconds(), 0);

  auto got = visits_->Get(kCall, "visits/xi-2013");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->SerializeAsString(), created->SerializeAsString());
}

TEST_F(RecordsTest, EmptyIdIsGenerated) {
  auto created = visits_->Create(kCall, ValidVisit(), "", "");
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_TRUE(IsValidId(created->name().substr(std::string("visits/").size())));
}

TEST(GenerateIdTest, IdsAreValidDistinctAndSortInTheOrderTheyWereMade) {
  std::set<std::string> seen;
  std::string previous = GenerateId();
  for (int i = 0; i < 20; ++i) {
    absl::SleepFor(absl::Milliseconds(1));
    std::string id = GenerateId();
    EXPECT_LT(previous, id) << "made later, sorts after";
    EXPECT_EQ(id.size(), 20u);
    EXPECT_TRUE(IsValidId(id)) << id;
    previous = id;
  }
  for (int i = 0; i < 10000; ++i) seen.insert(GenerateId());
  EXPECT_EQ(seen.size(), 10000u) << "ids made in the same microsecond still differ";
}

TEST_F(RecordsTest, EveryViolationIsListedInOneError) {
  v1::Visit visit = FromJson<v1::Visit>(R"({
    "visitor": {"country": "Kazakhstan"},
    "hostCountry": "countries/KZ",
    "startDate": {"year": 2023, "month": 2, "day": 29},
    "endDate": {"year": 2022},
    "reportedOrdinal": -1,
    "cities": [""],
    "citations": [{"source": "articles/x", "quote": ""},
                  {"source": "sources/missing", "quote": "q"}]})");
  auto created = visits_->Create(kCall, visit, "Bad_Id", "has space");
  EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorReason(created.status()), "FIELD_VIOLATION");
  EXPECT_THAT(
      ViolatedFields(created.status()),
      UnorderedElementsAre("visit_id", "request_id", "visit.visitor.name", "visit.visitor.country",
                           "visit.start_date.day", "visit.end_date", "visit.reported_ordinal",
                           "visit.cities[0]", "visit.citations[0].source",
                           "visit.citations[0].quote", "visit.citations[1].source"));
  EXPECT_EQ(*store_->Count(kCall, Resource<v1::Visit>::Collection()), 0);
}

TEST_F(RecordsTest, CitationsAreRequiredAndMustNameAStoredSource) {
  v1::Visit visit = ValidVisit();
  visit.clear_citations();
  EXPECT_THAT(ViolatedFields(visits_->Create(kCall, visit, "", "").status()),
              Contains("visit.citations"));
  visit = ValidVisit();
  visit.mutable_citations(0)->set_source("sources/nowhere");
  auto created = visits_->Create(kCall, visit, "", "");
  ASSERT_THAT(FieldViolations(created.status()), testing::SizeIs(1));
  EXPECT_EQ(FieldViolations(created.status())[0].description, "sources/nowhere does not exist");
}

TEST_F(RecordsTest, HostMustDifferFromVisitorCountry) {
  v1::Visit visit = ValidVisit();
  visit.set_host_country("cn");
  EXPECT_THAT(ViolatedFields(visits_->Create(kCall, visit, "", "").status()),
              Contains("visit.host_country"));
}

TEST_F(RecordsTest, DuplicateIdIsAlreadyExists) {
  ASSERT_TRUE(visits_->Create(kCall, ValidVisit(), "same", "").ok());
  EXPECT_EQ(visits_->Create(kCall, ValidVisit(), "same", "").status().code(),
            absl::StatusCode::kAlreadyExists);
}

TEST_F(RecordsTest, RetriedCreateWithRequestIdStoresOneRecord) {
  auto first = visits_->Create(kCall, ValidVisit(), "", "5f0c2a9e-retry");
  auto second = visits_->Create(kCall, ValidVisit(), "", "5f0c2a9e-retry");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->SerializeAsString(), second->SerializeAsString());
  EXPECT_EQ(*store_->Count(kCall, Resource<v1::Visit>::Collection()), 1);
}

// Stripe's rule for idempotency keys: the same key with different
// parameters is an error, never the first result passed off as this one's.
TEST_F(RecordsTest, RequestIdReusedForADifferentRequestIsRefusedNamingTheFirst) {
  auto first = visits_->Create(kCall, ValidVisit(), "first", "5f0c2a9e-reuse");
  ASSERT_TRUE(first.ok()) << first.status();
  // A retry, the record spelt differently but the same once canonical.
  v1::Visit respelt = ValidVisit();
  respelt.set_host_country("KAZ");
  auto retry = visits_->Create(kCall, respelt, "first", "5f0c2a9e-reuse");
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->etag(), first->etag());

  v1::Visit other = ValidVisit();
  other.add_cities("Astana");
  auto another_record = visits_->Create(kCall, other, "first", "5f0c2a9e-reuse");
  auto another_id = visits_->Create(kCall, ValidVisit(), "second", "5f0c2a9e-reuse");
  auto chosen_id = visits_->Create(kCall, ValidVisit(), "", "5f0c2a9e-reuse");
  for (const auto* refused : {&another_record, &another_id, &chosen_id}) {
    EXPECT_EQ(refused->status().code(), absl::StatusCode::kInvalidArgument) << refused->status();
    EXPECT_THAT(ViolatedFields(refused->status()), testing::ElementsAre("request_id"));
    EXPECT_THAT(std::string(refused->status().message()), testing::HasSubstr("visits/first"));
  }
  EXPECT_EQ(*store_->Count(kCall, Resource<v1::Visit>::Collection()), 1)
      << "a refused create stored";
  EXPECT_THAT(visits_->Get(kCall, "visits/first")->cities(), testing::IsEmpty());
}

// A milestone's visit must exist, and a visit a milestone names cannot be
// deleted while it does, as a cited source cannot: the refusal names the
// partnership. Once the milestone no longer names it, it can go.
TEST_F(RecordsTest, AVisitAMilestoneNamesMustExistAndIsKeptWhileNamed) {
  Records<v1::Partnership> partnerships(store_.get());
  ASSERT_TRUE(visits_->Create(kCall, ValidVisit(), "xi-2013", "").ok());
  auto partnership = FromJson<v1::Partnership>(R"({
      "countries": ["CN", "KZ"],
      "milestones": [{"date": {"year": 2013}, "kind": "MILESTONE_KIND_DECLARATION",
                      "label": "A declaration", "visit": "visits/no-such-visit"}],
      "citations": [{"source": "sources/article", "quote": "In 2013 ..."}]})");
  auto refused = partnerships.Create(kCall, partnership, "cn-kz", "");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << refused.status();
  EXPECT_THAT(ViolatedFields(refused.status()),
              testing::ElementsAre("partnership.milestones[0].visit"));
  EXPECT_THAT(std::string(refused.status().message()),
              testing::HasSubstr("visits/no-such-visit does not exist"));

  partnership.mutable_milestones(0)->set_visit("visits/xi-2013");
  auto created = partnerships.Create(kCall, partnership, "cn-kz", "");
  ASSERT_TRUE(created.ok()) << created.status();
  auto kept = visits_->Delete(kCall, "visits/xi-2013", "");
  EXPECT_EQ(kept.code(), absl::StatusCode::kFailedPrecondition) << kept;
  EXPECT_THAT(std::string(kept.message()), testing::HasSubstr("partnerships/cn-kz"));
  EXPECT_TRUE(visits_->Get(kCall, "visits/xi-2013").ok());

  created->mutable_milestones(0)->clear_visit();
  ASSERT_TRUE(partnerships.Update(kCall, *created, nullptr).ok());
  EXPECT_TRUE(visits_->Delete(kCall, "visits/xi-2013", "").ok());
}

// Records each within the limits can together pass what one response may
// hold: a default page ends early and the next token resumes exactly; a
// BatchGet that large is refused up front, naming the limit.
TEST_F(RecordsTest, PagesEndBeforeTheResponseLimitAndBigBatchGetsAreRefused) {
  // As many 4,000-byte quotes as a record may hold (kMaxRecordBytes).
  v1::Source bulky = FromJson<v1::Source>(R"({"title": "Bulky"})");
  for (int i = 0; bulky.ByteSizeLong() + 4100 < kMaxRecordBytes && i < kMaxListSize; ++i) {
    auto* citation = bulky.add_citations();
    citation->set_source("sources/article");
    citation->set_quote(std::string(4000, static_cast<char>('a' + i % 26)));
  }
  // Enough of them to pass what one response may hold.
  const int count = static_cast<int>(kMaxResponseBytes / bulky.ByteSizeLong()) + 4;
  google::protobuf::RepeatedPtrField<std::string> names;
  for (int i = 0; i < count; ++i) {
    auto created = sources_->Create(kCall, bulky, absl::StrCat("bulky-", i), "");
    ASSERT_TRUE(created.ok()) << created.status();
    *names.Add() = created->name();
  }
  std::vector<std::string> listed;
  ListParams params;
  int pages = 0;
  do {
    auto page = sources_->List(kCall, params);
    ASSERT_TRUE(page.ok()) << page.status();
    size_t bytes = 0;
    for (const auto& source : page->items) {
      listed.push_back(source.name());
      bytes += source.ByteSizeLong();
    }
    EXPECT_LE(bytes, kMaxResponseBytes);
    EXPECT_FALSE(page->items.empty());
    params.page_token = page->next_page_token;
    ++pages;
  } while (!params.page_token.empty() && pages < 20);
  EXPECT_GT(pages, 1) << "more than a response may hold in one default page";
  std::vector<std::string> expected = {"sources/article"};
  for (const auto& name : names) expected.push_back(name);
  EXPECT_THAT(listed, testing::ElementsAreArray(expected)) << "each once, in order";

  auto all = sources_->BatchGet(kCall, names);
  EXPECT_EQ(all.status().code(), absl::StatusCode::kInvalidArgument) << all.status();
  EXPECT_THAT(ViolatedFields(all.status()), testing::ElementsAre("names"));
  EXPECT_THAT(std::string(all.status().message()),
              testing::HasSubstr(absl::StrCat(kMaxResponseBytes, " bytes")));
  names.DeleteSubrange(2, names.size() - 2);
  EXPECT_TRUE(sources_->BatchGet(kCall, names).ok());
}

TEST_F(RecordsTest, MalformedNamesAreInvalidArgument) {
  for (const std::string& name : std::vector<std::string>{
           "", "visits/", "visits/UPPER", "sources/article", "visits/a/b", std::string(300, 'v')}) {
    auto got = visits_->Get(kCall, name);
    EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument) << name;
    EXPECT_THAT(ViolatedFields(got.status()), Contains("name")) << name;
  }
  EXPECT_EQ(visits_->Get(kCall, "visits/absent").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(RecordsTest, UpdateAppliesTheMaskOnly) {
  auto created = visits_->Create(kCall, ValidVisit(), "v", "");
  ASSERT_TRUE(created.ok());
  v1::Visit change;
  change.set_name("visits/v");
  change.set_kind(v1::VISIT_KIND_STATE);
  change.mutable_start_date()->set_year(1999);  // not in the mask: ignored
  change.add_cities("Astana");
  google::protobuf::FieldMask mask;
  mask.add_paths("kind");
  mask.add_paths("cities");
  mask.add_paths("create_time");  // output only: ignored
  auto updated = visits_->Update(kCall, change, &mask);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->kind(), v1::VISIT_KIND_STATE);
  EXPECT_THAT(updated->cities(), testing::ElementsAre("Astana"));
  EXPECT_EQ(updated->start_date().year(), 2013);
  EXPECT_EQ(updated->create_time().seconds(), created->create_time().seconds());
  EXPECT_NE(updated->etag(), created->etag());
}

TEST_F(RecordsTest, UpdateWithoutMaskReplacesTheFieldsThatAreSet) {
  ASSERT_TRUE(visits_->Create(kCall, ValidVisit(), "v", "").ok());
  v1::Visit change;
  change.set_name("visits/v");
  change.add_occasions("A summit");
  auto updated = visits_->Update(kCall, change, nullptr);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_THAT(updated->occasions(), testing::ElementsAre("A summit"));
  EXPECT_EQ(updated->visitor().name(), "Xi Jinping");
}

TEST_F(RecordsTest, UnknownMaskPathIsInvalidArgument) {
  ASSERT_TRUE(visits_->Create(kCall, ValidVisit(), "v", "").ok());
  v1::Visit change;
  change.set_name("visits/v");
  google::protobuf::FieldMask mask;
  mask.add_paths("kind");
  mask.add_paths("colour");
  auto updated = visits_->Update(kCall, change, &mask);
  EXPECT_EQ(updated.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(updated.status()), testing::ElementsAre("update_mask.paths[1]"));
}

TEST_F(RecordsTest, EmptyOrRepeatedMaskPathIsInvalidArgumentAndWritesNothing) {
  auto created = visits_->Create(kCall, ValidVisit(), "v", "");
  ASSERT_TRUE(created.ok()) << created.status();
  v1::Visit change;
  change.set_name("visits/v");
  change.set_kind(v1::VISIT_KIND_STATE);
  for (const std::vector<std::string>& paths :
       std::vector<std::vector<std::string>>{{""}, {"kind", ""}, {"kind", "kind"}}) {
    SCOPED_TRACE(absl::StrJoin(paths, ","));
    google::protobuf::FieldMask mask;
    for (const auto& path : paths) mask.add_paths(path);
    auto updated = visits_->Update(kCall, change, &mask);
    EXPECT_EQ(updated.status().code(), absl::StatusCode::kInvalidArgument) << updated.status();
    EXPECT_THAT(ViolatedFields(updated.status()),
                testing::ElementsAre(absl::StrCat("update_mask.paths[", paths.size() - 1, "]")));
  }
  EXPECT_EQ(visits_->Get(kCall, "visits/v")->etag(), created->etag()) << "a refused update wrote";
}

TEST_F(RecordsTest, UpdateThatBreaksARuleWritesNothing) {
  auto created = visits_->Create(kCall, ValidVisit(), "v", "");
  v1::Visit change;
  change.set_name("visits/v");
  google::protobuf::FieldMask mask;
  mask.add_paths("host_country");  // cleared: required
  auto updated = visits_->Update(kCall, change, &mask);
  EXPECT_THAT(ViolatedFields(updated.status()), Contains("visit.host_country"));
  EXPECT_EQ(visits_->Get(kCall, "visits/v")->etag(), created->etag());
}

TEST_F(RecordsTest, StaleEtagIsAbortedAndWritesNothing) {
  auto created = visits_->Create(kCall, ValidVisit(), "v", "");
  v1::Visit change;
  change.set_name("visits/v");
  change.set_kind(v1::VISIT_KIND_OFFICIAL);
  change.set_etag(created->etag());
  auto first = visits_->Update(kCall, change, nullptr);
  ASSERT_TRUE(first.ok()) << first.status();

  change.set_kind(v1::VISIT_KIND_WORKING);  // still carries the old etag
  auto stale = visits_->Update(kCall, change, nullptr);
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(visits_->Get(kCall, "visits/v")->kind(), v1::VISIT_KIND_OFFICIAL);
  EXPECT_EQ(visits_->Delete(kCall, "visits/v", created->etag()).code(), absl::StatusCode::kAborted);
  EXPECT_TRUE(visits_->Delete(kCall, "visits/v", first->etag()).ok());
  EXPECT_EQ(visits_->Delete(kCall, "visits/v", "").code(), absl::StatusCode::kNotFound);
}

TEST_F(RecordsTest, PageSizeIsCheckedAndCoerced) {
  ListParams params;
  params.page_size = -1;
  EXPECT_THAT(ViolatedFields(visits_->List(kCall, params).status()),
              testing::ElementsAre("page_size"));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(visits_->Create(kCall, ValidVisit(), "", "").ok());
  params.page_size = 1000000;
  auto page = visits_->List(kCall, params);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->items.size(), 3u);
  EXPECT_THAT(page->next_page_token, IsEmpty());
}

TEST_F(RecordsTest, QueryErrorsNameTheRequestField) {
  ListParams params;
  params.filter = "host_country = (";
  auto page = visits_->List(kCall, params);
  EXPECT_THAT(ViolatedFields(page.status()), testing::ElementsAre("filter"));
  EXPECT_THAT(page.status().message(), HasSubstr("("));
  params.filter = "";
  params.order_by = "colour";
  EXPECT_THAT(ViolatedFields(visits_->List(kCall, params).status()),
              testing::ElementsAre("order_by"));
  params.order_by = "";
  params.page_token = "garbage";
  EXPECT_THAT(ViolatedFields(visits_->List(kCall, params).status()),
              testing::ElementsAre("page_token"));
}

// A NUL or other control character is refused the same way on both stores,
// naming the field; PostgreSQL cannot store a NUL at all.
TEST_F(RecordsTest, ControlCharactersAreFieldViolationsOnEveryStore) {
  v1::Visit visit = ValidVisit();
  visit.mutable_visitor()->set_name(std::string("before\0after", 12));
  visit.add_cities("Astana");
  visit.add_cities("a\x01z");
  visit.add_outcomes("a\xc2\x85z");  // U+0085, a C1 control
  visit.mutable_citations(0)->set_quote("line one\n\tline two\r\n");
  auto created = visits_->Create(kCall, visit, "nul", "");
  EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(created.status()),
              UnorderedElementsAre("visit.visitor.name", "visit.cities[1]", "visit.outcomes[0]"));

  v1::Visit tabs = ValidVisit();
  tabs.mutable_citations(0)->set_quote("line one\n\tline two\r\n");
  ASSERT_TRUE(visits_->Create(kCall, tabs, "tabs", "").ok());
  v1::Visit update;
  update.set_name("visits/tabs");
  update.mutable_visitor()->set_office(std::string("\0", 1));
  google::protobuf::FieldMask mask;
  mask.add_paths("visitor.office");
  EXPECT_THAT(ViolatedFields(visits_->Update(kCall, update, &mask).status()),
              testing::ElementsAre("visit.visitor.office"));
  EXPECT_EQ(visits_->Get(kCall, "visits/tabs")->visitor().office(), "");

  ListParams params;
  params.filter = std::string("visitor.name = \"a\0b\"", 20);
  EXPECT_THAT(ViolatedFields(visits_->List(kCall, params).status()),
              testing::ElementsAre("filter"));
  EXPECT_EQ(*store_->Count(kCall, Resource<v1::Visit>::Collection()), 1);
}

// A field this build does not know is not stored, however large; a record
// is bounded as a whole.
TEST_F(RecordsTest, UnknownFieldsAreDroppedAndARecordIsBounded) {
  v1::Visit visit = ValidVisit();
  visit.GetReflection()->MutableUnknownFields(&visit)->AddLengthDelimited(
      999, std::string(1 << 20, 'x'));
  visit.mutable_visitor()
      ->GetReflection()
      ->MutableUnknownFields(visit.mutable_visitor())
      ->AddVarint(77, 1);
  auto created = visits_->Create(kCall, visit, "unknown", "");
  ASSERT_TRUE(created.ok()) << created.status();
  auto got = visits_->Get(kCall, "visits/unknown");
  ASSERT_TRUE(got.ok());
  EXPECT_LT(got->ByteSizeLong(), 1024u);
  EXPECT_TRUE(got->GetReflection()->GetUnknownFields(*got).empty());
  EXPECT_TRUE(got->visitor().GetReflection()->GetUnknownFields(got->visitor()).empty());

  v1::Visit update = ValidVisit();
  update.set_name("visits/unknown");
  update.mutable_visitor()
      ->GetReflection()
      ->MutableUnknownFields(update.mutable_visitor())
      ->AddLengthDelimited(999, std::string(1 << 20, 'x'));
  auto updated = visits_->Update(kCall, update, nullptr);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_LT(visits_->Get(kCall, "visits/unknown")->ByteSizeLong(), 1024u);

  // Each field within its bound, the record past kMaxRecordBytes.
  v1::Visit large = ValidVisit();
  for (int i = 0; i < 80; ++i) large.add_cities(std::string(kMaxTextBytes, 'c'));
  auto refused = visits_->Create(kCall, large, "large", "");
  EXPECT_THAT(ViolatedFields(refused.status()), testing::ElementsAre("visit"));
  EXPECT_THAT(refused.status().message(), HasSubstr("at most 262144"));
  EXPECT_EQ(*store_->Count(kCall, Resource<v1::Visit>::Collection()), 1);
}

// No source states a negative amount traded or invested, or a negative
// capacity.
TEST_F(RecordsTest, NegativeAmountsAndCapacitiesAreFieldViolations) {
  Records<v1::TradeRecord> trade(store_.get());
  auto record = FromJson<v1::TradeRecord>(R"({
      "reporter": "KZ", "partner": "CN", "period": {"year": 2023},
      "flow": "TRADE_FLOW_TOTAL", "value": {"currencyCode": "USD", "units": "-5"},
      "citations": [{"source": "sources/article", "quote": "trade"}]})");
  EXPECT_THAT(ViolatedFields(trade.Create(kCall, record, "", "").status()),
              testing::ElementsAre("trade_record.value.units"));
  record.mutable_value()->set_units(0);
  record.mutable_value()->set_nanos(-1);
  EXPECT_THAT(ViolatedFields(trade.Create(kCall, record, "", "").status()),
              testing::ElementsAre("trade_record.value.nanos"));
  record.mutable_value()->set_nanos(0);
  record.mutable_value()->set_units(5);
  ASSERT_TRUE(trade.Create(kCall, record, "", "").ok());

  Records<v1::InfrastructureProject> projects(store_.get());
  auto project = FromJson<v1::InfrastructureProject>(R"({
      "displayName": "Wind farm", "hostCountry": "KZ", "partnerCountries": ["CN"],
      "capacity": {"value": -100, "unit": "MW"},
      "investment": {"currencyCode": "USD", "units": "-1"},
      "citations": [{"source": "sources/article", "quote": "wind"}]})");
  EXPECT_THAT(ViolatedFields(projects.Create(kCall, project, "", "").status()),
              UnorderedElementsAre("infrastructure_project.capacity.value",
                                   "infrastructure_project.investment.units"));
  project.mutable_capacity()->set_value(100);
  project.mutable_investment()->set_units(1);
  EXPECT_TRUE(projects.Create(kCall, project, "", "").ok());
  EXPECT_EQ(*store_->Count(kCall, Resource<v1::InfrastructureProject>::Collection()), 1);
}

}  // namespace
}  // namespace bilateral::domain
