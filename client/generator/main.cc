// protoc-gen-bilateral: the per-service code of the C++ SDK and of
// bilateralctl, generated from the service descriptors of bilateral.v1.
//
// For every service FooService of the files it is given it writes
//   include/bilateral/foo_client.h             FooConnection, MakeFooConnection, FooClient
//   include/bilateral/mocks/mock_foo_connection.h  MockFooConnection (gMock)
//   src/foo_client.cc                          the client's bodies, the gRPC connection
// and, once for all of them,
//   include/bilateral/bilateral.h              every client header
//   cli/resource_table.h                       bilateralctl's Resource<T> traits
//
// What each method becomes is read off its descriptor (AIP standard methods:
// Get, List, BatchGet, Create, Update, Delete by their names and fields; a
// List is any method whose response pages with next_page_token; streams by
// their direction), so a new field, method or service needs no change here.
//
// Parameters (comma separated):
//   extend=FooService     FooClient is hand-written, deriving from the
//                         generated FooClientBase (include/bilateral/internal/
//                         foo_client_base.h), for methods that truly differ
//   command=Foo=word      bilateralctl's command word for resource Foo
//                         (default: its collection)
#include <google/protobuf/compiler/code_generator.h>
#include <google/protobuf/compiler/plugin.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/io/printer.h>
#include <google/protobuf/io/zero_copy_stream.h>

#include <cctype>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "google/api/annotations.pb.h"

namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::FileDescriptor;
using google::protobuf::MethodDescriptor;
using google::protobuf::ServiceDescriptor;
using google::protobuf::compiler::GeneratorContext;
using google::protobuf::io::Printer;
using Vars = std::map<std::string, std::string>;

// "TradeRecord" -> "trade_record".
std::string Snake(const std::string& camel) {
  std::string out;
  for (size_t i = 0; i < camel.size(); ++i) {
    char c = camel[i];
    if (std::isupper(static_cast<unsigned char>(c))) {
      if (i > 0) out += '_';
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      out += c;
    }
  }
  return out;
}

// "tradeRecords" or "TradeRecords" -> "trade records".
std::string Words(const std::string& camel) {
  std::string snake = Snake(camel);
  for (char& c : snake) {
    if (c == '_') c = ' ';
  }
  return snake;
}

bool StartsWith(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

// The C++ name of a message, from inside namespace bilateral.
std::string CppType(const Descriptor* message) {
  std::string name = message->full_name();
  if (StartsWith(name, "bilateral.")) name = name.substr(std::string("bilateral.").size());
  std::string out;
  for (char c : name) {
    if (c == '.') {
      out += "::";
    } else {
      out += c;
    }
  }
  if (StartsWith(message->full_name(), "google.")) out = "::" + out;
  return out;
}

bool IsEmpty(const Descriptor* message) {
  return message->full_name() == "google.protobuf.Empty";
}

// The proto comment before `descriptor`, as C++ comment lines at `indent`.
template <typename D>
std::string Comment(const D* descriptor, const std::string& indent) {
  google::protobuf::SourceLocation location;
  if (!descriptor->GetSourceLocation(&location)) return "";
  std::string text = location.leading_comments;
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line[0] == ' ') line = line.substr(1);
    out += indent + "//" + (line.empty() ? "" : " " + line) + "\n";
    start = end + 1;
  }
  return out;
}

// The only repeated message field of `message`, or null.
const FieldDescriptor* RepeatedMessageField(const Descriptor* message) {
  const FieldDescriptor* found = nullptr;
  for (int i = 0; i < message->field_count(); ++i) {
    const FieldDescriptor* field = message->field(i);
    if (field->is_repeated() && field->type() == FieldDescriptor::TYPE_MESSAGE) {
      if (found != nullptr) return nullptr;
      found = field;
    }
  }
  return found;
}

// The field of `message` of type `type`, or null.
const FieldDescriptor* FieldOfType(const Descriptor* message, const Descriptor* type) {
  for (int i = 0; i < message->field_count(); ++i) {
    const FieldDescriptor* field = message->field(i);
    if (!field->is_repeated() && field->message_type() == type) return field;
  }
  return nullptr;
}

bool IsString(const FieldDescriptor* field) {
  return field != nullptr && !field->is_repeated() && field->type() == FieldDescriptor::TYPE_STRING;
}

enum class Kind { kGet, kList, kBatchGet, kCreate, kUpdate, kDelete, kUnary, kClientStream,
                  kServerStream };

struct Method {
  const MethodDescriptor* descriptor = nullptr;
  Kind kind = Kind::kUnary;
  // kList: the field of the response with the items; kBatchGet: with the
  // records.
  const FieldDescriptor* items = nullptr;
  // kCreate, kUpdate: the field of the request with the record.
  const FieldDescriptor* record = nullptr;
  std::string name;
  std::string request;
  std::string response;  // the C++ type the response message has
  std::string item;      // kList: the C++ type of an item
};

