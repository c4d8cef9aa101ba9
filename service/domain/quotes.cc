#include "domain/quotes.h"

#include <algorithm>
#include <limits>
#include <unordered_map>

#include "absl/strings/str_cat.h"
#include "domain/utf8.h"
#include "unicode/normalizer2.h"
#include "unicode/uchar.h"
#include "unicode/unistr.h"
#include "unicode/utf8.h"

namespace bilateral::domain {
namespace {

// The code points of `text`; an invalid byte reads as U+FFFD.
std::u32string Decode(absl::string_view text, std::vector<size_t>* offsets) {
  std::u32string out;
  out.reserve(text.size());
  if (offsets != nullptr) offsets->reserve(text.size() + 1);
  int32_t i = 0;
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  const auto length = static_cast<int32_t>(text.size());
  while (i < length) {
    if (offsets != nullptr) offsets->push_back(static_cast<size_t>(i));
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    out.push_back(c < 0 ? 0xFFFD : static_cast<char32_t>(c));
  }
  if (offsets != nullptr) offsets->push_back(text.size());
  return out;
}

std::string Encode(const std::u32string& text) {
  std::string out;
  out.reserve(text.size());
  for (char32_t c : text) {
    char buffer[4];
    int32_t n = 0;
    UBool error = false;
    U8_APPEND(reinterpret_cast<uint8_t*>(buffer), n, 4, static_cast<UChar32>(c), error);
    if (!error) out.append(buffer, static_cast<size_t>(n));
  }
  return out;
}

// What a code point of NFC text becomes: a space for white space (runs
// collapse later), straight quotes for typographic ones, '-' for dashes.
char32_t Fold(char32_t c) {
  switch (c) {
    case U'\u2018':
    case U'\u2019':
    case U'\u201A':
    case U'\u201B':
    case U'\u2032':
    case U'\u02BC':
    case U'\u0060':
    case U'\u00B4':
      return U'\'';
    case U'\u201C':
    case U'\u201D':
    case U'\u201E':
    case U'\u201F':
    case U'\u2033':
    case U'\u00AB':
    case U'\u00BB':
      return U'"';
    case U'\u2010':
    case U'\u2011':
    case U'\u2012':
    case U'\u2013':
    case U'\u2014':
    case U'\u2015':
    case U'\u2212':
    case U'\uFE58':
    case U'\uFE63':
    case U'\uFF0D':
      return U'-';
    default:
      break;
  }
  if (c == U'\t' || c == U'\n' || c == U'\r' || u_isUWhiteSpace(static_cast<UChar32>(c))) {
    return U' ';
  }
  return c;
}

// Normalises `text` (code points) into `out`, with, for each code point
// written, the range of input code points it stands for. NFC is applied to
// each run of code points between normalisation boundaries, so that every
// output code point maps back to the run it came from.
void Normalize(const std::u32string& text, std::u32string& out, std::vector<int32_t>* origin_start,
               std::vector<int32_t>* origin_end) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  out.clear();
  out.reserve(text.size());
  auto emit = [&](char32_t c, int32_t from, int32_t to) {
    c = Fold(c);
    if (c == U' ' && (out.empty() || out.back() == U' ')) {
      // A run of white space is one space; leading white space is dropped.
      if (!out.empty() && origin_end != nullptr) origin_end->back() = to;
      return;
    }
    out.push_back(c);
    if (origin_start != nullptr) {
      origin_start->push_back(from);
      origin_end->push_back(to);
    }
  };
  const auto size = static_cast<int32_t>(text.size());
  for (int32_t begin = 0; begin < size;) {
    int32_t end = begin + 1;
    while (end < size &&
           !(U_SUCCESS(status) && nfc->hasBoundaryBefore(static_cast<UChar32>(text[end])))) {
      ++end;
    }
    if (end - begin == 1 && (text[begin] < 0x300 || U_FAILURE(status) ||
                             nfc->isInert(static_cast<UChar32>(text[begin])))) {
      emit(text[begin], begin, end);
    } else {
      icu::UnicodeString run;
      for (int32_t k = begin; k < end; ++k) run.append(static_cast<UChar32>(text[k]));
      UErrorCode run_status = U_ZERO_ERROR;
      icu::UnicodeString normalized = nfc->normalize(run, run_status);
      if (U_FAILURE(run_status)) normalized = run;
      for (int32_t k = 0; k < normalized.length(); k = normalized.moveIndex32(k, 1)) {
        emit(static_cast<char32_t>(normalized.char32At(k)), begin, end);
      }
    }
    begin = end;
  }
  // Trailing white space is dropped too.
  if (!out.empty() && out.back() == U' ') {
    out.pop_back();
    if (origin_start != nullptr) {
      origin_start->pop_back();
      origin_end->pop_back();
    }
  }
}

std::u32string NormalizedCodePoints(absl::string_view text) {
  std::u32string out;
  Normalize(Decode(text, nullptr), out, nullptr, nullptr);
  return out;
}

}  // namespace

