// Must not compile: server code sees bilateral_common's headers
// (bilateral/status.h, bilateral/format.h) but not the SDK's. The
// layers.server_does_not_see_the_sdk test builds it against the server's
// include directories and expects the build to fail on this include.
#include "bilateral/visit_client.h"

namespace bilateral {

void UsesTheSdk(VisitClient& client) { (void)client; }

}  // namespace bilateral