Method Classify(const MethodDescriptor* method) {
  Method m;
  m.descriptor = method;
  m.kind = Kind::kUnary;
  m.name = method->name();
  m.request = CppType(method->input_type());
  m.response = CppType(method->output_type());
  const Descriptor* in = method->input_type();
  const Descriptor* out = method->output_type();
  if (method->client_streaming() && !method->server_streaming()) {
    m.kind = Kind::kClientStream;
  } else if (method->server_streaming() && !method->client_streaming()) {
    m.kind = Kind::kServerStream;
  } else if (in->FindFieldByName("page_token") && out->FindFieldByName("next_page_token") &&
             RepeatedMessageField(out) != nullptr) {
    m.kind = Kind::kList;
    m.items = RepeatedMessageField(out);
    m.item = CppType(m.items->message_type());
  } else if (StartsWith(m.name, "BatchGet") && in->FindFieldByName("names") &&
             RepeatedMessageField(out) != nullptr) {
    m.kind = Kind::kBatchGet;
    m.items = RepeatedMessageField(out);
    m.item = CppType(m.items->message_type());
  } else if (StartsWith(m.name, "Get") && in->FindFieldByName("name")) {
    m.kind = Kind::kGet;
  } else if (StartsWith(m.name, "Create") && FieldOfType(in, out) != nullptr) {
    m.kind = Kind::kCreate;
    m.record = FieldOfType(in, out);
  } else if (StartsWith(m.name, "Update") && FieldOfType(in, out) != nullptr) {
    m.kind = Kind::kUpdate;
    m.record = FieldOfType(in, out);
  } else if (StartsWith(m.name, "Delete") && in->FindFieldByName("name") && IsEmpty(out)) {
    m.kind = Kind::kDelete;
  }
  return m;
}

// The SDK's names of one service.
struct Service {
  const ServiceDescriptor* descriptor = nullptr;
  std::string base;   // "TradeRecord"
  std::string snake;  // "trade_record"
  bool extended = false;      // FooClient is hand-written over FooClientBase
  std::vector<Method> methods;

  std::string ClientClass() const { return base + (extended ? "ClientBase" : "Client"); }
  std::string Header() const {
    return extended ? "bilateral/internal/" + snake + "_client_base.h"
                    : "bilateral/" + snake + "_client.h";
  }
  std::string PublicHeader() const { return "bilateral/" + snake + "_client.h"; }
};

Service MakeService(const ServiceDescriptor* descriptor, const std::set<std::string>& extend) {
  Service s;
  s.descriptor = descriptor;
  s.base = descriptor->name();
  if (s.base.size() > 7 && s.base.compare(s.base.size() - 7, 7, "Service") == 0) {
    s.base = s.base.substr(0, s.base.size() - 7);
  }
  s.snake = Snake(s.base);
  s.extended = extend.count(descriptor->name()) > 0;
  for (int i = 0; i < descriptor->method_count(); ++i) {
    s.methods.push_back(Classify(descriptor->method(i)));
  }
  return s;
}

Vars MethodVars(const Service& s, const Method& m) {
  Vars v{{"Base", s.base},     {"Client", s.ClientClass()}, {"Method", m.name},
         {"Request", m.request}, {"Response", m.response}, {"Item", m.item}};
  if (m.items != nullptr) v["items"] = m.items->name();
  if (m.record != nullptr) v["record"] = m.record->name();
  return v;
}

// What the connection method of `m` returns.
std::string ConnectionResult(const Method& m) {
  switch (m.kind) {
    case Kind::kList:
      return "PaginatedRange<" + m.item + ">";
    case Kind::kServerStream:
      return "StreamRange<" + m.response + ">";
    default:
      return IsEmpty(m.descriptor->output_type()) ? "absl::Status"
                                                 : "absl::StatusOr<" + m.response + ">";
  }
}

// The parameter list of the connection method of `m`.
std::string ConnectionParameters(const Method& m) {
  switch (m.kind) {
    case Kind::kList:
    case Kind::kServerStream:
      return m.request + " request";
    case Kind::kClientStream:
      return "const std::vector<" + m.request + ">& chunks";
    default:
      return "const " + m.request + "& request";
  }
}

// The string and repeated string fields of a List request a caller gives
// directly, as (C++ parameter, default) in field order; paging is the
// range's business.
std::vector<std::pair<const FieldDescriptor*, bool>> ListParameters(const Method& m) {
  std::vector<std::pair<const FieldDescriptor*, bool>> out;
  const Descriptor* in = m.descriptor->input_type();
  for (int i = 0; i < in->field_count(); ++i) {
    const FieldDescriptor* field = in->field(i);
    if (field->type() != FieldDescriptor::TYPE_STRING || field->name() == "page_token") continue;
    // The parent of a List and the query of a search are what the call is
    // about: no default.
    bool required = field->name() == "parent" || field->name() == "query";
    out.emplace_back(field, !required);
  }
  return out;
}

std::string ParameterType(const FieldDescriptor* field) {
  return field->is_repeated() ? "const std::vector<std::string>&" : "const std::string&";
}

// One generated file: its stream and a printer on it.
struct Output {
  Output(GeneratorContext* context, const std::string& path)
      : stream(context->Open(path)), printer(stream.get(), '$') {}
  std::unique_ptr<google::protobuf::io::ZeroCopyOutputStream> stream;
  Printer printer;
};

// ---------------------------------------------------------------------------
// include/bilateral/foo_client.h

