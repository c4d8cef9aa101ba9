// Listening addresses as operators write them: "host:port", "[v6]:port" or
// a gRPC URI such as "unix:/run/bilateral.sock".
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace bilateral::server {

// Splits "host:port" or "[v6 host]:port" (brackets removed from the host).
// INVALID_ARGUMENT when there is no port or it is not 0..65535.
absl::Status SplitHostPort(absl::string_view address, std::string* host,
                           int* port);

// Whether a gRPC listening address can only be reached from this machine:
// a loopback host (127.0.0.0/8, ::1, localhost) or a Unix socket. Wildcard
// and every other address reach beyond it.
bool IsLocalOnly(absl::string_view address);

}  // namespace bilateral::server
