// A real bilateral server on a free loopback port over a fresh store (see
// test_store.h for which), for end-to-end tests through the SDK.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "bilateral/options.h"
#include "server/seed.h"
#include "server/server.h"
#include "store/open_store.h"
#include "temp_dir.h"
#include "test_store.h"

namespace bilateral::test {

class TestServer {
 public:
  // Starts serving; `seed` loads the built-in seed data first.
  // `wrap`, if set, gets the prepared store and returns the one to serve.
  explicit TestServer(
      bool seed = true, server::ServerOptions options = {}, store::SqliteOptions sqlite = {},
      std::function<std::unique_ptr<store::Store>(std::unique_ptr<store::Store>)> wrap = nullptr) {
    auto database = TestDatabase(dir_, "server.db");
    if (!database.ok()) {
      status_ = database.status();
      return;
    }
    store::StoreOptions store_options;
    store_options.sqlite = sqlite;
    auto store = store::OpenStore(*database, store_options);
    if (!store.ok()) {
      status_ = store.status();
      return;
    }
    store_ = std::move(*store);
    status_ = server::PrepareStore(*store_);
    if (seed && status_.ok()) status_ = server::SeedIfEmpty(*store_);
    if (!status_.ok()) return;
    if (wrap) store_ = wrap(std::move(store_));
    options.listen = "127.0.0.1:0";
    if (options.database_path.empty()) options.database_path = database_path();
    auto started = server::Server::Start(options, store_.get());
    if (!started.ok()) {
      status_ = started.status();
      return;
    }
    server_ = std::move(*started);
  }

  // OK when the server is up.
  const absl::Status& status() const { return status_; }
  store::Store& store() { return *store_; }
  std::string database_path() const { return dir_.File("server.db"); }
  server::Server& server() { return *server_; }

  std::string endpoint() const { return "127.0.0.1:" + std::to_string(server_->port()); }
  ClientOptions client_options() const {
    ClientOptions options;
    options.endpoint = endpoint();
    options.timeout = absl::Seconds(10);
    return options;
  }

 private:
  TempDir dir_;
  absl::Status status_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<server::Server> server_;
};

}  // namespace bilateral::test