void PrintConnection(const Service& s, Printer& p) {
  Vars v{{"Base", s.base}, {"Client", s.base + "Client"}, {"snake", s.snake},
         {"service", s.descriptor->name()}};
  p.Print(v,
          "// The calls a $Client$ makes, one per RPC of v1::$service$ and with its\n"
          "// meaning. Make$Base$Connection implements it over gRPC, with the retries\n"
          "// that RetryOptions (bilateral/options.h) describes and the CallOptions of\n"
          "// the client call that invokes it (internal::CurrentCallOptions()); tests of\n"
          "// code that uses $Client$ give it a Mock$Base$Connection\n"
          "// (bilateral/mocks/mock_$snake$_connection.h) instead.\n"
          "class $Base$Connection {\n"
          " public:\n"
          "  virtual ~$Base$Connection() = default;\n");
  for (const Method& m : s.methods) {
    Vars mv = MethodVars(s, m);
    mv["result"] = ConnectionResult(m);
    mv["parameters"] = ConnectionParameters(m);
    if (m.kind == Kind::kList) {
      p.Print("  // Fetches pages lazily; `request.page_token` is the starting point.\n");
    } else if (m.kind == Kind::kClientStream) {
      p.Print(mv, "  // Writes `chunks` in order on one $Method$ stream.\n");
    } else if (m.kind == Kind::kServerStream) {
      p.Print("  // Reads the stream lazily, as the range is iterated.\n");
    }
    p.Print(mv, "  virtual $result$ $Method$($parameters$) = 0;\n");
    if (m.kind == Kind::kClientStream) {
      p.Print(mv,
              "  // Opens one $Method$ stream, written as the caller goes. By default\n"
              "  // the chunks are kept and sent at Finish through $Method$ above.\n"
              "  virtual std::unique_ptr<StreamWriter<$Request$, $Response$>> $Method$Stream() {\n"
              "    return internal::MakeBufferedStreamWriter<$Request$, $Response$>(\n"
              "        [this](const std::vector<$Request$>& chunks) { return $Method$(chunks); });\n"
              "  }\n");
    }
  }
  p.Print(v,
          "};\n\n"
          "// A connection over a new channel made with MakeChannel(options). When that\n"
          "// fails, every call of the connection returns its error.\n"
          "std::shared_ptr<$Base$Connection> Make$Base$Connection(const ClientOptions& "
          "options);\n"
          "// A connection over `channel` (from MakeChannel), shared with other\n"
          "// connections; of `options`, the endpoint and TLS settings do not apply.\n"
          "std::shared_ptr<$Base$Connection> Make$Base$Connection(\n"
          "    std::shared_ptr<grpc::Channel> channel, const ClientOptions& options = {});\n\n");
}

// The declarations of the client methods of `m`.
void PrintClientMethod(const Service& s, const Method& m, Printer& p) {
  Vars v = MethodVars(s, m);
  p.Print("\n");
  p.Print(Comment(m.descriptor, "  ").c_str());
  switch (m.kind) {
    case Kind::kGet:
      p.Print(v,
              "  absl::StatusOr<$Response$> $Method$(const std::string& name,\n"
              "      const CallOptions& call_options = {});\n");
      return;
    case Kind::kList: {
      std::string params;
      for (const auto& [field, has_default] : ListParameters(m)) {
        params += ParameterType(field) + " " + field->name();
        if (has_default) params += field->is_repeated() ? " = {}" : " = \"\"";
        params += ",\n      ";
      }
      v["params"] = params;
      p.Print(v,
              "  // Pages are fetched as the range is iterated, each a read with its own\n"
              "  // retries.\n"
              "  PaginatedRange<$Item$> $Method$($params$const CallOptions& call_options = {});\n"
              "  // As above, with every field of the request, e.g. `page_size`.\n"
              "  PaginatedRange<$Item$> $Method$($Request$ request,\n"
              "      const CallOptions& call_options = {});\n");
      return;
    }
    case Kind::kBatchGet:
      p.Print(v,
              "  absl::StatusOr<std::vector<$Item$>> $Method$(\n"
              "      const std::vector<std::string>& names, const CallOptions& call_options = "
              "{});\n");
      return;
    case Kind::kCreate: {
      std::string id = m.record->name() + "_id";
      v["id"] = m.descriptor->input_type()->FindFieldByName(id) ? id : "";
      if (!v["id"].empty()) {
        p.Print(v,
                "  // Stores `$record$` as its collection's `$id$` (generated when empty)\n"
                "  // and returns it as stored.\n"
                "  absl::StatusOr<$Response$> $Method$(const $Response$& $record$,\n"
                "      const std::string& $id$ = \"\", const CallOptions& call_options = {});\n"
                "  // As above, with every field of the request.");
      } else {
        p.Print(v,
                "  absl::StatusOr<$Response$> $Method$(const $Response$& $record$,\n"
                "      const CallOptions& call_options = {});\n"
                "  // As above, with every field of the request.");
      }
      if (m.descriptor->input_type()->FindFieldByName("request_id")) {
        p.Print(
            " The connection gives a\n"
            "  // request without `request_id` a random one, so that retries cannot create\n"
            "  // the record twice; set your own to make your own retries safe too.");
      }
      p.Print(v,
              "\n"
              "  absl::StatusOr<$Response$> $Method$(const $Request$& request,\n"
              "      const CallOptions& call_options = {});\n");
      return;
    }
    case Kind::kUpdate:
      p.Print(v,
              "  // Replaces the fields named in `update_paths` (every field set in\n"
              "  // `$record$` when empty) and returns the record as stored.\n"
              "  absl::StatusOr<$Response$> $Method$(const $Response$& $record$,\n"
              "      const std::vector<std::string>& update_paths = {},\n"
              "      const CallOptions& call_options = {});\n"
              "  // As above, with the update mask in the request.\n"
              "  absl::StatusOr<$Response$> $Method$(const $Request$& request,\n"
              "      const CallOptions& call_options = {});\n");
      return;
    case Kind::kDelete:
      if (m.descriptor->input_type()->FindFieldByName("etag")) {
        p.Print(v,
                "  // With an `etag`, only while it is current (else ABORTED).\n"
                "  absl::Status $Method$(const std::string& name, const std::string& etag = "
                "\"\",\n"
                "      const CallOptions& call_options = {});\n");
      } else {
        p.Print(v,
                "  absl::Status $Method$(const std::string& name,\n"
                "      const CallOptions& call_options = {});\n");
      }
      return;
    case Kind::kClientStream:
      p.Print(v,
              "  // Writes `chunks` in order on one stream. Never retried: when a stream\n"
              "  // fails, the chunks before the failure may be stored.\n"
              "  absl::StatusOr<$Response$> $Method$(\n"
              "      const std::vector<$Request$>& chunks, const CallOptions& call_options = "
              "{});\n"
              "  // The same stream, written chunk by chunk, so that the input need not be\n"
              "  // held whole. `call_options` apply to the whole stream.\n"
              "  std::unique_ptr<StreamWriter<$Request$, $Response$>> $Method$Stream(\n"
              "      const CallOptions& call_options = {});\n");
      return;
    case Kind::kServerStream:
      p.Print(v,
              "  // The responses as the server sends them, read as the range is iterated.\n"
              "  StreamRange<$Response$> $Method$($Request$ request,\n"
              "      const CallOptions& call_options = {});\n");
      return;
    case Kind::kUnary:
      v["result"] = ConnectionResult(m);
      p.Print(v,
              "  $result$ $Method$(const $Request$& request,\n"
              "      const CallOptions& call_options = {});\n");
      return;
  }
}

