// protoc-gen-bilateral: the per-service code of the C++ SDK and of
// bilateralctl, generated from the service descriptors of bilateral.v1.
//
// For every service FooService of the files it is given it writes
//   include/bilateral/foo_client.h             FooIdempotencyPolicy, FooConnection,
//                                              MakeFooConnection, FooClient
//   include/bilateral/mocks/mock_foo_connection.h  MockFooConnection (gMock)
//   include/bilateral/internal/foo_stub.h      FooStub: one attempt of each RPC
//   testing/mock_foo_stub.h                    MockFooStub (gMock), for the SDK's tests
//   src/foo_client.cc                          the client's bodies, the idempotency
//                                              policy, the stubs (gRPC, metadata,
//                                              logging) and the connection over them
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

bool IsEmpty(const Descriptor* message) { return message->full_name() == "google.protobuf.Empty"; }

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

enum class Kind {
  kGet,
  kList,
  kBatchGet,
  kCreate,
  kUpdate,
  kDelete,
  kUnary,
  kClientStream,
  kServerStream
};

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
  std::string base;       // "TradeRecord"
  std::string snake;      // "trade_record"
  bool extended = false;  // FooClient is hand-written over FooClientBase
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
  Vars v{{"Base", s.base},       {"Client", s.ClientClass()}, {"Method", m.name},
         {"Request", m.request}, {"Response", m.response},    {"Item", m.item}};
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

// Whether the server stream `m` resumes after a transient failure: its
// request and responses carry a `cursor`.
bool Resumes(const Method& m) {
  return m.kind == Kind::kServerStream &&
         IsString(m.descriptor->input_type()->FindFieldByName("cursor")) &&
         IsString(m.descriptor->output_type()->FindFieldByName("cursor"));
}

// Whether the connection asks the idempotency policy about `m`: every unary
// method, and the streams that resume.
bool HasIdempotency(const Method& m) {
  return m.kind != Kind::kClientStream && (m.kind != Kind::kServerStream || Resumes(m));
}

void PrintIdempotencyPolicy(const Service& s, Printer& p) {
  Vars v{{"Base", s.base}, {"service", s.descriptor->name()}};
  p.Print(v,
          "// Whether each call of v1::$service$ may be repeated, which decides with\n"
          "// the retry policy (bilateral/retry_policy.h) whether a failed call is\n"
          "// tried again. This class states the SDK's rules, from each method's\n"
          "// shape: reads (Get, List, BatchGet, streams that resume) are kRead;\n"
          "// Creates with a `request_id` kKeyedWrite (the connection gives one to a\n"
          "// Create without, before asking); Updates and Deletes with an `etag`\n"
          "// kConditionalWrite; anything else kNonIdempotent. To change them, derive,\n"
          "// override the methods that differ and give the connection an instance as\n"
          "// $Base$IdempotencyPolicyOption. Must be safe to call from several threads.\n"
          "class $Base$IdempotencyPolicy {\n"
          " public:\n"
          "  virtual ~$Base$IdempotencyPolicy() = default;\n");
  for (const Method& m : s.methods) {
    if (!HasIdempotency(m)) continue;
    p.Print(MethodVars(s, m), "  virtual Idempotency $Method$(const $Request$& request) const;\n");
  }
  p.Print(v,
          "};\n\n"
          "// The idempotency policy of a $Base$Connection, read when it is made.\n"
          "// Default (or null): $Base$IdempotencyPolicy.\n"
          "struct $Base$IdempotencyPolicyOption {\n"
          "  using Type = std::shared_ptr<const $Base$IdempotencyPolicy>;\n"
          "};\n\n");
}

