#include "bilateral/citations.h"

#include "absl/strings/str_cat.h"

namespace bilateral {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

void Collect(const Message& message, const std::string& path,
             std::vector<CitationAt<const v1::Citation>>& found) {
  const auto* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || field->is_map()) continue;
    const std::string name = path.empty() ? field->name() : absl::StrCat(path, ".", field->name());
    const bool citation = field->message_type() == v1::Citation::descriptor();
    auto visit = [&](const Message& value, std::string at) {
      if (citation) {
        found.push_back({std::move(at), static_cast<const v1::Citation*>(&value)});
      } else {
        Collect(value, at, found);
      }
    };
    if (field->is_repeated()) {
      for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
        visit(reflection->GetRepeatedMessage(message, field, i), absl::StrCat(name, "[", i, "]"));
      }
    } else {
      visit(reflection->GetMessage(message, field), name);
    }
  }
}

}  // namespace

std::vector<CitationAt<const v1::Citation>> CitationsIn(const Message& record) {
  std::vector<CitationAt<const v1::Citation>> found;
  Collect(record, "", found);
  return found;
}

std::vector<CitationAt<v1::Citation>> MutableCitationsIn(Message& record) {
  std::vector<CitationAt<v1::Citation>> found;
  // The record is the caller's to change; the walk itself changes nothing.
  for (auto& [field, citation] : CitationsIn(record)) {
    found.push_back({std::move(field), const_cast<v1::Citation*>(citation)});
  }
  return found;
}

}  // namespace bilateral
