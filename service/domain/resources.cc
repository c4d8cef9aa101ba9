#include "domain/resources.h"

#include <algorithm>
#include <cmath>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "domain/citation_check.h"
#include "domain/consistency.h"
#include "domain/fields.h"
#include "domain/names.h"
#include "domain/pair_views.h"
#include "domain/quotes.h"
#include "google/protobuf/util/time_util.h"

namespace bilateral::domain {
namespace {

using query::FieldSpec;
using query::FieldType;
using store::SqlValue;

FieldSpec Field(std::string path, std::string column, FieldType type, bool orderable = false) {
  FieldSpec spec;
  spec.path = std::move(path);
  spec.column = std::move(column);
  spec.type = type;
  spec.orderable = orderable;
  return spec;
}

// An enum field: accepted values are the enum's names without its prefix.
FieldSpec EnumField(std::string path, std::string column,
                    const google::protobuf::EnumDescriptor* descriptor, std::string prefix) {
  FieldSpec spec = Field(std::move(path), std::move(column), FieldType::kEnum);
  for (int i = 0; i < descriptor->value_count(); ++i) {
    spec.enum_values.push_back(descriptor->value(i)->name().substr(prefix.size()));
  }
  spec.enum_prefix = std::move(prefix);
  return spec;
}

// A country (or list of countries) that filters accept in any ISO code.
FieldSpec CountryField(std::string path, std::string column, FieldType type = FieldType::kString) {
  FieldSpec spec = Field(std::move(path), std::move(column), type,
                         /*orderable=*/type == FieldType::kString);
  spec.normalize = NormalizeCountry;
  return spec;
}

// Orders by a record's creation or last update time; filtering on them
// would need timestamp literals.
FieldSpec TimeOrder(std::string path, std::string column) {
  FieldSpec spec = Field(std::move(path), std::move(column), FieldType::kInteger, true);
  spec.filterable = false;
  return spec;
}

// A period's fields, and `period` to order by year, quarter, then month.
std::vector<FieldSpec> PeriodFields() {
  FieldSpec order = Field("period", "period_year * 10000 + period_quarter * 100 + period_month",
                          FieldType::kInteger, true);
  order.filterable = false;
  return {Field("period.year", "period_year", FieldType::kInteger),
          Field("period.quarter", "period_quarter", FieldType::kInteger),
          Field("period.month", "period_month", FieldType::kInteger), order};
}

store::Collection MakeCollection(std::string name, std::string table,
                                 std::vector<std::string> columns, std::vector<FieldSpec> fields,
                                 std::string unique_key = "") {
  fields.push_back(TimeOrder("create_time", "create_us"));
  store::Collection collection;
  collection.name = std::move(name);
  collection.table = std::move(table);
  collection.columns = std::move(columns);
  collection.fields = std::move(fields);
  collection.unique_key = std::move(unique_key);
  return collection;
}

// A collection of records of type `Message`: `after_write` (may be empty),
// and the findings of quotes no longer in their sources.
template <typename Message>
store::Collection WithAfterWrite(store::AfterWrite after_write, store::Collection collection) {
  collection.after_write = WithQuoteFindings<Message>(std::move(after_write));
  // Every record type but sources concerns pairs of countries.
  if constexpr (!std::is_same_v<Message, v1::Source>) {
    collection.pair_views = PairViewsFor<Message>();
  }
  return collection;
}

// A collection whose records' open findings concern pairs of countries.
template <typename Message>
store::Collection WithPairViews(store::Collection collection) {
  collection.pair_views = PairViewsFor<Message>();
  return collection;
}

// The stored short name of an enum value: VISIT_KIND_STATE -> "STATE".
std::string EnumColumn(const google::protobuf::EnumDescriptor* descriptor, int value,
                       absl::string_view prefix) {
  const auto* entry = descriptor->FindValueByNumber(value);
  return entry == nullptr ? std::string("UNSPECIFIED") : entry->name().substr(prefix.size());
}

template <typename Enum>
std::string EnumColumn(Enum value, absl::string_view prefix) {
  return EnumColumn(google::protobuf::GetEnumDescriptor<Enum>(), value, prefix);
}

template <typename Enum>
void CheckEnum(Enum value, absl::string_view field, Violations& violations) {
  if (google::protobuf::GetEnumDescriptor<Enum>()->FindValueByNumber(value) == nullptr) {
    violations.Add(std::string(field), absl::StrCat("unknown value ", value));
  }
}

// A list column holds its values as a JSON array, which filters search.
std::string JsonArray(const google::protobuf::RepeatedPtrField<std::string>& list) {
  std::vector<std::string> quoted;
  for (const auto& entry : list) {
    std::string out = "\"";
    for (unsigned char c : entry) {
      if (c == '"' || c == '\\') {
        out += '\\';
        out += static_cast<char>(c);
      } else if (c < 0x20) {
        absl::StrAppend(&out, "\\u00", absl::Hex(c, absl::kZeroPad2));
      } else {
        out += static_cast<char>(c);
      }
    }
    quoted.push_back(out + "\"");
  }
  return absl::StrCat("[", absl::StrJoin(quoted, ","), "]");
}

std::string Path(absl::string_view field, absl::string_view child) {
  return absl::StrCat(field, ".", child);
}

void CheckPeriod(const v1::Period& period, bool required, absl::string_view field,
                 Violations& violations) {
  if (period.year() == 0 && period.quarter() == 0 && period.month() == 0) {
    if (required) violations.Add(Path(field, "year"), "required");
    return;
  }
  if (period.year() < 1 || period.year() > 9999) {
    violations.Add(Path(field, "year"), "must be 1..9999");
  }
  if (period.quarter() < 0 || period.quarter() > 4) {
    violations.Add(Path(field, "quarter"), "must be 1..4, or 0 for none");
  }
  if (period.month() < 0 || period.month() > 12) {
    violations.Add(Path(field, "month"), "must be 1..12, or 0 for none");
  }
  if (period.quarter() != 0 && period.month() != 0) {
    violations.Add(Path(field, "month"), "give a quarter or a month, not both");
  }
}

void CheckMoney(const v1::Money& money, absl::string_view field, Violations& violations) {
  bool valid_code = money.currency_code().size() == 3 &&
                    std::all_of(money.currency_code().begin(), money.currency_code().end(),
                                [](char c) { return c >= 'A' && c <= 'Z'; });
  if (!valid_code) {
    violations.Add(Path(field, "currency_code"), "must be an ISO 4217 code such as \"USD\"");
  }
  if (money.nanos() <= -1000000000 || money.nanos() >= 1000000000) {
    violations.Add(Path(field, "nanos"), "must be within -999,999,999..999,999,999");
  } else if ((money.units() > 0 && money.nanos() < 0) || (money.units() < 0 && money.nanos() > 0)) {
    violations.Add(Path(field, "nanos"), "must have the sign of units");
  }
  // Every amount of money a record states is a value traded or invested.
  if (money.units() < 0 || money.nanos() < 0) {
    violations.Add(Path(field, money.units() < 0 ? "units" : "nanos"), "must not be negative");
  }
}

void CheckFinite(double value, absl::string_view field, Violations& violations) {
  if (!std::isfinite(value)) violations.Add(std::string(field), "must be a finite number");
}

// Periods as filters and orderings see them.
std::vector<SqlValue> PeriodColumns(const v1::Period& period) {
  return {int64_t{period.year()}, int64_t{period.quarter()}, int64_t{period.month()}};
}

std::vector<SqlValue> Concat(std::vector<SqlValue> a, std::vector<SqlValue> b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

// ----- Source

const store::Collection& Resource<v1::Source>::Collection() {
  static const auto* collection = new store::Collection(WithAfterWrite<v1::Source>(
      AfterSourcesWrite,
      MakeCollection("sources", "sources",
                     {"title", "publisher", "author", "language", "kind", "publication_date"},
                     {
                         Field("title", "title", FieldType::kString, true),
                         Field("publisher", "publisher", FieldType::kString),
                         Field("author", "author", FieldType::kString),
                         Field("language", "language", FieldType::kString),
                         EnumField("kind", "kind", v1::SourceKind_descriptor(), "SOURCE_KIND_"),
                         Field("publication_date", "publication_date", FieldType::kDate, true),
                     })));
  return *collection;
}

void Resource<v1::Source>::Check(v1::Source& source, Violations& violations) {
  CheckText(source.title(), true, Path(kField, "title"), violations);
  for (const auto& [text, name] : {std::pair{&source.publisher(), "publisher"},
                                   {&source.url(), "url"},
                                   {&source.language(), "language"},
                                   {&source.author(), "author"},
                                   {&source.description(), "description"}}) {
    CheckText(*text, false, Path(kField, name), violations);
  }
  CheckDate(source.publication_date(), false, Path(kField, "publication_date"), violations);
  CheckEnum(source.kind(), Path(kField, "kind"), violations);
  CheckCitations(source.citations(), false, Path(kField, "citations"), violations);
  if (source.text().size() > kMaxSourceTextBytes) {
    violations.Add(Path(kField, "text"),
                   absl::StrCat("longer than ", kMaxSourceTextBytes, " bytes"));
  }
  CheckText(source.media_type(), false, Path(kField, "media_type"), violations);
  if (source.has_retrieve_time()) {
    const auto& time = source.retrieve_time();
    using google::protobuf::util::TimeUtil;
    if (time.seconds() < TimeUtil::kTimestampMinSeconds ||
        time.seconds() > TimeUtil::kTimestampMaxSeconds || time.nanos() < 0 ||
        time.nanos() > 999999999) {
      violations.Add(Path(kField, "retrieve_time"), "must be within years 1..9999");
    }
  }
}

void Resource<v1::Source>::Derive(v1::Source& source) {
  if (source.text().empty()) return;
  source.set_text_sha256(Sha256Hex(source.text()));
  if (source.media_type().empty()) source.set_media_type("text/plain");
}

std::vector<SqlValue> Resource<v1::Source>::Columns(const v1::Source& source) {
  return {source.title(),
          source.publisher(),
          source.author(),
          source.language(),
          EnumColumn(source.kind(), "SOURCE_KIND_"),
          DateKey(source.publication_date())};
}

std::vector<std::string> Resource<v1::Source>::ComputedFields() { return {"text_sha256"}; }

// ----- Visit

const store::Collection& Resource<v1::Visit>::Collection() {
  static const auto* collection = new store::Collection(WithAfterWrite<v1::Visit>(
      AfterVisitsWrite,
      MakeCollection("visits", "visits",
                     {"visitor_name", "visitor_office", "visitor_country", "host_country", "kind",
                      "start_date", "end_date", "reported_ordinal", "cities", "occasions",
                      "outcomes", "visitor_key"},
                     {
                         Field("visitor.name", "visitor_name", FieldType::kString, true),
                         Field("visitor.office", "visitor_office", FieldType::kString),
                         CountryField("visitor.country", "visitor_country"),
                         CountryField("host_country", "host_country"),
                         EnumField("kind", "kind", v1::VisitKind_descriptor(), "VISIT_KIND_"),
                         Field("start_date", "start_date", FieldType::kDate, true),
                         Field("end_date", "end_date", FieldType::kDate, true),
                         Field("start_date.year", "start_date / 10000", FieldType::kInteger),
                         Field("reported_ordinal", "reported_ordinal", FieldType::kInteger, true),
                         Field("cities", "cities", FieldType::kStringList),
                         Field("occasions", "occasions", FieldType::kStringList),
                         Field("outcomes", "outcomes", FieldType::kStringList),
                     })));
  return *collection;
}

void Resource<v1::Visit>::Check(v1::Visit& visit, Violations& violations) {
  std::string visitor = Path(kField, "visitor");
  CheckText(visit.visitor().name(), true, Path(visitor, "name"), violations);
  CheckText(visit.visitor().office(), false, Path(visitor, "office"), violations);
  CheckCountry(visit.mutable_visitor()->mutable_country(), true, Path(visitor, "country"),
               violations);
  CheckCountry(visit.mutable_host_country(), true, Path(kField, "host_country"), violations);
  if (!visit.host_country().empty() && visit.host_country() == visit.visitor().country()) {
    violations.Add(Path(kField, "host_country"), "must differ from visitor.country");
  }
  CheckDate(visit.start_date(), true, Path(kField, "start_date"), violations);
  CheckDate(visit.end_date(), false, Path(kField, "end_date"), violations);
  if (DateKey(visit.end_date()) != 0 && DateKey(visit.end_date()) < DateKey(visit.start_date())) {
    violations.Add(Path(kField, "end_date"), "is before start_date");
  }
  CheckEnum(visit.kind(), Path(kField, "kind"), violations);
  CheckTextList(visit.cities(), Path(kField, "cities"), violations);
  CheckTextList(visit.occasions(), Path(kField, "occasions"), violations);
  CheckTextList(visit.outcomes(), Path(kField, "outcomes"), violations);
  if (visit.reported_ordinal() < 0) {
    violations.Add(Path(kField, "reported_ordinal"), "must be positive, or 0 when not stated");
  }
  CheckCitations(visit.citations(), true, Path(kField, "citations"), violations);
}

void Resource<v1::Visit>::Derive(v1::Visit&) {}

std::vector<SqlValue> Resource<v1::Visit>::Columns(const v1::Visit& visit) {
  return {visit.visitor().name(), visit.visitor().office(), visit.visitor().country(),
          visit.host_country(), EnumColumn(visit.kind(), "VISIT_KIND_"),
          DateKey(visit.start_date()), DateKey(visit.end_date()), int64_t{visit.reported_ordinal()},
          JsonArray(visit.cities()), JsonArray(visit.occasions()), JsonArray(visit.outcomes()),
          // Who the visitor is, for their series (domain/names.h).
          NameKey(visit.visitor().name())};
}

std::vector<std::string> Resource<v1::Visit>::ComputedFields() { return {"computed_ordinal"}; }

// ----- Partnership

const store::Collection& Resource<v1::Partnership>::Collection() {
  static const auto* collection = new store::Collection(WithAfterWrite<v1::Partnership>(
      nullptr,
      MakeCollection("partnerships", "partnerships",
                     {"countries", "level_label", "level_tier", "level_since"},
                     {
                         CountryField("countries", "countries", FieldType::kStringList),
                         Field("current_level.label", "level_label", FieldType::kString),
                         EnumField("current_level.tier", "level_tier",
                                   v1::PartnershipTier_descriptor(), "PARTNERSHIP_TIER_"),
                         Field("current_level.since", "level_since", FieldType::kDate, true),
                     })));
  return *collection;
}

void Resource<v1::Partnership>::Check(v1::Partnership& partnership, Violations& violations) {
  CheckCountryList(partnership.mutable_countries(), 2, Path(kField, "countries"), violations);
  if (partnership.milestones().size() > kMaxListSize) {
    violations.Add(Path(kField, "milestones"),
                   absl::StrCat("more than ", kMaxListSize, " entries"));
    return;
  }
  for (int i = 0; i < partnership.milestones_size(); ++i) {
    const auto& milestone = partnership.milestones(i);
    std::string field = absl::StrCat(kField, ".milestones[", i, "]");
    CheckDate(milestone.date(), true, Path(field, "date"), violations);
    CheckEnum(milestone.kind(), Path(field, "kind"), violations);
    CheckText(milestone.label(), true, Path(field, "label"), violations);
    CheckEnum(milestone.tier(), Path(field, "tier"), violations);
    CheckText(milestone.occasion(), false, Path(field, "occasion"), violations);
    if (!milestone.visit().empty()) {
      auto id = IdFromName("visits", milestone.visit(), Path(field, "visit"));
      if (!id.ok()) {
        for (auto& violation : FieldViolations(id.status())) {
          violations.Add(violation.field, violation.description);
        }
      }
    }
    CheckCitations(milestone.citations(), false, Path(field, "citations"), violations);
  }
  CheckCitations(partnership.citations(), false, Path(kField, "citations"), violations);
  if (partnership.citations().empty() &&
      std::none_of(partnership.milestones().begin(), partnership.milestones().end(),
                   [](const v1::Milestone& m) { return !m.citations().empty(); })) {
    violations.Add(Path(kField, "citations"),
                   "at least one citation is required, on the partnership or a milestone");
  }
  // Milestones are kept oldest first, so the latest elevation is easy to see.
  std::stable_sort(partnership.mutable_milestones()->begin(),
                   partnership.mutable_milestones()->end(),
                   [](const v1::Milestone& a, const v1::Milestone& b) {
                     return DateKey(a.date()) < DateKey(b.date());
                   });
}

void Resource<v1::Partnership>::Derive(v1::Partnership& partnership) {
  partnership.clear_current_level();
  for (const auto& milestone : partnership.milestones()) {
    if (milestone.kind() != v1::MILESTONE_KIND_ELEVATION) continue;
    auto* level = partnership.mutable_current_level();
    level->set_label(milestone.label());
    level->set_tier(milestone.tier());
    *level->mutable_since() = milestone.date();
  }
}

std::vector<SqlValue> Resource<v1::Partnership>::Columns(const v1::Partnership& partnership) {
  const auto& level = partnership.current_level();
  return {JsonArray(partnership.countries()), level.label(),
          EnumColumn(level.tier(), "PARTNERSHIP_TIER_"), DateKey(level.since())};
}

template <>
std::vector<RecordRef> References(const v1::Partnership& partnership) {
  std::vector<RecordRef> refs;
  for (int i = 0; i < partnership.milestones_size(); ++i) {
    const std::string& visit = partnership.milestones(i).visit();
    if (visit.empty()) continue;
    refs.push_back(
        {absl::StrCat("milestones[", i, "].visit"), visit, &Resource<v1::Visit>::Collection()});
  }
  return refs;
}

std::vector<std::string> Resource<v1::Partnership>::ComputedFields() { return {"current_level"}; }

// ----- TradeRecord

const store::Collection& Resource<v1::TradeRecord>::Collection() {
  static const auto* collection = [] {
    std::vector<FieldSpec> fields = {
        CountryField("reporter", "reporter"),
        CountryField("partner", "partner"),
        EnumField("flow", "flow", v1::TradeFlow_descriptor(), "TRADE_FLOW_"),
        Field("commodity.hs_code", "hs_code", FieldType::kString),
        Field("commodity.label", "commodity_label", FieldType::kString),
        Field("value.currency_code", "currency", FieldType::kString),
        Field("value.units", "value_units", FieldType::kInteger, true),
        Field("partner_rank", "partner_rank", FieldType::kInteger),
        Field("main_commodities", "main_commodities", FieldType::kStringList),
    };
    for (auto& field : PeriodFields()) fields.push_back(std::move(field));
    auto* collection = new store::Collection(WithAfterWrite<v1::TradeRecord>(
        AfterTradeRecordsWrite,
        MakeCollection("tradeRecords", "trade_records",
                       {"reporter", "partner", "period_year", "period_quarter", "period_month",
                        "flow", "hs_code", "commodity_label", "currency", "value_units",
                        "partner_rank", "main_commodities"},
                       std::move(fields), "reporter, partner, period, flow and commodity")));
    collection->before_insert = BeforeTradeRecordsInsert;
    return collection;
  }();
  return *collection;
}

void Resource<v1::TradeRecord>::Check(v1::TradeRecord& record, Violations& violations) {
  CheckCountry(record.mutable_reporter(), true, Path(kField, "reporter"), violations);
  CheckCountry(record.mutable_partner(), true, Path(kField, "partner"), violations);
  if (!record.reporter().empty() && record.reporter() == record.partner()) {
    violations.Add(Path(kField, "partner"), "must differ from reporter");
  }
  CheckPeriod(record.period(), false, Path(kField, "period"), violations);
  if (record.flow() == v1::TRADE_FLOW_UNSPECIFIED) {
    violations.Add(Path(kField, "flow"), "required: EXPORT, IMPORT or TOTAL");
  }
  CheckEnum(record.flow(), Path(kField, "flow"), violations);
  const auto& hs = record.commodity().hs_code();
  if (!hs.empty() &&
      (hs.size() % 2 != 0 || hs.size() > 6 ||
       !std::all_of(hs.begin(), hs.end(), [](char c) { return c >= '0' && c <= '9'; }))) {
    violations.Add(Path(kField, "commodity.hs_code"), "must be 2, 4 or 6 digits");
  }
  CheckText(record.commodity().label(), false, Path(kField, "commodity.label"), violations);
  if (record.has_value()) CheckMoney(record.value(), Path(kField, "value"), violations);
  if (record.has_reported_change_pct()) {
    CheckFinite(record.reported_change_pct(), Path(kField, "reported_change_pct"), violations);
  }
  if (record.partner_rank() < 0) {
    violations.Add(Path(kField, "partner_rank"), "must be positive, or 0 when not stated");
  }
  CheckTextList(record.main_commodities(), Path(kField, "main_commodities"), violations);
  if (!record.has_value() && record.main_commodities().empty() && record.partner_rank() == 0) {
    violations.Add(Path(kField, "value"),
                   "a trade record needs a value, a partner_rank or main_commodities");
  }
  CheckCitations(record.citations(), true, Path(kField, "citations"), violations);
}

void Resource<v1::TradeRecord>::Derive(v1::TradeRecord&) {}

std::vector<SqlValue> Resource<v1::TradeRecord>::Columns(const v1::TradeRecord& record) {
  return Concat(Concat({record.reporter(), record.partner()}, PeriodColumns(record.period())),
                {EnumColumn(record.flow(), "TRADE_FLOW_"), record.commodity().hs_code(),
                 record.commodity().label(), record.value().currency_code(), record.value().units(),
                 int64_t{record.partner_rank()}, JsonArray(record.main_commodities())});
}

std::vector<std::string> Resource<v1::TradeRecord>::ComputedFields() {
  return {"computed_change_pct"};
}

// ----- InfrastructureProject

const store::Collection& Resource<v1::InfrastructureProject>::Collection() {
  static const auto* collection = new store::Collection(WithAfterWrite<v1::InfrastructureProject>(
      nullptr,
      MakeCollection(
          "infrastructureProjects", "infrastructure_projects",
          {"display_name", "kind", "sector", "host_country", "partner_countries", "status",
           "initiative", "place", "region_code", "start_date", "completion_date"},
          {
              Field("display_name", "display_name", FieldType::kString, true),
              EnumField("kind", "kind", v1::InfrastructureKind_descriptor(),
                        "INFRASTRUCTURE_KIND_"),
              EnumField("sector", "sector", v1::Sector_descriptor(), "SECTOR_"),
              CountryField("host_country", "host_country"),
              CountryField("partner_countries", "partner_countries", FieldType::kStringList),
              EnumField("status", "status", v1::ProjectStatus_descriptor(), "PROJECT_STATUS_"),
              Field("initiative", "initiative", FieldType::kString),
              Field("location.place", "place", FieldType::kString),
              Field("location.region_code", "region_code", FieldType::kString),
              Field("start_date", "start_date", FieldType::kDate, true),
              Field("completion_date", "completion_date", FieldType::kDate, true),
          })));
  return *collection;
}

void Resource<v1::InfrastructureProject>::Check(v1::InfrastructureProject& project,
                                                Violations& violations) {
  CheckText(project.display_name(), true, Path(kField, "display_name"), violations);
  CheckEnum(project.kind(), Path(kField, "kind"), violations);
  CheckEnum(project.sector(), Path(kField, "sector"), violations);
  CheckEnum(project.status(), Path(kField, "status"), violations);
  CheckCountry(project.mutable_host_country(), false, Path(kField, "host_country"), violations);
  size_t before = violations.list().size();
  CheckCountryList(project.mutable_partner_countries(), 0, Path(kField, "partner_countries"),
                   violations);
  if (violations.list().size() == before) {
    auto& partners = *project.mutable_partner_countries();
    partners.erase(std::remove(partners.begin(), partners.end(), project.host_country()),
                   partners.end());
    if (partners.size() + (project.host_country().empty() ? 0 : 1) < 2) {
      violations.Add(Path(kField, "partner_countries"),
                     "host_country and partner_countries must name at least two countries");
    }
  }
  CheckText(project.initiative(), false, Path(kField, "initiative"), violations);
  CheckText(project.location().place(), false, Path(kField, "location.place"), violations);
  CheckText(project.location().region_code(), false, Path(kField, "location.region_code"),
            violations);
  const auto& location = project.location();
  if (location.has_latitude() && !(std::abs(location.latitude()) <= 90)) {
    violations.Add(Path(kField, "location.latitude"), "must be within -90..90");
  }
  if (location.has_longitude() && !(std::abs(location.longitude()) <= 180)) {
    violations.Add(Path(kField, "location.longitude"), "must be within -180..180");
  }
  if (project.has_capacity()) {
    CheckFinite(project.capacity().value(), Path(kField, "capacity.value"), violations);
    if (project.capacity().value() < 0) {
      violations.Add(Path(kField, "capacity.value"), "must not be negative");
    }
    CheckText(project.capacity().unit(), true, Path(kField, "capacity.unit"), violations);
  }
  if (project.has_investment()) {
    CheckMoney(project.investment(), Path(kField, "investment"), violations);
  }
  CheckDate(project.start_date(), false, Path(kField, "start_date"), violations);
  CheckDate(project.completion_date(), false, Path(kField, "completion_date"), violations);
  CheckText(project.description(), false, Path(kField, "description"), violations);
  CheckCitations(project.citations(), true, Path(kField, "citations"), violations);
}

void Resource<v1::InfrastructureProject>::Derive(v1::InfrastructureProject&) {}

std::vector<SqlValue> Resource<v1::InfrastructureProject>::Columns(
    const v1::InfrastructureProject& project) {
  return {project.display_name(),
          EnumColumn(project.kind(), "INFRASTRUCTURE_KIND_"),
          EnumColumn(project.sector(), "SECTOR_"),
          project.host_country(),
          JsonArray(project.partner_countries()),
          EnumColumn(project.status(), "PROJECT_STATUS_"),
          project.initiative(),
          project.location().place(),
          project.location().region_code(),
          DateKey(project.start_date()),
          DateKey(project.completion_date())};
}

std::vector<std::string> Resource<v1::InfrastructureProject>::ComputedFields() { return {}; }

// ----- Exchange

const store::Collection& Resource<v1::Exchange>::Collection() {
  static const auto* collection = new store::Collection(WithAfterWrite<v1::Exchange>(
      nullptr, MakeCollection(
                   "exchanges", "exchanges", {"kind", "countries", "host_country", "title", "date"},
                   {
                       EnumField("kind", "kind", v1::ExchangeKind_descriptor(), "EXCHANGE_KIND_"),
                       CountryField("countries", "countries", FieldType::kStringList),
                       CountryField("host_country", "host_country"),
                       Field("title", "title", FieldType::kString, true),
                       Field("date", "date", FieldType::kDate, true),
                   })));
  return *collection;
}

void Resource<v1::Exchange>::Check(v1::Exchange& exchange, Violations& violations) {
  CheckEnum(exchange.kind(), Path(kField, "kind"), violations);
  CheckCountryList(exchange.mutable_countries(), 2, Path(kField, "countries"), violations);
  CheckCountry(exchange.mutable_host_country(), false, Path(kField, "host_country"), violations);
  if (!exchange.host_country().empty() &&
      std::find(exchange.countries().begin(), exchange.countries().end(),
                exchange.host_country()) == exchange.countries().end()) {
    violations.Add(Path(kField, "host_country"), "must be one of countries");
  }
  CheckText(exchange.title(), true, Path(kField, "title"), violations);
  CheckDate(exchange.date(), false, Path(kField, "date"), violations);
  CheckText(exchange.description(), false, Path(kField, "description"), violations);
  CheckCitations(exchange.citations(), true, Path(kField, "citations"), violations);
}

void Resource<v1::Exchange>::Derive(v1::Exchange&) {}

std::vector<SqlValue> Resource<v1::Exchange>::Columns(const v1::Exchange& exchange) {
  return {EnumColumn(exchange.kind(), "EXCHANGE_KIND_"), JsonArray(exchange.countries()),
          exchange.host_country(), exchange.title(), DateKey(exchange.date())};
}

std::vector<std::string> Resource<v1::Exchange>::ComputedFields() { return {}; }

// ----- Observation

const store::Collection& Resource<v1::Observation>::Collection() {
  static const auto* collection = [] {
    std::vector<FieldSpec> fields = {
        Field("metric", "metric", FieldType::kString, true),
        Field("unit", "unit", FieldType::kString),
        CountryField("countries", "countries", FieldType::kStringList),
        Field("projection", "projection", FieldType::kBool),
    };
    for (auto& field : PeriodFields()) fields.push_back(std::move(field));
    return new store::Collection(WithAfterWrite<v1::Observation>(
        nullptr, MakeCollection("observations", "observations",
                                {"metric", "unit", "countries", "period_year", "period_quarter",
                                 "period_month", "projection"},
                                std::move(fields))));
  }();
  return *collection;
}

void Resource<v1::Observation>::Check(v1::Observation& observation, Violations& violations) {
  const auto& metric = observation.metric();
  bool snake = !metric.empty() && metric.size() <= 64 && metric.front() >= 'a' &&
               metric.front() <= 'z' && std::all_of(metric.begin(), metric.end(), [](char c) {
                 return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
               });
  if (!snake) {
    violations.Add(Path(kField, "metric"),
                   "required: lower_snake_case of up to 64 characters, e.g. cross_border_trips");
  }
  CheckCountryList(observation.mutable_countries(), 2, Path(kField, "countries"), violations);
  CheckPeriod(observation.period(), true, Path(kField, "period"), violations);
  if (observation.has_value()) {
    CheckFinite(observation.value(), Path(kField, "value"), violations);
  }
  CheckText(observation.unit(), false, Path(kField, "unit"), violations);
  CheckText(observation.description(), false, Path(kField, "description"), violations);
  CheckCitations(observation.citations(), true, Path(kField, "citations"), violations);
}

void Resource<v1::Observation>::Derive(v1::Observation&) {}

std::vector<SqlValue> Resource<v1::Observation>::Columns(const v1::Observation& observation) {
  return Concat(
      {observation.metric(), observation.unit(), JsonArray(observation.countries())},
      Concat(PeriodColumns(observation.period()), {int64_t{observation.projection() ? 1 : 0}}));
}

std::vector<std::string> Resource<v1::Observation>::ComputedFields() { return {}; }

// ----- Country

const store::Collection& Resource<v1::Country>::Collection() {
  static const auto* collection = [] {
    auto made = MakeCollection("countries", "countries",
                               {"alpha2", "alpha3", "numeric", "display_name", "official_name"},
                               {
                                   Field("alpha2", "alpha2", FieldType::kString, true),
                                   Field("alpha3", "alpha3", FieldType::kString, true),
                                   Field("numeric", "numeric", FieldType::kString),
                                   Field("display_name", "display_name", FieldType::kString, true),
                                   Field("official_name", "official_name", FieldType::kString),
                               });
    made.fields.pop_back();       // countries have no meaningful creation time
    made.in_change_feed = false;  // reference data, loaded at start-up
    return new store::Collection(std::move(made));
  }();
  return *collection;
}

std::vector<SqlValue> Resource<v1::Country>::Columns(const v1::Country& country) {
  return {country.alpha2(), country.alpha3(), country.numeric(), country.display_name(),
          country.official_name()};
}

// ----- Finding

const store::Collection& Resource<v1::Finding>::Collection() {
  static const auto* collection = new store::Collection(WithPairViews<v1::Finding>(MakeCollection(
      "findings", "findings", {"kind", "state", "subject", "countries"},
      {
          EnumField("kind", "kind", v1::FindingKind_descriptor(), "FINDING_KIND_"),
          EnumField("state", "state", v1::FindingState_descriptor(), "FINDING_STATE_"),
          Field("subject", "subject", FieldType::kString, true),
          CountryField("countries", "countries", FieldType::kStringList),
          TimeOrder("update_time", "update_us"),
      })));
  return *collection;
}

std::vector<SqlValue> Resource<v1::Finding>::Columns(const v1::Finding& finding) {
  return {EnumColumn(finding.kind(), "FINDING_KIND_"),
          EnumColumn(finding.state(), "FINDING_STATE_"), finding.subject(),
          JsonArray(finding.countries())};
}

}  // namespace bilateral::domain
