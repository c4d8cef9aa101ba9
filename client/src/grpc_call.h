// The plumbing every gRPC connection shares, as layers around the generated
// stub: each attempt gets a fresh context with its deadline and the
// authorization metadata (PrepareContext), runs once (CallUnary), and runs
// inside the retry loop (RetryLoop, retry.h) when its idempotency allows.
// ServiceStub bundles the layers for the connection of one service, so that
// each method of a connection is one line naming its RPC and idempotency.
#pragma once

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "bilateral/internal/call_options.h"
#include "bilateral/options.h"
#include "bilateral/pagination.h"
#include "bilateral/stream_range.h"
#include "bilateral/stream_writer.h"
#include "retry.h"
#include "settings.h"

namespace bilateral::internal {

// grpc::Status to absl::Status, keeping the google.rpc details (BadRequest,
// ErrorInfo) of `grpc-status-details-bin` as payloads.
absl::Status FromGrpcStatus(const grpc::Status& status);

// With an API key, adds the "authorization: Bearer <key>" metadata to
// `context`.
void Authorize(const CallSettings& settings, grpc::ClientContext& context);

// Sets the deadline (`settings.timeout` from now) and authorizes (above)
// one attempt's context.
void PrepareContext(const CallSettings& settings, grpc::ClientContext& context);

// One attempt of a unary call.
template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> CallUnary(
    Stub& stub,
    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
    const CallSettings& settings, const Request& request) {
  grpc::ClientContext context;
  PrepareContext(settings, context);
  Response response;
  grpc::Status status = (stub.*method)(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

// A unary call with its retries.
template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> CallWithRetries(
    Stub& stub,
    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
    const CallSettings& settings, Idempotency idempotency, const Request& request) {
  return RetryLoop(settings.retry, idempotency,
                   [&] { return CallUnary(stub, method, settings, request); });
}

// A client stream over gRPC: each Write sends at once. One deadline (the
// settings' timeout) covers the stream. Never retried: the server may have
// stored what came before a failure. `keep` holds what the stream needs
// alive (the stub).
template <typename Request, typename Response>
class GrpcStreamWriter final : public StreamWriter<Request, Response> {
 public:
  template <typename Stub>
  GrpcStreamWriter(std::shared_ptr<Stub> stub,
                   std::unique_ptr<grpc::ClientWriter<Request>> (Stub::*method)(
                       grpc::ClientContext*, Response*),
                   const CallSettings& settings)
      : keep_(stub) {
    PrepareContext(settings, context_);
    writer_ = ((*stub).*method)(&context_, &response_);
  }
  ~GrpcStreamWriter() override {
    if (finished_) return;
    context_.TryCancel();
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
    grpc::Status status = writer_->Finish();
    if (!status.ok()) return FromGrpcStatus(status);
    return std::move(response_);
  }

 private:
  std::shared_ptr<void> keep_;
  grpc::ClientContext context_;
  Response response_;
  std::unique_ptr<grpc::ClientWriter<Request>> writer_;
  bool failed_ = false;
  bool finished_ = false;
};

// How a server stream resumes after a transient failure: sets in `request`
// where to start again after `response`, the last message received. Empty
// for streams that cannot resume.
template <typename Request, typename Response>
using ResumeFn = std::function<void(Request& request, const Response& response)>;

// The server-streaming `method` as a range read lazily. The stream has no
// deadline (it lasts as long as the caller reads). With `resume`, a failure
// that a read may retry (UNAVAILABLE, RESOURCE_EXHAUSTED, CANCELLED by the
// server, DEADLINE_EXCEEDED) reopens the stream from the last message
// received, after the backoff of `settings.retry`, whose attempts and budget
// count from the last message received; other failures, and any failure
// without `resume`, end the range with the error. Destroying the range
// cancels the stream.
template <typename Response, typename Stub, typename Request>
StreamRange<Response> ReadStream(
    std::shared_ptr<Stub> stub,
    std::unique_ptr<grpc::ClientReader<Response>> (Stub::*method)(grpc::ClientContext*,
                                                                  const Request&),
    CallSettings settings, Request request,
    std::common_type_t<ResumeFn<Request, Response>> resume) {
  struct State {
    std::unique_ptr<grpc::ClientContext> context;
    std::unique_ptr<grpc::ClientReader<Response>> reader;
    std::optional<RetryState> retry;
    bool finished = false;
    ~State() {
      if (reader == nullptr) return;
      context->TryCancel();
      Response ignored;
      while (reader->Read(&ignored)) {
      }
      (void)reader->Finish();
    }
  };
  auto state = std::make_shared<State>();
  return StreamRange<Response>(
      [stub = std::move(stub), method, settings = std::move(settings),
       request = std::move(request), resume = std::move(resume),
       state]() mutable -> absl::optional<absl::StatusOr<Response>> {
        while (!state->finished) {
          if (state->reader == nullptr) {
            state->context = std::make_unique<grpc::ClientContext>();
            Authorize(settings, *state->context);
            state->reader = ((*stub).*method)(state->context.get(), request);
          }
          Response response;
          if (state->reader->Read(&response)) {
            state->retry.reset();
            if (resume) resume(request, response);
            return absl::StatusOr<Response>(std::move(response));
          }
          grpc::Status status = state->reader->Finish();
          state->reader.reset();
          state->context.reset();
          if (status.ok()) break;
          absl::Status error = FromGrpcStatus(status);
          if (resume) {
            if (!state->retry.has_value()) state->retry.emplace(settings.retry, Idempotency::kRead);
            if (state->retry->WaitBeforeRetry(error)) continue;
          }
          state->finished = true;
          return absl::StatusOr<Response>(error);
        }
        state->finished = true;
        return absl::nullopt;
      });
}

// A range over every page of a List method; each page is a read with its
// own retries. `items` picks the repeated field of the response that holds
// the records.
template <typename Item, typename Stub, typename Request, typename Response, typename Items>
PaginatedRange<Item> ListRange(
    std::shared_ptr<Stub> stub,
    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
    CallSettings settings, Request request, Items items) {
  return PaginatedRange<Item>(
      [stub = std::move(stub), method, settings = std::move(settings),
       request = std::move(request), items](const std::string& token) mutable
      -> absl::StatusOr<Page<Item>> {
        if (!token.empty()) request.set_page_token(token);
        auto response = CallWithRetries(*stub, method, settings, Idempotency::kRead, request);
        if (!response.ok()) return response.status();
        Page<Item> page;
        auto& list = items(*response);
        page.items.assign(std::make_move_iterator(list.begin()),
                          std::make_move_iterator(list.end()));
        page.next_page_token = response->next_page_token();
        return page;
      });
}

// The stub of one generated gRPC service and the settings its calls run
// with. Every call takes the CallOptions current on its thread (see
// bilateral/internal/call_options.h) over the connection's settings.
template <typename Service>
class ServiceStub {
 public:
  using Stub = typename Service::Stub;

  // A stub over `channel`; when `channel` is an error, every call returns it.
  ServiceStub(absl::StatusOr<std::shared_ptr<grpc::Channel>> channel,
              const ClientOptions& options)
      : settings_(ConnectionCallSettings(options)) {
    if (!channel.ok()) {
      unusable_ = channel.status();
    } else if (*channel == nullptr) {
      unusable_ = absl::InvalidArgumentError("the connection was made with a null channel");
    } else {
      stub_ = Service::NewStub(*std::move(channel));
    }
  }

  template <typename Request, typename Response>
  absl::StatusOr<Response> Call(
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
      const Request& request, Idempotency idempotency) const {
    if (!unusable_.ok()) return unusable_;
    return CallWithRetries(*stub_, method, ForCall(settings_, CurrentCallOptions()),
                           idempotency, request);
  }

  // For methods that return google.protobuf.Empty: only the status counts.
  template <typename Request, typename Response>
  absl::Status CallForStatus(
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
      const Request& request, Idempotency idempotency) const {
    return Call(method, request, idempotency).status();
  }

  // The range shares the stub, so it may outlive the connection; it keeps
  // the settings current when it was made.
  template <typename Item, typename Request, typename Response, typename Items>
  PaginatedRange<Item> List(
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
      Request request, Items items) const {
    if (!unusable_.ok()) return MakePaginatedRange<Item>(unusable_);
    return ListRange<Item>(stub_, method, ForCall(settings_, CurrentCallOptions()),
                           std::move(request), items);
  }

  // The range shares the stub, as List's does.
  template <typename Request, typename Response>
  StreamRange<Response> Read(
      std::unique_ptr<grpc::ClientReader<Response>> (Stub::*method)(grpc::ClientContext*,
                                                                    const Request&),
      Request request, std::common_type_t<ResumeFn<Request, Response>> resume = {}) const {
    if (!unusable_.ok()) return MakeStreamRange<Response>({}, unusable_);
    return ReadStream<Response>(stub_, method, ForCall(settings_, CurrentCallOptions()),
                                std::move(request), std::move(resume));
  }

  // A client stream, opened at once with the current settings.
  template <typename Request, typename Response>
  std::unique_ptr<StreamWriter<Request, Response>> OpenStream(
      std::unique_ptr<grpc::ClientWriter<Request>> (Stub::*method)(grpc::ClientContext*,
                                                                   Response*)) const {
    if (!unusable_.ok()) {
      return MakeBufferedStreamWriter<Request, Response>(
          [error = unusable_](const std::vector<Request>&) -> absl::StatusOr<Response> {
            return error;
          });
    }
    return std::make_unique<GrpcStreamWriter<Request, Response>>(
        stub_, method, ForCall(settings_, CurrentCallOptions()));
  }

  // Writes `requests` in order on one client stream and returns its response.
  template <typename Request, typename Response>
  absl::StatusOr<Response> Stream(
      std::unique_ptr<grpc::ClientWriter<Request>> (Stub::*method)(grpc::ClientContext*,
                                                                   Response*),
      const std::vector<Request>& requests) const {
    auto writer = OpenStream(method);
    for (const Request& request : requests) {
      if (!writer->Write(request)) break;
    }
    return writer->Finish();
  }

 private:
  std::shared_ptr<Stub> stub_;
  absl::Status unusable_;
  CallSettings settings_;
};

}  // namespace bilateral::internal
