// The standard methods, once per resource type: every documented filter
// field, ordering, pages with inserts between them, update masks, etags,
// request ids and BatchGet. A resource type joins by giving a sample record
// and one filter case per filterable field; the suite fails when a field has
// no case.
#include <functional>
#include <set>

#include "domain/records.h"
#include "domain/rows.h"
#include "gmock/gmock.h"
#include "google/protobuf/unknown_field_set.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "temp_dir.h"
#include "test_store.h"

namespace bilateral::domain {
namespace {

// The call the test's work is for: no deadline, never cancelled.
const CallContext kCall;

using ::testing::ElementsAreArray;

constexpr char kSource[] = "sources/conformance";

v1::Citation Cite() {
  v1::Citation citation;
  citation.set_source(kSource);
  citation.set_quote("A quote.");
  return citation;
}

template <typename T>
T FromJson(const std::string& json) {
  T message;
  auto status = google::protobuf::util::JsonStringToMessage(json, &message);
  EXPECT_TRUE(status.ok()) << status << " in " << json;
  return message;
}

// One filterable field: how to give a record a distinctive value, and a
// filter that selects records with it.
template <typename T>
struct FilterCase {
  std::string path;
  std::function<void(T&)> mutate;
  std::string filter;
};

template <typename T>
struct Sample;

template <>
struct Sample<v1::Source> {
  static v1::Source Make(int i) {
    auto source = FromJson<v1::Source>(R"({"title": "Report", "kind": "SOURCE_KIND_REPORT"})");
    source.set_title(absl::StrCat("Report ", i));
    source.mutable_publication_date()->set_year(2000 + i % 20);
    return source;
  }
  static void Change(v1::Source& source) { source.set_publisher("Changed"); }
  static const char* ChangedPath() { return "publisher"; }
  static std::vector<FilterCase<v1::Source>> Cases() {
    return {
        {"title", [](auto& r) { r.set_title("Needle title"); }, R"(title = "Needle title")"},
        {"publisher", [](auto& r) { r.set_publisher("World Bank"); }, R"(publisher:"world bank")"},
        {"author", [](auto& r) { r.set_author("Xi Jinping"); }, R"(author = "Xi*")"},
        {"language", [](auto& r) { r.set_language("kk"); }, R"(language = "kk")"},
        {"kind", [](auto& r) { r.set_kind(v1::SOURCE_KIND_SIGNED_ARTICLE); },
         "kind = SIGNED_ARTICLE"},
        {"publication_date",
         [](auto& r) {
           *r.mutable_publication_date() = FromJson<v1::Date>(R"({"year":1990,"month":5})");
         },
         "publication_date = 1990-05"},
    };
  }
};

template <>
struct Sample<v1::Visit> {
  static v1::Visit Make(int i) {
    auto visit = FromJson<v1::Visit>(R"({"visitor": {"name": "Visitor", "country": "CN"},
        "hostCountry": "KZ", "startDate": {"year": 2010}})");
    visit.mutable_visitor()->set_name(absl::StrCat("Visitor ", i % 5));
    visit.mutable_start_date()->set_year(2000 + i % 20);
    *visit.add_citations() = Cite();
    return visit;
  }
  static void Change(v1::Visit& visit) { visit.set_kind(v1::VISIT_KIND_WORKING); }
  static const char* ChangedPath() { return "kind"; }
  static std::vector<FilterCase<v1::Visit>> Cases() {
    return {
        {"visitor.name", [](auto& r) { r.mutable_visitor()->set_name("Needle"); },
         R"(visitor.name = "Needle")"},
        {"visitor.office", [](auto& r) { r.mutable_visitor()->set_office("Premier"); },
         R"(visitor.office:"prem")"},
        {"visitor.country", [](auto& r) { r.mutable_visitor()->set_country("FR"); },
         R"(visitor.country = "FRA")"},
        {"host_country", [](auto& r) { r.set_host_country("250"); },
         R"(host_country = "countries/FR")"},
        {"kind", [](auto& r) { r.set_kind(v1::VISIT_KIND_STATE); }, "kind = VISIT_KIND_STATE"},
        {"start_date", [](auto& r) { r.mutable_start_date()->set_year(1950); },
         "start_date < 1960"},
        {"end_date",
         [](auto& r) {
           *r.mutable_end_date() = FromJson<v1::Date>(R"({"year":2030,"month":1,"day":2})");
         },
         "end_date >= 2030-01-02"},
        {"start_date.year", [](auto& r) { r.mutable_start_date()->set_year(1951); },
         "start_date.year = 1951"},
        {"reported_ordinal", [](auto& r) { r.set_reported_ordinal(7); }, "reported_ordinal > 6"},
        {"cities", [](auto& r) { r.add_cities("Astana"); }, R"(cities:"Astana")"},
        {"occasions", [](auto& r) { r.add_occasions("Summit"); }, R"(occasions:"Summit")"},
        {"outcomes", [](auto& r) { r.add_outcomes("Treaty"); }, R"(outcomes:"Treaty")"},
    };
  }
};

template <>
struct Sample<v1::Partnership> {
  static v1::Partnership Make(int i) {
    auto partnership = FromJson<v1::Partnership>(R"({"countries": ["CN", "KZ"], "milestones": [
        {"date": {"year": 2019}, "kind": "MILESTONE_KIND_ELEVATION", "label": "Strategic partnership",
         "tier": "PARTNERSHIP_TIER_STRATEGIC"}]})");
    partnership.mutable_milestones(0)->mutable_date()->set_year(2000 + i % 20);
    *partnership.add_citations() = Cite();
    return partnership;
  }
  static void Change(v1::Partnership& p) { p.mutable_milestones(0)->set_occasion("Changed"); }
  static const char* ChangedPath() { return "milestones"; }
  static std::vector<FilterCase<v1::Partnership>> Cases() {
    return {
        {"countries", [](auto& r) { r.set_countries(0, "RU"); }, R"(countries:"RUS")"},
        {"current_level.label",
         [](auto& r) { r.mutable_milestones(0)->set_label("All-weather friendship"); },
         R"(current_level.label:"weather")"},
        {"current_level.tier",
         [](auto& r) {
           r.mutable_milestones(0)->set_tier(
               v1::PARTNERSHIP_TIER_PERMANENT_COMPREHENSIVE_STRATEGIC);
         },
         "current_level.tier = PERMANENT_COMPREHENSIVE_STRATEGIC"},
        {"current_level.since",
         [](auto& r) { r.mutable_milestones(0)->mutable_date()->set_year(1960); },
         "current_level.since = 1960"},
    };
  }
};

