// Stops a PostgreSQL cluster of a test's own (test::PostgresCluster) when
// the test ends, however it ends: an assertion that returns early leaves no
// server running.
#pragma once

#include <string>

#include "test_store.h"

#ifdef BILATERAL_POSTGRES_SCRIPT
namespace bilateral::test {

// Declare it after the directory that holds the cluster, so that it runs
// first.
struct PostgresClusterGuard {
  std::string dir;
  ~PostgresClusterGuard() { PostgresCluster("kill", dir); }
};

}  // namespace bilateral::test
#endif
