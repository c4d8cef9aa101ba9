#include "domain/search_text.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace bilateral::domain {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// `collection/id`, as resource names and references are written.
bool IsReference(absl::string_view value) {
  auto slash = value.find('/');
  if (slash == absl::string_view::npos || slash == 0 || slash + 1 == value.size()) return false;
  for (size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (i == slash) continue;
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
  }
  return value.find('/', slash + 1) == absl::string_view::npos;
}

void Append(absl::string_view value, std::string& text) {
  if (value.empty() || IsReference(value)) return;
  absl::StrAppend(&text, value, "\n");
}

void Collect(const Message& message, bool top_level, std::string& text) {
  const Reflection* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    if (top_level && (field->name() == "name" || field->name() == "etag")) continue;
    if (field->type() == FieldDescriptor::TYPE_STRING) {
      if (field->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
          Append(reflection->GetRepeatedString(message, field, i), text);
        }
      } else {
        Append(reflection->GetString(message, field), text);
      }
    } else if (field->type() == FieldDescriptor::TYPE_MESSAGE) {
      if (field->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
          Collect(reflection->GetRepeatedMessage(message, field, i), false, text);
        }
      } else {
        Collect(reflection->GetMessage(message, field), false, text);
      }
    }
  }
}

}  // namespace

std::string SearchText(const Message& record) {
  std::string text;
  Collect(record, true, text);
  return text;
}

}  // namespace bilateral::domain
