#include "query/filter.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace bilateral::query {
namespace {

// ---------------------------------------------------------------------------
// Messages

template <typename... Args>
absl::Status FilterError(const Args&... args) {
  return absl::InvalidArgumentError(absl::StrCat("filter: ", args...));
}

template <typename... Args>
absl::Status OrderByError(const Args&... args) {
  return absl::InvalidArgumentError(absl::StrCat("order_by: ", args...));
}

// Text quoted in a message: long text is cut at a UTF-8 boundary and control
// bytes are escaped, so hostile input cannot bloat or break the message.
std::string Shown(absl::string_view text) {
  constexpr size_t kMaxShown = 40;
  const bool cut = text.size() > kMaxShown;
  if (cut) {
    size_t n = kMaxShown;
    for (int i = 0; i < 3 && n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80; ++i) {
      --n;
    }
    text = text.substr(0, n);
  }
  std::string out;
  for (char c : text) {
    const unsigned char byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      absl::StrAppend(&out, "\\x", absl::Hex(byte, absl::kZeroPad2));
    } else {
      out.push_back(c);
    }
  }
  if (cut) out += "...";
  return out;
}

// "'text' at position N", the way every message names the offending part.
std::string At(absl::string_view text, size_t position) {
  return absl::StrCat("'", Shown(text), "' at position ", position);
}

// The field at `path` that a filter (or, with `for_order`, an ordering)
// may name.
const FieldSpec* FindField(const std::vector<FieldSpec>& fields, absl::string_view path,
                           bool for_order = false) {
  for (const FieldSpec& field : fields) {
    if (field.path == path && (for_order || field.filterable)) return &field;
  }
  return nullptr;
}

