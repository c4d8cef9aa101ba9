// The stored pair views against a recomputation from the records, on
// whichever store test_store.h selects: after random creates, updates,
// deletes and imports of every record type, each pair's dossier and
// timeline (whole, paged and filtered) equal what reading every record of
// the pair and sorting them gives.
#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "domain/fields.h"
#include "domain/pair_views.h"
#include "domain/records.h"
#include "domain/relationship.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
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

// ----- The recomputation: every record of the pair, read and sorted.

template <typename Message>
std::vector<Message> All(store::Store* store) {
  Records<Message> records(store);
  ListParams params;
  params.page_size = kMaxPageSize;
  std::vector<Message> all;
  do {
    auto page = records.List(kCall, params);
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok()) break;
    for (auto& item : page->items) all.push_back(std::move(item));
    params.page_token = page->next_page_token;
  } while (!params.page_token.empty());
  return all;
}

std::string Country(const std::string& alpha2) { return "countries/" + alpha2; }

bool Lists(const google::protobuf::RepeatedPtrField<std::string>& countries,
           const std::string& alpha2) {
  return std::find(countries.begin(), countries.end(), Country(alpha2)) != countries.end();
}

bool Both(const google::protobuf::RepeatedPtrField<std::string>& countries, const CountryPair& p) {
  return Lists(countries, p.first) && Lists(countries, p.second);
}

std::tuple<int, int, int> PeriodOrder(const v1::Period& period) {
  return {period.year(), period.quarter(), period.month()};
}

v1::Date PeriodStart(const v1::Period& period) {
  v1::Date date;
  date.set_year(period.year());
  if (period.month() != 0) {
    date.set_month(period.month());
  } else if (period.quarter() != 0) {
    date.set_month(period.quarter() * 3 - 2);
  }
  return date;
}

