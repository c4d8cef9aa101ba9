#include "server/settings.h"

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "server/address.h"

namespace bilateral::server {
namespace {

using Parse = std::function<absl::Status(absl::string_view, ServerConfig*)>;
using Show = std::function<std::string(const ServerConfig&)>;

absl::Status Expected(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("expected ", what));
}

// Each helper makes a setting from a field accessor, a generic lambda that
// returns a reference to the field of a (const or not) ServerConfig.
template <typename Field>
Setting Text(const char* name, const char* help, Field field, bool required = false) {
  return {name, help,
          [field, required](absl::string_view text, ServerConfig* config) {
            if (required && text.empty()) return Expected("a non-empty value");
            field(*config) = std::string(text);
            return absl::OkStatus();
          },
          [field](const ServerConfig& config) { return field(config); }};
}

template <typename Field>
Setting Integer(const char* name, const char* help, Field field, int min, int max) {
  return {name, help,
          [field, min, max](absl::string_view text, ServerConfig* config) {
            int value = 0;
            if (!absl::SimpleAtoi(text, &value) || value < min || value > max) {
              return Expected(absl::StrCat("a whole number from ", min, " to ", max));
            }
            field(*config) = value;
            return absl::OkStatus();
          },
          [field](const ServerConfig& config) { return absl::StrCat(field(config)); }};
}

bool ParseBool(absl::string_view text, bool* value) {
  std::string lower = absl::AsciiStrToLower(text);
  if (lower == "true" || lower == "1" || lower == "yes") {
    *value = true;
  } else if (lower == "false" || lower == "0" || lower == "no") {
    *value = false;
  } else {
    return false;
  }
  return true;
}

template <typename Field>
Setting Boolean(const char* name, const char* help, Field field) {
  return {name, help,
          [field](absl::string_view text, ServerConfig* config) {
            if (!ParseBool(text, &field(*config))) return Expected("true or false");
            return absl::OkStatus();
          },
          [field](const ServerConfig& config) {
            return std::string(field(config) ? "true" : "false");
          }};
}

// A duration such as 500ms, 10s, 1m30s or 2h; `allow_zero` admits 0, which
// the setting's help says what it means.
template <typename Field>
Setting Duration(const char* name, const char* help, Field field, bool allow_zero) {
  return {name, help,
          [field, allow_zero](absl::string_view text, ServerConfig* config) {
            absl::Duration value;
            if (!absl::ParseDuration(text, &value) || value < absl::ZeroDuration() ||
                (!allow_zero && value == absl::ZeroDuration()) ||
                value == absl::InfiniteDuration()) {
              return Expected(allow_zero ? "a duration such as 30s, 5m or 0"
                                         : "a positive duration such as 500ms, 30s or 5m");
            }
            field(*config) = value;
            return absl::OkStatus();
          },
          [field](const ServerConfig& config) { return absl::FormatDuration(field(config)); }};
}

// A size in bytes, with an optional KiB or MiB suffix.
template <typename Field>
Setting Bytes(const char* name, const char* help, Field field) {
  return {name, help,
          [field](absl::string_view text, ServerConfig* config) {
            int64_t unit = 1;
            if (absl::ConsumeSuffix(&text, "MiB")) {
              unit = 1 << 20;
            } else if (absl::ConsumeSuffix(&text, "KiB")) {
              unit = 1 << 10;
            }
            int64_t value = 0;
            if (!absl::SimpleAtoi(text, &value) || value < 1 || value > (int64_t{1} << 30) / unit) {
              return Expected("a size from 1 to 1024MiB, such as 4MiB or 65536");
            }
            field(*config) = static_cast<int>(value * unit);
            return absl::OkStatus();
          },
          [field](const ServerConfig& config) {
            int value = field(config);
            if (value % (1 << 20) == 0) return absl::StrCat(value >> 20, "MiB");
            if (value % (1 << 10) == 0) return absl::StrCat(value >> 10, "KiB");
            return absl::StrCat(value);
          }};
}

std::vector<Setting> MakeSettings() {
  std::vector<Setting> table;
  table.push_back(Text(
      "config",
      "a file of `name = value` lines, one per setting; read only from the "
      "flag or BILATERAL_CONFIG",
      [](auto& c) -> auto& { return c.config_file; }));
  Setting listen = Text(
      "listen", "host:port to serve gRPC on; port 0 picks a free port",
      [](auto& c) -> auto& { return c.server.listen; });
  listen.parse = [](absl::string_view text, ServerConfig* config) {
    std::string host;
    int port = 0;
    if (!absl::StartsWith(text, "unix:")) {
      if (auto status = SplitHostPort(text, &host, &port); !status.ok()) {
        return Expected("HOST:PORT, [IPv6]:PORT or unix:PATH");
      }
    }
    config->server.listen = std::string(text);
    return absl::OkStatus();
  };
  table.push_back(std::move(listen));
  table.push_back(Text(
      "database", "SQLite database file (created when missing), or a postgresql:// URL",
      [](auto& c) -> auto& { return c.database; },
      /*required=*/true));
  table.push_back(Boolean(
      "seed", "load the built-in seed data sets when the store is empty",
      [](auto& c) -> auto& { return c.seed; }));
  table.push_back(Text(
      "port_file", "if set, write the bound gRPC port to this file once serving",
      [](auto& c) -> auto& { return c.port_file; }));
  table.push_back({"log_level", "debug, info, warning or error; one JSON line per call at info",
                   [](absl::string_view text, ServerConfig* config) {
                     if (!ParseLogLevel(text, &config->log_level)) {
                       return Expected("debug, info, warning or error");
                     }
                     return absl::OkStatus();
                   },
                   [](const ServerConfig& config) {
                     constexpr const char* kNames[] = {"debug", "info", "warning", "error"};
                     return std::string(kNames[static_cast<int>(config.log_level)]);
                   }});

  table.push_back(Integer(
      "max_in_flight", "calls worked on at once; more get RESOURCE_EXHAUSTED",
      [](auto& c) -> auto& { return c.server.max_in_flight; }, 1, 1 << 20));
  table.push_back(Integer(
      "read_workers",
      "threads running reads; 0: as many as the store's read "
      "connections (sqlite_readers or postgres_connections)",
      [](auto& c) -> auto& { return c.read_workers; }, 0, 1024));
  table.push_back(Integer(
      "write_workers", "threads running writes",
      [](auto& c) -> auto& { return c.server.write_workers; }, 1, 1024));
  table.push_back(Integer(
      "max_queued_calls",
      "reads, and apart from them writes, admitted and waiting for a "
      "worker; more get RESOURCE_EXHAUSTED on arrival",
      [](auto& c) -> auto& { return c.server.max_queued_calls; }, 1, 1 << 20));
  table.push_back(Bytes(
      "max_receive_message_bytes", "largest request message accepted",
      [](auto& c) -> auto& { return c.server.max_receive_message_bytes; }));
  table.push_back(Bytes(
      "max_send_message_bytes", "largest response message sent",
      [](auto& c) -> auto& { return c.server.max_send_message_bytes; }));
  table.push_back(Duration(
      "default_deadline",
      "the longest a call may work when the client sets no earlier deadline; "
      "past it, its storage work stops and it fails with DEADLINE_EXCEEDED",
      [](auto& c) -> auto& { return c.server.default_deadline; }, false));
  table.push_back(Duration(
      "shutdown_grace", "on SIGTERM or SIGINT, how long calls in flight may finish",
      [](auto& c) -> auto& { return c.shutdown_grace; }, true));

  table.push_back(Duration(
      "keepalive_time", "ping a connection after this long without activity",
      [](auto& c) -> auto& { return c.server.keepalive_time; }, false));
  table.push_back(Duration(
      "keepalive_timeout", "close a connection whose ping is not answered in this long",
      [](auto& c) -> auto& { return c.server.keepalive_timeout; }, false));
  table.push_back(Duration(
      "keepalive_min_client_interval", "disconnect clients that ping more often than this",
      [](auto& c) -> auto& { return c.server.keepalive_min_client_interval; }, false));
  table.push_back(Duration(
      "max_connection_idle", "close connections idle this long; 0: never",
      [](auto& c) -> auto& { return c.server.max_connection_idle; }, true));
  table.push_back(Duration(
      "max_connection_age",
      "ask clients to reconnect after this long, so load balancers can "
      "rebalance; 0: never",
      [](auto& c) -> auto& { return c.server.max_connection_age; }, true));
  table.push_back(Duration(
      "max_connection_age_grace",
      "after max_connection_age, how long calls on the old connection may finish",
      [](auto& c) -> auto& { return c.server.max_connection_age_grace; }, true));

  table.push_back(Text(
      "keys_file",
      "API keys file (see `bilateral-server keys`); empty: no keys needed. "
      "Reloaded on SIGHUP",
      [](auto& c) -> auto& { return c.server.keys_file; }));
  table.push_back(Text(
      "tls_cert_file",
      "PEM certificate chain of the server; turns TLS on. "
      "Reloaded on SIGHUP",
      [](auto& c) -> auto& { return c.server.tls.cert_file; }));
  table.push_back(Text(
      "tls_key_file", "PEM private key of tls_cert_file",
      [](auto& c) -> auto& { return c.server.tls.key_file; }));
  table.push_back(Text(
      "tls_client_ca_file",
      "PEM CA certificates; clients must present a certificate they signed "
      "(mutual TLS)",
      [](auto& c) -> auto& { return c.server.tls.client_ca_file; }));
  table.push_back(Boolean(
      "allow_insecure_public", "allow listening beyond loopback with neither keys_file nor TLS",
      [](auto& c) -> auto& { return c.server.allow_insecure_public; }));

  table.push_back(Text(
      "metrics_listen", "host:port for plain HTTP /metrics (Prometheus) and /healthz; empty: off",
      [](auto& c) -> auto& { return c.server.metrics_listen; }));
  table.push_back(Boolean(
      "channelz", "serve gRPC channelz (connection statistics, needs no key) on the gRPC port",
      [](auto& c) -> auto& { return c.server.channelz; }));

  table.push_back(Integer(
      "sqlite_readers", "SQLite connections serving reads at once",
      [](auto& c) -> auto& { return c.sqlite_readers; }, 1, 1024));
  Setting synchronous = Text(
      "sqlite_synchronous",
      "FULL: writes survive power loss; NORMAL: they survive a crash of "
      "the process only",
      [](auto& c) -> auto& { return c.sqlite_synchronous; });
  synchronous.parse = [](absl::string_view text, ServerConfig* config) {
    if (text != "FULL" && text != "NORMAL") return Expected("FULL or NORMAL");
    config->sqlite_synchronous = std::string(text);
    return absl::OkStatus();
  };
  table.push_back(std::move(synchronous));
  table.push_back(Integer(
      "postgres_connections", "PostgreSQL connections open at once (per server)",
      [](auto& c) -> auto& { return c.postgres_connections; }, 1, 1000));
  table.push_back(Duration(
      "database_wait",
      "at start, how long to keep trying to reach PostgreSQL "
      "before giving up; 0s: fail at once",
      [](auto& c) -> auto& { return c.database_wait; }, true));
  table.push_back(Integer(
      "change_retention",
      "changes the change feed keeps; a cursor older than these must "
      "resync (CURSOR_EXPIRED)",
      [](auto& c) -> auto& { return c.change_retention; }, 1, 1000000000));
  table.push_back(Integer(
      "max_change_streams",
      "change streams (WatchChanges) open at once; more get "
      "RESOURCE_EXHAUSTED",
      [](auto& c) -> auto& { return c.server.max_change_streams; }, 1, 100000));
  table.push_back(Duration(
      "store_check_interval",
      "how often the store is checked; while it cannot be reached, gRPC health "
      "and /healthz report NOT_SERVING; 0s: never check",
      [](auto& c) -> auto& { return c.server.store_check_interval; }, true));
  return table;
}

const Setting* FindSetting(absl::string_view name) {
  for (const auto& setting : Settings()) {
    if (setting.name == name) return &setting;
  }
  return nullptr;
}

bool IsBoolean(const Setting& setting) {
  ServerConfig probe;
  return setting.parse("true", &probe).ok() && setting.parse("false", &probe).ok() &&
         !setting.parse("maybe", &probe).ok();
}

// A value and where it came from, for messages.
struct Given {
  std::string value;
  std::string origin;
};

absl::Status ParseFlags(const std::vector<std::string>& args, std::map<std::string, Given>* given) {
  for (size_t i = 0; i < args.size(); ++i) {
    absl::string_view arg = args[i];
    if (!absl::ConsumePrefix(&arg, "--") && !absl::ConsumePrefix(&arg, "-")) {
      return absl::InvalidArgumentError(
          absl::StrCat("unexpected argument '", args[i], "'; see --help"));
    }
    auto equals = arg.find('=');
    std::string name(arg.substr(0, equals));
    const Setting* setting = FindSetting(name);
    std::optional<std::string> value;
    if (equals != absl::string_view::npos) value = std::string(arg.substr(equals + 1));
    if (setting == nullptr && absl::StartsWith(name, "no") && !value) {
      // --noseed is --seed=false.
      const Setting* negated = FindSetting(name.substr(2));
      if (negated != nullptr && IsBoolean(*negated)) {
        (*given)[negated->name] = {"false", absl::StrCat("flag --", name)};
        continue;
      }
    }
    if (setting == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("unknown setting '--", name, "'; see --help"));
    }
    if (!value) {
      if (IsBoolean(*setting)) {
        value = "true";
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        return absl::InvalidArgumentError(
            absl::StrCat("setting '", name, "' (flag --", name, ") needs a value"));
      }
    }
    (*given)[name] = {*value, absl::StrCat("flag --", name)};
  }
  return absl::OkStatus();
}