template <>
struct Sample<v1::TradeRecord> {
  static v1::TradeRecord Make(int i) {
    auto record = FromJson<v1::TradeRecord>(R"({"reporter": "KZ", "partner": "CN",
        "flow": "TRADE_FLOW_EXPORT", "value": {"currencyCode": "USD", "units": "1000"}})");
    // Distinct periods keep the unique key distinct.
    record.mutable_period()->set_year(1000 + i);
    *record.add_citations() = Cite();
    return record;
  }
  static void Change(v1::TradeRecord& r) { r.mutable_value()->set_units(5); }
  static const char* ChangedPath() { return "value"; }
  static std::vector<FilterCase<v1::TradeRecord>> Cases() {
    return {
        {"reporter", [](auto& r) { r.set_reporter("RU"); }, R"(reporter = "RU")"},
        {"partner", [](auto& r) { r.set_partner("DE"); }, R"(partner = "DEU")"},
        {"flow", [](auto& r) { r.set_flow(v1::TRADE_FLOW_TOTAL); }, "flow = TOTAL"},
        {"commodity.hs_code", [](auto& r) { r.mutable_commodity()->set_hs_code("2709"); },
         R"(commodity.hs_code = "27*")"},
        {"commodity.label", [](auto& r) { r.mutable_commodity()->set_label("crude oil"); },
         R"(commodity.label:"crude")"},
        {"value.currency_code", [](auto& r) { r.mutable_value()->set_currency_code("EUR"); },
         R"(value.currency_code = "EUR")"},
        {"value.units", [](auto& r) { r.mutable_value()->set_units(41000000000); },
         "value.units >= 41000000000"},
        {"partner_rank", [](auto& r) { r.set_partner_rank(1); }, "partner_rank = 1"},
        {"main_commodities", [](auto& r) { r.add_main_commodities("metals"); },
         R"(main_commodities:"metals")"},
        {"period.year", [](auto& r) { r.mutable_period()->set_year(9000); }, "period.year = 9000"},
        {"period.quarter", [](auto& r) { r.mutable_period()->set_quarter(3); },
         "period.quarter = 3"},
        {"period.month", [](auto& r) { r.mutable_period()->set_month(11); }, "period.month = 11"},
    };
  }
};

