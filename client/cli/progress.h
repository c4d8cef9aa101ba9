// How a long transfer (export, import, load) shows that it advances: one
// line on stderr, rewritten in place, such as
// "exported 12,345 visits (4,321/s)". Only on a terminal (Context::progress);
// elsewhere it prints nothing, so that logs and pipes stay clean.
#pragma once

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "context.h"

namespace bilateral::cli {

class Progress {
 public:
  // `verb` and `noun` make the line: "<verb> N <noun> (R/s)".
  Progress(const Context& context, std::string verb, std::string noun);
  // Ends the line if Finish() was not called.
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Counts `count` more records; redraws at most ten times a second.
  void Add(int64_t count = 1);
  // Writes `line` (a whole line, with its newline) to stderr, above the
  // progress line when there is one.
  void Note(const std::string& line);
  // Draws the final count and ends the line.
  void Finish();

 private:
  void Draw();

  const bool enabled_;
  std::ostream& err_;
  const std::string verb_;
  const std::string noun_;
  const absl::Time start_;
  absl::Time last_draw_ = absl::InfinitePast();
  int64_t count_ = 0;
  bool drawn_ = false;
  bool finished_ = false;
};

}  // namespace bilateral::cli
