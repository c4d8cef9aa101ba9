#include "bilateral/trade_record_client.h"

#include <algorithm>

namespace bilateral {

absl::StatusOr<v1::ImportTradeRecordsResponse> TradeRecordClient::ImportTradeRecords(
    std::vector<v1::TradeRecord> records, const ImportOptions& options) {
  if (options.chunk_size < 1) {
    return absl::InvalidArgumentError("ImportOptions.chunk_size must be at least 1");
  }
  const size_t chunk_size = static_cast<size_t>(options.chunk_size);
  std::vector<v1::ImportTradeRecordsRequest> chunks;
  chunks.reserve((records.size() + chunk_size - 1) / chunk_size);
  for (size_t start = 0; start < records.size(); start += chunk_size) {
    size_t end = std::min(records.size(), start + chunk_size);
    v1::ImportTradeRecordsRequest& chunk = chunks.emplace_back();
    chunk.set_use_names(options.use_names);
    chunk.mutable_trade_records()->Reserve(static_cast<int>(end - start));
    for (size_t i = start; i < end; ++i) {
      *chunk.add_trade_records() = std::move(records[i]);
    }
  }
  return connection_->ImportTradeRecords(chunks);
}

}  // namespace bilateral
