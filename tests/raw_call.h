// Calls any gRPC method with raw message bytes, without generated code, so
// tests can reach every method a server registers (found by reflection)
// including ones added after the test was written.
#pragma once

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "google/protobuf/unknown_field_set.h"

namespace bilateral::test {

struct RawCallResult {
  grpc::Status status;
  std::vector<std::string> responses;
};

// Calls `method` ("/package.Service/Method") with `requests`, half-closes,
// and reads every response; fits unary and streaming methods alike. Each
// (key, value) of `metadata` is sent with the call. A server-streaming
// method may never end: the call is cancelled after `max_responses`.
inline RawCallResult CallRaw(const std::shared_ptr<grpc::Channel>& channel,
                             const std::string& method, const std::vector<std::string>& requests,
                             const std::vector<std::pair<std::string, std::string>>& metadata = {},
                             std::chrono::milliseconds timeout = std::chrono::seconds(10),
                             size_t max_responses = 1000) {
  RawCallResult result;
  grpc::GenericStub stub(channel);
  grpc::CompletionQueue queue;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + timeout);
  for (const auto& [key, value] : metadata) context.AddMetadata(key, value);
  auto call = stub.PrepareCall(&context, method, &queue);
  void* tag = nullptr;
  bool ok = false;
  auto step = [&] { return queue.Next(&tag, &ok) && ok; };
  call->StartCall(nullptr);
  bool open = step();
  for (const auto& request : requests) {
    if (!open) break;
    grpc::Slice slice(request);
    grpc::ByteBuffer buffer(&slice, 1);
    call->Write(buffer, nullptr);
    open = step();
  }
  if (open) {
    call->WritesDone(nullptr);
    step();
  }
  for (;;) {
    grpc::ByteBuffer response;
    call->Read(&response, nullptr);
    if (!step()) break;
    std::vector<grpc::Slice> slices;
    response.Dump(&slices).IgnoreError();
    std::string bytes;
    for (const auto& slice : slices) {
      bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
    }
    result.responses.push_back(std::move(bytes));
    if (result.responses.size() >= max_responses) context.TryCancel();
  }
  call->Finish(&result.status, nullptr);
  step();
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }
  return result;
}

// The services a server lists through reflection (v1alpha), from a
// hand-built request so no generated reflection code is needed.
inline std::vector<std::string> ReflectedServiceNames(
    const std::shared_ptr<grpc::Channel>& channel,
    const std::vector<std::pair<std::string, std::string>>& metadata = {}) {
  // ServerReflectionRequest{list_services: ""}: field 7, length 0.
  auto result = CallRaw(channel, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                        {std::string("\x3a\x00", 2)}, metadata);
  std::vector<std::string> names;
  if (result.responses.empty()) return names;
  // ServerReflectionResponse.list_services_response (6) holds repeated
  // ServiceResponse (1), each with its name (1).
  google::protobuf::UnknownFieldSet fields;
  if (!fields.ParseFromString(result.responses[0])) return names;
  for (int i = 0; i < fields.field_count(); ++i) {
    if (fields.field(i).number() != 6) continue;
    google::protobuf::UnknownFieldSet list;
    list.ParseFromString(fields.field(i).length_delimited());
    for (int j = 0; j < list.field_count(); ++j) {
      google::protobuf::UnknownFieldSet service;
      service.ParseFromString(list.field(j).length_delimited());
      if (service.field_count() > 0) {
        names.push_back(service.field(0).length_delimited());
      }
    }
  }
  return names;
}

}  // namespace bilateral::test