std::string PathList(const std::vector<FieldSpec>& fields, bool orderable_only) {
  std::vector<absl::string_view> paths;
  for (const FieldSpec& field : fields) {
    if (orderable_only ? field.orderable : field.filterable) {
      paths.push_back(field.path);
    }
  }
  return paths.empty() ? "none" : absl::StrJoin(paths, ", ");
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// ---------------------------------------------------------------------------
// Dates

bool ReadDigits(absl::string_view digits, int* out) {
  int value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  *out = value;
  return true;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// The range a date literal covers; the error message is the bare reason so
// callers can say where the literal came from.
absl::StatusOr<std::pair<int64_t, int64_t>> DateRange(absl::string_view s) {
  const size_t n = s.size();
  int year = 0;
  int month = 0;
  int day = 0;
  const bool well_formed = (n == 4 || n == 7 || n == 10) && (n < 7 || s[4] == '-') &&
                           (n < 10 || s[7] == '-') && ReadDigits(s.substr(0, 4), &year) &&
                           (n < 7 || ReadDigits(s.substr(5, 2), &month)) &&
                           (n < 10 || ReadDigits(s.substr(8, 2), &day));
  if (!well_formed) {
    return absl::InvalidArgumentError("expected YYYY, YYYY-MM or YYYY-MM-DD");
  }
  if (year < 1) return absl::InvalidArgumentError("year must be 0001 to 9999");
  const int64_t year_base = int64_t{year} * 10000;
  if (n == 4) return std::make_pair(year_base, year_base + 9999);
  if (month < 1 || month > 12) {
    return absl::InvalidArgumentError("month must be 01 to 12");
  }
  const int64_t month_base = year_base + month * 100;
  if (n == 7) return std::make_pair(month_base, month_base + 99);
  const int days = DaysInMonth(year, month);
  if (day < 1 || day > days) {
    return absl::InvalidArgumentError(
        absl::StrCat("day must be 01 to ", days, " in ", s.substr(0, 7)));
  }
  return std::make_pair(month_base + day, month_base + day);
}

// ---------------------------------------------------------------------------
// Tokens

enum class TokenKind {
  kEnd,
  kWord,    // bare text: a field path or an unquoted value
  kString,  // quoted text
  kLParen,
  kRParen,
  kCompare,
  kAnd,
  kOr,
  kNot,
  kMinus,
};

using Op = FilterOp;

struct Token {
  TokenKind kind = TokenKind::kEnd;
  absl::string_view text;  // as written, quotes included
  std::string value;       // kWord/kString: the literal, unescaped
  Op op = Op::kEq;         // kCompare only
  size_t position = 0;     // 1-based byte offset
};

struct Spelling {
  absl::string_view text;
  Op op;
};

// Two-character operators first so "<=" is not read as "<" then "=".
constexpr Spelling kOperators[] = {
    {"!=", Op::kNe}, {"<=", Op::kLe}, {">=", Op::kGe}, {"=", Op::kEq},
    {"<", Op::kLt},  {">", Op::kGt},  {":", Op::kHas},
};

bool EndsWord(absl::string_view in, size_t i) {
  constexpr absl::string_view kDelimiters = "()=<>:\"'";
  if (in[i] == '!') return i + 1 < in.size() && in[i + 1] == '=';
  return IsSpace(in[i]) || kDelimiters.find(in[i]) != absl::string_view::npos;
}

Token MakeToken(TokenKind kind, absl::string_view in, size_t start, size_t length) {
  Token token;
  token.kind = kind;
  token.text = in.substr(start, length);
  token.position = start + 1;
  return token;
}

Token LexWord(absl::string_view in, size_t start) {
  size_t end = start + 1;  // the first byte never ends a word here
  while (end < in.size() && !EndsWord(in, end)) ++end;
  Token token = MakeToken(TokenKind::kWord, in, start, end - start);
  token.value = std::string(token.text);
  if (token.text == "AND") token.kind = TokenKind::kAnd;
  if (token.text == "OR") token.kind = TokenKind::kOr;
  if (token.text == "NOT") token.kind = TokenKind::kNot;
  return token;
}

absl::StatusOr<Token> LexString(absl::string_view in, size_t start) {
  const char quote = in[start];
  std::string value;
  size_t i = start + 1;
  while (i < in.size() && in[i] != quote) {
    if (in[i] == '\\' && i + 1 < in.size()) {
      const char escaped = in[i + 1];
      if (escaped != '"' && escaped != '\'' && escaped != '\\') {
        return FilterError("unsupported escape ", At(in.substr(i, 2), i + 1),
                           "; only \\\", \\' and \\\\ are allowed");
      }
      value.push_back(escaped);
      i += 2;
      continue;
    }
    value.push_back(in[i]);
    ++i;
  }
  if (i >= in.size()) {
    return FilterError("unterminated string ", At(in.substr(start), start + 1));
  }
  Token token = MakeToken(TokenKind::kString, in, start, i + 1 - start);
  token.value = std::move(value);
  return token;
}

// Reads the token at `start`. A '-' right after a comparison operator begins
// a value such as -5; anywhere else it negates the term that follows.
absl::StatusOr<Token> LexOne(absl::string_view in, size_t start, bool after_operator) {
  const char c = in[start];
  if (c == '(') return MakeToken(TokenKind::kLParen, in, start, 1);
  if (c == ')') return MakeToken(TokenKind::kRParen, in, start, 1);
  if (c == '"' || c == '\'') return LexString(in, start);
  if (c == '-' && !after_operator) {
    return MakeToken(TokenKind::kMinus, in, start, 1);
  }
  for (const Spelling& spelling : kOperators) {
    if (absl::StartsWith(in.substr(start), spelling.text)) {
      Token token = MakeToken(TokenKind::kCompare, in, start, spelling.text.size());
      token.op = spelling.op;
      return token;
    }
  }
  return LexWord(in, start);
}

// Splits the whole filter up front; the list always ends with a kEnd token.
absl::StatusOr<std::vector<Token>> Tokenize(absl::string_view in) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (true) {
    while (i < in.size() && IsSpace(in[i])) ++i;
    if (i >= in.size()) break;
    const bool after_operator = !tokens.empty() && tokens.back().kind == TokenKind::kCompare;
    absl::StatusOr<Token> token = LexOne(in, i, after_operator);
    if (!token.ok()) return token.status();
    i += token->text.size();
    tokens.push_back(*std::move(token));
  }
  tokens.push_back(MakeToken(TokenKind::kEnd, in, in.size(), 0));
  return tokens;
}

// ---------------------------------------------------------------------------
// Literals

// Only an optional '-' and digits, so "+5", " 5" and "5.0" are not read as
// integers; SimpleAtoi is then left to detect overflow.
bool IsWholeNumber(absl::string_view text) {
  absl::ConsumePrefix(&text, "-");
  return !text.empty() && text.find_first_not_of("0123456789") == absl::string_view::npos;
}

// Turns a value with '*' wildcards into a LIKE pattern whose escape
// character is '\', so '%' and '_' in the value stay literal.
std::string LikePattern(absl::string_view text) {
  std::string pattern;
  for (char c : text) {
    if (c == '*') {
      pattern.push_back('%');
      continue;
    }
    if (c == '%' || c == '_' || c == '\\') pattern.push_back('\\');
    pattern.push_back(c);
  }
  return pattern;
}

absl::string_view OpSql(Op op) {
  switch (op) {
    case Op::kNe:
      return "!=";
    case Op::kLt:
      return "<";
    case Op::kLe:
      return "<=";
    case Op::kGt:
      return ">";
    case Op::kGe:
      return ">=";
    case Op::kEq:
    case Op::kHas:
      return "=";
  }
  return "=";
}

bool IsEquality(Op op) { return op == Op::kEq || op == Op::kNe || op == Op::kHas; }

// ---------------------------------------------------------------------------
// Parser
//
// AIP-160 grammar, as filter.h gives it. Each rule returns its tree; a group
// of one is its member, so the tree holds no AND or OR of one.
class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  absl::StatusOr<FilterExpr> Run() {
    absl::StatusOr<FilterExpr> expression = ParseExpression(nullptr, 0);
    if (!expression.ok()) return expression.status();
    if (Peek().kind != TokenKind::kEnd) return Unexpected();
    return expression;
  }

 private:
  const Token& Peek() const { return tokens_[next_]; }

  // Never moves past the final kEnd token.
  const Token& Take() {
    const Token& token = tokens_[next_];
    if (token.kind != TokenKind::kEnd) ++next_;
    return token;
  }

  static bool StartsSimple(TokenKind kind) {
    return kind == TokenKind::kWord || kind == TokenKind::kString || kind == TokenKind::kLParen;
  }

  static bool StartsTerm(TokenKind kind) {
    return StartsSimple(kind) || kind == TokenKind::kNot || kind == TokenKind::kMinus;
  }

  // `operands` joined by `type`, or the one operand alone.
  static FilterExpr Group(FilterExpr::Type type, std::vector<FilterExpr> operands,
                          std::vector<size_t> and_positions = {}) {
    if (operands.size() == 1) return std::move(operands[0]);
    FilterExpr group;
    group.type = type;
    group.position = operands[0].position;
    group.operands = std::move(operands);
    group.and_positions = std::move(and_positions);
    return group;
  }

  absl::Status Unexpected() const {
    const Token& token = Peek();
    if (token.kind == TokenKind::kRParen) {
      return FilterError("unmatched ')' at position ", token.position);
    }
    return FilterError("unexpected ", At(token.text, token.position));
  }

  // A term was required after `after` (null at the very start).
  absl::Status MissingTerm(const Token* after) const {
    const Token& token = Peek();
    if (after != nullptr && after->kind == TokenKind::kLParen && token.kind == TokenKind::kRParen) {
      return FilterError("empty parentheses at position ", after->position);
    }
    if (after != nullptr && token.kind == TokenKind::kEnd) {
      return FilterError("expected a comparison after ", At(after->text, after->position));
    }
    return Unexpected();
  }

  absl::StatusOr<FilterExpr> ParseExpression(const Token* after, int depth) {
    std::vector<FilterExpr> factors;
    std::vector<size_t> and_positions;
    while (true) {
      absl::StatusOr<FilterExpr> factor = ParseFactor(after, depth);
      if (!factor.ok()) return factor.status();
      factors.push_back(*std::move(factor));
      if (Peek().kind == TokenKind::kAnd) {
        after = &Take();
        and_positions.push_back(after->position);
      } else if (StartsTerm(Peek().kind)) {
        after = nullptr;
        and_positions.push_back(0);
      } else {
        return Group(FilterExpr::Type::kAnd, std::move(factors), std::move(and_positions));
      }
    }
  }

  absl::StatusOr<FilterExpr> ParseFactor(const Token* after, int depth) {
    std::vector<FilterExpr> terms;
    while (true) {
      absl::StatusOr<FilterExpr> term = ParseTerm(after, depth);
      if (!term.ok()) return term.status();
      terms.push_back(*std::move(term));
      if (Peek().kind != TokenKind::kOr) {
        return Group(FilterExpr::Type::kOr, std::move(terms));
      }
      after = &Take();
    }
  }

  absl::StatusOr<FilterExpr> ParseTerm(const Token* after, int depth) {
    if (!StartsTerm(Peek().kind)) return MissingTerm(after);
    if (StartsSimple(Peek().kind)) return ParseSimple(depth);
    const Token& negation = Take();
    if (!StartsSimple(Peek().kind)) return MissingTerm(&negation);
    absl::StatusOr<FilterExpr> simple = ParseSimple(depth);
    if (!simple.ok()) return simple.status();
    FilterExpr negated;
    negated.type = FilterExpr::Type::kNot;
    negated.position = negation.position;
    negated.operands.push_back(*std::move(simple));
    return negated;
  }

  absl::StatusOr<FilterExpr> ParseSimple(int depth) {
    if (Peek().kind != TokenKind::kLParen) return ParseRestriction();
    const Token& open = Take();
    if (depth >= kMaxFilterDepth) {
      return FilterError("'(' at position ", open.position, " nests deeper than ", kMaxFilterDepth,
                         " levels");
    }
    absl::StatusOr<FilterExpr> inner = ParseExpression(&open, depth + 1);
    if (!inner.ok()) return inner.status();
    if (Peek().kind == TokenKind::kEnd) {
      return FilterError("missing ')' for '(' at position ", open.position);
    }
    if (Peek().kind != TokenKind::kRParen) return Unexpected();
    Take();
    inner->parenthesized = true;
    inner->position = open.position;
    return inner;
  }

  absl::StatusOr<FilterExpr> ParseRestriction() {
    const Token& subject = Take();
    if (Peek().kind != TokenKind::kCompare) {
      return FilterError("bare value ", At(subject.text, subject.position),
                         "; compare a field, e.g. field = value");
    }
    if (++terms_ > kMaxFilterTerms) {
      return FilterError("more than ", kMaxFilterTerms, " comparisons; the ", kMaxFilterTerms + 1,
                         "th is ", At(subject.text, subject.position));
    }
    if (subject.kind == TokenKind::kString) {
      return FilterError("expected a field name, not the string ",
                         At(subject.text, subject.position));
    }
    const Token& op = Take();
    if (Peek().kind != TokenKind::kWord && Peek().kind != TokenKind::kString) {
      const Token& found = Peek();
      return FilterError("expected a value after ", At(op.text, op.position), ", found ",
                         found.kind == TokenKind::kEnd ? std::string("the end of the filter")
                                                       : At(found.text, found.position));
    }
    const Token& value = Take();
    FilterExpr restriction;
    restriction.position = subject.position;
    FilterComparison& comparison = restriction.comparison;
    comparison.field = subject.value;
    comparison.field_position = subject.position;
    comparison.op = op.op;
    comparison.op_text = std::string(op.text);
    comparison.op_position = op.position;
    comparison.value = value.value;
    comparison.value_position = value.position;
    return restriction;
  }

  const std::vector<Token> tokens_;
  size_t next_ = 0;
  int terms_ = 0;
};

