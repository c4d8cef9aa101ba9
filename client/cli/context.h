// What a command runs with: the connection settings, the output format,
// its arguments and flags, and where to write.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "args.h"
#include "bilateral/options.h"

namespace bilateral::cli {

// How results are printed: aligned text for people, pretty protobuf JSON,
// or NDJSON (one compact JSON object per line) for pipelines.
enum class OutputFormat { kTable, kJson, kNdjson };

struct Context {
  ClientOptions options;
  // One channel to the server, shared by every connection the command makes.
  std::shared_ptr<grpc::Channel> channel;
  OutputFormat format = OutputFormat::kTable;
  // The words after `<resource> <verb>` (after `load` for load).
  std::vector<std::string> args;
  Invocation invocation;
  std::ostream* out = nullptr;
  std::ostream* err = nullptr;
  // Whether `err` is a terminal, where long transfers show their progress.
  bool progress = false;
};

}  // namespace bilateral::cli