void PrintConnection(const Service& s, Printer& p) {
  Vars v{{"Base", s.base},
         {"Client", s.base + "Client"},
         {"snake", s.snake},
         {"service", s.descriptor->name()}};
  PrintIdempotencyPolicy(s, p);
  p.Print(v,
          "// The calls a $Client$ makes, one per RPC of v1::$service$ and with its\n"
          "// meaning. Make$Base$Connection implements it over gRPC, with the retries\n"
          "// its options (bilateral/options.h) describe and the options of the client\n"
          "// call that invokes it (internal::CurrentCallOptions()); tests of code that\n"
          "// uses $Client$ give it a Mock$Base$Connection\n"
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
      p.Print(
          mv,
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
          "// A connection over a new channel made with MakeChannel(options), with\n"
          "// the options' settings for its calls (a ClientOptions converts). When\n"
          "// the channel cannot be made, every call of the connection returns its\n"
          "// error.\n"
          "std::shared_ptr<$Base$Connection> Make$Base$Connection(Options options = {});\n"
          "// A connection over `channel` (from MakeChannel), shared with other\n"
          "// connections; of `options`, the endpoint and TLS settings do not apply.\n"
          "std::shared_ptr<$Base$Connection> Make$Base$Connection(\n"
          "    std::shared_ptr<grpc::Channel> channel, Options options = {});\n\n");
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
              "      Options opts = {});\n");
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
              "  PaginatedRange<$Item$> $Method$($params$Options opts = {});\n"
              "  // As above, with every field of the request, e.g. `page_size`.\n"
              "  PaginatedRange<$Item$> $Method$($Request$ request,\n"
              "      Options opts = {});\n");
      return;
    }
    case Kind::kBatchGet:
      p.Print(v,
              "  absl::StatusOr<std::vector<$Item$>> $Method$(\n"
              "      const std::vector<std::string>& names, Options opts = {});\n");
      return;
    case Kind::kCreate: {
      std::string id = m.record->name() + "_id";
      v["id"] = m.descriptor->input_type()->FindFieldByName(id) ? id : "";
      if (!v["id"].empty()) {
        p.Print(v,
                "  // Stores `$record$` as its collection's `$id$` (generated when empty)\n"
                "  // and returns it as stored.\n"
                "  absl::StatusOr<$Response$> $Method$(const $Response$& $record$,\n"
                "      const std::string& $id$ = \"\", Options opts = {});\n"
                "  // As above, with every field of the request.");
      } else {
        p.Print(v,
                "  absl::StatusOr<$Response$> $Method$(const $Response$& $record$,\n"
                "      Options opts = {});\n"
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
              "      Options opts = {});\n");
      return;
    }
    case Kind::kUpdate:
      p.Print(v,
              "  // Replaces the fields named in `update_paths` (every field set in\n"
              "  // `$record$` when empty) and returns the record as stored.\n"
              "  absl::StatusOr<$Response$> $Method$(const $Response$& $record$,\n"
              "      const std::vector<std::string>& update_paths = {},\n"
              "      Options opts = {});\n"
              "  // As above, with the update mask in the request.\n"
              "  absl::StatusOr<$Response$> $Method$(const $Request$& request,\n"
              "      Options opts = {});\n");
      return;
    case Kind::kDelete:
      if (m.descriptor->input_type()->FindFieldByName("etag")) {
        p.Print(v,
                "  // With an `etag`, only while it is current (else ABORTED).\n"
                "  absl::Status $Method$(const std::string& name, const std::string& etag = "
                "\"\",\n"
                "      Options opts = {});\n");
      } else {
        p.Print(v,
                "  absl::Status $Method$(const std::string& name,\n"
                "      Options opts = {});\n");
      }
      return;
    case Kind::kClientStream:
      p.Print(v,
              "  // Writes `chunks` in order on one stream. Never retried: when a stream\n"
              "  // fails, the chunks before the failure may be stored.\n"
              "  absl::StatusOr<$Response$> $Method$(\n"
              "      const std::vector<$Request$>& chunks, Options opts = {});\n"
              "  // The same stream, written chunk by chunk, so that the input need not be\n"
              "  // held whole. `opts` apply to the whole stream.\n"
              "  std::unique_ptr<StreamWriter<$Request$, $Response$>> $Method$Stream(\n"
              "      Options opts = {});\n");
      return;
    case Kind::kServerStream:
      p.Print(v,
              "  // The responses as the server sends them, read as the range is iterated.\n"
              "  StreamRange<$Response$> $Method$($Request$ request,\n"
              "      Options opts = {});\n");
      return;
    case Kind::kUnary:
      v["result"] = ConnectionResult(m);
      p.Print(v,
              "  $result$ $Method$(const $Request$& request,\n"
              "      Options opts = {});\n");
      return;
  }
}