void PrintClientHeader(const Service& s, GeneratorContext* context) {
  Output file(context, "include/" + s.Header());
  Printer& p = file.printer;
  Vars v{{"Base", s.base}, {"Client", s.ClientClass()}, {"snake", s.snake},
         {"proto", s.descriptor->file()->name()}};
  std::string pb = s.descriptor->file()->name();
  v["pb"] = pb.substr(0, pb.size() - 6) + ".pb.h";
  p.Print(v, "// Generated by protoc-gen-bilateral from $proto$. Do not edit.\n//\n");
  p.Print(Comment(s.descriptor, "").c_str());
  p.Print(v,
          "//\n"
          "//   bilateral::$Base$Client client(\n"
          "//       bilateral::Make$Base$Connection(bilateral::ClientOptions{}));\n"
          "#pragma once\n\n"
          "#include <memory>\n#include <string>\n#include <utility>\n#include <vector>\n\n"
          "#include \"absl/status/status.h\"\n"
          "#include \"absl/status/statusor.h\"\n"
          "#include \"bilateral/options.h\"\n"
          "#include \"bilateral/pagination.h\"\n"
          "#include \"bilateral/stream_range.h\"\n"
          "#include \"bilateral/stream_writer.h\"\n"
          "#include \"$pb$\"\n\n"
          "namespace bilateral {\n\n");
  PrintConnection(s, p);
  if (s.extended) {
    p.Print(v,
            "// The generated methods of $Base$Client (bilateral/$snake$_client.h), which\n"
            "// adds the ones written by hand.\n");
  } else {
    p.Print(v,
            "// Cheap to copy; copies share the connection. Every method returns the\n"
            "// server's error as a status: use FieldViolations() and ErrorReason() from\n"
            "// bilateral/status.h for its details. Each method takes an optional\n"
            "// CallOptions last (bilateral/options.h); calls that are safe to repeat are\n"
            "// retried as its RetryOptions say.\n");
  }
  p.Print(v,
          "class $Client$ {\n"
          " public:\n"
          "  explicit $Client$(std::shared_ptr<$Base$Connection> connection)\n"
          "      : connection_(std::move(connection)) {}\n");
  for (const Method& m : s.methods) PrintClientMethod(s, m, p);
  p.Print(v,
          "\n"
          " protected:\n"
          "  std::shared_ptr<$Base$Connection> connection_;\n"
          "};\n\n"
          "}  // namespace bilateral\n");
}

// ---------------------------------------------------------------------------
// include/bilateral/mocks/mock_foo_connection.h

void PrintMock(const Service& s, GeneratorContext* context) {
  Output file(context, "include/bilateral/mocks/mock_" + s.snake + "_connection.h");
  Printer& p = file.printer;
  Vars v{{"Base", s.base}, {"header", s.PublicHeader()}, {"proto", s.descriptor->file()->name()}};
  p.Print(v,
          "// Generated by protoc-gen-bilateral from $proto$. Do not edit.\n"
          "//\n"
          "// A $Base$Connection whose every method is a gMock mock: give it to a\n"
          "// $Base$Client to test code that uses the client without a server.\n"
          "#pragma once\n\n"
          "#include \"$header$\"\n"
          "#include \"gmock/gmock.h\"\n\n"
          "namespace bilateral::mocks {\n\n"
          "class Mock$Base$Connection : public $Base$Connection {\n"
          " public:\n");
  for (const Method& m : s.methods) {
    Vars mv = MethodVars(s, m);
    mv["result"] = ConnectionResult(m);
    mv["parameters"] = ConnectionParameters(m);
    if (m.kind == Kind::kList) {
      p.Print("  // Return a range from MakePaginatedRange (bilateral/pagination.h).\n");
    } else if (m.kind == Kind::kServerStream) {
      p.Print("  // Return a range from MakeStreamRange (bilateral/stream_range.h).\n");
    }
    p.Print(mv, "  MOCK_METHOD($result$, $Method$, ($parameters$), (override));\n");
    if (m.kind == Kind::kClientStream) {
      p.Print(mv,
              "  // Return a StreamWriter, e.g. a mocks::MockStreamWriter.\n"
              "  MOCK_METHOD((std::unique_ptr<StreamWriter<$Request$, $Response$>>), $Method$Stream,\n"
              "              (), (override));\n");
    }
  }
  p.Print("};\n\n}  // namespace bilateral::mocks\n");
}

