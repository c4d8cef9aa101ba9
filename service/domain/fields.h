// Checks and conversions for the value types records share: resource names
// and ids, partial dates, country references, citations.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "bilateral/v1/common.pb.h"
#include "domain/countries.h"
#include "domain/errors.h"
#include "google/protobuf/message.h"

namespace bilateral::domain {

// Longest string accepted in any free-text field, in bytes.
inline constexpr size_t kMaxTextBytes = 4096;
// Longest list accepted in any repeated field.
inline constexpr int kMaxListSize = 100;
// Largest record stored, as its serialised message, in bytes. Each field has
// its own bound; this one bounds their sum.
inline constexpr size_t kMaxRecordBytes = 256 * 1024;

// True when `id` is 1-63 characters of [a-z0-9-], starting with a letter and
// not ending with '-' (AIP-122).
bool IsValidId(absl::string_view id);

// A fresh id that passes IsValidId: 't', the time in microseconds, then 40
// random bits. Ids generated later sort after earlier ones (to the
// microsecond, on one clock), so the indexes keyed by id grow at their end
// instead of at a random page each.
std::string GenerateId();

// The id of `name` in `collection` ("visits/x" -> "x"), or INVALID_ARGUMENT
// for `field` when the name is malformed.
absl::StatusOr<std::string> IdFromName(absl::string_view collection, absl::string_view name,
                                       absl::string_view field);

// A date as the YYYYMMDD integer that filters and orderings compare,
// unknown parts as 00. An unset date is 0.
int64_t DateKey(const v1::Date& date);

// Adds a violation of `field` when `date` is not a valid partial date.
// `required` demands a year.
void CheckDate(const v1::Date& date, bool required, absl::string_view field,
               Violations& violations);

// Canonicalises `*country` in place, adding a violation of `field` when it
// is invalid (or empty while `required`).
void CheckCountry(std::string* country, bool required, absl::string_view field,
                  Violations& violations);

// Canonicalises a list of countries in place (sorted, each once) and adds
// violations; `exactly` > 0 demands that many distinct countries.
void CheckCountryList(google::protobuf::RepeatedPtrField<std::string>* countries, int exactly,
                      absl::string_view field, Violations& violations);

// Adds a violation when `text` is longer than kMaxTextBytes, or empty while
// `required`.
void CheckText(absl::string_view text, bool required, absl::string_view field,
               Violations& violations);

// True when `text` holds a control character: U+0000..U+001F but tab, line
// feed and carriage return, U+007F, or U+0080..U+009F. `text` is UTF-8.
bool HasControlCharacter(absl::string_view text);

// Adds a violation of each string field of `message`, at any depth and in
// lists too, that holds a control character; `field` is the path of
// `message` in the request ("visit" gives "visit.cities[2]").
void CheckNoControlCharacters(const google::protobuf::Message& message, absl::string_view field,
                              Violations& violations);

// Checks a list of short texts: size, and each entry non-empty and bounded.
void CheckTextList(const google::protobuf::RepeatedPtrField<std::string>& list,
                   absl::string_view field, Violations& violations);

// Checks the shape of each citation: a well-formed source name and a quote.
// Whether the sources exist is checked against the store separately.
void CheckCitations(const google::protobuf::RepeatedPtrField<v1::Citation>& citations,
                    bool required, absl::string_view field, Violations& violations);

}  // namespace bilateral::domain