void PrintClientHeader(const Service& s, GeneratorContext* context) {
  Output file(context, "include/" + s.Header());
  Printer& p = file.printer;
  Vars v{{"Base", s.base},
         {"Client", s.ClientClass()},
         {"snake", s.snake},
         {"proto", s.descriptor->file()->name()}};
  std::string pb = s.descriptor->file()->name();
  v["pb"] = pb.substr(0, pb.size() - 6) + ".pb.h";
  p.Print(v, "// Generated by protoc-gen-bilateral from $proto$. Do not edit.\n//\n");
  p.Print(Comment(s.descriptor, "").c_str());
  p.Print(v,
          "//\n"
          "//   bilateral::$Base$Client client(\n"
          "//       bilateral::Make$Base$Connection(bilateral::Options{}));\n"
          "#pragma once\n\n"
          "#include <memory>\n#include <string>\n#include <utility>\n#include <vector>\n\n"
          "#include \"absl/status/status.h\"\n"
          "#include \"absl/status/statusor.h\"\n"
          "#include \"bilateral/options.h\"\n"
          "#include \"bilateral/pagination.h\"\n"
          "#include \"bilateral/retry_policy.h\"\n"
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
            "// bilateral/status.h for its details. Each method takes optional Options\n"
            "// last (bilateral/options.h; a CallOptions converts) over the client's;\n"
            "// calls that are safe to repeat are retried as their retry policy says.\n");
  }
  p.Print(
      v,
      "class $Client$ {\n"
      " public:\n"
      "  // `options` apply to every call of this client, over the connection's\n"
      "  // and under each call's.\n"
      "  explicit $Client$(std::shared_ptr<$Base$Connection> connection, Options options = {})\n"
      "      : connection_(std::move(connection)), options_(std::move(options)) {}\n");
  for (const Method& m : s.methods) PrintClientMethod(s, m, p);
  p.Print(v,
          "\n"
          " protected:\n"
          "  std::shared_ptr<$Base$Connection> connection_;\n"
          "  Options options_;\n"
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
      p.Print(
          mv,
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
          "    Options opts) {\n"
          "  internal::CallOptionsScope scope(MergeOptions(std::move(opts), options_));\n"
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
                "    Options opts) {\n"
                "  internal::CallOptionsScope scope(MergeOptions(std::move(opts), options_));\n"
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
                "    Options opts) {\n"
                "  $Request$ request;\n"
                "$sets$"
                "  return $Method$(std::move(request), std::move(opts));\n"
                "}\n\n"
                "PaginatedRange<$Item$> $Client$::$Method$($Request$ request,\n"
                "    Options opts) {\n"
                "  internal::CallOptionsScope scope(MergeOptions(std::move(opts), options_));\n"
                "  return connection_->$Method$(std::move(request));\n"
                "}\n\n");
        break;
      }
      case Kind::kBatchGet:
        p.Print(v,
                "absl::StatusOr<std::vector<$Item$>> $Client$::$Method$(\n"
                "    const std::vector<std::string>& names, Options opts) "
                "{\n"
                "  internal::CallOptionsScope scope(MergeOptions(std::move(opts), options_));\n"
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
                "    Options opts) {\n"
                "  internal::CallOptionsScope scope(MergeOptions(std::move(opts), options_));\n"
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
                "    Options opts) {\n"
                "  internal::CallOptionsScope scope(MergeOptions(std::move(opts), options_));\n"
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
                  "    Options opts) {\n"
                  "  internal::CallOptionsScope scope(MergeOptions(std::move(opts), options_));\n"
                  "  return connection_->$Method$(internal::DeleteRequest<$Request$>(name, "
                  "etag));\n"
                  "}\n\n");
        } else {
          p.Print(v,
                  "absl::Status $Client$::$Method$(const std::string& name,\n"
                  "    Options opts) {\n"
                  "  internal::CallOptionsScope scope(MergeOptions(std::move(opts), options_));\n"
                  "  return connection_->$Method$(internal::NameRequest<$Request$>(name));\n"
                  "}\n\n");
        }
        break;
      case Kind::kClientStream:
        p.Print(v,
                "absl::StatusOr<$Response$> $Client$::$Method$(\n"
                "    const std::vector<$Request$>& chunks, Options opts) {\n"
                "  internal::CallOptionsScope scope(MergeOptions(std::move(opts), options_));\n"
                "  return connection_->$Method$(chunks);\n"
                "}\n\n"
                "std::unique_ptr<StreamWriter<$Request$, $Response$>> $Client$::$Method$Stream(\n"
                "    Options opts) {\n"
                "  internal::CallOptionsScope scope(MergeOptions(std::move(opts), options_));\n"
                "  return connection_->$Method$Stream();\n"
                "}\n\n");
        break;
      case Kind::kServerStream:
        p.Print(v,
                "StreamRange<$Response$> $Client$::$Method$($Request$ request,\n"
                "    Options opts) {\n"
                "  internal::CallOptionsScope scope(MergeOptions(std::move(opts), options_));\n"
                "  return connection_->$Method$(std::move(request));\n"
                "}\n\n");
        break;
      case Kind::kUnary:
        PrintPassThrough(m, v, p);
        break;
    }
  }
}

