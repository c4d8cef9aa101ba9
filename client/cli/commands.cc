#include "commands.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "args.h"
#include "health.h"
#include "load.h"
#include "resource_commands.h"
#include "watch.h"

namespace bilateral::cli {
namespace {

// `visits list [--filter F] ...` as --help shows it; the two ways of giving
// a body are one choice, so they are shown as such.
std::string Synopsis(const Command& command) {
  std::string text = command.Name();
  if (!command.args.empty()) absl::StrAppend(&text, " ", command.args);
  const auto& flags = command.flags;
  auto has = [&](const char* name) {
    return std::find(flags.begin(), flags.end(), name) != flags.end();
  };
  bool body = has("file") && has("json");
  if (body) absl::StrAppend(&text, " (--file FILE | --json JSON)");
  for (const std::string& name : flags) {
    if (body && (name == "file" || name == "json")) continue;
    const char* value = FindFlag(name)->value_name;
    absl::StrAppend(&text, " [--", name, *value == '\0' ? "" : " ", value, "]");
  }
  return text;
}

}  // namespace

std::string Command::Name() const {
  return verb.empty() ? resource : absl::StrCat(resource, " ", verb);
}

const std::vector<Command>& Commands() {
  static const auto* commands = [] {
    auto* all = new std::vector<Command>(ResourceCommands());
    all->push_back({"load",
                    "",
                    "FILE...",
                    1,
                    Command::kUnlimited,
                    {"texts"},
                    "Create the records of bilateral.v1.Dataset JSON files (as in data/seed)\n"
                    "under the ids their names give, kind by kind in Dataset order: sources,\n"
                    "visits, partnerships, trade records, infrastructure projects,\n"
                    "exchanges, observations. Records that exist already are counted, not\n"
                    "errors. A source without text in its file is given the text of\n"
                    "{id}.txt in the --texts directory when there is one, so that the\n"
                    "server checks the quotes that cite it.",
                    &RunLoad});
    all->push_back({"watch",
                    "",
                    "",
                    0,
                    0,
                    {"from", "collections"},
                    "Print every change committed from now on (after CURSOR with --from),\n"
                    "as it comes: kind, name, commit time and the cursor to resume after\n"
                    "it. Runs until interrupted; a lost connection is resumed after the\n"
                    "last cursor received.",
                    &RunWatch});
    all->push_back({"health",
                    "",
                    "[SERVICE]",
                    0,
                    1,
                    {},
                    "Ask the server's gRPC health service whether it serves. Exit code 0\n"
                    "only when SERVING; 1 when NOT_SERVING (draining, or its database is\n"
                    "unreachable), or when the server cannot be reached. SERVICE asks\n"
                    "about one service of a server that reports them one by one;\n"
                    "bilateral-server reports on itself as a whole (NOT_FOUND otherwise).",
                    &RunHealth});
    return all;
  }();
  return *commands;
}

const Command* FindCommand(const std::vector<std::string>& words, size_t* consumed,
                           std::string* problem) {
  std::vector<std::string> verbs;
  for (const Command& command : Commands()) {
    if (command.resource != words[0]) continue;
    if (command.verb.empty()) {
      *consumed = 1;
      return &command;
    }
    if (words.size() > 1 && command.verb == words[1]) {
      *consumed = 2;
      return &command;
    }
    verbs.push_back(command.verb);
  }
  if (verbs.empty()) {
    *problem = absl::StrCat("unknown command '", words[0], "'");
  } else if (words.size() == 1) {
    *problem = absl::StrCat(words[0], " needs a verb: ", absl::StrJoin(verbs, ", "));
  } else {
    *problem = absl::StrCat("unknown command '", words[0], " ", words[1], "'; ", words[0],
                            " takes ", absl::StrJoin(verbs, ", "));
  }
  return nullptr;
}

std::string Usage() {
  std::string text =
      "Usage: bilateralctl [global flags] <resource> <verb> [args] [flags]\n"
      "Reads and writes the records of a bilateral server. Flags may come\n"
      "anywhere after the program name.\n\nCommands:\n";
  for (const Command& command : Commands()) {
    absl::StrAppend(&text, "  ", Synopsis(command), "\n      ",
                    absl::StrReplaceAll(command.summary, {{"\n", "\n      "}}), "\n");
  }
  for (bool global : {true, false}) {
    absl::StrAppend(&text, global ? "\nGlobal flags:\n" : "\nCommand flags:\n");
    for (const FlagSpec& flag : Flags()) {
      if (flag.global != global) continue;
      std::string name = absl::StrCat("--", flag.name);
      if (*flag.value_name != '\0') absl::StrAppend(&name, " ", flag.value_name);
      name.resize(std::max<size_t>(name.size(), 24), ' ');
      absl::StrAppend(&text, "  ", name, "  ",
                      absl::StrReplaceAll(flag.help, {{"\n", "\n" + std::string(28, ' ')}}), "\n");
    }
  }
  absl::StrAppend(&text,
                  "\nExit codes:\n"
                  "  0  success\n"
                  "  1  the server returned an error, or could not be reached "
                  "(UNAVAILABLE), or rejected an imported row\n"
                  "  2  usage error: unknown command or flag, missing argument, "
                  "input that is not the expected JSON or CSV\n"
                  "  3  local I/O error: a file could not be read or written\n"
                  "\nEnvironment:\n"
                  "  BILATERAL_ENDPOINT, BILATERAL_API_KEY, BILATERAL_TLS_CA_FILE,\n"
                  "  BILATERAL_TLS_CERT_FILE, BILATERAL_TLS_KEY_FILE\n"
                  "      the defaults of --endpoint, --api-key and the --tls-* flags; a flag\n"
                  "      wins over its variable. Calls that are safe to repeat (reads,\n"
                  "      creates, writes with --etag) are retried on transient errors.\n");
  return text;
}

}  // namespace bilateral::cli
