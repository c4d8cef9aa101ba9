// Writes records in the chosen format: protobuf JSON (lowerCamel names,
// pretty-printed) for scripts, or tables and "field: value" lines for people.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "context.h"
#include "google/protobuf/message.h"
#include "resources.h"
#include "views.h"

namespace bilateral::cli {

// `message` in the protobuf JSON mapping, ending in a newline.
std::string ToJson(const google::protobuf::Message& message);

// One record, as `get`, `create` and `update` show it.
template <typename T>
void PrintRecord(const T& record, OutputFormat format, std::ostream& out) {
  if (format == OutputFormat::kJson) {
    out << ToJson(record);
  } else {
    PrintDetails(View<T>::Details(record), out);
  }
}

// The records of a list or a batch-get. JSON output is the List response
// shape with all pages merged, e.g. {"visits": [...]}, so it parses as that
// message and as the BatchGet response alike.
template <typename T>
void PrintRecords(const std::vector<T>& records, OutputFormat format,
                  std::ostream& out) {
  if (format == OutputFormat::kJson) {
    typename Resource<T>::ListResponse response;
    auto* items = Resource<T>::Items(response);
    items->Reserve(static_cast<int>(records.size()));
    for (const T& record : records) *items->Add() = record;
    out << ToJson(response);
    return;
  }
  std::vector<TableRow> rows;
  rows.reserve(records.size());
  for (const T& record : records) rows.push_back(View<T>::Row(record));
  PrintTable(View<T>::Headers(), rows, out);
}

}  // namespace bilateral::cli
