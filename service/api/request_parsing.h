// Requests that do not parse as their message. gRPC's callback API answers
// such a call itself, UNIMPLEMENTED with no message, before any handler or
// the call guard sees it: unauthenticated, unlogged and uncounted. A
// service wrapped here hands such a call to its handler with an empty
// request instead, marked so that the call guard authenticates the caller
// and then refuses it with INVALID_ARGUMENT saying what does not parse
// (docs/adr/0013-requests-that-do-not-parse.md).
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "api/call_guard.h"
#include "google/protobuf/descriptor.h"

namespace bilateral::api {

// `service` (a callback service implementing the gRPC service
// `service_name`, e.g. "bilateral.v1.VisitService") with every unary and
// server-streaming method checking that its request parses; a client
// stream's messages are read by its reactor and are not covered. `guard`
// must outlive the returned service, which owns `service`.
std::unique_ptr<grpc::Service> CheckRequestParsing(std::unique_ptr<grpc::Service> service,
                                                   absl::string_view service_name,
                                                   CallGuard* guard);

// The bytes of a message as gRPC received it.
std::string Flattened(const grpc::ByteBuffer& bytes);

// Why `bytes` do not parse as a `type`: INVALID_ARGUMENT naming the string
// field that is not UTF-8, or saying the encoding is malformed.
absl::Status WhyUnparseable(absl::string_view bytes, const google::protobuf::Descriptor& type);
// The same for a message as a raw reactor reads it (ImportTradeRecords'
// chunks).
absl::Status WhyUnparseable(const grpc::ByteBuffer& bytes,
                            const google::protobuf::Descriptor& type);

}  // namespace bilateral::api
