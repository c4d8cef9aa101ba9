#include "domain/resources.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "domain/fields.h"

namespace bilateral::domain {
namespace {

using query::FieldSpec;
using query::FieldType;

FieldSpec Field(std::string path, std::string column, FieldType type,
                bool orderable = false) {
  FieldSpec spec;
  spec.path = std::move(path);
  spec.column = std::move(column);
  spec.type = type;
  spec.orderable = orderable;
  return spec;
}

// An enum field: accepted values are the enum's names without its prefix.
FieldSpec EnumField(std::string path, std::string column,
                    const google::protobuf::EnumDescriptor* descriptor,
                    std::string prefix) {
  FieldSpec spec = Field(std::move(path), std::move(column), FieldType::kEnum);
  for (int i = 0; i < descriptor->value_count(); ++i) {
    spec.enum_values.push_back(
        descriptor->value(i)->name().substr(prefix.size()));
  }
  spec.enum_prefix = std::move(prefix);
  return spec;
}

// Orders by creation time; filtering on it would need timestamp literals.
FieldSpec CreateTimeOrder() {
  FieldSpec spec = Field("create_time", "create_us", FieldType::kInteger, true);
  spec.filterable = false;
  return spec;
}

FieldSpec CountryField(std::string path, std::string column) {
  FieldSpec spec = Field(std::move(path), std::move(column), FieldType::kString,
                         /*orderable=*/true);
  spec.normalize = NormalizeCountry;
  return spec;
}

// The stored short name of an enum value: VISIT_KIND_STATE -> "STATE".
std::string EnumColumn(const google::protobuf::EnumDescriptor* descriptor,
                       int value, absl::string_view prefix) {
  const auto* entry = descriptor->FindValueByNumber(value);
  return entry == nullptr ? std::string("UNSPECIFIED")
                          : entry->name().substr(prefix.size());
}

void CheckEnum(const google::protobuf::EnumDescriptor* descriptor, int value,
               absl::string_view field, Violations& violations) {
  if (descriptor->FindValueByNumber(value) == nullptr) {
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

}  // namespace

const store::Collection& Resource<v1::Source>::Collection() {
  static const auto* collection = new store::Collection{
      "sources",
      {"title", "publisher", "author", "language", "kind", "publication_date"},
      {
          Field("title", "title", FieldType::kString, true),
          Field("publisher", "publisher", FieldType::kString),
          Field("author", "author", FieldType::kString),
          Field("language", "language", FieldType::kString),
          EnumField("kind", "kind", v1::SourceKind_descriptor(), "SOURCE_KIND_"),
          Field("publication_date", "publication_date", FieldType::kDate, true),
          CreateTimeOrder(),
      }};
  return *collection;
}

void Resource<v1::Source>::Check(v1::Source& source, Violations& violations) {
  CheckText(source.title(), true, Path(kField, "title"), violations);
  CheckText(source.publisher(), false, Path(kField, "publisher"), violations);
  CheckText(source.url(), false, Path(kField, "url"), violations);
  CheckText(source.language(), false, Path(kField, "language"), violations);
  CheckText(source.author(), false, Path(kField, "author"), violations);
  CheckText(source.description(), false, Path(kField, "description"), violations);
  CheckDate(source.publication_date(), false, Path(kField, "publication_date"),
            violations);
  CheckEnum(v1::SourceKind_descriptor(), source.kind(), Path(kField, "kind"),
            violations);
}

std::vector<store::SqlValue> Resource<v1::Source>::Columns(
    const v1::Source& source) {
  return {source.title(),
          source.publisher(),
          source.author(),
          source.language(),
          EnumColumn(v1::SourceKind_descriptor(), source.kind(), "SOURCE_KIND_"),
          DateKey(source.publication_date())};
}

const store::Collection& Resource<v1::Visit>::Collection() {
  static const auto* collection = new store::Collection{
      "visits",
      {"visitor_name", "visitor_office", "visitor_country", "host_country",
       "kind", "start_date", "end_date", "reported_ordinal", "cities",
       "occasions"},
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
          CreateTimeOrder(),
      }};
  return *collection;
}

void Resource<v1::Visit>::Check(v1::Visit& visit, Violations& violations) {
  std::string visitor = Path(kField, "visitor");
  CheckText(visit.visitor().name(), true, Path(visitor, "name"), violations);
  CheckText(visit.visitor().office(), false, Path(visitor, "office"), violations);
  CheckCountry(visit.mutable_visitor()->mutable_country(), true,
               Path(visitor, "country"), violations);
  CheckCountry(visit.mutable_host_country(), true, Path(kField, "host_country"),
               violations);
  if (!visit.host_country().empty() &&
      visit.host_country() == visit.visitor().country()) {
    violations.Add(Path(kField, "host_country"),
                   "must differ from visitor.country");
  }
  CheckDate(visit.start_date(), true, Path(kField, "start_date"), violations);
  CheckDate(visit.end_date(), false, Path(kField, "end_date"), violations);
  if (visit.has_end_date() && DateKey(visit.end_date()) != 0 &&
      DateKey(visit.end_date()) < DateKey(visit.start_date())) {
    violations.Add(Path(kField, "end_date"), "is before start_date");
  }
  CheckEnum(v1::VisitKind_descriptor(), visit.kind(), Path(kField, "kind"),
            violations);
  CheckTextList(visit.cities(), Path(kField, "cities"), violations);
  CheckTextList(visit.occasions(), Path(kField, "occasions"), violations);
  CheckTextList(visit.outcomes(), Path(kField, "outcomes"), violations);
  if (visit.reported_ordinal() < 0) {
    violations.Add(Path(kField, "reported_ordinal"),
                   "must be positive, or 0 when not stated");
  }
  CheckCitations(visit.citations(), true, Path(kField, "citations"), violations);
}

std::vector<store::SqlValue> Resource<v1::Visit>::Columns(const v1::Visit& visit) {
  return {visit.visitor().name(),
          visit.visitor().office(),
          visit.visitor().country(),
          visit.host_country(),
          EnumColumn(v1::VisitKind_descriptor(), visit.kind(), "VISIT_KIND_"),
          DateKey(visit.start_date()),
          DateKey(visit.end_date()),
          int64_t{visit.reported_ordinal()},
          JsonArray(visit.cities()),
          JsonArray(visit.occasions())};
}

}  // namespace bilateral::domain
