#include "formatting.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "google/protobuf/util/time_util.h"

namespace bilateral::cli {

std::string CountText(int64_t number) { return number == 0 ? "" : absl::StrCat(number); }

std::string EnumText(const google::protobuf::EnumDescriptor* descriptor, int value) {
  if (value == 0) return "";
  const auto* entry = descriptor->FindValueByNumber(value);
  if (entry == nullptr) return absl::StrCat(value);
  std::string prefix = descriptor->value(0)->name();
  prefix.resize(prefix.size() - std::string_view("UNSPECIFIED").size());
  return std::string(absl::StripPrefix(entry->name(), prefix));
}

std::string CountryCode(const std::string& country) {
  return std::string(absl::StripPrefix(country, "countries/"));
}

std::string CountryCodes(const google::protobuf::RepeatedPtrField<std::string>& countries) {
  return absl::StrJoin(countries, ", ", [](std::string* out, const std::string& country) {
    out->append(CountryCode(country));
  });
}

std::string ListText(const google::protobuf::RepeatedPtrField<std::string>& list) {
  return absl::StrJoin(list, "; ");
}

std::string TimeText(bool present, const google::protobuf::Timestamp& time) {
  return present ? google::protobuf::util::TimeUtil::ToString(time) : "";
}

// Quotes are shown as they are, marked with "> ", since many already begin
// with quotation marks of their own.
std::string CitationText(const v1::Citation& citation) {
  std::string text = absl::StrCat("> ", citation.quote(), " — ", citation.source());
  if (!citation.speaker().empty()) absl::StrAppend(&text, " (", citation.speaker(), ")");
  return text;
}

std::vector<std::string> CitationLines(
    const google::protobuf::RepeatedPtrField<v1::Citation>& citations) {
  std::vector<std::string> lines;
  for (const v1::Citation& citation : citations) lines.push_back(CitationText(citation));
  return lines;
}

}  // namespace bilateral::cli
