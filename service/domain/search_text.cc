#include "domain/search_text.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "domain/utf8.h"

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
  absl::StrAppend(&text, Utf8Prefix(value, kMaxSearchedValueBytes), "\n");
}

void Collect(const Message& message, bool top_level, std::string& text) {
  const Reflection* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    if (top_level &&
        (field->name() == "name" || field->name() == "etag" || field->name() == "text_sha256")) {
      continue;
    }
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

namespace {

// Whether `snippet` reads as `value` from byte `at` on, a '[' or ']' of the
// snippet that the value does not have there being a match marker; the end
// of the match in `value` when it does.
std::optional<size_t> MatchFrom(absl::string_view value, size_t at, absl::string_view snippet) {
  for (char c : snippet) {
    if (at < value.size() && value[at] == c) {
      ++at;
    } else if (c != '[' && c != ']') {
      return std::nullopt;
    }
  }
  return at;
}

}  // namespace

std::optional<std::pair<int, int>> SnippetSpan(absl::string_view value, absl::string_view snippet) {
  absl::ConsumePrefix(&snippet, "...");
  absl::ConsumeSuffix(&snippet, "...");
  // The words before the first marker (or the first marked word) anchor
  // the search; the rest is checked from each place they occur.
  size_t anchor_begin = 0;
  size_t anchor_end = snippet.find_first_of("[]");
  if (anchor_end == 0) {
    anchor_begin = 1;
    anchor_end = snippet.find(']', 1);
  }
  if (anchor_end == absl::string_view::npos) anchor_end = snippet.size();
  const absl::string_view anchor = snippet.substr(anchor_begin, anchor_end - anchor_begin);
  if (anchor.empty()) return std::nullopt;
  for (size_t found = value.find(anchor); found != absl::string_view::npos;
       found = value.find(anchor, found + 1)) {
    // The anchor starts the snippet, after a '[' marker at most.
    if (auto end = MatchFrom(value, found, snippet.substr(anchor_begin)); end.has_value()) {
      return std::make_pair(CodePointCount(value.substr(0, found)),
                            CodePointCount(value.substr(0, *end)));
    }
  }
  return std::nullopt;
}

}  // namespace bilateral::domain
