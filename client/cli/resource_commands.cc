#include "resource_commands.h"

#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "errors.h"
#include "google/protobuf/empty.pb.h"
#include "json_input.h"
#include "output.h"
#include "resources.h"

namespace bilateral::cli {

template <typename T>
int RunList(const Context& context) {
  typename Resource<T>::ListRequest request;
  request.set_filter(context.invocation.Get("filter"));
  request.set_order_by(context.invocation.Get("order-by"));
  int page_size = 0;
  // The parser has checked the value, so the conversion cannot fail.
  if (absl::SimpleAtoi(context.invocation.Get("page-size", "0"), &page_size)) {
    request.set_page_size(page_size);
  }
  auto client = Resource<T>::Connect(context.options);
  // Everything is fetched before printing: a table needs all rows for its
  // widths, and a failure must not leave half a JSON document behind.
  std::vector<T> records;
  for (absl::StatusOr<T>& record : Resource<T>::List(client, std::move(request))) {
    if (!record.ok()) return ReportServerError(record.status(), *context.err);
    records.push_back(std::move(*record));
  }
  PrintRecords(records, context.format, *context.out);
  return kExitOk;
}

template <typename T>
int RunGet(const Context& context) {
  auto client = Resource<T>::Connect(context.options);
  auto record = Resource<T>::Get(client, ResourceName<T>(context.args[0]));
  if (!record.ok()) return ReportServerError(record.status(), *context.err);
  PrintRecord(*record, context.format, *context.out);
  return kExitOk;
}

template <typename T>
int RunCreate(const Context& context) {
  T body;
  if (int code = ReadBody(context, &body); code != kExitOk) return code;
  auto client = Resource<T>::Connect(context.options);
  auto created = Resource<T>::Create(client, std::move(body),
                                     context.invocation.Get("id"),
                                     context.invocation.Get("request-id"));
  if (!created.ok()) return ReportServerError(created.status(), *context.err);
  PrintRecord(*created, context.format, *context.out);
  return kExitOk;
}

template int RunList<v1::Visit>(const Context&);
template int RunList<v1::Source>(const Context&);
template int RunGet<v1::Visit>(const Context&);
template int RunGet<v1::Source>(const Context&);
template int RunCreate<v1::Visit>(const Context&);
template int RunCreate<v1::Source>(const Context&);

int RunUpdateVisit(const Context& context) {
  v1::UpdateVisitRequest request;
  if (int code = ReadBody(context, request.mutable_visit()); code != kExitOk) {
    return code;
  }
  // The NAME argument decides which visit changes, whatever the body says.
  request.mutable_visit()->set_name(ResourceName<v1::Visit>(context.args[0]));
  if (context.invocation.Has("etag")) {
    request.mutable_visit()->set_etag(context.invocation.Get("etag"));
  }
  if (context.invocation.Has("update-mask")) {
    auto* mask = request.mutable_update_mask();
    for (absl::string_view path : absl::StrSplit(context.invocation.Get("update-mask"),
                                                 ',', absl::SkipWhitespace())) {
      mask->add_paths(std::string(absl::StripAsciiWhitespace(path)));
    }
  }
  auto client = Resource<v1::Visit>::Connect(context.options);
  auto updated = client.UpdateVisit(request);
  if (!updated.ok()) return ReportServerError(updated.status(), *context.err);
  PrintRecord(*updated, context.format, *context.out);
  return kExitOk;
}

int RunDeleteVisit(const Context& context) {
  std::string name = ResourceName<v1::Visit>(context.args[0]);
  auto client = Resource<v1::Visit>::Connect(context.options);
  auto status = client.DeleteVisit(name, context.invocation.Get("etag"));
  if (!status.ok()) return ReportServerError(status, *context.err);
  if (context.format == OutputFormat::kJson) {
    *context.out << ToJson(google::protobuf::Empty());
  } else {
    *context.out << "deleted " << name << "\n";
  }
  return kExitOk;
}

}  // namespace bilateral::cli
