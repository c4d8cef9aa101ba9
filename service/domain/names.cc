#include "domain/names.h"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace bilateral::domain {
namespace {

bool IsValidUtf8(absl::string_view text) {
  for (int32_t i = 0, length = static_cast<int32_t>(text.size()); i < length;) {
    UChar32 c;
    U8_NEXT(text.data(), i, length, c);
    if (c < 0) return false;
  }
  return true;
}

std::string Folded(absl::string_view text) {
  if (!IsValidUtf8(text)) return std::string(text);
  UErrorCode error = U_ZERO_ERROR;
  const icu::Normalizer2* fold = icu::Normalizer2::getNFKCCasefoldInstance(error);
  if (U_FAILURE(error)) return absl::AsciiStrToLower(text);
  icu::UnicodeString folded = fold->normalize(icu::UnicodeString::fromUTF8(icu::StringPiece(
                                                  text.data(), static_cast<int32_t>(text.size()))),
                                              error);
  if (U_FAILURE(error)) return absl::AsciiStrToLower(text);
  std::string out;
  folded.toUTF8String(out);
  return out;
}

}  // namespace

std::string NameKey(absl::string_view name) {
  // NFKC makes the other Unicode spaces (no-break, ideographic, ...) U+0020.
  const std::string folded = Folded(name);
  std::vector<absl::string_view> words =
      absl::StrSplit(folded, absl::ByAnyChar(" \t\n\r\f\v"), absl::SkipEmpty());
  return absl::StrJoin(words, " ");
}

bool IsBlank(absl::string_view text) { return absl::StripAsciiWhitespace(text).empty(); }

}  // namespace bilateral::domain
