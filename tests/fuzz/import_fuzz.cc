// Fuzzes ImportTradeRecords' row handling: arbitrary bytes parsed as an
// import chunk (as the server receives it) and imported into a real store.
// Whatever the rows: no crash, one result per row, and the store grows by
// exactly the rows reported stored: no row is half-stored or stored
// silently.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "bilateral/v1/trade.pb.h"
#include "fuzz_store.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  bilateral::v1::ImportTradeRecordsRequest chunk;
  if (!chunk.ParseFromArray(data, static_cast<int>(size))) return 0;
  auto& store = bilateral::fuzz::FuzzStore();
  using bilateral::v1::TradeRecord;
  const int64_t before = bilateral::fuzz::CountOf<TradeRecord>(store);
  const int rows = chunk.trade_records_size();
  auto results = bilateral::domain::Records<TradeRecord>(&store).Import(
      bilateral::CallContext(), std::move(*chunk.mutable_trade_records()), chunk.use_names());
  const int64_t after = bilateral::fuzz::CountOf<TradeRecord>(store);
  if (!results.ok()) {
    if (after != before) std::abort();
    return 0;
  }
  if (static_cast<int>(results->size()) != rows) std::abort();
  int64_t stored = 0;
  for (const auto& result : *results) stored += result.status.ok();
  if (after - before != stored) std::abort();
  return 0;
}
