// Derived values and consistency findings, on whichever store test_store.h
// selects: the seed's findings open, close when the missing records are
// stored and turn into contradictions; and after random writes every
// derived value equals a recomputation from scratch.
#include "domain/consistency.h"

#include <cmath>
#include <map>
#include <random>

#include "absl/strings/str_cat.h"
#include "domain/fields.h"
#include "domain/names.h"
#include "domain/records.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "server/seed.h"
#include "temp_dir.h"
#include "test_store.h"

namespace bilateral::domain {
namespace {

// The call the test's work is for: no deadline, never cancelled.
const CallContext kCall;

template <typename Message>
Message FromJson(const std::string& json) {
  Message message;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &message).ok()) << json;
  return message;
}

class ConsistencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = test::OpenTestStore(dir_, "consistency.db");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    ASSERT_TRUE(server::PrepareStore(*store_).ok());
  }

  // The finding `id`, or NOT_FOUND.
  absl::StatusOr<v1::Finding> Finding(const std::string& id) {
    auto row = store_->Get(kCall, Resource<v1::Finding>::Collection(), id);
    if (!row.ok()) return row.status();
    v1::Finding finding;
    if (!finding.ParseFromString(row->payload)) return absl::DataLossError("unreadable");
    return finding;
  }

  std::vector<v1::Finding> AllFindings(const std::string& filter = "") {
    std::vector<v1::Finding> findings;
    store::ListQuery query;
    query.filter = filter;
    query.page_size = 1000;
    auto page = store_->List(kCall, Resource<v1::Finding>::Collection(), query);
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok()) return findings;
    for (const auto& row : page->rows) {
      findings.emplace_back();
      findings.back().ParseFromString(row.payload);
    }
    return findings;
  }

  test::TempDir dir_;
  std::unique_ptr<store::Store> store_;
};

constexpr char kSourceJson[] = R"({"title": "Test source"})";

v1::Visit XiVisitToKazakhstan(int year) {
  return FromJson<v1::Visit>(absl::StrCat(R"({
      "visitor": {"name": "Xi Jinping", "country": "CN"},
      "hostCountry": "KZ",
      "startDate": {"year": )",
                                          year, R"(},
      "citations": [{"source": "sources/test", "quote": "a visit"}]})"));
}

v1::TradeRecord KazakhstanChinaTotal(int year, int64_t units) {
  return FromJson<v1::TradeRecord>(absl::StrCat(R"({
      "reporter": "KZ", "partner": "CN", "period": {"year": )",
                                                year, R"(},
      "flow": "TRADE_FLOW_TOTAL", "value": {"currencyCode": "USD", "units": ")",
                                                units, R"("},
      "citations": [{"source": "sources/test", "quote": "trade"}]})"));
}

