#include "output.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"

namespace bilateral::cli {
namespace {

std::string PrintJson(const google::protobuf::Message& message, bool pretty) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = pretty;
  std::string json;
  // Printing fails only for messages that cannot exist here (e.g. Any with an
  // unknown type), so the result is used as is.
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  if (json.empty() || json.back() != '\n') json += '\n';
  return json;
}

// "already present" -> "alreadyPresent".
std::string CamelCase(const std::string& words) {
  std::string result;
  bool upper = false;
  for (char c : words) {
    if (c == ' ') {
      upper = true;
      continue;
    }
    result += upper ? absl::ascii_toupper(static_cast<unsigned char>(c)) : c;
    upper = false;
  }
  return result;
}

}  // namespace

std::string ToJson(const google::protobuf::Message& message) { return PrintJson(message, true); }

std::string ToJsonLine(const google::protobuf::Message& message) {
  return PrintJson(message, false);
}

std::string ToJson(const google::protobuf::Message& message, OutputFormat format) {
  return format == OutputFormat::kNdjson ? ToJsonLine(message) : ToJson(message);
}

std::string CountsText(const std::vector<std::pair<std::string, int64_t>>& counts,
                       OutputFormat format) {
  std::string text;
  for (const auto& [label, count] : counts) {
    switch (format) {
      case OutputFormat::kTable:
        absl::StrAppend(&text, text.empty() ? "" : ", ", label, " ", count);
        break;
      case OutputFormat::kJson:
        absl::StrAppend(&text, text.empty() ? "{\n" : ",\n", "  \"", CamelCase(label),
                        "\": ", count);
        break;
      case OutputFormat::kNdjson:
        absl::StrAppend(&text, text.empty() ? "{" : ",", "\"", CamelCase(label), "\":", count);
        break;
    }
  }
  switch (format) {
    case OutputFormat::kTable:
      return text + "\n";
    case OutputFormat::kJson:
      return text + "\n}\n";
    case OutputFormat::kNdjson:
      return text + "}\n";
  }
  return text;
}

}  // namespace bilateral::cli
