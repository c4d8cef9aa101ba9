// The evidence behind records: each citation's quote where it stands in its
// source's text (`<resource> get NAME --evidence`), and the verification
// state of every citation of a source, or of all (`sources verify`).
#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "bilateral/v1/common.pb.h"
#include "context.h"
#include "google/protobuf/message.h"

namespace bilateral::cli {

// The sentence of `text` that holds code points [start, end), with that
// span in [square brackets], as search snippets mark matches. A sentence
// ends at ".", "!" or "?" before white space, or at a line break; a very
// long one is cut some 600 bytes from the quote, marked "…". Line breaks
// and tabs in it become spaces.
// `sentence_start` receives where the passage begins, in code points.
std::string PassageAround(absl::string_view text, int start, int end, int* sentence_start);

// Prints `details` (the record as `get` shows it in a table), then the
// evidence of each citation: its state and offsets, and the passage of the
// source that holds the quote. With JSON output, {"record": ...,
// "evidence": [...]}.
int PrintWithEvidence(const Context& context, const google::protobuf::Message& record,
                      const std::string& details);

// `sources verify [NAME]`: every citation of every record that cites NAME
// (or any source), with its state and offsets, and the counts per state.
int RunVerifySources(const Context& context);

}  // namespace bilateral::cli