template <>
struct Sample<v1::InfrastructureProject> {
  static v1::InfrastructureProject Make(int i) {
    auto project = FromJson<v1::InfrastructureProject>(R"({"displayName": "Project",
        "hostCountry": "KZ", "partnerCountries": ["CN"], "kind": "INFRASTRUCTURE_KIND_RAILWAY"})");
    project.set_display_name(absl::StrCat("Project ", i));
    *project.add_citations() = Cite();
    return project;
  }
  static void Change(v1::InfrastructureProject& p) { p.set_description("Changed"); }
  static const char* ChangedPath() { return "description"; }
  static std::vector<FilterCase<v1::InfrastructureProject>> Cases() {
    return {
        {"display_name", [](auto& r) { r.set_display_name("Zhanatas wind farm"); },
         R"(display_name:"wind farm")"},
        {"kind", [](auto& r) { r.set_kind(v1::INFRASTRUCTURE_KIND_WIND_FARM); },
         "kind = WIND_FARM"},
        {"sector", [](auto& r) { r.set_sector(v1::SECTOR_ENERGY); }, "sector = ENERGY"},
        {"host_country", [](auto& r) { r.set_host_country("UZ"); }, R"(host_country = "UZ")"},
        {"partner_countries", [](auto& r) { r.add_partner_countries("RU"); },
         R"(partner_countries:"RU")"},
        {"status", [](auto& r) { r.set_status(v1::PROJECT_STATUS_OPERATIONAL); },
         "status = OPERATIONAL"},
        {"initiative", [](auto& r) { r.set_initiative("Belt and Road Initiative"); },
         R"(initiative = "Belt and Road Initiative")"},
        {"location.place", [](auto& r) { r.mutable_location()->set_place("Shymkent"); },
         R"(location.place = "Shymkent")"},
        {"location.region_code", [](auto& r) { r.mutable_location()->set_region_code("KZ-YUZ"); },
         R"(location.region_code = "KZ-YUZ")"},
        {"start_date", [](auto& r) { r.mutable_start_date()->set_year(2015); },
         "start_date = 2015"},
        {"completion_date", [](auto& r) { r.mutable_completion_date()->set_year(2021); },
         "completion_date > 2020"},
    };
  }
};

template <>
struct Sample<v1::Exchange> {
  static v1::Exchange Make(int i) {
    auto exchange = FromJson<v1::Exchange>(R"({"kind": "EXCHANGE_KIND_AGREEMENT",
        "countries": ["CN", "KZ"], "title": "Exchange"})");
    exchange.set_title(absl::StrCat("Exchange ", i));
    *exchange.add_citations() = Cite();
    return exchange;
  }
  static void Change(v1::Exchange& e) { e.set_description("Changed"); }
  static const char* ChangedPath() { return "description"; }
  static std::vector<FilterCase<v1::Exchange>> Cases() {
    return {
        {"kind", [](auto& r) { r.set_kind(v1::EXCHANGE_KIND_VOCATIONAL_WORKSHOP); },
         "kind = VOCATIONAL_WORKSHOP"},
        {"countries", [](auto& r) { r.set_countries(1, "TR"); }, R"(countries:"TUR")"},
        {"host_country", [](auto& r) { r.set_host_country("KZ"); }, R"(host_country = "KZ")"},
        {"title", [](auto& r) { r.set_title("The Composer"); }, R"(title = "The Composer")"},
        {"date",
         [](auto& r) { *r.mutable_date() = FromJson<v1::Date>(R"({"year":2024,"month":3})"); },
         "date = 2024-03"},
    };
  }
};

