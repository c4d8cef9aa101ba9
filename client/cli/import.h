// `trade import [--format ndjson|csv] FILE`: streams trade records to the
// server's ImportTradeRecords, from NDJSON (as `trade export` writes it) or
// from CSV with the columns of kTradeCsvColumns.
#pragma once

#include <vector>

#include "context.h"

namespace bilateral::cli {

// The columns of a trade CSV file, named in its header line in any order:
//   reporter, partner    countries: "KZ", "KAZ", "398" or "countries/KZ"
//   year, quarter, month the period; quarter and month may be empty
//   flow                 EXPORT, IMPORT or TOTAL (or TRADE_FLOW_EXPORT, ...)
//   hs_code, commodity   the Harmonized System code and the goods' label;
//                        both empty for all goods
//   currency, units, nanos  the value: ISO 4217 code, whole units, and
//                        the fraction in 10^-9 units (may be empty)
//   source, quote        one citation: sources/ID (or ID) and the words
// Each row is one record with a generated id.
extern const std::vector<const char*> kTradeCsvColumns;

// Reads FILE first ("-": standard input): a row that is not a trade record
// is a usage error naming its line, and nothing is sent. Then imports every
// record in chunks of --chunk-size (default 1000), each stored as a unit;
// records keep the ids their names give, and records without a name get
// generated ids. Rows whose record exists already are reported on stderr
// and counted, as are rejected rows with their line and reasons. Prints
// "received N, stored N, already present N, rejected N" (or the server's
// summary in JSON). Returns kExitServerError when a row was rejected for
// another reason than existing already, or the call failed; else kExitOk.
int RunImportTrade(const Context& context);

}  // namespace bilateral::cli
