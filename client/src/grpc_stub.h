// What every default stub (the one over the generated gRPC stub) shares:
// the status conversion and the streams over gRPC's readers and writers.
#pragma once

#include <grpcpp/grpcpp.h>
#include <grpcpp/support/sync_stream.h>

#include <memory>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "bilateral/internal/stub.h"
#include "bilateral/stream_writer.h"

namespace bilateral::internal {

// grpc::Status to absl::Status, keeping the google.rpc details (BadRequest,
// ErrorInfo) of `grpc-status-details-bin` as payloads.
absl::Status FromGrpcStatus(const grpc::Status& status);

// The response of a unary call that ended with `status`.
template <typename Response>
absl::StatusOr<Response> UnaryResult(const grpc::Status& status, Response&& response) {
  if (!status.ok()) return FromGrpcStatus(status);
  return std::forward<Response>(response);
}

// A server stream read from a grpc::ClientReader made on `context`.
template <typename Response>
class GrpcStreamReader final : public StreamReader<Response> {
 public:
  template <typename Open>
  GrpcStreamReader(std::unique_ptr<grpc::ClientContext> context, Open open)
      : context_(std::move(context)), reader_(open(context_.get())) {}
  ~GrpcStreamReader() override {
    if (finished_) return;
    context_->TryCancel();
    Response ignored;
    while (reader_->Read(&ignored)) {
    }
    (void)reader_->Finish();
  }

  bool Read(Response& response) override { return reader_->Read(&response); }
  absl::Status Finish() override {
    finished_ = true;
    return FromGrpcStatus(reader_->Finish());
  }

 private:
  std::unique_ptr<grpc::ClientContext> context_;
  std::unique_ptr<::grpc::ClientReaderInterface<Response>> reader_;
  bool finished_ = false;
};

// A client stream written to a grpc::ClientWriter made on `context`: each
// Write sends at once.
template <typename Request, typename Response>
class GrpcStreamWriter final : public StreamWriter<Request, Response> {
 public:
  template <typename Open>
  GrpcStreamWriter(std::unique_ptr<grpc::ClientContext> context, Open open)
      : context_(std::move(context)), writer_(open(context_.get(), &response_)) {}
  ~GrpcStreamWriter() override {
    if (finished_) return;
    context_->TryCancel();
    (void)writer_->Finish();
  }

  bool Write(const Request& request) override {
    if (finished_ || failed_) return false;
    // A failed write means the stream is over; Finish says why.
    failed_ = !writer_->Write(request);
    return !failed_;
  }

  absl::StatusOr<Response> Finish() override {
    if (finished_) return absl::FailedPreconditionError("the stream is already finished");
    finished_ = true;
    writer_->WritesDone();
    return UnaryResult(writer_->Finish(), std::move(response_));
  }

 private:
  std::unique_ptr<grpc::ClientContext> context_;
  Response response_;
  std::unique_ptr<::grpc::ClientWriterInterface<Request>> writer_;
  bool failed_ = false;
  bool finished_ = false;
};

}  // namespace bilateral::internal
