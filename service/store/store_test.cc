// The Store contract, on whichever backend test_store.h selects: the same
// tests hold the embedded and the PostgreSQL store to one behaviour.
#include "store/store.h"

#include <sqlite3.h>

#include <atomic>
#include <fstream>
#include <functional>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "domain/resources.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/list_plan.h"
#include "store/test_rows.h"
#include "temp_dir.h"
#include "test_store.h"

namespace bilateral::store {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

using test_rows::kCall;
using test_rows::SourceRow;
using test_rows::Sources;
using test_rows::TradeRecords;
using test_rows::TradeRow;
using test_rows::VisitRow;
using test_rows::Visits;

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = test::OpenTestStore(dir_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }

  // Every id a full walk of the list returns, page by page.
  std::vector<std::string> ListAll(ListQuery query) {
    std::vector<std::string> ids;
    for (int pages = 0; pages < 10000; ++pages) {
      auto page = store_->List(kCall, Visits(), query);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      for (const auto& row : page->rows) ids.push_back(row.id);
      if (page->next_page_token.empty()) break;
      query.page_token = page->next_page_token;
    }
    return ids;
  }

  test::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreTest, InsertThenGetReturnsWhatWasStored) {
  auto inserted = store_->Insert(kCall, Visits(), VisitRow("a", "countries/KZ", 20130000), "");
  ASSERT_TRUE(inserted.ok()) << inserted.status();
  EXPECT_FALSE(inserted->etag.empty());
  EXPECT_GT(inserted->create_time_us, 0);
  EXPECT_EQ(inserted->create_time_us, inserted->update_time_us);

  auto got = store_->Get(kCall, Visits(), "a");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->payload, "payload");
  EXPECT_EQ(got->etag, inserted->etag);
  EXPECT_EQ(got->create_time_us, inserted->create_time_us);
}

TEST_F(StoreTest, PayloadKeepsArbitraryBytes) {
  std::string bytes("\0\xff\x01zero", 7);
  ASSERT_TRUE(store_->Insert(kCall, Visits(), VisitRow("a", "countries/KZ", 1, bytes), "").ok());
  EXPECT_EQ(store_->Get(kCall, Visits(), "a")->payload, bytes);
}

