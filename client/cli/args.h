// The command line as words and flags. Every flag bilateralctl knows is
// listed once, in Flags(), with the kind of value it takes, so that parsing,
// value checks and --help all come from the same table.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace bilateral::cli {

// What a flag's value must be; checked while parsing.
enum class FlagValue {
  kNone,     // a switch: --help
  kText,     // any string
  kCount,    // a whole number >= 0
  kSeconds,  // a number of seconds > 0
  kChoice,   // one of the '|'-separated words of `value_name`
};

struct FlagSpec {
  const char* name;        // without the leading "--"
  const char* value_name;  // how --help shows the value; "" for switches
  FlagValue value;
  bool global;  // accepted by every command; others only where listed
  const char* help;
};

// Every flag, global ones first.
const std::vector<FlagSpec>& Flags();
const FlagSpec* FindFlag(const std::string& name);

// The parsed command line. Flags may appear anywhere among the words.
struct Invocation {
  std::vector<std::string> words;            // e.g. {"visits", "get", "ID"}
  std::map<std::string, std::string> flags;  // name -> value ("" for switches)

  bool Has(const std::string& name) const { return flags.count(name) > 0; }
  // The flag's value, or `fallback` when it was not given.
  std::string Get(const std::string& name, const std::string& fallback = "") const;
};

// Splits `args` (without the program name) into words and flags. Accepts
// "--name value", "--name=value" and "-h"; "--" makes every later argument
// a word. INVALID_ARGUMENT names the offending argument.
absl::StatusOr<Invocation> ParseArgs(const std::vector<std::string>& args);

// The items of a flag's "a, b" value, without blanks.
std::vector<std::string> CommaList(const std::string& text);

}  // namespace bilateral::cli
