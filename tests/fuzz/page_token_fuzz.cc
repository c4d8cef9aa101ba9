// Fuzzes the page-token decoder: a token is client input, and anyone can
// seal a body of their choosing. Whatever the bytes: no crash, either
// INVALID_ARGUMENT or a position; and a decoded position encodes back to a
// token that decodes to the same position and only for the same query.
//
// Input: one control byte, then the rest. Control bit 7 set: the rest is a
// token body, sealed as the server seals one (reaches the decoder past its
// checksum); clear: the rest is the token text as a client sends it. The
// low two bits: how many ordering keys the query has.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "store/list_plan.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const size_t key_count = data[0] & 3;
  const bool sealed = (data[0] & 0x80) != 0;
  // The query's fingerprint: the seed corpus's sealed bodies carry it.
  const uint64_t fingerprint = 0x0123456789abcdefULL;
  const absl::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::string token = sealed ? bilateral::store::SealPageToken(rest) : std::string(rest);
  auto position = bilateral::store::DecodePageToken(token, fingerprint, key_count);
  if (!position.ok()) {
    if (position.status().code() != absl::StatusCode::kInvalidArgument) std::abort();
    return 0;
  }
  if (position->keys.size() != key_count) std::abort();
  const std::string again =
      bilateral::store::EncodePageToken(fingerprint, position->keys, position->seq);
  auto round_trip = bilateral::store::DecodePageToken(again, fingerprint, key_count);
  if (!round_trip.ok() || round_trip->keys != position->keys || round_trip->seq != position->seq) {
    std::abort();
  }
  if (bilateral::store::DecodePageToken(again, fingerprint + 1, key_count).ok()) std::abort();
  return 0;
}
