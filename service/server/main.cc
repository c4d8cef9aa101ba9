// bilateral-server: serves cited records of bilateral relations over gRPC.
#include <signal.h>

#include <cstdio>
#include <fstream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/log.h"
#include "server/seed.h"
#include "server/server.h"
#include "store/sqlite_store.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "host:port to serve gRPC on; port 0 picks a free port");
ABSL_FLAG(std::string, database, "bilateral.db",
          "SQLite database file (created when missing)");
ABSL_FLAG(bool, seed, true,
          "load the built-in seed data sets when the store is empty");
ABSL_FLAG(int, max_in_flight, 1024,
          "calls worked on at once; more get RESOURCE_EXHAUSTED");
ABSL_FLAG(int, sqlite_readers, 8, "SQLite connections serving reads at once");
ABSL_FLAG(std::string, sqlite_synchronous, "FULL",
          "FULL: writes survive power loss; NORMAL: they survive a crash of "
          "the process only");
ABSL_FLAG(absl::Duration, shutdown_grace, absl::Seconds(10),
          "on SIGTERM or SIGINT, how long calls in flight may finish");
ABSL_FLAG(std::string, log_level, "info", "debug, info, warning or error");
ABSL_FLAG(std::string, port_file, "",
          "if set, write the bound port to this file once serving");

namespace {

int Fail(const absl::Status& status) {
  bilateral::LogError("server", std::string(status.message()),
                      {{"code", absl::StatusCodeToString(status.code())}});
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Serves cited records of bilateral relations over gRPC.\n"
      "Usage: bilateral-server [--listen=HOST:PORT] [--database=FILE] ...");
  absl::ParseCommandLine(argc, argv);

  bilateral::LogLevel level;
  if (!bilateral::ParseLogLevel(absl::GetFlag(FLAGS_log_level), &level)) {
    return Fail(absl::InvalidArgumentError(
        "--log_level must be debug, info, warning or error"));
  }
  bilateral::SetLogLevel(level);
  if (absl::GetFlag(FLAGS_max_in_flight) < 1 ||
      absl::GetFlag(FLAGS_sqlite_readers) < 1) {
    return Fail(absl::InvalidArgumentError(
        "--max_in_flight and --sqlite_readers must be at least 1"));
  }

  // Signals are taken by sigwait below; every thread started from here on
  // inherits the mask, so none of them is interrupted by them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  bilateral::store::SqliteOptions sqlite;
  sqlite.max_readers = absl::GetFlag(FLAGS_sqlite_readers);
  sqlite.synchronous = absl::GetFlag(FLAGS_sqlite_synchronous);
  auto store = bilateral::store::OpenSqliteStore(absl::GetFlag(FLAGS_database),
                                                 sqlite);
  if (!store.ok()) return Fail(store.status());
  if (absl::GetFlag(FLAGS_seed)) {
    if (auto status = bilateral::server::SeedIfEmpty(**store); !status.ok()) {
      return Fail(status);
    }
  }

  bilateral::server::ServerOptions options;
  options.listen = absl::GetFlag(FLAGS_listen);
  options.max_in_flight = absl::GetFlag(FLAGS_max_in_flight);
  auto server = bilateral::server::Server::Start(options, store->get());
  if (!server.ok()) return Fail(server.status());

  if (const auto path = absl::GetFlag(FLAGS_port_file); !path.empty()) {
    std::ofstream(path) << (*server)->port() << "\n";
  }

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  bilateral::LogInfo("server", "shutting down",
                     {{"signal", signal_number == SIGTERM ? "SIGTERM" : "SIGINT"}});
  (*server)->Shutdown(absl::GetFlag(FLAGS_shutdown_grace));
  (*server)->Wait();
  server->reset();
  bilateral::LogInfo("server", "stopped");
  return 0;
}
