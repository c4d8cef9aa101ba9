// `bilateralctl watch`: the change feed, printed as it comes.
#pragma once

#include "context.h"

namespace bilateral::cli {

// `watch [--from CURSOR] [--collections A,B]`: prints every change committed
// after CURSOR (from now without one), one per line as it arrives, each
// with the cursor to resume after it, until the server ends the stream.
// Transient failures reopen the stream after the last cursor received.
int RunWatch(const Context& context);

}  // namespace bilateral::cli
