// Moving a deployment between stores: every record copied from the embedded
// store to PostgreSQL and back is identical, name, payload, etag and times.
#include "server/copy_data.h"

#include <cstdlib>
#include <map>

#include "domain/records.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/seed.h"
#include "store/open_store.h"
#include "temp_dir.h"
#include "test_store.h"

namespace bilateral {
namespace {

// The call the test's work is for: no deadline, never cancelled.
const CallContext kCall;

// Every record of every type, and every finding, by name: payload, etag and
// times.
std::map<std::string, std::string> Snapshot(store::Store& store) {
  std::map<std::string, std::string> records;
  auto add = [&](const store::Collection& collection) {
    store::ListQuery query;
    query.page_size = 7;  // several pages
    while (true) {
      auto page = store.List(kCall, collection, query);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) return;
      for (const auto& row : page->rows) {
        records[collection.name + "/" + row.id] = absl::StrCat(
            row.payload, "|", row.etag, "|", row.create_time_us, "|", row.update_time_us);
      }
      if (page->next_page_token.empty()) return;
      query.page_token = page->next_page_token;
    }
  };
  domain::ForEachRecordType(
      [&](auto tag) { add(domain::Resource<typename decltype(tag)::type>::Collection()); });
  add(domain::Resource<v1::Finding>::Collection());
  EXPECT_TRUE(records.count("findings/visit-ordinal-xi-jinping-kz-2024")) << "no findings to copy";
  return records;
}

absl::StatusOr<std::unique_ptr<store::Store>> Prepared(const std::string& database) {
  auto store = store::OpenStore(database, store::StoreOptions{});
  if (!store.ok()) return store.status();
  if (auto status = server::PrepareStore(**store); !status.ok()) return status;
  return store;
}

TEST(CopyDataTest, EmbeddedToPostgresAndBackIsIdentical) {
  BILATERAL_REQUIRE_POSTGRES_SERVER();
  test::TempDir dir;
  auto embedded = Prepared(dir.File("first.db"));
  ASSERT_TRUE(embedded.ok()) << embedded.status();
  ASSERT_TRUE(server::SeedIfEmpty(**embedded).ok());
  // A record that changed after it was created, so etags and times differ.
  domain::Records<v1::Visit> visits(embedded->get());
  auto visit = visits.Get(kCall, "visits/xi-jinping-kz-2024");
  ASSERT_TRUE(visit.ok());
  visit->add_cities("Astana");
  ASSERT_TRUE(visits.Update(kCall, *visit, nullptr).ok());
  auto before = Snapshot(**embedded);
  ASSERT_GT(before.size(), 25u);

  auto url = test::FreshPostgresSchema();
  ASSERT_TRUE(url.ok()) << url.status();
  auto postgres = Prepared(*url);
  ASSERT_TRUE(postgres.ok()) << postgres.status();
  auto there = server::CopyData(**embedded, **postgres);
  ASSERT_TRUE(there.ok()) << there.status();
  EXPECT_EQ(there->copied, static_cast<int64_t>(before.size()));
  EXPECT_EQ(Snapshot(**postgres), before);

  auto back = Prepared(dir.File("back.db"));
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_TRUE(server::CopyData(**postgres, **back).ok());
  EXPECT_EQ(Snapshot(**back), before);

  // Citations came along: a cited source stays.
  auto deleted = domain::Records<v1::Source>(postgres->get())
                     .Delete(kCall, "sources/xi-kazakhstan-sco-2024", "");
  EXPECT_EQ(deleted.code(), absl::StatusCode::kFailedPrecondition);

  // Copying into a store that holds the records already is refused.
  auto again = server::CopyData(**embedded, **back);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(again.status().message(), ::testing::HasSubstr("copy into an empty store"));
}

}  // namespace
}  // namespace bilateral
