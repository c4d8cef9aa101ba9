// Values derived from several records, and the consistency findings that
// compare them with the figures sources state:
//   - Visit.computed_ordinal: the visit's position among the stored visits
//     of the same visitor to the same host country, by start date;
//   - TradeRecord.computed_change_pct: the change against the previous
//     period of the same series (reporter, partner, flow, commodity and
//     period granularity), unset when that period is not stored;
//   - each citation's anchor in its source's text, when that text changes.
// Both are kept current inside every write's transaction (the collections'
// after_write), and so are the findings they open and close.
#pragma once

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "store/store.h"

namespace bilateral::domain {

// after_write of the sources collection: when a source's text changes,
// anchors every citation of it again (domain/citation_check.h), and opens
// or closes the QUOTE_NOT_IN_SOURCE finding of each citing record.
absl::Status AfterSourcesWrite(store::RowEditor& editor,
                               const std::vector<store::RowChange>& changes);

// `inner` (may be empty), then the QUOTE_NOT_IN_SOURCE findings of the
// records of type `Message` the write changed: a record written with its
// quotes corrected, or deleted, closes its finding.
// Defined for every record type (domain/resources.h).
template <typename Message>
store::AfterWrite WithQuoteFindings(store::AfterWrite inner);

// A stated change within this many percentage points of the computed one
// agrees with it (sources round their figures).
inline constexpr double kChangeTolerancePoints = 1.0;

// after_write of the visits collection: recomputes the ordinals of every
// series a changed visit was or is in, and their findings.
absl::Status AfterVisitsWrite(store::RowEditor& editor,
                              const std::vector<store::RowChange>& changes);

// after_write of the trade records collection: recomputes the change of
// every record whose period or previous period changed, and its finding.
absl::Status AfterTradeRecordsWrite(store::RowEditor& editor,
                                    const std::vector<store::RowChange>& changes);

// before_insert of the trade records collection: the change of each record
// whose previous period is among the rows inserted with it.
void BeforeTradeRecordsInsert(std::vector<store::Row>& rows);

}  // namespace bilateral::domain