// ---------------------------------------------------------------------------
// src/foo_client.cc

// The client method that passes a whole request to the connection.
void PrintPassThrough(const Method& m, Vars v, Printer& p) {
  v["result"] = ConnectionResult(m);
  p.Print(v,
          "$result$ $Client$::$Method$(const $Request$& request,\n"
          "    const CallOptions& call_options) {\n"
          "  internal::CallOptionsScope scope(call_options);\n"
          "  return connection_->$Method$(request);\n"
          "}\n\n");
}

void PrintClientBodies(const Service& s, Printer& p) {
  for (const Method& m : s.methods) {
    Vars v = MethodVars(s, m);
    switch (m.kind) {
      case Kind::kGet:
        p.Print(v,
                "absl::StatusOr<$Response$> $Client$::$Method$(const std::string& name,\n"
                "    const CallOptions& call_options) {\n"
                "  internal::CallOptionsScope scope(call_options);\n"
                "  return connection_->$Method$(internal::NameRequest<$Request$>(name));\n"
                "}\n\n");
        break;
      case Kind::kList: {
        std::string params;
        std::string sets;
        for (const auto& [field, has_default] : ListParameters(m)) {
          params += ParameterType(field) + " " + field->name() + ", ";
          if (field->is_repeated()) {
            sets += "  request.mutable_" + field->name() + "()->Add(" + field->name() +
                    ".begin(), " + field->name() + ".end());\n";
          } else {
            sets += "  request.set_" + field->name() + "(" + field->name() + ");\n";
          }
        }
        v["params"] = params;
        v["sets"] = sets;
        p.Print(v,
                "PaginatedRange<$Item$> $Client$::$Method$($params$\n"
                "    const CallOptions& call_options) {\n"
                "  $Request$ request;\n"
                "$sets$"
                "  return $Method$(std::move(request), call_options);\n"
                "}\n\n"
                "PaginatedRange<$Item$> $Client$::$Method$($Request$ request,\n"
                "    const CallOptions& call_options) {\n"
                "  internal::CallOptionsScope scope(call_options);\n"
                "  return connection_->$Method$(std::move(request));\n"
                "}\n\n");
        break;
      }
      case Kind::kBatchGet:
        p.Print(v,
                "absl::StatusOr<std::vector<$Item$>> $Client$::$Method$(\n"
                "    const std::vector<std::string>& names, const CallOptions& call_options) "
                "{\n"
                "  internal::CallOptionsScope scope(call_options);\n"
                "  auto request = internal::BatchGetRequest<$Request$>(names);\n"
                "  return internal::TakeRecords(connection_->$Method$(request),\n"
                "                               &$Response$::mutable_$items$);\n"
                "}\n\n");
        break;
      case Kind::kCreate: {
        std::string id = m.record->name() + "_id";
        bool has_id = m.descriptor->input_type()->FindFieldByName(id) != nullptr;
        v["id"] = id;
        p.Print(v, "absl::StatusOr<$Response$> $Client$::$Method$(const $Response$& $record$,\n");
        if (has_id) p.Print(v, "    const std::string& $id$,\n");
        p.Print(v,
                "    const CallOptions& call_options) {\n"
                "  internal::CallOptionsScope scope(call_options);\n"
                "  $Request$ request;\n"
                "  *request.mutable_$record$() = $record$;\n");
        if (has_id) p.Print(v, "  request.set_$id$($id$);\n");
        p.Print(v,
                "  return connection_->$Method$(request);\n"
                "}\n\n");
        PrintPassThrough(m, v, p);
        break;
      }
      case Kind::kUpdate:
        p.Print(v,
                "absl::StatusOr<$Response$> $Client$::$Method$(const $Response$& $record$,\n"
                "    const std::vector<std::string>& update_paths,\n"
                "    const CallOptions& call_options) {\n"
                "  internal::CallOptionsScope scope(call_options);\n"
                "  $Request$ request;\n"
                "  *request.mutable_$record$() = $record$;\n"
                "  internal::SetUpdatePaths(update_paths, request);\n"
                "  return connection_->$Method$(request);\n"
                "}\n\n");
        PrintPassThrough(m, v, p);
        break;
      case Kind::kDelete:
        if (m.descriptor->input_type()->FindFieldByName("etag")) {
          p.Print(v,
                  "absl::Status $Client$::$Method$(const std::string& name, const std::string& "
                  "etag,\n"
                  "    const CallOptions& call_options) {\n"
                  "  internal::CallOptionsScope scope(call_options);\n"
                  "  return connection_->$Method$(internal::DeleteRequest<$Request$>(name, "
                  "etag));\n"
                  "}\n\n");
        } else {
          p.Print(v,
                  "absl::Status $Client$::$Method$(const std::string& name,\n"
                  "    const CallOptions& call_options) {\n"
                  "  internal::CallOptionsScope scope(call_options);\n"
                  "  return connection_->$Method$(internal::NameRequest<$Request$>(name));\n"
                  "}\n\n");
        }
        break;
      case Kind::kClientStream:
        p.Print(v,
                "absl::StatusOr<$Response$> $Client$::$Method$(\n"
                "    const std::vector<$Request$>& chunks, const CallOptions& call_options) {\n"
                "  internal::CallOptionsScope scope(call_options);\n"
                "  return connection_->$Method$(chunks);\n"
                "}\n\n"
                "std::unique_ptr<StreamWriter<$Request$, $Response$>> $Client$::$Method$Stream(\n"
                "    const CallOptions& call_options) {\n"
                "  internal::CallOptionsScope scope(call_options);\n"
                "  return connection_->$Method$Stream();\n"
                "}\n\n");
        break;
      case Kind::kServerStream:
        p.Print(v,
                "StreamRange<$Response$> $Client$::$Method$($Request$ request,\n"
                "    const CallOptions& call_options) {\n"
                "  internal::CallOptionsScope scope(call_options);\n"
                "  return connection_->$Method$(std::move(request));\n"
                "}\n\n");
        break;
      case Kind::kUnary:
        PrintPassThrough(m, v, p);
        break;
    }
  }
}

