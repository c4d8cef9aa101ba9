#include "api/request_parsing.h"

#include <grpc/byte_buffer.h>
#include <grpc/byte_buffer_reader.h>
#include <grpc/slice.h>
#include <grpcpp/impl/rpc_service_method.h>
#include <grpcpp/impl/service_type.h>

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "domain/errors.h"
#include "google/protobuf/stubs/common.h"
#include "google/protobuf/unknown_field_set.h"

namespace bilateral::api {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::UnknownField;
using google::protobuf::UnknownFieldSet;
using grpc::internal::MethodHandler;
using grpc::internal::RpcMethod;

// The path of the first string field of `fields` (read as a `type`), at any
// depth, that is not UTF-8; empty when there is none.
std::string FirstInvalidUtf8(const UnknownFieldSet& fields, const Descriptor& type,
                             const std::string& prefix) {
  for (int i = 0; i < fields.field_count(); ++i) {
    const UnknownField& field = fields.field(i);
    const FieldDescriptor* descriptor = type.FindFieldByNumber(field.number());
    if (descriptor == nullptr || field.type() != UnknownField::TYPE_LENGTH_DELIMITED) continue;
    std::string path = absl::StrCat(prefix, descriptor->name());
    if (descriptor->type() == FieldDescriptor::TYPE_STRING &&
        !google::protobuf::internal::IsStructurallyValidUTF8(field.length_delimited())) {
      return path;
    }
    if (descriptor->type() != FieldDescriptor::TYPE_MESSAGE) continue;
    UnknownFieldSet nested;
    if (!nested.ParseFromString(field.length_delimited())) continue;
    std::string found = FirstInvalidUtf8(nested, *descriptor->message_type(), path + ".");
    if (!found.empty()) return found;
  }
  return "";
}

// The bytes of a gRPC message.
std::string Flatten(grpc_byte_buffer* buffer) {
  std::string bytes;
  grpc_byte_buffer_reader reader;
  if (buffer == nullptr || !grpc_byte_buffer_reader_init(&reader, buffer)) return bytes;
  grpc_slice slice = grpc_byte_buffer_reader_readall(&reader);
  bytes.assign(reinterpret_cast<const char*>(GRPC_SLICE_START_PTR(slice)),
               GRPC_SLICE_LENGTH(slice));
  grpc_slice_unref(slice);
  grpc_byte_buffer_reader_destroy(&reader);
  return bytes;
}

// What Deserialize hands RunHandler for a request that did not parse.
struct Unparsed {
  void* handler_data;  // the wrapped handler's
  absl::Status problem;
};

// Runs a method with the handler gRPC generated for it, `inner`; a request
// that does not parse reaches `inner` as an empty one that the guard
// refuses.
class ParseCheckingHandler final : public MethodHandler {
 public:
  ParseCheckingHandler(MethodHandler* inner, RpcMethod::RpcType type,
                       const Descriptor& request_type, CallGuard& guard)
      : inner_(*inner), type_(type), request_type_(request_type), guard_(guard) {}

  void* Deserialize(grpc_call* call, grpc_byte_buffer* bytes, grpc::Status* status,
                    void** handler_data) override {
    // The wrapped handler consumes `bytes`; a copy shares their slices.
    grpc_byte_buffer* copy = bytes == nullptr ? nullptr : grpc_byte_buffer_copy(bytes);
    void* request = inner_.Deserialize(call, bytes, status, handler_data);
    if (status->ok()) {
      if (copy != nullptr) grpc_byte_buffer_destroy(copy);
      return request;
    }
    auto* unparsed = new Unparsed{*handler_data, WhyUnparseable(Flatten(copy), request_type_)};
    if (copy != nullptr) grpc_byte_buffer_destroy(copy);
    if (type_ == RpcMethod::SERVER_STREAMING) {
      // A server-streaming handler frees the request it failed to parse
      // and takes it from the parameter; hand it an empty one instead. (A
      // unary handler keeps its request in its handler data.)
      grpc::Status empty_status;
      request = inner_.Deserialize(call, grpc_raw_byte_buffer_create(nullptr, 0), &empty_status,
                                   &unparsed->handler_data);
    }
    *handler_data = unparsed;
    return request;
  }

