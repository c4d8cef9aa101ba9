// Must not compile: the store is below the domain, and a store file sees
// only the headers of its own layer and the layers below it. The
// layers.store_does_not_see_the_domain test builds it as the store's code
// and expects the build to fail on this include.
#include "domain/resources.h"

namespace bilateral::store {

int UsesTheDomain() { return 0; }

}  // namespace bilateral::store
