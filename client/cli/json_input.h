// Records read from protobuf JSON, given inline or in a file. A file that
// cannot be read is a local I/O error (exit 3); text that is not the
// expected message is a usage error (exit 2): the user must fix the input.
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "context.h"
#include "errors.h"
#include "google/protobuf/message.h"

namespace bilateral::cli {

// Reads the whole file at `path` ("-": standard input) into `text`. Returns
// kExitOk, or prints why it cannot be read to `err` and returns kExitIo.
int ReadFileText(const std::string& path, std::string* text, std::ostream& err);

// Fills `message` from `json`; `origin` names the input in the message (e.g.
// "--json" or "FILE:3"). Returns kExitOk, or prints the problem to `err` and
// returns kExitUsage.
int ParseJson(const std::string& json, const std::string& origin,
              google::protobuf::Message* message, std::ostream& err);

// Fills `message` from the JSON file at `path`. Returns kExitOk, or prints
// the problem to `err` and returns kExitIo or kExitUsage.
int ReadJsonFile(const std::string& path, google::protobuf::Message* message, std::ostream& err);

// Fills `message` from the request body the command line gives: exactly one
// of --json TEXT or --file FILE. Returns like ReadJsonFile.
int ReadBody(const Context& context, google::protobuf::Message* message);

// Calls `parse` with each non-blank line of the file at `path` ("-":
// standard input), its number (from 1) and its origin ("FILE:LINE"), until
// `parse` returns something other than kExitOk. Returns that, or kExitIo
// after printing why the file cannot be read.
int ForEachLine(const std::string& path, std::ostream& err,
                const std::function<int(const std::string& line, int number,
                                        const std::string& origin)>& parse);

// The records of an NDJSON file ("-": standard input), one T in protobuf
// JSON per line, blank lines skipped, and the line each came from. Reads
// all or nothing: a line that is not a T is a usage error naming FILE:LINE.
template <typename T>
int ReadNdjson(const std::string& path, std::vector<T>* records, std::vector<int>* lines,
               std::ostream& err) {
  return ForEachLine(path, err,
                     [&](const std::string& line, int number, const std::string& origin) {
                       T record;
                       if (int code = ParseJson(line, origin, &record, err); code != kExitOk)
                         return code;
                       records->push_back(std::move(record));
                       lines->push_back(number);
                       return static_cast<int>(kExitOk);
                     });
}

}  // namespace bilateral::cli