// ---------------------------------------------------------------------------
// Compiler
//
// Each node becomes its SQL wrapped in parentheses; bound values are
// appended to params_ in the order their placeholders appear.
class Compiler {
 public:
  Compiler(const std::vector<FieldSpec>& fields, Dialect dialect)
      : fields_(fields), dialect_(dialect) {}

  absl::StatusOr<CompiledFilter> Run(const FilterExpr& root) {
    absl::StatusOr<std::string> sql = Compile(root);
    if (!sql.ok()) return sql.status();
    return CompiledFilter{*std::move(sql), std::move(params_)};
  }

 private:
  absl::StatusOr<std::string> Compile(const FilterExpr& node) {
    if (node.type == FilterExpr::Type::kComparison) {
      return CompileComparison(node.comparison);
    }
    std::vector<std::string> parts;
    for (const FilterExpr& operand : node.operands) {
      absl::StatusOr<std::string> part = Compile(operand);
      if (!part.ok()) return part.status();
      parts.push_back(*std::move(part));
    }
    switch (node.type) {
      case FilterExpr::Type::kNot:
        return absl::StrCat("(NOT ", parts[0], ")");
      case FilterExpr::Type::kAnd:
        return absl::StrCat("(", absl::StrJoin(parts, " AND "), ")");
      case FilterExpr::Type::kOr:
        return absl::StrCat("(", absl::StrJoin(parts, " OR "), ")");
      case FilterExpr::Type::kComparison:
        break;
    }
    return parts[0];
  }

