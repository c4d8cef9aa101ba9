// Every fact of the seed article is retrievable through the public gRPC API
// by a filter (not by a hard-coded name), with the quote that supports it;
// and every quote stored is verbatim in the article.
#include <grpcpp/grpcpp.h>

#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "bilateral/v1/country.grpc.pb.h"
#include "bilateral/v1/exchange.grpc.pb.h"
#include "bilateral/v1/infrastructure.grpc.pb.h"
#include "bilateral/v1/observation.grpc.pb.h"
#include "bilateral/v1/partnership.grpc.pb.h"
#include "bilateral/v1/source.grpc.pb.h"
#include "bilateral/v1/trade.grpc.pb.h"
#include "bilateral/v1/visit.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "test_server.h"

namespace bilateral {
namespace {

using google::protobuf::Message;
using ::testing::HasSubstr;

using Records = std::vector<std::unique_ptr<Message>>;
using Lister = std::function<Records(const std::string& filter, grpc::Status* status)>;

// Lists every record matching `filter` through `method` of `stub`.
template <typename Stub, typename Request, typename Response, typename Items>
Lister MakeLister(std::shared_ptr<Stub> stub,
                  grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                  Items items) {
  return [=](const std::string& filter, grpc::Status* status) {
    Records records;
    Request request;
    request.set_filter(filter);
    do {
      grpc::ClientContext context;
      Response response;
      *status = ((*stub).*method)(&context, request, &response);
      if (!status->ok()) break;
      for (const auto& item : items(response)) {
        records.emplace_back(item.New());
        records.back()->CopyFrom(item);
      }
      request.set_page_token(response.next_page_token());
    } while (!request.page_token().empty());
    return records;
  };
}

// Every citation in `message`, however deeply nested.
void CollectCitations(const Message& message, std::vector<v1::Citation>& citations) {
  if (message.GetDescriptor()->full_name() == "bilateral.v1.Citation") {
    citations.push_back(static_cast<const v1::Citation&>(message));
    return;
  }
  const auto* reflection = message.GetReflection();
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const auto* field : fields) {
    if (field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (field->is_repeated()) {
      for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
        CollectCitations(reflection->GetRepeatedMessage(message, field, i), citations);
      }
    } else {
      CollectCitations(reflection->GetMessage(message, field), citations);
    }
  }
}

// Every citation quote in `message`, however deeply nested.
void CollectQuotes(const Message& message, std::vector<std::string>& quotes) {
  std::vector<v1::Citation> citations;
  CollectCitations(message, citations);
  for (const auto& citation : citations) quotes.push_back(citation.quote());
}

// Code points [start, end) of UTF-8 `text`.
std::string CodePoints(const std::string& text, int start, int end) {
  size_t begin_byte = std::string::npos;
  int index = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    bool boundary = i == text.size() || (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
    if (!boundary) continue;
    if (index == start) begin_byte = i;
    if (index == end) return text.substr(begin_byte, i - begin_byte);
    ++index;
  }
  return "<out of range>";
}

std::string ReadArticle() {
  std::ifstream file(BILATERAL_ARTICLE_PATH);
  std::stringstream article;
  article << file.rdbuf();
  return article.str();
}

struct Fact {
  std::string kind;    // which List method
  std::string filter;  // how a user finds it
  std::string quote;   // a part of the supporting quote
  // Further checks on the one record found, where a filter cannot reach.
  std::function<void(const Message&)> check = nullptr;
};

class SeedFactsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.status().ok()) << server_.status();
    auto channel = grpc::CreateChannel(server_.endpoint(), grpc::InsecureChannelCredentials());
    using namespace v1;  // NOLINT: the stubs below read better unqualified
    listers_["sources"] = MakeLister(
        std::shared_ptr(SourceService::NewStub(channel)), &SourceService::Stub::ListSources,
        [](const ListSourcesResponse& r) -> auto& { return r.sources(); });
    listers_["visits"] = MakeLister(
        std::shared_ptr(VisitService::NewStub(channel)), &VisitService::Stub::ListVisits,
        [](const ListVisitsResponse& r) -> auto& { return r.visits(); });
    listers_["partnerships"] = MakeLister(
        std::shared_ptr(PartnershipService::NewStub(channel)),
        &PartnershipService::Stub::ListPartnerships,
        [](const ListPartnershipsResponse& r) -> auto& { return r.partnerships(); });
    listers_["trade"] = MakeLister(
        std::shared_ptr(TradeRecordService::NewStub(channel)),
        &TradeRecordService::Stub::ListTradeRecords,
        [](const ListTradeRecordsResponse& r) -> auto& { return r.trade_records(); });
    listers_["infrastructure"] = MakeLister(
        std::shared_ptr(InfrastructureProjectService::NewStub(channel)),
        &InfrastructureProjectService::Stub::ListInfrastructureProjects,
        [](const ListInfrastructureProjectsResponse& r) -> auto& {
          return r.infrastructure_projects();
        });
    listers_["exchanges"] = MakeLister(
        std::shared_ptr(ExchangeService::NewStub(channel)), &ExchangeService::Stub::ListExchanges,
        [](const ListExchangesResponse& r) -> auto& { return r.exchanges(); });
    listers_["observations"] = MakeLister(
        std::shared_ptr(ObservationService::NewStub(channel)),
        &ObservationService::Stub::ListObservations,
        [](const ListObservationsResponse& r) -> auto& { return r.observations(); });
  }

  test::TestServer server_;
  std::map<std::string, Lister> listers_;
};