// The gRPC connection: each method one call through internal::ServiceStub,
// with its idempotency by the rules of ADR 6: reads always; Creates with
// their request_id (one is generated when the caller gave none); Updates and
// Deletes only with an etag; anything else never.
void PrintGrpcConnection(const Service& s, Printer& p) {
  Vars v{{"Base", s.base}, {"Service", s.descriptor->name()}};
  p.Print(v,
          "namespace {\n\n"
          "class Grpc$Base$Connection final : public $Base$Connection {\n"
          " public:\n"
          "  using Stub = v1::$Service$::Stub;\n"
          "  Grpc$Base$Connection(absl::StatusOr<std::shared_ptr<grpc::Channel>> channel,\n"
          "      const ClientOptions& options)\n"
          "      : rpc_(std::move(channel), options) {}\n");
  for (const Method& m : s.methods) {
    Vars mv = MethodVars(s, m);
    mv["result"] = ConnectionResult(m);
    mv["parameters"] = ConnectionParameters(m);
    p.Print(mv, "\n  $result$ $Method$($parameters$) override {\n");
    const Descriptor* in = m.descriptor->input_type();
    std::string call = IsEmpty(m.descriptor->output_type()) ? "CallForStatus" : "Call";
    mv["call"] = call;
    switch (m.kind) {
      case Kind::kList:
        p.Print(mv,
                "    return rpc_.List<$Item$>(&Stub::$Method$, std::move(request),\n"
                "        [](auto& response) -> auto& { return *response.mutable_$items$(); });\n");
        break;
      case Kind::kServerStream:
        if (IsString(in->FindFieldByName("cursor")) &&
            IsString(m.descriptor->output_type()->FindFieldByName("cursor"))) {
          // A stream with cursors resumes after the last one received.
          p.Print(mv,
                  "    return rpc_.Read(&Stub::$Method$, std::move(request),\n"
                  "        []($Request$& request, const $Response$& response) {\n"
                  "          if (!response.cursor().empty()) request.set_cursor(response.cursor());\n"
                  "        });\n");
        } else {
          p.Print(mv, "    return rpc_.Read(&Stub::$Method$, std::move(request));\n");
        }
        break;
      case Kind::kClientStream:
        p.Print(mv,
                "    return rpc_.Stream(&Stub::$Method$, chunks);\n"
                "  }\n\n"
                "  std::unique_ptr<StreamWriter<$Request$, $Response$>> $Method$Stream() override {\n"
                "    return rpc_.OpenStream(&Stub::$Method$);\n");
        break;
      case Kind::kGet:
      case Kind::kBatchGet:
        p.Print(mv, "    return rpc_.$call$(&Stub::$Method$, request, internal::Idempotency::kRead);\n");
        break;
      case Kind::kCreate:
        if (in->FindFieldByName("request_id")) {
          p.Print(mv,
                  "    return rpc_.$call$(&Stub::$Method$, internal::WithRequestId(request),\n"
                  "        internal::Idempotency::kCreate);\n");
        } else {
          p.Print(mv,
                  "    return rpc_.$call$(&Stub::$Method$, request,\n"
                  "        internal::Idempotency::kNonIdempotent);\n");
        }
        break;
      case Kind::kUpdate:
        if (m.record->message_type()->FindFieldByName("etag")) {
          p.Print(mv,
                  "    return rpc_.$call$(&Stub::$Method$, request,\n"
                  "        internal::WriteWithKey(request.$record$().etag()));\n");
        } else {
          p.Print(mv,
                  "    return rpc_.$call$(&Stub::$Method$, request,\n"
                  "        internal::Idempotency::kNonIdempotent);\n");
        }
        break;
      case Kind::kDelete:
        if (in->FindFieldByName("etag")) {
          p.Print(mv,
                  "    return rpc_.$call$(&Stub::$Method$, request,\n"
                  "        internal::WriteWithKey(request.etag()));\n");
        } else {
          p.Print(mv,
                  "    return rpc_.$call$(&Stub::$Method$, request,\n"
                  "        internal::Idempotency::kNonIdempotent);\n");
        }
        break;
      case Kind::kUnary:
        p.Print(mv,
                "    return rpc_.$call$(&Stub::$Method$, request,\n"
                "        internal::Idempotency::kNonIdempotent);\n");
        break;
    }
    p.Print("  }\n");
  }
  p.Print(v,
          "\n private:\n"
          "  internal::ServiceStub<v1::$Service$> rpc_;\n"
          "};\n\n"
          "}  // namespace\n\n"
          "std::shared_ptr<$Base$Connection> Make$Base$Connection(const ClientOptions& options) "
          "{\n"
          "  return std::make_shared<Grpc$Base$Connection>(MakeChannel(options), options);\n"
          "}\n\n"
          "std::shared_ptr<$Base$Connection> Make$Base$Connection(\n"
          "    std::shared_ptr<grpc::Channel> channel, const ClientOptions& options) {\n"
          "  return std::make_shared<Grpc$Base$Connection>(std::move(channel), options);\n"
          "}\n\n");
}

