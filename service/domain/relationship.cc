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
  kVisitsOutCount, kVisitsInCount, kTradeCount, kExchangeCount, kObservationCount,
  kOpenFindingCount, kFirstProjectCount  // then one per ProjectStatus
};
enum DossierList : size_t {
  kTopPartnership, kLatestVisitOut, kLatestVisitIn, kLatestTrade, kLatestExchange,
  kLatestObservation, kFirstOpenFindings
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

// A small, strict parser for the filters ListTimelineRequest documents:
//   filter     := group ("AND" group)*
//   group      := primary ("OR" primary)*      (only kind comparisons)
//   primary    := "(" group ")" | comparison
//   comparison := ("kind" "=" KIND) | ("date" OP DATE)
// OR binds tighter than AND, as in AIP-160.
class TimelineFilterParser {
 public:
  explicit TimelineFilterParser(absl::string_view text) : text_(text) {}

  absl::StatusOr<TimelineFilter> Parse() {
    TimelineFilter filter;
    if (text_.size() > query::kMaxFilterLength) {
      return Error(absl::StrCat("longer than ", query::kMaxFilterLength, " bytes"));
    }
    if (auto status = Tokenize(); !status.ok()) return status;
    if (tokens_.empty()) return filter;
    while (true) {
      auto group = ParseGroup(0);
      if (!group.ok()) return group.status();
      if (group->date_op.has_value()) {
        if (auto status = ApplyDate(*group, filter); !status.ok()) return status;
      } else {
        std::set<int> kept;
        for (int kind : group->kinds) {
          if (filter.kinds.count(kind) > 0) kept.insert(kind);
        }
        filter.kinds = std::move(kept);
      }
      if (AtEnd()) return filter;
      if (Peek().text != "AND" || Peek().quoted) {
        return Error(absl::StrCat("expected AND at position ", Peek().position, ", found '",
                                  Shown(Peek().text), "'"));
      }
      ++next_;
    }
  }

 private:
  struct Token {
    std::string text;
    size_t position = 0;  // 1-based byte position
    bool quoted = false;
  };

  // A parsed group: either kinds joined by OR, or one date comparison.
  struct Group {
    std::set<int> kinds;
    std::optional<std::string> date_op;
    Token date;
  };

  static absl::Status Error(absl::string_view why) {
    return InvalidField("filter", why);
  }

  absl::Status Tokenize() {
    size_t i = 0;
    while (i < text_.size()) {
      char c = text_[i];
      if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
        ++i;
        continue;
      }
      Token token;
      token.position = i + 1;
      if (c == '(' || c == ')') {
        token.text = std::string(1, c);
        ++i;
      } else if (c == '<' || c == '>' || c == '=' || c == '!' || c == ':') {
        // `<=`, `>=` and `!=` are one token each.
        bool two = i + 1 < text_.size() && text_[i + 1] == '=' && c != '=' && c != ':';
        size_t length = two ? 2 : 1;
        token.text = std::string(text_.substr(i, length));
        i += length;
      } else if (c == '"') {
        size_t end = text_.find('"', i + 1);
        if (end == absl::string_view::npos) {
          return Error(absl::StrCat("unterminated string at position ", i + 1));
        }
        token.text = std::string(text_.substr(i + 1, end - i - 1));
        token.quoted = true;
        i = end + 1;
      } else if (absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ||
                 c == '.') {
        size_t end = i;
        while (end < text_.size() &&
               (absl::ascii_isalnum(static_cast<unsigned char>(text_[end])) || text_[end] == '_' ||
                text_[end] == '-' || text_[end] == '.')) {
          ++end;
        }
        token.text = std::string(text_.substr(i, end - i));
        i = end;
      } else {
        return Error(absl::StrCat("unexpected character '", std::string(1, c), "' at position ",
                                  i + 1));
      }
      tokens_.push_back(std::move(token));
      if (tokens_.size() > static_cast<size_t>(query::kMaxFilterTerms) * 4) {
        return Error("too many terms");
      }
    }
    return absl::OkStatus();
  }

  bool AtEnd() const { return next_ >= tokens_.size(); }
  const Token& Peek() const { return tokens_[next_]; }

  absl::StatusOr<Token> Take(absl::string_view what) {
    if (AtEnd()) return Error(absl::StrCat("expected ", what, " at the end"));
    return tokens_[next_++];
  }

  absl::StatusOr<Group> ParseGroup(int depth) {
    if (depth > query::kMaxFilterDepth) return Error("nested too deeply");
    auto group = ParsePrimary(depth);
    if (!group.ok()) return group.status();
    while (!AtEnd() && Peek().text == "OR" && !Peek().quoted) {
      size_t position = Peek().position;
      ++next_;
      auto other = ParsePrimary(depth);
      if (!other.ok()) return other.status();
      if (group->date_op.has_value() || other->date_op.has_value()) {
        return Error(absl::StrCat("OR at position ", position,
                                  " may only join kind comparisons; join date "
                                  "comparisons with AND"));
      }
      group->kinds.insert(other->kinds.begin(), other->kinds.end());
    }
    return group;
  }

