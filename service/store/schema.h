// The tables of every collection and their versioned migrations. Each
// migration is applied once, in order, inside one transaction.
#pragma once

#include <string>
#include <vector>

namespace bilateral::store {

struct Migration {
  int version;
  std::string description;
  std::vector<std::string> statements;
};

// Migrations of the embedded SQLite store, ascending by version.
const std::vector<Migration>& SqliteMigrations();

}  // namespace bilateral::store
