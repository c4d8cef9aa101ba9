// Finds a citation's quote in its source's text. Both are compared after a
// normalisation that keeps what the words say and forgets how they were
// typed: Unicode NFC; every run of white space as one space; typographic
// quotation marks and apostrophes as straight ones; dashes and minus signs
// as a hyphen-minus. Offsets are in Unicode code points of the text as
// stored, not of its normalised form.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "bilateral/v1/common.pb.h"

namespace bilateral::domain {

// Most bytes a source's text may hold.
inline constexpr size_t kMaxSourceTextBytes = 5'000'000;

// Where a quote stands in a text.
struct QuoteMatch {
  // VERIFIED, AMBIGUOUS (first of several matches) or NOT_IN_SOURCE.
  v1::CitationVerification state = v1::CITATION_VERIFICATION_NOT_IN_SOURCE;
  int32_t start = 0;  // code points, inclusive
  int32_t end = 0;    // code points, exclusive
  int matches = 0;    // how many places hold the quote (with its prefix and suffix)
};

// A source's text, normalised once to find any number of quotes in it.
// A text that serves many finds (a bulk import's chunk citing one long
// source) indexes where each run of kGramLength normalised code points
// starts, once, and looks quotes up in it instead of reading the whole
// text for each. Not safe for concurrent use: the index is built by Find.
class SourceText {
 public:
  explicit SourceText(absl::string_view text);

  // Finds `quote`; `prefix` and `suffix` (either may be empty) keep only
  // the matches that the text surrounds with them.
  QuoteMatch Find(absl::string_view quote, absl::string_view prefix,
                  absl::string_view suffix) const;

  // The passage of the text most like `quote` (most words in place), as it
  // stands in the text, at most `max_bytes` long; empty when no word of the
  // quote is in the text.
  std::string ClosestPassage(absl::string_view quote, size_t max_bytes = 400) const;

  // Code points [start, end) of the text as stored.
  std::string Slice(int32_t start, int32_t end) const;

  // Code points in the text.
  int32_t size() const { return static_cast<int32_t>(code_point_bytes_.size()) - 1; }

  // Whether finds now use the index (for tests).
  bool indexed() const { return !grams_.empty(); }

  // Code points a gram of the index holds; shorter quotes are searched for
  // by reading the text.
  static constexpr size_t kGramLength = 8;
  // Finds a text serves by reading it before it is indexed, and the
  // shortest normalised text worth indexing.
  static constexpr int kFindsBeforeIndex = 8;
  static constexpr size_t kShortestIndexed = 64 * 1024;

 private:
  // Normalised offsets where `wanted` starts, in order.
  std::vector<size_t> Occurrences(const std::u32string& wanted) const;
  void BuildIndex() const;

  std::string text_;
  // Byte offset of each code point of text_, and text_.size() at the end.
  std::vector<size_t> code_point_bytes_;
  // The normalised text, and for each of its code points the code points
  // [origin_start_, origin_end_) of text_ it stands for.
  std::u32string normalized_;
  std::vector<int32_t> origin_start_;
  std::vector<int32_t> origin_end_;
  // The index: (hash of the gram starting there, offset) for every offset
  // of normalized_, sorted. Built lazily, hence mutable.
  mutable int finds_ = 0;
  mutable std::vector<std::pair<uint32_t, uint32_t>> grams_;
};

// `text` normalised as quotes are compared, without the mapping to offsets.
std::string NormalizeForQuotes(absl::string_view text);

}  // namespace bilateral::domain
