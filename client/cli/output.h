// Writes results in the chosen format: protobuf JSON (lowerCamel names,
// pretty-printed) or NDJSON (the same, one compact object per line) for
// scripts, or tables and "field: value" lines for people.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "context.h"
#include "google/protobuf/message.h"
#include "resources.h"
#include "views.h"

namespace bilateral::cli {

// `message` in the protobuf JSON mapping, pretty-printed, ending in a newline.
std::string ToJson(const google::protobuf::Message& message);

// `message` in the protobuf JSON mapping on one line, ending in a newline.
std::string ToJsonLine(const google::protobuf::Message& message);

// ToJsonLine for kNdjson, else ToJson.
std::string ToJson(const google::protobuf::Message& message, OutputFormat format);

// Counts such as {"created": 3, "alreadyPresent": 1} as JSON (one line for
// kNdjson), or "created 3, already present 1" for kTable: each label is
// written in words, and its lowerCamel form is the JSON key.
std::string CountsText(const std::vector<std::pair<std::string, int64_t>>& counts,
                       OutputFormat format);

// One record, as `get`, `create` and `update` show it.
template <typename T>
void PrintRecord(const T& record, OutputFormat format, std::ostream& out) {
  if (format == OutputFormat::kTable) {
    PrintDetails(View<T>::Details(record), out);
  } else {
    out << ToJson(record, format);
  }
}

// The records of a list or a batch-get. JSON output is the List response
// shape with all pages merged, e.g. {"visits": [...]}, so it parses as that
// message and as the BatchGet response alike; NDJSON output is one record
// per line.
template <typename T>
void PrintRecords(const std::vector<T>& records, OutputFormat format, std::ostream& out) {
  switch (format) {
    case OutputFormat::kJson: {
      typename Resource<T>::ListResponse response;
      auto* items = Resource<T>::Items(response);
      items->Reserve(static_cast<int>(records.size()));
      for (const T& record : records) *items->Add() = record;
      out << ToJson(response);
      return;
    }
    case OutputFormat::kNdjson:
      for (const T& record : records) out << ToJsonLine(record);
      return;
    case OutputFormat::kTable: {
      std::vector<TableRow> rows;
      rows.reserve(records.size());
      for (const T& record : records) rows.push_back(View<T>::Row(record));
      PrintTable(View<T>::Headers(), rows, out);
      return;
    }
  }
}

}  // namespace bilateral::cli
