// What the comments in proto/ promise, against the tables and constants the
// server reads, so the documentation and the implementation cannot drift
// apart: the fields each List request's `filter` and `order_by` accept
// (Resource<T>::Collection().fields), and the limits on text, lists,
// filters and request ids.
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "domain/fields.h"
#include "domain/quotes.h"
#include "domain/records.h"
#include "domain/resources.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/seed.h"
#include "temp_dir.h"
#include "test_store.h"

namespace bilateral::domain {
namespace {

// The call the test's work is for: no deadline, never cancelled.
const CallContext kCall;

struct Documented {
  std::set<std::string> filter;
  std::set<std::string> order_by;
};

// The comment lines just above `message <name> {` in `file`, joined.
std::string CommentAbove(const std::string& file, const std::string& message) {
  std::ifstream in(std::string(BILATERAL_PROTO_DIR) + "/" + file);
  std::string line, comment;
  while (std::getline(in, line)) {
    if (line == "message " + message + " {") return comment;
    if (line.rfind("//", 0) == 0) {
      comment += line.substr(2) + "\n";
    } else {
      comment.clear();
    }
  }
  ADD_FAILURE() << "no message " << message << " in " << file;
  return "";
}

// Field paths written in backticks (`visitor.name`), not values or examples.
std::set<std::string> FieldPaths(const std::string& text) {
  static const std::regex path("`([a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*)`");
  static const std::set<std::string> not_fields = {"asc", "desc", "true", "false"};
  std::set<std::string> paths;
  for (std::sregex_iterator it(text.begin(), text.end(), path), end; it != end; ++it) {
    if (not_fields.count((*it)[1]) == 0) paths.insert((*it)[1]);
  }
  return paths;
}

// "`filter` (AIP-160) accepts: ... `order_by` accepts: ..." split in two.
Documented Parse(const std::string& comment) {
  Documented documented;
  size_t filter = comment.find("`filter` (AIP-160) accepts:");
  size_t order = comment.find("`order_by` accepts:");
  EXPECT_NE(filter, std::string::npos) << comment;
  EXPECT_NE(order, std::string::npos) << comment;
  if (filter == std::string::npos || order == std::string::npos || order < filter) {
    return documented;
  }
  documented.filter = FieldPaths(comment.substr(filter + 27, order - filter - 27));
  documented.order_by = FieldPaths(comment.substr(order + 19));
  return documented;
}

Documented Implemented(const store::Collection& collection) {
  Documented implemented;
  for (const auto& field : collection.fields) {
    if (field.filterable) implemented.filter.insert(field.path);
    if (field.orderable) implemented.order_by.insert(field.path);
  }
  return implemented;
}

struct ListCase {
  std::string file;
  std::string request;
  const store::Collection& collection;
};

std::vector<ListCase> Cases() {
  return {
      {"source.proto", "ListSourcesRequest", Resource<v1::Source>::Collection()},
      {"visit.proto", "ListVisitsRequest", Resource<v1::Visit>::Collection()},
      {"partnership.proto", "ListPartnershipsRequest", Resource<v1::Partnership>::Collection()},
      {"trade.proto", "ListTradeRecordsRequest", Resource<v1::TradeRecord>::Collection()},
      {"infrastructure.proto", "ListInfrastructureProjectsRequest",
       Resource<v1::InfrastructureProject>::Collection()},
      {"exchange.proto", "ListExchangesRequest", Resource<v1::Exchange>::Collection()},
      {"observation.proto", "ListObservationsRequest", Resource<v1::Observation>::Collection()},
      {"country.proto", "ListCountriesRequest", Resource<v1::Country>::Collection()},
      {"finding.proto", "ListFindingsRequest", Resource<v1::Finding>::Collection()},
  };
}

TEST(ListFieldsTest, EveryDocumentedFilterAndOrderFieldIsTheImplementedOne) {
  for (const auto& list : Cases()) {
    SCOPED_TRACE(list.request);
    Documented documented = Parse(CommentAbove(list.file, list.request));
    Documented implemented = Implemented(list.collection);
    EXPECT_EQ(documented.filter, implemented.filter) << "filter fields";
    EXPECT_EQ(documented.order_by, implemented.order_by) << "order_by fields";
  }
}

// Every documented ordering lists, both ways, on the store the test runs on
// (SQLite, or PostgreSQL with BILATERAL_TEST_STORE=postgres), over the seed.
TEST(ListFieldsTest, EveryDocumentedOrderingLists) {
  test::TempDir dir;
  auto store = test::OpenTestStore(dir, "documented_contract.db");
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE(server::PrepareStore(**store).ok());
  ASSERT_TRUE(server::SeedIfEmpty(**store).ok());
  for (const auto& list : Cases()) {
    for (const auto& field : Parse(CommentAbove(list.file, list.request)).order_by) {
      for (const char* direction : {"", " desc"}) {
        store::ListQuery query;
        query.page_size = 2;
        query.order_by = field + direction;
        SCOPED_TRACE(absl::StrCat(list.request, " order_by: ", query.order_by));
        auto first = (*store)->List(kCall, list.collection, query);
        ASSERT_TRUE(first.ok()) << first.status();
        if (first->next_page_token.empty()) continue;
        query.page_token = first->next_page_token;
        auto second = (*store)->List(kCall, list.collection, query);
        EXPECT_TRUE(second.ok()) << second.status();
      }
    }
  }
}

// The filter examples of README.md, one a line ("  # ..." comments them),
// each find visits of the seed on the store the test runs on.
TEST(DocumentedExamplesTest, EveryReadmeFilterExampleFindsSeedVisits) {
  std::ifstream readme(BILATERAL_README_PATH);
  ASSERT_TRUE(readme) << BILATERAL_README_PATH;
  std::vector<std::string> examples;
  bool in_examples = false, in_block = false;
  for (std::string line; std::getline(readme, line);) {
    if (line == "Filter examples:") in_examples = true;
    if (!in_examples || line.rfind("```", 0) != 0) {
      if (in_block && !line.empty()) examples.push_back(line.substr(0, line.find("  #")));
      continue;
    }
    if (in_block) break;
    in_block = true;
  }
  ASSERT_GE(examples.size(), 4u) << "no filter examples found in README.md";

  test::TempDir dir;
  auto store = test::OpenTestStore(dir, "readme_examples.db");
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE(server::PrepareStore(**store).ok());
  ASSERT_TRUE(server::SeedIfEmpty(**store).ok());
  for (const auto& example : examples) {
    store::ListQuery query;
    query.filter = example;
    auto page = (*store)->List(kCall, Resource<v1::Visit>::Collection(), query);
    ASSERT_TRUE(page.ok()) << example << ": " << page.status();
    EXPECT_FALSE(page->rows.empty()) << example << " finds no visit of the seed";
  }
}

// Every List request of the API is in the table above, but ListTimeline,
// whose filter has a grammar of its own (domain/relationship.cc, tested in
// tests/relationship_test.cc).
TEST(ListFieldsTest, EveryListRequestIsChecked) {
  std::set<std::string> checked = {"ListTimelineRequest"};
  for (const auto& list : Cases()) checked.insert(list.request);
  static const std::regex request("^message (List[A-Za-z]*Request) \\{$");
  for (const auto& entry : std::filesystem::directory_iterator(BILATERAL_PROTO_DIR)) {
    const std::string file = entry.path().filename().string();
    std::ifstream in(entry.path());
    ASSERT_TRUE(in) << file;
    std::string line;
    std::smatch match;
    while (std::getline(in, line)) {
      if (std::regex_match(line, match, request)) {
        EXPECT_EQ(checked.count(match[1]), 1u) << match[1] << " in " << file << " is not checked";
      }
    }
  }
}

// A proto file's comments as one line of words: "at most 4,096 bytes, ...".
std::string CommentWords(const std::string& file) {
  std::ifstream in(std::string(BILATERAL_PROTO_DIR) + "/" + file);
  std::string line, words;
  while (std::getline(in, line)) {
    size_t comment = line.find("//");
    if (comment == std::string::npos) continue;
    std::istringstream split(line.substr(comment + 2));
    for (std::string word; split >> word;) absl::StrAppend(&words, " ", word);
  }
  return words;
}

// 4096 -> "4,096".
std::string Thousands(int64_t n) {
  std::string digits = std::to_string(n);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(i, ",");
  return digits;
}

TEST(DocumentedLimitsTest, EveryLimitTheServerEnforcesIsWrittenWhereItApplies) {
  const std::string filter =
      absl::StrCat("filter over the fields above: at most ", Thousands(query::kMaxFilterLength),
                   " bytes, ", query::kMaxFilterDepth, " levels of parentheses and ",
                   query::kMaxFilterTerms, " comparisons; more is INVALID_ARGUMENT.");
  const std::string record =
      absl::StrCat("Limits: every text field at most ", Thousands(kMaxTextBytes),
                   " bytes, every list (citations included) at most ", kMaxListSize, " entries");
  const std::string request_id =
      absl::StrCat("instead of creating a duplicate. At most ", kMaxRequestIdBytes, " bytes.");
  for (const auto& list : Cases()) {
    const std::string words = CommentWords(list.file);
    EXPECT_THAT(words, ::testing::HasSubstr(filter)) << list.file;
    if (list.file == "country.proto" || list.file == "finding.proto") continue;  // read-only
    EXPECT_THAT(words, ::testing::HasSubstr(record)) << list.file;
    EXPECT_THAT(words, ::testing::HasSubstr(request_id)) << list.file;
  }
}

TEST(DocumentedLimitsTest, TheSourceTextLimitIsWrittenOnSourceAndCitation) {
  const std::string limit = absl::StrCat("at most ", Thousands(kMaxSourceTextBytes), " bytes");
  EXPECT_THAT(CommentWords("source.proto"), ::testing::HasSubstr(limit));
  EXPECT_THAT(CommentWords("common.proto"), ::testing::HasSubstr(limit));
}

}  // namespace
}  // namespace bilateral::domain
