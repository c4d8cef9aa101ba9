// Listening addresses as operators write them: "host:port", "[v6]:port" or
// a gRPC URI such as "unix:/run/bilateral.sock".
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace bilateral::server {

// Splits "host:port" or "[v6 host]:port" (brackets removed from the host).
// INVALID_ARGUMENT when there is no port or it is not 0..65535.
absl::Status SplitHostPort(absl::string_view address, std::string* host, int* port);

// The numeric addresses ("127.0.0.1", "::1") a host name or address
// resolves to, as gRPC resolves a listening address before binding it.
using HostResolver =
    std::function<absl::StatusOr<std::vector<std::string>>(const std::string& host)>;

// Resolves with the system resolver (getaddrinfo). UNAVAILABLE when the name
// does not resolve.
absl::StatusOr<std::vector<std::string>> ResolveHost(const std::string& host);

// Whether a gRPC listening address can only be reached from this machine:
// a Unix socket, or a host every address of which, once resolved with
// `resolve`, is loopback (127.0.0.0/8, ::1). The name itself proves
// nothing: "127.0.0.x" or "localhost" may resolve elsewhere. An empty or
// wildcard host, one that does not resolve, and every other address reach
// beyond it.
bool IsLocalOnly(absl::string_view address, const HostResolver& resolve = ResolveHost);

}  // namespace bilateral::server