v1::Relationship Recompute(store::Store* store, const CountryPair& pair) {
  v1::Relationship relationship;
  relationship.set_name(pair.name());
  relationship.add_countries(Country(pair.first));
  relationship.add_countries(Country(pair.second));

  const v1::Partnership* chosen = nullptr;
  auto partnerships = All<v1::Partnership>(store);
  auto rank = [](const v1::Partnership& p) {
    return std::make_tuple(p.has_current_level(), DateKey(p.current_level().since()));
  };
  for (const auto& partnership : partnerships) {
    if (!Both(partnership.countries(), pair)) continue;
    // The latest level; ties: the first by name.
    if (chosen == nullptr || rank(partnership) > rank(*chosen) ||
        (rank(partnership) == rank(*chosen) && partnership.name() < chosen->name())) {
      chosen = &partnership;
    }
  }
  if (chosen != nullptr) {
    auto* summary = relationship.mutable_partnership();
    summary->set_partnership(chosen->name());
    if (chosen->has_current_level()) *summary->mutable_current_level() = chosen->current_level();
    summary->set_milestone_count(chosen->milestones_size());
  }

  auto visits = All<v1::Visit>(store);
  auto* visit_summary = relationship.mutable_visits();
  for (const auto& [visitor, host] :
       {std::pair{pair.first, pair.second}, {pair.second, pair.first}}) {
    auto* direction = visit_summary->add_directions();
    direction->set_visitor_country(Country(visitor));
    direction->set_host_country(Country(host));
    const v1::Visit* latest = nullptr;
    auto order = [](const v1::Visit& v) {
      return std::make_tuple(DateKey(v.start_date()), v.name());
    };
    for (const auto& visit : visits) {
      if (visit.visitor().country() != Country(visitor) || visit.host_country() != Country(host)) {
        continue;
      }
      direction->set_count(direction->count() + 1);
      visit_summary->set_total_count(visit_summary->total_count() + 1);
      if (latest == nullptr || order(visit) > order(*latest)) latest = &visit;
    }
    if (latest != nullptr) *direction->mutable_latest_visit() = *latest;
  }

  auto* trade = relationship.mutable_trade();
  std::vector<v1::TradeRecord> records;
  for (auto& record : All<v1::TradeRecord>(store)) {
    if ((record.reporter() == Country(pair.first) && record.partner() == Country(pair.second)) ||
        (record.reporter() == Country(pair.second) && record.partner() == Country(pair.first))) {
      records.push_back(std::move(record));
    }
  }
  trade->set_record_count(static_cast<int>(records.size()));
  std::optional<std::tuple<int, int, int>> latest;
  for (const auto& record : records) {
    if (record.period().year() == 0) continue;
    if (!latest.has_value() || PeriodOrder(record.period()) > *latest) {
      latest = PeriodOrder(record.period());
    }
  }
  if (latest.has_value()) {
    std::sort(records.begin(), records.end(),
              [](const auto& a, const auto& b) { return a.name() < b.name(); });
    for (const auto& record : records) {
      if (record.period().year() == 0 || PeriodOrder(record.period()) != *latest) continue;
      *trade->mutable_latest_period() = record.period();
      *trade->add_latest_records() = record;
    }
    trade->set_latest_record_count(trade->latest_records_size());
  }

  std::map<int, int> by_status;
  auto* infrastructure = relationship.mutable_infrastructure();
  for (const auto& project : All<v1::InfrastructureProject>(store)) {
    const auto& partners = project.partner_countries();
    const bool involved =
        (project.host_country() == Country(pair.first) && Lists(partners, pair.second)) ||
        (project.host_country() == Country(pair.second) && Lists(partners, pair.first)) ||
        Both(partners, pair);
    if (!involved) continue;
    infrastructure->set_total_count(infrastructure->total_count() + 1);
    ++by_status[project.status()];
  }
  for (const auto& [status, count] : by_status) {
    auto* entry = infrastructure->add_status_counts();
    entry->set_status(static_cast<v1::ProjectStatus>(status));
    entry->set_count(count);
  }

  std::vector<v1::Exchange> dated;
  auto* exchanges = relationship.mutable_exchanges();
  for (const auto& exchange : All<v1::Exchange>(store)) {
    if (!Both(exchange.countries(), pair)) continue;
    exchanges->set_total_count(exchanges->total_count() + 1);
    if (DateKey(exchange.date()) != 0) dated.push_back(exchange);
  }
  std::sort(dated.begin(), dated.end(), [](const auto& a, const auto& b) {
    int64_t ka = DateKey(a.date()), kb = DateKey(b.date());
    return ka != kb ? ka > kb : a.name() < b.name();
  });
  for (size_t i = 0; i < dated.size() && i < 3; ++i) *exchanges->add_latest() = dated[i];

  std::vector<v1::Observation> observations;
  for (const auto& observation : All<v1::Observation>(store)) {
    if (Both(observation.countries(), pair)) observations.push_back(observation);
  }
  std::sort(observations.begin(), observations.end(), [](const auto& a, const auto& b) {
    auto pa = PeriodOrder(a.period()), pb = PeriodOrder(b.period());
    return pa != pb ? pa > pb : a.name() < b.name();
  });
  relationship.set_observation_count(static_cast<int>(observations.size()));
  for (size_t i = 0; i < observations.size() && i < 5; ++i) {
    *relationship.add_latest_observations() = observations[i];
  }

  // In the order they were first raised.
  std::vector<v1::Finding> findings;
  for (const auto& finding : All<v1::Finding>(store)) {
    if (finding.state() == v1::FINDING_STATE_OPEN && Both(finding.countries(), pair)) {
      findings.push_back(finding);
    }
  }
  std::stable_sort(findings.begin(), findings.end(), [](const auto& a, const auto& b) {
    auto ta = std::make_tuple(a.create_time().seconds(), a.create_time().nanos());
    auto tb = std::make_tuple(b.create_time().seconds(), b.create_time().nanos());
    return ta != tb ? ta < tb : a.name() < b.name();
  });
  relationship.set_open_finding_count(static_cast<int>(findings.size()));
  for (const auto& finding : findings) *relationship.add_open_findings() = finding;
  return relationship;
}