absl::Status ParseConfigFile(const std::string& path, std::map<std::string, Given>* given) {
  std::ifstream file(path);
  if (!file) {
    return absl::InvalidArgumentError(
        absl::StrCat("setting 'config': cannot read config file '", path, "'"));
  }
  std::string line;
  int number = 0;
  while (std::getline(file, line)) {
    ++number;
    const std::string origin = absl::StrCat("config file ", path, " line ", number);
    absl::string_view text = absl::StripAsciiWhitespace(line);
    if (text.empty() || text[0] == '#') continue;
    auto equals = text.find('=');
    if (equals == absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat(origin, ": expected `name = value`"));
    }
    std::string name(absl::StripAsciiWhitespace(text.substr(0, equals)));
    absl::string_view value = absl::StripAsciiWhitespace(text.substr(equals + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    if (FindSetting(name) == nullptr || name == "config") {
      return absl::InvalidArgumentError(absl::StrCat(origin, ": unknown setting '", name, "'"));
    }
    (*given)[name] = {std::string(value), origin};
  }
  return absl::OkStatus();
}

}  // namespace

const std::vector<Setting>& Settings() {
  static const auto* table = new std::vector<Setting>(MakeSettings());
  return *table;
}

std::string EnvironmentName(absl::string_view setting) {
  return absl::StrCat("BILATERAL_", absl::AsciiStrToUpper(setting));
}

