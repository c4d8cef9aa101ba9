// What every service's stub (bilateral/internal/<service>_stub.h, generated)
// is made of. A stub is one attempt of each RPC, behind an interface: the
// default one calls the generated gRPC stub, decorators around it add the
// call's metadata and log requests, and tests put a gMock stub in its place.
// Not part of the API.
#pragma once

#include <grpcpp/client_context.h>

#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "bilateral/options.h"
#include "bilateral/stream_writer.h"

namespace bilateral::internal {

// The reading side of one server stream. Not thread-safe. Destroying it
// before Finish cancels the stream.
template <typename Response>
class StreamReader {
 public:
  virtual ~StreamReader() = default;
  // The next message into `response`; false when the stream is over (or
  // broke), and then Finish says how it ended.
  virtual bool Read(Response& response) = 0;
  // How the stream ended; called once, after Read returned false.
  virtual absl::Status Finish() = 0;
};

}  // namespace bilateral::internal
