// The verbs on the resources, written once over the resource type: list,
// get, batch-get, create, update and delete for every record resource, list,
// get and export for the read-only countries and findings, and the reads the
// server derives from the records: search, and the relationships of pairs of
// countries.
#pragma once

#include <vector>

#include "commands.h"

namespace bilateral::cli {

// Every command of the resources, grouped by resource in Dataset order
// (sources, visits, partnerships, trade, infrastructure, exchanges,
// observations), then countries and findings, then search and
// relationships.
std::vector<Command> ResourceCommands();

}  // namespace bilateral::cli
