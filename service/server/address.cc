#include "server/address.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace bilateral::server {

absl::Status SplitHostPort(absl::string_view address, std::string* host,
                           int* port) {
  auto colon = address.rfind(':');
  if (colon == absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", address, "' is not HOST:PORT"));
  }
  absl::string_view host_part = address.substr(0, colon);
  if (absl::StartsWith(host_part, "[") && absl::EndsWith(host_part, "]")) {
    host_part = host_part.substr(1, host_part.size() - 2);
  } else if (absl::StrContains(host_part, ':')) {
    return absl::InvalidArgumentError(absl::StrCat(
        "'", address, "': write an IPv6 host in brackets, as [::1]:50051"));
  }
  int parsed = 0;
  if (!absl::SimpleAtoi(address.substr(colon + 1), &parsed) || parsed < 0 ||
      parsed > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", address, "' has no valid port (0 to 65535)"));
  }
  *host = std::string(host_part);
  *port = parsed;
  return absl::OkStatus();
}

bool IsLocalOnly(absl::string_view address) {
  if (absl::StartsWith(address, "unix:") ||
      absl::StartsWith(address, "unix-abstract:")) {
    return true;
  }
  absl::ConsumePrefix(&address, "ipv4:");
  absl::ConsumePrefix(&address, "ipv6:");
  std::string host;
  int port = 0;
  if (!SplitHostPort(address, &host, &port).ok()) return false;
  if (host == "localhost" || host == "::1") return true;
  std::vector<absl::string_view> octets = absl::StrSplit(host, '.');
  int first = 0;
  return octets.size() == 4 && absl::SimpleAtoi(octets[0], &first) &&
         first == 127;
}

}  // namespace bilateral::server