// Every entry of the pair's timeline, in timeline order; summaries are
// compared as the stored entries have them.
std::vector<std::string> RecomputeTimeline(store::Store* store, const CountryPair& pair) {
  std::vector<std::tuple<int64_t, int, std::string, int>> keys;
  for (const auto& visit : All<v1::Visit>(store)) {
    const bool ours = (visit.visitor().country() == Country(pair.first) &&
                       visit.host_country() == Country(pair.second)) ||
                      (visit.visitor().country() == Country(pair.second) &&
                       visit.host_country() == Country(pair.first));
    if (ours) keys.emplace_back(DateKey(visit.start_date()), 1, visit.name(), 0);
  }
  for (const auto& partnership : All<v1::Partnership>(store)) {
    if (!Both(partnership.countries(), pair)) continue;
    for (int i = 0; i < partnership.milestones_size(); ++i) {
      keys.emplace_back(DateKey(partnership.milestones(i).date()), 2, partnership.name(), i);
    }
  }
  for (const auto& record : All<v1::TradeRecord>(store)) {
    const bool ours =
        (record.reporter() == Country(pair.first) && record.partner() == Country(pair.second)) ||
        (record.reporter() == Country(pair.second) && record.partner() == Country(pair.first));
    if (ours && record.period().year() != 0) {
      keys.emplace_back(DateKey(PeriodStart(record.period())), 3, record.name(), 0);
    }
  }
  for (const auto& project : All<v1::InfrastructureProject>(store)) {
    const auto& partners = project.partner_countries();
    const bool involved =
        (project.host_country() == Country(pair.first) && Lists(partners, pair.second)) ||
        (project.host_country() == Country(pair.second) && Lists(partners, pair.first)) ||
        Both(partners, pair);
    if (!involved) continue;
    if (DateKey(project.start_date()) != 0) {
      keys.emplace_back(DateKey(project.start_date()), 4, project.name(), 0);
    }
    if (DateKey(project.completion_date()) != 0) {
      keys.emplace_back(DateKey(project.completion_date()), 5, project.name(), 0);
    }
  }
  for (const auto& exchange : All<v1::Exchange>(store)) {
    if (Both(exchange.countries(), pair) && DateKey(exchange.date()) != 0) {
      keys.emplace_back(DateKey(exchange.date()), 6, exchange.name(), 0);
    }
  }
  for (const auto& observation : All<v1::Observation>(store)) {
    if (Both(observation.countries(), pair)) {
      keys.emplace_back(DateKey(PeriodStart(observation.period())), 7, observation.name(), 0);
    }
  }
  std::sort(keys.begin(), keys.end());
  std::vector<std::string> described;
  for (const auto& [date, kind, record, index] : keys) {
    described.push_back(absl::StrCat(date, " ", kind, " ", record, "#", index));
  }
  return described;
}

std::string Describe(const v1::TimelineEntry& entry) {
  return absl::StrCat(DateKey(entry.date()), " ", static_cast<int>(entry.kind()), " ",
                      entry.record(), "#", entry.milestone_index());
}

// ----- The test

constexpr char kSourceJson[] = R"({"title": "Figures", "publisher": "Statistics office"})";
constexpr char kCitations[] =
    R"("citations": [{"source": "sources/figures", "quote": "as stated"}])";

class RelationshipViewsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = test::OpenTestStore(dir_, "views.db");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    ASSERT_TRUE(server::PrepareStore(*store_).ok());
    ASSERT_TRUE(Records<v1::Source>(store_.get())
                    .Create(kCall, FromJson<v1::Source>(kSourceJson), "figures", "")
                    .ok());
  }

  // Every entry of the stored timeline, `page_size` at a time.
  std::vector<std::string> Walk(const CountryPair& pair, int page_size,
                                const std::string& filter = "") {
    Relationships relationships(store_.get());
    std::vector<std::string> described;
    std::string token;
    for (int pages = 0; pages < 10000; ++pages) {
      auto page = relationships.ListTimeline(kCall, pair.name(), page_size, token, filter);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      EXPECT_LE(page->items.size(), static_cast<size_t>(page_size));
      for (const auto& entry : page->items) described.push_back(Describe(entry));
      token = page->next_page_token;
      if (token.empty()) break;
    }
    return described;
  }

  void ExpectViewsEqualRecomputation(int step) {
    const std::vector<std::string> codes = {"CN", "KZ", "RU", "UZ"};
    for (size_t i = 0; i < codes.size(); ++i) {
      for (size_t j = i + 1; j < codes.size(); ++j) {
        const CountryPair pair{codes[i], codes[j]};
        SCOPED_TRACE(absl::StrCat(pair.name(), " after step ", step));
        auto stored = Relationships(store_.get()).Get(kCall, pair.name());
        ASSERT_TRUE(stored.ok()) << stored.status();
        const v1::Relationship expected = Recompute(store_.get(), pair);
        std::string differences;
        google::protobuf::util::MessageDifferencer differencer;
        differencer.ReportDifferencesToString(&differences);
        EXPECT_TRUE(differencer.Compare(expected, *stored)) << differences;

        const auto timeline = RecomputeTimeline(store_.get(), pair);
        EXPECT_EQ(Walk(pair, 1000), timeline);
        EXPECT_EQ(Walk(pair, 1 + step % 7), timeline);
        std::vector<std::string> trade_since_2015;
        for (const auto& entry : timeline) {
          if (entry.substr(9, 1) == "3" && entry.substr(0, 8) >= "20150000") {
            trade_since_2015.push_back(entry);
          }
        }
        EXPECT_EQ(Walk(pair, 3, "kind = TRADE AND date >= 2015"), trade_since_2015);
      }
    }
  }

  test::TempDir dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(RelationshipViewsTest, StoredViewsEqualARecomputationAfterRandomWrites) {
  std::mt19937 random(20261207);
  auto pick = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
  const std::vector<std::string> codes = {"CN", "KZ", "RU", "UZ"};
  auto two = [&]() {
    int a = pick(4), b = (a + 1 + pick(3)) % 4;
    return std::pair{codes[a], codes[b]};
  };
  // Two countries; with `more`, sometimes three.
  auto countries = [&](bool more = false) {
    auto [a, b] = two();
    std::string list = absl::StrCat("\"", a, "\", \"", b, "\"");
    if (more && pick(3) == 0) {
      for (const auto& c : codes) {
        if (c != a && c != b) {
          absl::StrAppend(&list, ", \"", c, "\"");
          break;
        }
      }
    }
    return list;
  };
  Records<v1::Visit> visits(store_.get());
  Records<v1::Partnership> partnerships(store_.get());
  Records<v1::TradeRecord> trade(store_.get());
  Records<v1::InfrastructureProject> projects(store_.get());
  Records<v1::Exchange> exchanges(store_.get());
  Records<v1::Observation> observations(store_.get());
  std::map<std::string, std::vector<std::string>> names;  // by collection

  auto remember = [&](const std::string& name) {
    names[name.substr(0, name.find('/'))].push_back(name);
  };
  auto any = [&](const std::string& collection) -> std::string {
    auto& list = names[collection];
    return list.empty() ? std::string() : list[pick(static_cast<int>(list.size()))];
  };
  auto forget = [&](const std::string& name) {
    auto& list = names[name.substr(0, name.find('/'))];
    list.erase(std::find(list.begin(), list.end(), name));
  };
  auto trade_record = [&]() {
    auto [reporter, partner] = two();
    std::string period = absl::StrCat(R"({"year": )", 2010 + pick(10));
    if (pick(3) == 0) absl::StrAppend(&period, R"(, "quarter": )", 1 + pick(4));
    if (pick(4) == 0) absl::StrAppend(&period, R"(, "month": )", 1 + pick(12));
    if (period.find("quarter") != std::string::npos && period.find("month") != std::string::npos) {
      period = period.substr(0, period.find(", \"month\""));
    }
    absl::StrAppend(&period, "}");
    return FromJson<v1::TradeRecord>(absl::StrCat(
        R"({"reporter": ")", reporter, R"(", "partner": ")", partner, R"(", "flow": ")",
        pick(2) == 0 ? "TRADE_FLOW_EXPORT" : "TRADE_FLOW_TOTAL", R"(", )",
        pick(6) == 0 ? "" : absl::StrCat(R"("period": )", period, ", "),
        R"("commodity": {"hsCode": ")", 10 + pick(3), R"("}, )",
        R"("value": {"currencyCode": "USD", "units": ")", 1000 + pick(1000), R"("}, )",
        pick(3) == 0 ? absl::StrCat(R"("reportedChangePct": )", pick(40) - 10, ", ") : "",
        kCitations, "}"));
  };

  for (int step = 0; step < 160; ++step) {
    const int action = pick(14);
    if (action == 0) {
      auto [visitor, host] = two();
      auto visit = FromJson<v1::Visit>(absl::StrCat(
          R"({"visitor": {"name": ")", pick(2) == 0 ? "Xi Jinping" : "Kassym-Jomart Tokayev",
          R"(", "country": ")", visitor, R"("}, "hostCountry": ")", host,
          R"(", "kind": "VISIT_KIND_STATE", "occasions": ["talks"], "startDate": {"year": )",
          2010 + pick(10), pick(2) == 0 ? "" : absl::StrCat(R"(, "month": )", 1 + pick(12)),
          R"(}, "reportedOrdinal": )", pick(3), ", ", kCitations, "}"));
      auto created = visits.Create(kCall, visit, "", "");
      ASSERT_TRUE(created.ok()) << created.status();
      remember(created->name());
    } else if (action == 1 && !any("visits").empty()) {
      auto visit = visits.Get(kCall, any("visits"));
      ASSERT_TRUE(visit.ok()) << visit.status();
      visit->mutable_start_date()->set_year(2010 + pick(10));
      if (pick(2) == 0)
        visit->set_host_country(visit->visitor().country() == "countries/KZ" ? "countries/UZ"
                                                                             : "countries/KZ");
      visit->set_etag("");
      ASSERT_TRUE(visits.Update(kCall, *visit, nullptr).ok());
    } else if (action == 2 && !any("visits").empty()) {
      const std::string name = any("visits");
      ASSERT_TRUE(visits.Delete(kCall, name, "").ok());
      forget(name);
    } else if (action == 3) {
      auto partnership = FromJson<v1::Partnership>(absl::StrCat(
          R"({"countries": [)", countries(), R"(], "milestones": [)", R"({"date": {"year": )",
          2000 + pick(10), R"(}, "kind": "MILESTONE_KIND_ELEVATION", )",
          R"("label": "Strategic Partnership", "tier": "PARTNERSHIP_TIER_STRATEGIC"})",
          pick(2) == 0 ? absl::StrCat(R"(, {"date": {"year": )", 2011 + pick(10),
                                      R"(}, "kind": "MILESTONE_KIND_DECLARATION", )",
                                      R"("label": "Joint declaration"})")
                       : "",
          "], ", kCitations, "}"));
      auto created = partnerships.Create(kCall, partnership, "", "");
      ASSERT_TRUE(created.ok()) << created.status();
      remember(created->name());
    } else if (action == 4 && !any("partnerships").empty()) {
      const std::string name = any("partnerships");
      if (pick(2) == 0) {
        ASSERT_TRUE(partnerships.Delete(kCall, name, "").ok());
        forget(name);
      } else {
        auto partnership = partnerships.Get(kCall, name);
        ASSERT_TRUE(partnership.ok());
        // A declaration: the timeline changes, the current level does not.
        auto* milestone = partnership->add_milestones();
        *milestone = partnership->milestones(0);
        milestone->set_kind(v1::MILESTONE_KIND_DECLARATION);
        milestone->set_label("Joint statement");
        milestone->mutable_date()->set_year(2005 + pick(15));
        partnership->set_etag("");
        ASSERT_TRUE(partnerships.Update(kCall, *partnership, nullptr).ok());
      }
    } else if (action <= 6) {
      auto created = trade.Create(kCall, trade_record(), "", "");
      if (absl::IsAlreadyExists(created.status())) continue;
      ASSERT_TRUE(created.ok()) << created.status();
      remember(created->name());
    } else if (action == 7 && !any("tradeRecords").empty()) {
      const std::string name = any("tradeRecords");
      if (pick(2) == 0) {
        ASSERT_TRUE(trade.Delete(kCall, name, "").ok());
        forget(name);
      } else {
        auto record = trade.Get(kCall, name);
        ASSERT_TRUE(record.ok());
        record->mutable_value()->set_units(1000 + pick(1000));
        if (pick(2) == 0) record->mutable_period()->set_year(2010 + pick(10));
        record->set_etag("");
        auto updated = trade.Update(kCall, *record, nullptr);
        ASSERT_TRUE(updated.ok() || absl::IsAlreadyExists(updated.status())) << updated.status();
      }
    } else if (action == 8) {
      google::protobuf::RepeatedPtrField<v1::TradeRecord> chunk;
      for (int i = 0, n = 1 + pick(30); i < n; ++i) {
        auto* record = chunk.Add();
        *record = trade_record();
        record->set_name(absl::StrCat("tradeRecords/imported-", step, "-", i));
      }
      auto results = trade.Import(kCall, chunk, /*use_names=*/true);
      ASSERT_TRUE(results.ok()) << results.status();
      for (int i = 0; i < chunk.size(); ++i) {
        if ((*results)[i].status.ok()) remember(chunk[i].name());
      }
    } else if (action == 9) {
      auto [host, partner] = two();
      const char* statuses[] = {"PROJECT_STATUS_PLANNED", "PROJECT_STATUS_UNDER_CONSTRUCTION",
                                "PROJECT_STATUS_OPERATIONAL"};
      auto project = FromJson<v1::InfrastructureProject>(absl::StrCat(
          R"({"displayName": "Project )", step, R"(", )",
          pick(3) == 0 ? "" : absl::StrCat(R"("hostCountry": ")", host, R"(", )"),
          R"("partnerCountries": [)",
          pick(3) == 0 ? countries(true) : absl::StrCat("\"", partner, "\""), R"(], "status": ")",
          statuses[pick(3)], R"(", )",
          pick(2) == 0 ? absl::StrCat(R"("startDate": {"year": )", 2012 + pick(8), "}, ") : "",
          pick(2) == 0 ? absl::StrCat(R"("completionDate": {"year": )", 2020 + pick(8), "}, ") : "",
          kCitations, "}"));
      auto created = projects.Create(kCall, project, "", "");
      if (absl::IsInvalidArgument(created.status())) continue;  // fewer than two countries
      ASSERT_TRUE(created.ok()) << created.status();
      remember(created->name());
    } else if (action == 10 && !any("infrastructureProjects").empty()) {
      const std::string name = any("infrastructureProjects");
      if (pick(2) == 0) {
        ASSERT_TRUE(projects.Delete(kCall, name, "").ok());
        forget(name);
      } else {
        auto project = projects.Get(kCall, name);
        ASSERT_TRUE(project.ok());
        project->set_status(v1::PROJECT_STATUS_OPERATIONAL);
        project->mutable_completion_date()->set_year(2021 + pick(5));
        project->set_etag("");
        ASSERT_TRUE(projects.Update(kCall, *project, nullptr).ok());
      }
    } else if (action == 11) {
      auto exchange = FromJson<v1::Exchange>(absl::StrCat(
          R"({"countries": [)", countries(), R"(], "title": "Exchange )", step, R"(", )",
          pick(3) == 0 ? "" : absl::StrCat(R"("date": {"year": )", 2015 + pick(5), "}, "),
          kCitations, "}"));
      auto created = exchanges.Create(kCall, exchange, "", "");
      ASSERT_TRUE(created.ok()) << created.status();
      remember(created->name());
    } else if (action == 12 && !any("exchanges").empty()) {
      const std::string name = any("exchanges");
      if (pick(2) == 0) {
        ASSERT_TRUE(exchanges.Delete(kCall, name, "").ok());
        forget(name);
      } else {
        auto exchange = exchanges.Get(kCall, name);
        ASSERT_TRUE(exchange.ok());
        exchange->mutable_date()->set_year(2015 + pick(5));
        exchange->set_etag("");
        ASSERT_TRUE(exchanges.Update(kCall, *exchange, nullptr).ok());
      }
    } else if (action == 13) {
      if (!any("observations").empty() && pick(3) == 0) {
        const std::string name = any("observations");
        ASSERT_TRUE(observations.Delete(kCall, name, "").ok());
        forget(name);
        continue;
      }
      auto observation = FromJson<v1::Observation>(
          absl::StrCat(R"({"metric": "cross_border_trips", "countries": [)", countries(),
                       R"(], "period": {"year": )", 2015 + pick(6),
                       pick(2) == 0 ? absl::StrCat(R"(, "quarter": )", 1 + pick(4)) : "",
                       R"(}, "value": )", pick(1000), ", ", kCitations, "}"));
      auto created = observations.Create(kCall, observation, "", "");
      ASSERT_TRUE(created.ok()) << created.status();
      remember(created->name());
    }
    if (step % 40 == 39) ExpectViewsEqualRecomputation(step);
  }
  // The views were rebuilt from nothing, as a migration does: the same.
  ASSERT_TRUE(store_->RebuildPairViews(PairViewCollections()).ok());
  ExpectViewsEqualRecomputation(160);
}

}  // namespace
}  // namespace bilateral::domain