TEST_F(ConsistencyTest, SeedFindingsOpenCloseWhenRecordsArriveAndContradictionsOpen) {
  ASSERT_TRUE(server::SeedIfEmpty(*store_).ok());
  Records<v1::Source> sources(store_.get());
  ASSERT_TRUE(sources.Create(kCall, FromJson<v1::Source>(kSourceJson), "test", "").ok());
  Records<v1::Visit> visits(store_.get());
  Records<v1::TradeRecord> trade(store_.get());

  // The article calls the 2024 visit the fifth; three visits are stored.
  auto xi2024 = visits.Get(kCall, "visits/xi-jinping-kz-2024");
  ASSERT_TRUE(xi2024.ok()) << xi2024.status();
  EXPECT_EQ(xi2024->reported_ordinal(), 5);
  EXPECT_EQ(xi2024->computed_ordinal(), 3);
  auto ordinal = Finding("visit-ordinal-xi-jinping-kz-2024");
  ASSERT_TRUE(ordinal.ok()) << ordinal.status();
  EXPECT_EQ(ordinal->kind(), v1::FINDING_KIND_ORDINAL_UNCONFIRMED);
  EXPECT_EQ(ordinal->state(), v1::FINDING_STATE_OPEN);
  EXPECT_EQ(ordinal->subject(), "visits/xi-jinping-kz-2024");
  EXPECT_THAT(ordinal->records(),
              ::testing::ElementsAre("visits/xi-jinping-kz-2024", "visits/xi-jinping-kz-2022-09",
                                     "visits/xi-jinping-kz-2013"));
  EXPECT_THAT(ordinal->countries(), ::testing::ElementsAre("countries/CN", "countries/KZ"));
  EXPECT_EQ(ordinal->stated_value(), 5);
  EXPECT_EQ(ordinal->computed_value(), 3);
  EXPECT_THAT(ordinal->resolution(), ::testing::HasSubstr("2 earlier visits"));

  // The 32 percent growth of 2023 has no 2022 record to compare with.
  auto growth = Finding("trade-change-kz-cn-total-2023");
  ASSERT_TRUE(growth.ok()) << growth.status();
  EXPECT_EQ(growth->kind(), v1::FINDING_KIND_CHANGE_UNCONFIRMED);
  EXPECT_EQ(growth->state(), v1::FINDING_STATE_OPEN);
  EXPECT_EQ(growth->stated_value(), 32);
  EXPECT_FALSE(growth->has_computed_value());
  EXPECT_THAT(growth->resolution(), ::testing::HasSubstr("2022"));
  EXPECT_EQ(AllFindings("state = OPEN").size(), 2u);

  // Two earlier visits make the 2024 visit the fifth: the finding closes.
  ASSERT_TRUE(visits.Create(kCall, XiVisitToKazakhstan(2015), "xi-kz-2015", "").ok());
  ASSERT_TRUE(visits.Create(kCall, XiVisitToKazakhstan(2017), "xi-kz-2017", "").ok());
  EXPECT_EQ(visits.Get(kCall, "visits/xi-jinping-kz-2024")->computed_ordinal(), 5);
  EXPECT_EQ(visits.Get(kCall, "visits/xi-jinping-kz-2022-09")->computed_ordinal(), 4);
  EXPECT_EQ(Finding("visit-ordinal-xi-jinping-kz-2024")->state(), v1::FINDING_STATE_CLOSED);

  // A 2022 value 32 percent below 2023's confirms the growth.
  auto y2022 = trade.Create(kCall, KazakhstanChinaTotal(2022, 31060000000), "kz-cn-total-2022", "");
  ASSERT_TRUE(y2022.ok()) << y2022.status();
  auto y2023 = trade.Get(kCall, "tradeRecords/kz-cn-total-2023");
  ASSERT_TRUE(y2023->has_computed_change_pct());
  EXPECT_NEAR(y2023->computed_change_pct(), 32.0, 0.01);
  EXPECT_EQ(Finding("trade-change-kz-cn-total-2023")->state(), v1::FINDING_STATE_CLOSED);
  EXPECT_TRUE(AllFindings("state = OPEN").empty());

  // A 2022 value that contradicts the growth opens a contradiction.
  y2022->mutable_value()->set_units(20000000000);
  ASSERT_TRUE(trade.Update(kCall, *y2022, nullptr).ok());
  auto contradicted = Finding("trade-change-kz-cn-total-2023");
  EXPECT_EQ(contradicted->kind(), v1::FINDING_KIND_CHANGE_CONTRADICTED);
  EXPECT_EQ(contradicted->state(), v1::FINDING_STATE_OPEN);
  EXPECT_NEAR(contradicted->computed_value(), 105.0, 0.01);
  EXPECT_THAT(contradicted->records(), ::testing::ElementsAre("tradeRecords/kz-cn-total-2023",
                                                              "tradeRecords/kz-cn-total-2022"));

  // Deleting the 2022 record leaves the growth unconfirmed again.
  ASSERT_TRUE(trade.Delete(kCall, "tradeRecords/kz-cn-total-2022", "").ok());
  EXPECT_FALSE(trade.Get(kCall, "tradeRecords/kz-cn-total-2023")->has_computed_change_pct());
  EXPECT_EQ(Finding("trade-change-kz-cn-total-2023")->kind(), v1::FINDING_KIND_CHANGE_UNCONFIRMED);

  // Deleting a visit renumbers the rest and reopens the ordinal finding.
  ASSERT_TRUE(visits.Delete(kCall, "visits/xi-kz-2015", "").ok());
  EXPECT_EQ(visits.Get(kCall, "visits/xi-jinping-kz-2024")->computed_ordinal(), 4);
  EXPECT_EQ(Finding("visit-ordinal-xi-jinping-kz-2024")->state(), v1::FINDING_STATE_OPEN);

  auto kz = AllFindings("countries:\"KAZ\" AND kind = CHANGE_UNCONFIRMED");
  ASSERT_EQ(kz.size(), 1u);
  EXPECT_EQ(kz[0].subject(), "tradeRecords/kz-cn-total-2023");
}