template <>
struct Sample<v1::Observation> {
  static v1::Observation Make(int i) {
    auto observation = FromJson<v1::Observation>(R"({"metric": "cross_border_trips",
        "countries": ["CN", "KZ"], "period": {"year": 2023}, "value": 1, "unit": "trips"})");
    observation.mutable_period()->set_year(1000 + i);
    *observation.add_citations() = Cite();
    return observation;
  }
  static void Change(v1::Observation& o) { o.set_value(2); }
  static const char* ChangedPath() { return "value"; }
  static std::vector<FilterCase<v1::Observation>> Cases() {
    return {
        {"metric", [](auto& r) { r.set_metric("students"); }, R"(metric = "students")"},
        {"unit", [](auto& r) { r.set_unit("people"); }, R"(unit = "people")"},
        {"countries", [](auto& r) { r.set_countries(0, "MN"); }, R"(countries:"MN")"},
        {"projection", [](auto& r) { r.set_projection(true); }, "projection = true"},
        {"period.year", [](auto& r) { r.mutable_period()->set_year(9001); }, "period.year = 9001"},
        {"period.quarter", [](auto& r) { r.mutable_period()->set_quarter(1); },
         "period.quarter = 1"},
        {"period.month", [](auto& r) { r.mutable_period()->set_month(2); }, "period.month = 2"},
    };
  }
};

template <typename T>
class RecordsConformanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = test::OpenTestStore(dir_, "conformance.db");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    v1::Source source;
    source.set_title("Conformance source");
    ASSERT_TRUE(Records<v1::Source>(store_.get()).Create(kCall, source, "conformance", "").ok());
    records_ = std::make_unique<Records<T>>(store_.get());
  }

  T Create(const T& record) {
    auto created = records_->Create(kCall, record, "", "");
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? *created : T();
  }

  // Every name a full walk returns, fetching `page_size` at a time.
  std::vector<std::string> Walk(ListParams params, std::function<void()> between_pages = {}) {
    std::vector<std::string> names;
    for (int pages = 0; pages < 1000; ++pages) {
      auto page = records_->List(kCall, params);
      EXPECT_TRUE(page.ok()) << page.status() << " for " << params.filter;
      if (!page.ok()) break;
      for (const auto& item : page->items) names.push_back(item.name());
      if (page->next_page_token.empty()) break;
      params.page_token = page->next_page_token;
      if (between_pages) between_pages();
    }
    return names;
  }

  test::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Records<T>> records_;
};

using RecordTypes = ::testing::Types<v1::Source, v1::Visit, v1::Partnership, v1::TradeRecord,
                                     v1::InfrastructureProject, v1::Exchange, v1::Observation>;
TYPED_TEST_SUITE(RecordsConformanceTest, RecordTypes);

TYPED_TEST(RecordsConformanceTest, EveryFilterableFieldHasACase) {
  std::set<std::string> covered;
  for (const auto& c : Sample<TypeParam>::Cases()) covered.insert(c.path);
  for (const auto& field : Resource<TypeParam>::Collection().fields) {
    if (field.filterable) {
      EXPECT_TRUE(covered.count(field.path)) << field.path << " has no case";
    }
  }
}

TYPED_TEST(RecordsConformanceTest, EachFilterSelectsTheRecordsWithItsValue) {
  int i = 0;
  for (const auto& c : Sample<TypeParam>::Cases()) {
    TypeParam base = this->Create(Sample<TypeParam>::Make(++i));
    TypeParam target = Sample<TypeParam>::Make(++i);
    c.mutate(target);
    target = this->Create(target);
    ListParams params;
    params.filter = c.filter;
    auto names = this->Walk(params);
    EXPECT_THAT(names, ::testing::Contains(target.name())) << c.path << ": " << c.filter;
    EXPECT_THAT(names, ::testing::Not(::testing::Contains(base.name())))
        << c.path << ": " << c.filter;
    // The negation selects the complement.
    params.filter = absl::StrCat("NOT (", c.filter, ")");
    names = this->Walk(params);
    EXPECT_THAT(names, ::testing::Not(::testing::Contains(target.name())))
        << c.path << ": " << params.filter;
  }
}

