// The hand-written part of TradeRecordClient: records grouped into the
// chunks of ImportTradeRecords.
#include <utility>

#include "bilateral/internal/call_options.h"
#include "bilateral/trade_record_client.h"

namespace bilateral {
namespace {

absl::Status CheckChunkSize(const ImportOptions& options) {
  if (options.chunk_size < 1) {
    return absl::InvalidArgumentError("ImportOptions.chunk_size must be at least 1");
  }
  return absl::OkStatus();
}

// Whether `record` takes its id from its name.
bool UsesName(const v1::TradeRecord& record, const ImportOptions& options) {
  return options.use_names && !record.name().empty();
}

// Whether a record with `use_name` must start a new chunk after `chunk`:
// when it is full, or when their `use_names` differ (the server takes ids
// from every name of a chunk or from none).
bool StartsChunk(const v1::ImportTradeRecordsRequest& chunk, bool use_name,
                 const ImportOptions& options) {
  return chunk.trade_records_size() == options.chunk_size || chunk.use_names() != use_name;
}

}  // namespace

absl::StatusOr<v1::ImportTradeRecordsResponse> TradeRecordClient::ImportTradeRecords(
    std::vector<v1::TradeRecord> records, const ImportOptions& options, Options opts) {
  internal::CallOptionsScope scope(MergeOptions(std::move(opts), options_));
  if (absl::Status status = CheckChunkSize(options); !status.ok()) return status;
  std::vector<v1::ImportTradeRecordsRequest> chunks;
  for (v1::TradeRecord& record : records) {
    const bool use_name = UsesName(record, options);
    if (chunks.empty() || StartsChunk(chunks.back(), use_name, options)) {
      chunks.emplace_back().set_use_names(use_name);
    }
    *chunks.back().add_trade_records() = std::move(record);
  }
  return connection_->ImportTradeRecords(chunks);
}

TradeRecordImportWriter TradeRecordClient::ImportTradeRecordsWriter(const ImportOptions& options,
                                                                    Options opts) {
  internal::CallOptionsScope scope(MergeOptions(std::move(opts), options_));
  if (absl::Status status = CheckChunkSize(options); !status.ok()) {
    return TradeRecordImportWriter(
        internal::MakeBufferedStreamWriter<v1::ImportTradeRecordsRequest,
                                           v1::ImportTradeRecordsResponse>(
            [status](const std::vector<v1::ImportTradeRecordsRequest>&)
                -> absl::StatusOr<v1::ImportTradeRecordsResponse> { return status; }),
        options);
  }
  return TradeRecordImportWriter(connection_->ImportTradeRecordsStream(), options);
}

TradeRecordImportWriter::TradeRecordImportWriter(std::unique_ptr<Stream> stream,
                                                 const ImportOptions& options)
    : stream_(std::move(stream)), options_(options) {}

bool TradeRecordImportWriter::Write(v1::TradeRecord record) {
  if (failed_) return false;
  const bool use_name = UsesName(record, options_);
  if (chunk_.trade_records_size() > 0 && StartsChunk(chunk_, use_name, options_)) {
    if (!stream_->Write(chunk_)) {
      failed_ = true;
      return false;
    }
    chunk_.Clear();
  }
  if (chunk_.trade_records_size() == 0) chunk_.set_use_names(use_name);
  *chunk_.add_trade_records() = std::move(record);
  return true;
}

absl::StatusOr<v1::ImportTradeRecordsResponse> TradeRecordImportWriter::Finish() {
  if (!failed_ && chunk_.trade_records_size() > 0) {
    (void)stream_->Write(chunk_);
    chunk_.Clear();
  }
  return stream_->Finish();
}

}  // namespace bilateral