  absl::StatusOr<std::string> CompileComparison(const FilterComparison& c) {
    const FieldSpec* field = FindField(fields_, c.field);
    if (field == nullptr) {
      return FilterError("unknown field ", At(c.field, c.field_position),
                         "; filterable fields: ", PathList(fields_, false));
    }
    if (absl::Status status = CheckOperator(*field, c); !status.ok()) {
      return status;
    }
    switch (field->type) {
      case FieldType::kString:
        return CompileString(*field, c);
      case FieldType::kInteger:
        return CompileInteger(*field, c);
      case FieldType::kBool:
        return CompileBool(*field, c);
      case FieldType::kEnum:
        return CompileEnum(*field, c);
      case FieldType::kDate:
        return CompileDate(*field, c);
      case FieldType::kStringList:
        return CompileList(*field, c);
    }
    return FilterError("field '", field->path, "' has an unsupported type");
  }

  // ----- one comparison -----

  static absl::Status CheckOperator(const FieldSpec& field, const FilterComparison& c) {
    if (field.type == FieldType::kStringList && c.op != Op::kHas) {
      return FilterError("'", c.op_text, "' at position ", c.op_position, ": field '", field.path,
                         "' is a list; use ", field.path, ":value");
    }
    if ((field.type == FieldType::kBool || field.type == FieldType::kEnum) && !IsEquality(c.op)) {
      return FilterError("'", c.op_text, "' at position ", c.op_position, ": field '", field.path,
                         "' accepts only =, != and :");
    }
    return absl::OkStatus();
  }