  absl::StatusOr<Group> ParsePrimary(int depth) {
    auto first = Take("a comparison");
    if (!first.ok()) return first.status();
    if (first->text == "(" && !first->quoted) {
      auto group = ParseGroup(depth + 1);
      if (!group.ok()) return group.status();
      auto close = Take("')'");
      if (!close.ok()) return close.status();
      if (close->text != ")" || close->quoted) {
        return Error(absl::StrCat("expected ')' at position ", close->position, ", found '",
                                  Shown(close->text), "' (parentheses may only hold kinds "
                                  "joined with OR)"));
      }
      return group;
    }
    const Token field = *first;
    if (field.quoted || (field.text != "kind" && field.text != "date")) {
      return Error(absl::StrCat("unknown field '", Shown(field.text), "' at position ",
                                field.position, "; the timeline filters on kind and date"));
    }
    auto op = Take(absl::StrCat("an operator after '", field.text, "'"));
    if (!op.ok()) return op.status();
    static const std::set<std::string, std::less<>> kDateOps = {"=", "<", "<=", ">", ">="};
    auto value = Take(absl::StrCat("a value after '", field.text, " ", op->text, "'"));
    if (!value.ok()) return value.status();
    Group group;
    if (field.text == "kind") {
      if (op->text != "=" || op->quoted) {
        return Error(absl::StrCat("kind accepts only '=' (position ", op->position, ")"));
      }
      absl::string_view name = value->text;
      absl::ConsumePrefix(&name, kKindPrefix);
      v1::TimelineEntryKind kind;
      if (!v1::TimelineEntryKind_Parse(absl::StrCat(kKindPrefix, name), &kind) ||
          kind == v1::TIMELINE_ENTRY_KIND_UNSPECIFIED) {
        return Error(absl::StrCat("unknown kind '", Shown(value->text), "' at position ",
                                  value->position, "; accepted: ", KindNames()));
      }
      group.kinds.insert(kind);
      return group;
    }
    if (op->quoted || kDateOps.count(op->text) == 0) {
      return Error(absl::StrCat("date accepts =, <, <=, >, >=; found '", Shown(op->text),
                                "' at position ", op->position));
    }
    group.date_op = op->text;
    group.date = *value;
    return group;
  }

  static std::string KindNames() {
    std::vector<std::string> names;
    for (int kind : AllKinds()) {
      names.push_back(v1::TimelineEntryKind_Name(kind).substr(kKindPrefix.size()));
    }
    return absl::StrJoin(names, ", ");
  }

  // Narrows the filter's date range by one comparison, with the meaning the
  // List filters give dates: `=` the whole year or month given.
  static absl::Status ApplyDate(const Group& group, TimelineFilter& filter) {
    auto range = query::ParseDateLiteral(group.date.text);
    if (!range.ok()) {
      return Error(absl::StrCat(range.status().message(), " at position ", group.date.position));
    }
    const auto [low, high] = *range;
    const std::string& op = *group.date_op;
    if (op == "=" || op == ">=") filter.min_date = std::max(filter.min_date, low);
    if (op == "=" || op == "<=") filter.max_date = std::min(filter.max_date, high);
    if (op == ">") filter.min_date = std::max(filter.min_date, high + 1);
    if (op == "<") filter.max_date = std::min(filter.max_date, low - 1);
    return absl::OkStatus();
  }

  absl::string_view text_;
  std::vector<Token> tokens_;
  size_t next_ = 0;
};

}  // namespace

std::string CountryPair::name() const {
  return absl::StrCat(kRelationshipPrefix, first, "-", second);
}

absl::StatusOr<CountryPair> ParseRelationshipName(absl::string_view name,
                                                  absl::string_view field) {
  absl::string_view codes = name;
  std::vector<absl::string_view> parts;
  if (absl::ConsumePrefix(&codes, kRelationshipPrefix)) {
    for (absl::string_view part : absl::StrSplit(codes, '-')) parts.push_back(part);
  }
  auto is_code = [](absl::string_view code) {
    return !code.empty() && code.size() <= 3 &&
           std::all_of(code.begin(), code.end(),
                       [](char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)); });
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

absl::StatusOr<v1::Relationship> Relationships::Get(absl::string_view name) const {
  auto pair = ParseRelationshipName(name, "name");
  if (!pair.ok()) return pair.status();

  // Counts and lists in the order of DossierCount and DossierList.
  store::PairQuery query;
  query.pair = PairKey(pair->first, pair->second);
  query.counters = {VisitsList(pair->first, pair->second), VisitsList(pair->second, pair->first),
                    kTradeList, kExchangesList, kObservationsList, kOpenFindingsList};
  std::vector<v1::ProjectStatus> statuses;
  for (int i = 0; i < v1::ProjectStatus_descriptor()->value_count(); ++i) {
    auto status = static_cast<v1::ProjectStatus>(v1::ProjectStatus_descriptor()->value(i)->number());
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
      list(Resource<v1::Finding>::Collection(), kOpenFindingsList, false, false,
           kMaxOpenFindings),
  };
  query.lists[kLatestTrade].highest_rank_only = true;
  query.lists[kLatestExchange].min_rank = 1;  // dated exchanges only
  auto read = store_->ReadPair(query);
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
    absl::string_view parent, int page_size, absl::string_view page_token,
    absl::string_view filter_text) const {
  auto pair = ParseRelationshipName(parent, "parent");
  if (!pair.ok()) return pair.status();
  if (page_size < 0) return InvalidField("page_size", "must not be negative");
  const size_t limit =
      static_cast<size_t>(page_size == 0 ? kDefaultPageSize : std::min(page_size, kMaxPageSize));
  auto filter = TimelineFilterParser(filter_text).Parse();
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
  auto read = store_->ReadTimeline(query);
  if (!read.ok()) return read.status();
  const auto& rows = read->entries;
  for (size_t i = 0; i < rows.size() && i < limit; ++i) {
    auto entry = TimelineEntryOf(*read->collections[i], read->records[i], rows[i].kind,
                                 rows[i].index);
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
