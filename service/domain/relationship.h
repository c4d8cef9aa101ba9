// Relationships between two countries: the dossier that summarises what is
// stored about a pair, and the timeline that lays it out in date order.
// Both are read from the pair views the store keeps current with every
// write (domain/pair_views.h), so their cost does not grow with the number
// of records a pair has. Knows nothing of gRPC or SQL.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "bilateral/v1/relationship.pb.h"
#include "domain/records.h"
#include "store/store.h"

namespace bilateral::domain {

// A pair of distinct countries, as their alpha-2 codes in alphabetical order.
struct CountryPair {
  std::string first;   // e.g. "CN"
  std::string second;  // e.g. "KZ"

  // "relationships/CN-KZ".
  std::string name() const;
};

// Parses `relationships/{a}-{b}`, each code alpha-2, alpha-3 or numeric in
// any letter case, the pair in either order. INVALID_ARGUMENT with a
// violation of `field` when the name is malformed, a code is unknown or both
// codes name the same country.
absl::StatusOr<CountryPair> ParseRelationshipName(absl::string_view name, absl::string_view field);

// Most records of a kind a dossier lists; their full numbers are counted.
inline constexpr int64_t kMaxLatestTradeRecords = 100;
inline constexpr int64_t kMaxOpenFindings = 100;

// Reads relationships from the store's pair views.
//
// Cost: a dossier is a fixed number of indexed reads of a few rows each
// (counts, and the head of each list); a timeline page is one range of the
// timeline's index, as long as the page.
class Relationships {
 public:
  // `store` must outlive this object.
  explicit Relationships(store::Store* store) : store_(store) {}

  // The dossier of the pair `name` names (see ParseRelationshipName; errors
  // name the field `name`). A pair with nothing stored gets a dossier with
  // its name, countries and zero counts.
  absl::StatusOr<v1::Relationship> Get(const CallContext& call, absl::string_view name) const;

  // One page of the timeline of the pair `parent` names, filtered by
  // `filter` (kinds and a date range, as ListTimelineRequest documents).
  // `page_size` 0 means kDefaultPageSize, above kMaxPageSize means
  // kMaxPageSize. INVALID_ARGUMENT with a violation of `parent`,
  // `page_size`, `page_token` or `filter` for what is wrong with each.
  absl::StatusOr<ListResult<v1::TimelineEntry>> ListTimeline(const CallContext& call,
                                                             absl::string_view parent,
                                                             int page_size,
                                                             absl::string_view page_token,
                                                             absl::string_view filter) const;

 private:
  store::Store* store_;
};

}  // namespace bilateral::domain