  static absl::Status LiteralError(const FieldSpec& field, const FilterComparison& c,
                                   absl::string_view what, absl::string_view detail) {
    return FilterError("invalid ", what, " '", Shown(c.value), "' for field '", field.path,
                       "' at position ", c.value_position, detail);
  }

  static absl::StatusOr<std::string> Normalized(const FieldSpec& field, const FilterComparison& c) {
    if (!field.normalize) return c.value;
    absl::StatusOr<std::string> normalized = field.normalize(c.value);
    if (!normalized.ok()) {
      return LiteralError(field, c, "value", absl::StrCat(": ", normalized.status().message()));
    }
    return normalized;
  }

  // Binds `value` and returns the plain comparison "(column op ?)".
  std::string Bind(const FieldSpec& field, Op op, SqlValue value) {
    params_.push_back(std::move(value));
    return absl::StrCat("(", field.column, " ", OpSql(op), " ?)");
  }

  absl::StatusOr<std::string> CompileString(const FieldSpec& field, const FilterComparison& c) {
    absl::StatusOr<std::string> text = Normalized(field, c);
    if (!text.ok()) return text.status();
    if (c.op == Op::kHas) {
      params_.push_back(*std::move(text));
      const absl::string_view find = dialect_ == Dialect::kPostgres ? "strpos" : "instr";
      return absl::StrCat("(", find, "(lower(", field.column, "), lower(?)) > 0)");
    }
    if ((c.op == Op::kEq || c.op == Op::kNe) && text->find('*') != std::string::npos) {
      params_.push_back(LikePattern(*text));
      const std::string like = absl::StrCat("(", field.column, " LIKE ? ESCAPE '\\')");
      return c.op == Op::kNe ? absl::StrCat("(NOT ", like, ")") : like;
    }
    return Bind(field, c.op, *std::move(text));
  }

