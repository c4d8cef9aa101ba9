// Trade records: values traded between two countries. The client that
// applications use, and the connection it calls (generated, with every
// method of v1::TradeRecordService: bilateral/internal/trade_record_client_base.h).
// What is written by hand here is the import of records, which chunks them.
//
//   bilateral::TradeRecordClient client(
//       bilateral::MakeTradeRecordConnection(bilateral::Options{}));
//   auto record = client.GetTradeRecord("tradeRecords/kz-cn-total-2023");
//   if (!record.ok()) std::cerr << record.status() << "\n";
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "bilateral/internal/trade_record_client_base.h"
#include "bilateral/options.h"
#include "bilateral/stream_writer.h"
#include "bilateral/v1/trade.pb.h"

namespace bilateral {

// How ImportTradeRecords sends its records.
struct ImportOptions {
  // Records per chunk, at least 1; the server takes up to 1000. It stores each
  // chunk as a unit: its valid rows together, its invalid rows not at all.
  int chunk_size = 1000;
  // Take each record's id from its `name` (e.g. restoring an export), and
  // let the server generate the ids of records without a name; otherwise
  // the server generates every id.
  bool use_names = false;
};

// Writes trade records to one ImportTradeRecords stream as they come, in
// chunks as ImportOptions say, holding at most one chunk: for inputs too
// large to hold whole. From TradeRecordClient::ImportTradeRecordsWriter.
// Not thread-safe: one thread writes.
class TradeRecordImportWriter {
 public:
  // Adds `record`; sends a chunk when it is full. False when the stream has
  // failed (Finish says why); later records are ignored.
  bool Write(v1::TradeRecord record);
  // Sends the last chunk and ends the stream: what the server did, with
  // rejected rows numbered by their order of writing, or the error.
  absl::StatusOr<v1::ImportTradeRecordsResponse> Finish();

 private:
  friend class TradeRecordClient;
  using Stream = StreamWriter<v1::ImportTradeRecordsRequest, v1::ImportTradeRecordsResponse>;
  TradeRecordImportWriter(std::unique_ptr<Stream> stream, const ImportOptions& options);

  std::unique_ptr<Stream> stream_;
  ImportOptions options_;
  v1::ImportTradeRecordsRequest chunk_;
  bool failed_ = false;
};

// Reads and writes trade records. Cheap to copy; copies share the
// connection. Every method returns the server's error as a status: use
// FieldViolations() and ErrorReason() from bilateral/status.h for its
// details. Each method takes optional Options last (bilateral/options.h; a
// CallOptions converts) over the client's; calls that are safe to repeat
// are retried as their retry policy says.
class TradeRecordClient : public TradeRecordClientBase {
 public:
  using TradeRecordClientBase::ImportTradeRecords;
  using TradeRecordClientBase::TradeRecordClientBase;

  // Stores `records` through one ImportTradeRecords stream, in chunks of at
  // most `options.chunk_size` (with `use_names`, named and unnamed records
  // go in separate chunks), and returns what the server did. Rows are judged one
  // by one: an OK result may still count rejected rows, each listed in
  // `errors` with its position in `records`. INVALID_ARGUMENT, with no call
  // made, when the chunk size is below 1. One deadline (the timeout) covers
  // the stream. Never retried: when a stream fails, the chunks before the
  // failure may be stored. Importing the same records again with
  // `use_names` is safe: the stored ones come back as ALREADY_EXISTS rows.
  // A server ends a call still running after its `max_connection_age` and
  // grace (31 minutes by default) with UNAVAILABLE: send a long import as
  // several calls, as bilateralctl does with 10,000 rows each.
  absl::StatusOr<v1::ImportTradeRecordsResponse> ImportTradeRecords(
      std::vector<v1::TradeRecord> records, const ImportOptions& options = {}, Options opts = {});
  // As above, with the records written one by one to the writer returned,
  // which holds at most one chunk; the stream opens at once. A chunk size
  // below 1 makes the writer's Finish INVALID_ARGUMENT, with no call made.
  TradeRecordImportWriter ImportTradeRecordsWriter(const ImportOptions& options = {},
                                                   Options opts = {});
};

}  // namespace bilateral