TEST_F(StoreTest, MissingRowIsNotFound) {
  EXPECT_EQ(store_->Get(kCall, Visits(), "nope").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->Delete(kCall, Visits(), "nope", "").code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(
      store_->Update(kCall, Visits(), VisitRow("nope", "countries/KZ", 1), "").status().code(),
      absl::StatusCode::kNotFound);
}

TEST_F(StoreTest, DuplicateIdIsAlreadyExistsAndKeepsTheFirst) {
  ASSERT_TRUE(store_->Insert(kCall, Visits(), VisitRow("a", "countries/KZ", 1, "first"), "").ok());
  auto second = store_->Insert(kCall, Visits(), VisitRow("a", "countries/KZ", 1, "second"), "");
  EXPECT_EQ(second.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->Get(kCall, Visits(), "a")->payload, "first");
}

TEST_F(StoreTest, UpdateChangesEtagAndKeepsCreateTime) {
  auto inserted = store_->Insert(kCall, Visits(), VisitRow("a", "countries/KZ", 1, "v1"), "");
  ASSERT_TRUE(inserted.ok());
  auto updated =
      store_->Update(kCall, Visits(), VisitRow("a", "countries/CN", 2, "v2"), inserted->etag);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_NE(updated->etag, inserted->etag);
  EXPECT_EQ(updated->create_time_us, inserted->create_time_us);
  EXPECT_GT(updated->update_time_us, inserted->update_time_us);
  EXPECT_EQ(store_->Get(kCall, Visits(), "a")->payload, "v2");
  // The indexed columns changed too.
  ListQuery query;
  query.filter = "host_country = \"countries/CN\"";
  EXPECT_THAT(ListAll(query), ElementsAre("a"));
}

TEST_F(StoreTest, StaleEtagIsAbortedAndWritesNothing) {
  auto inserted = store_->Insert(kCall, Visits(), VisitRow("a", "countries/KZ", 1, "v1"), "");
  ASSERT_TRUE(store_->Update(kCall, Visits(), VisitRow("a", "countries/KZ", 1, "v2"), "").ok());

  auto stale =
      store_->Update(kCall, Visits(), VisitRow("a", "countries/KZ", 1, "v3"), inserted->etag);
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(store_->Delete(kCall, Visits(), "a", inserted->etag).code(),
            absl::StatusCode::kAborted);
  EXPECT_EQ(store_->Get(kCall, Visits(), "a")->payload, "v2");
}

TEST_F(StoreTest, DeleteWithCurrentEtagRemovesTheRow) {
  auto inserted = store_->Insert(kCall, Visits(), VisitRow("a", "countries/KZ", 1), "");
  ASSERT_TRUE(store_->Delete(kCall, Visits(), "a", inserted->etag).ok());
  EXPECT_EQ(store_->Get(kCall, Visits(), "a").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(*store_->Count(kCall, Visits()), 0);
}

TEST_F(StoreTest, RepeatedRequestIdReturnsTheFirstResultAndStoresOnce) {
  auto first = store_->Insert(kCall, Visits(), VisitRow("a", "countries/KZ", 1, "v1"), "req-1");
  ASSERT_TRUE(first.ok());
  // A retry may even carry another id: the first result is the answer.
  auto retry = store_->Insert(kCall, Visits(), VisitRow("b", "countries/KZ", 1, "v1"), "req-1");
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->id, "a");
  EXPECT_EQ(retry->etag, first->etag);
  EXPECT_EQ(retry->create_time_us, first->create_time_us);
  EXPECT_EQ(*store_->Count(kCall, Visits()), 1);

  Row source;
  source.id = "s";
  source.payload = "x";
  source.columns = {std::string("t"), std::string(""),       std::string(""),
                    std::string(""),  std::string("REPORT"), int64_t{0}};
  auto other = store_->Insert(kCall, Sources(), source, "req-1");
  EXPECT_EQ(other.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(*store_->Count(kCall, Sources()), 0);
}

TEST_F(StoreTest, FilterSelectsRowsAndOrderBySortsThem) {
  ASSERT_TRUE(
      store_->Insert(kCall, Visits(), VisitRow("v2024", "countries/KZ", 20240000), "").ok());
  ASSERT_TRUE(
      store_->Insert(kCall, Visits(), VisitRow("v2013", "countries/KZ", 20130000), "").ok());
  ASSERT_TRUE(
      store_->Insert(kCall, Visits(), VisitRow("v2019", "countries/CN", 20190000), "").ok());
  ASSERT_TRUE(
      store_->Insert(kCall, Visits(), VisitRow("v2022", "countries/KZ", 20220900), "").ok());

  ListQuery query;
  query.filter = "host_country = \"KZ\"";
  query.order_by = "start_date";
  EXPECT_THAT(ListAll(query), ElementsAre("v2013", "v2022", "v2024"));
  query.order_by = "start_date desc";
  EXPECT_THAT(ListAll(query), ElementsAre("v2024", "v2022", "v2013"));
  query.filter = "start_date >= 2019 AND start_date < 2024";
  query.order_by = "start_date";
  EXPECT_THAT(ListAll(query), ElementsAre("v2019", "v2022"));
  query.filter = "start_date = 2022-09 OR host_country = \"countries/CN\"";
  EXPECT_THAT(ListAll(query), ElementsAre("v2019", "v2022"));
  query.filter = "cities:\"Astana\" AND NOT start_date.year = 2013";
  query.order_by = "";
  EXPECT_THAT(ListAll(query), ElementsAre("v2024", "v2019", "v2022"));
}

TEST_F(StoreTest, FilterValuesCannotAlterTheQuery) {
  ASSERT_TRUE(store_->Insert(kCall, Visits(), VisitRow("a", "countries/KZ", 1), "").ok());
  ListQuery query;
  query.filter = "visitor.name = \"x' OR '1'='1\" OR visitor.name = \"'; DROP TABLE visits; --\"";
  EXPECT_TRUE(ListAll(query).empty());
  EXPECT_EQ(*store_->Count(kCall, Visits()), 1);
}

TEST_F(StoreTest, PagesCoverEveryRowOnceWhileRowsAreInserted) {
  // Rows with many equal sort keys, so ties are broken across page edges.
  std::set<std::string> before;
  for (int i = 0; i < 95; ++i) {
    std::string id = absl::StrCat("r", i);
    ASSERT_TRUE(
        store_
            ->Insert(kCall, Visits(), VisitRow(id, "countries/KZ", 20000000 + (i % 7) * 10000), "")
            .ok());
    before.insert(id);
  }
  for (const std::string order :
       {"", "start_date", "start_date desc", "visitor.name, start_date desc"}) {
    ListQuery query;
    query.page_size = 10;
    query.order_by = order;
    std::vector<std::string> seen;
    int inserted = 0;
    while (true) {
      auto page = store_->List(kCall, Visits(), query);
      ASSERT_TRUE(page.ok()) << page.status();
      EXPECT_LE(page->rows.size(), 10u);
      for (const auto& row : page->rows) seen.push_back(row.id);
      if (page->next_page_token.empty()) break;
      query.page_token = page->next_page_token;
      // A row inserted between pages, sorting anywhere.
      ASSERT_TRUE(store_
                      ->Insert(kCall, Visits(),
                               VisitRow(absl::StrCat("new-", order.size(), "-", inserted),
                                        "countries/KZ", 20000000 + (inserted % 7) * 10000),
                               "")
                      .ok());
      ++inserted;
    }
    std::set<std::string> unique(seen.begin(), seen.end());
    EXPECT_EQ(unique.size(), seen.size()) << "a row was repeated, order " << order;
    for (const auto& id : before) {
      EXPECT_TRUE(unique.count(id)) << id << " was skipped, order " << order;
    }
  }
}

TEST_F(StoreTest, LastPageHasNoToken) {
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(
        store_->Insert(kCall, Visits(), VisitRow(absl::StrCat("r", i), "countries/KZ", 1), "")
            .ok());
  }
  ListQuery query;
  query.page_size = 2;
  auto first = store_->List(kCall, Visits(), query);
  ASSERT_FALSE(first->next_page_token.empty());
  query.page_token = first->next_page_token;
  auto second = store_->List(kCall, Visits(), query);
  EXPECT_EQ(second->rows.size(), 2u);
  EXPECT_TRUE(second->next_page_token.empty());
}

TEST_F(StoreTest, TokenIsBoundToItsQueryAndTamperingIsRejected) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(
        store_->Insert(kCall, Visits(), VisitRow(absl::StrCat("r", i), "countries/KZ", 1), "")
            .ok());
  }
  ListQuery query;
  query.page_size = 1;
  query.filter = "host_country = \"KZ\"";
  auto first = store_->List(kCall, Visits(), query);
  ASSERT_TRUE(first.ok());
  std::string token = first->next_page_token;

  ListQuery other = query;
  other.page_token = token;
  other.filter = "host_country = \"CN\"";
  auto reused = store_->List(kCall, Visits(), other);
  EXPECT_EQ(reused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(reused.status().message(), HasSubstr("page_token"));
  other.filter = query.filter;
  other.order_by = "start_date";
  EXPECT_EQ(store_->List(kCall, Visits(), other).status().code(),
            absl::StatusCode::kInvalidArgument);

  // Every single-character change to the token is caught.
  for (size_t i = 0; i < token.size(); ++i) {
    ListQuery tampered = query;
    tampered.page_token = token;
    tampered.page_token[i] = tampered.page_token[i] == 'A' ? 'B' : 'A';
    EXPECT_EQ(store_->List(kCall, Visits(), tampered).status().code(),
              absl::StatusCode::kInvalidArgument)
        << "position " << i;
  }
  for (const std::string& garbage :
       std::vector<std::string>{"!!!", "AAAA", std::string(5000, 'x')}) {
    ListQuery tampered = query;
    tampered.page_token = garbage;
    EXPECT_EQ(store_->List(kCall, Visits(), tampered).status().code(),
              absl::StatusCode::kInvalidArgument);
  }
}