Environment ProcessEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

bool WantsHelp(const std::vector<std::string>& args) {
  for (const auto& arg : args) {
    if (arg == "--help" || arg == "-help" || arg == "-h") return true;
  }
  return false;
}

absl::StatusOr<ServerConfig> LoadServerConfig(const std::vector<std::string>& args,
                                              const Environment& environment) {
  std::map<std::string, Given> flags;
  if (auto status = ParseFlags(args, &flags); !status.ok()) return status;
  std::map<std::string, Given> from_environment;
  for (const auto& setting : Settings()) {
    const std::string variable = EnvironmentName(setting.name);
    if (auto value = environment(variable)) {
      from_environment[setting.name] = {*value, absl::StrCat("environment ", variable)};
    }
  }
  std::map<std::string, Given> from_file;
  const Given* config = flags.count("config")              ? &flags["config"]
                        : from_environment.count("config") ? &from_environment["config"]
                                                           : nullptr;
  if (config != nullptr && !config->value.empty()) {
    if (auto status = ParseConfigFile(config->value, &from_file); !status.ok()) {
      return status;
    }
  }

  ServerConfig result;
  for (const auto& setting : Settings()) {
    const Given* given = nullptr;
    for (auto* layer : {&flags, &from_environment, &from_file}) {
      auto it = layer->find(setting.name);
      if (it != layer->end()) {
        given = &it->second;
        break;
      }
    }
    if (given == nullptr) continue;
    if (auto status = setting.parse(given->value, &result); !status.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("invalid value '", given->value,
                                                     "' for setting '", setting.name, "' (from ",
                                                     given->origin, "): ", status.message()));
    }
  }

  const auto& tls = result.server.tls;
  if (tls.cert_file.empty() != tls.key_file.empty()) {
    return absl::InvalidArgumentError(
        "settings 'tls_cert_file' and 'tls_key_file' must be set together");
  }
  if (!tls.client_ca_file.empty() && tls.cert_file.empty()) {
    return absl::InvalidArgumentError(
        "setting 'tls_client_ca_file' needs 'tls_cert_file' and 'tls_key_file'");
  }
  if (!result.server.metrics_listen.empty()) {
    std::string host;
    int port = 0;
    if (!SplitHostPort(result.server.metrics_listen, &host, &port).ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid value '", result.server.metrics_listen,
                       "' for setting 'metrics_listen': expected HOST:PORT"));
    }
  }
  return result;
}