// The stub method of `m`: its result and parameters. A unary method is one
// attempt on a context the connection prepared; a stream takes its context.
std::string StubResult(const Method& m) {
  switch (m.kind) {
    case Kind::kServerStream:
      return "std::unique_ptr<StreamReader<" + m.response + ">>";
    case Kind::kClientStream:
      return "std::unique_ptr<StreamWriter<" + m.request + ", " + m.response + ">>";
    default:
      return "absl::StatusOr<" + m.response + ">";
  }
}

std::string StubParameters(const Method& m) {
  switch (m.kind) {
    case Kind::kServerStream:
      return "std::unique_ptr<grpc::ClientContext> context, const Options& options,\n"
             "      const " +
             m.request + "& request";
    case Kind::kClientStream:
      return "std::unique_ptr<grpc::ClientContext> context, const Options& options";
    default:
      return "grpc::ClientContext& context, const Options& options,\n"
             "      const " +
             m.request + "& request";
  }
}

// The arguments a decorator passes on to the stub it wraps.
std::string StubArguments(const Method& m) {
  switch (m.kind) {
    case Kind::kServerStream:
      return "std::move(context), options, request";
    case Kind::kClientStream:
      return "std::move(context), options";
    default:
      return "context, options, request";
  }
}

// A method's variables with its stub signature: `result`, `parameters` and
// the `arguments` a decorator passes on.
Vars StubMethodVars(const Service& s, const Method& m) {
  Vars mv = MethodVars(s, m);
  mv["result"] = StubResult(m);
  mv["parameters"] = StubParameters(m);
  mv["arguments"] = StubArguments(m);
  return mv;
}

// ---------------------------------------------------------------------------
// include/bilateral/internal/foo_stub.h

void PrintStubHeader(const Service& s, GeneratorContext* context) {
  Output file(context, "include/bilateral/internal/" + s.snake + "_stub.h");
  Printer& p = file.printer;
  Vars v{{"Base", s.base},
         {"header", s.Header()},
         {"proto", s.descriptor->file()->name()},
         {"service", s.descriptor->name()}};
  p.Print(v,
          "// Generated by protoc-gen-bilateral from $proto$. Do not edit.\n"
          "//\n"
          "// The stub of v1::$service$: one attempt of each RPC, under the retries of\n"
          "// the connection. Not part of the API.\n"
          "#pragma once\n\n"
          "#include <grpcpp/client_context.h>\n\n"
          "#include <memory>\n\n"
          "#include \"$header$\"\n"
          "#include \"bilateral/internal/stub.h\"\n\n"
          "namespace grpc {\nclass Channel;\n}  // namespace grpc\n\n"
          "namespace bilateral::internal {\n\n"
          "// Each unary method makes one attempt on `context`, which the connection\n"
          "// made with the attempt's deadline; streams take their context. `options`\n"
          "// are the call's (over the client's and the connection's).\n"
          "class $Base$Stub {\n"
          " public:\n"
          "  virtual ~$Base$Stub() = default;\n");
  for (const Method& m : s.methods) {
    p.Print(StubMethodVars(s, m), "  virtual $result$ $Method$(\n      $parameters$) = 0;\n");
  }
  p.Print(
      v,
      "};\n\n"
      "// The stub over the generated gRPC stub of `channel`, without decorators.\n"
      "std::shared_ptr<$Base$Stub> MakeGrpc$Base$Stub(std::shared_ptr<grpc::Channel> channel);\n\n"
      "// `stub` with the decorators every connection has: the metadata of each\n"
      "// call (authorization), and, when RequestLoggingOption is set in\n"
      "// `options`, the request log (to RequestLogSinkOption, else stderr).\n"
      "std::shared_ptr<$Base$Stub> Decorate$Base$Stub(std::shared_ptr<$Base$Stub> stub,\n"
      "                                             const Options& options);\n\n"
      "// A connection whose calls go to `stub` as it is, with the settings of\n"
      "// `options` over the environment's and the defaults.\n"
      "std::shared_ptr<$Base$Connection> Make$Base$Connection(std::shared_ptr<$Base$Stub> stub,\n"
      "                                                     Options options);\n\n"
      "}  // namespace bilateral::internal\n");
}

