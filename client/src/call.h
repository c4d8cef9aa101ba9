// The connection side of every service, written once: each call takes its
// options (the call's over the connection's), runs each attempt on a fresh
// context with its deadline through the service's stub, and retries as its
// policies and idempotency allow. ConnectionCore bundles this for the
// generated connection of one service, so that each of its methods is one
// line naming its stub method and idempotency.
#pragma once

#include <grpcpp/client_context.h>

#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "bilateral/internal/call_options.h"
#include "bilateral/internal/stub.h"
#include "bilateral/options.h"
#include "bilateral/pagination.h"
#include "bilateral/retry_policy.h"
#include "bilateral/stream_range.h"
#include "bilateral/stream_writer.h"
#include "retry.h"
#include "settings.h"

namespace bilateral::internal {

// A context for one attempt, whose deadline is the TimeoutOption from now.
inline void SetDeadline(grpc::ClientContext& context, const Options& options) {
  context.set_deadline(absl::ToChronoTime(absl::Now() + options.get<TimeoutOption>()));
}

// How a server stream resumes after a transient failure: sets in `request`
// where to start again after `response`, the last message received. Empty
// for streams that cannot resume.
template <typename Request, typename Response>
using ResumeFn = std::function<void(Request& request, const Response& response)>;

// A client stream that keeps `keep` (the stub it came from) alive as long
// as itself.
template <typename Request, typename Response>
class KeepingStreamWriter final : public StreamWriter<Request, Response> {
 public:
  KeepingStreamWriter(std::shared_ptr<const void> keep,
                      std::unique_ptr<StreamWriter<Request, Response>> writer)
      : keep_(std::move(keep)), writer_(std::move(writer)) {}
  bool Write(const Request& request) override { return writer_->Write(request); }
  absl::StatusOr<Response> Finish() override { return writer_->Finish(); }

 private:
  std::shared_ptr<const void> keep_;  // destroyed after the writer
  std::unique_ptr<StreamWriter<Request, Response>> writer_;
};

// The stub of one service, the options of its connection, and the error
// every call returns when the connection could not be made (no channel).
template <typename Stub>
class ConnectionCore {
 public:
  template <typename Request, typename Response>
  using UnaryMethod = absl::StatusOr<Response> (Stub::*)(grpc::ClientContext&, const Options&,
                                                         const Request&);
  template <typename Request, typename Response>
  using ReadMethod = std::unique_ptr<StreamReader<Response>> (Stub::*)(
      std::unique_ptr<grpc::ClientContext>, const Options&, const Request&);
  template <typename Request, typename Response>
  using WriteMethod = std::unique_ptr<StreamWriter<Request, Response>> (Stub::*)(
      std::unique_ptr<grpc::ClientContext>, const Options&);

  // `options` as ConnectionOptions resolved them; `unusable` not OK makes
  // every call return it (and `stub` may then be null).
  ConnectionCore(std::shared_ptr<Stub> stub, Options options, absl::Status unusable)
      : stub_(std::move(stub)), options_(std::move(options)), unusable_(std::move(unusable)) {
    if (unusable_.ok() && stub_ == nullptr) {
      unusable_ = absl::InvalidArgumentError("the connection was made without a stub");
    }
  }

  const Options& options() const { return options_; }

  // A unary call with its retries.
  template <typename Request, typename Response>
  absl::StatusOr<Response> Call(UnaryMethod<Request, Response> method, const Request& request,
                                Idempotency idempotency) const {
    if (!unusable_.ok()) return unusable_;
    return CallWith(stub_, method, ForCall(CurrentCallOptions(), options_), request, idempotency);
  }

  // For methods that return google.protobuf.Empty: only the status counts.
  template <typename Request, typename Response>
  absl::Status CallForStatus(UnaryMethod<Request, Response> method, const Request& request,
                             Idempotency idempotency) const {
    return Call(method, request, idempotency).status();
  }