TYPED_TEST(RecordsConformanceTest, OrderingsSortAndPagesSkipNothingWhileRowsArrive) {
  std::vector<std::string> before;
  for (int i = 0; i < 23; ++i) before.push_back(this->Create(Sample<TypeParam>::Make(i)).name());
  int extra = 100;
  for (const auto& field : Resource<TypeParam>::Collection().fields) {
    if (!field.orderable) continue;
    for (const char* direction : {" asc", " desc"}) {
      ListParams params;
      params.page_size = 4;
      params.order_by = field.path + direction;
      auto names = this->Walk(params, [&] { this->Create(Sample<TypeParam>::Make(++extra)); });
      std::set<std::string> unique(names.begin(), names.end());
      EXPECT_EQ(unique.size(), names.size()) << "repeated rows ordering by " << params.order_by;
      for (const auto& name : before) {
        EXPECT_TRUE(unique.count(name)) << name << " skipped ordering by " << params.order_by;
      }
    }
  }
  ListParams params;
  params.order_by = "create_time desc";
  auto names = this->Walk(params);
  ASSERT_FALSE(names.empty());
  std::vector<std::string> ascending(names.rbegin(), names.rend());
  params.order_by = "create_time";
  EXPECT_THAT(this->Walk(params), ElementsAreArray(ascending));
}

TYPED_TEST(RecordsConformanceTest, UpdateMaskEtagAndOutputOnlyFields) {
  TypeParam created = this->Create(Sample<TypeParam>::Make(1));
  TypeParam change = created;
  Sample<TypeParam>::Change(change);
  change.set_etag(created.etag());
  change.mutable_create_time()->set_seconds(1);  // output only: ignored
  google::protobuf::FieldMask mask;
  mask.add_paths(Sample<TypeParam>::ChangedPath());
  mask.add_paths("create_time");
  auto updated = this->records_->Update(kCall, change, &mask);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_NE(updated->etag(), created.etag());
  EXPECT_EQ(updated->create_time().seconds(), created.create_time().seconds());
  TypeParam expected = change;
  expected.clear_etag();
  expected.clear_create_time();
  expected.clear_update_time();
  TypeParam actual = *updated;
  actual.clear_etag();
  actual.clear_create_time();
  actual.clear_update_time();
  EXPECT_EQ(actual.SerializeAsString(), expected.SerializeAsString());

  // The first etag is stale now: ABORTED, and nothing changes.
  auto stale = this->records_->Update(kCall, change, &mask);
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(this->records_->Get(kCall, created.name())->etag(), updated->etag());

  mask.add_paths("no_such_field");
  auto unknown = this->records_->Update(kCall, *updated, &mask);
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolations(unknown.status()).at(0).field, "update_mask.paths[2]");

  EXPECT_EQ(this->records_->Delete(kCall, created.name(), created.etag()).code(),
            absl::StatusCode::kAborted);
  EXPECT_TRUE(this->records_->Delete(kCall, created.name(), updated->etag()).ok());
  EXPECT_EQ(this->records_->Get(kCall, created.name()).status().code(),
            absl::StatusCode::kNotFound);
}

