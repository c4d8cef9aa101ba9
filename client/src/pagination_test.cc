#include "bilateral/pagination.h"

#include <map>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace bilateral {
namespace {

using ::testing::ElementsAre;

// Pages keyed by the token that fetches them; records every fetch.
struct FakePages {
  std::map<std::string, absl::StatusOr<Page<int>>> pages;
  std::vector<std::string> fetched;

  PaginatedRange<int> Range() {
    return PaginatedRange<int>([this](const std::string& token) {
      fetched.push_back(token);
      return pages.at(token);
    });
  }
};

TEST(PaginatedRangeTest, WalksEveryPageInOrder) {
  FakePages fake;
  fake.pages[""] = Page<int>{{1, 2}, "b"};
  fake.pages["b"] = Page<int>{{}, "c"};  // an empty page in the middle
  fake.pages["c"] = Page<int>{{3}, ""};
  std::vector<int> seen;
  for (auto& item : fake.Range()) {
    ASSERT_TRUE(item.ok());
    seen.push_back(*item);
  }
  EXPECT_THAT(seen, ElementsAre(1, 2, 3));
  EXPECT_THAT(fake.fetched, ElementsAre("", "b", "c"));
}

TEST(PaginatedRangeTest, FetchesLazily) {
  FakePages fake;
  fake.pages[""] = Page<int>{{1}, "b"};
  fake.pages["b"] = Page<int>{{2}, ""};
  auto range = fake.Range();
  EXPECT_TRUE(fake.fetched.empty());
  auto it = range.begin();
  EXPECT_EQ(**it, 1);
  EXPECT_THAT(fake.fetched, ElementsAre(""));
}

TEST(PaginatedRangeTest, EmptyResultIsAnEmptyRange) {
  FakePages fake;
  fake.pages[""] = Page<int>{{}, ""};
  auto range = fake.Range();
  EXPECT_TRUE(range.begin() == range.end());
}

TEST(PaginatedRangeTest, ErrorMidwayIsTheLastElement) {
  FakePages fake;
  fake.pages[""] = Page<int>{{1}, "b"};
  fake.pages["b"] = absl::UnavailableError("down");
  std::vector<absl::StatusOr<int>> seen;
  for (auto& item : fake.Range()) seen.push_back(item);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(*seen[0], 1);
  EXPECT_EQ(seen[1].status().code(), absl::StatusCode::kUnavailable);
}

TEST(MakePaginatedRangeTest, YieldsTheItemsInOrder) {
  std::vector<int> seen;
  for (auto& item : MakePaginatedRange<int>({1, 2, 3})) {
    ASSERT_TRUE(item.ok());
    seen.push_back(*item);
  }
  EXPECT_THAT(seen, ElementsAre(1, 2, 3));
}

TEST(MakePaginatedRangeTest, NoItemsIsAnEmptyRange) {
  auto range = MakePaginatedRange<int>(std::vector<int>{});
  EXPECT_TRUE(range.begin() == range.end());
}

TEST(MakePaginatedRangeTest, ErrorAloneIsTheOnlyElement) {
  std::vector<absl::StatusOr<int>> seen;
  for (auto& item : MakePaginatedRange<int>(absl::NotFoundError("gone"))) seen.push_back(item);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].status(), absl::NotFoundError("gone"));
}

TEST(MakePaginatedRangeTest, ErrorAfterItemsEndsTheRange) {
  std::vector<absl::StatusOr<int>> seen;
  for (auto& item : MakePaginatedRange<int>({1, 2}, absl::UnavailableError("down"))) {
    seen.push_back(item);
  }
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(*seen[0], 1);
  EXPECT_EQ(*seen[1], 2);
  EXPECT_EQ(seen[2].status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace bilateral
