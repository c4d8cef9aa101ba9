// The writing side of a client stream: requests are sent one by one as the
// caller writes them, so the input is never held whole, and Finish returns
// the server's one response.
//
//   auto writer = client.ImportTradeRecordsStream();
//   for (...) if (!writer->Write(chunk)) break;
//   absl::StatusOr<v1::ImportTradeRecordsResponse> result = writer->Finish();
//
// Not thread-safe: one thread writes. Destroying a writer before Finish
// cancels the stream.
#pragma once

#include <memory>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace bilateral {

template <typename Request, typename Response>
class StreamWriter {
 public:
  virtual ~StreamWriter() = default;
  // Sends `request`; false when the stream has failed, after which writes
  // are ignored and Finish says why.
  virtual bool Write(const Request& request) = 0;
  // Ends the stream: the server's response, or the error that ended it.
  // Called once; further writes are ignored.
  virtual absl::StatusOr<Response> Finish() = 0;
};

namespace internal {

// A writer that keeps the requests and sends them at Finish through `send`
// (a connection's method taking them all): the default of connections that
// cannot stream, e.g. those written for tests.
template <typename Request, typename Response, typename Send>
class BufferedStreamWriter final : public StreamWriter<Request, Response> {
 public:
  explicit BufferedStreamWriter(Send send) : send_(std::move(send)) {}
  bool Write(const Request& request) override {
    requests_.push_back(request);
    return true;
  }
  absl::StatusOr<Response> Finish() override { return send_(requests_); }

 private:
  Send send_;
  std::vector<Request> requests_;
};

template <typename Request, typename Response, typename Send>
std::unique_ptr<StreamWriter<Request, Response>> MakeBufferedStreamWriter(Send send) {
  return std::make_unique<BufferedStreamWriter<Request, Response, Send>>(std::move(send));
}

}  // namespace internal
}  // namespace bilateral
