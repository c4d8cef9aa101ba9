// The Store contract implemented once over any SqlPool: keyset pages,
// conditional writes, idempotency keys, citations and re-derivation.
#pragma once

#include <memory>

#include "store/sql_connection.h"
#include "store/store.h"

namespace bilateral::store {

// A store over `pool`, whose schema is already migrated.
std::unique_ptr<Store> MakeSqlStore(std::unique_ptr<SqlPool> pool);

}  // namespace bilateral::store