const std::vector<Fact>& Facts() {
  static const auto* facts = new std::vector<Fact>{
      // Sources
      {"sources", R"(kind = NEWS_ARTICLE AND title:"SCO Summit")", ""},
      {"sources", R"(publisher = "World Bank" AND kind = REPORT)",
       "one of the biggest beneficiaries",
       [](const Message& m) {
         const auto& source = static_cast<const v1::Source&>(m);
         EXPECT_EQ(source.title(),
                   "South Caucasus and Central Asia: Kazakhstan Country Case Study of the Belt and "
                   "Road Initiative");
         EXPECT_EQ(source.citations(1).speaker(), "World Bank");
       }},
      {"sources", R"(publisher = "Kazakhstanskaya Pravda" AND author = "Xi Jinping")",
       "magnificent chapter in Belt and Road cooperation",
       [](const Message& m) {
         EXPECT_EQ(static_cast<const v1::Source&>(m).citations(0).speaker(), "Xi Jinping");
       }},
      // Visits
      {"visits", R"(visitor.name = "Xi Jinping" AND host_country = "KZ" AND start_date = 2013)",
       "Xi first proposed the Silk Road Economic Belt initiative",
       [](const Message& m) {
         EXPECT_THAT(static_cast<const v1::Visit&>(m).outcomes(),
                     ::testing::ElementsAre("Silk Road Economic Belt initiative first proposed"));
       }},
      {"visits", R"(visitor.country = "CHN" AND start_date = 2022-09)",
       "second one since September 2022"},
      {"visits",
       R"f(kind = STATE AND reported_ordinal = 5 AND occasions:"24th Meeting of the Council of Heads of State of the Shanghai Cooperation Organization (SCO)")f",
       "arrived in Kazakhstan for a state visit",
       [](const Message& m) {
         const auto& visit = static_cast<const v1::Visit&>(m);
         EXPECT_EQ(visit.start_date().year(), 2024);
         EXPECT_EQ(visit.visitor().office(), "President of China");
       }},
      {"visits", R"(visitor.name:"Tokayev" AND host_country = "156" AND start_date.year = 2019)",
       "During Tokayev’s visit to China in 2019"},
      // Partnerships
      {"partnerships",
       R"(countries:"KZ" AND countries:"CN" AND current_level.tier = PERMANENT_COMPREHENSIVE_STRATEGIC AND current_level.since = 2019)",
       "“Permanent Comprehensive Strategic Partnership.”",
       [](const Message& m) {
         const auto& partnership = static_cast<const v1::Partnership&>(m);
         EXPECT_EQ(partnership.current_level().label(),
                   "Permanent Comprehensive Strategic Partnership");
         ASSERT_EQ(partnership.milestones_size(), 2);
         EXPECT_EQ(partnership.milestones(0).visit(), "visits/kassym-jomart-tokayev-cn-2019");
         EXPECT_EQ(partnership.milestones(1).label(), "a new 30-golden-years of cooperation");
         EXPECT_EQ(partnership.milestones(1).kind(), v1::MILESTONE_KIND_DECLARATION);
         EXPECT_EQ(partnership.milestones(1).citations(0).speaker(), "Gulnar Shaimergenova");
       }},
      {"partnerships", R"(countries:"KAZ")", "initiated a new 30-golden-years of cooperation"},
      // Trade
      {"trade",
       R"(reporter = "KZ" AND partner = "CN" AND flow = TOTAL AND period.year = 2023 AND value.currency_code = "USD" AND value.units = 41000000000 AND partner_rank = 1)",
       "China was Kazakhstan’s largest trading partner in 2023",
       [](const Message& m) {
         const auto& record = static_cast<const v1::TradeRecord&>(m);
         ASSERT_TRUE(record.has_reported_change_pct());
         EXPECT_EQ(record.reported_change_pct(), 32);
       }},
      {"trade",
       R"(reporter = "KZ" AND flow = EXPORT AND main_commodities:"crude oil" AND main_commodities:"metals" AND main_commodities:"agricultural products")",
       "Kazakhstan’s main exports to China include crude oil"},
      {"trade",
       R"(reporter = "CN" AND partner = "KZ" AND main_commodities:"machinery" AND main_commodities:"electronic products" AND main_commodities:"consumer goods")",
       "China exports machinery, electronic products, and consumer goods"},
      // Infrastructure
      {"infrastructure",
       R"(display_name:"Zhanatas" AND kind = WIND_FARM AND status = OPERATIONAL AND host_country = "KZ" AND initiative = "Belt and Road Initiative")",
       "Zhanatas wind farm"},
      {"infrastructure",
       R"(display_name:"Turgusun" AND kind = HYDROPOWER_PLANT AND sector = ENERGY)",
       "Turgusun hydropower plant"},
      {"infrastructure", R"(kind = OIL_REFINERY AND location.place = "Shymkent")",
       "modernization of the Shymkent oil refinery"},
      {"infrastructure", R"(kind = PIPELINE AND status = OPERATIONAL AND partner_countries:"KZ")",
       "oil and gas pipelines also operate with notable stability"},
      {"infrastructure", R"(kind = LOGISTICS_HUB AND display_name:"Xi’an")",
       "hubs such as the Xi’an terminal"},
      {"infrastructure", R"(kind = HIGHWAY AND sector = TRANSPORT)",
       "Western Europe-Western China highway"},
      {"infrastructure", R"(kind = RAIL_SERVICE AND initiative:"Belt and Road")",
       "China-Europe express train"},
      // Exchanges
      {"exchanges", R"(kind = AGREEMENT AND title:"cultural centers")",
       "mutual establishment of cultural centers"},
      {"exchanges", R"(kind = FILM_CO_PRODUCTION AND title = "The Composer")",
       "co-produced a movie"},
      {"exchanges", R"(kind = EDUCATION_CAMPUS AND host_country = "KZ")",
       "a Chinese university campus in Kazakhstan"},
      {"exchanges", R"(kind = VOCATIONAL_WORKSHOP AND title:"Luban")", "a Luban Workshop"},
      {"exchanges", R"(kind = MEDICINE_CENTRE)", "a traditional Chinese medicine center"},
      {"exchanges", R"(kind = TOURISM_YEAR AND date = 2024-03 AND host_country = "CN")",
       "Year of Kazakhstan Tourism",
       [](const Message& m) {
         EXPECT_EQ(static_cast<const v1::Exchange&>(m).citations(0).speaker(),
                   "Kassym-Jomart Tokayev");
       }},
      {"exchanges", R"(kind = VISA_POLICY AND countries:"CN")", "mutual visa exemption agreements"},
      // Observations
      {"observations",
       R"(metric = "cross_border_trips" AND period.year = 2023 AND projection = false)",
       "600,000 cross-border trips were recorded in 2023",
       [](const Message& m) { EXPECT_EQ(static_cast<const v1::Observation&>(m).value(), 600000); }},
      {"observations",
       R"(metric = "cross_border_trips" AND period.year = 2024 AND period.quarter = 1)",
       "reached 200,000",
       [](const Message& m) { EXPECT_EQ(static_cast<const v1::Observation&>(m).value(), 200000); }},
      {"observations", R"(metric = "cross_border_trips" AND projection = true)",
       "expected to hit a new high",
       [](const Message& m) {
         const auto& observation = static_cast<const v1::Observation&>(m);
         EXPECT_FALSE(observation.has_value());
         EXPECT_EQ(observation.period().year(), 2024);
       }},
  };
  return *facts;
}