  absl::StatusOr<std::string> CompileInteger(const FieldSpec& field, const FilterComparison& c) {
    int64_t number = 0;
    if (!IsWholeNumber(c.value)) {
      return LiteralError(field, c, "integer", "");
    }
    if (!absl::SimpleAtoi(c.value, &number)) {
      return LiteralError(field, c, "integer", "; it does not fit in 64 bits");
    }
    return Bind(field, c.op, number);
  }

  absl::StatusOr<std::string> CompileBool(const FieldSpec& field, const FilterComparison& c) {
    if (c.value != "true" && c.value != "false") {
      return LiteralError(field, c, "value", "; use true or false");
    }
    return Bind(field, c.op, int64_t{c.value == "true" ? 1 : 0});
  }

  // Normalisation runs first so it can canonicalise spelling (for example
  // case) before the name is checked against the accepted values.
  absl::StatusOr<std::string> CompileEnum(const FieldSpec& field, const FilterComparison& c) {
    absl::StatusOr<std::string> text = Normalized(field, c);
    if (!text.ok()) return text.status();
    absl::string_view name = *text;
    if (!field.enum_prefix.empty()) {
      absl::ConsumePrefix(&name, field.enum_prefix);
    }
    for (const std::string& accepted : field.enum_values) {
      if (name == accepted) return Bind(field, c.op, accepted);
    }
    return LiteralError(
        field, c, "value",
        absl::StrCat("; accepted values: ",
                     field.enum_values.empty() ? "none" : absl::StrJoin(field.enum_values, ", ")));
  }

  absl::StatusOr<std::string> CompileDate(const FieldSpec& field, const FilterComparison& c) {
    absl::StatusOr<std::pair<int64_t, int64_t>> range = DateRange(c.value);
    if (!range.ok()) {
      return LiteralError(field, c, "date", absl::StrCat(": ", range.status().message()));
    }
    const auto [low, high] = *range;
    switch (c.op) {
      case Op::kLt:
      case Op::kGe:
        return Bind(field, c.op, low);
      case Op::kLe:
      case Op::kGt:
        return Bind(field, c.op, high);
      case Op::kEq:
      case Op::kNe:
      case Op::kHas:
        break;
    }
    params_.push_back(low);
    params_.push_back(high);
    return absl::StrCat("(", field.column, c.op == Op::kNe ? " NOT" : "", " BETWEEN ? AND ?)");
  }

  // `list:value` holds when some entry has the value (AIP-160 "has"). An
  // entry has it as a string field would with `:`: it contains the text,
  // ignoring case; with `*` wildcards the pattern must match the whole
  // entry, ignoring case. Canonicalised values (countries) match whole
  // entries exactly.
  absl::StatusOr<std::string> CompileList(const FieldSpec& field, const FilterComparison& c) {
    absl::StatusOr<std::string> text = Normalized(field, c);
    if (!text.ok()) return text.status();
    const bool postgres = dialect_ == Dialect::kPostgres;
    const std::string entry = postgres ? "e.v" : "json_each.value";
    std::string match;
    if (field.normalize) {
      match = absl::StrCat(entry, " = ?");
      params_.push_back(*std::move(text));
    } else if (text->find('*') != std::string::npos) {
      match = absl::StrCat("lower(", entry, ") LIKE lower(?) ESCAPE '\\'");
      params_.push_back(LikePattern(*text));
    } else {
      match = absl::StrCat(postgres ? "strpos" : "instr", "(lower(", entry, "), lower(?)) > 0");
      params_.push_back(*std::move(text));
    }
    if (postgres) {
      return absl::StrCat("(EXISTS (SELECT 1 FROM jsonb_array_elements_text(", field.column,
                          "::jsonb) AS e(v) WHERE ", match, "))");
    }
    return absl::StrCat("(EXISTS (SELECT 1 FROM json_each(", field.column, ") WHERE ", match, "))");
  }

  const std::vector<FieldSpec>& fields_;
  const Dialect dialect_;
  std::vector<SqlValue> params_;
};

// ---------------------------------------------------------------------------
// order_by

struct Word {
  absl::string_view text;
  size_t position;  // 1-based
};

