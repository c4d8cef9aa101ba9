// bilateral-server: serves cited records of bilateral relations over gRPC.
// `bilateral-server --help` lists every setting; `bilateral-server keys ...`
// manages API keys.
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "common/log.h"
#include "server/copy_data.h"
#include "server/keys_command.h"
#include "server/seed.h"
#include "server/server.h"
#include "server/settings.h"
#include "store/open_store.h"

namespace {

int Fail(const absl::Status& status, int exit_code = 1) {
  bilateral::LogError("server", std::string(status.message()),
                      {{"code", absl::StatusCodeToString(status.code())}});
  return exit_code;
}

bilateral::store::StoreOptions StoreOptionsOf(const bilateral::server::ServerConfig& config) {
  bilateral::store::StoreOptions options;
  options.sqlite.max_readers = config.sqlite_readers;
  options.sqlite.synchronous = config.sqlite_synchronous;
  options.postgres.max_connections = config.postgres_connections;
  options.postgres.startup_wait = config.database_wait;
  options.sqlite.change_retention = options.postgres.change_retention = config.change_retention;
  return options;
}

// `copy-data --from=DATABASE --to=DATABASE`: copies every record into an
// empty store, keeping names, etags and times (see docs/operations.md).
int CopyDataCommand(const std::vector<std::string>& args) {
  std::string from, to;
  for (const auto& arg : args) {
    absl::string_view value = arg;
    if (absl::ConsumePrefix(&value, "--from=")) {
      from = std::string(value);
    } else if (absl::ConsumePrefix(&value, "--to=")) {
      to = std::string(value);
    } else {
      std::cerr << "copy-data: unknown argument '" << arg
                << "'; usage: bilateral-server copy-data --from=DATABASE --to=DATABASE\n";
      return 2;
    }
  }
  if (from.empty() || to.empty()) {
    std::cerr << "usage: bilateral-server copy-data --from=DATABASE --to=DATABASE\n"
                 "  DATABASE is a SQLite file path or a postgresql:// URL\n";
    return 2;
  }
  bilateral::store::StoreOptions existing;
  existing.sqlite.create = false;  // a mistyped source path is an error
  auto source = bilateral::store::OpenStore(from, existing);
  if (!source.ok()) return Fail(source.status());
  auto target = bilateral::store::OpenStore(to, {});
  if (!target.ok()) return Fail(target.status());
  for (auto* store : {source->get(), target->get()}) {
    if (auto status = bilateral::server::PrepareStore(*store); !status.ok()) return Fail(status);
  }
  auto copied = bilateral::server::CopyData(**source, **target);
  if (!copied.ok()) return Fail(copied.status());
  std::cout << "copied " << copied->copied << " records\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  const auto environment = bilateral::server::ProcessEnvironment();
  if (!args.empty() && args[0] == "keys") {
    return bilateral::server::RunKeysCommand({args.begin() + 1, args.end()}, environment, std::cout,
                                             std::cerr);
  }
  if (!args.empty() && args[0] == "copy-data") {
    return CopyDataCommand({args.begin() + 1, args.end()});
  }
  if (bilateral::server::WantsHelp(args)) {
    std::cout << bilateral::server::SettingsHelp();
    return 0;
  }
  auto config = bilateral::server::LoadServerConfig(args, environment);
  if (!config.ok()) return Fail(config.status(), 2);
  bilateral::SetLogLevel(config->log_level);
  if (auto status = bilateral::server::CheckExposure(config->server); !status.ok()) {
    return Fail(status, 2);
  }

  // Signals are taken by sigwait below; every thread started from here on
  // inherits the mask, so none of them is interrupted by them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  // A peer that hangs up mid-write is an error to handle, not a reason to die.
  signal(SIGPIPE, SIG_IGN);
  // Past a file-size limit (ulimit -f, LimitFSIZE=), a write is an error the
  // store reports as out of space (RESOURCE_EXHAUSTED), not a reason to die.
  signal(SIGXFSZ, SIG_IGN);

  auto store = bilateral::store::OpenStore(config->database, StoreOptionsOf(*config));
  if (!store.ok()) return Fail(store.status());
  if (auto status = bilateral::server::PrepareStore(**store); !status.ok()) {
    return Fail(status);
  }
  if (config->seed) {
    if (auto status = bilateral::server::SeedIfEmpty(**store); !status.ok()) {
      return Fail(status);
    }
  }

  bilateral::server::ServerOptions options = config->server;
  const bool postgres = bilateral::store::IsPostgresUrl(config->database);
  options.read_workers = config->read_workers > 0 ? config->read_workers
                         : postgres               ? config->postgres_connections
                                                  : config->sqlite_readers;
  // The store size metric reads the SQLite files; a PostgreSQL URL has none.
  if (config->database.rfind("postgres", 0) != 0) options.database_path = config->database;
  auto server = bilateral::server::Server::Start(options, store->get());
  if (!server.ok()) return Fail(server.status());

  if (!config->port_file.empty()) {
    // Written whole under another name first, so a reader never sees half.
    const std::string temp = absl::StrCat(config->port_file, ".tmp");
    std::ofstream(temp) << (*server)->port() << "\n";
    std::rename(temp.c_str(), config->port_file.c_str());
  }

  int signal_number = 0;
  for (;;) {
    sigwait(&signals, &signal_number);
    if (signal_number != SIGHUP) break;
    (*server)->Reload().IgnoreError();  // logged; what failed keeps its state
  }
  bilateral::LogInfo("server", "shutting down",
                     {{"signal", signal_number == SIGTERM ? "SIGTERM" : "SIGINT"},
                      {"grace_s", absl::ToDoubleSeconds(config->shutdown_grace)}});
  (*server)->Shutdown(config->shutdown_grace);
  (*server)->Wait();
  server->reset();
  bilateral::LogInfo("server", "stopped");
  return 0;
}
