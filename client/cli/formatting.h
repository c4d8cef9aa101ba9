// Short texts for the values that records hold, as the table and detail
// views show them, besides those of bilateral/format.h. Each returns "" for
// a value that is not set, so that the views can show it as "-".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bilateral/format.h"
#include "bilateral/v1/common.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "google/protobuf/timestamp.pb.h"

namespace bilateral::cli {

// A whole number, "" for 0 (which the API uses for "not stated").
std::string CountText(int64_t number);

// VISIT_KIND_STATE -> "STATE", the form filters accept.
std::string EnumText(const google::protobuf::EnumDescriptor* descriptor, int value);

// "countries/KZ" -> "KZ": tables have no room for the collection.
std::string CountryCode(const std::string& country);

// Several countries as codes: "CN, KZ".
std::string CountryCodes(const google::protobuf::RepeatedPtrField<std::string>& countries);

// Items of a list, separated by "; ".
std::string ListText(const google::protobuf::RepeatedPtrField<std::string>& list);

// An RFC 3339 time, "" when `present` is false.
std::string TimeText(bool present, const google::protobuf::Timestamp& time);

// `> quote — sources/x (speaker)`, the speaker only when attributed.
std::string CitationText(const v1::Citation& citation);

// One CitationText per citation.
std::vector<std::string> CitationLines(
    const google::protobuf::RepeatedPtrField<v1::Citation>& citations);

}  // namespace bilateral::cli
