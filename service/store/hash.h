// A stable 64-bit hash (FNV-1a) for page tokens and etags: unlike
// absl::Hash it is the same in every process, so tokens and etags stay valid
// across restarts and replicas.
#pragma once

#include <cstdint>
#include <string>

#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"

namespace bilateral::store {

inline constexpr uint64_t kFnvOffsetBasis = 14695981039346656037ULL;

inline uint64_t Fnv1a(absl::string_view data, uint64_t hash = kFnvOffsetBasis) {
  for (unsigned char c : data) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

// The etag of a record's `revision`-th stored state.
inline std::string MakeEtag(absl::string_view payload, int64_t revision) {
  return absl::StrFormat("%016x", Fnv1a(payload, Fnv1a(absl::StrFormat("%d", revision))));
}

}  // namespace bilateral::store
