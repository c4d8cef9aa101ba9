#include "domain/relationship.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <map>
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
#include "bilateral/format.h"
#include "domain/fields.h"
#include "query/filter.h"
#include "store/hash.h"
#include "store/list_plan.h"

namespace bilateral::domain {
namespace {

constexpr absl::string_view kRelationshipPrefix = "relationships/";
constexpr absl::string_view kKindPrefix = "TIMELINE_ENTRY_KIND_";
constexpr size_t kLatestExchanges = 3;
constexpr size_t kLatestObservations = 5;

std::string CountryName(absl::string_view alpha2) { return absl::StrCat("countries/", alpha2); }

// The part of a caller's text an error message repeats.
std::string Shown(absl::string_view text) {
  return text.size() > 64 ? absl::StrCat(text.substr(0, 64), "...") : std::string(text);
}

// Reads every record of type `Message` that `filter` selects, a full page
// at a time, in the order they were stored.
template <typename Message>
absl::StatusOr<std::vector<Message>> ListAll(store::Store* store, std::string filter) {
  Records<Message> records(store);
  ListParams params;
  params.page_size = kMaxPageSize;
  params.filter = std::move(filter);
  std::vector<Message> all;
  do {
    auto page = records.List(params);
    if (!page.ok()) return page.status();
    for (auto& item : page->items) all.push_back(std::move(item));
    params.page_token = std::move(page->next_page_token);
  } while (!params.page_token.empty());
  return all;
}

// `field = "countries/XX"`, and `field:"countries/XX"` for a list of
// countries: the forms every country filter accepts.
std::string Is(absl::string_view field, absl::string_view alpha2) {
  return absl::StrCat(field, " = \"", CountryName(alpha2), "\"");
}
std::string Has(absl::string_view field, absl::string_view alpha2) {
  return absl::StrCat(field, ":\"", CountryName(alpha2), "\"");
}

// Records about the pair, one filter per collection.
std::string VisitsFilter(const CountryPair& pair) {
  return absl::StrCat("(", Is("visitor.country", pair.first), " AND ",
                      Is("host_country", pair.second), ") OR (",
                      Is("visitor.country", pair.second), " AND ",
                      Is("host_country", pair.first), ")");
}
std::string TradeFilter(const CountryPair& pair) {
  return absl::StrCat("(", Is("reporter", pair.first), " AND ", Is("partner", pair.second),
                      ") OR (", Is("reporter", pair.second), " AND ",
                      Is("partner", pair.first), ")");
}
// A project stands in one country with the other among its partners, or
// lists both among its partners (one that spans several countries).
std::string ProjectsFilter(const CountryPair& pair) {
  return absl::StrCat("(", Is("host_country", pair.first), " AND ",
                      Has("partner_countries", pair.second), ") OR (",
                      Is("host_country", pair.second), " AND ",
                      Has("partner_countries", pair.first), ") OR (",
                      Has("partner_countries", pair.first), " AND ",
                      Has("partner_countries", pair.second), ")");
}
// Partnerships, exchanges, observations and findings list their countries.
std::string BothListed(const CountryPair& pair) {
  return absl::StrCat(Has("countries", pair.first), " AND ", Has("countries", pair.second));
}

// Periods in the order ListTradeRecords documents: year, quarter, month.
std::tuple<int, int, int> PeriodOrder(const v1::Period& period) {
  return {period.year(), period.quarter(), period.month()};
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

std::string Alpha2(absl::string_view country) {
  absl::ConsumePrefix(&country, "countries/");
  return std::string(country);
}

// ----- Dossier

v1::PartnershipSummary SummarisePartnerships(const std::vector<v1::Partnership>& partnerships) {
  const v1::Partnership* chosen = nullptr;
  for (const auto& partnership : partnerships) {
    // The latest level wins; a partnership with a level beats one without.
    auto rank = [](const v1::Partnership& p) {
      return std::make_tuple(p.has_current_level(), DateKey(p.current_level().since()));
    };
    if (chosen == nullptr || rank(partnership) > rank(*chosen)) chosen = &partnership;
  }
  v1::PartnershipSummary summary;
  if (chosen == nullptr) return summary;
  summary.set_partnership(chosen->name());
  if (chosen->has_current_level()) *summary.mutable_current_level() = chosen->current_level();
  summary.set_milestone_count(chosen->milestones_size());
  return summary;
}

v1::VisitSummary SummariseVisits(const CountryPair& pair, std::vector<v1::Visit> visits) {
  v1::VisitSummary summary;
  summary.set_total_count(static_cast<int>(visits.size()));
  for (const auto& [visitor, host] :
       {std::pair{pair.first, pair.second}, {pair.second, pair.first}}) {
    auto* direction = summary.add_directions();
    direction->set_visitor_country(CountryName(visitor));
    direction->set_host_country(CountryName(host));
    const v1::Visit* latest = nullptr;
    auto order = [](const v1::Visit& v) {
      return std::make_tuple(DateKey(v.start_date()), v.name());
    };
    for (const auto& visit : visits) {
      if (visit.visitor().country() != direction->visitor_country()) continue;
      direction->set_count(direction->count() + 1);
      if (latest == nullptr || order(visit) > order(*latest)) latest = &visit;
    }
    if (latest != nullptr) *direction->mutable_latest_visit() = *latest;
  }
  return summary;
}

v1::TradeSummary SummariseTrade(std::vector<v1::TradeRecord> records) {
  v1::TradeSummary summary;
  summary.set_record_count(static_cast<int>(records.size()));
  const v1::TradeRecord* latest = nullptr;
  for (const auto& record : records) {
    if (!HasPeriod(record.period())) continue;
    if (latest == nullptr || PeriodOrder(record.period()) > PeriodOrder(latest->period())) {
      latest = &record;
    }
  }
  if (latest == nullptr) return summary;
  *summary.mutable_latest_period() = latest->period();
  auto period = PeriodOrder(latest->period());
  std::vector<v1::TradeRecord*> chosen;
  for (auto& record : records) {
    if (HasPeriod(record.period()) && PeriodOrder(record.period()) == period) {
      chosen.push_back(&record);
    }
  }
  std::sort(chosen.begin(), chosen.end(),
            [](const v1::TradeRecord* a, const v1::TradeRecord* b) {
              return a->name() < b->name();
            });
  for (auto* record : chosen) *summary.add_latest_records() = std::move(*record);
  return summary;
}

v1::InfrastructureSummary SummariseProjects(
    const std::vector<v1::InfrastructureProject>& projects) {
  v1::InfrastructureSummary summary;
  summary.set_total_count(static_cast<int>(projects.size()));
  std::map<int, int> by_status;
  for (const auto& project : projects) ++by_status[project.status()];
  for (const auto& [status, count] : by_status) {
    auto* entry = summary.add_status_counts();
    entry->set_status(static_cast<v1::ProjectStatus>(status));
    entry->set_count(count);
  }
  return summary;
}

v1::ExchangeSummary SummariseExchanges(std::vector<v1::Exchange> exchanges) {
  v1::ExchangeSummary summary;
  summary.set_total_count(static_cast<int>(exchanges.size()));
  std::vector<v1::Exchange*> dated;
  for (auto& exchange : exchanges) {
    if (DateKey(exchange.date()) != 0) dated.push_back(&exchange);
  }
  std::sort(dated.begin(), dated.end(), [](const v1::Exchange* a, const v1::Exchange* b) {
    int64_t ka = DateKey(a->date()), kb = DateKey(b->date());
    return ka != kb ? ka > kb : a->name() < b->name();
  });
  if (dated.size() > kLatestExchanges) dated.resize(kLatestExchanges);
  for (auto* exchange : dated) *summary.add_latest() = std::move(*exchange);
  return summary;
}

void AddLatestObservations(std::vector<v1::Observation> observations,
                           v1::Relationship& relationship) {
  std::sort(observations.begin(), observations.end(),
            [](const v1::Observation& a, const v1::Observation& b) {
              auto pa = PeriodOrder(a.period()), pb = PeriodOrder(b.period());
              return pa != pb ? pa > pb : a.name() < b.name();
            });
  if (observations.size() > kLatestObservations) observations.resize(kLatestObservations);
  for (auto& observation : observations) {
    *relationship.add_latest_observations() = std::move(observation);
  }
}

// ----- Timeline

// The position of an entry in the timeline; pages resume after one.
struct EntryKey {
  int64_t date = 0;  // DateKey of the entry's date
  int kind = 0;      // v1::TimelineEntryKind
  std::string record;
  int index = 0;     // milestone index

  friend bool operator<(const EntryKey& a, const EntryKey& b) {
    return std::tie(a.date, a.kind, a.record, a.index) <
           std::tie(b.date, b.kind, b.record, b.index);
  }
};

EntryKey KeyOf(const v1::TimelineEntry& entry) {
  return {DateKey(entry.date()), static_cast<int>(entry.kind()), entry.record(),
          entry.milestone_index()};
}

// What a timeline filter selects: a set of kinds and an inclusive range of
// date keys.
struct TimelineFilter {
  std::set<int> kinds;  // every kind when the filter names none
  int64_t min_date = 0;
  int64_t max_date = INT64_MAX;

  bool Wants(v1::TimelineEntryKind kind) const { return kinds.count(kind) > 0; }
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
    for (int kind = 1; kind < v1::TimelineEntryKind_ARRAYSIZE; ++kind) {
      if (v1::TimelineEntryKind_IsValid(kind)) filter.kinds.insert(kind);
    }
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
    for (int kind = 1; kind < v1::TimelineEntryKind_ARRAYSIZE; ++kind) {
      if (!v1::TimelineEntryKind_IsValid(kind)) continue;
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

v1::TimelineEntry& AddEntry(std::vector<v1::TimelineEntry>& entries, v1::TimelineEntryKind kind,
                            const v1::Date& date, const std::string& record,
                            const google::protobuf::RepeatedPtrField<v1::Citation>& citations) {
  auto& entry = entries.emplace_back();
  entry.set_kind(kind);
  *entry.mutable_date() = date;
  entry.set_record(record);
  *entry.mutable_citations() = citations;
  return entry;
}

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
    case v1::TRADE_FLOW_EXPORT: flow = absl::StrCat("exports to ", partner); break;
    case v1::TRADE_FLOW_IMPORT: flow = absl::StrCat("imports from ", partner); break;
    default: flow = absl::StrCat("total trade with ", partner); break;
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

  v1::Relationship relationship;
  relationship.set_name(pair->name());
  relationship.add_countries(CountryName(pair->first));
  relationship.add_countries(CountryName(pair->second));

  auto partnerships = ListAll<v1::Partnership>(store_, BothListed(*pair));
  if (!partnerships.ok()) return partnerships.status();
  if (!partnerships->empty()) {
    *relationship.mutable_partnership() = SummarisePartnerships(*partnerships);
  }
  auto visits = ListAll<v1::Visit>(store_, VisitsFilter(*pair));
  if (!visits.ok()) return visits.status();
  *relationship.mutable_visits() = SummariseVisits(*pair, *std::move(visits));
  auto trade = ListAll<v1::TradeRecord>(store_, TradeFilter(*pair));
  if (!trade.ok()) return trade.status();
  *relationship.mutable_trade() = SummariseTrade(*std::move(trade));
  auto projects = ListAll<v1::InfrastructureProject>(store_, ProjectsFilter(*pair));
  if (!projects.ok()) return projects.status();
  *relationship.mutable_infrastructure() = SummariseProjects(*projects);
  auto exchanges = ListAll<v1::Exchange>(store_, BothListed(*pair));
  if (!exchanges.ok()) return exchanges.status();
  *relationship.mutable_exchanges() = SummariseExchanges(*std::move(exchanges));
  auto observations = ListAll<v1::Observation>(store_, BothListed(*pair));
  if (!observations.ok()) return observations.status();
  AddLatestObservations(*std::move(observations), relationship);
  auto findings =
      ListAll<v1::Finding>(store_, absl::StrCat("state = OPEN AND ", BothListed(*pair)));
  if (!findings.ok()) return findings.status();
  for (auto& finding : *findings) *relationship.add_open_findings() = std::move(finding);
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
  std::optional<EntryKey> after;
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
    after = EntryKey{*date, static_cast<int>(*kind), *record, static_cast<int>(position->seq)};
  }

  // Only the collections that can yield a wanted kind are read.
  std::vector<v1::TimelineEntry> entries;
  if (filter->Wants(v1::TIMELINE_ENTRY_KIND_VISIT)) {
    auto visits = ListAll<v1::Visit>(store_, VisitsFilter(*pair));
    if (!visits.ok()) return visits.status();
    for (const auto& visit : *visits) {
      AddEntry(entries, v1::TIMELINE_ENTRY_KIND_VISIT, visit.start_date(), visit.name(),
               visit.citations())
          .set_summary(VisitSummaryText(visit));
    }
  }
  if (filter->Wants(v1::TIMELINE_ENTRY_KIND_PARTNERSHIP_MILESTONE)) {
    auto partnerships = ListAll<v1::Partnership>(store_, BothListed(*pair));
    if (!partnerships.ok()) return partnerships.status();
    for (const auto& partnership : *partnerships) {
      for (int i = 0; i < partnership.milestones_size(); ++i) {
        const auto& milestone = partnership.milestones(i);
        auto& entry = AddEntry(entries, v1::TIMELINE_ENTRY_KIND_PARTNERSHIP_MILESTONE,
                               milestone.date(), partnership.name(), milestone.citations());
        entry.set_milestone_index(i);
        entry.set_summary(MilestoneSummaryText(milestone));
      }
    }
  }
  if (filter->Wants(v1::TIMELINE_ENTRY_KIND_TRADE)) {
    auto trade = ListAll<v1::TradeRecord>(store_, TradeFilter(*pair));
    if (!trade.ok()) return trade.status();
    for (const auto& record : *trade) {
      if (!HasPeriod(record.period())) continue;
      auto& entry = AddEntry(entries, v1::TIMELINE_ENTRY_KIND_TRADE, PeriodStart(record.period()),
                             record.name(), record.citations());
      *entry.mutable_period() = record.period();
      entry.set_summary(TradeSummaryText(record));
    }
  }
  if (filter->Wants(v1::TIMELINE_ENTRY_KIND_INFRASTRUCTURE_START) ||
      filter->Wants(v1::TIMELINE_ENTRY_KIND_INFRASTRUCTURE_COMPLETION)) {
    auto projects = ListAll<v1::InfrastructureProject>(store_, ProjectsFilter(*pair));
    if (!projects.ok()) return projects.status();
    for (const auto& project : *projects) {
      if (DateKey(project.start_date()) != 0) {
        AddEntry(entries, v1::TIMELINE_ENTRY_KIND_INFRASTRUCTURE_START, project.start_date(),
                 project.name(), project.citations())
            .set_summary(absl::StrCat("Work starts on ", project.display_name()));
      }
      if (DateKey(project.completion_date()) != 0) {
        AddEntry(entries, v1::TIMELINE_ENTRY_KIND_INFRASTRUCTURE_COMPLETION,
                 project.completion_date(), project.name(), project.citations())
            .set_summary(absl::StrCat(project.display_name(), " completed"));
      }
    }
  }
  if (filter->Wants(v1::TIMELINE_ENTRY_KIND_EXCHANGE)) {
    auto exchanges = ListAll<v1::Exchange>(store_, BothListed(*pair));
    if (!exchanges.ok()) return exchanges.status();
    for (const auto& exchange : *exchanges) {
      if (DateKey(exchange.date()) == 0) continue;
      AddEntry(entries, v1::TIMELINE_ENTRY_KIND_EXCHANGE, exchange.date(), exchange.name(),
               exchange.citations())
          .set_summary(exchange.title());
    }
  }
  if (filter->Wants(v1::TIMELINE_ENTRY_KIND_OBSERVATION)) {
    auto observations = ListAll<v1::Observation>(store_, BothListed(*pair));
    if (!observations.ok()) return observations.status();
    for (const auto& observation : *observations) {
      auto& entry = AddEntry(entries, v1::TIMELINE_ENTRY_KIND_OBSERVATION,
                             PeriodStart(observation.period()), observation.name(),
                             observation.citations());
      *entry.mutable_period() = observation.period();
      entry.set_summary(ObservationSummaryText(observation));
    }
  }

  // Wanted entries after the token's position, in timeline order.
  std::vector<std::pair<EntryKey, v1::TimelineEntry*>> selected;
  for (auto& entry : entries) {
    EntryKey key = KeyOf(entry);
    if (!filter->Wants(entry.kind()) || key.date < filter->min_date ||
        key.date > filter->max_date || (after.has_value() && !(*after < key))) {
      continue;
    }
    selected.emplace_back(std::move(key), &entry);
  }
  std::sort(selected.begin(), selected.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });

  ListResult<v1::TimelineEntry> page;
  for (size_t i = 0; i < selected.size() && i < limit; ++i) {
    page.items.push_back(std::move(*selected[i].second));
  }
  if (selected.size() > limit) {
    const EntryKey& last = selected[limit - 1].first;
    page.next_page_token = store::EncodePageToken(
        fingerprint, {last.date, int64_t{last.kind}, last.record}, last.index);
  }
  return page;
}

}  // namespace bilateral::domain
