// What each record contributes to the views of the pairs of countries it
// concerns (store/pair_views.h): its timeline entries, and its place in the
// lists the dossier reads the latest of and counts. The store rewrites
// these in the transaction of every write, so domain/relationship.h reads
// a pair's dossier and timeline without reading the pair's records.
//
// Which pairs a record concerns: a visit, the visitor's country and the
// host; a trade record, reporter and partner; a project, its host with
// each partner and any two of its partners; partnerships, exchanges,
// observations and open findings, any two of their countries.
#pragma once

#include <cstdint>
#include <string>

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "bilateral/v1/common.pb.h"
#include "bilateral/v1/infrastructure.pb.h"
#include "bilateral/v1/relationship.pb.h"
#include "store/store.h"

namespace bilateral::domain {

// "CN-KZ": the alpha-2 codes of two countries (given as alpha-2 or as
// `countries/{alpha2}`) in alphabetical order.
std::string PairKey(absl::string_view country_a, absl::string_view country_b);

// The lists of a pair, and what ranks their members.
// Visits from `visitor` to `host` (alpha-2 codes), by start date.
std::string VisitsList(absl::string_view visitor, absl::string_view host);
// Trade records by period (PeriodRank; 0 without one), counted by period.
inline constexpr char kTradeList[] = "trade";
// Projects at `status`, unranked.
std::string ProjectsList(v1::ProjectStatus status);
// Partnerships by current level: with a level before without, then by the
// date of the level.
inline constexpr char kPartnershipsList[] = "partnerships";
// Exchanges by date (0 when undated).
inline constexpr char kExchangesList[] = "exchanges";
// Observations by period.
inline constexpr char kObservationsList[] = "observations";
// Open findings by the time they were first raised.
inline constexpr char kOpenFindingsList[] = "findings open";

// A period in the order ListTradeRecords uses: year, then quarter, then
// month; 0 for no period.
int64_t PeriodRank(const v1::Period& period);

// The rows a record of type `Message` gives its pairs; defined for every
// record type that concerns pairs, and for findings.
template <typename Message>
store::PairViewsOf PairViewsFor();

// The collections whose records have timeline entries.
std::vector<const store::Collection*> TimelineCollections();

// Every collection with pair views: those, and findings.
std::vector<const store::Collection*> PairViewCollections();

// The timeline entry of `kind` and `index` that `row`, a record of
// `collection`, gives (the same in every pair's timeline): built from the
// record as it is stored, with its summary and citations.
absl::StatusOr<v1::TimelineEntry> TimelineEntryOf(const store::Collection& collection,
                                                  const store::Row& row, int64_t kind,
                                                  int64_t index);

}  // namespace bilateral::domain