std::string SettingsHelp() {
  std::string text =
      "bilateral-server: serves cited records of bilateral relations over "
      "gRPC.\n\n"
      "Usage:\n"
      "  bilateral-server [--name=value ...]\n"
      "  bilateral-server keys create --keys_file=FILE --id=ID "
      "--role=reader|writer|admin\n"
      "  bilateral-server keys list --keys_file=FILE\n"
      "  bilateral-server keys revoke --keys_file=FILE --id=ID\n\n"
      "Each setting is a flag (--name=value or --name value; --name alone and\n"
      "--noname for true/false settings), an environment variable\n"
      "(BILATERAL_NAME) or a line of the config file (name = value). A flag\n"
      "wins over the environment, which wins over the config file, which wins\n"
      "over the default. An invalid setting stops start-up (exit code 2).\n\n"
      "Signals: SIGTERM or SIGINT drain and stop (exit code 0); SIGHUP reloads\n"
      "the keys file and the TLS files.\n\n"
      "Settings:\n";
  const ServerConfig defaults;
  for (const auto& setting : Settings()) {
    std::string shown = setting.show(defaults);
    absl::StrAppend(&text, "  --", setting.name, "  (", EnvironmentName(setting.name),
                    ")  default: ", shown.empty() ? "\"\"" : shown, "\n      ", setting.help, "\n");
  }
  return text;
}

}  // namespace bilateral::server