// A page served as stored bytes (EncodedRecord) parses to exactly the
// records List parses from the same rows, times before the epoch included.
TYPED_TEST(RecordsConformanceTest, StoredBytesParseToTheListedRecords) {
  for (int i = 0; i < 5; ++i) this->Create(Sample<TypeParam>::Make(i));
  ListParams params;
  params.page_size = 3;
  auto parsed = this->records_->List(kCall, params);
  auto stored = this->records_->ListStored(kCall, params);
  ASSERT_TRUE(parsed.ok() && stored.ok());
  ASSERT_EQ(stored->rows.size(), 3u);
  EXPECT_EQ(stored->next_page_token, parsed->next_page_token);
  stored->rows[1].create_time_us = -1'500'001;  // 1969-12-31T23:59:58.499999Z
  stored->rows[1].update_time_us = 0;
  std::string bytes;
  for (const auto& row : stored->rows) EncodedRecord::AppendAsField<TypeParam>(7, row, &bytes);
  google::protobuf::UnknownFieldSet fields;
  ASSERT_TRUE(fields.ParseFromString(bytes));
  ASSERT_EQ(fields.field_count(), 3);
  for (int i = 0; i < 3; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(fields.field(i).number(), 7);
    TypeParam from_bytes;
    ASSERT_TRUE(from_bytes.ParseFromString(fields.field(i).length_delimited()));
    auto expected = MessageOf<TypeParam>(stored->rows[i]);
    ASSERT_TRUE(expected.ok());
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(from_bytes, *expected))
        << from_bytes.DebugString() << "\nexpected\n"
        << expected->DebugString();
    if (i == 1) {
      EXPECT_EQ(from_bytes.create_time().seconds(), -2);
      EXPECT_EQ(from_bytes.create_time().nanos(), 499'999'000);
    } else {
      EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(from_bytes, parsed->items[i]));
    }
  }
}

TYPED_TEST(RecordsConformanceTest, RequestIdMakesCreateIdempotent) {
  int64_t before = *this->store_->Count(kCall, Resource<TypeParam>::Collection());
  auto first = this->records_->Create(kCall, Sample<TypeParam>::Make(1), "", "request-1");
  auto retry = this->records_->Create(kCall, Sample<TypeParam>::Make(1), "", "request-1");
  ASSERT_TRUE(first.ok() && retry.ok());
  EXPECT_EQ(first->SerializeAsString(), retry->SerializeAsString());
  EXPECT_EQ(*this->store_->Count(kCall, Resource<TypeParam>::Collection()), before + 1);
}

TYPED_TEST(RecordsConformanceTest, BatchGetReturnsRequestOrderOrNotFound) {
  std::vector<std::string> names;
  for (int i = 0; i < 3; ++i) names.push_back(this->Create(Sample<TypeParam>::Make(i)).name());
  google::protobuf::RepeatedPtrField<std::string> request;
  for (auto it = names.rbegin(); it != names.rend(); ++it) *request.Add() = *it;
  auto found = this->records_->BatchGet(kCall, request);
  ASSERT_TRUE(found.ok()) << found.status();
  std::vector<std::string> got;
  for (const auto& record : *found) got.push_back(record.name());
  EXPECT_THAT(got, ElementsAreArray(request.begin(), request.end()));

  *request.Add() = Resource<TypeParam>::Collection().name + "/missing";
  auto missing = this->records_->BatchGet(kCall, request);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), ::testing::HasSubstr("missing"));

  google::protobuf::RepeatedPtrField<std::string> too_many;
  for (int i = 0; i <= kMaxBatchGet; ++i) *too_many.Add() = names[0];
  EXPECT_EQ(this->records_->BatchGet(kCall, too_many).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TYPED_TEST(RecordsConformanceTest, CitedSourcesMustExistAndStayWhileCited) {
  TypeParam record = Sample<TypeParam>::Make(1);
  auto* citation = record.mutable_citations()->Add();
  citation->set_source("sources/absent");
  citation->set_quote("q");
  auto created = this->records_->Create(kCall, record, "", "");
  EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  ASSERT_FALSE(FieldViolations(created.status()).empty());
  EXPECT_EQ(FieldViolations(created.status()).back().description, "sources/absent does not exist");

  if (Resource<TypeParam>::Collection().name == "sources") return;  // cites only optionally
  this->Create(Sample<TypeParam>::Make(2));
  auto deleted = Records<v1::Source>(this->store_.get()).Delete(kCall, kSource, "");
  EXPECT_EQ(deleted.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(deleted.message(),
              ::testing::HasSubstr(Resource<TypeParam>::Collection().name + "/"));
}

}  // namespace
}  // namespace bilateral::domain
