#include "domain/pair_views.h"

#include <algorithm>
#include <optional>
#include <set>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "bilateral/format.h"
#include "bilateral/v1/relationship.pb.h"
#include "domain/fields.h"
#include "domain/rows.h"

namespace bilateral::domain {
namespace {

using google::protobuf::RepeatedPtrField;

std::string Alpha2(absl::string_view country) {
  absl::ConsumePrefix(&country, "countries/");
  return std::string(country);
}

// The pairs among a list of countries: every two of them.
std::set<std::string> PairsAmong(const RepeatedPtrField<std::string>& countries) {
  std::set<std::string> pairs;
  for (int i = 0; i < countries.size(); ++i) {
    for (int j = i + 1; j < countries.size(); ++j) {
      if (Alpha2(countries[i]) != Alpha2(countries[j])) {
        pairs.insert(PairKey(countries[i], countries[j]));
      }
    }
  }
  return pairs;
}

bool HasPeriod(const v1::Period& period) { return period.year() != 0; }

// A period's first day as far as the period tells it: a quarter starts in
// its first month; a year is the year alone.
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

// The resource name of the record a row stores.
template <typename Message>
std::string RecordName(const store::Row& row) {
  return absl::StrCat(Resource<Message>::Collection().name, "/", row.id);
}

// Adds an entry of `kind` to the timeline of each of `pairs`.
v1::TimelineEntry& AddEntry(std::vector<v1::TimelineEntry>& entries, v1::TimelineEntryKind kind,
                            const v1::Date& date, const std::string& record,
                            const RepeatedPtrField<v1::Citation>& citations) {
  auto& entry = entries.emplace_back();
  entry.set_kind(kind);
  *entry.mutable_date() = date;
  entry.set_record(record);
  *entry.mutable_citations() = citations;
  return entry;
}

// The rows for `entries` and `members` in each of `pairs`.
store::PairViewRows InPairs(const std::set<std::string>& pairs,
                            const std::vector<v1::TimelineEntry>& entries,
                            const std::vector<store::PairMember>& members) {
  store::PairViewRows rows;
  for (const auto& pair : pairs) {
    for (const auto& entry : entries) {
      store::TimelineRow& row = rows.timeline.emplace_back();
      row.pair = pair;
      row.date = DateKey(entry.date());
      row.kind = entry.kind();
      row.record = entry.record();
      row.index = entry.milestone_index();
    }
    for (auto member : members) {
      member.pair = pair;
      rows.members.push_back(std::move(member));
    }
  }
  return rows;
}

store::PairMember Member(std::string list, int64_t rank, bool count_by_rank = false) {
  store::PairMember member;
  member.list = std::move(list);
  member.rank = rank;
  member.count_by_rank = count_by_rank;
  return member;
}

// ----- What each record type gives

std::string VisitSummaryText(const v1::Visit& visit) {
  std::string text = absl::StrCat(visit.visitor().name(), " (", Alpha2(visit.visitor().country()),
                                  ") visits ", Alpha2(visit.host_country()));
  if (visit.kind() != v1::VISIT_KIND_UNSPECIFIED) {
    std::string kind = absl::AsciiStrToLower(
        v1::VisitKind_Name(visit.kind()).substr(absl::string_view("VISIT_KIND_").size()));
    absl::StrAppend(&text, ", ", kind, kind == "summit" ? "" : " visit");
  }
  if (!visit.occasions().empty()) absl::StrAppend(&text, ": ", visit.occasions(0));
  return text;
}

std::string MilestoneSummaryText(const v1::Milestone& milestone) {
  switch (milestone.kind()) {
    case v1::MILESTONE_KIND_ELEVATION:
      return absl::StrCat("Relationship raised to ", milestone.label());
    case v1::MILESTONE_KIND_DECLARATION:
      return absl::StrCat("Declaration: ", milestone.label());
    default:
      return milestone.label();
  }
}

std::string TradeSummaryText(const v1::TradeRecord& record) {
  std::string reporter = Alpha2(record.reporter());
  std::string partner = Alpha2(record.partner());
  std::string flow;
  switch (record.flow()) {
    case v1::TRADE_FLOW_EXPORT:
      flow = absl::StrCat("exports to ", partner);
      break;
    case v1::TRADE_FLOW_IMPORT:
      flow = absl::StrCat("imports from ", partner);
      break;
    default:
      flow = absl::StrCat("total trade with ", partner);
      break;
  }
  std::string text = absl::StrCat(reporter, " ", flow);
  if (!record.commodity().label().empty()) {
    absl::StrAppend(&text, " (", record.commodity().label(), ")");
  }
  absl::StrAppend(&text, ", ", PeriodText(record.period()));
  if (record.has_value()) absl::StrAppend(&text, ": ", MoneyText(record.value()));
  if (record.has_reported_change_pct()) {
    absl::StrAppend(&text, ", ", PercentText(record.reported_change_pct()), " stated");
  }
  return text;
}

std::string ObservationSummaryText(const v1::Observation& observation) {
  std::string text = absl::StrCat(observation.metric(), ", ", PeriodText(observation.period()));
  if (observation.projection()) absl::StrAppend(&text, " (projection)");
  if (observation.has_value()) {
    absl::StrAppend(&text, ": ", DecimalText(observation.value()));
    if (!observation.unit().empty()) absl::StrAppend(&text, " ", observation.unit());
  }
  return text;
}

std::vector<v1::TimelineEntry> Entries(const v1::Visit& visit, const std::string& record) {
  std::vector<v1::TimelineEntry> entries;
  AddEntry(entries, v1::TIMELINE_ENTRY_KIND_VISIT, visit.start_date(), record, visit.citations())
      .set_summary(VisitSummaryText(visit));
  return entries;
}

store::PairViewRows ViewsOf(const v1::Visit& visit, const store::Row& row) {
  const std::string visitor = Alpha2(visit.visitor().country());
  const std::string host = Alpha2(visit.host_country());
  return InPairs({PairKey(visitor, host)}, Entries(visit, RecordName<v1::Visit>(row)),
                 {Member(VisitsList(visitor, host), DateKey(visit.start_date()))});
}

std::vector<v1::TimelineEntry> Entries(const v1::Partnership& partnership,
                                       const std::string& record) {
  std::vector<v1::TimelineEntry> entries;
  for (int i = 0; i < partnership.milestones_size(); ++i) {
    const auto& milestone = partnership.milestones(i);
    auto& entry = AddEntry(entries, v1::TIMELINE_ENTRY_KIND_PARTNERSHIP_MILESTONE, milestone.date(),
                           record, milestone.citations());
    entry.set_milestone_index(i);
    entry.set_summary(MilestoneSummaryText(milestone));
  }
  return entries;
}

store::PairViewRows ViewsOf(const v1::Partnership& partnership, const store::Row& row) {
  // With a level before without, then the latest level first.
  const int64_t rank = partnership.has_current_level()
                           ? 100000000 + DateKey(partnership.current_level().since())
                           : 0;
  return InPairs(PairsAmong(partnership.countries()),
                 Entries(partnership, RecordName<v1::Partnership>(row)),
                 {Member(kPartnershipsList, rank)});
}

std::vector<v1::TimelineEntry> Entries(const v1::TradeRecord& record, const std::string& name) {
  std::vector<v1::TimelineEntry> entries;
  if (HasPeriod(record.period())) {
    auto& entry = AddEntry(entries, v1::TIMELINE_ENTRY_KIND_TRADE, PeriodStart(record.period()),
                           name, record.citations());
    *entry.mutable_period() = record.period();
    entry.set_summary(TradeSummaryText(record));
  }
  return entries;
}

store::PairViewRows ViewsOf(const v1::TradeRecord& record, const store::Row& row) {
  return InPairs({PairKey(record.reporter(), record.partner())},
                 Entries(record, RecordName<v1::TradeRecord>(row)),
                 {Member(kTradeList, PeriodRank(record.period()), /*count_by_rank=*/true)});
}

std::vector<v1::TimelineEntry> Entries(const v1::InfrastructureProject& project,
                                       const std::string& record) {
  std::vector<v1::TimelineEntry> entries;
  if (DateKey(project.start_date()) != 0) {
    AddEntry(entries, v1::TIMELINE_ENTRY_KIND_INFRASTRUCTURE_START, project.start_date(), record,
             project.citations())
        .set_summary(absl::StrCat("Work starts on ", project.display_name()));
  }
  if (DateKey(project.completion_date()) != 0) {
    AddEntry(entries, v1::TIMELINE_ENTRY_KIND_INFRASTRUCTURE_COMPLETION, project.completion_date(),
             record, project.citations())
        .set_summary(absl::StrCat(project.display_name(), " completed"));
  }
  return entries;
}

store::PairViewRows ViewsOf(const v1::InfrastructureProject& project, const store::Row& row) {
  std::set<std::string> pairs = PairsAmong(project.partner_countries());
  if (!project.host_country().empty()) {
    for (const auto& partner : project.partner_countries()) {
      if (Alpha2(partner) != Alpha2(project.host_country())) {
        pairs.insert(PairKey(project.host_country(), partner));
      }
    }
  }
  return InPairs(pairs, Entries(project, RecordName<v1::InfrastructureProject>(row)),
                 {Member(ProjectsList(project.status()), 0)});
}

std::vector<v1::TimelineEntry> Entries(const v1::Exchange& exchange, const std::string& record) {
  std::vector<v1::TimelineEntry> entries;
  if (DateKey(exchange.date()) != 0) {
    AddEntry(entries, v1::TIMELINE_ENTRY_KIND_EXCHANGE, exchange.date(), record,
             exchange.citations())
        .set_summary(exchange.title());
  }
  return entries;
}

store::PairViewRows ViewsOf(const v1::Exchange& exchange, const store::Row& row) {
  return InPairs(PairsAmong(exchange.countries()), Entries(exchange, RecordName<v1::Exchange>(row)),
                 {Member(kExchangesList, DateKey(exchange.date()))});
}

std::vector<v1::TimelineEntry> Entries(const v1::Observation& observation,
                                       const std::string& record) {
  std::vector<v1::TimelineEntry> entries;
  auto& entry = AddEntry(entries, v1::TIMELINE_ENTRY_KIND_OBSERVATION,
                         PeriodStart(observation.period()), record, observation.citations());
  *entry.mutable_period() = observation.period();
  entry.set_summary(ObservationSummaryText(observation));
  return entries;
}

store::PairViewRows ViewsOf(const v1::Observation& observation, const store::Row& row) {
  return InPairs(PairsAmong(observation.countries()),
                 Entries(observation, RecordName<v1::Observation>(row)),
                 {Member(kObservationsList, PeriodRank(observation.period()))});
}

store::PairViewRows ViewsOf(const v1::Finding& finding, const store::Row& row) {
  if (finding.state() != v1::FINDING_STATE_OPEN) return {};
  return InPairs(PairsAmong(finding.countries()), {},
                 {Member(kOpenFindingsList, row.create_time_us)});
}

// Calls `f` with a TypeTag of each record type that has timeline entries:
// every record type but sources.
template <typename F>
void ForEachTimelineType(F&& f) {
  ForEachRecordType([&f](auto tag) {
    if constexpr (!std::is_same_v<typename decltype(tag)::type, v1::Source>) f(tag);
  });
}

// The entry of `kind` and `index` that `row`, a record of type `Message`,
// gives its timelines.
template <typename Message>
absl::StatusOr<v1::TimelineEntry> EntryOf(const store::Row& row, int64_t kind, int64_t index) {
  auto message = PayloadOf<Message>(row);
  if (!message.ok()) return message.status();
  const std::string record = RecordName<Message>(row);
  for (auto& entry : Entries(*message, record)) {
    if (entry.kind() == kind && entry.milestone_index() == index) return std::move(entry);
  }
  return absl::InternalError(
      absl::StrCat("the timeline holds an entry of ", record, " that the record no longer gives"));
}

}  // namespace

std::vector<const store::Collection*> TimelineCollections() {
  std::vector<const store::Collection*> collections;
  ForEachTimelineType([&](auto tag) {
    collections.push_back(&Resource<typename decltype(tag)::type>::Collection());
  });
  return collections;
}

std::vector<const store::Collection*> PairViewCollections() {
  auto collections = TimelineCollections();
  collections.push_back(&Resource<v1::Finding>::Collection());
  return collections;
}

absl::StatusOr<v1::TimelineEntry> TimelineEntryOf(const store::Collection& collection,
                                                  const store::Row& row, int64_t kind,
                                                  int64_t index) {
  std::optional<absl::StatusOr<v1::TimelineEntry>> entry;
  ForEachTimelineType([&](auto tag) {
    using Message = typename decltype(tag)::type;
    if (&collection == &Resource<Message>::Collection()) entry = EntryOf<Message>(row, kind, index);
  });
  if (!entry.has_value()) {
    return absl::InternalError(absl::StrCat("no timeline entries in ", collection.name));
  }
  return *std::move(entry);
}

std::string PairKey(absl::string_view country_a, absl::string_view country_b) {
  std::string a = Alpha2(country_a), b = Alpha2(country_b);
  if (b < a) std::swap(a, b);
  return absl::StrCat(a, "-", b);
}

std::string VisitsList(absl::string_view visitor, absl::string_view host) {
  return absl::StrCat("visits ", Alpha2(visitor), ">", Alpha2(host));
}

std::string ProjectsList(v1::ProjectStatus status) {
  return absl::StrCat("projects ", v1::ProjectStatus_Name(status));
}

int64_t PeriodRank(const v1::Period& period) {
  return int64_t{period.year()} * 10000 + period.quarter() * 100 + period.month();
}

template <typename Message>
store::PairViewsOf PairViewsFor() {
  return [](const store::Row& row) -> absl::StatusOr<store::PairViewRows> {
    auto message = PayloadOf<Message>(row);
    if (!message.ok()) return message.status();
    return ViewsOf(*message, row);
  };
}

template store::PairViewsOf PairViewsFor<v1::Visit>();
template store::PairViewsOf PairViewsFor<v1::Partnership>();
template store::PairViewsOf PairViewsFor<v1::TradeRecord>();
template store::PairViewsOf PairViewsFor<v1::InfrastructureProject>();
template store::PairViewsOf PairViewsFor<v1::Exchange>();
template store::PairViewsOf PairViewsFor<v1::Observation>();
template store::PairViewsOf PairViewsFor<v1::Finding>();

}  // namespace bilateral::domain
