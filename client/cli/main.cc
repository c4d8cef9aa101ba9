// bilateralctl: the command line for a bilateral server.
//
//   bilateralctl [global flags] <resource> <verb> [args] [flags]
//
// Parses the command line, checks it against the command table, and runs
// the command; see `bilateralctl --help`.
#include <unistd.h>

#include <algorithm>
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

// A usage problem with the command's words or flags, or "" when none.
std::string CheckUsage(const Command& command, const Invocation& invocation, size_t arg_count) {
  if (arg_count < command.min_args) {
    return absl::StrCat(command.Name(), " needs ", command.args);
  }
  if (arg_count > command.max_args) {
    return absl::StrCat("too many arguments for ", command.Name());
  }
  for (const auto& [name, value] : invocation.flags) {
    if (FindFlag(name)->global) continue;
    if (std::find(command.flags.begin(), command.flags.end(), name) == command.flags.end()) {
      return absl::StrCat("--", name, " does not apply to ", command.Name());
    }
  }
  return "";
}

// The flags' settings; those not given are left empty for the SDK to take
// from the environment, as it documents.
ClientOptions OptionsFrom(const Invocation& invocation) {
  ClientOptions options;
  options.endpoint = invocation.Get("endpoint");
  options.api_key = invocation.Get("api-key");
  options.tls_ca_file = invocation.Get("tls-ca-file");
  options.tls_cert_file = invocation.Get("tls-cert-file");
  options.tls_key_file = invocation.Get("tls-key-file");
  double seconds = 0;
  // The parser has checked the value, so the conversion cannot fail.
  if (invocation.Has("timeout") && absl::SimpleAtod(invocation.Get("timeout"), &seconds)) {
    options.timeout = absl::Seconds(seconds);
  }
  return options;
}

OutputFormat FormatFrom(const Invocation& invocation) {
  std::string output = invocation.Get("output", "table");
  if (output == "json") return OutputFormat::kJson;
  if (output == "ndjson") return OutputFormat::kNdjson;
  return OutputFormat::kTable;
}

int Main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
         bool err_is_terminal) {
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
  auto channel = MakeChannel(context.options);
  if (!channel.ok()) {
    // Contradicting TLS settings are the user's to fix; a file that cannot
    // be read is a local I/O error.
    return absl::IsInvalidArgument(channel.status())
               ? ReportUsageError(channel.status().message(), err)
               : ReportLocalError(kExitIo, channel.status().message(), err);
  }
  context.channel = *std::move(channel);
  context.format = FormatFrom(*invocation);
  context.args.assign(invocation->words.begin() + static_cast<long>(consumed),
                      invocation->words.end());
  context.invocation = *std::move(invocation);
  context.out = &out;
  context.err = &err;
  context.progress = err_is_terminal;
  return command->run(context);
}

}  // namespace
}  // namespace bilateral::cli

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return bilateral::cli::Main(args, std::cout, std::cerr, isatty(STDERR_FILENO) != 0);
}
