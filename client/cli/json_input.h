// Records read from protobuf JSON, given inline or in a file. A file that
// cannot be read is a local I/O error (exit 3); text that is not the
// expected message is a usage error (exit 2): the user must fix the input.
#pragma once

#include <ostream>
#include <string>

#include "context.h"
#include "google/protobuf/message.h"

namespace bilateral::cli {

// Reads the whole file at `path` into `text`. Returns kExitOk, or prints why
// it cannot be read to `err` and returns kExitIo.
int ReadFileText(const std::string& path, std::string* text, std::ostream& err);

// Fills `message` from `json`; `origin` names the input in the message (e.g.
// "--json" or "FILE:3"). Returns kExitOk, or prints the problem to `err` and
// returns kExitUsage.
int ParseJson(const std::string& json, const std::string& origin,
              google::protobuf::Message* message, std::ostream& err);

// Fills `message` from the JSON file at `path`. Returns kExitOk, or prints
// the problem to `err` and returns kExitIo or kExitUsage.
int ReadJsonFile(const std::string& path, google::protobuf::Message* message,
                 std::ostream& err);

// Fills `message` from the request body the command line gives: exactly one
// of --json TEXT or --file FILE. Returns like ReadJsonFile.
int ReadBody(const Context& context, google::protobuf::Message* message);

}  // namespace bilateral::cli