std::string NormalizeForQuotes(absl::string_view text) {
  return Encode(NormalizedCodePoints(text));
}

SourceText::SourceText(absl::string_view text) : text_(text) {
  std::u32string code_points = Decode(text_, &code_point_bytes_);
  Normalize(code_points, normalized_, &origin_start_, &origin_end_);
}

std::string SourceText::Slice(int32_t start, int32_t end) const {
  start = std::clamp(start, 0, size());
  end = std::clamp(end, start, size());
  return text_.substr(code_point_bytes_[start], code_point_bytes_[end] - code_point_bytes_[start]);
}

namespace {

// FNV-1a of the kGramLength code points from `gram`.
uint32_t GramHash(const char32_t* gram) {
  uint32_t hash = 2166136261u;
  for (size_t i = 0; i < SourceText::kGramLength; ++i) {
    hash = (hash ^ static_cast<uint32_t>(gram[i])) * 16777619u;
  }
  return hash;
}

}  // namespace

void SourceText::BuildIndex() const {
  const size_t count = normalized_.size() - kGramLength + 1;
  grams_.reserve(count);
  for (size_t at = 0; at < count; ++at) {
    grams_.emplace_back(GramHash(normalized_.data() + at), static_cast<uint32_t>(at));
  }
  std::sort(grams_.begin(), grams_.end());
}

std::vector<size_t> SourceText::Occurrences(const std::u32string& wanted) const {
  std::vector<size_t> found;
  if (grams_.empty() && ++finds_ > kFindsBeforeIndex && normalized_.size() >= kShortestIndexed) {
    BuildIndex();
  }
  if (grams_.empty() || wanted.size() < kGramLength) {
    for (size_t at = normalized_.find(wanted); at != std::u32string::npos;
         at = normalized_.find(wanted, at + 1)) {
      found.push_back(at);
    }
    return found;
  }
  // The quote's rarest gram (of its first kGramsTried) names the fewest
  // places to check: quotes often share their beginnings, as the rows of a
  // table do. Its offsets come in order (the pairs sort by offset within
  // one hash); each is checked in full.
  constexpr size_t kGramsTried = 64;
  using Range = std::pair<std::vector<std::pair<uint32_t, uint32_t>>::const_iterator,
                          std::vector<std::pair<uint32_t, uint32_t>>::const_iterator>;
  Range rarest;
  size_t rarest_at = 0;
  for (size_t i = 0; i + kGramLength <= wanted.size() && i < kGramsTried; ++i) {
    const uint32_t hash = GramHash(wanted.data() + i);
    Range range{std::lower_bound(grams_.cbegin(), grams_.cend(), std::make_pair(hash, 0u)),
                std::upper_bound(grams_.cbegin(), grams_.cend(),
                                 std::make_pair(hash, std::numeric_limits<uint32_t>::max()))};
    if (i == 0 || range.second - range.first < rarest.second - rarest.first) {
      rarest = range;
      rarest_at = i;
    }
    if (rarest.first == rarest.second) break;  // not in the text
  }
  for (auto it = rarest.first; it != rarest.second; ++it) {
    if (it->second < rarest_at) continue;
    const size_t at = it->second - rarest_at;
    if (normalized_.compare(at, wanted.size(), wanted) == 0) found.push_back(at);
  }
  return found;
}

