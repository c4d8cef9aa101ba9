#include "transfer.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "absl/strings/str_cat.h"

namespace bilateral::cli {

std::unique_ptr<ExportSink> ExportSink::Open(const std::string& path, const Context& context) {
  std::unique_ptr<ExportSink> sink(new ExportSink());
  if (path.empty() || path == "-") {
    sink->stream_ = context.out;
    return sink;
  }
  sink->path_ = path;
  auto file =
      std::make_unique<std::ofstream>(path + ".partial", std::ios::binary | std::ios::trunc);
  if (!*file) {
    ReportLocalError(kExitIo,
                     absl::StrCat("cannot write ", path, ".partial: ", std::strerror(errno)),
                     *context.err);
    return nullptr;
  }
  sink->stream_ = file.get();
  sink->file_ = std::move(file);
  return sink;
}

ExportSink::~ExportSink() {
  if (!path_.empty() && !committed_) {
    file_.reset();
    std::remove((path_ + ".partial").c_str());
  }
}

int ExportSink::Commit(std::ostream& err) {
  stream_->flush();
  if (path_.empty()) {
    committed_ = true;
    return *stream_ ? kExitOk : ReportLocalError(kExitIo, "cannot write standard output", err);
  }
  auto* file = static_cast<std::ofstream*>(file_.get());
  file->close();
  if (file->fail()) {
    return ReportLocalError(kExitIo, absl::StrCat("cannot write ", path_, ".partial"), err);
  }
  if (std::rename((path_ + ".partial").c_str(), path_.c_str()) != 0) {
    return ReportLocalError(
        kExitIo, absl::StrCat("cannot rename ", path_, ".partial: ", std::strerror(errno)), err);
  }
  committed_ = true;
  return kExitOk;
}

}  // namespace bilateral::cli
