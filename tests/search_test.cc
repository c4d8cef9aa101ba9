// Full-text search end to end, on whichever store test_store.h selects:
// the seed's records are found by their words, best match first; pages
// cover every result once; writes are searchable at once; bad requests
// say what is wrong.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <set>

#include "bilateral/exchange_client.h"
#include "bilateral/source_client.h"
#include "bilateral/v1/search.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "test_server.h"

namespace bilateral {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

class SearchTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.status().ok()) << server_.status(); }

  grpc::Status Search(const std::string& query, v1::SearchResponse* response,
                      const std::string& page_token = "", int page_size = 0,
                      std::vector<std::string> collections = {}) {
    v1::SearchRequest request;
    request.set_query(query);
    request.set_page_token(page_token);
    request.set_page_size(page_size);
    for (auto& name : collections) request.add_collections(name);
    grpc::ClientContext context;
    return stub_->Search(&context, request, response);
  }

  std::vector<std::string> Names(const std::string& query,
                                 std::vector<std::string> collections = {}) {
    v1::SearchResponse response;
    grpc::Status status = Search(query, &response, "", 100, collections);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::vector<std::string> names;
    for (const auto& result : response.results()) names.push_back(result.name());
    return names;
  }

  test::TestServer server_;
  std::unique_ptr<v1::SearchService::Stub> stub_ = v1::SearchService::NewStub(
      grpc::CreateChannel(server_.endpoint(), grpc::InsecureChannelCredentials()));
};

TEST_F(SearchTest, TheSeedIsFoundByItsWordsBestMatchFirst) {
  // Three projects quote the sentence naming the wind farm; the one named
  // after it ranks first.
  auto wind = Names("wind farm");
  ASSERT_FALSE(wind.empty());
  EXPECT_EQ(wind[0], "infrastructureProjects/zhanatas-wind-farm");
  EXPECT_THAT(wind, Contains("infrastructureProjects/shymkent-oil-refinery-modernization"));

  auto refinery = Names("refinery");
  ASSERT_FALSE(refinery.empty());
  EXPECT_EQ(refinery[0], "infrastructureProjects/shymkent-oil-refinery-modernization");

  auto luban = Names("Luban");
  ASSERT_FALSE(luban.empty());
  EXPECT_EQ(luban[0], "exchanges/luban-workshop");

  // "golden-years of cooperation" is in a quote only.
  EXPECT_FALSE(Names("golden years").empty());
  // Stemming: the plural finds the singular.
  EXPECT_THAT(Names("refineries"),
              Contains("infrastructureProjects/shymkent-oil-refinery-modernization"));
  // Every word must match.
  EXPECT_TRUE(Names("wind zeppelin").empty());
  // Collections narrow the search.
  for (const auto& name : Names("Kazakhstan", {"exchanges"})) {
    EXPECT_EQ(name.rfind("exchanges/", 0), 0u) << name;
  }

  v1::SearchResponse response;
  ASSERT_TRUE(Search("Luban", &response).ok());
  ASSERT_GT(response.results_size(), 0);
  EXPECT_THAT(response.results(0).snippet(), HasSubstr("[Luban]"));
  EXPECT_GT(response.results(0).score(), 0);
}

TEST_F(SearchTest, PagesCoverEveryResultOnceInRankOrder) {
  auto all = Names("Kazakhstan");
  ASSERT_GT(all.size(), 5u);
  std::vector<std::string> paged;
  std::string token;
  double last_score = 1e300;
  for (int pages = 0; pages < 100; ++pages) {
    v1::SearchResponse response;
    ASSERT_TRUE(Search("Kazakhstan", &response, token, 2).ok());
    for (const auto& result : response.results()) {
      paged.push_back(result.name());
      EXPECT_LE(result.score(), last_score);
      last_score = result.score();
    }
    token = response.next_page_token();
    if (token.empty()) break;
  }
  EXPECT_EQ(paged, all);
  EXPECT_EQ(std::set<std::string>(paged.begin(), paged.end()).size(), paged.size());
}

