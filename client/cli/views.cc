#include "views.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "google/protobuf/util/time_util.h"

namespace bilateral::cli {
namespace {

// Titles run long; the full text is one `get` away.
constexpr size_t kMaxTitleWidth = 60;

// Empty cells would break the eye's scan along a row.
std::string OrDash(std::string text) { return text.empty() ? "-" : text; }

// VISIT_KIND_STATE -> "STATE", the form filters accept; "" when unspecified.
std::string EnumText(const google::protobuf::EnumDescriptor* descriptor, int value) {
  if (value == 0) return "";
  const auto* entry = descriptor->FindValueByNumber(value);
  if (entry == nullptr) return absl::StrCat(value);
  std::string prefix = descriptor->value(0)->name();
  prefix.resize(prefix.size() - std::string_view("UNSPECIFIED").size());
  return std::string(absl::StripPrefix(entry->name(), prefix));
}

// "countries/KZ" -> "KZ": the table has no room for the collection.
std::string CountryCode(const std::string& country) {
  return std::string(absl::StripPrefix(country, "countries/"));
}

std::string NumberText(int number) { return number == 0 ? "" : absl::StrCat(number); }

std::string TimeText(bool present, const google::protobuf::Timestamp& time) {
  return present ? google::protobuf::util::TimeUtil::ToString(time) : "";
}

std::string ListText(const google::protobuf::RepeatedPtrField<std::string>& list) {
  return absl::StrJoin(list, "; ");
}

std::vector<std::string> CitationLines(
    const google::protobuf::RepeatedPtrField<v1::Citation>& citations) {
  std::vector<std::string> lines;
  for (const v1::Citation& citation : citations) lines.push_back(CitationText(citation));
  return lines;
}

// Every value shown as "-" when empty, so each label visibly has a value.
std::vector<Detail> Dashed(std::vector<Detail> details) {
  for (Detail& detail : details) detail.value = OrDash(std::move(detail.value));
  return details;
}

}  // namespace

std::string DateText(const v1::Date& date) {
  if (date.year() == 0) return "";
  std::string text = absl::StrFormat("%04d", date.year());
  if (date.month() != 0) {
    absl::StrAppendFormat(&text, "-%02d", date.month());
    if (date.day() != 0) absl::StrAppendFormat(&text, "-%02d", date.day());
  }
  return text;
}

// Quotes are shown as they are, marked with "> ", since many already begin
// with quotation marks of their own.
std::string CitationText(const v1::Citation& citation) {
  std::string text = absl::StrCat("> ", citation.quote(), " — ", citation.source());
  if (!citation.speaker().empty()) absl::StrAppend(&text, " (", citation.speaker(), ")");
  return text;
}

std::vector<std::string> View<v1::Visit>::Headers() {
  return {"NAME", "VISITOR", "VISITOR COUNTRY", "HOST", "START", "KIND", "ORDINAL"};
}

TableRow View<v1::Visit>::Row(const v1::Visit& visit) {
  TableRow row;
  for (std::string cell :
       {visit.name(), visit.visitor().name(), CountryCode(visit.visitor().country()),
        CountryCode(visit.host_country()), DateText(visit.start_date()),
        EnumText(v1::VisitKind_descriptor(), visit.kind()),
        NumberText(visit.reported_ordinal())}) {
    row.cells.push_back(OrDash(std::move(cell)));
  }
  row.notes = CitationLines(visit.citations());
  return row;
}

std::vector<Detail> View<v1::Visit>::Details(const v1::Visit& visit) {
  return Dashed({
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
      {"reported ordinal", NumberText(visit.reported_ordinal()), {}},
      {"computed ordinal", NumberText(visit.computed_ordinal()), {}},
      {"create time", TimeText(visit.has_create_time(), visit.create_time()), {}},
      {"update time", TimeText(visit.has_update_time(), visit.update_time()), {}},
      {"etag", visit.etag(), {}},
      {"citations", NumberText(visit.citations_size()), CitationLines(visit.citations())},
  });
}

std::vector<std::string> View<v1::Source>::Headers() {
  return {"NAME", "TITLE", "KIND", "DATE", "PUBLISHER"};
}

TableRow View<v1::Source>::Row(const v1::Source& source) {
  TableRow row;
  for (std::string cell :
       {source.name(), Shorten(source.title(), kMaxTitleWidth),
        EnumText(v1::SourceKind_descriptor(), source.kind()),
        DateText(source.publication_date()), source.publisher()}) {
    row.cells.push_back(OrDash(std::move(cell)));
  }
  return row;
}

std::vector<Detail> View<v1::Source>::Details(const v1::Source& source) {
  return Dashed({
      {"name", source.name(), {}},
      {"title", source.title(), {}},
      {"kind", EnumText(v1::SourceKind_descriptor(), source.kind()), {}},
      {"publication date", DateText(source.publication_date()), {}},
      {"publisher", source.publisher(), {}},
      {"author", source.author(), {}},
      {"language", source.language(), {}},
      {"url", source.url(), {}},
      {"description", source.description(), {}},
      {"create time", TimeText(source.has_create_time(), source.create_time()), {}},
      {"update time", TimeText(source.has_update_time(), source.update_time()), {}},
      {"etag", source.etag(), {}},
  });
}

}  // namespace bilateral::cli
