#include "domain/fields.h"

#include <algorithm>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "domain/names.h"

namespace bilateral::domain {

bool IsValidId(absl::string_view id) {
  if (id.empty() || id.size() > 63 || !absl::ascii_islower(id.front()) || id.back() == '-') {
    return false;
  }
  for (char c : id) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '-') {
      return false;
    }
  }
  return true;
}

std::string GenerateId() {
  // Digits before letters, as in ASCII, so that ids compare as their times do.
  static constexpr absl::string_view kAlphabet = "234567abcdefghijklmnopqrstuvwxyz";
  static constexpr int kTimeDigits = 11;   // 55 bits of microseconds: until the year 3111
  static constexpr int kRandomDigits = 8;  // 40 bits
  thread_local absl::BitGen bits;
  auto micros = static_cast<uint64_t>(absl::ToUnixMicros(absl::Now()));
  std::string id(1 + kTimeDigits + kRandomDigits, 't');
  for (int i = kTimeDigits; i >= 1; --i, micros >>= 5) id[i] = kAlphabet[micros & 31];
  for (int i = 1 + kTimeDigits; i < static_cast<int>(id.size()); ++i) {
    id[i] = kAlphabet[absl::Uniform(bits, 0u, 32u)];
  }
  return id;
}

absl::StatusOr<std::string> IdFromName(absl::string_view collection, absl::string_view name,
                                       absl::string_view field) {
  std::string prefix = absl::StrCat(collection, "/");
  if (name.empty()) {
    return InvalidField(field, absl::StrCat("required; expected '", prefix, "{id}'"));
  }
  if (!absl::StartsWith(name, prefix) || !IsValidId(name.substr(prefix.size()))) {
    return InvalidField(
        field, absl::StrCat("'", name.substr(0, 200), "' is not a name of the form '", prefix,
                            "{id}' with an id of [a-z0-9-]"));
  }
  return std::string(name.substr(prefix.size()));
}

int64_t DateKey(const v1::Date& date) {
  return int64_t{date.year()} * 10000 + date.month() * 100 + date.day();
}

void CheckDate(const v1::Date& date, bool required, absl::string_view field,
               Violations& violations) {
  static constexpr int kDaysInMonth[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (date.year() == 0 && date.month() == 0 && date.day() == 0) {
    if (required) violations.Add(absl::StrCat(field, ".year"), "required");
    return;
  }
  if (date.year() < 1 || date.year() > 9999) {
    violations.Add(absl::StrCat(field, ".year"), "must be 1..9999");
    return;
  }
  if (date.month() < 0 || date.month() > 12) {
    violations.Add(absl::StrCat(field, ".month"), "must be 1..12, or 0 when unknown");
    return;
  }
  if (date.day() != 0 && date.month() == 0) {
    violations.Add(absl::StrCat(field, ".day"), "a day needs a month");
    return;
  }
  bool leap = date.year() % 4 == 0 && (date.year() % 100 != 0 || date.year() % 400 == 0);
  int last_day = date.month() == 0 ? 31 : kDaysInMonth[date.month() - 1];
  if (date.month() == 2 && !leap) last_day = 28;
  if (date.day() < 0 || date.day() > last_day) {
    violations.Add(absl::StrCat(field, ".day"),
                   absl::StrCat("must be 1..", last_day, ", or 0 when unknown"));
  }
}

void CheckCountry(std::string* country, bool required, absl::string_view field,
                  Violations& violations) {
  if (country->empty()) {
    if (required) violations.Add(std::string(field), "required");
    return;
  }
  auto normalized = NormalizeCountry(*country);
  if (!normalized.ok()) {
    violations.Add(std::string(field), std::string(normalized.status().message()));
    return;
  }
  *country = *normalized;
}

void CheckCountryList(google::protobuf::RepeatedPtrField<std::string>* countries, int exactly,
                      absl::string_view field, Violations& violations) {
  if (countries->size() > kMaxListSize) {
    violations.Add(std::string(field), absl::StrCat("more than ", kMaxListSize, " entries"));
    return;
  }
  bool valid = true;
  for (int i = 0; i < countries->size(); ++i) {
    size_t before = violations.list().size();
    CheckCountry(countries->Mutable(i), true, absl::StrCat(field, "[", i, "]"), violations);
    valid = valid && violations.list().size() == before;
  }
  if (!valid) return;
  std::sort(countries->begin(), countries->end());
  countries->erase(std::unique(countries->begin(), countries->end()), countries->end());
  if (exactly > 0 && countries->size() != exactly) {
    violations.Add(std::string(field),
                   absl::StrCat("must name exactly ", exactly, " different countries"));
  }
}

void CheckText(absl::string_view text, bool required, absl::string_view field,
               Violations& violations) {
  if (required && IsBlank(text)) {
    violations.Add(std::string(field), text.empty() ? "required" : "required: is only white space");
  } else if (text.size() > kMaxTextBytes) {
    violations.Add(std::string(field), absl::StrCat("longer than ", kMaxTextBytes, " bytes"));
  }
}

bool HasControlCharacter(absl::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) return true;
    // U+0080..U+009F are 0xC2 0x80..0x9F in UTF-8.
    if (c == 0xc2 && i + 1 < text.size()) {
      const auto next = static_cast<unsigned char>(text[i + 1]);
      if (next >= 0x80 && next <= 0x9f) return true;
    }
  }
  return false;
}

