// The table of every command line form bilateralctl accepts. Dispatch,
// argument checks and --help are all driven by it.
#pragma once

#include <string>
#include <vector>

#include "context.h"

namespace bilateral::cli {

struct Command {
  std::string resource;  // "visits", "sources", "load"
  std::string verb;      // "" when the resource word is the whole command
  std::string args;      // positional arguments as --help shows them
  size_t min_args;
  size_t max_args;                 // kUnlimited for "FILE..."
  std::vector<std::string> flags;  // non-global flags it accepts
  std::string summary;
  int (*run)(const Context&);

  static constexpr size_t kUnlimited = static_cast<size_t>(-1);
  // "visits get" or "load".
  std::string Name() const;
};

const std::vector<Command>& Commands();

// The command that `words` start with, and how many words name it; null
// with an explanation in `problem` when there is none.
const Command* FindCommand(const std::vector<std::string>& words, size_t* consumed,
                           std::string* problem);

// The --help text: every command, every flag, the exit codes.
std::string Usage();

}  // namespace bilateral::cli
