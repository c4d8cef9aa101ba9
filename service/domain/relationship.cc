#include "domain/relationship.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <set>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "domain/fields.h"
#include "domain/pair_views.h"
#include "domain/rows.h"
#include "query/filter.h"
#include "store/hash.h"
#include "store/list_plan.h"

namespace bilateral::domain {
namespace {

constexpr absl::string_view kRelationshipPrefix = "relationships/";
constexpr absl::string_view kKindPrefix = "TIMELINE_ENTRY_KIND_";
constexpr int64_t kLatestExchanges = 3;
constexpr int64_t kLatestObservations = 5;

// Where each count and each list stands in a dossier's store::PairQuery
// (visits "out" are the first country's to the second, "in" the other way).
enum DossierCount : size_t {
  kVisitsOutCount,
  kVisitsInCount,
  kTradeCount,
  kExchangeCount,
  kObservationCount,
  kOpenFindingCount,
  kFirstProjectCount  // then one per ProjectStatus
};
enum DossierList : size_t {
  kTopPartnership,
  kLatestVisitOut,
  kLatestVisitIn,
  kLatestTrade,
  kLatestExchange,
  kLatestObservation,
  kFirstOpenFindings
};

// Every kind of timeline entry, in the order of TimelineEntryKind.
const std::set<int>& AllKinds() {
  static const auto* kinds = [] {
    auto* all = new std::set<int>;
    for (int kind = 1; kind < v1::TimelineEntryKind_ARRAYSIZE; ++kind) {
      if (v1::TimelineEntryKind_IsValid(kind)) all->insert(kind);
    }
    return all;
  }();
  return *kinds;
}

std::string CountryName(absl::string_view alpha2) { return absl::StrCat("countries/", alpha2); }

// The part of a caller's text an error message repeats.
std::string Shown(absl::string_view text) {
  return text.size() > 64 ? absl::StrCat(text.substr(0, 64), "...") : std::string(text);
}

// ----- Timeline

// What a timeline filter selects: a set of kinds and an inclusive range of
// date keys.
struct TimelineFilter {
  std::set<int> kinds = AllKinds();  // every kind when the filter names none
  int64_t min_date = 0;
  int64_t max_date = INT64_MAX;
};

// The filters ListTimelineRequest documents, read from the tree of the
// one filter parser (query::ParseFilter) and held to the timeline's narrower
// grammar, in which every filter is a set of kinds and a date range:
//   filter := group ("AND" group)*        (AND written out)
//   group  := kinds | "(" group ")" | ("date" OP DATE)
//   kinds  := ("kind" "=" KIND) ("OR" ...)*   (only kind comparisons)
class TimelineFilterReader {
 public:
  absl::StatusOr<TimelineFilter> Read(absl::string_view text) {
    auto root = query::ParseFilter(text);
    if (!root.ok()) return QueryError(root.status());
    if (!root->has_value()) return filter_;
    const query::FilterExpr& expression = **root;
    if (expression.type != query::FilterExpr::Type::kAnd || expression.parenthesized) {
      if (auto status = ApplyGroup(expression); !status.ok()) return status;
      return filter_;
    }
    for (size_t i = 0; i < expression.operands.size(); ++i) {
      const query::FilterExpr& group = expression.operands[i];
      if (i > 0 && expression.and_positions[i - 1] == 0) {
        return Error(absl::StrCat("expected AND before the comparison at position ", group.position,
                                  "; join the timeline's comparisons with AND"));
      }
      if (auto status = ApplyGroup(group); !status.ok()) return status;
    }
    return filter_;
  }

 private:
  static absl::Status Error(absl::string_view why) { return InvalidField("filter", why); }

  // Narrows the filter by one group joined to the others with AND.
  absl::Status ApplyGroup(const query::FilterExpr& group) {
    if (group.type == query::FilterExpr::Type::kComparison && group.comparison.field == "date") {
      return ApplyDate(group.comparison);
    }
    std::set<int> kinds;
    if (auto status = CollectKinds(group, kinds); !status.ok()) return status;
    std::set<int> kept;
    for (int kind : kinds) {
      if (filter_.kinds.count(kind) > 0) kept.insert(kind);
    }
    filter_.kinds = std::move(kept);
    return absl::OkStatus();
  }