// ---------------------------------------------------------------------------
// testing/mock_foo_stub.h

void PrintMockStub(const Service& s, GeneratorContext* context) {
  Output file(context, "testing/mock_" + s.snake + "_stub.h");
  Printer& p = file.printer;
  Vars v{{"Base", s.base}, {"snake", s.snake}, {"proto", s.descriptor->file()->name()}};
  p.Print(v,
          "// Generated by protoc-gen-bilateral from $proto$. Do not edit.\n"
          "//\n"
          "// A $Base$Stub whose every method is a gMock mock, for the SDK's own tests\n"
          "// of what the connection and the decorators do around the stub.\n"
          "#pragma once\n\n"
          "#include \"bilateral/internal/$snake$_stub.h\"\n"
          "#include \"gmock/gmock.h\"\n\n"
          "namespace bilateral::testing {\n\n"
          "class Mock$Base$Stub : public internal::$Base$Stub {\n"
          " public:\n");
  for (const Method& m : s.methods) {
    Vars mv = MethodVars(s, m);
    mv["result"] = m.kind == Kind::kServerStream
                       ? "std::unique_ptr<internal::StreamReader<" + m.response + ">>"
                       : StubResult(m);
    std::string parameters = StubParameters(m);
    for (auto at = parameters.find("\n     "); at != std::string::npos;
         at = parameters.find("\n     ")) {
      parameters.replace(at, 7, " ");
    }
    mv["parameters"] = parameters;
    p.Print(mv,
            "  MOCK_METHOD(($result$), $Method$,\n              ($parameters$), (override));\n");
  }
  p.Print("};\n\n}  // namespace bilateral::testing\n");
}

// ---------------------------------------------------------------------------
// src/foo_client.cc: the idempotency policy, the stubs, the connection

void PrintIdempotencyBodies(const Service& s, Printer& p) {
  for (const Method& m : s.methods) {
    if (!HasIdempotency(m)) continue;
    Vars mv = MethodVars(s, m);
    const Descriptor* in = m.descriptor->input_type();
    std::string rule = "Idempotency::kNonIdempotent";
    switch (m.kind) {
      case Kind::kGet:
      case Kind::kList:
      case Kind::kBatchGet:
      case Kind::kServerStream:  // one that resumes
        rule = "Idempotency::kRead";
        break;
      case Kind::kCreate:
        if (in->FindFieldByName("request_id")) {
          rule =
              "request.request_id().empty() ? Idempotency::kNonIdempotent\n"
              "                                    : Idempotency::kKeyedWrite";
        }
        break;
      case Kind::kUpdate:
        if (m.record->message_type()->FindFieldByName("etag")) {
          rule = "request." + m.record->name() +
                 "().etag().empty() ? Idempotency::kNonIdempotent\n"
                 "                                    : Idempotency::kConditionalWrite";
        }
        break;
      case Kind::kDelete:
        if (in->FindFieldByName("etag")) {
          rule =
              "request.etag().empty() ? Idempotency::kNonIdempotent\n"
              "                                : Idempotency::kConditionalWrite";
        }
        break;
      default:
        break;
    }
    mv["rule"] = rule;
    mv["unused"] = rule.find("request.") == std::string::npos ? "/*request*/" : "request";
    p.Print(mv,
            "Idempotency $Base$IdempotencyPolicy::$Method$(const $Request$& $unused$) const {\n"
            "  return $rule$;\n"
            "}\n\n");
  }
}