// Random creates, updates and deletes; then every stored ordinal and change
// equals what a recomputation from all the stored records gives.
// Spellings of one name that differ in case, white space or Unicode form
// are one visitor: their visits are one series, numbered together, and the
// stored spelling is kept. A name of white space alone is missing.
TEST_F(ConsistencyTest, SpellingsOfOneNameAreOneVisitorsSeries) {
  Records<v1::Source> sources(store_.get());
  ASSERT_TRUE(sources.Create(kCall, FromJson<v1::Source>(kSourceJson), "test", "").ok());
  Records<v1::Visit> visits(store_.get());
  const std::vector<std::string> spellings = {"Same Person",      "same person",
                                              "Same Person ",     "  SAME\tPERSON",
                                              "Same\u00a0Person",   // a no-break space
                                              "\uff33ame Person"};  // a full-width S
  for (size_t i = 0; i < spellings.size(); ++i) {
    v1::Visit visit = XiVisitToKazakhstan(static_cast<int>(2001 + i));
    visit.mutable_visitor()->set_name(
        FromJson<v1::Person>(absl::StrCat(R"({"name": ")", spellings[i], R"("})")).name());
    auto created = visits.Create(kCall, visit, absl::StrCat("spelling-", i), "");
    ASSERT_TRUE(created.ok()) << spellings[i] << ": " << created.status();
    EXPECT_EQ(created->visitor().name(), visit.visitor().name()) << "the spelling is kept";
  }
  for (size_t i = 0; i < spellings.size(); ++i) {
    auto visit = visits.Get(kCall, absl::StrCat("visits/spelling-", i));
    ASSERT_TRUE(visit.ok()) << visit.status();
    EXPECT_EQ(visit->computed_ordinal(), static_cast<int>(i + 1)) << spellings[i];
  }
  EXPECT_EQ(NameKey(" Same \t Person\n"), "same person");

  v1::Visit blank = XiVisitToKazakhstan(2020);
  blank.mutable_visitor()->set_name("  \t ");
  auto refused = visits.Create(kCall, blank, "blank", "");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << refused.status();
  EXPECT_THAT(std::string(refused.status().message()), ::testing::HasSubstr("visitor.name"));
}

