// Every setting of bilateral-server in one table, read in one precedence
// order: a flag (--name=value) wins over an environment variable
// (BILATERAL_NAME), which wins over a line of the config file
// (name = value), which wins over the default. The same table parses all
// three and prints --help.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/log.h"
#include "server/server.h"

namespace bilateral::server {

// Everything the binary needs to start. The defaults here are the
// documented defaults; --help prints them from this struct.
struct ServerConfig {
  ServerOptions server;
  std::string database = "bilateral.db";
  bool seed = true;
  std::string port_file;
  LogLevel log_level = LogLevel::kInfo;
  int sqlite_readers = 8;
  // Threads running reads; 0: as many as the store's read connections.
  int read_workers = 0;
  std::string sqlite_synchronous = "FULL";
  int postgres_connections = 16;
  absl::Duration database_wait = absl::ZeroDuration();
  // Changes the change feed keeps; older cursors must resync.
  int change_retention = 1000000;
  absl::Duration shutdown_grace = absl::Seconds(10);
  std::string config_file;
};

struct Setting {
  std::string name;  // as a flag and a config file key
  std::string help;
  // Parses `text` into `config`; INVALID_ARGUMENT saying what is expected.
  std::function<absl::Status(absl::string_view text, ServerConfig* config)> parse;
  // The setting's value in `config`, as it would be written.
  std::function<std::string(const ServerConfig& config)> show;
};

// The table, in the order --help lists it.
const std::vector<Setting>& Settings();

// The environment variable of a setting: BILATERAL_ and the name in capitals.
std::string EnvironmentName(absl::string_view setting);

// Looks up an environment variable; nullopt when unset.
using Environment = std::function<std::optional<std::string>(const std::string& name)>;
// The process environment.
Environment ProcessEnvironment();

// Reads the settings from `args` (the flags, without the program name), the
// environment and the config file named by the `config` setting (a flag or
// BILATERAL_CONFIG). INVALID_ARGUMENT naming the setting, the value and
// where it came from when a value is invalid; naming the flag or file line
// when a setting is unknown.
absl::StatusOr<ServerConfig> LoadServerConfig(const std::vector<std::string>& args,
                                              const Environment& environment);

// Whether `args` ask for help (--help or -h).
bool WantsHelp(const std::vector<std::string>& args);

// The text of --help: usage, precedence, and every setting with its
// environment variable and default.
std::string SettingsHelp();

}  // namespace bilateral::server