  // The kinds that `node`, kind comparisons joined with OR, accepts.
  static absl::Status CollectKinds(const query::FilterExpr& node, std::set<int>& kinds) {
    switch (node.type) {
      case query::FilterExpr::Type::kOr:
        for (const auto& operand : node.operands) {
          if (operand.type == query::FilterExpr::Type::kComparison &&
              operand.comparison.field == "date") {
            return Error(absl::StrCat("the date comparison at position ", operand.position,
                                      " is joined with OR, which may only join kind "
                                      "comparisons; join date comparisons with AND"));
          }
          if (auto status = CollectKinds(operand, kinds); !status.ok()) return status;
        }
        return absl::OkStatus();
      case query::FilterExpr::Type::kAnd:
        return Error(absl::StrCat("the parentheses at position ", node.position,
                                  " hold AND; parentheses may only hold kinds joined with OR"));
      case query::FilterExpr::Type::kNot:
        return Error(absl::StrCat("NOT at position ", node.position,
                                  ": the timeline filters on kind and date, without negation"));
      case query::FilterExpr::Type::kComparison:
        return ReadKind(node.comparison, kinds);
    }
    return absl::OkStatus();
  }

  static absl::Status ReadKind(const query::FilterComparison& comparison, std::set<int>& kinds) {
    if (comparison.field != "kind") {
      return Error(absl::StrCat("unknown field '", Shown(comparison.field), "' at position ",
                                comparison.field_position,
                                "; the timeline filters on kind and date"));
    }
    if (comparison.op != query::FilterOp::kEq) {
      return Error(absl::StrCat("kind accepts only '=' (position ", comparison.op_position, ")"));
    }
    absl::string_view name = comparison.value;
    absl::ConsumePrefix(&name, kKindPrefix);
    v1::TimelineEntryKind kind;
    if (!v1::TimelineEntryKind_Parse(absl::StrCat(kKindPrefix, name), &kind) ||
        kind == v1::TIMELINE_ENTRY_KIND_UNSPECIFIED) {
      return Error(absl::StrCat("unknown kind '", Shown(comparison.value), "' at position ",
                                comparison.value_position, "; accepted: ", KindNames()));
    }
    kinds.insert(kind);
    return absl::OkStatus();
  }

  static std::string KindNames() {
    std::vector<std::string> names;
    for (int kind : AllKinds()) {
      names.push_back(v1::TimelineEntryKind_Name(kind).substr(kKindPrefix.size()));
    }
    return absl::StrJoin(names, ", ");
  }

  // Narrows the date range by one comparison, with the meaning the List
  // filters give dates (query::ParseDateLiteral).
  absl::Status ApplyDate(const query::FilterComparison& comparison) {
    using query::FilterOp;
    const FilterOp op = comparison.op;
    if (op == FilterOp::kNe || op == FilterOp::kHas) {
      return Error(absl::StrCat("date accepts =, <, <=, >, >=; found '", comparison.op_text,
                                "' at position ", comparison.op_position));
    }
    auto range = query::ParseDateLiteral(comparison.value);
    if (!range.ok()) {
      return Error(
          absl::StrCat(range.status().message(), " at position ", comparison.value_position));
    }
    const auto [low, high] = *range;
    if (op == FilterOp::kEq || op == FilterOp::kGe)
      filter_.min_date = std::max(filter_.min_date, low);
    if (op == FilterOp::kEq || op == FilterOp::kLe)
      filter_.max_date = std::min(filter_.max_date, high);
    if (op == FilterOp::kGt) filter_.min_date = std::max(filter_.min_date, high + 1);
    if (op == FilterOp::kLt) filter_.max_date = std::min(filter_.max_date, low - 1);
    return absl::OkStatus();
  }