TEST_F(SeedFactsTest, EveryFactIsFoundByFilterWithItsQuote) {
  for (const auto& fact : Facts()) {
    SCOPED_TRACE(fact.kind + ": " + fact.filter);
    grpc::Status status;
    auto records = listers_.at(fact.kind)(fact.filter, &status);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(records.size(), 1u) << "a fact is one record";
    // The article itself is the one record that is evidence, not cited.
    if (!fact.quote.empty()) {
      std::vector<std::string> quotes;
      CollectQuotes(*records[0], quotes);
      EXPECT_THAT(quotes, ::testing::Contains(HasSubstr(fact.quote)));
    }
    if (fact.check) fact.check(*records[0]);
  }
}

TEST_F(SeedFactsTest, EveryCitationIsVerifiedWithOffsetsAgainstTheArticle) {
  const std::string article = ReadArticle();
  ASSERT_FALSE(article.empty());
  int citations_seen = 0;
  for (const auto& [kind, lister] : listers_) {
    grpc::Status status;
    auto records = lister("", &status);
    ASSERT_TRUE(status.ok()) << status.error_message();
    for (const auto& record : records) {
      std::vector<v1::Citation> citations;
      CollectCitations(*record, citations);
      for (const auto& citation : citations) {
        SCOPED_TRACE(kind + ": " + citation.quote());
        ASSERT_EQ(citation.source(), "sources/xi-kazakhstan-sco-2024");
        EXPECT_EQ(citation.verification(), v1::CITATION_VERIFICATION_VERIFIED);
        ASSERT_TRUE(citation.has_start() && citation.has_end());
        // The seed quotes verbatim: the offsets frame exactly the quote.
        EXPECT_EQ(CodePoints(article, citation.start(), citation.end()), citation.quote());
        ++citations_seen;
      }
    }
  }
  EXPECT_GT(citations_seen, 30);
}

