// bilateralctl: the command line for a bilateral server.
//
//   bilateralctl [global flags] <resource> <verb> [args] [flags]
//
// Parses the command line, checks it against the command table, and runs
// the command; see `bilateralctl --help`.
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "args.h"
#include "bilateral/options.h"
#include "commands.h"
#include "context.h"
#include "errors.h"

namespace bilateral::cli {
namespace {

constexpr const char* kDefaultEndpoint = "127.0.0.1:50051";

// A usage problem with the command's words or flags, or "" when none.
std::string CheckUsage(const Command& command, const Invocation& invocation,
                       size_t arg_count) {
  if (arg_count < command.min_args) {
    return absl::StrCat(command.Name(), " needs ", command.args);
  }
  if (arg_count > command.max_args) {
    return absl::StrCat("too many arguments for ", command.Name());
  }
  for (const auto& [name, value] : invocation.flags) {
    if (FindFlag(name)->global) continue;
    if (std::find(command.flags.begin(), command.flags.end(), name) ==
        command.flags.end()) {
      return absl::StrCat("--", name, " does not apply to ", command.Name());
    }
  }
  return "";
}

ClientOptions OptionsFrom(const Invocation& invocation) {
  ClientOptions options;
  const char* from_env = std::getenv("BILATERAL_ENDPOINT");
  options.endpoint = invocation.Get(
      "endpoint", from_env != nullptr && *from_env != '\0' ? from_env : kDefaultEndpoint);
  double seconds = 0;
  // The parser has checked the value, so the conversion cannot fail.
  if (invocation.Has("timeout") && absl::SimpleAtod(invocation.Get("timeout"), &seconds)) {
    options.timeout = absl::Seconds(seconds);
  }
  return options;
}

int Main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  auto invocation = ParseArgs(args);
  if (!invocation.ok()) return ReportUsageError(invocation.status().message(), err);
  if (invocation->Has("help")) {
    out << Usage();
    return kExitOk;
  }
  if (invocation->words.empty()) {
    err << Usage();
    return kExitUsage;
  }
  size_t consumed = 0;
  std::string problem;
  const Command* command = FindCommand(invocation->words, &consumed, &problem);
  if (command == nullptr) return ReportUsageError(problem, err);
  problem = CheckUsage(*command, *invocation, invocation->words.size() - consumed);
  if (!problem.empty()) return ReportUsageError(problem, err);

  Context context;
  context.options = OptionsFrom(*invocation);
  context.channel = MakeChannel(context.options);
  context.format = invocation->Get("output") == "json" ? OutputFormat::kJson
                                                       : OutputFormat::kTable;
  context.args.assign(invocation->words.begin() + static_cast<long>(consumed),
                      invocation->words.end());
  context.invocation = *std::move(invocation);
  context.out = &out;
  context.err = &err;
  return command->run(context);
}

}  // namespace
}  // namespace bilateral::cli

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return bilateral::cli::Main(args, std::cout, std::cerr);
}
