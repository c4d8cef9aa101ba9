#include "output.h"

#include "google/protobuf/util/json_util.h"

namespace bilateral::cli {

std::string ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  std::string json;
  // Printing fails only for messages that cannot exist here (e.g. Any with an
  // unknown type), so the result is used as is.
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  if (json.empty() || json.back() != '\n') json += '\n';
  return json;
}

}  // namespace bilateral::cli
