// bilateralctl health: asks the server's standard gRPC health service
// whether it serves. Container health checks and scripts use it.
#pragma once

#include "context.h"

namespace bilateral::cli {

// Prints the serving status of the server (or of the service named by the
// one optional argument, for servers that report service by service). Exit
// code 0 only when it is SERVING; 1 when it is not, or the server cannot be
// reached.
int RunHealth(const Context& context);

}  // namespace bilateral::cli