QuoteMatch SourceText::Find(absl::string_view quote, absl::string_view prefix,
                            absl::string_view suffix) const {
  QuoteMatch result;
  std::u32string wanted = NormalizedCodePoints(quote);
  if (wanted.empty()) return result;
  std::u32string before = NormalizedCodePoints(prefix);
  std::u32string after = NormalizedCodePoints(suffix);
  // Whether the text around [at, at + size) reads `before` and `after`,
  // white space at the joins aside.
  auto surrounded = [&](size_t at) {
    if (!before.empty()) {
      size_t left = at;
      while (left > 0 && normalized_[left - 1] == U' ') --left;
      if (left < before.size() ||
          normalized_.compare(left - before.size(), before.size(), before) != 0) {
        return false;
      }
    }
    if (!after.empty()) {
      size_t right = at + wanted.size();
      while (right < normalized_.size() && normalized_[right] == U' ') ++right;
      if (normalized_.compare(right, after.size(), after) != 0) return false;
    }
    return true;
  };
  // Exact matches are normalised matches too: one search finds both.
  for (size_t at : Occurrences(wanted)) {
    if (!surrounded(at)) continue;
    if (++result.matches == 1) {
      result.start = origin_start_[at];
      result.end = origin_end_[at + wanted.size() - 1];
    }
  }
  if (result.matches == 1) {
    result.state = v1::CITATION_VERIFICATION_VERIFIED;
  } else if (result.matches > 1) {
    result.state = v1::CITATION_VERIFICATION_AMBIGUOUS;
  }
  return result;
}

std::string SourceText::ClosestPassage(absl::string_view quote, size_t max_bytes) const {
  // Words as [begin, end) ranges of normalised code points.
  auto words_of = [](const std::u32string& text) {
    std::vector<std::pair<size_t, size_t>> words;
    for (size_t i = 0; i < text.size();) {
      while (i < text.size() && text[i] == U' ') ++i;
      size_t begin = i;
      while (i < text.size() && text[i] != U' ') ++i;
      if (i > begin) words.emplace_back(begin, i);
    }
    return words;
  };
  std::u32string wanted = NormalizedCodePoints(quote);
  auto quote_words = words_of(wanted);
  auto text_words = words_of(normalized_);
  if (quote_words.empty() || text_words.empty()) return "";
  // For each word of the quote, where it stands in the quote.
  std::unordered_map<std::u32string, std::vector<size_t>> positions;
  for (size_t j = 0; j < quote_words.size(); ++j) {
    positions[wanted.substr(quote_words[j].first, quote_words[j].second - quote_words[j].first)]
        .push_back(j);
  }
  // score[i]: words of the quote in place if the quote began at text word i.
  const size_t window = std::min(quote_words.size(), text_words.size());
  std::vector<int32_t> score(text_words.size(), 0);
  std::u32string word;
  for (size_t i = 0; i < text_words.size(); ++i) {
    word.assign(normalized_, text_words[i].first, text_words[i].second - text_words[i].first);
    auto found = positions.find(word);
    if (found == positions.end()) continue;
    for (size_t j : found->second) {
      if (j <= i && i - j + window <= text_words.size()) ++score[i - j];
    }
  }
  size_t best = static_cast<size_t>(std::max_element(score.begin(), score.end()) - score.begin());
  if (score[best] == 0) return "";
  int32_t start = origin_start_[text_words[best].first];
  int32_t end = origin_end_[text_words[best + window - 1].second - 1];
  std::string passage = Slice(start, end);
  if (passage.size() > max_bytes) {
    passage = absl::StrCat(Utf8Prefix(passage, max_bytes), "…");
  }
  return passage;
}

}  // namespace bilateral::domain
