#include "request_id.h"

#include <cstdint>

#include "absl/random/random.h"

namespace bilateral::internal {

std::string NewRequestId() {
  // One generator per thread: absl::BitGen is not safe to share. It is
  // seeded from the operating system's entropy.
  thread_local absl::BitGen generator;
  uint8_t bytes[16];
  for (uint8_t& byte : bytes) byte = absl::Uniform<uint8_t>(generator);
  bytes[6] = static_cast<uint8_t>((bytes[6] & 0x0f) | 0x40);  // version 4
  bytes[8] = static_cast<uint8_t>((bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant
  constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  id.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) id += '-';
    id += kHex[bytes[i] >> 4];
    id += kHex[bytes[i] & 0x0f];
  }
  return id;
}

}  // namespace bilateral::internal