  // A range over every page of a List method; each page is a call with its
  // own retries, with the options current when the range was made. `items`
  // picks the repeated field of the response that holds the records. The
  // range shares the stub, so it may outlive the connection.
  template <typename Item, typename Request, typename Response, typename Items>
  PaginatedRange<Item> List(UnaryMethod<Request, Response> method, Request request,
                            Idempotency idempotency, Items items) const {
    if (!unusable_.ok()) return MakePaginatedRange<Item>(unusable_);
    return PaginatedRange<Item>(
        [stub = stub_, method, options = ForCall(CurrentCallOptions(), options_),
         request = std::move(request), idempotency,
         items](const std::string& token) mutable -> absl::StatusOr<Page<Item>> {
          if (!token.empty()) request.set_page_token(token);
          auto response = CallWith(stub, method, options, request, idempotency);
          if (!response.ok()) return response.status();
          Page<Item> page;
          auto& list = items(*response);
          page.items.assign(std::make_move_iterator(list.begin()),
                            std::make_move_iterator(list.end()));
          page.next_page_token = response->next_page_token();
          return page;
        });
  }

  // The server-streaming `method` as a range read lazily. The stream has
  // no deadline (it lasts as long as the caller reads). With `resume`, a
  // failure that the retry policy allows for `idempotency` reopens the
  // stream from the last message received, after the backoff; the policies
  // count from the last message received. Other failures, and any failure
  // without `resume`, end the range with the error. Destroying the range
  // cancels the stream. The range shares the stub.
  template <typename Request, typename Response>
  StreamRange<Response> Read(ReadMethod<Request, Response> method, Request request,
                             Idempotency idempotency,
                             std::common_type_t<ResumeFn<Request, Response>> resume = {}) const {
    if (!unusable_.ok()) return MakeStreamRange<Response>({}, unusable_);
    struct State {
      std::shared_ptr<Stub> stub;  // destroyed after the reader
      std::unique_ptr<StreamReader<Response>> reader;
      std::optional<Retrier> retrier;
      bool finished = false;
    };
    auto state = std::make_shared<State>();
    state->stub = stub_;
    return StreamRange<Response>([method, options = ForCall(CurrentCallOptions(), options_),
                                  request = std::move(request), idempotency,
                                  resume = std::move(resume),
                                  state]() mutable -> absl::optional<absl::StatusOr<Response>> {
      while (!state->finished) {
        if (state->reader == nullptr) {
          state->reader =
              ((*state->stub).*method)(std::make_unique<grpc::ClientContext>(), options, request);
        }
        Response response;
        if (state->reader->Read(response)) {
          state->retrier.reset();
          if (resume) resume(request, response);
          return absl::StatusOr<Response>(std::move(response));
        }
        absl::Status status = state->reader->Finish();
        state->reader.reset();
        if (status.ok()) break;
        if (resume) {
          if (!state->retrier.has_value()) state->retrier.emplace(options, idempotency);
          if (state->retrier->WaitBeforeRetry(status)) continue;
        }
        state->finished = true;
        return absl::StatusOr<Response>(status);
      }
      state->finished = true;
      return absl::nullopt;
    });
  }

  // A client stream, opened at once with the current options; its one
  // deadline (TimeoutOption) covers the stream. Never retried: the server
  // may have stored what came before a failure. It shares the stub.
  template <typename Request, typename Response>
  std::unique_ptr<StreamWriter<Request, Response>> OpenStream(
      WriteMethod<Request, Response> method) const {
    if (!unusable_.ok()) {
      return MakeBufferedStreamWriter<Request, Response>(
          [error = unusable_](const std::vector<Request>&) -> absl::StatusOr<Response> {
            return error;
          });
    }
    Options options = ForCall(CurrentCallOptions(), options_);
    auto context = std::make_unique<grpc::ClientContext>();
    SetDeadline(*context, options);
    auto writer = ((*stub_).*method)(std::move(context), options);
    return std::make_unique<KeepingStreamWriter<Request, Response>>(stub_, std::move(writer));
  }

  // Writes `requests` in order on one client stream and returns its response.
  template <typename Request, typename Response>
  absl::StatusOr<Response> Stream(WriteMethod<Request, Response> method,
                                  const std::vector<Request>& requests) const {
    auto writer = OpenStream(method);
    for (const Request& request : requests) {
      if (!writer->Write(request)) break;
    }
    return writer->Finish();
  }

 private:
  template <typename Request, typename Response>
  static absl::StatusOr<Response> CallWith(const std::shared_ptr<Stub>& stub,
                                           UnaryMethod<Request, Response> method,
                                           const Options& options, const Request& request,
                                           Idempotency idempotency) {
    return RetryLoop(options, idempotency, [&] {
      grpc::ClientContext context;
      SetDeadline(context, options);
      return ((*stub).*method)(context, options, request);
    });
  }

  std::shared_ptr<Stub> stub_;
  Options options_;
  absl::Status unusable_;
};

}  // namespace bilateral::internal