  void RunHandler(const HandlerParameter& param) override {
    if (param.status.ok() || param.internal_data == nullptr) {
      inner_.RunHandler(param);
      return;
    }
    auto* unparsed = static_cast<Unparsed*>(param.internal_data);
    void* handler_data = unparsed->handler_data;
    guard_.MarkUnparseable(static_cast<grpc::CallbackServerContext*>(param.server_context),
                           std::move(unparsed->problem));
    delete unparsed;
    inner_.RunHandler(HandlerParameter(param.call, param.server_context, param.request,
                                       grpc::Status::OK, handler_data, param.call_requester));
  }

 private:
  MethodHandler& inner_;
  const RpcMethod::RpcType type_;
  const Descriptor& request_type_;
  CallGuard& guard_;
};

// Reads the handler gRPC registered for method `index` of a service.
struct HandlerAccess : grpc::Service {
  static MethodHandler* Of(grpc::Service& service, int index) {
    return (service.*&HandlerAccess::GetHandler)(index);
  }
};

// The methods of `service`, each through a ParseCheckingHandler; registered
// in its place, it keeps `service` (and so the handlers) alive.
class ParseCheckingService final : public grpc::Service {
 public:
  ParseCheckingService(std::unique_ptr<grpc::Service> service,
                       const google::protobuf::ServiceDescriptor& descriptor, CallGuard& guard)
      : service_(std::move(service)) {
    for (int i = 0; i < descriptor.method_count(); ++i) {
      const auto& method = *descriptor.method(i);
      const RpcMethod::RpcType type =
          method.client_streaming()
              ? (method.server_streaming() ? RpcMethod::BIDI_STREAMING
                                           : RpcMethod::CLIENT_STREAMING)
              : (method.server_streaming() ? RpcMethod::SERVER_STREAMING : RpcMethod::NORMAL_RPC);
      names_.push_back(std::make_unique<std::string>(
          absl::StrCat("/", descriptor.full_name(), "/", method.name())));
      AddMethod(new grpc::internal::RpcServiceMethod(names_.back()->c_str(), type, nullptr));
      MarkMethodCallback(i, new ParseCheckingHandler(HandlerAccess::Of(*service_, i), type,
                                                     *method.input_type(), guard));
    }
  }

 private:
  std::unique_ptr<grpc::Service> service_;
  std::vector<std::unique_ptr<std::string>> names_;  // RpcMethod keeps the pointers
};

}  // namespace

absl::Status WhyUnparseable(absl::string_view bytes, const Descriptor& type) {
  UnknownFieldSet fields;
  if (!fields.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::InvalidArgumentError(
        absl::StrCat("the request is not a ", type.full_name(),
                     ": its protobuf encoding is truncated, malformed or nested too deep"));
  }
  std::string field = FirstInvalidUtf8(fields, type, "");
  if (!field.empty()) {
    return domain::InvalidField(field, "is not valid UTF-8, as a string field must be");
  }
  return absl::InvalidArgumentError(
      absl::StrCat("the request does not parse as a ", type.full_name()));
}

std::string Flattened(const grpc::ByteBuffer& bytes) {
  std::string flat;
  if (std::vector<grpc::Slice> slices; bytes.Dump(&slices).ok()) {
    for (const auto& slice : slices) {
      flat.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
    }
  }
  return flat;
}

absl::Status WhyUnparseable(const grpc::ByteBuffer& bytes, const Descriptor& type) {
  return WhyUnparseable(Flattened(bytes), type);
}

std::unique_ptr<grpc::Service> CheckRequestParsing(std::unique_ptr<grpc::Service> service,
                                                   absl::string_view service_name,
                                                   CallGuard* guard) {
  const auto* descriptor = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
      std::string(service_name));
  if (descriptor == nullptr) return service;
  return std::make_unique<ParseCheckingService>(std::move(service), *descriptor, *guard);
}

}  // namespace bilateral::api
