// Trade records: values traded between two countries. The client that
// applications use, and the connection it calls.
//
//   bilateral::TradeRecordClient client(
//       bilateral::MakeTradeRecordConnection(bilateral::ClientOptions{}));
//   auto record = client.GetTradeRecord("tradeRecords/kz-cn-total-2023");
//   if (!record.ok()) std::cerr << record.status() << "\n";
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "bilateral/internal/call_options.h"
#include "bilateral/internal/requests.h"
#include "bilateral/options.h"
#include "bilateral/pagination.h"
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

// The calls a TradeRecordClient makes, one per RPC of v1::TradeRecordService
// and with its meaning. MakeTradeRecordConnection implements it over gRPC, with
// the retries that RetryOptions (bilateral/options.h) describes and the
// CallOptions of the client call that invokes it
// (internal::CurrentCallOptions()); tests of code that uses TradeRecordClient
// give it a MockTradeRecordConnection
// (bilateral/mocks/mock_trade_record_connection.h) instead.
class TradeRecordConnection {
 public:
  virtual ~TradeRecordConnection() = default;
  virtual absl::StatusOr<v1::TradeRecord> GetTradeRecord(
      const v1::GetTradeRecordRequest& request) = 0;
  // Fetches pages lazily; `request.page_token` is the starting point.
  virtual PaginatedRange<v1::TradeRecord> ListTradeRecords(v1::ListTradeRecordsRequest request) = 0;
  virtual absl::StatusOr<v1::BatchGetTradeRecordsResponse> BatchGetTradeRecords(
      const v1::BatchGetTradeRecordsRequest& request) = 0;
  virtual absl::StatusOr<v1::TradeRecord> CreateTradeRecord(
      const v1::CreateTradeRecordRequest& request) = 0;
  virtual absl::StatusOr<v1::TradeRecord> UpdateTradeRecord(
      const v1::UpdateTradeRecordRequest& request) = 0;
  virtual absl::Status DeleteTradeRecord(const v1::DeleteTradeRecordRequest& request) = 0;
  // Writes `chunks` in order on one ImportTradeRecords stream.
  virtual absl::StatusOr<v1::ImportTradeRecordsResponse> ImportTradeRecords(
      const std::vector<v1::ImportTradeRecordsRequest>& chunks) = 0;
};

// A connection over a new channel made with MakeChannel(options). When that
// fails, every call of the connection returns its error.
std::shared_ptr<TradeRecordConnection> MakeTradeRecordConnection(const ClientOptions& options);
// A connection over `channel` (from MakeChannel), shared with other
// connections; of `options`, the endpoint and TLS settings do not apply.
std::shared_ptr<TradeRecordConnection> MakeTradeRecordConnection(
    std::shared_ptr<grpc::Channel> channel, const ClientOptions& options = {});

// Reads and writes trade records. Cheap to copy; copies share the connection.
// Every method returns the server's error as a status: use FieldViolations()
// and ErrorReason() from bilateral/status.h for its details. Each method takes
// an optional CallOptions last (bilateral/options.h); calls that are safe to
// repeat are retried as its RetryOptions say.
class TradeRecordClient {
 public:
  explicit TradeRecordClient(std::shared_ptr<TradeRecordConnection> connection)
      : connection_(std::move(connection)) {}

  // The trade record called `name` ("tradeRecords/{id}"); NOT_FOUND when
  // absent.
  absl::StatusOr<v1::TradeRecord> GetTradeRecord(const std::string& name,
                                                 const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->GetTradeRecord(internal::NameRequest<v1::GetTradeRecordRequest>(name));
  }

  // Every trade record matching `filter` (AIP-160, over the fields that
  // v1::ListTradeRecordsRequest lists), in `order_by` order, page by page.
  PaginatedRange<v1::TradeRecord> ListTradeRecords(const std::string& filter = "",
                                                   const std::string& order_by = "",
                                                   const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->ListTradeRecords(
        internal::ListRequest<v1::ListTradeRecordsRequest>(filter, order_by));
  }
  // As above, with every field of the request, e.g. `page_size`.
  PaginatedRange<v1::TradeRecord> ListTradeRecords(v1::ListTradeRecordsRequest request,
                                                   const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->ListTradeRecords(std::move(request));
  }

