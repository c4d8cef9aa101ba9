// `trade import FILE`: streams trade records from an NDJSON file to the
// server's ImportTradeRecords.
#pragma once

#include "context.h"

namespace bilateral::cli {

// Reads FILE first (one TradeRecord in protobuf JSON per line, blank lines
// skipped): a line that is not one is a usage error naming it, and nothing
// is sent. Then imports every record in one stream of --chunk-size chunks
// (default 1000), taking ids from the records' names with --use-names.
// Prints "received N, stored N, rejected N" (or the response in JSON) to
// `out`, and each rejected row with its line and reasons to `err`. Returns
// kExitOk whenever the import ran, even with rejected rows, and
// kExitServerError when the call itself failed.
int RunImportTrade(const Context& context);

}  // namespace bilateral::cli