void PrintStubs(const Service& s, Printer& p) {
  Vars v{{"Base", s.base}, {"Service", s.descriptor->name()}};
  // The default stub: each method one gRPC call.
  p.Print(v,
          "class Grpc$Base$Stub final : public $Base$Stub {\n"
          " public:\n"
          "  explicit Grpc$Base$Stub(std::unique_ptr<v1::$Service$::StubInterface> grpc)\n"
          "      : grpc_(std::move(grpc)) {}\n");
  for (const Method& m : s.methods) {
    Vars mv = StubMethodVars(s, m);
    mv["parameters"].replace(mv["parameters"].find("options"), 7, "/*options*/");
    p.Print(mv, "\n  $result$ $Method$(\n      $parameters$) override {\n");
    switch (m.kind) {
      case Kind::kServerStream:
        p.Print(mv,
                "    return std::make_unique<GrpcStreamReader<$Response$>>(\n"
                "        std::move(context), [&](grpc::ClientContext* c) {\n"
                "          return grpc_->$Method$(c, request);\n"
                "        });\n");
        break;
      case Kind::kClientStream:
        p.Print(mv,
                "    return std::make_unique<GrpcStreamWriter<$Request$, $Response$>>(\n"
                "        std::move(context), [&](grpc::ClientContext* c, $Response$* response) {\n"
                "          return grpc_->$Method$(c, response);\n"
                "        });\n");
        break;
      default:
        p.Print(mv,
                "    $Response$ response;\n"
                "    return UnaryResult(grpc_->$Method$(&context, request, &response),\n"
                "                       std::move(response));\n");
        break;
    }
    p.Print("  }\n");
  }
  p.Print(v,
          "\n private:\n"
          "  std::unique_ptr<v1::$Service$::StubInterface> grpc_;\n"
          "};\n\n");

  // The metadata decorator.
  p.Print(v,
          "// Adds the metadata of every call, then calls the stub it wraps.\n"
          "class $Base$Metadata final : public $Base$Stub {\n"
          " public:\n"
          "  explicit $Base$Metadata(std::shared_ptr<$Base$Stub> child) : child_(std::move(child)) "
          "{}\n");
  for (const Method& m : s.methods) {
    Vars mv = StubMethodVars(s, m);
    mv["context"] =
        m.kind == Kind::kServerStream || m.kind == Kind::kClientStream ? "*context" : "context";
    p.Print(mv,
            "\n  $result$ $Method$(\n      $parameters$) override {\n"
            "    AddCallMetadata($context$, options);\n"
            "    return child_->$Method$($arguments$);\n"
            "  }\n");
  }
  p.Print(v,
          "\n private:\n"
          "  std::shared_ptr<$Base$Stub> child_;\n"
          "};\n\n");

  // The logging decorator.
  p.Print(v,
          "// Logs each attempt of the stub it wraps: method, status, latency.\n"
          "class $Base$Logging final : public $Base$Stub {\n"
          " public:\n"
          "  $Base$Logging(std::shared_ptr<$Base$Stub> child, RequestLogSink sink)\n"
          "      : child_(std::move(child)), sink_(std::move(sink)) {}\n");
  for (const Method& m : s.methods) {
    Vars mv = StubMethodVars(s, m);
    p.Print(mv, "\n  $result$ $Method$(\n      $parameters$) override {\n");
    switch (m.kind) {
      case Kind::kServerStream:
        p.Print(mv, "    return LogReader(\"$Method$\", sink_, child_->$Method$($arguments$));\n");
        break;
      case Kind::kClientStream:
        p.Print(mv, "    return LogWriter(\"$Method$\", sink_, child_->$Method$($arguments$));\n");
        break;
      default:
        p.Print(mv,
                "    return LogUnary(\"$Method$\", sink_,\n"
                "                    [&] { return child_->$Method$($arguments$); });\n");
        break;
    }
    p.Print("  }\n");
  }
  p.Print(v,
          "\n private:\n"
          "  std::shared_ptr<$Base$Stub> child_;\n"
          "  RequestLogSink sink_;\n"
          "};\n\n");
}

