// The tables of every collection and their versioned migrations. Each
// migration is applied once, in order, inside one transaction.
#pragma once

#include <string>
#include <vector>

#include "query/filter.h"

namespace bilateral::store {

struct Migration {
  int version;
  std::string description;
  std::vector<std::string> statements;
};

// Migrations for `dialect`, ascending by version. Both dialects share one
// list and so one version numbering.
const std::vector<Migration>& Migrations(query::Dialect dialect);

}  // namespace bilateral::store
