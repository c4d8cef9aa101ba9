// Checks the citations of a record against the texts of the sources they
// cite: each quote is found in its source's text (domain/quotes.h), and its
// offsets and verification state are filled in.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "bilateral/v1/common.pb.h"
#include "bilateral/v1/source.pb.h"
#include "domain/errors.h"
#include "domain/quotes.h"
#include "google/protobuf/message.h"
#include "store/store.h"

namespace bilateral::domain {

// Sets `citation`'s offsets and state from where `text` holds its quote
// (no text: SOURCE_HAS_NO_TEXT, no offsets).
QuoteMatch Anchor(const SourceText* text, v1::Citation& citation);

// The SHA-256 of `text`, as 64 lowercase hex digits.
std::string Sha256Hex(absl::string_view text);

// Checks citations against sources read from a store, reading and
// normalising each source's text once however many citations quote it:
// one checker serves a whole import chunk.
class CitationChecker {
 public:
  // `store` must outlive the checker; sources are read for `call`, which
  // must too.
  CitationChecker(store::Store* store, const CallContext& call) : store_(store), call_(call) {}

  // Anchors every citation of `record` (at request path `field`) whose
  // source exists. Adds a violation of `{field}.{path}.quote` for a quote
  // not in its source's text, and for a strict citation found more than
  // once; with `missing_sources`, also of `{field}.{path}.source` for a
  // source that does not exist. Fails only when the store does.
  absl::Status Check(google::protobuf::Message& record, absl::string_view field,
                     bool missing_sources, Violations& violations);

 private:
  struct Cached {
    bool exists = false;
    std::unique_ptr<SourceText> text;  // null without text
  };
  // The source `sources/{id}` (a well-formed name), read once.
  absl::StatusOr<const Cached*> Lookup(absl::string_view source_name);

  store::Store* store_;
  const CallContext& call_;
  std::map<std::string, Cached, std::less<>> cache_;
};

}  // namespace bilateral::domain
