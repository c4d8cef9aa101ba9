// How the values records hold are written for people: the same text in
// bilateralctl's tables and in the summaries the server writes (a
// relationship's timeline). Each returns "" for a value that is not set.
#pragma once

#include <string>

#include "bilateral/v1/common.pb.h"

namespace bilateral {

// A partial date as precise as it is known: "2013", "2022-09", "2024-07-02".
std::string DateText(const v1::Date& date);

// A statistical period: "2024", "2024-Q1", "2024-03".
std::string PeriodText(const v1::Period& period);

// "USD 43,820,000,000" or "EUR 1,234.5": the currency code, then the exact
// amount with its thousands grouped.
std::string MoneyText(const v1::Money& money);

// "100 MW": the amount, then its unit.
std::string QuantityText(const v1::Quantity& quantity);

// A number without exponent or trailing zeros, whole numbers grouped:
// 600000 -> "600,000", 12.5 -> "12.5".
std::string DecimalText(double value);

// A change in percent with its sign: "+20.5%", "-3%".
std::string PercentText(double value);

}  // namespace bilateral
