// How names written by people are compared: two spellings of one person
// ("Xi Jinping", "xi  jinping ", a full-width or decomposed form) are one
// person for the derived values that group records by who they are about
// (a visitor's series of visits). The stored spelling is kept as written.
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace bilateral::domain {

// The form of `name` two spellings of one name share: Unicode NFKC with case
// folding (ICU's NFKC_Casefold), then surrounding white space removed and
// each run of white space inside made one space. Empty for a blank name.
// Text that is not valid UTF-8 compares by its bytes, white space aside.
std::string NameKey(absl::string_view name);

// True when `text` holds nothing but white space (or nothing).
bool IsBlank(absl::string_view text);

}  // namespace bilateral::domain