// ----- The change feed

std::vector<std::string> Described(const ChangeBatch& batch) {
  std::vector<std::string> described;
  for (const auto& change : batch.changes) {
    const char* kind = change.kind == Change::Kind::kCreated   ? "created"
                       : change.kind == Change::Kind::kUpdated ? "updated"
                                                               : "deleted";
    described.push_back(
        absl::StrCat(kind, " ", change.collection, "/", change.row.id, " ", change.row.payload));
  }
  return described;
}

TEST_F(StoreTest, ChangeFeedHoldsEveryWriteInCommitOrder) {
  ASSERT_TRUE(store_->Insert(kCall, Visits(), VisitRow("a", "countries/KZ", 1, "a1"), "").ok());
  ASSERT_TRUE(store_->Insert(kCall, Visits(), VisitRow("b", "countries/KZ", 1, "b1"), "").ok());
  ASSERT_TRUE(store_->Update(kCall, Visits(), VisitRow("a", "countries/KZ", 1, "a2"), "").ok());
  ASSERT_TRUE(store_->Delete(kCall, Visits(), "b", "").ok());
  // A replayed create and a failed write add nothing.
  ASSERT_TRUE(store_->Insert(kCall, Visits(), VisitRow("c", "countries/KZ", 1, "c1"), "key").ok());
  ASSERT_TRUE(store_->Insert(kCall, Visits(), VisitRow("d", "countries/KZ", 1, "d1"), "key").ok());
  ASSERT_FALSE(
      store_->Update(kCall, Visits(), VisitRow("a", "countries/KZ", 1, "a3"), "stale").ok());

  auto all = store_->ReadChanges(kCall, 0, {}, 100);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_THAT(Described(*all),
              ElementsAre("created visits/a a1", "created visits/b b1", "updated visits/a a2",
                          "deleted visits/b ", "created visits/c c1"));
  for (size_t i = 1; i < all->changes.size(); ++i) {
    EXPECT_GT(all->changes[i].seq, all->changes[i - 1].seq);
  }
  EXPECT_EQ(all->scanned_through, all->changes.back().seq);
  EXPECT_EQ(all->changes[2].row.etag, store_->Get(kCall, Visits(), "a")->etag);

  // Resuming after a position gives exactly what followed it.
  auto rest = store_->ReadChanges(kCall, all->changes[1].seq, {}, 2);
  ASSERT_TRUE(rest.ok());
  EXPECT_THAT(Described(*rest), ElementsAre("updated visits/a a2", "deleted visits/b "));
  EXPECT_EQ(rest->scanned_through, all->changes[3].seq);

  // Other collections' changes are skipped but scanned.
  auto sources = store_->ReadChanges(kCall, 0, {"sources"}, 100);
  ASSERT_TRUE(sources.ok());
  EXPECT_TRUE(sources->changes.empty());
  EXPECT_EQ(sources->scanned_through, all->changes.back().seq);

  auto range = store_->Changes(kCall);
  ASSERT_TRUE(range.ok());
  EXPECT_EQ(range->oldest, all->changes.front().seq);
  EXPECT_EQ(range->latest, all->changes.back().seq);
}

