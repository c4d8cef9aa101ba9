#include "domain/consistency.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "bilateral/citations.h"
#include "bilateral/v1/finding.pb.h"
#include "domain/citation_check.h"
#include "domain/fields.h"
#include "domain/names.h"
#include "domain/quotes.h"
#include "domain/records.h"
#include "domain/resources.h"
#include "domain/rows.h"

namespace bilateral::domain {
namespace {

using store::Row;
using store::RowEditor;
using store::SqlValue;

// Stores `record` as the new payload of `row`.
template <typename Message>
absl::Status Rewrite(RowEditor& editor, Row row, const Message& record) {
  row.payload = record.SerializeAsString();
  row.columns = Resource<Message>::Columns(record);
  return editor.Put(Resource<Message>::Collection(), std::move(row));
}

// Opens or updates the finding `id` with `open`; or, when `open` is unset,
// closes the finding `id` if it is open, saying why in its resolution.
absl::Status Settle(RowEditor& editor, const std::string& id, std::optional<v1::Finding> open,
                    absl::string_view closed_because) {
  const auto& findings = Resource<v1::Finding>::Collection();
  v1::Finding finding;
  if (open.has_value()) {
    finding = *std::move(open);
    finding.set_state(v1::FINDING_STATE_OPEN);
  } else {
    auto stored = editor.Select(findings, {{"id", id}}, "");
    if (!stored.ok()) return stored.status();
    if (stored->empty()) return absl::OkStatus();
    auto parsed = PayloadOf<v1::Finding>(stored->front());
    if (!parsed.ok()) return parsed.status();
    if (parsed->state() == v1::FINDING_STATE_CLOSED) return absl::OkStatus();
    finding = *std::move(parsed);
    finding.set_state(v1::FINDING_STATE_CLOSED);
    finding.set_resolution(absl::StrCat("Closed: ", closed_because));
  }
  Row row;
  row.id = id;
  row.payload = finding.SerializeAsString();
  row.columns = Resource<v1::Finding>::Columns(finding);
  return editor.Put(findings, std::move(row));
}

std::vector<std::string> CountryPair(const std::string& a, const std::string& b) {
  std::vector<std::string> pair = {a, b};
  std::sort(pair.begin(), pair.end());
  pair.erase(std::unique(pair.begin(), pair.end()), pair.end());
  return pair;
}

// ----- Visits

std::string VisitFindingId(absl::string_view visit_id) {
  return absl::StrCat("visit-ordinal-", visit_id);
}

// The finding for `visit`, stored as `id`, whose series up to and including
// it are `series` (names, in order); unset when its stated ordinal holds or
// none is stated.
std::optional<v1::Finding> OrdinalFinding(const v1::Visit& visit, const std::string& id,
                                          const std::vector<std::string>& series) {
  const int stated = visit.reported_ordinal();
  const int computed = static_cast<int>(series.size());
  if (stated == 0 || stated == computed) return std::nullopt;
  v1::Finding finding;
  const std::string subject = absl::StrCat("visits/", id);
  finding.set_subject(subject);
  finding.add_records(subject);
  for (auto it = series.rbegin() + 1; it != series.rend(); ++it) finding.add_records(*it);
  for (auto& country : CountryPair(visit.visitor().country(), visit.host_country())) {
    finding.add_countries(country);
  }
  finding.set_stated_value(stated);
  finding.set_computed_value(computed);
  const std::string whose = absl::StrCat(visit.visitor().name(), " to ", visit.host_country());
  if (stated > computed) {
    finding.set_kind(v1::FINDING_KIND_ORDINAL_UNCONFIRMED);
    finding.set_description(absl::StrCat(subject, " is stated to be visit ", stated, " of ", whose,
                                         ", but only ", computed, " visits up to it are stored"));
    finding.set_resolution(absl::StrCat("Store the ", stated - computed, " earlier visit",
                                        stated - computed == 1 ? "" : "s", " of ", whose,
                                        " that the source counts."));
  } else {
    finding.set_kind(v1::FINDING_KIND_ORDINAL_CONTRADICTED);
    finding.set_description(absl::StrCat(subject, " is stated to be visit ", stated, " of ", whose,
                                         ", but ", computed, " visits up to it are stored"));
    finding.set_resolution(absl::StrCat(
        "Check the stated ordinal against the earlier visits stored: one of them is wrong, "
        "dated wrongly or stored twice."));
  }
  return finding;
}

// Numbers the visits of one visitor (`visitor` is their NameKey) to one
// host country by start date,
// from the first visit dated `from` on: the visits before it keep their
// ordinals, so the work follows the visits whose ordinal can move (none
// but the new one, for a visit later than every other in its series).
absl::Status RenumberSeries(RowEditor& editor, const std::string& visitor, const std::string& host,
                            int64_t from) {
  const auto& visits = Resource<v1::Visit>::Collection();
  store::RowRange range;
  range.equal = {{"visitor_key", visitor}, {"host_country", host}};
  range.order_column = "start_date";
  range.from = from;
  // The ordinal of the last visit before `from` is where the count resumes.
  store::RowRange before = range;
  before.descending = true;
  before.limit = 1;
  auto previous = editor.SelectRange(visits, before);
  if (!previous.ok()) return previous.status();
  int ordinal = 0;
  if (!previous->empty()) {
    auto visit = PayloadOf<v1::Visit>(previous->front());
    if (!visit.ok()) return visit.status();
    ordinal = visit->computed_ordinal();
  }
  auto rows = editor.SelectRange(visits, range);
  if (!rows.ok()) return rows.status();
  std::vector<std::string> walked;  // names of the visits walked so far
  // Names of the visits before `from`, read only when a finding needs them
  // (a finding's records are the series up to its visit).
  std::optional<std::vector<std::string>> earlier;
  for (auto& row : *rows) {
    auto visit = PayloadOf<v1::Visit>(row);
    if (!visit.ok()) return visit.status();
    ++ordinal;
    const std::string id = row.id;
    walked.push_back(absl::StrCat("visits/", id));
    if (visit->computed_ordinal() != ordinal) {
      visit->set_computed_ordinal(ordinal);
      if (auto status = Rewrite(editor, std::move(row), *visit); !status.ok()) return status;
    }
    std::optional<v1::Finding> finding;
    if (visit->reported_ordinal() != 0 && visit->reported_ordinal() != ordinal) {
      if (!earlier.has_value()) {
        store::RowRange all_before = before;
        all_before.limit = 0;
        auto prefix = editor.SelectRange(visits, all_before);
        if (!prefix.ok()) return prefix.status();
        earlier.emplace();
        for (auto it = prefix->rbegin(); it != prefix->rend(); ++it) {
          earlier->push_back(absl::StrCat("visits/", it->id));
        }
      }
      std::vector<std::string> series = *earlier;
      series.insert(series.end(), walked.begin(), walked.end());
      finding = OrdinalFinding(*visit, id, series);
    }
    auto status = Settle(editor, VisitFindingId(id), std::move(finding),
                         "the visits stored now bear the stated ordinal out.");
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

// ----- Trade records

std::string TradeFindingId(absl::string_view record_id) {
  return absl::StrCat("trade-change-", record_id);
}

// The unique key of a trade record as column values: reporter, partner,
// period year, quarter and month, flow, HS code, commodity label.
using TradeKey = std::vector<SqlValue>;
constexpr size_t kKeySize = 8;
constexpr size_t kYear = 2, kQuarter = 3, kMonth = 4;

TradeKey KeyOf(const v1::TradeRecord& record) {
  auto columns = Resource<v1::TradeRecord>::Columns(record);
  columns.resize(kKeySize);
  return columns;
}

int64_t At(const TradeKey& key, size_t i) { return std::get<int64_t>(key[i]); }

// The same series one period earlier (step -1) or later (step +1).
TradeKey Step(TradeKey key, int step) {
  int64_t year = At(key, kYear), quarter = At(key, kQuarter), month = At(key, kMonth);
  auto roll = [&](int64_t& part, int64_t last) {
    part += step;
    if (part < 1) part = last, --year;
    if (part > last) part = 1, ++year;
  };
  if (quarter != 0) {
    roll(quarter, 4);
  } else if (month != 0) {
    roll(month, 12);
  } else {
    year += step;
  }
  key[kYear] = year;
  key[kQuarter] = quarter;
  key[kMonth] = month;
  return key;
}

std::string PeriodText(const TradeKey& key) {
  if (At(key, kQuarter) != 0) return absl::StrCat(At(key, kYear), "-Q", At(key, kQuarter));
  if (At(key, kMonth) != 0) return absl::StrFormat("%d-%02d", At(key, kYear), At(key, kMonth));
  return absl::StrCat(At(key, kYear));
}

// What one write did to the trade records, so that after_write looks up
// in memory, not in the store, the rows the write itself stored: the rows
// now at the keys it wrote (unset where it removed one), and the ids it
// created.
struct TradeWrite {
  std::map<TradeKey, std::optional<Row>> rows;
  std::set<std::string> created;
  // Once Prefetch has run: the stored rows at the keys it read.
  bool prefetched = false;
  std::map<TradeKey, Row> stored;
};

// Reads, in one go, the stored rows at `keys` and at the period before
// each that the write did not itself store, so that the recomputation
// of a chunk reads the store a few times, not once or twice per row.
absl::Status Prefetch(RowEditor& editor, const std::set<TradeKey>& keys, TradeWrite& write) {
  const auto& collection = Resource<v1::TradeRecord>::Collection();
  std::set<TradeKey> wanted;
  for (const auto& key : keys) {
    for (auto&& needed : {key, Step(key, -1)}) {
      if (write.rows.count(needed) == 0) wanted.insert(needed);
    }
  }
  const std::vector<std::string> columns(collection.columns.begin(),
                                         collection.columns.begin() + kKeySize);
  auto rows = editor.SelectKeys(collection, columns, {wanted.begin(), wanted.end()});
  if (!rows.ok()) return rows.status();
  for (auto& row : *rows) {
    auto record = PayloadOf<v1::TradeRecord>(row);
    if (!record.ok()) return record.status();
    write.stored.emplace(KeyOf(*record), std::move(row));
  }
  write.prefetched = true;
  return absl::OkStatus();
}

absl::StatusOr<std::optional<Row>> FindTrade(RowEditor& editor, const TradeKey& key,
                                             const TradeWrite& write) {
  if (auto it = write.rows.find(key); it != write.rows.end()) return it->second;
  if (write.prefetched) {
    auto it = write.stored.find(key);
    if (it == write.stored.end()) return std::optional<Row>();
    return std::optional<Row>(it->second);
  }
  const auto& collection = Resource<v1::TradeRecord>::Collection();
  std::vector<std::pair<std::string, SqlValue>> equal;
  for (size_t i = 0; i < kKeySize; ++i) equal.emplace_back(collection.columns[i], key[i]);
  auto rows = editor.Select(collection, equal, "");
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<Row>();
  return std::optional<Row>(std::move(rows->front()));
}

double Amount(const v1::Money& money) { return money.units() + money.nanos() / 1e9; }

std::string Percent(double value) { return absl::StrFormat("%.1f%%", value); }

// The change of `record` against `previous`, when both have comparable
// values.
std::optional<double> Change(const v1::TradeRecord& record, const v1::TradeRecord* previous) {
  if (previous == nullptr || !record.has_value() || !previous->has_value()) return std::nullopt;
  if (record.value().currency_code() != previous->value().currency_code()) return std::nullopt;
  const double before = Amount(previous->value());
  if (before == 0) return std::nullopt;
  // To a hundredth of a percent: stored values do not depend on rounding
  // noise, and a recomputation from scratch gives the same bytes.
  return std::round((Amount(record.value()) - before) / before * 10000.0) / 100.0;
}

std::optional<v1::Finding> ChangeFinding(const v1::TradeRecord& record, const std::string& id,
                                         const TradeKey& key, const std::string& previous_name) {
  if (!record.has_reported_change_pct()) return std::nullopt;
  const double stated = record.reported_change_pct();
  if (record.has_computed_change_pct() &&
      std::abs(stated - record.computed_change_pct()) <= kChangeTolerancePoints) {
    return std::nullopt;
  }
  v1::Finding finding;
  const std::string subject = absl::StrCat("tradeRecords/", id);
  finding.set_subject(subject);
  finding.add_records(subject);
  if (!previous_name.empty()) finding.add_records(previous_name);
  for (auto& country : CountryPair(record.reporter(), record.partner())) {
    finding.add_countries(country);
  }
  finding.set_stated_value(stated);
  const std::string previous_period = PeriodText(Step(key, -1));
  if (!record.has_computed_change_pct()) {
    finding.set_kind(v1::FINDING_KIND_CHANGE_UNCONFIRMED);
    finding.set_description(
        previous_name.empty()
            ? absl::StrCat(subject, " states a change of ", Percent(stated), " against ",
                           previous_period, ", for which no record of the same series is stored")
            : absl::StrCat(subject, " states a change of ", Percent(stated), " against ",
                           previous_period, ", but ", previous_name,
                           " has no value in the same currency to compare with"));
    finding.set_resolution(absl::StrCat(
        "Store the trade value for ", previous_period,
        " with the same reporter, partner, flow and commodity, in the same currency."));
  } else {
    finding.set_kind(v1::FINDING_KIND_CHANGE_CONTRADICTED);
    finding.set_computed_value(record.computed_change_pct());
    finding.set_description(
        absl::StrCat(subject, " states a change of ", Percent(stated), " against ", previous_period,
                     ", but the stored values give ", Percent(record.computed_change_pct()),
                     " (tolerance: ", kChangeTolerancePoints, " percentage point)"));
    finding.set_resolution(absl::StrCat("Check the stated change, and the values stored for ",
                                        previous_period, " and ", PeriodText(key), "."));
  }
  return finding;
}

// Recomputes the change of the record at `key`, if one is stored.
absl::Status Recompute(RowEditor& editor, const TradeKey& key, const TradeWrite& write) {
  auto found = FindTrade(editor, key, write);
  if (!found.ok()) return found.status();
  if (!found->has_value()) return absl::OkStatus();
  Row row = **std::move(found);
  auto record = PayloadOf<v1::TradeRecord>(row);
  if (!record.ok()) return record.status();
  auto previous_row = FindTrade(editor, Step(key, -1), write);
  if (!previous_row.ok()) return previous_row.status();
  std::optional<v1::TradeRecord> previous;
  std::string previous_name;
  if (previous_row->has_value()) {
    auto parsed = PayloadOf<v1::TradeRecord>(**previous_row);
    if (!parsed.ok()) return parsed.status();
    previous = *std::move(parsed);
    previous_name = absl::StrCat("tradeRecords/", (*previous_row)->id);
  }
  std::optional<double> change = Change(*record, previous ? &*previous : nullptr);
  const bool same = change.has_value() == record->has_computed_change_pct() &&
                    (!change.has_value() || *change == record->computed_change_pct());
  const std::string id = row.id;
  if (!same) {
    if (change.has_value()) {
      record->set_computed_change_pct(*change);
    } else {
      record->clear_computed_change_pct();
    }
    if (auto status = Rewrite(editor, std::move(row), *record); !status.ok()) return status;
  }
  std::optional<v1::Finding> finding = ChangeFinding(*record, id, key, previous_name);
  // A record this write created has no open finding to close: a deleted
  // record's finding was closed with it.
  if (!finding.has_value() && write.created.count(id) != 0) return absl::OkStatus();
  return Settle(editor, TradeFindingId(id), std::move(finding),
                "the stored values now bear the stated change out.");
}

// A record without a period has no previous period: nothing is computed,
// and a stated change cannot be confirmed.
absl::Status SettleWithoutPeriod(RowEditor& editor, Row row) {
  auto record = PayloadOf<v1::TradeRecord>(row);
  if (!record.ok()) return record.status();
  const std::string id = row.id;
  if (record->has_computed_change_pct()) {
    record->clear_computed_change_pct();
    if (auto status = Rewrite(editor, std::move(row), *record); !status.ok()) return status;
  }
  std::optional<v1::Finding> finding;
  if (record->has_reported_change_pct()) {
    finding.emplace();
    const std::string subject = absl::StrCat("tradeRecords/", id);
    finding->set_kind(v1::FINDING_KIND_CHANGE_UNCONFIRMED);
    finding->set_subject(subject);
    finding->add_records(subject);
    for (auto& country : CountryPair(record->reporter(), record->partner())) {
      finding->add_countries(country);
    }
    finding->set_stated_value(record->reported_change_pct());
    finding->set_description(absl::StrCat(subject, " states a change of ",
                                          Percent(record->reported_change_pct()),
                                          " but no period, so there is nothing to compare with"));
    finding->set_resolution("Give the record the period its value covers.");
  }
  return Settle(editor, TradeFindingId(id), std::move(finding),
                "the record no longer states a change.");
}

// ----- Quotes no longer in their sources

std::string QuoteFindingId(absl::string_view collection, absl::string_view id) {
  return absl::StrCat("quote-", absl::AsciiStrToLower(collection), "-", id);
}

bool HasQuoteNotInSource(const google::protobuf::Message& record) {
  for (const auto& [path, citation] : CitationsIn(record)) {
    if (citation->verification() == v1::CITATION_VERIFICATION_NOT_IN_SOURCE) return true;
  }
  return false;
}

// The finding for `record` (`collection`/`id`): open while one of its
// citations is NOT_IN_SOURCE; unset otherwise.
std::optional<v1::Finding> QuoteFinding(const google::protobuf::Message& record,
                                        absl::string_view collection, absl::string_view id) {
  std::set<std::string> sources;
  std::vector<std::string> quotes;
  for (const auto& [path, citation] : CitationsIn(record)) {
    if (citation->verification() != v1::CITATION_VERIFICATION_NOT_IN_SOURCE) continue;
    sources.insert(citation->source());
    std::string quote = citation->quote().substr(0, 200);
    quotes.push_back(absl::StrCat(path, " \"", quote, "\" (", citation->source(), ")"));
  }
  if (quotes.empty()) return std::nullopt;
  v1::Finding finding;
  const std::string subject = absl::StrCat(collection, "/", id);
  finding.set_kind(v1::FINDING_KIND_QUOTE_NOT_IN_SOURCE);
  finding.set_subject(subject);
  finding.add_records(subject);
  for (const auto& source : sources) finding.add_records(source);
  finding.set_stated_value(static_cast<double>(quotes.size()));
  finding.set_description(absl::StrCat(
      subject,
      " quotes what the text of its source no longer holds: ", absl::StrJoin(quotes, "; ")));
  finding.set_resolution(
      "Restore the passage in the source's text, or correct the record's quote.");
  return finding;
}

// Calls `f(TypeTag<Message>{})` for the record type stored in `collection`.
template <typename F>
void WithRecordType(absl::string_view collection, F&& f) {
  ForEachRecordType([&](auto tag) {
    using Message = typename decltype(tag)::type;
    if (Resource<Message>::Collection().name == collection) f(tag);
  });
}

// Anchors again the citations of `source_name` in the record `id`, against
// the source's new `text` (null: none), and settles the record's finding.
template <typename Message>
absl::Status Reanchor(RowEditor& editor, const std::string& id, const std::string& source_name,
                      const SourceText* text) {
  const auto& collection = Resource<Message>::Collection();
  auto rows = editor.Select(collection, {{"id", id}}, "");
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return absl::OkStatus();
  auto record = PayloadOf<Message>(rows->front());
  if (!record.ok()) return record.status();
  const bool had_missing = HasQuoteNotInSource(*record);
  bool changed = false;
  for (auto& [path, citation] : MutableCitationsIn(*record)) {
    if (citation->source() != source_name) continue;
    const std::string before = citation->SerializeAsString();
    Anchor(text, *citation);
    changed = changed || citation->SerializeAsString() != before;
  }
  if (!changed) return absl::OkStatus();
  Row row = rows->front();
  row.payload = record->SerializeAsString();
  auto derived = Records<Message>::Rederive(row);
  if (!derived.ok()) return derived.status();
  if (auto status = editor.Put(collection, *std::move(derived)); !status.ok()) return status;
  auto finding = QuoteFinding(*record, collection.name, id);
  if (!finding.has_value() && !had_missing) return absl::OkStatus();
  return Settle(editor, QuoteFindingId(collection.name, id), std::move(finding),
                "the source's text holds every quote of the record again.");
}

// Settles the quote finding of each record a write changed that had a
// quote not in its source: the write may have corrected or removed it.
template <typename Message>
absl::Status SettleQuoteFindings(RowEditor& editor, const std::vector<store::RowChange>& changes) {
  const auto& name = Resource<Message>::Collection().name;
  for (const auto& change : changes) {
    if (!change.before.has_value()) continue;
    auto before = PayloadOf<Message>(*change.before);
    if (!before.ok() || !HasQuoteNotInSource(*before)) continue;
    std::optional<v1::Finding> finding;
    if (change.after.has_value()) {
      auto after = PayloadOf<Message>(*change.after);
      if (!after.ok()) return after.status();
      finding = QuoteFinding(*after, name, change.before->id);
    }
    auto status = Settle(editor, QuoteFindingId(name, change.before->id), std::move(finding),
                         change.after.has_value() ? "the record's quotes are in their sources."
                                                  : "the record was deleted.");
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

}  // namespace

template <typename Message>
store::AfterWrite WithQuoteFindings(store::AfterWrite inner) {
  return [inner = std::move(inner)](RowEditor& editor,
                                    const std::vector<store::RowChange>& changes) -> absl::Status {
    if (inner) {
      if (auto status = inner(editor, changes); !status.ok()) return status;
    }
    return SettleQuoteFindings<Message>(editor, changes);
  };
}

template store::AfterWrite WithQuoteFindings<v1::Source>(store::AfterWrite);
template store::AfterWrite WithQuoteFindings<v1::Visit>(store::AfterWrite);
template store::AfterWrite WithQuoteFindings<v1::Partnership>(store::AfterWrite);
template store::AfterWrite WithQuoteFindings<v1::TradeRecord>(store::AfterWrite);
template store::AfterWrite WithQuoteFindings<v1::InfrastructureProject>(store::AfterWrite);
template store::AfterWrite WithQuoteFindings<v1::Exchange>(store::AfterWrite);
template store::AfterWrite WithQuoteFindings<v1::Observation>(store::AfterWrite);

absl::Status AfterSourcesWrite(RowEditor& editor, const std::vector<store::RowChange>& changes) {
  for (const auto& change : changes) {
    // A new source has no citations yet; a deleted one had none.
    if (!change.before.has_value() || !change.after.has_value()) continue;
    auto before = PayloadOf<v1::Source>(*change.before);
    auto after = PayloadOf<v1::Source>(*change.after);
    if (!before.ok()) return before.status();
    if (!after.ok()) return after.status();
    if (before->text() == after->text()) continue;
    const std::string& id = change.after->id;
    const std::string source_name = absl::StrCat("sources/", id);
    std::unique_ptr<SourceText> text;
    if (!after->text().empty()) text = std::make_unique<SourceText>(after->text());
    auto citing = editor.Citing(id);
    if (!citing.ok()) return citing.status();
    for (const auto& citing_record : *citing) {
      // Named, not bound: a lambda may not capture a structured binding
      // before C++20.
      const std::string& collection = citing_record.first;
      const std::string& record_id = citing_record.second;
      // A source quoting itself was checked as it was written.
      if (collection == "sources" && record_id == id) continue;
      absl::Status status;
      WithRecordType(collection, [&](auto tag) {
        status = Reanchor<typename decltype(tag)::type>(editor, record_id, source_name, text.get());
      });
      if (!status.ok()) return status;
    }
  }
  return absl::OkStatus();
}

absl::Status AfterVisitsWrite(RowEditor& editor, const std::vector<store::RowChange>& changes) {
  // Each series a changed visit was or is in, from the earliest date at
  // which a visit entered or left it.
  std::map<std::pair<std::string, std::string>, int64_t> series;
  for (const auto& change : changes) {
    for (const auto* row :
         {change.before ? &*change.before : nullptr, change.after ? &*change.after : nullptr}) {
      if (row == nullptr) continue;
      auto visit = PayloadOf<v1::Visit>(*row);
      if (!visit.ok()) return visit.status();
      const int64_t date = DateKey(visit->start_date());
      auto [it, added] = series.emplace(
          std::make_pair(NameKey(visit->visitor().name()), visit->host_country()), date);
      if (!added) it->second = std::min(it->second, date);
    }
    if (!change.after.has_value() && change.before.has_value()) {
      auto status =
          Settle(editor, VisitFindingId(change.before->id), std::nullopt, "the visit was deleted.");
      if (!status.ok()) return status;
    }
  }
  for (const auto& [key, from] : series) {
    if (auto status = RenumberSeries(editor, key.first, key.second, from); !status.ok()) {
      return status;
    }
  }
  return absl::OkStatus();
}

absl::Status AfterTradeRecordsWrite(RowEditor& editor,
                                    const std::vector<store::RowChange>& changes) {
  // Every period whose record, or whose previous period's record, changed.
  std::set<TradeKey> affected;
  TradeWrite write;
  // The rows the write removed from their keys first, then those it put
  // there, which may take a removed row's key.
  std::vector<std::pair<TradeKey, const Row*>> put;
  for (const auto& change : changes) {
    for (const auto* row :
         {change.before ? &*change.before : nullptr, change.after ? &*change.after : nullptr}) {
      if (row == nullptr) continue;
      auto record = PayloadOf<v1::TradeRecord>(*row);
      if (!record.ok()) return record.status();
      if (record->period().year() == 0) {
        if (row == &*change.after) {
          if (auto status = SettleWithoutPeriod(editor, *row); !status.ok()) return status;
        }
        continue;
      }
      TradeKey key = KeyOf(*record);
      affected.insert(Step(key, +1));
      if (row == &*change.after) {
        put.emplace_back(key, row);
      } else {
        write.rows.emplace(key, std::nullopt);
      }
      affected.insert(std::move(key));
    }
    if (!change.before.has_value() && change.after.has_value()) {
      write.created.insert(change.after->id);
    }
    if (!change.after.has_value() && change.before.has_value()) {
      auto status = Settle(editor, TradeFindingId(change.before->id), std::nullopt,
                           "the trade record was deleted.");
      if (!status.ok()) return status;
    }
  }
  for (const auto& [key, row] : put) write.rows[key] = *row;
  if (auto status = Prefetch(editor, affected, write); !status.ok()) return status;
  for (const auto& key : affected) {
    if (auto status = Recompute(editor, key, write); !status.ok()) return status;
  }
  return absl::OkStatus();
}

void BeforeTradeRecordsInsert(std::vector<store::Row>& rows) {
  std::vector<std::optional<v1::TradeRecord>> records(rows.size());
  std::map<TradeKey, size_t> by_key;  // the first row with each key
  for (size_t i = 0; i < rows.size(); ++i) {
    auto record = PayloadOf<v1::TradeRecord>(rows[i]);
    if (!record.ok() || record->period().year() == 0) continue;
    by_key.emplace(KeyOf(*record), i);
    records[i] = *std::move(record);
  }
  for (auto& [key, i] : by_key) {
    auto previous = by_key.find(Step(key, -1));
    if (previous == by_key.end()) continue;
    std::optional<double> change = Change(*records[i], &*records[previous->second]);
    if (!change.has_value()) continue;
    records[i]->set_computed_change_pct(*change);
    rows[i].payload = records[i]->SerializeAsString();
  }
}

}  // namespace bilateral::domain
