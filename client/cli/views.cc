#include "views.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "formatting.h"

namespace bilateral::cli {
namespace {

// Titles run long; the full text is one `get` away.
constexpr size_t kMaxTitleWidth = 60;
constexpr size_t kMaxLabelWidth = 50;

// Empty cells would break the eye's scan along a row.
std::string OrDash(std::string text) { return text.empty() ? "-" : text; }

TableRow MakeRow(std::vector<std::string> cells, std::vector<std::string> notes = {}) {
  TableRow row;
  for (std::string& cell : cells) row.cells.push_back(OrDash(std::move(cell)));
  row.notes = std::move(notes);
  return row;
}

// Every value shown as "-" when empty, so each label visibly has a value.
std::vector<Detail> Dashed(std::vector<Detail> details) {
  for (Detail& detail : details) detail.value = OrDash(std::move(detail.value));
  return details;
}

// The times and etag the server keeps for every resource it stores.
template <typename T>
void AddStoredTail(const T& record, std::vector<Detail>& details) {
  details.push_back({"create time", TimeText(record.has_create_time(), record.create_time()), {}});
  details.push_back({"update time", TimeText(record.has_update_time(), record.update_time()), {}});
  details.push_back({"etag", record.etag(), {}});
}

// The details every stored record ends with.
template <typename T>
void AddRecordTail(const T& record, std::vector<Detail>& details) {
  AddStoredTail(record, details);
  details.push_back(
      {"citations", CountText(record.citations_size()), CitationLines(record.citations())});
}

template <typename T>
std::vector<Detail> WithRecordTail(const T& record, std::vector<Detail> details) {
  AddRecordTail(record, details);
  return Dashed(std::move(details));
}

// "2024-07-03 ELEVATION Permanent Comprehensive Strategic Partnership
// [PERMANENT_COMPREHENSIVE_STRATEGIC], at: <occasion>, visit: visits/x".
std::string MilestoneText(const v1::Milestone& milestone) {
  std::string text = OrDash(DateText(milestone.date()));
  if (milestone.kind() != 0) {
    absl::StrAppend(&text, " ", EnumText(v1::MilestoneKind_descriptor(), milestone.kind()));
  }
  if (!milestone.label().empty()) absl::StrAppend(&text, " ", milestone.label());
  if (milestone.tier() != 0) {
    absl::StrAppend(&text, " [", EnumText(v1::PartnershipTier_descriptor(), milestone.tier()), "]");
  }
  if (!milestone.occasion().empty()) absl::StrAppend(&text, ", at: ", milestone.occasion());
  if (!milestone.visit().empty()) absl::StrAppend(&text, ", visit: ", milestone.visit());
  return text;
}

// A partnership's own citations, then those of its milestones in order.
std::vector<std::string> PartnershipCitationLines(const v1::Partnership& partnership) {
  std::vector<std::string> lines = CitationLines(partnership.citations());
  for (const v1::Milestone& milestone : partnership.milestones()) {
    for (std::string& line : CitationLines(milestone.citations())) {
      lines.push_back(std::move(line));
    }
  }
  return lines;
}

std::string CommodityText(const v1::Commodity& commodity) {
  if (commodity.hs_code().empty()) return commodity.label();
  if (commodity.label().empty()) return absl::StrCat("HS ", commodity.hs_code());
  return absl::StrCat("HS ", commodity.hs_code(), " ", commodity.label());
}

std::string CoordinatesText(const v1::Location& location) {
  if (!location.has_latitude() || !location.has_longitude()) return "";
  return absl::StrCat(DecimalText(location.latitude()), ", ", DecimalText(location.longitude()));
}

std::string ObservationValueText(const v1::Observation& observation) {
  if (!observation.has_value()) return "";
  std::string text = DecimalText(observation.value());
  if (!observation.unit().empty()) absl::StrAppend(&text, " ", observation.unit());
  return text;
}

// A finding's figure as its kind states it: a change in percent ("+20.5%")
// or an ordinal ("5").
std::string FindingValueText(v1::FindingKind kind, double value) {
  bool change =
      kind == v1::FINDING_KIND_CHANGE_UNCONFIRMED || kind == v1::FINDING_KIND_CHANGE_CONTRADICTED;
  return change ? PercentText(value) : DecimalText(value);
}

std::string ComputedValueText(const v1::Finding& finding) {
  return finding.has_computed_value() ? FindingValueText(finding.kind(), finding.computed_value())
                                      : "";
}

}  // namespace

// Visits.

std::vector<std::string> View<v1::Visit>::Headers() {
  // The ordinal the sources state, and the one computed from the stored
  // visits (which every visit has).
  return {"NAME",  "VISITOR", "VISITOR COUNTRY", "HOST",
          "START", "KIND",    "STATED ORDINAL",  "COMPUTED ORDINAL"};
}

TableRow View<v1::Visit>::Row(const v1::Visit& visit) {
  return MakeRow({visit.name(), visit.visitor().name(), CountryCode(visit.visitor().country()),
                  CountryCode(visit.host_country()), DateText(visit.start_date()),
                  EnumText(v1::VisitKind_descriptor(), visit.kind()),
                  CountText(visit.reported_ordinal()), CountText(visit.computed_ordinal())},
                 CitationLines(visit.citations()));
}

std::vector<Detail> View<v1::Visit>::Details(const v1::Visit& visit) {
  return WithRecordTail(visit, {
                                   {"name", visit.name(), {}},
                                   {"visitor", visit.visitor().name(), {}},
                                   {"visitor office", visit.visitor().office(), {}},
                                   {"visitor country", visit.visitor().country(), {}},
                                   {"host country", visit.host_country(), {}},
                                   {"start date", DateText(visit.start_date()), {}},
                                   {"end date", DateText(visit.end_date()), {}},
                                   {"kind", EnumText(v1::VisitKind_descriptor(), visit.kind()), {}},
                                   {"cities", ListText(visit.cities()), {}},
                                   {"occasions", ListText(visit.occasions()), {}},
                                   {"outcomes", ListText(visit.outcomes()), {}},
                                   {"reported ordinal", CountText(visit.reported_ordinal()), {}},
                                   {"computed ordinal", CountText(visit.computed_ordinal()), {}},
                               });
}

// Sources.

std::vector<std::string> View<v1::Source>::Headers() {
  return {"NAME", "TITLE", "KIND", "DATE", "PUBLISHER"};
}

TableRow View<v1::Source>::Row(const v1::Source& source) {
  return MakeRow({source.name(), Shorten(source.title(), kMaxTitleWidth),
                  EnumText(v1::SourceKind_descriptor(), source.kind()),
                  DateText(source.publication_date()), source.publisher()},
                 CitationLines(source.citations()));
}

std::vector<Detail> View<v1::Source>::Details(const v1::Source& source) {
  return WithRecordTail(source,
                        {
                            {"name", source.name(), {}},
                            {"title", source.title(), {}},
                            {"kind", EnumText(v1::SourceKind_descriptor(), source.kind()), {}},
                            {"publication date", DateText(source.publication_date()), {}},
                            {"publisher", source.publisher(), {}},
                            {"author", source.author(), {}},
                            {"language", source.language(), {}},
                            {"url", source.url(), {}},
                            {"description", source.description(), {}},
                        });
}

// Partnerships.

std::vector<std::string> View<v1::Partnership>::Headers() {
  return {"NAME", "COUNTRIES", "LEVEL", "TIER", "SINCE", "MILESTONES"};
}

TableRow View<v1::Partnership>::Row(const v1::Partnership& partnership) {
  const v1::PartnershipLevel& level = partnership.current_level();
  return MakeRow({partnership.name(), CountryCodes(partnership.countries()),
                  Shorten(level.label(), kMaxLabelWidth),
                  EnumText(v1::PartnershipTier_descriptor(), level.tier()), DateText(level.since()),
                  CountText(partnership.milestones_size())},
                 PartnershipCitationLines(partnership));
}

std::vector<Detail> View<v1::Partnership>::Details(const v1::Partnership& partnership) {
  const v1::PartnershipLevel& level = partnership.current_level();
  // Each milestone on a line of its own, its evidence beneath it.
  std::vector<std::string> milestones;
  for (const v1::Milestone& milestone : partnership.milestones()) {
    milestones.push_back(MilestoneText(milestone));
    for (const std::string& line : CitationLines(milestone.citations())) {
      milestones.push_back(absl::StrCat("  ", line));
    }
  }
  return WithRecordTail(
      partnership,
      {
          {"name", partnership.name(), {}},
          {"countries", CountryCodes(partnership.countries()), {}},
          {"current level", level.label(), {}},
          {"tier", EnumText(v1::PartnershipTier_descriptor(), level.tier()), {}},
          {"since", DateText(level.since()), {}},
          {"milestones", CountText(partnership.milestones_size()), std::move(milestones)},
      });
}

// Trade records.

std::vector<std::string> View<v1::TradeRecord>::Headers() {
  return {"NAME", "REPORTER", "PARTNER", "PERIOD", "FLOW", "VALUE", "CHANGE"};
}

TableRow View<v1::TradeRecord>::Row(const v1::TradeRecord& record) {
  return MakeRow(
      {record.name(), CountryCode(record.reporter()), CountryCode(record.partner()),
       PeriodText(record.period()), EnumText(v1::TradeFlow_descriptor(), record.flow()),
       MoneyText(record.value()),
       record.has_reported_change_pct() ? PercentText(record.reported_change_pct()) : ""},
      CitationLines(record.citations()));
}

std::vector<Detail> View<v1::TradeRecord>::Details(const v1::TradeRecord& record) {
  return WithRecordTail(
      record,
      {
          {"name", record.name(), {}},
          {"reporter", record.reporter(), {}},
          {"partner", record.partner(), {}},
          {"period", PeriodText(record.period()), {}},
          {"flow", EnumText(v1::TradeFlow_descriptor(), record.flow()), {}},
          {"commodity", CommodityText(record.commodity()), {}},
          {"value", MoneyText(record.value()), {}},
          {"reported change",
           record.has_reported_change_pct() ? PercentText(record.reported_change_pct()) : "",
           {}},
          {"computed change",
           record.has_computed_change_pct() ? PercentText(record.computed_change_pct()) : "",
           {}},
          {"partner rank", CountText(record.partner_rank()), {}},
          {"main commodities", ListText(record.main_commodities()), {}},
      });
}

// Infrastructure projects.

std::vector<std::string> View<v1::InfrastructureProject>::Headers() {
  return {"NAME", "PROJECT", "KIND", "STATUS", "HOST", "CAPACITY", "START"};
}

TableRow View<v1::InfrastructureProject>::Row(const v1::InfrastructureProject& project) {
  return MakeRow({project.name(), Shorten(project.display_name(), kMaxLabelWidth),
                  EnumText(v1::InfrastructureKind_descriptor(), project.kind()),
                  EnumText(v1::ProjectStatus_descriptor(), project.status()),
                  CountryCode(project.host_country()), QuantityText(project.capacity()),
                  DateText(project.start_date())},
                 CitationLines(project.citations()));
}

std::vector<Detail> View<v1::InfrastructureProject>::Details(
    const v1::InfrastructureProject& project) {
  return WithRecordTail(
      project, {
                   {"name", project.name(), {}},
                   {"display name", project.display_name(), {}},
                   {"kind", EnumText(v1::InfrastructureKind_descriptor(), project.kind()), {}},
                   {"sector", EnumText(v1::Sector_descriptor(), project.sector()), {}},
                   {"host country", project.host_country(), {}},
                   {"partner countries", CountryCodes(project.partner_countries()), {}},
                   {"place", project.location().place(), {}},
                   {"region code", project.location().region_code(), {}},
                   {"coordinates", CoordinatesText(project.location()), {}},
                   {"status", EnumText(v1::ProjectStatus_descriptor(), project.status()), {}},
                   {"initiative", project.initiative(), {}},
                   {"capacity", QuantityText(project.capacity()), {}},
                   {"investment", MoneyText(project.investment()), {}},
                   {"start date", DateText(project.start_date()), {}},
                   {"completion date", DateText(project.completion_date()), {}},
                   {"description", project.description(), {}},
               });
}

// Exchanges.

std::vector<std::string> View<v1::Exchange>::Headers() {
  return {"NAME", "KIND", "COUNTRIES", "TITLE", "DATE"};
}

TableRow View<v1::Exchange>::Row(const v1::Exchange& exchange) {
  return MakeRow({exchange.name(), EnumText(v1::ExchangeKind_descriptor(), exchange.kind()),
                  CountryCodes(exchange.countries()), Shorten(exchange.title(), kMaxTitleWidth),
                  DateText(exchange.date())},
                 CitationLines(exchange.citations()));
}

std::vector<Detail> View<v1::Exchange>::Details(const v1::Exchange& exchange) {
  return WithRecordTail(exchange,
                        {
                            {"name", exchange.name(), {}},
                            {"kind", EnumText(v1::ExchangeKind_descriptor(), exchange.kind()), {}},
                            {"countries", CountryCodes(exchange.countries()), {}},
                            {"host country", exchange.host_country(), {}},
                            {"title", exchange.title(), {}},
                            {"date", DateText(exchange.date()), {}},
                            {"description", exchange.description(), {}},
                        });
}

// Observations.

std::vector<std::string> View<v1::Observation>::Headers() {
  return {"NAME", "METRIC", "COUNTRIES", "PERIOD", "VALUE", "PROJECTION"};
}

TableRow View<v1::Observation>::Row(const v1::Observation& observation) {
  return MakeRow({observation.name(), observation.metric(), CountryCodes(observation.countries()),
                  PeriodText(observation.period()), ObservationValueText(observation),
                  observation.projection() ? "yes" : "no"},
                 CitationLines(observation.citations()));
}

std::vector<Detail> View<v1::Observation>::Details(const v1::Observation& observation) {
  return WithRecordTail(observation,
                        {
                            {"name", observation.name(), {}},
                            {"metric", observation.metric(), {}},
                            {"countries", CountryCodes(observation.countries()), {}},
                            {"period", PeriodText(observation.period()), {}},
                            {"value", ObservationValueText(observation), {}},
                            {"projection", observation.projection() ? "yes" : "no", {}},
                            {"description", observation.description(), {}},
                        });
}

// Countries: reference data, without citations or stored times.

std::vector<std::string> View<v1::Country>::Headers() {
  return {"NAME", "ALPHA-3", "NUMERIC", "COUNTRY", "OFFICIAL NAME"};
}

TableRow View<v1::Country>::Row(const v1::Country& country) {
  return MakeRow({country.name(), country.alpha3(), country.numeric(), country.display_name(),
                  country.official_name()});
}

std::vector<Detail> View<v1::Country>::Details(const v1::Country& country) {
  return Dashed({
      {"name", country.name(), {}},
      {"alpha-2", country.alpha2(), {}},
      {"alpha-3", country.alpha3(), {}},
      {"numeric", country.numeric(), {}},
      {"display name", country.display_name(), {}},
      {"official name", country.official_name(), {}},
  });
}

// Findings: kept by the server, without citations of their own; what was
// found is shown beneath each row.

std::vector<std::string> View<v1::Finding>::Headers() {
  return {"NAME", "KIND", "STATE", "SUBJECT", "COUNTRIES", "STATED", "COMPUTED"};
}

TableRow View<v1::Finding>::Row(const v1::Finding& finding) {
  std::vector<std::string> notes;
  if (!finding.description().empty()) notes.push_back(finding.description());
  return MakeRow(
      {finding.name(), EnumText(v1::FindingKind_descriptor(), finding.kind()),
       EnumText(v1::FindingState_descriptor(), finding.state()), finding.subject(),
       CountryCodes(finding.countries()), FindingValueText(finding.kind(), finding.stated_value()),
       ComputedValueText(finding)},
      std::move(notes));
}

std::vector<Detail> View<v1::Finding>::Details(const v1::Finding& finding) {
  std::vector<Detail> details = {
      {"name", finding.name(), {}},
      {"kind", EnumText(v1::FindingKind_descriptor(), finding.kind()), {}},
      {"state", EnumText(v1::FindingState_descriptor(), finding.state()), {}},
      {"subject", finding.subject(), {}},
      {"records", ListText(finding.records()), {}},
      {"countries", CountryCodes(finding.countries()), {}},
      {"stated value", FindingValueText(finding.kind(), finding.stated_value()), {}},
      {"computed value", ComputedValueText(finding), {}},
      {"description", finding.description(), {}},
      {"resolution", finding.resolution(), {}},
  };
  AddStoredTail(finding, details);
  return Dashed(std::move(details));
}

// Relationships: the dossier is a summary of other records, so each part
// gives its counts on its line and the records it names beneath, one table
// row of theirs per line.

namespace {

// Each record as its table row reads, on one line.
template <typename T>
std::vector<std::string> RowLines(const google::protobuf::RepeatedPtrField<T>& records) {
  std::vector<std::string> lines;
  for (const T& record : records) {
    lines.push_back(absl::StrJoin(View<T>::Row(record).cells, "  "));
  }
  return lines;
}

// "Permanent Comprehensive Strategic Partnership [PERMANENT_COMPREHENSIVE_STRATEGIC]
// since 2024-07-03".
std::string LevelText(const v1::PartnershipLevel& level) {
  std::string text = level.label();
  if (level.tier() != 0) {
    absl::StrAppend(&text, text.empty() ? "" : " ", "[",
                    EnumText(v1::PartnershipTier_descriptor(), level.tier()), "]");
  }
  std::string since = DateText(level.since());
  if (!since.empty()) absl::StrAppend(&text, " since ", since);
  return text;
}

Detail PartnershipDetail(const v1::Relationship& dossier) {
  if (!dossier.has_partnership()) return {"partnership", "", {}};
  const v1::PartnershipSummary& summary = dossier.partnership();
  std::vector<std::string> notes;
  if (summary.has_current_level()) {
    notes.push_back(absl::StrCat("level: ", LevelText(summary.current_level())));
  }
  notes.push_back(absl::StrCat("milestones: ", summary.milestone_count()));
  return {"partnership", summary.partnership(), std::move(notes)};
}

// "CN visiting KZ: 5, latest visits/xi-jinping-kz-2024 (2024-07-02)".
std::string VisitDirectionText(const v1::VisitDirection& direction) {
  std::string text = absl::StrCat(CountryCode(direction.visitor_country()), " visiting ",
                                  CountryCode(direction.host_country()), ": ", direction.count());
  if (direction.has_latest_visit()) {
    const v1::Visit& latest = direction.latest_visit();
    absl::StrAppend(&text, ", latest ", latest.name());
    std::string date = DateText(latest.start_date());
    if (!date.empty()) absl::StrAppend(&text, " (", date, ")");
  }
  return text;
}

Detail VisitsDetail(const v1::VisitSummary& visits) {
  std::vector<std::string> notes;
  for (const v1::VisitDirection& direction : visits.directions()) {
    notes.push_back(VisitDirectionText(direction));
  }
  return {"visits", absl::StrCat(visits.total_count()), std::move(notes)};
}

// " (the first 100 of 2,400 shown)" when a dossier lists only the first
// `listed` of `count`; empty when it lists them all.
std::string Shown(int listed, int count) {
  if (count <= listed) return "";
  return absl::StrCat(" (the first ", listed, " of ", count, " shown)");
}

Detail TradeDetail(const v1::TradeSummary& trade) {
  std::string value = absl::StrCat(trade.record_count(), " records");
  if (trade.has_latest_period()) {
    absl::StrAppend(&value, ", latest period ", PeriodText(trade.latest_period()),
                    Shown(trade.latest_records_size(), trade.latest_record_count()));
  }
  return {"trade", std::move(value), RowLines(trade.latest_records())};
}

Detail InfrastructureDetail(const v1::InfrastructureSummary& infrastructure) {
  std::vector<std::string> notes;
  for (const v1::ProjectStatusCount& count : infrastructure.status_counts()) {
    std::string status = EnumText(v1::ProjectStatus_descriptor(), count.status());
    notes.push_back(absl::StrCat(status.empty() ? "no status" : status, ": ", count.count()));
  }
  return {"infrastructure", absl::StrCat(infrastructure.total_count(), " projects"),
          std::move(notes)};
}

}  // namespace

std::vector<Detail> View<v1::Relationship>::Details(const v1::Relationship& dossier) {
  return Dashed({
      {"name", dossier.name(), {}},
      {"countries", CountryCodes(dossier.countries()), {}},
      PartnershipDetail(dossier),
      VisitsDetail(dossier.visits()),
      TradeDetail(dossier.trade()),
      InfrastructureDetail(dossier.infrastructure()),
      {"exchanges", absl::StrCat(dossier.exchanges().total_count()),
       RowLines(dossier.exchanges().latest())},
      {"latest observations",
       absl::StrCat(dossier.latest_observations_size(),
                    dossier.observation_count() > dossier.latest_observations_size()
                        ? absl::StrCat(" of ", dossier.observation_count())
                        : ""),
       RowLines(dossier.latest_observations())},
      {"open findings",
       absl::StrCat(std::max(dossier.open_finding_count(), dossier.open_findings_size()),
                    Shown(dossier.open_findings_size(), dossier.open_finding_count())),
       RowLines(dossier.open_findings())},
  });
}

// Timeline entries: a period, where the entry has one, says more than the
// date standing for it; the evidence goes beneath.

std::vector<std::string> View<v1::TimelineEntry>::Headers() {
  return {"DATE", "KIND", "RECORD", "SUMMARY"};
}

TableRow View<v1::TimelineEntry>::Row(const v1::TimelineEntry& entry) {
  return MakeRow(
      {entry.has_period() ? PeriodText(entry.period()) : DateText(entry.date()),
       EnumText(v1::TimelineEntryKind_descriptor(), entry.kind()), entry.record(), entry.summary()},
      CitationLines(entry.citations()));
}

// Search results, best first; scores matter only relative to each other.
// A snippet can span the lines of the text it quotes; a row has one line.

namespace {

std::string SingleLine(const std::string& text) {
  return absl::StrJoin(absl::StrSplit(text, absl::ByAnyChar(" \t\r\n"), absl::SkipEmpty()), " ");
}

}  // namespace

// TEXT AT: where a source's snippet stands in its text, in code points.
std::vector<std::string> View<v1::SearchResult>::Headers() {
  return {"NAME", "SCORE", "TEXT AT", "SNIPPET"};
}

TableRow View<v1::SearchResult>::Row(const v1::SearchResult& result) {
  const std::string text_at = result.has_text_start() && result.has_text_end()
                                  ? absl::StrCat(result.text_start(), "-", result.text_end())
                                  : "";
  return MakeRow({result.name(), absl::StrFormat("%.4g", result.score()), text_at,
                  SingleLine(result.snippet())});
}

}  // namespace bilateral::cli
