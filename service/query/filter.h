// Filters and orderings: one AIP-160 parser for every filter the service
// accepts (ParseFilter), the List methods' compiler of its result to a
// parameterised SQL WHERE clause (CompileFilter), and AIP-132 `order_by`
// parsed against the fields a resource documents. Values never reach the SQL
// text: every literal becomes a bound parameter, so a filter cannot alter the
// query it is part of.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace bilateral::query {

// A value bound to a `?` placeholder.
using SqlValue = std::variant<int64_t, std::string>;

// The SQL flavour to emit; the two differ only in JSON array membership.
enum class Dialect { kSqlite, kPostgres };

enum class FieldType {
  kString,      // TEXT column. `=`/`!=` exact (a `*` in the value is a
                // wildcard, compiled to LIKE), `<`..`>=` lexicographic,
                // `:` case-insensitive substring.
  kInteger,     // INTEGER column; literal must be a whole number.
  kBool,        // INTEGER column holding 0/1; literal `true` or `false`.
  kEnum,        // TEXT column holding the enum value's short name.
  kDate,        // INTEGER column holding YYYYMMDD with 00 for unknown parts.
  kStringList,  // TEXT column holding a JSON array of strings; only `:`.
};

// How one filterable/orderable field maps onto storage.
struct FieldSpec {
  std::string path;    // as users write it, e.g. "visitor.country"
  std::string column;  // SQL column or expression, e.g. "visitor_country"
  FieldType type = FieldType::kString;
  bool orderable = false;
  // False for fields that only order_by accepts.
  bool filterable = true;
  // kEnum only: accepted names, compared after stripping `enum_prefix`
  // (so both "STATE" and "VISIT_KIND_STATE" mean "STATE").
  std::vector<std::string> enum_values;
  std::string enum_prefix;
  // Optional canonicalisation of a literal before it is bound (for example
  // "KZ" -> "countries/KZ"). An error becomes INVALID_ARGUMENT naming the
  // field and value.
  std::function<absl::StatusOr<std::string>(absl::string_view)> normalize;
};

struct CompiledFilter {
  std::string sql;               // empty when the filter is empty
  std::vector<SqlValue> params;  // in placeholder order
};

// A comparison operator as written: = != < <= > >= and `:` (has).
enum class FilterOp { kEq, kNe, kLt, kLe, kGt, kGe, kHas };

// One `field operator value` of a filter, as written. Positions are 1-based
// byte offsets into the filter text.
struct FilterComparison {
  std::string field;  // the path, e.g. "visitor.country"
  size_t field_position = 0;
  FilterOp op = FilterOp::kEq;
  std::string op_text;  // e.g. ">="
  size_t op_position = 0;
  std::string value;  // the literal, quotes removed and escapes resolved
  size_t value_position = 0;
};

// A parsed filter: a tree of AND, OR and NOT over comparisons. ParseFilter
// checks only the syntax and the limits below; what the fields, operators
// and values mean is the caller's to check (CompileFilter for List filters).
struct FilterExpr {
  enum class Type { kAnd, kOr, kNot, kComparison };
  Type type = Type::kComparison;
  // kAnd and kOr: two or more; kNot: one. A group of one is its member.
  std::vector<FilterExpr> operands;
  // kAnd: for each operand after the first, the position of the AND before
  // it, or 0 when the two were only written side by side (AIP-160 reads
  // that as AND too).
  std::vector<size_t> and_positions;
  // Written inside its own parentheses; `position` is then the '(''s.
  bool parenthesized = false;
  size_t position = 0;          // of the first token
  FilterComparison comparison;  // kComparison only
};

// Limits that keep hostile filters cheap to reject.
inline constexpr size_t kMaxFilterLength = 4096;
inline constexpr int kMaxFilterDepth = 32;
inline constexpr int kMaxFilterTerms = 64;

// Parses `filter` with the AIP-160 grammar:
//   expression := factor { [AND] factor }
//   factor     := term { OR term }          (OR binds tighter than AND)
//   term       := [NOT | '-'] simple
//   simple     := field operator value | '(' expression ')'
// A blank filter gives no tree. Returns INVALID_ARGUMENT, its message
// beginning "filter: " and naming the offending token and its position, for
// a syntax error or a filter over the limits. Positions count bytes, so
// multi-byte or invalid UTF-8 is handled as plain bytes.
absl::StatusOr<std::optional<FilterExpr>> ParseFilter(absl::string_view filter);

// Compiles `filter` against `fields`. Returns INVALID_ARGUMENT whose message
// names the offending part (token text and 1-based character position) for
// ParseFilter's errors, unknown fields, operators a field does not accept
// and bad literals.
absl::StatusOr<CompiledFilter> CompileFilter(absl::string_view filter,
                                             const std::vector<FieldSpec>& fields, Dialect dialect);

struct OrderTerm {
  const FieldSpec* field;  // points into the `fields` passed to ParseOrderBy
  bool descending = false;
};

// Parses "field [asc|desc], ..." against the orderable `fields`. An empty
// string yields no terms. Unknown or non-orderable fields, repeated fields
// and bad directions are INVALID_ARGUMENT naming the offending part.
absl::StatusOr<std::vector<OrderTerm>> ParseOrderBy(absl::string_view order_by,
                                                    const std::vector<FieldSpec>& fields);

// Parses a date literal "YYYY", "YYYY-MM" or "YYYY-MM-DD" into the inclusive
// range [low, high] of YYYYMMDD integers it covers; e.g. "2022-09" gives
// [20220900, 20220999]. INVALID_ARGUMENT when malformed or out of range.
// A filter's dates mean these ranges: `=` the whole range, `<` before its
// start, `<=` up to its end, `>` after its end, `>=` from its start.
absl::StatusOr<std::pair<int64_t, int64_t>> ParseDateLiteral(absl::string_view literal);

}  // namespace bilateral::query