TEST_F(ConsistencyTest, DerivedValuesEqualARecomputationAfterRandomWrites) {
  Records<v1::Source> sources(store_.get());
  ASSERT_TRUE(sources.Create(kCall, FromJson<v1::Source>(kSourceJson), "test", "").ok());
  Records<v1::Visit> visits(store_.get());
  Records<v1::TradeRecord> trade(store_.get());
  std::mt19937 random(20241);
  auto pick = [&](int n) { return static_cast<int>(random() % n); };
  const std::vector<std::string> visitors = {"Xi Jinping", "Li Qiang"};
  const std::vector<std::string> hosts = {"KZ", "UZ"};
  std::vector<std::string> visit_names, trade_names;

  for (int step = 0; step < 120; ++step) {
    const int action = pick(6);
    if (action <= 1 || visit_names.empty()) {
      v1::Visit visit = XiVisitToKazakhstan(2000 + pick(12));
      visit.mutable_visitor()->set_name(visitors[pick(2)]);
      visit.set_host_country(hosts[pick(2)]);
      if (pick(3) == 0) visit.mutable_start_date()->set_month(1 + pick(12));
      visit.set_reported_ordinal(pick(4));
      auto created = visits.Create(kCall, visit, "", "");
      ASSERT_TRUE(created.ok()) << created.status();
      visit_names.push_back(created->name());
    } else if (action == 2) {
      const std::string& name = visit_names[pick(static_cast<int>(visit_names.size()))];
      auto visit = visits.Get(kCall, name);
      ASSERT_TRUE(visit.ok()) << visit.status();
      visit->mutable_start_date()->set_year(2000 + pick(12));
      if (pick(2) == 0) visit->set_host_country(hosts[pick(2)]);
      visit->set_etag("");
      ASSERT_TRUE(visits.Update(kCall, *visit, nullptr).ok());
    } else if (action == 3 && visit_names.size() > 3) {
      const size_t i = pick(static_cast<int>(visit_names.size()));
      ASSERT_TRUE(visits.Delete(kCall, visit_names[i], "").ok());
      visit_names.erase(visit_names.begin() + i);
    } else if (action == 4 || trade_names.empty()) {
      v1::TradeRecord record = KazakhstanChinaTotal(2010 + pick(8), 1000 + pick(1000));
      if (pick(2) == 0) record.set_flow(v1::TRADE_FLOW_EXPORT);
      if (pick(3) == 0) record.set_reported_change_pct(pick(40) - 10);
      auto created = trade.Create(kCall, record, "", "");
      if (absl::IsAlreadyExists(created.status())) continue;  // that period is taken
      ASSERT_TRUE(created.ok()) << created.status();
      trade_names.push_back(created->name());
    } else {
      const size_t i = pick(static_cast<int>(trade_names.size()));
      if (pick(2) == 0) {
        ASSERT_TRUE(trade.Delete(kCall, trade_names[i], "").ok());
        trade_names.erase(trade_names.begin() + i);
      } else {
        auto record = trade.Get(kCall, trade_names[i]);
        ASSERT_TRUE(record.ok());
        record->mutable_value()->set_units(1000 + pick(1000));
        record->set_etag("");
        ASSERT_TRUE(trade.Update(kCall, *record, nullptr).ok());
      }
    }
  }

  // Ordinals: position by start date, then by creation, within a series.
  std::map<std::pair<std::string, std::string>, std::vector<v1::Visit>> series;
  for (const auto& name : visit_names) {
    auto visit = visits.Get(kCall, name);
    ASSERT_TRUE(visit.ok());
    series[{visit->visitor().name(), visit->host_country()}].push_back(*visit);
  }
  int open_ordinal_findings = 0;
  for (auto& [key, members] : series) {
    std::sort(members.begin(), members.end(), [](const v1::Visit& a, const v1::Visit& b) {
      auto ka = std::make_pair(DateKey(a.start_date()),
                               a.create_time().seconds() * 1000000000LL + a.create_time().nanos());
      auto kb = std::make_pair(DateKey(b.start_date()),
                               b.create_time().seconds() * 1000000000LL + b.create_time().nanos());
      return ka < kb;
    });
    for (size_t i = 0; i < members.size(); ++i) {
      const auto& visit = members[i];
      EXPECT_EQ(visit.computed_ordinal(), static_cast<int>(i + 1)) << visit.name();
      const bool open =
          visit.reported_ordinal() != 0 && visit.reported_ordinal() != static_cast<int>(i + 1);
      open_ordinal_findings += open;
      auto finding = Finding(absl::StrCat("visit-ordinal-", visit.name().substr(7)));
      if (open) {
        ASSERT_TRUE(finding.ok()) << visit.name();
        EXPECT_EQ(finding->state(), v1::FINDING_STATE_OPEN) << visit.name();
      } else if (finding.ok()) {
        EXPECT_EQ(finding->state(), v1::FINDING_STATE_CLOSED) << visit.name();
      }
    }
  }
  EXPECT_EQ(AllFindings("state = OPEN AND (kind = ORDINAL_UNCONFIRMED OR "
                        "kind = ORDINAL_CONTRADICTED)")
                .size(),
            static_cast<size_t>(open_ordinal_findings));

  // Changes: against the record of the previous year in the same series.
  std::map<std::pair<int, int>, v1::TradeRecord> by_period;  // (flow, year)
  for (const auto& name : trade_names) {
    auto record = trade.Get(kCall, name);
    ASSERT_TRUE(record.ok());
    by_period[{record->flow(), record->period().year()}] = *record;
  }
  for (const auto& [key, record] : by_period) {
    auto previous = by_period.find({key.first, key.second - 1});
    if (previous == by_period.end()) {
      EXPECT_FALSE(record.has_computed_change_pct()) << record.name();
      continue;
    }
    const double before = previous->second.value().units();
    const double expected =
        std::round((record.value().units() - before) / before * 10000.0) / 100.0;
    ASSERT_TRUE(record.has_computed_change_pct()) << record.name();
    EXPECT_DOUBLE_EQ(record.computed_change_pct(), expected) << record.name();
  }
}

