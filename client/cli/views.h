// How each resource reads in table output: the columns of `list`, one row
// per record with its citations beneath, and the "field: value" lines of
// `get`, `create` and `update`.
#pragma once

#include <string>
#include <vector>

#include "bilateral/v1/source.pb.h"
#include "bilateral/v1/visit.pb.h"
#include "table.h"

namespace bilateral::cli {

template <typename T>
struct View;

template <>
struct View<v1::Visit> {
  static std::vector<std::string> Headers();
  static TableRow Row(const v1::Visit& visit);
  static std::vector<Detail> Details(const v1::Visit& visit);
};

template <>
struct View<v1::Source> {
  static std::vector<std::string> Headers();
  static TableRow Row(const v1::Source& source);
  static std::vector<Detail> Details(const v1::Source& source);
};

// A partial date as precise as it is known: "2013", "2022-09", "2024-07-02";
// "" when the year is unknown.
std::string DateText(const v1::Date& date);

// `> quote — sources/x (speaker)`, the speaker only when attributed.
std::string CitationText(const v1::Citation& citation);

}  // namespace bilateral::cli