  // The trade records called `names` (at most 100), in that order, from one
  // consistent read; NOT_FOUND naming the first that does not exist.
  absl::StatusOr<std::vector<v1::TradeRecord>> BatchGetTradeRecords(
      const std::vector<std::string>& names, const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    auto request = internal::BatchGetRequest<v1::BatchGetTradeRecordsRequest>(names);
    return internal::TakeRecords(connection_->BatchGetTradeRecords(request),
                                 &v1::BatchGetTradeRecordsResponse::mutable_trade_records);
  }

  // Stores `trade_record` as "tradeRecords/{trade_record_id}" (generated when
  // empty) and returns it as stored; ALREADY_EXISTS when the id is taken.
  absl::StatusOr<v1::TradeRecord> CreateTradeRecord(const v1::TradeRecord& trade_record,
                                                    const std::string& trade_record_id = "",
                                                    const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    v1::CreateTradeRecordRequest request;
    *request.mutable_trade_record() = trade_record;
    request.set_trade_record_id(trade_record_id);
    return connection_->CreateTradeRecord(request);
  }
  // As above, with every field of the request. The connection gives a
  // request without `request_id` a random one, so that retries cannot create
  // the record twice; set your own to make your own retries safe too.
  absl::StatusOr<v1::TradeRecord> CreateTradeRecord(const v1::CreateTradeRecordRequest& request,
                                                    const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->CreateTradeRecord(request);
  }

  // Replaces the fields named in `update_paths` (every field set in
  // `trade_record` when empty) of the trade record `trade_record.name()`, and
  // returns it as stored. With `trade_record.etag()` set and stale: ABORTED,
  // and nothing is written.
  absl::StatusOr<v1::TradeRecord> UpdateTradeRecord(
      const v1::TradeRecord& trade_record, const std::vector<std::string>& update_paths = {},
      const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    v1::UpdateTradeRecordRequest request;
    *request.mutable_trade_record() = trade_record;
    internal::SetUpdatePaths(update_paths, request);
    return connection_->UpdateTradeRecord(request);
  }
  // As above, with the update mask in the request.
  absl::StatusOr<v1::TradeRecord> UpdateTradeRecord(const v1::UpdateTradeRecordRequest& request,
                                                    const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->UpdateTradeRecord(request);
  }

  // Deletes the trade record called `name`; with an `etag`, only while it is
  // current (else ABORTED). NOT_FOUND when absent.
  absl::Status DeleteTradeRecord(const std::string& name, const std::string& etag = "",
                                 const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->DeleteTradeRecord(
        internal::DeleteRequest<v1::DeleteTradeRecordRequest>(name, etag));
  }

  // Stores `records` through one ImportTradeRecords stream, in chunks of at
  // most `options.chunk_size` (with `use_names`, named and unnamed records
  // go in separate chunks), and returns what the server did. Rows are judged one
  // by one: an OK result may still count rejected rows, each listed in
  // `errors` with its position in `records`. INVALID_ARGUMENT, with no call
  // made, when the chunk size is below 1. One deadline (the timeout) covers
  // the stream. Never retried: when a stream fails, the chunks before the
  // failure may be stored. Importing the same records again with
  // `use_names` is safe: the stored ones come back as ALREADY_EXISTS rows.
  absl::StatusOr<v1::ImportTradeRecordsResponse> ImportTradeRecords(
      std::vector<v1::TradeRecord> records, const ImportOptions& options = {},
      const CallOptions& call_options = {});
  // As above, with the chunks made by the caller.
  absl::StatusOr<v1::ImportTradeRecordsResponse> ImportTradeRecords(
      const std::vector<v1::ImportTradeRecordsRequest>& chunks,
      const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->ImportTradeRecords(chunks);
  }

 private:
  std::shared_ptr<TradeRecordConnection> connection_;
};

}  // namespace bilateral
