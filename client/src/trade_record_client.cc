#include "bilateral/trade_record_client.h"

namespace bilateral {

absl::StatusOr<v1::ImportTradeRecordsResponse> TradeRecordClient::ImportTradeRecords(
    std::vector<v1::TradeRecord> records, const ImportOptions& options,
    const CallOptions& call_options) {
  internal::CallOptionsScope scope(call_options);
  if (options.chunk_size < 1) {
    return absl::InvalidArgumentError("ImportOptions.chunk_size must be at least 1");
  }
  const size_t chunk_size = static_cast<size_t>(options.chunk_size);
  std::vector<v1::ImportTradeRecordsRequest> chunks;
  for (size_t i = 0; i < records.size(); ++i) {
    // The server takes ids from every name of a chunk or from none, so a
    // record with a name and one without cannot share a chunk.
    const bool use_name = options.use_names && !records[i].name().empty();
    if (chunks.empty() || static_cast<size_t>(chunks.back().trade_records_size()) == chunk_size ||
        chunks.back().use_names() != use_name) {
      chunks.emplace_back().set_use_names(use_name);
    }
    *chunks.back().add_trade_records() = std::move(records[i]);
  }
  return connection_->ImportTradeRecords(chunks);
}

}  // namespace bilateral
