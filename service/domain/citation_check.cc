#include "domain/citation_check.h"

#include <openssl/sha.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "bilateral/citations.h"
#include "domain/fields.h"
#include "domain/resources.h"
#include "domain/rows.h"

namespace bilateral::domain {

QuoteMatch Anchor(const SourceText* text, v1::Citation& citation) {
  citation.clear_start();
  citation.clear_end();
  if (text == nullptr) {
    citation.set_verification(v1::CITATION_VERIFICATION_SOURCE_HAS_NO_TEXT);
    return {v1::CITATION_VERIFICATION_SOURCE_HAS_NO_TEXT};
  }
  QuoteMatch match = text->Find(citation.quote(), citation.prefix(), citation.suffix());
  citation.set_verification(match.state);
  if (match.matches > 0) {
    citation.set_start(match.start);
    citation.set_end(match.end);
  }
  return match;
}

std::string Sha256Hex(absl::string_view text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

absl::StatusOr<const CitationChecker::Cached*> CitationChecker::Lookup(
    absl::string_view source_name) {
  if (auto found = cache_.find(source_name); found != cache_.end()) return &found->second;
  Cached entry;
  absl::string_view id = source_name;
  absl::ConsumePrefix(&id, "sources/");
  auto row = store_->Get(call_, Resource<v1::Source>::Collection(), id);
  if (row.ok()) {
    auto source = PayloadOf<v1::Source>(*row);
    if (!source.ok()) return source.status();
    entry.exists = true;
    if (!source->text().empty()) entry.text = std::make_unique<SourceText>(source->text());
  } else if (!absl::IsNotFound(row.status())) {
    return row.status();
  }
  return &cache_.emplace(std::string(source_name), std::move(entry)).first->second;
}

absl::Status CitationChecker::Check(google::protobuf::Message& record, absl::string_view field,
                                    bool missing_sources, Violations& violations) {
  for (auto& [path, citation] : MutableCitationsIn(record)) {
    // A malformed name is the shape check's to report (CheckCitations).
    absl::string_view id = citation->source();
    if (!absl::ConsumePrefix(&id, "sources/") || !IsValidId(id)) continue;
    auto cached = Lookup(citation->source());
    if (!cached.ok()) return cached.status();
    if (!(*cached)->exists) {
      if (missing_sources) {
        violations.Add(absl::StrCat(field, ".", path, ".source"),
                       absl::StrCat(citation->source(), " does not exist"));
      }
      continue;
    }
    const SourceText* text = (*cached)->text.get();
    QuoteMatch match = Anchor(text, *citation);
    const std::string quote_field = absl::StrCat(field, ".", path, ".quote");
    if (match.state == v1::CITATION_VERIFICATION_NOT_IN_SOURCE) {
      std::string closest = text->ClosestPassage(citation->quote());
      violations.Add(quote_field,
                     closest.empty()
                         ? absl::StrCat("not in the text of ", citation->source(),
                                        ", and no passage of it is like the quote")
                         : absl::StrCat("not in the text of ", citation->source(),
                                        "; the closest passage there reads: \"", closest, "\""));
    } else if (match.state == v1::CITATION_VERIFICATION_AMBIGUOUS && citation->strict()) {
      violations.Add(quote_field, absl::StrCat("found ", match.matches, " times in the text of ",
                                               citation->source(),
                                               "; give a prefix or suffix to tell which is meant"));
    }
  }
  return absl::OkStatus();
}

}  // namespace bilateral::domain
