// How each resource reads in table output: the columns of `list` and
// `batch-get`, one row per record with its citations beneath, and the
// "field: value" lines of `get`, `create` and `update`.
#pragma once

#include <string>
#include <vector>

#include "bilateral/v1/country.pb.h"
#include "bilateral/v1/exchange.pb.h"
#include "bilateral/v1/finding.pb.h"
#include "bilateral/v1/infrastructure.pb.h"
#include "bilateral/v1/observation.pb.h"
#include "bilateral/v1/partnership.pb.h"
#include "bilateral/v1/relationship.pb.h"
#include "bilateral/v1/search.pb.h"
#include "bilateral/v1/source.pb.h"
#include "bilateral/v1/trade.pb.h"
#include "bilateral/v1/visit.pb.h"
#include "table.h"

namespace bilateral::cli {

// Each specialisation gives the column headers of a table, one record's row
// of it (with the record's citations as the lines beneath), and the lines
// that show one record in full. What the server derives has only the half
// its commands show: a relationship's dossier its lines, search results and
// timeline entries their table.
template <typename T>
struct View;

template <>
struct View<v1::Source> {
  static std::vector<std::string> Headers();
  static TableRow Row(const v1::Source& record);
  static std::vector<Detail> Details(const v1::Source& record);
};

template <>
struct View<v1::Visit> {
  static std::vector<std::string> Headers();
  static TableRow Row(const v1::Visit& record);
  static std::vector<Detail> Details(const v1::Visit& record);
};

template <>
struct View<v1::Partnership> {
  static std::vector<std::string> Headers();
  static TableRow Row(const v1::Partnership& record);
  static std::vector<Detail> Details(const v1::Partnership& record);
};

template <>
struct View<v1::TradeRecord> {
  static std::vector<std::string> Headers();
  static TableRow Row(const v1::TradeRecord& record);
  static std::vector<Detail> Details(const v1::TradeRecord& record);
};

template <>
struct View<v1::InfrastructureProject> {
  static std::vector<std::string> Headers();
  static TableRow Row(const v1::InfrastructureProject& record);
  static std::vector<Detail> Details(const v1::InfrastructureProject& record);
};

template <>
struct View<v1::Exchange> {
  static std::vector<std::string> Headers();
  static TableRow Row(const v1::Exchange& record);
  static std::vector<Detail> Details(const v1::Exchange& record);
};

template <>
struct View<v1::Observation> {
  static std::vector<std::string> Headers();
  static TableRow Row(const v1::Observation& record);
  static std::vector<Detail> Details(const v1::Observation& record);
};

template <>
struct View<v1::Country> {
  static std::vector<std::string> Headers();
  static TableRow Row(const v1::Country& record);
  static std::vector<Detail> Details(const v1::Country& record);
};

template <>
struct View<v1::Finding> {
  static std::vector<std::string> Headers();
  static TableRow Row(const v1::Finding& record);
  static std::vector<Detail> Details(const v1::Finding& record);
};

template <>
struct View<v1::Relationship> {
  static std::vector<Detail> Details(const v1::Relationship& dossier);
};

template <>
struct View<v1::TimelineEntry> {
  static std::vector<std::string> Headers();
  static TableRow Row(const v1::TimelineEntry& entry);
};

template <>
struct View<v1::SearchResult> {
  static std::vector<std::string> Headers();
  static TableRow Row(const v1::SearchResult& result);
};

}  // namespace bilateral::cli
