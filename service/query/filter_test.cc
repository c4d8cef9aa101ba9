#include "query/filter.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <ostream>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace bilateral::query {
namespace {

FieldSpec Field(std::string path, std::string column, FieldType type, bool orderable = false) {
  FieldSpec field;
  field.path = std::move(path);
  field.column = std::move(column);
  field.type = type;
  field.orderable = orderable;
  return field;
}

// The fields of a visit-like resource, one per type plus a dotted path and a
// field with normalisation.
const std::vector<FieldSpec>& TestFields() {
  static const std::vector<FieldSpec>* const fields = [] {
    auto* f = new std::vector<FieldSpec>;
    f->push_back(Field("name", "name", FieldType::kString, true));
    f->push_back(Field("count", "visit_count", FieldType::kInteger, true));
    f->push_back(Field("active", "is_active", FieldType::kBool));
    FieldSpec kind = Field("kind", "kind", FieldType::kEnum);
    kind.enum_values = {"STATE", "OFFICIAL", "WORKING"};
    kind.enum_prefix = "VISIT_KIND_";
    f->push_back(std::move(kind));
    f->push_back(Field("start_date", "start_date", FieldType::kDate, true));
    f->push_back(Field("cities", "cities_json", FieldType::kStringList));
    f->push_back(Field("visitor.country", "visitor_country", FieldType::kString));
    FieldSpec host = Field("host_country", "host_country", FieldType::kString);
    host.normalize = [](absl::string_view code) -> absl::StatusOr<std::string> {
      if (code == "KZ" || code == "RU" || code == "US") {
        return absl::StrCat("countries/", code);
      }
      return absl::InvalidArgumentError("unknown country code");
    };
    f->push_back(std::move(host));
    return f;
  }();
  return *fields;
}

// ---------------------------------------------------------------------------
// Filters that compile

struct CompileCase {
  std::string filter;
  std::string sql;
  std::vector<SqlValue> params;
  Dialect dialect = Dialect::kSqlite;
};

void PrintTo(const CompileCase& c, std::ostream* os) { *os << c.filter; }

class CompileTest : public testing::TestWithParam<CompileCase> {};

TEST_P(CompileTest, ProducesSqlAndParams) {
  const CompileCase& c = GetParam();
  absl::StatusOr<CompiledFilter> compiled = CompileFilter(c.filter, TestFields(), c.dialect);
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  EXPECT_EQ(compiled->sql, c.sql);
  EXPECT_EQ(compiled->params, c.params);
}

using P = std::vector<SqlValue>;
using S = std::string;
constexpr Dialect kPg = Dialect::kPostgres;

INSTANTIATE_TEST_SUITE_P(Empty, CompileTest,
                         testing::Values(CompileCase{"", "", {}}, CompileCase{" \t\n ", "", {}}));

INSTANTIATE_TEST_SUITE_P(
    String, CompileTest,
    testing::Values(
        CompileCase{"name = \"Astana\"", "(name = ?)", P{S("Astana")}},
        CompileCase{"name=Astana", "(name = ?)", P{S("Astana")}},
        CompileCase{"name != Astana", "(name != ?)", P{S("Astana")}},
        CompileCase{"name < b", "(name < ?)", P{S("b")}},
        CompileCase{"name <= b", "(name <= ?)", P{S("b")}},
        CompileCase{"name > b", "(name > ?)", P{S("b")}},
        CompileCase{"name >= b", "(name >= ?)", P{S("b")}},
        CompileCase{"name = \"Ast*\"", "(name LIKE ? ESCAPE '\\')", P{S("Ast%")}},
        CompileCase{"name = *stana", "(name LIKE ? ESCAPE '\\')", P{S("%stana")}},
        CompileCase{"name = \"*5%_a\\\\b*\"", "(name LIKE ? ESCAPE '\\')", P{S("%5\\%\\_a\\\\b%")}},
        CompileCase{"name != \"a*\"", "(NOT (name LIKE ? ESCAPE '\\'))", P{S("a%")}},
        CompileCase{"name < \"a*\"", "(name < ?)", P{S("a*")}},
        CompileCase{"name : ast", "(instr(lower(name), lower(?)) > 0)", P{S("ast")}},
        CompileCase{"name:\"a*\"", "(instr(lower(name), lower(?)) > 0)", P{S("a*")}},
        CompileCase{"name : ast", "(strpos(lower(name), lower(?)) > 0)", P{S("ast")}, kPg},
        CompileCase{"name = 'it\\'s'", "(name = ?)", P{S("it's")}},
        CompileCase{"name = \"say \\\"hi\\\"\"", "(name = ?)", P{S("say \"hi\"")}},
        CompileCase{"name = 'a\"b'", "(name = ?)", P{S("a\"b")}},
        CompileCase{"name = \"\"", "(name = ?)", P{S("")}},
        CompileCase{"name = \"a AND b OR (c)\"", "(name = ?)", P{S("a AND b OR (c)")}},
        CompileCase{"name = 2022-09-14", "(name = ?)", P{S("2022-09-14")}},
        CompileCase{"name = \"\xd0\x90\xd1\x81\"", "(name = ?)", P{S("\xd0\x90\xd1\x81")}},
        CompileCase{"name = \"\xff\xfe\"", "(name = ?)", P{S("\xff\xfe")}},
        CompileCase{"visitor.country = KZ", "(visitor_country = ?)", P{S("KZ")}},
        CompileCase{"host_country = KZ", "(host_country = ?)", P{S("countries/KZ")}},
        CompileCase{"host_country : US", "(instr(lower(host_country), lower(?)) > 0)",
                    P{S("countries/US")}}));

INSTANTIATE_TEST_SUITE_P(
    Integer, CompileTest,
    testing::Values(CompileCase{"count = 5", "(visit_count = ?)", P{int64_t{5}}},
                    CompileCase{"count != -3", "(visit_count != ?)", P{int64_t{-3}}},
                    CompileCase{"count=-3", "(visit_count = ?)", P{int64_t{-3}}},
                    CompileCase{"count < 10", "(visit_count < ?)", P{int64_t{10}}},
                    CompileCase{"count <= 10", "(visit_count <= ?)", P{int64_t{10}}},
                    CompileCase{"count > 0", "(visit_count > ?)", P{int64_t{0}}},
                    CompileCase{"count >= 007", "(visit_count >= ?)", P{int64_t{7}}},
                    CompileCase{"count:7", "(visit_count = ?)", P{int64_t{7}}},
                    CompileCase{"count = \"42\"", "(visit_count = ?)", P{int64_t{42}}},
                    CompileCase{"count = 9223372036854775807", "(visit_count = ?)", P{INT64_MAX}},
                    CompileCase{"count = -9223372036854775808", "(visit_count = ?)",
                                P{INT64_MIN}}));

INSTANTIATE_TEST_SUITE_P(
    Bool, CompileTest,
    testing::Values(CompileCase{"active = true", "(is_active = ?)", P{int64_t{1}}},
                    CompileCase{"active != false", "(is_active != ?)", P{int64_t{0}}},
                    CompileCase{"active:true", "(is_active = ?)", P{int64_t{1}}},
                    CompileCase{"active = \"false\"", "(is_active = ?)", P{int64_t{0}}}));

INSTANTIATE_TEST_SUITE_P(
    Enum, CompileTest,
    testing::Values(CompileCase{"kind = STATE", "(kind = ?)", P{S("STATE")}},
                    CompileCase{"kind = VISIT_KIND_OFFICIAL", "(kind = ?)", P{S("OFFICIAL")}},
                    CompileCase{"kind != WORKING", "(kind != ?)", P{S("WORKING")}},
                    CompileCase{"kind:STATE", "(kind = ?)", P{S("STATE")}},
                    CompileCase{"kind = \"VISIT_KIND_STATE\"", "(kind = ?)", P{S("STATE")}}));

INSTANTIATE_TEST_SUITE_P(
    Date, CompileTest,
    testing::Values(CompileCase{"start_date = 2022-09-14", "(start_date BETWEEN ? AND ?)",
                                P{int64_t{20220914}, int64_t{20220914}}},
                    CompileCase{"start_date = 2022-09", "(start_date BETWEEN ? AND ?)",
                                P{int64_t{20220900}, int64_t{20220999}}},
                    CompileCase{"start_date = 2022", "(start_date BETWEEN ? AND ?)",
                                P{int64_t{20220000}, int64_t{20229999}}},
                    CompileCase{"start_date:2022-09", "(start_date BETWEEN ? AND ?)",
                                P{int64_t{20220900}, int64_t{20220999}}},
                    CompileCase{"start_date != 2022", "(start_date NOT BETWEEN ? AND ?)",
                                P{int64_t{20220000}, int64_t{20229999}}},
                    CompileCase{"start_date < 2022-09", "(start_date < ?)", P{int64_t{20220900}}},
                    CompileCase{"start_date <= 2022-09", "(start_date <= ?)", P{int64_t{20220999}}},
                    CompileCase{"start_date > 2022-09", "(start_date > ?)", P{int64_t{20220999}}},
                    CompileCase{"start_date >= 2022-09", "(start_date >= ?)", P{int64_t{20220900}}},
                    CompileCase{"start_date = \"2024-02-29\"", "(start_date BETWEEN ? AND ?)",
                                P{int64_t{20240229}, int64_t{20240229}}}));

INSTANTIATE_TEST_SUITE_P(
    List, CompileTest,
    testing::Values(
        // Some entry contains the text, ignoring case, as `:` on a string.
        CompileCase{"cities:Almaty",
                    "(EXISTS (SELECT 1 FROM json_each(cities_json) WHERE "
                    "instr(lower(json_each.value), lower(?)) > 0))",
                    P{S("Almaty")}},
        CompileCase{"cities : \"Nur-Sultan\"",
                    "(EXISTS (SELECT 1 FROM jsonb_array_elements_text("
                    "cities_json::jsonb) AS e(v) WHERE strpos(lower(e.v), lower(?)) > 0))",
                    P{S("Nur-Sultan")}, kPg},
        // With wildcards, some whole entry matches the pattern, ignoring case.
        CompileCase{"cities:\"*Sultan\"",
                    "(EXISTS (SELECT 1 FROM json_each(cities_json) WHERE "
                    "lower(json_each.value) LIKE lower(?) ESCAPE '\\'))",
                    P{S("%Sultan")}},
        CompileCase{"cities:\"Nur*50%\"",
                    "(EXISTS (SELECT 1 FROM jsonb_array_elements_text("
                    "cities_json::jsonb) AS e(v) WHERE lower(e.v) LIKE lower(?) ESCAPE '\\'))",
                    P{S("Nur%50\\%")}, kPg}));

INSTANTIATE_TEST_SUITE_P(
    Logic, CompileTest,
    testing::Values(
        // AIP-160: OR binds tighter than AND.
        CompileCase{"name = x AND count = 1 OR count = 2",
                    "((name = ?) AND ((visit_count = ?) OR (visit_count = ?)))",
                    P{S("x"), int64_t{1}, int64_t{2}}},
        CompileCase{"name = x OR count = 1 AND count = 2",
                    "(((name = ?) OR (visit_count = ?)) AND (visit_count = ?))",
                    P{S("x"), int64_t{1}, int64_t{2}}},
        CompileCase{"name = x count = 1", "((name = ?) AND (visit_count = ?))",
                    P{S("x"), int64_t{1}}},
        CompileCase{"name=x count=1 OR count=2",
                    "((name = ?) AND ((visit_count = ?) OR (visit_count = ?)))",
                    P{S("x"), int64_t{1}, int64_t{2}}},
        CompileCase{"name = x AND count = 1 AND active = true",
                    "((name = ?) AND (visit_count = ?) AND (is_active = ?))",
                    P{S("x"), int64_t{1}, int64_t{1}}},
        CompileCase{"NOT active = true", "(NOT (is_active = ?))", P{int64_t{1}}},
        CompileCase{"-name = x", "(NOT (name = ?))", P{S("x")}},
        CompileCase{"NOT(count=1)", "(NOT (visit_count = ?))", P{int64_t{1}}},
        CompileCase{"-(name = x OR name = y)", "(NOT ((name = ?) OR (name = ?)))",
                    P{S("x"), S("y")}},
        CompileCase{"count = -5 -name = x", "((visit_count = ?) AND (NOT (name = ?)))",
                    P{int64_t{-5}, S("x")}},
        CompileCase{"(name = x AND (count = 1 OR (count = 2)))",
                    "((name = ?) AND ((visit_count = ?) OR (visit_count = ?)))",
                    P{S("x"), int64_t{1}, int64_t{2}}},
        CompileCase{"((count = 1))", "(visit_count = ?)", P{int64_t{1}}},
        CompileCase{"(name = a OR name = b) (count = 1 OR count = 2)",
                    "(((name = ?) OR (name = ?)) AND ((visit_count = ?) OR "
                    "(visit_count = ?)))",
                    P{S("a"), S("b"), int64_t{1}, int64_t{2}}},
        CompileCase{"count>=1\tAND\ncount<=9", "((visit_count >= ?) AND (visit_count <= ?))",
                    P{int64_t{1}, int64_t{9}}},
        CompileCase{"start_date >= 2022-09-14 AND start_date < 2023",
                    "((start_date >= ?) AND (start_date < ?))",
                    P{int64_t{20220914}, int64_t{20230000}}}));

// Values that look like SQL stay in the parameters; the SQL text is built
// only from column names and fixed keywords.
INSTANTIATE_TEST_SUITE_P(
    Injection, CompileTest,
    testing::Values(CompileCase{"name = \"'; DROP TABLE x; --\"", "(name = ?)",
                                P{S("'; DROP TABLE x; --")}},
                    CompileCase{"name : \"') OR 1=1 --\"", "(instr(lower(name), lower(?)) > 0)",
                                P{S("') OR 1=1 --")}},
                    CompileCase{"name = \"x*'; DROP TABLE x; --\"", "(name LIKE ? ESCAPE '\\')",
                                P{S("x%'; DROP TABLE x; --")}},
                    CompileCase{"cities:\"a' OR '1'='1\"",
                                "(EXISTS (SELECT 1 FROM json_each(cities_json) WHERE "
                                "instr(lower(json_each.value), lower(?)) > 0))",
                                P{S("a' OR '1'='1")}}));

// ---------------------------------------------------------------------------
// Filters that are rejected

struct ErrorCase {
  std::string filter;
  std::string message;
};

void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.filter; }