TEST_F(SeedFactsTest, TheArticleSourceHoldsItsTextInTheFullViewOnly) {
  const std::string article = ReadArticle();
  auto stub = v1::SourceService::NewStub(
      grpc::CreateChannel(server_.endpoint(), grpc::InsecureChannelCredentials()));
  v1::GetSourceRequest request;
  request.set_name("sources/xi-kazakhstan-sco-2024");
  for (auto view : {v1::SOURCE_VIEW_UNSPECIFIED, v1::SOURCE_VIEW_BASIC, v1::SOURCE_VIEW_FULL}) {
    request.set_view(view);
    grpc::ClientContext context;
    v1::Source source;
    ASSERT_TRUE(stub->GetSource(&context, request, &source).ok());
    EXPECT_EQ(source.text(), view == v1::SOURCE_VIEW_FULL ? article : "");
    EXPECT_EQ(source.text_sha256().size(), 64u);
    EXPECT_EQ(source.media_type(), "text/plain");
  }
  v1::ListSourcesRequest list;
  grpc::ClientContext context;
  v1::ListSourcesResponse response;
  ASSERT_TRUE(stub->ListSources(&context, list, &response).ok());
  for (const auto& source : response.sources()) EXPECT_EQ(source.text(), "");
}

// List serves records as stored, except that the BASIC view takes the text
// out; the FULL view lists it as Get gives it.
TEST_F(SeedFactsTest, ListingSourcesGivesTheTextInTheFullViewOnly) {
  const std::string article = ReadArticle();
  auto stub = v1::SourceService::NewStub(
      grpc::CreateChannel(server_.endpoint(), grpc::InsecureChannelCredentials()));
  for (auto view : {v1::SOURCE_VIEW_BASIC, v1::SOURCE_VIEW_FULL}) {
    v1::ListSourcesRequest list;
    list.set_view(view);
    list.set_filter(R"(title:"SCO Summit")");
    grpc::ClientContext context;
    v1::ListSourcesResponse response;
    ASSERT_TRUE(stub->ListSources(&context, list, &response).ok());
    ASSERT_EQ(response.sources_size(), 1);
    const v1::Source& listed = response.sources(0);
    EXPECT_EQ(listed.text(), view == v1::SOURCE_VIEW_FULL ? article : "");
    EXPECT_EQ(listed.text_sha256().size(), 64u);
    EXPECT_FALSE(listed.etag().empty());
    EXPECT_TRUE(listed.has_create_time());

    v1::GetSourceRequest get;
    get.set_name(listed.name());
    get.set_view(view);
    grpc::ClientContext get_context;
    v1::Source got;
    ASSERT_TRUE(stub->GetSource(&get_context, get, &got).ok());
    EXPECT_EQ(got.SerializeAsString().size(), listed.SerializeAsString().size());
    EXPECT_EQ(got.DebugString(), listed.DebugString());
  }
}