void PrintClientSource(const Service& s, GeneratorContext* context) {
  Output file(context, "src/" + s.snake + "_client.cc");
  Printer& p = file.printer;
  std::string pb = s.descriptor->file()->name();
  Vars v{{"header", s.Header()},
         {"grpc", pb.substr(0, pb.size() - 6) + ".grpc.pb.h"},
         {"proto", pb}};
  p.Print(v,
          "// Generated by protoc-gen-bilateral from $proto$. Do not edit.\n"
          "#include \"$header$\"\n\n"
          "#include <utility>\n\n"
          "#include \"$grpc$\"\n"
          "#include \"bilateral/internal/call_options.h\"\n"
          "#include \"bilateral/internal/requests.h\"\n"
          "#include \"grpc_call.h\"\n"
          "#include \"request_id.h\"\n\n"
          "namespace bilateral {\n\n");
  PrintClientBodies(s, p);
  PrintGrpcConnection(s, p);
  p.Print("}  // namespace bilateral\n");
}

// ---------------------------------------------------------------------------
// cli/resource_table.h

// The collection in the HTTP path of `method`'s `name` or `parent`
// ("/v1/{name=tradeRecords/*}" -> "tradeRecords"), or "".
std::string CollectionOf(const MethodDescriptor* method) {
  const google::api::HttpRule& rule = method->options().GetExtension(google::api::http);
  std::string path = rule.get();
  for (const char* key : {"{name=", "{parent="}) {
    size_t start = path.find(key);
    if (start == std::string::npos) continue;
    start += std::string(key).size();
    size_t end = path.find('/', start);
    if (end != std::string::npos) return path.substr(start, end - start);
  }
  return "";
}

void PrintResourceTable(const std::vector<Service>& services,
                        const std::map<std::string, std::string>& commands,
                        const google::protobuf::DescriptorPool* pool, GeneratorContext* context) {
  Output file(context, "cli/resource_table.h");
  Printer& p = file.printer;
  p.Print(
      "// Generated by protoc-gen-bilateral from the services of bilateral.v1. Do not\n"
      "// edit. Resource<T> binds each resource type to its part of the SDK and the\n"
      "// API (see resources.h), from what its service has: a service with a Get has\n"
      "// Client, kCommand, kCollection, kNoun, kPlural, Connect and Get, and of\n"
      "// ListRequest, ListResponse, List, Items, BatchGet, Create, Update, Delete and\n"
      "// InDataset (its records in a bilateral.v1.Dataset) what its methods give;\n"
      "// the items of another List have Client, ListResponse, Connect and Items.\n"
      "#pragma once\n\n"
      "#include <string>\n#include <utility>\n#include <vector>\n\n"
      "#include \"absl/status/statusor.h\"\n"
      "#include \"bilateral/bilateral.h\"\n"
      "#include \"bilateral/v1/dataset.pb.h\"\n"
      "#include \"context.h\"\n\n"
      "namespace bilateral::cli {\n\n"
      "template <typename T>\nstruct Resource;\n");
  const Descriptor* dataset = pool->FindMessageTypeByName("bilateral.v1.Dataset");
  for (const Service& s : services) {
    const Method* get = nullptr;
    for (const Method& m : s.methods) {
      if (m.kind == Kind::kGet) get = &m;
    }
    Vars v{{"Base", s.base}};
    if (get != nullptr) {
      const Descriptor* type = get->descriptor->output_type();
      v["T"] = CppType(type);
      v["collection"] = CollectionOf(get->descriptor);
      v["noun"] = Words(type->name());
      v["plural"] = Words(v["collection"]);
      auto command = commands.find(type->name());
      v["command"] = command != commands.end() ? command->second : v["collection"];
      const Method* list = nullptr;
      for (const Method& m : s.methods) {
        if (m.kind == Kind::kList && m.items->message_type() == type) list = &m;
      }
      p.Print(v, "\ntemplate <>\nstruct Resource<$T$> {\n  using Client = $Base$Client;\n");
      if (list != nullptr) {
        Vars lv = MethodVars(s, *list);
        p.Print(lv,
                "  using ListRequest = $Request$;\n"
                "  using ListResponse = $Response$;\n");
      }
      p.Print(v,
              "  static constexpr const char* kCommand = \"$command$\";\n"
              "  static constexpr const char* kCollection = \"$collection$\";\n"
              "  static constexpr const char* kNoun = \"$noun$\";\n"
              "  static constexpr const char* kPlural = \"$plural$\";\n\n"
              "  static Client Connect(const Context& context) {\n"
              "    return Client(Make$Base$Connection(context.channel, context.options));\n"
              "  }\n");
      for (const Method& m : s.methods) {
        Vars mv = MethodVars(s, m);
        mv["T"] = v["T"];
        if (&m == get) {
          p.Print(mv,
                  "  static absl::StatusOr<$T$> Get(Client& client, const std::string& name) {\n"
                  "    return client.$Method$(name);\n  }\n");
        } else if (&m == list) {
          p.Print(mv,
                  "  static PaginatedRange<$T$> List(Client& client, ListRequest request) {\n"
                  "    return client.$Method$(std::move(request));\n  }\n"
                  "  static auto* Items(ListResponse& response) { return "
                  "response.mutable_$items$(); }\n");
        } else if (m.kind == Kind::kBatchGet && m.items->message_type() == type) {
          p.Print(mv,
                  "  static absl::StatusOr<std::vector<$T$>> BatchGet(\n"
                  "      Client& client, const std::vector<std::string>& names) {\n"
                  "    return client.$Method$(names);\n  }\n");
        } else if (m.kind == Kind::kCreate && m.record->message_type() == type &&
                   m.descriptor->input_type()->FindFieldByName(m.record->name() + "_id") &&
                   m.descriptor->input_type()->FindFieldByName("request_id")) {
          p.Print(mv,
                  "  static absl::StatusOr<$T$> Create(Client& client, $T$ record, const "
                  "std::string& id,\n"
                  "                                    const std::string& request_id) {\n"
                  "    $Request$ request;\n"
                  "    *request.mutable_$record$() = std::move(record);\n"
                  "    request.set_$record$_id(id);\n"
                  "    request.set_request_id(request_id);\n"
                  "    return client.$Method$(request);\n  }\n");
        } else if (m.kind == Kind::kUpdate && m.record->message_type() == type) {
          p.Print(mv,
                  "  static absl::StatusOr<$T$> Update(Client& client, const $T$& record,\n"
                  "                                    const std::vector<std::string>& paths) "
                  "{\n"
                  "    return client.$Method$(record, paths);\n  }\n");
        } else if (m.kind == Kind::kDelete &&
                   m.descriptor->input_type()->FindFieldByName("etag")) {
          p.Print(mv,
                  "  static absl::Status Delete(Client& client, const std::string& name,\n"
                  "                             const std::string& etag) {\n"
                  "    return client.$Method$(name, etag);\n  }\n");
        }
      }
      if (dataset != nullptr) {
        for (int i = 0; i < dataset->field_count(); ++i) {
          const FieldDescriptor* field = dataset->field(i);
          if (field->is_repeated() && field->message_type() == type) {
            p.Print({{"field", field->name()}},
                    "  static const auto& InDataset(const v1::Dataset& dataset) {\n"
                    "    return dataset.$field$();\n  }\n");
          }
        }
      }
      p.Print("};\n");
    }
    for (const Method& m : s.methods) {
      if (m.kind != Kind::kList) continue;
      if (get != nullptr && m.items->message_type() == get->descriptor->output_type()) continue;
      p.Print(MethodVars(s, m),
              "\ntemplate <>\nstruct Resource<$Item$> {\n"
              "  using Client = $Base$Client;\n"
              "  using ListResponse = $Response$;\n\n"
              "  static Client Connect(const Context& context) {\n"
              "    return Client(Make$Base$Connection(context.channel, context.options));\n"
              "  }\n"
              "  static auto* Items(ListResponse& response) { return "
              "response.mutable_$items$(); }\n"
              "};\n");
    }
  }
  p.Print("\n}  // namespace bilateral::cli\n");
}