namespace {

void CheckStringValue(const std::string& text, std::string path, Violations& violations) {
  if (HasControlCharacter(text)) {
    violations.Add(std::move(path),
                   "holds a control character (only tab, line feed and carriage return "
                   "are accepted)");
  }
}

}  // namespace

void CheckNoControlCharacters(const google::protobuf::Message& message, absl::string_view field,
                              Violations& violations) {
  using google::protobuf::FieldDescriptor;
  const auto* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const auto* descriptor : fields) {
    const bool text = descriptor->type() == FieldDescriptor::TYPE_STRING;
    const bool nested = descriptor->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE;
    if (!text && !nested) continue;
    const std::string path = absl::StrCat(field, ".", descriptor->name());
    if (!descriptor->is_repeated()) {
      if (text) {
        std::string scratch;
        CheckStringValue(reflection->GetStringReference(message, descriptor, &scratch), path,
                         violations);
      } else {
        CheckNoControlCharacters(reflection->GetMessage(message, descriptor), path, violations);
      }
      continue;
    }
    for (int i = 0; i < reflection->FieldSize(message, descriptor); ++i) {
      const std::string item = absl::StrCat(path, "[", i, "]");
      if (text) {
        std::string scratch;
        CheckStringValue(reflection->GetRepeatedStringReference(message, descriptor, i, &scratch),
                         item, violations);
      } else {
        CheckNoControlCharacters(reflection->GetRepeatedMessage(message, descriptor, i), item,
                                 violations);
      }
    }
  }
}

void CheckTextList(const google::protobuf::RepeatedPtrField<std::string>& list,
                   absl::string_view field, Violations& violations) {
  if (list.size() > kMaxListSize) {
    violations.Add(std::string(field), absl::StrCat("more than ", kMaxListSize, " entries"));
    return;
  }
  for (int i = 0; i < list.size(); ++i) {
    CheckText(list[i], true, absl::StrCat(field, "[", i, "]"), violations);
  }
}

void CheckCitations(const google::protobuf::RepeatedPtrField<v1::Citation>& citations,
                    bool required, absl::string_view field, Violations& violations) {
  if (required && citations.empty()) {
    violations.Add(std::string(field), "at least one citation is required: a source and a quote");
    return;
  }
  if (citations.size() > kMaxListSize) {
    violations.Add(std::string(field), absl::StrCat("more than ", kMaxListSize, " entries"));
    return;
  }
  for (int i = 0; i < citations.size(); ++i) {
    std::string prefix = absl::StrCat(field, "[", i, "]");
    auto source = IdFromName("sources", citations[i].source(), absl::StrCat(prefix, ".source"));
    if (!source.ok()) {
      for (auto& violation : FieldViolations(source.status())) {
        violations.Add(violation.field, violation.description);
      }
    }
    CheckText(citations[i].quote(), true, absl::StrCat(prefix, ".quote"), violations);
    CheckText(citations[i].speaker(), false, absl::StrCat(prefix, ".speaker"), violations);
  }
}

}  // namespace bilateral::domain
