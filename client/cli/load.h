// `load FILE...`: puts the records of bilateral.v1.Dataset JSON files (the
// format of data/seed) into a server through the API.
#pragma once

#include "context.h"

namespace bilateral::cli {

// Reads every file first, so that a bad file loads nothing; then creates the
// records kind by kind in Dataset order (sources, visits, partnerships, trade
// records, infrastructure projects, exchanges, observations), each under the
// id its name gives. A record whose id is taken counts as already present,
// which makes a load safe to repeat. Any other error stops the load and names
// the record. Returns the process exit code.
int RunLoad(const Context& context);

}  // namespace bilateral::cli
