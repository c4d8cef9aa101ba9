// UTF-8 text by characters: where it may be cut, and how many code points
// it holds. Invalid bytes count as the characters they start.
#pragma once

#include <cstddef>

#include "absl/strings/string_view.h"

namespace bilateral::domain {

// Whether `c` continues a multi-byte character rather than starting one.
inline bool IsUtf8Continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// `text`, cut to at most `max_bytes` at a character boundary.
inline absl::string_view Utf8Prefix(absl::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t cut = max_bytes;
  while (cut > 0 && IsUtf8Continuation(text[cut])) --cut;
  return text.substr(0, cut);
}

// The code points of `text`.
inline int CodePointCount(absl::string_view text) {
  int count = 0;
  for (char c : text) count += IsUtf8Continuation(c) ? 0 : 1;
  return count;
}

}  // namespace bilateral::domain