// The connection: each method one call through internal::ConnectionCore,
// with its idempotency from the policy.
void PrintConnectionImpl(const Service& s, Printer& p) {
  Vars v{{"Base", s.base}, {"Service", s.descriptor->name()}};
  p.Print(v,
          "class $Base$ConnectionImpl final : public $Base$Connection {\n"
          " public:\n"
          "  using Stub = internal::$Base$Stub;\n"
          "  $Base$ConnectionImpl(std::shared_ptr<Stub> stub, Options options,\n"
          "                       absl::Status unusable = absl::OkStatus())\n"
          "      : core_(std::move(stub), internal::ConnectionOptions(std::move(options)),\n"
          "              std::move(unusable)),\n"
          "        idempotency_(core_.options().get<$Base$IdempotencyPolicyOption>()) {\n"
          "    if (idempotency_ == nullptr) {\n"
          "      idempotency_ = std::make_shared<const $Base$IdempotencyPolicy>();\n"
          "    }\n"
          "  }\n");
  for (const Method& m : s.methods) {
    Vars mv = MethodVars(s, m);
    mv["result"] = ConnectionResult(m);
    mv["parameters"] = ConnectionParameters(m);
    p.Print(mv, "\n  $result$ $Method$($parameters$) override {\n");
    const Descriptor* in = m.descriptor->input_type();
    mv["call"] = IsEmpty(m.descriptor->output_type()) ? "CallForStatus" : "Call";
    switch (m.kind) {
      case Kind::kList:
        p.Print(mv,
                "    auto idempotency = idempotency_->$Method$(request);\n"
                "    return core_.List<$Item$>(&Stub::$Method$, std::move(request), idempotency,\n"
                "        [](auto& response) -> auto& { return *response.mutable_$items$(); });\n");
        break;
      case Kind::kServerStream:
        if (Resumes(m)) {
          // A stream with cursors resumes after the last one received.
          p.Print(
              mv,
              "    auto idempotency = idempotency_->$Method$(request);\n"
              "    return core_.Read(&Stub::$Method$, std::move(request), idempotency,\n"
              "        []($Request$& request, const $Response$& response) {\n"
              "          if (!response.cursor().empty()) request.set_cursor(response.cursor());\n"
              "        });\n");
        } else {
          p.Print(mv,
                  "    return core_.Read(&Stub::$Method$, std::move(request),\n"
                  "                      Idempotency::kNonIdempotent);\n");
        }
        break;
      case Kind::kClientStream:
        p.Print(
            mv,
            "    return core_.Stream(&Stub::$Method$, chunks);\n"
            "  }\n\n"
            "  std::unique_ptr<StreamWriter<$Request$, $Response$>> $Method$Stream() override {\n"
            "    return core_.OpenStream(&Stub::$Method$);\n");
        break;
      case Kind::kCreate:
        if (in->FindFieldByName("request_id")) {
          // The key is given before the first attempt, so that every attempt
          // carries the same one.
          p.Print(
              mv,
              "    const $Request$ keyed = internal::WithRequestId(request);\n"
              "    return core_.$call$(&Stub::$Method$, keyed, idempotency_->$Method$(keyed));\n");
          break;
        }
        [[fallthrough]];
      default:
        p.Print(mv,
                "    return core_.$call$(&Stub::$Method$, request, "
                "idempotency_->$Method$(request));\n");
        break;
    }
    p.Print("  }\n");
  }
  p.Print(v,
          "\n private:\n"
          "  internal::ConnectionCore<Stub> core_;\n"
          "  std::shared_ptr<const $Base$IdempotencyPolicy> idempotency_;\n"
          "};\n\n");
}

