#include "progress.h"

#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "formatting.h"

namespace bilateral::cli {
namespace {

// Back to the start of the line and erase it.
constexpr const char* kClearLine = "\r\033[K";
constexpr absl::Duration kRedrawInterval = absl::Milliseconds(100);

}  // namespace

Progress::Progress(const Context& context, std::string verb, std::string noun)
    : enabled_(context.progress),
      err_(*context.err),
      verb_(std::move(verb)),
      noun_(std::move(noun)),
      start_(absl::Now()) {}

Progress::~Progress() { Finish(); }

void Progress::Add(int64_t count) {
  count_ += count;
  if (!enabled_) return;
  absl::Time now = absl::Now();
  if (now - last_draw_ < kRedrawInterval) return;
  last_draw_ = now;
  Draw();
}

void Progress::Note(const std::string& line) {
  if (drawn_) err_ << kClearLine;
  err_ << line;
  if (drawn_) Draw();
}

void Progress::Finish() {
  if (finished_) return;
  finished_ = true;
  if (!enabled_) return;
  Draw();
  err_ << "\n" << std::flush;
}

void Progress::Draw() {
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start_);
  std::string line =
      absl::StrCat(kClearLine, verb_, " ", DecimalText(static_cast<double>(count_)), " ", noun_);
  if (seconds > 0) {
    absl::StrAppend(&line, " (", DecimalText(std::round(static_cast<double>(count_) / seconds)),
                    "/s)");
  }
  err_ << line << std::flush;
  drawn_ = true;
}

}  // namespace bilateral::cli
