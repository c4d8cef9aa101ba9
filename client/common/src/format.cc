#include "bilateral/format.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace bilateral {
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
  return money.currency_code().empty() ? amount : absl::StrCat(money.currency_code(), " ", amount);
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

}  // namespace bilateral