TEST_F(SearchTest, WritesAreSearchableAtOnce) {
  ExchangeClient exchanges(MakeExchangeConnection(server_.client_options()));
  auto luban = exchanges.GetExchange("exchanges/luban-workshop");
  ASSERT_TRUE(luban.ok()) << luban.status();
  luban->set_description("Vocational training in robotics and zeppelin maintenance.");
  ASSERT_TRUE(exchanges.UpdateExchange(*luban).ok());
  EXPECT_THAT(Names("zeppelin"), Contains("exchanges/luban-workshop"));
  ASSERT_TRUE(exchanges.DeleteExchange("exchanges/luban-workshop").ok());
  EXPECT_TRUE(Names("zeppelin").empty());
  EXPECT_THAT(Names("Luban"), ::testing::Not(Contains("exchanges/luban-workshop")));
}

// The code points [start, end) of UTF-8 `text`.
std::string CodePoints(const std::string& text, int start, int end) {
  std::string out;
  int at = -1;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++at;
    if (at >= start && at < end) out += c;
  }
  return out;
}

TEST_F(SearchTest, ASnippetFromASourcesTextSaysWhereItStandsInTheText) {
  SourceClient sources(MakeSourceConnection(server_.client_options()));
  v1::Source source;
  source.set_title("Harbour report");
  std::string text = "Überblick [Seite 1].\n";
  for (int i = 0; i < 40; ++i) text += "The harbour handled grain and timber that year. ";
  text += "Then the [zephyrine] cranes arrived from Qingdao, and the harbour grew. ";
  for (int i = 0; i < 40; ++i) text += "Freight rates stayed where they were. ";
  source.set_text(text);
  ASSERT_TRUE(sources.CreateSource(source, "harbour-report").ok());

  v1::SearchResponse response;
  ASSERT_TRUE(Search("zephyrine cranes", &response, "", 10, {"sources"}).ok());
  ASSERT_EQ(response.results_size(), 1);
  const v1::SearchResult& result = response.results(0);
  EXPECT_EQ(result.name(), "sources/harbour-report");
  ASSERT_TRUE(result.has_text_start() && result.has_text_end()) << result.DebugString();
  const std::string shown = CodePoints(text, result.text_start(), result.text_end());
  EXPECT_THAT(shown, HasSubstr("zephyrine] cranes")) << result.DebugString();
  // The snippet is that stretch of the text with its matches marked (the
  // text has brackets of its own, hence the comparison without any).
  std::string unmarked = result.snippet();
  if (unmarked.rfind("...", 0) == 0) unmarked.erase(0, 3);
  if (unmarked.size() >= 3 && unmarked.compare(unmarked.size() - 3, 3, "...") == 0) {
    unmarked.resize(unmarked.size() - 3);
  }
  auto without_brackets = [](std::string value) {
    value.erase(
        std::remove_if(value.begin(), value.end(), [](char c) { return c == '[' || c == ']'; }),
        value.end());
    return value;
  };
  EXPECT_EQ(without_brackets(unmarked), without_brackets(shown)) << result.snippet();
  EXPECT_EQ(unmarked.size(), shown.size() + 4) << "two matches, each in [ ]: " << result.snippet();

  // A match in the title only: the snippet is not in the text.
  ASSERT_TRUE(Search("harbour report", &response, "", 10, {"sources"}).ok());
  ASSERT_GE(response.results_size(), 1);
  for (const auto& other : response.results()) {
    if (other.name() != "sources/harbour-report") continue;
    if (other.snippet().find("Harbour] [report") != std::string::npos) {
      EXPECT_FALSE(other.has_text_start()) << other.DebugString();
    }
  }
}

TEST_F(SearchTest, BadRequestsAreInvalidArgumentNamingTheField) {
  v1::SearchResponse response;
  for (const std::string query : {"", "  ,.;  "}) {
    grpc::Status status = Search(query, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << query;
    EXPECT_THAT(status.error_details(), HasSubstr("query")) << query;
  }
  EXPECT_EQ(Search("wind", &response, "", 0, {"nonsense"}).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Search("wind", &response, "", -1).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(Search("Kazakhstan", &response, "", 1).ok());
  ASSERT_FALSE(response.next_page_token().empty());
  // A token belongs to its query.
  grpc::Status other = Search("China", &response, response.next_page_token(), 1);
  EXPECT_EQ(other.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(other.error_details(), HasSubstr("page_token"));
}

}  // namespace
}  // namespace bilateral
