// The Store contract implemented once over any SqlPool: keyset pages,
// conditional writes, idempotency keys, citations and re-derivation.
#pragma once

#include <memory>

#include "store/sql_connection.h"
#include "store/store.h"

namespace bilateral::store {

// How many of the latest changes the feed keeps unless told otherwise.
inline constexpr int64_t kDefaultChangeRetention = 1000000;

// A store over `pool`, whose schema is already migrated, keeping the latest
// `change_retention` changes in its feed.
std::unique_ptr<Store> MakeSqlStore(std::unique_ptr<SqlPool> pool,
                                    int64_t change_retention = kDefaultChangeRetention);

}  // namespace bilateral::store