// The bulk path (InsertMany: derived values filled before the rows are
// stored, lookups among the chunk's own rows) ends where writing the same
// rows one by one does: the same computed changes and the same open findings,
// with chunks whose rows continue series already stored, continue each
// other, repeat a key, or state changes that hold or do not.
TEST_F(ConsistencyTest, BulkImportDerivesWhatOneByOneWritesDerive) {
  auto other = test::OpenTestStore(dir_, "one-by-one.db");
  ASSERT_TRUE(other.ok()) << other.status();
  ASSERT_TRUE(server::PrepareStore(**other).ok());
  Records<v1::TradeRecord> bulk(store_.get());
  Records<v1::TradeRecord> single(other->get());
  for (store::Store* store : {store_.get(), other->get()}) {
    Records<v1::Source> sources(store);
    ASSERT_TRUE(sources.Create(kCall, FromJson<v1::Source>(kSourceJson), "test", "").ok());
  }
  std::mt19937 random(7);
  auto pick = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
  // Rows stored before the import, one by one on both stores.
  std::vector<v1::TradeRecord> rows;
  for (int i = 0; i < 240; ++i) {
    v1::TradeRecord record = KazakhstanChinaTotal(2000 + pick(24), 1000 + pick(1000));
    const v1::TradeFlow flows[] = {v1::TRADE_FLOW_TOTAL, v1::TRADE_FLOW_EXPORT,
                                   v1::TRADE_FLOW_IMPORT};
    record.set_flow(flows[pick(3)]);
    if (pick(4) == 0) record.mutable_period()->set_quarter(1 + pick(4));
    if (pick(3) == 0) record.set_reported_change_pct(pick(60) - 20);
    record.set_name(absl::StrCat("tradeRecords/r", i));
    rows.push_back(std::move(record));
  }
  for (size_t i = 0; i < 40; ++i) {
    for (auto* records : {&bulk, &single}) {
      auto created = records->Create(kCall, rows[i], rows[i].name().substr(13), "");
      ASSERT_TRUE(created.ok() || absl::IsAlreadyExists(created.status())) << created.status();
    }
  }
  // The rest: imported in chunks on one store, created one at a time on
  // the other.
  std::vector<std::string> outcomes;
  for (size_t first = 40; first < rows.size(); first += 50) {
    google::protobuf::RepeatedPtrField<v1::TradeRecord> chunk;
    for (size_t i = first; i < std::min(rows.size(), first + 50); ++i) *chunk.Add() = rows[i];
    auto results = bulk.Import(kCall, chunk, true);
    ASSERT_TRUE(results.ok()) << results.status();
    for (size_t k = 0; k < results->size(); ++k) {
      const auto& row = rows[first + k];
      auto created = single.Create(kCall, row, row.name().substr(13), "");
      EXPECT_EQ((*results)[k].status.code(), created.status().code()) << row.name();
    }
  }
  // Every record's computed change, and every finding, alike.
  auto described = [](store::Store& store) {
    std::map<std::string, std::string> all;
    for (const store::Collection* collection :
         {&Resource<v1::TradeRecord>::Collection(), &Resource<v1::Finding>::Collection()}) {
      store::ListQuery query;
      query.page_size = 1000;
      auto page = store.List(kCall, *collection, query);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) return all;
      for (const auto& row : page->rows) {
        if (collection == &Resource<v1::Finding>::Collection()) {
          v1::Finding finding;
          finding.ParseFromString(row.payload);
          // Closed findings are history: one by one, a record may open one
          // that the next record's arrival closes; within a chunk it never
          // opens.
          if (finding.state() != v1::FINDING_STATE_OPEN) continue;
          all[absl::StrCat("findings/", row.id)] =
              absl::StrCat(finding.state(), " ", finding.kind(), " ", finding.description());
        } else {
          v1::TradeRecord record;
          record.ParseFromString(row.payload);
          all[absl::StrCat("tradeRecords/", row.id)] =
              record.has_computed_change_pct() ? absl::StrCat(record.computed_change_pct())
                                               : "none";
        }
      }
      EXPECT_LT(page->rows.size(), 1000u);
    }
    return all;
  };
  const auto imported = described(*store_);
  const auto written = described(**other);
  EXPECT_EQ(imported, written);
  int computed = 0;
  for (const auto& [name, value] : imported) computed += value != "none" && name[0] == 't';
  EXPECT_GT(computed, 40) << "too few records with a previous period to compare";
}

}  // namespace
}  // namespace bilateral::domain