TEST_F(StoreTest, ChangeFeedKeepsOnlyTheRetainedChanges) {
  StoreOptions options;
  options.sqlite.change_retention = options.postgres.change_retention = 10;
  auto store = test::OpenTestStore(dir_, "retention.db", options);
  ASSERT_TRUE(store.ok()) << store.status();
  for (int i = 0; i < 35; ++i) {
    ASSERT_TRUE((*store)
                    ->Insert(kCall, Visits(), VisitRow(absl::StrCat("v", i), "countries/KZ", 1), "")
                    .ok());
  }
  auto range = (*store)->Changes(kCall);
  ASSERT_TRUE(range.ok());
  EXPECT_EQ(range->latest - range->oldest + 1, 10);
  auto kept = (*store)->ReadChanges(kCall, 0, {}, 100);
  ASSERT_TRUE(kept.ok());
  ASSERT_EQ(kept->changes.size(), 10u);
  EXPECT_EQ(kept->changes.back().row.id, "v34");
}

// Writes that arrive while another is being written wait and then commit
// together (SQLite groups them into one transaction; PostgreSQL commits
// each on its own connection). Either way each write keeps its own outcome:
// a taken id, a stale etag, a missing source or a failure after its row was
// written fails that write alone, and leaves nothing of it behind.
TEST_F(StoreTest, WritesThatArriveTogetherEachKeepTheirOwnOutcome) {
  std::atomic<size_t> largest_group{0};
  StoreOptions options;
  options.sqlite.observe_group_commit = [&](size_t writes) {
    size_t seen = largest_group.load();
    while (writes > seen && !largest_group.compare_exchange_weak(seen, writes)) {
    }
  };
  auto opened = test::OpenTestStore(dir_, "grouped.db", options);
  ASSERT_TRUE(opened.ok()) << opened.status();
  Store& store = **opened;
  auto taken = store.Insert(kCall, Visits(), VisitRow("taken", "countries/KZ", 1, "kept"), "");
  auto updated = store.Insert(kCall, Visits(), VisitRow("updated", "countries/KZ", 1, "u1"), "");
  ASSERT_TRUE(taken.ok() && updated.ok());
  ASSERT_TRUE(store.Update(kCall, Visits(), VisitRow("updated", "countries/KZ", 1, "u2"), "").ok());

  // The first write holds the writer until every other write has arrived;
  // a write of the row "fails" is refused after its row was written.
  absl::Notification entered, release;
  Collection visits = Visits();
  visits.after_write = [&](RowEditor&, const std::vector<RowChange>& changes) {
    const std::string& id = changes.front().after->id;
    if (id == "first") {
      entered.Notify();
      release.WaitForNotification();
    }
    if (id == "fails") return absl::FailedPreconditionError("refused after the row was written");
    return absl::OkStatus();
  };
  std::thread first([&] {
    EXPECT_TRUE(store.Insert(kCall, visits, VisitRow("first", "countries/KZ", 1), "").ok());
  });
  entered.WaitForNotification();

  Row cites_missing = VisitRow("cites-missing", "countries/KZ", 1);
  cites_missing.cited_sources = {"no-such-source"};
  std::vector<std::function<absl::Status()>> writes = {
      [&] {
        return store.Insert(kCall, visits, VisitRow("good-1", "countries/KZ", 1), "").status();
      },
      [&] {
        return store.Insert(kCall, visits, VisitRow("taken", "countries/KZ", 1, "new"), "")
            .status();
      },
      [&] {
        return store.Insert(kCall, visits, VisitRow("good-2", "countries/KZ", 1), "").status();
      },
      [&] {
        return store
            .Update(kCall, visits, VisitRow("updated", "countries/KZ", 1, "u3"), updated->etag)
            .status();
      },
      [&] {
        return store.Insert(kCall, visits, VisitRow("fails", "countries/KZ", 1), "").status();
      },
      [&] { return store.Insert(kCall, visits, cites_missing, "").status(); },
      [&] {
        return store.Insert(kCall, visits, VisitRow("good-3", "countries/KZ", 1), "").status();
      },
  };
  std::vector<absl::Status> outcomes(writes.size());
  std::vector<std::thread> writers;
  for (size_t i = 0; i < writes.size(); ++i) {
    writers.emplace_back([&, i] { outcomes[i] = writes[i](); });
  }
  // Time for every writer to queue behind the first; the outcomes below
  // hold whether they all did or not.
  absl::SleepFor(absl::Milliseconds(300));
  release.Notify();
  first.join();
  for (auto& writer : writers) writer.join();

  EXPECT_TRUE(outcomes[0].ok()) << outcomes[0];
  EXPECT_EQ(outcomes[1].code(), absl::StatusCode::kAlreadyExists) << outcomes[1];
  EXPECT_TRUE(outcomes[2].ok()) << outcomes[2];
  EXPECT_EQ(outcomes[3].code(), absl::StatusCode::kAborted) << outcomes[3];
  EXPECT_EQ(outcomes[4].code(), absl::StatusCode::kFailedPrecondition) << outcomes[4];
  EXPECT_EQ(outcomes[5].code(), absl::StatusCode::kFailedPrecondition) << outcomes[5];
  EXPECT_TRUE(outcomes[6].ok()) << outcomes[6];
  for (const char* id : {"first", "good-1", "good-2", "good-3"}) {
    EXPECT_TRUE(store.Get(kCall, Visits(), id).ok()) << id;
  }
  for (const char* id : {"fails", "cites-missing"}) {
    EXPECT_EQ(store.Get(kCall, Visits(), id).status().code(), absl::StatusCode::kNotFound) << id;
  }
  EXPECT_EQ(store.Get(kCall, Visits(), "taken")->payload, "kept");
  EXPECT_EQ(store.Get(kCall, Visits(), "updated")->payload, "u2");
  // The feed holds the writes that succeeded, and nothing of the others.
  auto feed = store.ReadChanges(kCall, 0, {}, 100);
  ASSERT_TRUE(feed.ok()) << feed.status();
  std::multiset<std::string> created;
  for (const auto& change : feed->changes) {
    if (change.kind == Change::Kind::kCreated) created.insert(change.row.id);
  }
  EXPECT_EQ(created, (std::multiset<std::string>{"first", "good-1", "good-2", "good-3", "taken",
                                                 "updated"}));
  if (!test::TestingPostgres()) {
    EXPECT_GE(largest_group.load(), 2u) << "the waiting writes were not committed together";
  }
}

