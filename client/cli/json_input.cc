#include "json_input.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <iterator>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "errors.h"
#include "google/protobuf/util/json_util.h"

namespace bilateral::cli {

int ParseJson(const std::string& json, const std::string& origin,
              google::protobuf::Message* message, std::ostream& err) {
  auto status = google::protobuf::util::JsonStringToMessage(json, message);
  if (status.ok()) return kExitOk;
  return ReportLocalError(kExitUsage,
                          absl::StrCat(origin, " is not a ", message->GetDescriptor()->full_name(),
                                       " in protobuf JSON: ", status.message().as_string()),
                          err);
}

int ReadFileText(const std::string& path, std::string* text, std::ostream& err) {
  if (path == "-") {
    text->assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    if (std::cin.bad()) {
      return ReportLocalError(kExitIo, "cannot read standard input", err);
    }
    return kExitOk;
  }
  // stdio rather than streams: it reports why a read failed through errno,
  // including reads of a directory.
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  text->clear();
  if (file != nullptr) {
    char buffer[64 * 1024];
    size_t read = 0;
    while ((read = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) {
      text->append(buffer, read);
    }
  }
  if (file == nullptr || std::ferror(file.get())) {
    return ReportLocalError(kExitIo, absl::StrCat("cannot read ", path, ": ", std::strerror(errno)),
                            err);
  }
  return kExitOk;
}

int ForEachLine(const std::string& path, std::ostream& err,
                const std::function<int(const std::string& line, int number,
                                        const std::string& origin)>& parse) {
  std::string text;
  if (int code = ReadFileText(path, &text, err); code != kExitOk) return code;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++number;
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    if (int code = parse(std::string(line), number, absl::StrCat(path, ":", number));
        code != kExitOk) {
      return code;
    }
  }
  return kExitOk;
}

int ReadJsonFile(const std::string& path, google::protobuf::Message* message, std::ostream& err) {
  std::string text;
  if (int code = ReadFileText(path, &text, err); code != kExitOk) return code;
  return ParseJson(text, path, message, err);
}

int ReadBody(const Context& context, google::protobuf::Message* message) {
  const Invocation& invocation = context.invocation;
  if (invocation.Has("file") == invocation.Has("json")) {
    return ReportUsageError("give the record with exactly one of --file or --json", *context.err);
  }
  if (invocation.Has("file")) {
    return ReadJsonFile(invocation.Get("file"), message, *context.err);
  }
  return ParseJson(invocation.Get("json"), "--json", message, *context.err);
}

}  // namespace bilateral::cli