void PrintMakers(const Service& s, Printer& p) {
  Vars v{{"Base", s.base}, {"Service", s.descriptor->name()}};
  p.Print(
      v,
      "namespace internal {\n\n"
      "std::shared_ptr<$Base$Stub> MakeGrpc$Base$Stub(std::shared_ptr<grpc::Channel> channel) {\n"
      "  return std::make_shared<Grpc$Base$Stub>(v1::$Service$::NewStub(std::move(channel)));\n"
      "}\n\n"
      "std::shared_ptr<$Base$Stub> Decorate$Base$Stub(std::shared_ptr<$Base$Stub> stub,\n"
      "                                             const Options& options) {\n"
      "  if (options.get<RequestLoggingOption>()) {\n"
      "    stub = std::make_shared<$Base$Logging>(std::move(stub), RequestLogSinkOf(options));\n"
      "  }\n"
      "  return std::make_shared<$Base$Metadata>(std::move(stub));\n"
      "}\n\n"
      "std::shared_ptr<$Base$Connection> Make$Base$Connection(std::shared_ptr<$Base$Stub> stub,\n"
      "                                                     Options options) {\n"
      "  return std::make_shared<$Base$ConnectionImpl>(std::move(stub), std::move(options));\n"
      "}\n\n"
      "}  // namespace internal\n\n"
      "std::shared_ptr<$Base$Connection> Make$Base$Connection(Options options) {\n"
      "  auto channel = MakeChannel(options);\n"
      "  if (!channel.ok()) {\n"
      "    return std::make_shared<$Base$ConnectionImpl>(nullptr, std::move(options),\n"
      "                                                  channel.status());\n"
      "  }\n"
      "  return Make$Base$Connection(*std::move(channel), std::move(options));\n"
      "}\n\n"
      "std::shared_ptr<$Base$Connection> Make$Base$Connection(\n"
      "    std::shared_ptr<grpc::Channel> channel, Options options) {\n"
      "  if (channel == nullptr) {\n"
      "    return std::make_shared<$Base$ConnectionImpl>(\n"
      "        nullptr, std::move(options),\n"
      "        absl::InvalidArgumentError(\"the connection was made with a null channel\"));\n"
      "  }\n"
      "  auto stub = "
      "internal::Decorate$Base$Stub(internal::MakeGrpc$Base$Stub(std::move(channel)),\n"
      "                                           options);\n"
      "  return std::make_shared<$Base$ConnectionImpl>(std::move(stub), std::move(options));\n"
      "}\n\n");
}

void PrintClientSource(const Service& s, GeneratorContext* context) {
  Output file(context, "src/" + s.snake + "_client.cc");
  Printer& p = file.printer;
  std::string pb = s.descriptor->file()->name();
  Vars v{{"header", s.Header()},
         {"stub", "bilateral/internal/" + s.snake + "_stub.h"},
         {"grpc", pb.substr(0, pb.size() - 6) + ".grpc.pb.h"},
         {"proto", pb}};
  p.Print(v,
          "// Generated by protoc-gen-bilateral from $proto$. Do not edit.\n"
          "#include \"$header$\"\n\n"
          "#include <utility>\n\n"
          "#include \"$grpc$\"\n"
          "#include \"$stub$\"\n"
          "#include \"bilateral/internal/call_options.h\"\n"
          "#include \"bilateral/internal/requests.h\"\n"
          "#include \"call.h\"\n"
          "#include \"decorators.h\"\n"
          "#include \"grpc_stub.h\"\n"
          "#include \"request_id.h\"\n"
          "#include \"settings.h\"\n\n"
          "namespace bilateral {\n\n");
  PrintClientBodies(s, p);
  PrintIdempotencyBodies(s, p);
  p.Print("namespace internal {\nnamespace {\n\n");
  PrintStubs(s, p);
  p.Print("}  // namespace\n}  // namespace internal\n\nnamespace {\n\n");
  PrintConnectionImpl(s, p);
  p.Print("}  // namespace\n\n");
  PrintMakers(s, p);
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
        } else if (m.kind == Kind::kDelete && m.descriptor->input_type()->FindFieldByName("etag")) {
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
  std::set<std::string> headers{"bilateral/options.h",      "bilateral/pagination.h",
                                "bilateral/retry_policy.h", "bilateral/status.h",
                                "bilateral/stream_range.h", "bilateral/stream_writer.h"};
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
          *error = s.descriptor->name() + "." + m.name +
                   ": bidirectional streams are not "
                   "supported";
          return false;
        }
      }
      PrintClientHeader(s, context);
      PrintMock(s, context);
      PrintStubHeader(s, context);
      PrintMockStub(s, context);
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