// The whitespace-separated words of in[begin, end).
std::vector<Word> SplitWords(absl::string_view in, size_t begin, size_t end) {
  std::vector<Word> words;
  size_t i = begin;
  while (i < end) {
    if (IsSpace(in[i])) {
      ++i;
      continue;
    }
    const size_t start = i;
    while (i < end && !IsSpace(in[i])) ++i;
    words.push_back({in.substr(start, i - start), start + 1});
  }
  return words;
}

// One "path [asc|desc]" item spanning in[begin, end), where in[end] is the
// ',' after it or the end of the string; `earlier` holds the items before it.
absl::StatusOr<OrderTerm> ParseOrderItem(absl::string_view in, size_t begin, size_t end,
                                         const std::vector<FieldSpec>& fields,
                                         const std::vector<OrderTerm>& earlier) {
  const std::vector<Word> words = SplitWords(in, begin, end);
  if (words.empty()) {
    return end < in.size() ? OrderByError("expected a field before ',' at position ", end + 1)
                           : OrderByError("expected a field after ',' at position ", begin);
  }
  const Word& path = words[0];
  const FieldSpec* field = FindField(fields, path.text, /*for_order=*/true);
  if (field == nullptr || !field->orderable) {
    return OrderByError(field == nullptr ? "unknown field " : "cannot order by ",
                        At(path.text, path.position),
                        "; orderable fields: ", PathList(fields, true));
  }
  for (const OrderTerm& term : earlier) {
    if (term.field == field) {
      return OrderByError("field ", At(path.text, path.position), " is listed more than once");
    }
  }
  OrderTerm term{field, false};
  if (words.size() >= 2) {
    const Word& direction = words[1];
    if (absl::EqualsIgnoreCase(direction.text, "desc")) {
      term.descending = true;
    } else if (!absl::EqualsIgnoreCase(direction.text, "asc")) {
      return OrderByError("invalid direction ", At(direction.text, direction.position),
                          "; use asc or desc");
    }
  }
  if (words.size() > 2) {
    return OrderByError("unexpected ", At(words[2].text, words[2].position),
                        "; separate fields with ','");
  }
  return term;
}

}  // namespace

absl::StatusOr<std::optional<FilterExpr>> ParseFilter(absl::string_view filter) {
  if (filter.size() > kMaxFilterLength) {
    return FilterError("longer than ", kMaxFilterLength, " bytes (got ", filter.size(), ")");
  }
  absl::StatusOr<std::vector<Token>> tokens = Tokenize(filter);
  if (!tokens.ok()) return tokens.status();
  if (tokens->size() == 1) return std::nullopt;  // blank filter
  absl::StatusOr<FilterExpr> root = Parser(*std::move(tokens)).Run();
  if (!root.ok()) return root.status();
  return std::optional<FilterExpr>(*std::move(root));
}

absl::StatusOr<CompiledFilter> CompileFilter(absl::string_view filter,
                                             const std::vector<FieldSpec>& fields,
                                             Dialect dialect) {
  absl::StatusOr<std::optional<FilterExpr>> root = ParseFilter(filter);
  if (!root.ok()) return root.status();
  if (!root->has_value()) return CompiledFilter{};
  return Compiler(fields, dialect).Run(**root);
}

absl::StatusOr<std::vector<OrderTerm>> ParseOrderBy(absl::string_view order_by,
                                                    const std::vector<FieldSpec>& fields) {
  std::vector<OrderTerm> terms;
  if (SplitWords(order_by, 0, order_by.size()).empty()) return terms;
  size_t begin = 0;
  while (true) {
    const size_t comma = order_by.find(',', begin);
    const size_t end = comma == absl::string_view::npos ? order_by.size() : comma;
    absl::StatusOr<OrderTerm> term = ParseOrderItem(order_by, begin, end, fields, terms);
    if (!term.ok()) return term.status();
    terms.push_back(*term);
    if (end == order_by.size()) return terms;
    begin = end + 1;
  }
}

absl::StatusOr<std::pair<int64_t, int64_t>> ParseDateLiteral(absl::string_view literal) {
  absl::StatusOr<std::pair<int64_t, int64_t>> range = DateRange(literal);
  if (!range.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid date '", Shown(literal), "': ", range.status().message()));
  }
  return range;
}

}  // namespace bilateral::query
