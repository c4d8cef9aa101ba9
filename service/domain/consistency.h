// Values derived from several records, and the consistency findings that
// compare them with the figures sources state:
//   - Visit.computed_ordinal: the visit's position among the stored visits
//     of the same visitor to the same host country, by start date;
//   - TradeRecord.computed_change_pct: the change against the previous
//     period of the same series (reporter, partner, flow, commodity and
//     period granularity), unset when that period is not stored.
// Both are kept current inside every write's transaction (the collections'
// after_write), and so are the findings they open and close.
#pragma once

#include <vector>

#include "absl/status/status.h"
#include "store/store.h"

namespace bilateral::domain {

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
