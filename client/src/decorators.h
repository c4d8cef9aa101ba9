// What the generated stub decorators (<Service>Metadata, <Service>Logging)
// do for every method of every service, written once.
#pragma once

#include <grpcpp/client_context.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bilateral/internal/stub.h"
#include "bilateral/options.h"
#include "bilateral/stream_writer.h"

namespace bilateral::internal {

// The user-agent prefix the SDK names itself by: "bilateral-cpp/<version>".
// It rides on the channel (MakeChannel sets it): gRPC replaces a user-agent
// added to a call's metadata with its channel's.
const std::string& UserAgent();

// Adds to one attempt's context the metadata every call carries: with an
// API key in `options`, "authorization: Bearer <key>".
void AddCallMetadata(grpc::ClientContext& context, const Options& options);

// Where a connection's request log goes: the sink of `options`, else
// stderr.
using RequestLogSink = std::function<void(const RequestLogEntry&)>;
RequestLogSink RequestLogSinkOf(const Options& options);

// Runs one unary attempt and logs it.
template <typename Attempt>
auto LogUnary(const char* method, const RequestLogSink& sink, Attempt&& attempt)
    -> decltype(attempt()) {
  const absl::Time start = absl::Now();
  auto result = attempt();
  sink(RequestLogEntry{method, result.status(), absl::Now() - start});
  return result;
}

// The log entry of one stream: written once, when the stream is finished,
// or as CANCELLED when it is abandoned before that.
class StreamLog {
 public:
  StreamLog(const char* method, RequestLogSink sink)
      : method_(method), sink_(std::move(sink)), start_(absl::Now()) {}
  StreamLog(const StreamLog&) = delete;
  StreamLog& operator=(const StreamLog&) = delete;
  ~StreamLog() {
    if (!logged_) Log(absl::CancelledError("abandoned by the caller"));
  }

  void Log(const absl::Status& status) {
    logged_ = true;
    sink_(RequestLogEntry{method_, status, absl::Now() - start_});
  }

 private:
  const char* method_;
  RequestLogSink sink_;
  absl::Time start_;
  bool logged_ = false;
};

// A server stream that logs how it ended (StreamLog).
template <typename Response>
class LoggingStreamReader final : public StreamReader<Response> {
 public:
  LoggingStreamReader(const char* method, RequestLogSink sink,
                      std::unique_ptr<StreamReader<Response>> child)
      : child_(std::move(child)), log_(method, std::move(sink)) {}
  bool Read(Response& response) override { return child_->Read(response); }
  absl::Status Finish() override {
    absl::Status status = child_->Finish();
    log_.Log(status);
    return status;
  }

 private:
  std::unique_ptr<StreamReader<Response>> child_;
  StreamLog log_;  // after child_, so that it logs before child_ goes
};

// A client stream that logs how it ended (StreamLog).
template <typename Request, typename Response>
class LoggingStreamWriter final : public StreamWriter<Request, Response> {
 public:
  LoggingStreamWriter(const char* method, RequestLogSink sink,
                      std::unique_ptr<StreamWriter<Request, Response>> child)
      : child_(std::move(child)), log_(method, std::move(sink)) {}
  bool Write(const Request& request) override { return child_->Write(request); }
  absl::StatusOr<Response> Finish() override {
    auto result = child_->Finish();
    log_.Log(result.status());
    return result;
  }

 private:
  std::unique_ptr<StreamWriter<Request, Response>> child_;
  StreamLog log_;  // after child_, so that it logs before child_ goes
};

template <typename Response>
std::unique_ptr<StreamReader<Response>> LogReader(const char* method, const RequestLogSink& sink,
                                                  std::unique_ptr<StreamReader<Response>> child) {
  return std::make_unique<LoggingStreamReader<Response>>(method, sink, std::move(child));
}

template <typename Request, typename Response>
std::unique_ptr<StreamWriter<Request, Response>> LogWriter(
    const char* method, const RequestLogSink& sink,
    std::unique_ptr<StreamWriter<Request, Response>> child) {
  return std::make_unique<LoggingStreamWriter<Request, Response>>(method, sink, std::move(child));
}

}  // namespace bilateral::internal
