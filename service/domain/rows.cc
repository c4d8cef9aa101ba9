#include "domain/rows.h"

#include <cstdint>
#include <string>

#include "google/protobuf/descriptor.h"

namespace bilateral::domain {
namespace {

constexpr int kVarint = 0;
constexpr int kLengthDelimited = 2;

void AppendVarint(uint64_t value, std::string* out) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>(value | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}

void AppendTag(int number, int wire_type, std::string* out) {
  AppendVarint((static_cast<uint64_t>(number) << 3) | wire_type, out);
}

// A google.protobuf.Timestamp of `micros` since the epoch as the message
// field `number`, seconds and nanos both written so that the field reads as
// exactly this time even over one already parsed.
void AppendTimestamp(int number, int64_t micros, std::string* out) {
  int64_t seconds = micros / 1000000;
  int64_t nanos = (micros % 1000000) * 1000;
  if (nanos < 0) {  // Timestamp's nanos count forward from its seconds
    seconds -= 1;
    nanos += 1000000000;
  }
  std::string timestamp;
  AppendTag(1, kVarint, &timestamp);
  AppendVarint(static_cast<uint64_t>(seconds), &timestamp);
  AppendTag(2, kVarint, &timestamp);
  AppendVarint(static_cast<uint64_t>(nanos), &timestamp);
  EncodedRecord::AppendField(number, timestamp, out);
}

}  // namespace

void EncodedRecord::AppendHeader(int number, size_t length, std::string* out) {
  AppendTag(number, kLengthDelimited, out);
  AppendVarint(length, out);
}

EncodedRecord::Fields EncodedRecord::FieldsOf(const google::protobuf::Descriptor& type) {
  auto number = [&type](const char* name) {
    const auto* field = type.FindFieldByName(name);
    return field == nullptr ? 0 : field->number();
  };
  return {number("name"), number("create_time"), number("update_time"), number("etag")};
}

std::string EncodedRecord::Rest(const Fields& fields, absl::string_view name,
                                const store::Row& row) {
  std::string rest;
  AppendField(fields.name, name, &rest);
  AppendTimestamp(fields.create_time, row.create_time_us, &rest);
  AppendTimestamp(fields.update_time, row.update_time_us, &rest);
  AppendField(fields.etag, row.etag, &rest);
  return rest;
}

}  // namespace bilateral::domain
