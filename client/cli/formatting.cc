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
namespace {

// 43820000000 -> "43,820,000,000".
std::string GroupThousands(uint64_t number) {
  std::string digits = absl::StrCat(number);
  std::string grouped;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
    grouped += digits[i];
  }
  return grouped;
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

std::string PeriodText(const v1::Period& period) {
  if (period.year() == 0) return "";
  std::string text = absl::StrFormat("%04d", period.year());
  if (period.quarter() != 0) absl::StrAppend(&text, "-Q", period.quarter());
  if (period.month() != 0) absl::StrAppendFormat(&text, "-%02d", period.month());
  return text;
}

std::string MoneyText(const v1::Money& money) {
  if (money.currency_code().empty() && money.units() == 0 && money.nanos() == 0) return "";
  bool negative = money.units() < 0 || money.nanos() < 0;
  // Negating the unsigned value keeps INT64_MIN exact.
  uint64_t units = money.units() < 0 ? 0 - static_cast<uint64_t>(money.units())
                                     : static_cast<uint64_t>(money.units());
  std::string amount = absl::StrCat(negative ? "-" : "", GroupThousands(units));
  if (money.nanos() != 0) {
    std::string fraction = absl::StrFormat("%09d", std::abs(money.nanos()));
    fraction.erase(fraction.find_last_not_of('0') + 1);
    absl::StrAppend(&amount, ".", fraction);
  }
  return money.currency_code().empty() ? amount
                                       : absl::StrCat(money.currency_code(), " ", amount);
}

std::string QuantityText(const v1::Quantity& quantity) {
  if (quantity.value() == 0 && quantity.unit().empty()) return "";
  std::string text = DecimalText(quantity.value());
  if (!quantity.unit().empty()) absl::StrAppend(&text, " ", quantity.unit());
  return text;
}

std::string DecimalText(double value) {
  if (std::isfinite(value) && std::trunc(value) == value && std::fabs(value) < 1e15) {
    return absl::StrCat(value < 0 ? "-" : "",
                        GroupThousands(static_cast<uint64_t>(std::fabs(value))));
  }
  // 15 significant digits print decimal inputs such as 0.1 as written.
  return absl::StrFormat("%.15g", value);
}

std::string PercentText(double value) {
  return absl::StrCat(value > 0 ? "+" : "", DecimalText(value), "%");
}

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