  TimelineFilter filter_;
};

}  // namespace

std::string CountryPair::name() const {
  return absl::StrCat(kRelationshipPrefix, first, "-", second);
}

absl::StatusOr<CountryPair> ParseRelationshipName(absl::string_view name, absl::string_view field) {
  absl::string_view codes = name;
  std::vector<absl::string_view> parts;
  if (absl::ConsumePrefix(&codes, kRelationshipPrefix)) {
    for (absl::string_view part : absl::StrSplit(codes, '-')) parts.push_back(part);
  }
  auto is_code = [](absl::string_view code) {
    return !code.empty() && code.size() <= 3 && std::all_of(code.begin(), code.end(), [](char c) {
      return absl::ascii_isalnum(static_cast<unsigned char>(c));
    });
  };
  if (parts.size() != 2 || !is_code(parts[0]) || !is_code(parts[1])) {
    return InvalidField(field, absl::StrCat("expected 'relationships/{a}-{b}' with two alpha-2, "
                                            "alpha-3 or numeric country codes, e.g. "
                                            "relationships/CN-KZ; got '",
                                            Shown(name), "'"));
  }
  std::string alpha2[2];
  for (int i = 0; i < 2; ++i) {
    const v1::Country* country = Countries().Find(parts[i]);
    if (country == nullptr) {
      return InvalidField(field, absl::StrCat("unknown country code '", parts[i],
                                              "'; use an ISO 3166-1 alpha-2, alpha-3 or "
                                              "numeric code"));
    }
    alpha2[i] = country->alpha2();
  }
  if (alpha2[0] == alpha2[1]) {
    return InvalidField(field, absl::StrCat("names ", alpha2[0],
                                            " twice; a relationship is between two countries"));
  }
  if (alpha2[1] < alpha2[0]) std::swap(alpha2[0], alpha2[1]);
  return CountryPair{alpha2[0], alpha2[1]};
}

absl::StatusOr<v1::Relationship> Relationships::Get(const CallContext& call,
                                                    absl::string_view name) const {
  auto pair = ParseRelationshipName(name, "name");
  if (!pair.ok()) return pair.status();

  // Counts and lists in the order of DossierCount and DossierList.
  store::PairQuery query;
  query.pair = PairKey(pair->first, pair->second);
  query.counters = {VisitsList(pair->first, pair->second),
                    VisitsList(pair->second, pair->first),
                    kTradeList,
                    kExchangesList,
                    kObservationsList,
                    kOpenFindingsList};
  std::vector<v1::ProjectStatus> statuses;
  for (int i = 0; i < v1::ProjectStatus_descriptor()->value_count(); ++i) {
    auto status =
        static_cast<v1::ProjectStatus>(v1::ProjectStatus_descriptor()->value(i)->number());
    statuses.push_back(status);
    query.counters.push_back(ProjectsList(status));
  }
  auto list = [](const store::Collection& collection, std::string name, bool rank_descending,
                 bool record_descending, int64_t limit) {
    store::PairListQuery list;
    list.collection = &collection;
    list.list = std::move(name);
    list.rank_descending = rank_descending;
    list.record_descending = record_descending;
    list.limit = limit;
    return list;
  };
  query.lists = {
      list(Resource<v1::Partnership>::Collection(), kPartnershipsList, true, false, 1),
      list(Resource<v1::Visit>::Collection(), VisitsList(pair->first, pair->second), true, true, 1),
      list(Resource<v1::Visit>::Collection(), VisitsList(pair->second, pair->first), true, true, 1),
      list(Resource<v1::TradeRecord>::Collection(), kTradeList, false, false,
           kMaxLatestTradeRecords),
      list(Resource<v1::Exchange>::Collection(), kExchangesList, true, false, kLatestExchanges),
      list(Resource<v1::Observation>::Collection(), kObservationsList, true, false,
           kLatestObservations),
      list(Resource<v1::Finding>::Collection(), kOpenFindingsList, false, false, kMaxOpenFindings),
  };
  query.lists[kLatestTrade].highest_rank_only = true;
  query.lists[kLatestExchange].min_rank = 1;  // dated exchanges only
  auto read = store_->ReadPair(call, query);
  if (!read.ok()) return read.status();
  const auto& counts = read->counts;
  const auto& lists = read->lists;

  v1::Relationship relationship;
  relationship.set_name(pair->name());
  relationship.add_countries(CountryName(pair->first));
  relationship.add_countries(CountryName(pair->second));

  if (!lists[kTopPartnership].rows.empty()) {
    auto partnership = MessageOf<v1::Partnership>(lists[kTopPartnership].rows[0]);
    if (!partnership.ok()) return partnership.status();
    auto* summary = relationship.mutable_partnership();
    summary->set_partnership(partnership->name());
    if (partnership->has_current_level()) {
      *summary->mutable_current_level() = partnership->current_level();
    }
    summary->set_milestone_count(partnership->milestones_size());
  }

  auto* visits = relationship.mutable_visits();
  visits->set_total_count(static_cast<int32_t>(counts[kVisitsOutCount] + counts[kVisitsInCount]));
  for (const auto& [count, latest, visitor, host] :
       {std::tuple{kVisitsOutCount, kLatestVisitOut, pair->first, pair->second},
        std::tuple{kVisitsInCount, kLatestVisitIn, pair->second, pair->first}}) {
    auto* direction = visits->add_directions();
    direction->set_visitor_country(CountryName(visitor));
    direction->set_host_country(CountryName(host));
    direction->set_count(static_cast<int32_t>(counts[count]));
    if (!lists[latest].rows.empty()) {
      auto status = MessageInto(lists[latest].rows[0], direction->mutable_latest_visit());
      if (!status.ok()) return status;
    }
  }

  auto* trade = relationship.mutable_trade();
  trade->set_record_count(static_cast<int32_t>(counts[kTradeCount]));
  const store::PairListResult& latest_trade = lists[kLatestTrade];
  if (latest_trade.rank > 0 && !latest_trade.rows.empty()) {
    trade->set_latest_record_count(static_cast<int32_t>(latest_trade.rank_count));
    for (const auto& row : latest_trade.rows) {
      auto status = MessageInto(row, trade->add_latest_records());
      if (!status.ok()) return status;
    }
    *trade->mutable_latest_period() = trade->latest_records(0).period();
  }

  auto* infrastructure = relationship.mutable_infrastructure();
  for (size_t i = 0; i < statuses.size(); ++i) {
    const int64_t count = counts[kFirstProjectCount + i];
    if (count <= 0) continue;
    infrastructure->set_total_count(infrastructure->total_count() + static_cast<int32_t>(count));
    auto* entry = infrastructure->add_status_counts();
    entry->set_status(statuses[i]);
    entry->set_count(static_cast<int32_t>(count));
  }

  auto* exchanges = relationship.mutable_exchanges();
  exchanges->set_total_count(static_cast<int32_t>(counts[kExchangeCount]));
  for (const auto& row : lists[kLatestExchange].rows) {
    auto status = MessageInto(row, exchanges->add_latest());
    if (!status.ok()) return status;
  }

  relationship.set_observation_count(static_cast<int32_t>(counts[kObservationCount]));
  for (const auto& row : lists[kLatestObservation].rows) {
    auto status = MessageInto(row, relationship.add_latest_observations());
    if (!status.ok()) return status;
  }

  relationship.set_open_finding_count(static_cast<int32_t>(counts[kOpenFindingCount]));
  for (const auto& row : lists[kFirstOpenFindings].rows) {
    auto status = MessageInto(row, relationship.add_open_findings());
    if (!status.ok()) return status;
  }
  return relationship;
}

absl::StatusOr<ListResult<v1::TimelineEntry>> Relationships::ListTimeline(
    const CallContext& call, absl::string_view parent, int page_size, absl::string_view page_token,
    absl::string_view filter_text) const {
  auto pair = ParseRelationshipName(parent, "parent");
  if (!pair.ok()) return pair.status();
  if (page_size < 0) return InvalidField("page_size", "must not be negative");
  const size_t limit =
      static_cast<size_t>(page_size == 0 ? kDefaultPageSize : std::min(page_size, kMaxPageSize));
  auto filter = TimelineFilterReader().Read(filter_text);
  if (!filter.ok()) return filter.status();

  // A token belongs to one pair and one filter; its keys are the last
  // entry's (date, kind, record), its sequence number the milestone index.
  const uint64_t fingerprint =
      store::Fnv1a(absl::StrCat("timeline\n", pair->name(), "\n", filter_text));
  store::TimelineQuery query;
  query.pair = PairKey(pair->first, pair->second);
  if (!page_token.empty()) {
    auto position = store::DecodePageToken(page_token, fingerprint, 3);
    if (!position.ok()) return QueryError(position.status());
    const auto* date = std::get_if<int64_t>(&position->keys[0]);
    const auto* kind = std::get_if<int64_t>(&position->keys[1]);
    const auto* record = std::get_if<std::string>(&position->keys[2]);
    if (date == nullptr || kind == nullptr || record == nullptr || position->seq < 0 ||
        position->seq > INT32_MAX || *kind < 0 || *kind > INT32_MAX) {
      return InvalidField("page_token", "malformed; pass next_page_token exactly as returned");
    }
    query.after = store::TimelinePosition{*date, *kind, *record, position->seq};
  }

  ListResult<v1::TimelineEntry> page;
  if (filter->kinds.empty() || filter->min_date > filter->max_date) return page;
  if (filter->kinds != AllKinds()) {
    query.kinds.assign(filter->kinds.begin(), filter->kinds.end());
  }
  query.min_date = filter->min_date;
  query.max_date = filter->max_date;
  query.limit = static_cast<int64_t>(limit) + 1;  // one more tells whether a next page exists
  query.collections = TimelineCollections();
  auto read = store_->ReadTimeline(call, query);
  if (!read.ok()) return read.status();
  const auto& rows = read->entries;
  for (size_t i = 0; i < rows.size() && i < limit; ++i) {
    auto entry =
        TimelineEntryOf(*read->collections[i], read->records[i], rows[i].kind, rows[i].index);
    if (!entry.ok()) return entry.status();
    page.items.push_back(*std::move(entry));
  }
  if (rows.size() > limit) {
    const store::TimelineRow& last = rows[limit - 1];
    page.next_page_token =
        store::EncodePageToken(fingerprint, {last.date, last.kind, last.record}, last.index);
  }
  return page;
}

}  // namespace bilateral::domain
