#include "watch.h"

#include <ostream>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "args.h"
#include "bilateral/change_client.h"
#include "errors.h"
#include "output.h"

namespace bilateral::cli {
namespace {

// "created visits/x 2024-05-01T10:00:00Z CURSOR": what a person reads.
std::string EventLine(const v1::ChangeEvent& event) {
  std::string kind(absl::StripPrefix(v1::ChangeKind_Name(event.kind()), "CHANGE_KIND_"));
  absl::AsciiStrToLower(&kind);
  absl::Time time = absl::FromUnixSeconds(event.commit_time().seconds()) +
                    absl::Nanoseconds(event.commit_time().nanos());
  return absl::StrCat(kind, "  ", event.name(), "  ",
                      absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", time, absl::UTCTimeZone()), "  ",
                      event.cursor(), "\n");
}

}  // namespace

int RunWatch(const Context& context) {
  v1::WatchChangesRequest request;
  if (context.invocation.Has("from")) {
    request.set_cursor(context.invocation.Get("from"));
  } else {
    request.set_start(v1::WATCH_START_NOW);
  }
  for (std::string& collection : CommaList(context.invocation.Get("collections"))) {
    request.add_collections(std::move(collection));
  }
  ChangeClient client(MakeChangeConnection(context.channel, context.options));
  for (auto& batch : client.WatchChanges(std::move(request))) {
    if (!batch.ok()) return ReportServerError(batch.status(), *context.err);
    for (const v1::ChangeEvent& event : batch->events()) {
      if (context.format == OutputFormat::kTable) {
        *context.out << EventLine(event);
      } else {
        *context.out << ToJson(event, context.format);
      }
    }
    context.out->flush();
  }
  return kExitOk;
}

}  // namespace bilateral::cli