class CompileErrorTest : public testing::TestWithParam<ErrorCase> {};

TEST_P(CompileErrorTest, IsInvalidArgumentNamingTheProblem) {
  const ErrorCase& c = GetParam();
  absl::StatusOr<CompiledFilter> compiled = CompileFilter(c.filter, TestFields(), Dialect::kSqlite);
  ASSERT_FALSE(compiled.ok()) << compiled->sql;
  EXPECT_EQ(compiled.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(compiled.status().message(), c.message);
}

INSTANTIATE_TEST_SUITE_P(
    Syntax, CompileErrorTest,
    testing::Values(
        ErrorCase{"Astana",
                  "filter: bare value 'Astana' at position 1; compare a "
                  "field, e.g. field = value"},
        ErrorCase{"name = x Astana",
                  "filter: bare value 'Astana' at position 10; compare a "
                  "field, e.g. field = value"},
        ErrorCase{"\"Astana\"",
                  "filter: bare value '\"Astana\"' at position 1; compare a "
                  "field, e.g. field = value"},
        ErrorCase{"name = x and count = 1",
                  "filter: bare value 'and' at position 10; compare a field, "
                  "e.g. field = value"},
        ErrorCase{"colour = red",
                  "filter: unknown field 'colour' at position 1; filterable "
                  "fields: name, count, active, kind, start_date, cities, "
                  "visitor.country, host_country"},
        ErrorCase{"\"name\" = x",
                  "filter: expected a field name, not the string '\"name\"' "
                  "at position 1"},
        ErrorCase{"count = ",
                  "filter: expected a value after '=' at position 7, found the end "
                  "of the filter"},
        ErrorCase{"(count >= )",
                  "filter: expected a value after '>=' at position 8, found ')' at "
                  "position 11"},
        ErrorCase{"count = AND name = x",
                  "filter: expected a value after '=' at position 7, found 'AND' at "
                  "position 9"},
        ErrorCase{"name == x",
                  "filter: expected a value after '=' at position 6, found '=' at "
                  "position 7"},
        ErrorCase{"name = \"abc", "filter: unterminated string '\"abc' at position 8"},
        ErrorCase{"name = 'abc\\'", "filter: unterminated string ''abc\\'' at position 8"},
        ErrorCase{"name = \"abc\\", "filter: unterminated string '\"abc\\' at position 8"},
        ErrorCase{"name = \"a\\nb\"",
                  "filter: unsupported escape '\\n' at position 10; only \\\", "
                  "\\' and \\\\ are allowed"},
        ErrorCase{"(name = x", "filter: missing ')' for '(' at position 1"},
        ErrorCase{"((name = x)", "filter: missing ')' for '(' at position 1"},
        ErrorCase{"name = x)", "filter: unmatched ')' at position 9"},
        ErrorCase{")", "filter: unmatched ')' at position 1"},
        ErrorCase{"()", "filter: empty parentheses at position 1"},
        ErrorCase{"name = x AND ( )", "filter: empty parentheses at position 14"},
        ErrorCase{"name = x =", "filter: unexpected '=' at position 10"},
        ErrorCase{"name = x AND", "filter: expected a comparison after 'AND' at position 10"},
        ErrorCase{"name = x OR", "filter: expected a comparison after 'OR' at position 10"},
        ErrorCase{"NOT", "filter: expected a comparison after 'NOT' at position 1"},
        ErrorCase{"-", "filter: expected a comparison after '-' at position 1"},
        ErrorCase{"(", "filter: expected a comparison after '(' at position 1"},
        ErrorCase{"AND name = x", "filter: unexpected 'AND' at position 1"},
        ErrorCase{"NOT NOT name = x", "filter: unexpected 'NOT' at position 5"},
        ErrorCase{"name = x AND OR count = 1", "filter: unexpected 'OR' at position 14"},
        ErrorCase{"= x", "filter: unexpected '=' at position 1"},
        ErrorCase{"\x01 = 1",
                  "filter: unknown field '\\x01' at position 1; filterable "
                  "fields: name, count, active, kind, start_date, cities, "
                  "visitor.country, host_country"},
        ErrorCase{std::string(100, 'a') + " = 1",
                  "filter: unknown field '" + std::string(40, 'a') +
                      "...' at position 1; filterable fields: name, count, "
                      "active, kind, start_date, cities, visitor.country, "
                      "host_country"}));

INSTANTIATE_TEST_SUITE_P(
    Types, CompileErrorTest,
    testing::Values(ErrorCase{"active < true",
                              "filter: '<' at position 8: field 'active' accepts only =, "
                              "!= and :"},
                    ErrorCase{"kind >= STATE",
                              "filter: '>=' at position 6: field 'kind' accepts only =, "
                              "!= and :"},
                    ErrorCase{"cities = Almaty",
                              "filter: '=' at position 8: field 'cities' is a list; use "
                              "cities:value"},
                    ErrorCase{"cities != Almaty",
                              "filter: '!=' at position 8: field 'cities' is a list; use "
                              "cities:value"},
                    ErrorCase{"count = abc",
                              "filter: invalid integer 'abc' for field 'count' at "
                              "position 9"},
                    ErrorCase{"count = 1.5",
                              "filter: invalid integer '1.5' for field 'count' at "
                              "position 9"},
                    ErrorCase{"count = +5",
                              "filter: invalid integer '+5' for field 'count' at "
                              "position 9"},
                    ErrorCase{"count = \"\"",
                              "filter: invalid integer '' for field 'count' at position 9"},
                    ErrorCase{"count = -",
                              "filter: invalid integer '-' for field 'count' at "
                              "position 9"},
                    ErrorCase{"count = 9223372036854775808",
                              "filter: invalid integer '9223372036854775808' for field "
                              "'count' at position 9; it does not fit in 64 bits"},
                    ErrorCase{"count = -9223372036854775809",
                              "filter: invalid integer '-9223372036854775809' for field "
                              "'count' at position 9; it does not fit in 64 bits"},
                    ErrorCase{"active = yes",
                              "filter: invalid value 'yes' for field 'active' at position "
                              "10; use true or false"},
                    ErrorCase{"active = TRUE",
                              "filter: invalid value 'TRUE' for field 'active' at "
                              "position 10; use true or false"},
                    ErrorCase{"kind = FOO",
                              "filter: invalid value 'FOO' for field 'kind' at position 8; "
                              "accepted values: STATE, OFFICIAL, WORKING"},
                    ErrorCase{"kind = state",
                              "filter: invalid value 'state' for field 'kind' at position "
                              "8; accepted values: STATE, OFFICIAL, WORKING"},
                    ErrorCase{"kind = VISIT_KIND_",
                              "filter: invalid value 'VISIT_KIND_' for field 'kind' at "
                              "position 8; accepted values: STATE, OFFICIAL, WORKING"},
                    ErrorCase{"start_date = 2023-02-29",
                              "filter: invalid date '2023-02-29' for field 'start_date' at "
                              "position 14: day must be 01 to 28 in 2023-02"},
                    ErrorCase{"start_date = 0000",
                              "filter: invalid date '0000' for field 'start_date' at "
                              "position 14: year must be 0001 to 9999"},
                    ErrorCase{"start_date >= 2022-13",
                              "filter: invalid date '2022-13' for field 'start_date' at "
                              "position 15: month must be 01 to 12"},
                    ErrorCase{"start_date = 2022-9-1",
                              "filter: invalid date '2022-9-1' for field 'start_date' at "
                              "position 14: expected YYYY, YYYY-MM or YYYY-MM-DD"},
                    ErrorCase{"host_country = XX",
                              "filter: invalid value 'XX' for field 'host_country' at "
                              "position 16: unknown country code"}));

// ---------------------------------------------------------------------------
// Limits

std::string Comparisons(int n) {
  std::string filter = "count = 0";
  for (int i = 1; i < n; ++i) absl::StrAppend(&filter, " OR count = ", i);
  return filter;
}

std::string Nested(int depth) {
  return std::string(depth, '(') + "count = 1" + std::string(depth, ')');
}

TEST(CompileLimitsTest, AcceptsFiltersAtTheLimits) {
  EXPECT_TRUE(CompileFilter(Comparisons(kMaxFilterTerms), TestFields(), Dialect::kSqlite).ok());
  EXPECT_TRUE(CompileFilter(Nested(kMaxFilterDepth), TestFields(), Dialect::kSqlite).ok());
  std::string longest = "name = \"";
  longest.resize(kMaxFilterLength - 1, 'x');
  longest += "\"";
  EXPECT_TRUE(CompileFilter(longest, TestFields(), Dialect::kSqlite).ok());
}

TEST(CompileLimitsTest, RejectsTooManyComparisons) {
  const std::string filter = Comparisons(kMaxFilterTerms + 1);
  const size_t last = filter.rfind("count");
  EXPECT_EQ(CompileFilter(filter, TestFields(), Dialect::kSqlite).status(),
            absl::InvalidArgumentError(
                absl::StrCat("filter: more than 64 comparisons; the 65th is 'count' at "
                             "position ",
                             last + 1)));
}

TEST(CompileLimitsTest, RejectsDeepNesting) {
  EXPECT_EQ(CompileFilter(Nested(kMaxFilterDepth + 1), TestFields(), Dialect::kSqlite).status(),
            absl::InvalidArgumentError("filter: '(' at position 33 nests deeper than 32 levels"));
  // Unbalanced nesting is cut off by the same limit.
  EXPECT_EQ(CompileFilter(std::string(kMaxFilterLength, '('), TestFields(), Dialect::kSqlite)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CompileLimitsTest, RejectsLongFilters) {
  std::string filter = "name = \"";
  filter.resize(kMaxFilterLength, 'x');
  filter += "\"";
  EXPECT_EQ(CompileFilter(filter, TestFields(), Dialect::kSqlite).status(),
            absl::InvalidArgumentError("filter: longer than 4096 bytes (got 4097)"));
}

// ---------------------------------------------------------------------------
// Random input

// Pieces of filter syntax mixed with arbitrary bytes, so the generated
// strings reach the parser and the literal checks rather than only failing
// in the lexer.
std::string RandomFilter(std::mt19937& rng) {
  static const char* const kPieces[] = {"name",
                                        "count",
                                        "active",
                                        "kind",
                                        "start_date",
                                        "cities",
                                        "visitor.country",
                                        "host_country",
                                        "colour",
                                        "=",
                                        "!=",
                                        "<",
                                        "<=",
                                        ">",
                                        ">=",
                                        ":",
                                        "!",
                                        "(",
                                        ")",
                                        "AND",
                                        "OR",
                                        "NOT",
                                        "-",
                                        "\"",
                                        "'",
                                        "\\",
                                        " ",
                                        " ",
                                        "x",
                                        "*",
                                        "%",
                                        "STATE",
                                        "true",
                                        "2022",
                                        "2022-09",
                                        "2024-02-29",
                                        "-5",
                                        "9223372036854775808",
                                        "KZ",
                                        "\xff",
                                        "\xd0\x90"};
  constexpr size_t kPieceCount = sizeof(kPieces) / sizeof(kPieces[0]);
  std::string filter;
  const int length = static_cast<int>(rng() % 24);
  for (int i = 0; i < length; ++i) {
    if (rng() % 4 == 0) {
      filter.push_back(static_cast<char>(rng() % 256));
    } else {
      filter += kPieces[rng() % kPieceCount];
    }
  }
  return filter;
}

TEST(CompileFuzzTest, RandomInputSucceedsOrIsInvalidArgument) {
  std::mt19937 rng(20220914);
  int compiled_count = 0;
  for (int i = 0; i < 5000; ++i) {
    const std::string filter = RandomFilter(rng);
    const Dialect dialect = i % 2 == 0 ? Dialect::kSqlite : Dialect::kPostgres;
    absl::StatusOr<CompiledFilter> compiled = CompileFilter(filter, TestFields(), dialect);
    if (compiled.ok()) {
      ++compiled_count;
      const auto placeholders = std::count(compiled->sql.begin(), compiled->sql.end(), '?');
      EXPECT_EQ(static_cast<size_t>(placeholders), compiled->params.size()) << filter;
    } else {
      EXPECT_EQ(compiled.status().code(), absl::StatusCode::kInvalidArgument) << filter;
      EXPECT_TRUE(absl::StartsWith(compiled.status().message(), "filter: ")) << compiled.status();
    }
  }
  EXPECT_GT(compiled_count, 0);
}

// ---------------------------------------------------------------------------
// The parsed tree

// A tree written out: comparisons as "field op value@position", groups as
// AND(...)/OR(...)/NOT(...), a parenthesized node with "()" after it, and
// an AND joined by juxtaposition as "_" where the AND would stand.
std::string Shape(const FilterExpr& node) {
  std::string out;
  switch (node.type) {
    case FilterExpr::Type::kComparison:
      out = absl::StrCat(node.comparison.field, " ", node.comparison.op_text, " ",
                         node.comparison.value, "@", node.comparison.value_position);
      break;
    case FilterExpr::Type::kNot:
      out = absl::StrCat("NOT(", Shape(node.operands[0]), ")");
      break;
    case FilterExpr::Type::kOr:
    case FilterExpr::Type::kAnd: {
      const bool is_and = node.type == FilterExpr::Type::kAnd;
      out = is_and ? "AND(" : "OR(";
      for (size_t i = 0; i < node.operands.size(); ++i) {
        if (i > 0) out += is_and && node.and_positions[i - 1] == 0 ? " _ " : ", ";
        out += Shape(node.operands[i]);
      }
      out += ")";
      break;
    }
  }
  if (node.parenthesized) absl::StrAppend(&out, "()@", node.position);
  return out;
}

std::string ShapeOf(absl::string_view filter) {
  absl::StatusOr<std::optional<FilterExpr>> root = ParseFilter(filter);
  if (!root.ok()) return std::string(root.status().message());
  return root->has_value() ? Shape(**root) : "blank";
}

TEST(ParseFilterTest, GivesTheTreeAsWritten) {
  EXPECT_EQ(ShapeOf("  "), "blank");
  EXPECT_EQ(ShapeOf("kind = VISIT"), "kind = VISIT@8");
  EXPECT_EQ(ShapeOf("kind = \"VI\\\"SIT\""), "kind = VI\"SIT@8");
  // OR binds tighter than AND; a group of one is its member.
  EXPECT_EQ(ShapeOf("a = 1 OR b = 2 AND c >= 3"), "AND(OR(a = 1@5, b = 2@14), c >= 3@25)");
  EXPECT_EQ(ShapeOf("(a = 1 OR b = 2) c:3"), "AND(OR(a = 1@6, b = 2@15)()@1 _ c : 3@20)");
  EXPECT_EQ(ShapeOf("((a = 1))"), "a = 1@7()@1");
  EXPECT_EQ(ShapeOf("NOT a = 1 AND -(b != x)"), "AND(NOT(a = 1@9), NOT(b != x@22()@16))");
}

TEST(ParseFilterTest, LeavesMeaningToTheCaller) {
  // Unknown fields and values parse; CompileFilter is what rejects them.
  EXPECT_EQ(ShapeOf("colour = red"), "colour = red@10");
  EXPECT_EQ(CompileFilter("colour = red", TestFields(), Dialect::kSqlite).status().code(),
            absl::StatusCode::kInvalidArgument);
  // Syntax errors and limits are the parser's, with CompileFilter's words.
  for (const std::string& filter :
       std::vector<std::string>{"name = x AND", "(name = x", "count = ", Nested(33)}) {
    SCOPED_TRACE(filter);
    EXPECT_EQ(ParseFilter(filter).status(),
              CompileFilter(filter, TestFields(), Dialect::kSqlite).status());
    EXPECT_FALSE(ParseFilter(filter).ok());
  }
}

// ---------------------------------------------------------------------------
// Dates

TEST(ParseDateLiteralTest, AcceptsValidDates) {
  using Range = std::pair<int64_t, int64_t>;
  EXPECT_EQ(*ParseDateLiteral("2024-02-29"), Range(20240229, 20240229));
  EXPECT_EQ(*ParseDateLiteral("2000-02-29"), Range(20000229, 20000229));
  EXPECT_EQ(*ParseDateLiteral("2022-09"), Range(20220900, 20220999));
  EXPECT_EQ(*ParseDateLiteral("0001"), Range(10000, 19999));
  EXPECT_EQ(*ParseDateLiteral("9999-12-31"), Range(99991231, 99991231));
  EXPECT_EQ(*ParseDateLiteral("2022-04-30"), Range(20220430, 20220430));
}

TEST(ParseDateLiteralTest, RejectsInvalidDates) {
  for (absl::string_view literal :
       {"2023-02-29", "1900-02-29", "2022-04-31",  "2022-01-32", "2022-09-00",
        "2022-00",    "2022-13",    "0000",        "0000-01-01", "",
        "22",         "20220914",   "2022-9",      "2022-09-1",  "2022/09/14",
        "-2022",      "+2022",      "2022-09-14 ", "２０２２",   "2022-09-14-01"}) {
    absl::StatusOr<std::pair<int64_t, int64_t>> range = ParseDateLiteral(literal);
    EXPECT_EQ(range.status().code(), absl::StatusCode::kInvalidArgument) << literal;
  }
  EXPECT_EQ(
      ParseDateLiteral("2023-02-29").status(),
      absl::InvalidArgumentError("invalid date '2023-02-29': day must be 01 to 28 in 2023-02"));
}

// ---------------------------------------------------------------------------
// order_by

struct OrderCase {
  std::string order_by;
  // Expected terms as (index into TestFields(), descending).
  std::vector<std::pair<size_t, bool>> terms;
};

void PrintTo(const OrderCase& c, std::ostream* os) { *os << c.order_by; }

class OrderByTest : public testing::TestWithParam<OrderCase> {};

TEST_P(OrderByTest, ParsesTerms) {
  const OrderCase& c = GetParam();
  absl::StatusOr<std::vector<OrderTerm>> terms = ParseOrderBy(c.order_by, TestFields());
  ASSERT_TRUE(terms.ok()) << terms.status();
  ASSERT_EQ(terms->size(), c.terms.size());
  for (size_t i = 0; i < c.terms.size(); ++i) {
    EXPECT_EQ((*terms)[i].field, &TestFields()[c.terms[i].first]) << i;
    EXPECT_EQ((*terms)[i].descending, c.terms[i].second) << i;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Valid, OrderByTest,
    testing::Values(OrderCase{"", {}}, OrderCase{"  ", {}}, OrderCase{"name", {{0, false}}},
                    OrderCase{"name desc", {{0, true}}}, OrderCase{"name ASC", {{0, false}}},
                    OrderCase{"name DESC, count", {{0, true}, {1, false}}},
                    OrderCase{" start_date  Desc ,count\tasc ", {{4, true}, {1, false}}},
                    OrderCase{"count,name,start_date", {{1, false}, {0, false}, {4, false}}}));

class OrderByErrorTest : public testing::TestWithParam<ErrorCase> {};

TEST_P(OrderByErrorTest, IsInvalidArgumentNamingTheProblem) {
  const ErrorCase& c = GetParam();
  absl::StatusOr<std::vector<OrderTerm>> terms = ParseOrderBy(c.filter, TestFields());
  ASSERT_FALSE(terms.ok());
  EXPECT_EQ(terms.status(), absl::InvalidArgumentError(c.message));
}

INSTANTIATE_TEST_SUITE_P(
    Invalid, OrderByErrorTest,
    testing::Values(ErrorCase{"colour",
                              "order_by: unknown field 'colour' at position 1; orderable "
                              "fields: name, count, start_date"},
                    ErrorCase{"name, active desc",
                              "order_by: cannot order by 'active' at position 7; "
                              "orderable fields: name, count, start_date"},
                    ErrorCase{"name, name desc",
                              "order_by: field 'name' at position 7 is listed more than "
                              "once"},
                    ErrorCase{"name up",
                              "order_by: invalid direction 'up' at position 6; use asc or "
                              "desc"},
                    ErrorCase{"name desc count",
                              "order_by: unexpected 'count' at position 11; separate "
                              "fields with ','"},
                    ErrorCase{"name,", "order_by: expected a field after ',' at position 5"},
                    ErrorCase{",name", "order_by: expected a field before ',' at position 1"},
                    ErrorCase{"name, ,count",
                              "order_by: expected a field before ',' at position 7"},
                    ErrorCase{"Name",
                              "order_by: unknown field 'Name' at position 1; orderable "
                              "fields: name, count, start_date"}));

}  // namespace
}  // namespace bilateral::query

namespace bilateral::query {
namespace {

TEST(OrderOnlyFieldTest, OrderByAcceptsItAndFiltersDoNot) {
  std::vector<FieldSpec> fields = {Field("name", "name", FieldType::kString)};
  FieldSpec created = Field("create_time", "create_us", FieldType::kInteger, true);
  created.filterable = false;
  fields.push_back(created);

  auto filter = CompileFilter("create_time > 5", fields, Dialect::kSqlite);
  EXPECT_EQ(filter.status().message(),
            "filter: unknown field 'create_time' at position 1; filterable "
            "fields: name");
  auto order = ParseOrderBy("create_time desc", fields);
  ASSERT_TRUE(order.ok()) << order.status();
  EXPECT_EQ((*order)[0].field->path, "create_time");
}

}  // namespace
}  // namespace bilateral::query