void PrintUmbrella(const std::vector<Service>& services, GeneratorContext* context) {
  Output file(context, "include/bilateral/bilateral.h");
  Printer& p = file.printer;
  p.Print(
      "// Generated by protoc-gen-bilateral. Do not edit.\n"
      "//\n"
      "// The whole C++ SDK: a client for each service of bilateral.v1, the options\n"
      "// and channel they share, List and stream ranges and error details.\n"
      "#pragma once\n\n");
  std::set<std::string> headers{"bilateral/options.h", "bilateral/pagination.h",
                                "bilateral/status.h", "bilateral/stream_range.h",
                                "bilateral/stream_writer.h"};
  for (const Service& s : services) headers.insert(s.PublicHeader());
  for (const std::string& header : headers) p.Print({{"h", header}}, "#include \"$h$\"\n");
}

class Generator : public google::protobuf::compiler::CodeGenerator {
 public:
  bool Generate(const FileDescriptor*, const std::string&, GeneratorContext*,
                std::string* error) const override {
    *error = "protoc-gen-bilateral generates for all files at once";
    return false;
  }
  bool HasGenerateAll() const override { return true; }
  // Optional fields change nothing here: only field names and types are read.
  uint64_t GetSupportedFeatures() const override { return FEATURE_PROTO3_OPTIONAL; }

  bool GenerateAll(const std::vector<const FileDescriptor*>& files, const std::string& parameter,
                   GeneratorContext* context, std::string* error) const override {
    std::set<std::string> extend;
    std::map<std::string, std::string> commands;
    size_t start = 0;
    while (start < parameter.size()) {
      size_t end = parameter.find(',', start);
      if (end == std::string::npos) end = parameter.size();
      std::string item = parameter.substr(start, end - start);
      start = end + 1;
      if (StartsWith(item, "extend=")) {
        extend.insert(item.substr(7));
      } else if (StartsWith(item, "command=") && item.find('=', 8) != std::string::npos) {
        size_t equals = item.find('=', 8);
        commands[item.substr(8, equals - 8)] = item.substr(equals + 1);
      } else if (!item.empty()) {
        *error = "unknown parameter: " + item;
        return false;
      }
    }
    std::vector<Service> services;
    for (const FileDescriptor* file : files) {
      for (int i = 0; i < file->service_count(); ++i) {
        services.push_back(MakeService(file->service(i), extend));
      }
    }
    for (const Service& s : services) {
      for (const Method& m : s.methods) {
        if (m.descriptor->client_streaming() && m.descriptor->server_streaming()) {
          *error = s.descriptor->name() + "." + m.name + ": bidirectional streams are not "
                   "supported";
          return false;
        }
      }
      PrintClientHeader(s, context);
      PrintMock(s, context);
      PrintClientSource(s, context);
    }
    PrintUmbrella(services, context);
    if (!files.empty()) PrintResourceTable(services, commands, files[0]->pool(), context);
    return true;
  }
};

}  // namespace

int main(int argc, char* argv[]) {
  Generator generator;
  return google::protobuf::compiler::PluginMain(argc, argv, &generator);
}
