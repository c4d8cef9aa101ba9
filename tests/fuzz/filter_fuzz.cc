// Fuzzes the AIP-160 filter compiler and the order_by parser with the field
// specs every List method uses. Whatever the input: no crash, no sanitizer
// report, and an accepted filter binds exactly one parameter per
// placeholder, so no input text can become SQL.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "domain/resources.h"
#include "query/filter.h"

namespace {

template <typename T>
void CompileFor(absl::string_view text) {
  const auto& fields = bilateral::domain::Resource<T>::Collection().fields;
  for (auto dialect : {bilateral::query::Dialect::kSqlite, bilateral::query::Dialect::kPostgres}) {
    auto compiled = bilateral::query::CompileFilter(text, fields, dialect);
    if (compiled.ok() && dialect == bilateral::query::Dialect::kSqlite) {
      size_t placeholders = 0;
      for (char c : compiled->sql) placeholders += c == '?';
      if (placeholders != compiled->params.size()) std::abort();
    }
    if (!compiled.ok() && compiled.status().code() != absl::StatusCode::kInvalidArgument) {
      std::abort();
    }
  }
  auto order = bilateral::query::ParseOrderBy(text, fields);
  if (!order.ok() && order.status().code() != absl::StatusCode::kInvalidArgument) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  bilateral::domain::ForEachRecordType(
      [&](auto tag) { CompileFor<typename decltype(tag)::type>(text); });
  auto date = bilateral::query::ParseDateLiteral(text);
  if (date.ok() && date->first > date->second) std::abort();
  return 0;
}
