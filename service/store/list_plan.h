// Keyset ("seek") pagination shared by every SQL backend: turns a ListQuery
// into one SELECT that starts right after the previous page's last row, so
// page 10,000 costs what page 1 costs, and issues opaque page tokens bound
// to the query they came from.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "query/filter.h"
#include "store/store.h"

namespace bilateral::store {

// The statement for one page. Its result columns are, in order: seq, id,
// payload, etag, create_us, update_us, then `key_count` ordering keys.
struct ListPlan {
  std::string sql;  // `?` placeholders
  std::vector<SqlValue> params;
  size_t key_count = 0;
  uint64_t query_fingerprint = 0;
};

inline constexpr int kFixedListColumns = 6;

// Builds the statement for `query` over `collection`. It fetches one row
// more than the page size, so the caller knows whether a next page exists.
absl::StatusOr<ListPlan> PlanList(const Collection& collection, const ListQuery& query,
                                  query::Dialect dialect);

// The token that resumes after a row with ordering keys `keys` and sequence
// number `seq`.
std::string EncodePageToken(uint64_t query_fingerprint, const std::vector<SqlValue>& keys,
                            int64_t seq);

// The token whose body (what EncodePageToken writes before its checksum) is
// `body`. The checksum catches damaged and edited tokens, not forged ones:
// anyone can seal any body, so DecodePageToken validates everything it reads.
std::string SealPageToken(absl::string_view body);

// The body of a token SealPageToken made; INVALID_ARGUMENT ("... token is
// malformed" or "... altered") when it is not one or was changed.
absl::StatusOr<std::string> UnsealPageToken(absl::string_view token);

struct PagePosition {
  std::vector<SqlValue> keys;
  int64_t seq = 0;
};

// Decodes a token issued for the query with `query_fingerprint` and
// `key_count` ordering keys. INVALID_ARGUMENT when it is malformed, was
// altered, or belongs to another query.
absl::StatusOr<PagePosition> DecodePageToken(absl::string_view token, uint64_t query_fingerprint,
                                             size_t key_count);

}  // namespace bilateral::store
