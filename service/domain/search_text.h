// What full-text search sees of a record.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"

#include "google/protobuf/message.h"

namespace bilateral::domain {

// Most bytes of one value that search sees: of a source's text (up to 5 MB),
// the beginning. PostgreSQL's index of a document holds at most 1 MiB.
inline constexpr size_t kMaxSearchedValueBytes = 512 * 1024;

// Every free-text value of `record`, nested messages and lists included
// (titles, names, descriptions, occasions, outcomes, quotes, labels, a
// source's text), one per line, each at most kMaxSearchedValueBytes. Leaves
// out the record's own name, etag and text digest, and values that are
// references to other resources (`countries/KZ`, `sources/x`).
std::string SearchText(const google::protobuf::Message& record);

// Where a search snippet (an excerpt of SearchText, its matches marked
// [like this], a cut beginning or end marked "...") stands in `value`, one
// of the values SearchText joined: the code points [first, second) of
// `value` that the snippet shows. Nothing when the snippet is not within
// `value` (it spans two values, or comes from another).
std::optional<std::pair<int, int>> SnippetSpan(absl::string_view value, absl::string_view snippet);

}  // namespace bilateral::domain