TEST_F(SeedFactsTest, EveryStoredQuoteIsVerbatimInTheArticle) {
  std::ifstream file(BILATERAL_ARTICLE_PATH);
  std::stringstream article;
  article << file.rdbuf();
  ASSERT_FALSE(article.str().empty());
  int quotes_seen = 0;
  for (const auto& [kind, lister] : listers_) {
    grpc::Status status;
    auto records = lister("", &status);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_FALSE(records.empty()) << kind;
    for (const auto& record : records) {
      std::vector<std::string> quotes;
      CollectQuotes(*record, quotes);
      for (const auto& quote : quotes) {
        EXPECT_THAT(article.str(), HasSubstr(quote)) << kind;
        ++quotes_seen;
      }
    }
  }
  EXPECT_GT(quotes_seen, 30);
}

TEST_F(SeedFactsTest, CountriesResolveEveryIsoCode) {
  auto stub = v1::CountryService::NewStub(
      grpc::CreateChannel(server_.endpoint(), grpc::InsecureChannelCredentials()));
  for (const std::string name :
       {"countries/KAZ", "countries/KZ", "countries/398", "countries/kz"}) {
    grpc::ClientContext context;
    v1::GetCountryRequest request;
    request.set_name(name);
    v1::Country country;
    ASSERT_TRUE(stub->GetCountry(&context, request, &country).ok()) << name;
    EXPECT_EQ(country.name(), "countries/KZ");
    EXPECT_EQ(country.display_name(), "Kazakhstan");
    EXPECT_EQ(country.official_name(), "Republic of Kazakhstan");
  }
  grpc::ClientContext context;
  v1::GetCountryRequest request;
  request.set_name("countries/XYZ");
  v1::Country country;
  EXPECT_EQ(stub->GetCountry(&context, request, &country).error_code(),
            grpc::StatusCode::NOT_FOUND);

  // Every ISO country, across pages, in alpha-2 order.
  v1::ListCountriesRequest list;
  list.set_page_size(100);
  std::vector<std::string> names;
  do {
    grpc::ClientContext page_context;
    v1::ListCountriesResponse response;
    ASSERT_TRUE(stub->ListCountries(&page_context, list, &response).ok());
    for (const auto& c : response.countries()) names.push_back(c.name());
    list.set_page_token(response.next_page_token());
  } while (!list.page_token().empty());
  EXPECT_EQ(names.size(), 249u);
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));

  grpc::ClientContext filter_context;
  v1::ListCountriesRequest filtered;
  filtered.set_filter(R"(alpha3 = "KAZ" OR display_name = "China")");
  v1::ListCountriesResponse response;
  ASSERT_TRUE(stub->ListCountries(&filter_context, filtered, &response).ok());
  ASSERT_EQ(response.countries_size(), 2);
  EXPECT_EQ(response.countries(0).name(), "countries/CN");
  EXPECT_EQ(response.countries(1).name(), "countries/KZ");
}

}  // namespace
}  // namespace bilateral