// ----- Bulk inserts

// The ids of the records a search for `text` finds.
std::vector<std::string> Found(Store& store, const std::string& text) {
  SearchQuery query;
  query.text = text;
  query.page_size = 100;
  auto page = store.Search(kCall, query);
  EXPECT_TRUE(page.ok()) << page.status();
  std::vector<std::string> ids;
  if (page.ok()) {
    for (const auto& hit : page->hits) ids.push_back(hit.id);
  }
  return ids;
}

// A row citing the source "s1", searchable by "findme" and by its
// position "p<i>" in the bulk insert.
Row Cited(Row row, int position) {
  row.payload = absl::StrCat("p", position);
  row.cited_sources = {"s1"};
  row.search_text = absl::StrCat("findme p", position);
  return row;
}

TEST_F(StoreTest, BulkInsertRefusesExactlyTheRowsThatCannotBeStoredAndStoresTheRest) {
  ASSERT_TRUE(store_->Insert(kCall, Sources(), SourceRow("s1"), "").ok());
  ASSERT_TRUE(store_->Insert(kCall, TradeRecords(), TradeRow("taken", "0101", "first"), "").ok());
  Row cites_missing = Cited(TradeRow("cites-missing", "6000"), 5);
  cites_missing.cited_sources = {"s1", "no-such-source"};
  std::vector<Row> rows = {
      Cited(TradeRow("good-0", "1000"), 0),
      Cited(TradeRow("taken", "2000"), 1),     // the table has its id
      Cited(TradeRow("same-key", "0101"), 2),  // the table has its unique key
      Cited(TradeRow("good-1", "3000"), 3),
      Cited(TradeRow("good-1", "4000"), 4),  // row 3 has its id
      cites_missing,
      Cited(TradeRow("good-2", "3000"), 6),  // row 3 has its unique key
      Cited(TradeRow("good-2", "5000"), 7),  // row 6, with its id, was refused
  };
  auto results = store_->InsertMany(kCall, TradeRecords(), rows);
  ASSERT_TRUE(results.ok()) << results.status();
  ASSERT_EQ(results->size(), rows.size());
  const std::string same_key =
      "another record in tradeRecords has the same reporter, partner, period, flow and commodity";
  EXPECT_TRUE((*results)[0].ok()) << (*results)[0];
  EXPECT_EQ((*results)[1], absl::AlreadyExistsError("tradeRecords/taken already exists"));
  EXPECT_EQ((*results)[2], absl::AlreadyExistsError(same_key));
  EXPECT_TRUE((*results)[3].ok()) << (*results)[3];
  EXPECT_EQ((*results)[4], absl::AlreadyExistsError("tradeRecords/good-1 already exists"));
  EXPECT_EQ((*results)[5], absl::FailedPreconditionError("sources/no-such-source does not exist"));
  EXPECT_EQ((*results)[6], absl::AlreadyExistsError(same_key));
  EXPECT_TRUE((*results)[7].ok()) << (*results)[7];

  // The stored rows, and the first of each id.
  EXPECT_EQ(*store_->Count(kCall, TradeRecords()), 4);
  EXPECT_EQ(store_->Get(kCall, TradeRecords(), "taken")->payload, "first");
  EXPECT_EQ(store_->Get(kCall, TradeRecords(), "good-0")->payload, "p0");
  EXPECT_EQ(store_->Get(kCall, TradeRecords(), "good-1")->payload, "p3");
  EXPECT_EQ(store_->Get(kCall, TradeRecords(), "good-2")->payload, "p7");
  for (const char* id : {"same-key", "cites-missing"}) {
    EXPECT_EQ(store_->Get(kCall, TradeRecords(), id).status().code(), absl::StatusCode::kNotFound)
        << id;
  }
  // Citations of the stored rows only.
  absl::Status cited = store_->Delete(kCall, Sources(), "s1", "");
  EXPECT_EQ(cited.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(
      cited.message(),
      HasSubstr("cited by tradeRecords/good-0, tradeRecords/good-1, tradeRecords/good-2; "));
  // Search text of the stored rows only.
  EXPECT_THAT(Found(*store_, "findme"), UnorderedElementsAre("good-0", "good-1", "good-2"));
  for (int refused : {1, 2, 4, 5, 6}) {
    EXPECT_THAT(Found(*store_, absl::StrCat("p", refused)), ElementsAre()) << refused;
  }
  EXPECT_THAT(Found(*store_, "p7"), ElementsAre("good-2"));
  // A change for each stored row, in order.
  auto feed = store_->ReadChanges(kCall, 0, {"tradeRecords"}, 100);
  ASSERT_TRUE(feed.ok()) << feed.status();
  EXPECT_THAT(Described(*feed),
              ElementsAre("created tradeRecords/taken first", "created tradeRecords/good-0 p0",
                          "created tradeRecords/good-1 p3", "created tradeRecords/good-2 p7"));
}

TEST_F(StoreTest, BulkInsertLargerThanOneStatementStoresEveryRowInOrder) {
  ASSERT_TRUE(store_->Insert(kCall, Sources(), SourceRow("s1"), "").ok());
  ASSERT_TRUE(store_->Insert(kCall, TradeRecords(), TradeRow("taken", "taken"), "").ok());
  // More rows than one multi-row statement takes on either store (a power
  // of two of rows within the bound-value limit), and than PostgreSQL's
  // change-feed statements bind values for.
  constexpr int kRows = 10000;
  std::vector<Row> rows;
  for (int i = 0; i < kRows; ++i) {
    rows.push_back(Cited(TradeRow(absl::StrCat("r", i), absl::StrCat(i)), i));
  }
  rows[4321].id = "taken";
  rows[8765].cited_sources = {"no-such-source"};
  rows[9000].id = "r10";                     // as row 10's
  rows[5000].columns[6] = std::string("0");  // the unique key of row 0
  // Values a bulk load must carry unchanged.
  const std::string id = "tab\there, line\nbreak, back\\slash\r";
  const std::string bytes("\0\t\n\\\xff\x7f", 6);
  rows[7].id = id;
  rows[7].payload = bytes;
  auto results = store_->InsertMany(kCall, TradeRecords(), rows);
  ASSERT_TRUE(results.ok()) << results.status();
  ASSERT_EQ(results->size(), rows.size());
  for (int i = 0; i < kRows; ++i) {
    const auto expected = i == 4321 || i == 9000 || i == 5000 ? absl::StatusCode::kAlreadyExists
                          : i == 8765 ? absl::StatusCode::kFailedPrecondition
                                      : absl::StatusCode::kOk;
    ASSERT_EQ((*results)[i].code(), expected) << i << ": " << (*results)[i];
  }
  EXPECT_THAT((*results)[5000].message(), HasSubstr("has the same reporter"));
  EXPECT_EQ(*store_->Count(kCall, TradeRecords()), kRows - 3);
  EXPECT_EQ(store_->Get(kCall, TradeRecords(), "r9999")->payload, "p9999");
  EXPECT_EQ(store_->Get(kCall, TradeRecords(), "r10")->payload, "p10");
  EXPECT_EQ(store_->Get(kCall, TradeRecords(), id)->payload, bytes);
  EXPECT_THAT(Found(*store_, "p9998"), ElementsAre("r9998"));
  EXPECT_THAT(Found(*store_, "p4321"), ElementsAre());
  auto feed = store_->ReadChanges(kCall, 0, {"tradeRecords"}, kRows + 10);
  ASSERT_TRUE(feed.ok()) << feed.status();
  ASSERT_EQ(feed->changes.size(), static_cast<size_t>(kRows - 3));
  EXPECT_EQ(feed->changes[1].row.id, "r0");
  EXPECT_EQ(feed->changes.back().row.id, "r9999");
  for (size_t i = 1; i < feed->changes.size(); ++i) {
    ASSERT_GT(feed->changes[i].row.create_time_us, feed->changes[i - 1].row.create_time_us) << i;
  }
}

// Stopped at any point of its work (each time the store asks whether the
// call should stop, in turn), a bulk insert stores nothing and leaves the
// store ready for the next write; let run to the end, it stores every row.
TEST_F(StoreTest, BulkInsertStoppedAtAnyPointStoresNothing) {
  ASSERT_TRUE(store_->Insert(kCall, Sources(), SourceRow("s1"), "").ok());
  std::vector<Row> rows;
  for (int i = 0; i < 100; ++i) {
    rows.push_back(Cited(TradeRow(absl::StrCat("r", i), absl::StrCat(i)), i));
  }
  bool completed = false;
  for (int checks = 0; checks < 1000 && !completed; ++checks) {
    std::atomic<int> asked{0};
    const CallContext call(absl::InfiniteFuture(), nullptr, [&] { return asked++ >= checks; });
    absl::StatusOr<std::vector<absl::Status>> results =
        store_->InsertMany(call, TradeRecords(), rows);
    if (results.ok()) {
      completed = true;
      for (const auto& result : *results) EXPECT_TRUE(result.ok()) << result;
    } else {
      ASSERT_EQ(*store_->Count(kCall, TradeRecords()), 0)
          << "stopped at check " << checks << ": " << results.status();
    }
  }
  EXPECT_TRUE(completed);
  EXPECT_EQ(*store_->Count(kCall, TradeRecords()), 100);
  EXPECT_THAT(Found(*store_, "p99"), ElementsAre("r99"));
  auto feed = store_->ReadChanges(kCall, 0, {"tradeRecords"}, 1000);
  ASSERT_TRUE(feed.ok()) << feed.status();
  EXPECT_EQ(feed->changes.size(), 100u);
}

}  // namespace
}  // namespace bilateral::store
